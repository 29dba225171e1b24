//! Progress as one stream of events. The engine sends them; front ends (indicatif bars, the TUI,
//! JSON lines, test recorders) consume them. Nothing here knows about terminals.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::ranges::LbaRange;
use crate::report::WipeStatus;

/// Writing a pattern or reading it back.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Phase {
    Write,
    Verify,
}

/// Where a firmware erase stands, for a display that must not look frozen while the drive
/// works without reporting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FirmwarePhase {
    /// Writing the canaries.
    Canaries,
    /// The drive's own erase runs; [`Event::FirmwareProgress`] follows when the drive reports.
    Erase,
    /// Reading the canaries back and sampling the drive.
    Check,
}

/// One thing that happened during a wipe. `drive` is the index into the plan's drives.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Event {
    DriveStarted {
        drive: usize,
        path: PathBuf,
        size: u64,
        passes: usize,
    },
    PassStarted {
        drive: usize,
        pass: usize,
        passes: usize,
        phase: Phase,
        pattern: String,
    },
    /// `position` bytes of `size` are done in this pass (also the resume offset).
    Progress {
        drive: usize,
        pass: usize,
        passes: usize,
        phase: Phase,
        position: u64,
        size: u64,
        bytes_per_sec: f64,
    },
    /// Sectors that could not be written or read, or did not match on verify.
    BadRange {
        drive: usize,
        pass: usize,
        phase: Phase,
        range: LbaRange,
        mismatch: bool,
    },
    /// A request failed as a whole; its sectors are being tried in smaller parts.
    Retrying {
        drive: usize,
        pass: usize,
        phase: Phase,
        range: LbaRange,
    },
    /// No progress for `seconds`.
    Stalled {
        drive: usize,
        seconds: u64,
    },
    /// A stalled drive moves again.
    Recovered {
        drive: usize,
    },
    DriveFinished {
        drive: usize,
        status: WipeStatus,
    },
    /// Canaries are being planted and the drive's own erase follows.
    FirmwareStarted {
        drive: usize,
        /// The operation in the specification's words (English).
        operation: String,
        /// The operation, for front ends that word it in their language (absent in event
        /// streams from before it was added).
        #[serde(default)]
        op: Option<tabula_device::capabilities::FirmwareOp>,
        /// The drive's own time estimate, in seconds.
        estimate_secs: Option<u64>,
    },
    /// The firmware erase moved on to `phase`.
    FirmwarePhase {
        drive: usize,
        phase: FirmwarePhase,
    },
    /// The drive's erase is `percent` done (as the drive reports it).
    FirmwareProgress {
        drive: usize,
        percent: u8,
    },
    /// The erase ended and was checked: canaries read back, the drive sampled.
    FirmwareChecked {
        drive: usize,
        /// The drive's state afterwards confirmed the erase.
        confirmed: bool,
        canaries: usize,
        survived: usize,
        /// What the samples read as (`zeros`, `random`, `data`, ...).
        reads_as: String,
    },
}

impl Event {
    /// The drive this event is about.
    pub fn drive(&self) -> usize {
        match self {
            Self::DriveStarted { drive, .. }
            | Self::PassStarted { drive, .. }
            | Self::Progress { drive, .. }
            | Self::BadRange { drive, .. }
            | Self::Retrying { drive, .. }
            | Self::Stalled { drive, .. }
            | Self::Recovered { drive }
            | Self::DriveFinished { drive, .. }
            | Self::FirmwareStarted { drive, .. }
            | Self::FirmwarePhase { drive, .. }
            | Self::FirmwareProgress { drive, .. }
            | Self::FirmwareChecked { drive, .. } => *drive,
        }
    }
}
