//! Reading the machine through a root directory (`/` live, or a captured tree), recording what was read.
//!
//! Every collector reads through [`Root`] so that an audit can be replayed from a capture, and so that
//! `tabula audit --capture` can copy exactly the files an audit read (see [`Root::touched`]).

use std::cell::RefCell;
use std::collections::BTreeSet;
use std::fs;
use std::io;
use std::path::{Component, Path, PathBuf};

/// A root directory that the audit reads `/sys`, `/proc` and firmware tables from.
#[derive(Debug)]
pub struct Root {
    dir: PathBuf,
    touched: RefCell<BTreeSet<PathBuf>>,
}

impl Root {
    /// A root at `dir` (`/` for the running machine).
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        Self {
            dir: dir.into(),
            touched: RefCell::new(BTreeSet::new()),
        }
    }

    /// The directory this root reads from.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Whether this is the running system (`/`) rather than a captured tree.
    pub fn is_live(&self) -> bool {
        self.dir == Path::new("/")
    }

    /// The host path of `rel` (a path relative to the root, e.g. `sys/class/dmi/id/sys_vendor`).
    pub fn path(&self, rel: impl AsRef<Path>) -> PathBuf {
        self.dir.join(strip_root(rel.as_ref()))
    }

    fn touch(&self, rel: &Path) {
        self.touched
            .borrow_mut()
            .insert(strip_root(rel).to_path_buf());
    }

    /// Reads a whole file; records it when it could be read.
    pub fn read(&self, rel: impl AsRef<Path>) -> io::Result<Vec<u8>> {
        let rel = rel.as_ref();
        let bytes = fs::read(self.path(rel))?;
        self.touch(rel);
        Ok(bytes)
    }

    /// Reads a file if it exists; `Ok(None)` when it does not.
    pub fn read_opt(&self, rel: impl AsRef<Path>) -> io::Result<Option<Vec<u8>>> {
        match self.read(rel) {
            Ok(bytes) => Ok(Some(bytes)),
            Err(err) if err.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(err) => Err(err),
        }
    }

    /// Reads a sysfs-style attribute: trimmed text, `None` when absent, unreadable or empty.
    pub fn attr(&self, rel: impl AsRef<Path>) -> Option<String> {
        let bytes = self.read(rel).ok()?;
        let text = String::from_utf8_lossy(&bytes).trim().to_string();
        (!text.is_empty()).then_some(text)
    }

    /// Reads a numeric sysfs attribute (decimal, or hex with `0x`).
    pub fn attr_u64(&self, rel: impl AsRef<Path>) -> Option<u64> {
        let text = self.attr(rel)?;
        match text.strip_prefix("0x") {
            Some(hex) => u64::from_str_radix(hex, 16).ok(),
            None => text.parse().ok(),
        }
    }

    /// Whether `rel` exists; an existing directory is recorded (so a capture recreates it).
    pub fn exists(&self, rel: impl AsRef<Path>) -> bool {
        let rel = rel.as_ref();
        let exists = self.path(rel).exists();
        if exists && self.path(rel).is_dir() {
            self.touch(rel);
        }
        exists
    }

    /// Names of the entries of a directory, sorted; empty when it does not exist.
    pub fn list(&self, rel: impl AsRef<Path>) -> Vec<String> {
        let Ok(entries) = fs::read_dir(self.path(rel)) else {
            return Vec::new();
        };
        let mut names: Vec<String> = entries
            .filter_map(|e| e.ok())
            .filter_map(|e| e.file_name().into_string().ok())
            .collect();
        names.sort();
        names
    }

    /// Every relative path read (files) or found (directories) so far.
    pub fn touched(&self) -> Vec<PathBuf> {
        self.touched.borrow().iter().cloned().collect()
    }
}

/// `"/sys/x"` and `"sys/x"` both become `"sys/x"`; `..` components are dropped.
fn strip_root(rel: &Path) -> &Path {
    let mut rel = rel;
    while let Ok(stripped) = rel.strip_prefix("/") {
        if stripped == rel {
            break;
        }
        rel = stripped;
    }
    if rel.components().any(|c| matches!(c, Component::ParentDir)) {
        return Path::new("");
    }
    rel
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_through_root_and_records() {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir_all(dir.path().join("sys/class/x")).unwrap();
        fs::write(dir.path().join("sys/class/x/a"), "  hello \n").unwrap();
        fs::write(dir.path().join("sys/class/x/n"), "0x1f\n").unwrap();
        let root = Root::new(dir.path());
        assert_eq!(root.attr("/sys/class/x/a").as_deref(), Some("hello"));
        assert_eq!(root.attr_u64("sys/class/x/n"), Some(31));
        assert_eq!(root.attr("sys/class/x/missing"), None);
        assert!(root.exists("sys/class"));
        assert_eq!(root.list("sys/class/x"), vec!["a", "n"]);
        assert_eq!(
            root.touched(),
            vec![
                PathBuf::from("sys/class"),
                PathBuf::from("sys/class/x/a"),
                PathBuf::from("sys/class/x/n")
            ]
        );
        assert!(!root.is_live());
    }

    #[test]
    fn parent_components_never_escape() {
        assert_eq!(strip_root(Path::new("../etc/passwd")), Path::new(""));
        assert_eq!(strip_root(Path::new("//sys/a")), Path::new("sys/a"));
    }
}
