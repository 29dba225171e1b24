//! `tabula audit --capture DIR`: copy exactly the files an audit reads (plus the wipe crate's drive
//! discovery inputs and smartctl's JSON per drive) into a tree that `--root DIR` replays.
//!
//! Sysfs symlinks that the discovery reads as links (`sys/block/sda -> ../devices/...`) are recreated
//! as links with their target directory, so the transport detection replays too. The product key in
//! an `MSDM` table is redacted in the copy (all but its last five characters replaced by `X`, checksum
//! fixed), because captures are sent around and may become fixtures.

use std::fs;
use std::io;
use std::path::{Component, Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::acpi;
use crate::collect::{AuditError, Options, collect_from};
use crate::disks::{self, SmartctlSource};
use crate::root::Root;

/// Why a capture failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CaptureError {
    #[error(transparent)]
    Audit(#[from] AuditError),
    #[error("cannot write capture file {path}")]
    Write {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
}

/// The manifest written as `CAPTURE.json` at the top of a capture.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    pub tabula_version: String,
    pub captured_at: chrono::DateTime<chrono::Utc>,
    /// The root that was captured (`/` normally).
    pub source_root: PathBuf,
    /// Files and links copied, relative to the capture.
    pub files: Vec<PathBuf>,
    /// Files the audit wanted but that could not be read, with the reason.
    pub skipped: Vec<String>,
    /// Drives whose smartctl output is in `smartctl/<name>.json`.
    pub smartctl: Vec<String>,
    /// Whether an MSDM product key was redacted in the copy.
    pub msdm_key_redacted: bool,
}

/// Captures what an audit of `options.root` reads into `dir`.
pub fn capture(options: &Options, dir: &Path) -> Result<Manifest, CaptureError> {
    fs::read_dir(&options.root).map_err(|source| AuditError::Root {
        path: options.root.clone(),
        source,
    })?;
    let root = Root::new(&options.root);
    let mut quiet = options.clone();
    quiet.smartctl = SmartctlSource::Off;
    let audit = collect_from(&root, &quiet);

    let mut wanted: Vec<PathBuf> = root.touched();
    for path in tabula_device::device::capture_inputs(root.dir()) {
        if let Ok(rel) = path.strip_prefix(root.dir()) {
            wanted.push(rel.to_path_buf());
        }
    }
    wanted.sort();
    wanted.dedup();

    let mut manifest = Manifest {
        tabula_version: env!("CARGO_PKG_VERSION").to_string(),
        captured_at: chrono::Utc::now(),
        source_root: root.dir().to_path_buf(),
        files: Vec::new(),
        skipped: Vec::new(),
        smartctl: Vec::new(),
        msdm_key_redacted: false,
    };
    mkdir(dir)?;
    for rel in &wanted {
        copy_one(root.dir(), dir, rel, &mut manifest)?;
    }
    for disk in audit.disks.iter().filter(|d| disks::has_smart(&d.drive)) {
        let name = &disk.drive.name;
        let output = match &options.smartctl {
            SmartctlSource::Off => continue,
            SmartctlSource::Auto if root.is_live() => {
                disks::run_smartctl(Path::new("smartctl"), &disk.drive.path)
            }
            SmartctlSource::Auto => fs::read(root.path("smartctl").join(format!("{name}.json"))),
            SmartctlSource::Captured(src) => fs::read(src.join(format!("{name}.json"))),
            SmartctlSource::Program(program) => disks::run_smartctl(program, &disk.drive.path),
        };
        match output {
            Ok(bytes) => {
                let rel = PathBuf::from("smartctl").join(format!("{name}.json"));
                write(&dir.join(&rel), &bytes)?;
                manifest.files.push(rel);
                manifest.smartctl.push(name.clone());
            }
            // Re-capturing a capture that holds no smartctl output for this drive.
            Err(err) if err.kind() == io::ErrorKind::NotFound && !root.is_live() => {}
            Err(err) => manifest.skipped.push(format!("smartctl for {name}: {err}")),
        }
    }
    let text = serde_json::to_vec_pretty(&manifest).unwrap_or_default();
    write(&dir.join("CAPTURE.json"), &text)?;
    Ok(manifest)
}

fn mkdir(path: &Path) -> Result<(), CaptureError> {
    fs::create_dir_all(path).map_err(|source| CaptureError::Write {
        path: path.to_path_buf(),
        source,
    })
}

fn write(path: &Path, bytes: &[u8]) -> Result<(), CaptureError> {
    if let Some(parent) = path.parent() {
        mkdir(parent)?;
    }
    fs::write(path, bytes).map_err(|source| CaptureError::Write {
        path: path.to_path_buf(),
        source,
    })
}

/// `a/b/../c` -> `a/c`; `None` if the path climbs above its start or is absolute.
fn normalize(path: &Path) -> Option<PathBuf> {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::Normal(part) => out.push(part),
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    return None;
                }
            }
            Component::RootDir | Component::Prefix(_) => return None,
        }
    }
    Some(out)
}

fn copy_one(
    src_root: &Path,
    dst_root: &Path,
    rel: &Path,
    manifest: &mut Manifest,
) -> Result<(), CaptureError> {
    let src = src_root.join(rel);
    let dst = dst_root.join(rel);
    let Ok(meta) = fs::symlink_metadata(&src) else {
        return Ok(());
    };
    if meta.file_type().is_symlink()
        && let Ok(target) = fs::read_link(&src)
        && let Some(resolved) = rel.parent().and_then(|p| normalize(&p.join(&target)))
    {
        if src.is_dir() {
            mkdir(&dst_root.join(&resolved))?;
        }
        if let Some(parent) = dst.parent() {
            mkdir(parent)?;
        }
        if fs::symlink_metadata(&dst).is_err() {
            std::os::unix::fs::symlink(&target, &dst).map_err(|source| CaptureError::Write {
                path: dst.clone(),
                source,
            })?;
        }
        manifest.files.push(rel.to_path_buf());
        return Ok(());
    }
    if src.is_dir() {
        mkdir(&dst)?;
        return Ok(());
    }
    match fs::read(&src) {
        Ok(mut bytes) => {
            if rel == Path::new("sys/firmware/acpi/tables/MSDM") {
                manifest.msdm_key_redacted = redact_msdm(&mut bytes);
            }
            write(&dst, &bytes)?;
            manifest.files.push(rel.to_path_buf());
        }
        Err(err) => manifest.skipped.push(format!("{}: {err}", rel.display())),
    }
    Ok(())
}

/// Replaces all but the last five key characters of a valid MSDM table with `X` and fixes the checksum.
pub fn redact_msdm(bytes: &mut [u8]) -> bool {
    let Ok(table) = acpi::parse_msdm(bytes) else {
        return false;
    };
    let key = table.key.reveal().as_bytes().to_vec();
    let Some(at) = bytes.windows(key.len()).position(|w| w == key.as_slice()) else {
        return false;
    };
    let masked = table.key.masked();
    bytes[at..at + key.len()].copy_from_slice(masked.as_bytes());
    bytes[9] = 0;
    let sum = bytes.iter().fold(0u8, |s, b| s.wrapping_add(*b));
    bytes[9] = 0u8.wrapping_sub(sum);
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalize_stays_inside() {
        assert_eq!(
            normalize(Path::new("sys/block/../devices/x")),
            Some(PathBuf::from("sys/devices/x"))
        );
        assert_eq!(normalize(Path::new("sys/../../etc")), None);
        assert_eq!(normalize(Path::new("/etc")), None);
    }

    #[test]
    fn msdm_redaction_keeps_a_valid_table() {
        let key = "TABUL-AAAAA-BBBBB-CCCCC-3V66T";
        let mut t = acpi::build_table(b"MSDM", b"OEMOEM", b"TABLE   ", &acpi::msdm_body(key));
        assert!(redact_msdm(&mut t));
        let parsed = acpi::parse_msdm(&t).unwrap();
        assert_eq!(parsed.key.reveal(), "XXXXX-XXXXX-XXXXX-XXXXX-3V66T");
        assert!(!redact_msdm(&mut [0u8; 10]));
    }
}
