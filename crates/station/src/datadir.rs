//! The station data directory (on the USB stick in the live image):
//!
//! ```text
//! tabula.toml      configuration
//! keys/            station.key (0600) and station.pem
//! certificates/    every bundle and PDF ever made here, kept forever
//! outbox/          bundles not yet uploaded (removed once the receipt is verified and stored)
//! journal/         progress of running wipes, for resume after power loss
//! logs/            one JSON-lines log per run
//! ```
//!
//! Every file but the logs is written atomically (temp file, fsync, rename, fsync of the
//! directory), so pulling the stick never leaves a half-written certificate, bundle, key or
//! journal; the logs are appended a line at a time (a torn last line is all a power loss costs).

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use tabula_certificate::{PRIVATE_KEY_FILE, StationKey, atomic_temp_owner};

use crate::config::{Config, EXAMPLE};
use crate::error::{Error, Result};

/// An opened data directory.
#[derive(Debug, Clone)]
pub struct DataDir {
    pub root: PathBuf,
}

impl DataDir {
    /// Opens (creating the layout if needed) the data directory at `root`.
    /// Temporary files that a killed or powered-off `tabula` left behind are removed.
    pub fn open(root: &Path) -> Result<Self> {
        for sub in ["keys", "certificates", "outbox", "journal", "logs"] {
            let dir = root.join(sub);
            fs::create_dir_all(&dir).map_err(Error::io("creating", &dir))?;
        }
        for sub in ["", "keys", "certificates", "outbox", "journal"] {
            remove_stale_temp_files(&root.join(sub))?;
        }
        Ok(Self {
            root: root.to_owned(),
        })
    }

    pub fn keys(&self) -> PathBuf {
        self.root.join("keys")
    }
    pub fn certificates(&self) -> PathBuf {
        self.root.join("certificates")
    }
    pub fn outbox(&self) -> PathBuf {
        self.root.join("outbox")
    }
    pub fn journal(&self) -> PathBuf {
        self.root.join("journal")
    }
    pub fn logs(&self) -> PathBuf {
        self.root.join("logs")
    }

    /// The configuration: `explicit` if given, else `tabula.toml` here; if that does not exist the
    /// example is written (unattended wiping disabled) and loaded, so a new station works at once
    /// and its organisation, site and operator are the example's until someone edits them.
    pub fn config(&self, explicit: Option<&Path>) -> Result<Config> {
        if let Some(path) = explicit {
            return Ok(Config::load(path)?);
        }
        let path = self.config_path(None);
        if !path.exists() {
            write_atomic(&path, EXAMPLE.as_bytes())?;
        }
        Ok(Config::load(&path)?)
    }

    /// The configuration file in use: `explicit` if given, else `tabula.toml` here.
    pub fn config_path(&self, explicit: Option<&Path>) -> PathBuf {
        explicit.map_or_else(|| self.root.join("tabula.toml"), Path::to_owned)
    }

    /// The station key, created on first use.
    pub fn station_key(&self) -> Result<StationKey> {
        let path = self.keys().join(PRIVATE_KEY_FILE);
        let key_error = |source| Error::Key {
            path: path.clone(),
            source,
        };
        if path.exists() {
            return StationKey::load(&path).map_err(key_error);
        }
        let key = StationKey::generate().map_err(key_error)?;
        key.write(&self.keys()).map_err(key_error)?;
        Ok(key)
    }

    /// Bundles waiting in the outbox, oldest name first.
    pub fn outbox_bundles(&self) -> Result<Vec<PathBuf>> {
        list_with_suffix(&self.outbox(), ".tabula.json")
    }
}

pub fn list_with_suffix(dir: &Path, suffix: &str) -> Result<Vec<PathBuf>> {
    let mut files: Vec<PathBuf> = fs::read_dir(dir)
        .map_err(Error::io("listing", dir))?
        .filter_map(|entry| entry.ok())
        .map(|e| e.path())
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.ends_with(suffix))
        })
        .collect();
    files.sort();
    Ok(files)
}

/// Removes the temporary files of atomic writes in `dir` whose process is no longer running:
/// a kill or power loss between writing and renaming one leaves it behind. (After a reboot a new
/// process may have the old id; its file then stays until the next start.)
fn remove_stale_temp_files(dir: &Path) -> Result<()> {
    for entry in fs::read_dir(dir).map_err(Error::io("listing", dir))? {
        let path = entry.map_err(Error::io("listing", dir))?.path();
        let Some(pid) = atomic_temp_owner(&path) else {
            continue;
        };
        if !Path::new("/proc").join(pid.to_string()).exists() {
            fs::remove_file(&path)
                .map_err(Error::io("removing the stale temporary file", &path))?;
        }
    }
    Ok(())
}

/// Writes `bytes` to `path` atomically and durably.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    tabula_certificate::write_atomic(path, bytes).map_err(Error::io("writing", path))
}

/// Appends one line to a log file and flushes it to the medium. The line and its newline go
/// out in one `write` (`writeln!` on a `File` makes two), so a process killed in between cannot
/// leave a line without its end for the next line to be glued to.
pub fn append_line(path: &Path, line: &str) -> Result<()> {
    let append = || -> std::io::Result<()> {
        let mut f = fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)?;
        f.write_all(format!("{line}\n").as_bytes())?;
        f.sync_data()
    };
    append().map_err(Error::io("appending to", path))
}
