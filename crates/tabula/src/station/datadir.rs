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

use anyhow::Context;
use tabula_certificate::{PRIVATE_KEY_FILE, StationKey};

use super::config::{Config, EXAMPLE};

/// An opened data directory.
#[derive(Debug, Clone)]
pub struct DataDir {
    pub root: PathBuf,
}

impl DataDir {
    /// Opens (creating the layout if needed) the data directory at `root`.
    pub fn open(root: &Path) -> anyhow::Result<Self> {
        for sub in ["keys", "certificates", "outbox", "journal", "logs"] {
            let dir = root.join(sub);
            fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
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
    pub fn config(&self, explicit: Option<&Path>) -> anyhow::Result<Config> {
        if let Some(path) = explicit {
            return Ok(Config::load(path)?);
        }
        let path = self.root.join("tabula.toml");
        if !path.exists() {
            write_atomic(&path, EXAMPLE.as_bytes())?;
        }
        Ok(Config::load(&path)?)
    }

    /// The station key, created on first use.
    pub fn station_key(&self) -> anyhow::Result<StationKey> {
        let path = self.keys().join(PRIVATE_KEY_FILE);
        if path.exists() {
            return StationKey::load(&path)
                .with_context(|| format!("loading station key {}", path.display()));
        }
        let key = StationKey::generate()?;
        key.write(&self.keys())
            .context("writing the new station key")?;
        Ok(key)
    }

    /// Bundles waiting in the outbox, oldest name first.
    pub fn outbox_bundles(&self) -> anyhow::Result<Vec<PathBuf>> {
        list_with_suffix(&self.outbox(), ".tabula.json")
    }
}

pub fn list_with_suffix(dir: &Path, suffix: &str) -> anyhow::Result<Vec<PathBuf>> {
    let mut files: Vec<PathBuf> = fs::read_dir(dir)
        .with_context(|| format!("listing {}", dir.display()))?
        .filter_map(Result::ok)
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

/// Writes `bytes` to `path` atomically and durably.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    tabula_certificate::write_atomic(path, bytes)
        .with_context(|| format!("writing {}", path.display()))
}

/// Appends one line to a log file and flushes it to the medium.
pub fn append_line(path: &Path, line: &str) -> anyhow::Result<()> {
    let mut f = fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)?;
    writeln!(f, "{line}")?;
    f.sync_data()?;
    Ok(())
}
