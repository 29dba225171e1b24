//! Disks: the wipe crate's drive discovery, each drive with its SMART data from smartctl (live) or
//! from a captured `smartctl/<name>.json` (replay).

use std::path::{Path, PathBuf};
use std::process::Command;

use serde::{Deserialize, Serialize};
use tabula_wipe::device::{Drive, Transport};

use crate::root::Root;
use crate::smart::{self, SmartSummary};

/// Where SMART data comes from.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum SmartctlSource {
    /// Live root: run `smartctl` from `PATH`; captured root: read `<root>/smartctl/<drive>.json`.
    #[default]
    Auto,
    /// Run this smartctl binary.
    Program(PathBuf),
    /// Read `<dir>/<drive>.json` files.
    Captured(PathBuf),
    /// Do not collect SMART data.
    Off,
}

/// How far SMART collection got for one drive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SmartState {
    /// smartctl returned SMART data.
    Ok,
    /// smartctl ran but reached no SMART data (typically behind a USB bridge); see `detail`.
    NoData,
    /// SMART collection was switched off.
    Skipped,
    /// The drive kind has no SMART (loop, zram, device-mapper...).
    NotApplicable,
    /// smartctl is not installed.
    SmartctlMissing,
    /// Replaying a capture that holds no smartctl output for this drive.
    NotCaptured,
    /// smartctl's output could not be parsed or smartctl could not be run.
    Error,
}

/// SMART outcome for one drive.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Smart {
    pub state: SmartState,
    /// Why there is no data (smartctl's own messages, or the error).
    pub detail: Option<String>,
    pub data: Option<SmartSummary>,
}

impl Smart {
    fn without(state: SmartState, detail: Option<String>) -> Self {
        Self {
            state,
            detail,
            data: None,
        }
    }
}

/// A drive with its SMART outcome.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Disk {
    pub drive: Drive,
    pub smart: Smart,
}

impl Disk {
    /// A solid-state drive (not rotational).
    pub fn is_ssd(&self) -> bool {
        !self.drive.rotational
    }

    /// An internal drive worth grading (not removable, not USB, not loop/virtual).
    pub fn is_internal(&self) -> bool {
        !self.drive.removable && has_smart(&self.drive) && self.drive.transport != Transport::Usb
    }
}

/// Drives that can carry SMART data at all.
pub fn has_smart(drive: &Drive) -> bool {
    let virtual_name = ["loop", "zram", "ram", "dm-", "md", "sr", "nbd"]
        .iter()
        .any(|p| drive.name.starts_with(p));
    drive.transport != Transport::Loop && !virtual_name
}

/// SMART for one drive, from wherever `source` says.
pub fn smart_for(drive: &Drive, root: &Root, source: &SmartctlSource) -> Smart {
    if !has_smart(drive) {
        return Smart::without(SmartState::NotApplicable, None);
    }
    match source {
        SmartctlSource::Off => Smart::without(SmartState::Skipped, None),
        SmartctlSource::Auto if root.is_live() => run(Path::new("smartctl"), &drive.path),
        SmartctlSource::Auto => {
            from_file(&root.path("smartctl").join(format!("{}.json", drive.name)))
        }
        SmartctlSource::Captured(dir) => from_file(&dir.join(format!("{}.json", drive.name))),
        SmartctlSource::Program(program) => run(program, &drive.path),
    }
}

/// Runs `smartctl --json=c -a DEVICE` and returns its stdout (smartctl's exit status is a bit mask
/// that is non-zero for many readable drives, so it is not treated as failure here).
pub fn run_smartctl(program: &Path, device: &Path) -> std::io::Result<Vec<u8>> {
    Command::new(program)
        .arg("--json=c")
        .arg("-a")
        .arg(device)
        .output()
        .map(|o| o.stdout)
}

fn run(program: &Path, device: &Path) -> Smart {
    match run_smartctl(program, device) {
        Ok(stdout) => from_bytes(&stdout),
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => Smart::without(
            SmartState::SmartctlMissing,
            Some(format!("{} not found", program.display())),
        ),
        Err(err) => Smart::without(
            SmartState::Error,
            Some(format!("cannot run {}: {err}", program.display())),
        ),
    }
}

fn from_file(path: &Path) -> Smart {
    match std::fs::read(path) {
        Ok(bytes) => from_bytes(&bytes),
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
            Smart::without(SmartState::NotCaptured, None)
        }
        Err(err) => Smart::without(
            SmartState::Error,
            Some(format!("cannot read {}: {err}", path.display())),
        ),
    }
}

/// Classifies smartctl output.
pub fn from_bytes(bytes: &[u8]) -> Smart {
    match smart::parse(bytes) {
        Err(err) => {
            let detail = match std::error::Error::source(&err) {
                Some(source) => format!("{err}: {source}"),
                None => err.to_string(),
            };
            Smart::without(SmartState::Error, Some(detail))
        }
        Ok(json) => {
            let summary = SmartSummary::from(&json);
            if summary.has_data() {
                Smart {
                    state: SmartState::Ok,
                    detail: None,
                    data: Some(summary),
                }
            } else {
                let detail = if summary.messages.is_empty() {
                    "smartctl returned no SMART data".to_string()
                } else {
                    summary.messages.join("; ")
                };
                Smart {
                    state: SmartState::NoData,
                    detail: Some(detail),
                    data: Some(summary),
                }
            }
        }
    }
}
