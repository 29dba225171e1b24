//! Disks: the wipe crate's drive discovery, each drive with its SMART data from smartctl (live) or
//! from a captured `smartctl/<name>.json` (replay).

use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};
use tabula_device::capabilities::Capabilities;
use tabula_device::device::{Bus, Drive};

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
    /// Firmware erase capabilities, frozen/locked state and hidden areas, read from the drive
    /// (live audits only; a drive no command reaches carries the reason).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub capabilities: Option<Capabilities>,
}

impl Disk {
    /// A solid-state drive (not rotational).
    pub fn is_ssd(&self) -> bool {
        !self.drive.rotational
    }

    /// An internal drive worth grading (not removable, not USB, not loop/virtual).
    pub fn is_internal(&self) -> bool {
        !self.drive.removable && has_smart(&self.drive) && self.drive.transport != Bus::Usb
    }
}

/// Drives that can carry SMART data at all.
pub fn has_smart(drive: &Drive) -> bool {
    let virtual_name = ["loop", "zram", "ram", "dm-", "md", "sr", "nbd"]
        .iter()
        .any(|p| drive.name.starts_with(p));
    drive.transport != Bus::Loop && !virtual_name
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

/// How long smartctl may take for one drive before it is killed (some USB bridges hang).
pub const SMARTCTL_TIMEOUT: Duration = Duration::from_secs(60);

/// Runs `smartctl --json=c -a DEVICE` and returns its stdout (smartctl's exit status is a bit mask
/// that is non-zero for many readable drives, so it is not treated as failure here). A smartctl
/// that runs longer than [`SMARTCTL_TIMEOUT`] is killed and reported as `TimedOut`.
pub fn run_smartctl(program: &Path, device: &Path) -> io::Result<Vec<u8>> {
    run_with_timeout(
        Command::new(program).arg("--json=c").arg("-a").arg(device),
        SMARTCTL_TIMEOUT,
    )
}

/// Runs a command, collecting stdout on a thread (so a full pipe never blocks it), killing it
/// after `timeout`.
pub fn run_with_timeout(command: &mut Command, timeout: Duration) -> io::Result<Vec<u8>> {
    let mut child = command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()?;
    let mut stdout = child
        .stdout
        .take()
        .ok_or_else(|| io::Error::other("no stdout pipe"))?;
    let reader = std::thread::spawn(move || {
        let mut out = Vec::new();
        stdout.read_to_end(&mut out).map(|_| out)
    });
    let deadline = Instant::now() + timeout;
    loop {
        if child.try_wait()?.is_some() {
            break;
        }
        if Instant::now() >= deadline {
            let _ = child.kill();
            let _ = child.wait();
            return Err(io::Error::new(
                io::ErrorKind::TimedOut,
                format!("no answer within {} s", timeout.as_secs()),
            ));
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    reader
        .join()
        .map_err(|_| io::Error::other("stdout reader panicked"))?
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slow_programs_are_killed_and_output_is_collected() {
        let started = Instant::now();
        let err = run_with_timeout(Command::new("sleep").arg("30"), Duration::from_millis(300))
            .unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::TimedOut);
        assert!(started.elapsed() < Duration::from_secs(10));
        // More than a pipe buffer of output must not block the child.
        let out = run_with_timeout(
            Command::new("head").args(["-c", "200000", "/dev/zero"]),
            Duration::from_secs(20),
        )
        .unwrap();
        assert_eq!(out.len(), 200_000);
    }

    #[test]
    fn missing_smartctl_is_reported_as_such() {
        let smart = run(Path::new("/nonexistent/smartctl"), Path::new("/dev/null"));
        assert_eq!(smart.state, SmartState::SmartctlMissing);
    }

    #[test]
    fn fake_smartctl_output_is_parsed() {
        let dir = tempfile::tempdir().unwrap();
        let script = dir.path().join("smartctl");
        std::fs::write(&script, "#!/bin/sh\necho '{\"smart_status\":{\"passed\":false},\"device\":{\"protocol\":\"ATA\"}}'\nexit 8\n").unwrap();
        std::fs::set_permissions(&script, std::os::unix::fs::PermissionsExt::from_mode(0o755))
            .unwrap();
        // Another test thread forking while the script was open for writing makes exec fail with
        // ETXTBSY for a moment; retry a few times.
        let mut smart = run(&script, Path::new("/dev/sdz"));
        for _ in 0..20 {
            if smart.state != SmartState::Error {
                break;
            }
            std::thread::sleep(Duration::from_millis(50));
            smart = run(&script, Path::new("/dev/sdz"));
        }
        assert_eq!(smart.state, SmartState::Ok);
        assert_eq!(
            smart.data.unwrap().health,
            Some(crate::smart::Health::Failed)
        );
    }
}
