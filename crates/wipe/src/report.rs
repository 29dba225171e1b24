//! The result record of a wipe: what was done to each drive, when, how fast, and what failed.
//! Serialised as JSON (`tabula wipe --json`) and mapped into certificates by the station.

use std::path::PathBuf;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::plan::{DrivePlan, MethodRef, ResumePoint, VerifyMode};
use crate::progress::Phase;
use crate::ranges::RangeSet;
use tabula_device::device::{Bus, Drive};

/// How a drive's wipe ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum WipeStatus {
    /// Every pass written, every requested verification passed, no bad sectors.
    Completed,
    /// Every pass ran, but sectors failed to write/read or did not verify.
    CompletedWithErrors,
    /// The wipe could not be carried out (target refused, fatal error).
    Failed,
    /// Stopped before the end (signal, operator, hung device).
    Interrupted,
}

impl WipeStatus {
    pub fn is_success(self) -> bool {
        self == Self::Completed
    }
}

impl std::fmt::Display for WipeStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::Completed => "completed",
            Self::CompletedWithErrors => "completed-with-errors",
            Self::Failed => "failed",
            Self::Interrupted => "interrupted",
        })
    }
}

/// Identity of the wiped target, as far as it is known.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DriveIdentity {
    pub path: PathBuf,
    pub name: Option<String>,
    pub model: Option<String>,
    pub serial: Option<String>,
    pub firmware: Option<String>,
    pub vendor: Option<String>,
    pub transport: Option<Bus>,
    pub rotational: Option<bool>,
    pub size_bytes: u64,
    pub logical_sector_size: u32,
    pub physical_sector_size: u32,
}

impl DriveIdentity {
    fn new(path: PathBuf, drive: Option<&Drive>) -> Self {
        Self {
            path,
            name: drive.map(|d| d.name.clone()),
            model: drive.and_then(|d| d.model.clone()),
            serial: drive.and_then(|d| d.serial.clone()),
            firmware: drive.and_then(|d| d.firmware.clone()),
            vendor: drive.and_then(|d| d.vendor.clone()),
            transport: drive.map(|d| d.transport),
            rotational: drive.map(|d| d.rotational),
            size_bytes: drive.map_or(0, |d| d.size_bytes),
            logical_sector_size: drive.map_or(512, |d| d.logical_sector_size),
            physical_sector_size: drive.map_or(512, |d| d.physical_sector_size),
        }
    }
}

/// One write or verify pass over the whole device.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PassReport {
    pub number: usize,
    pub phase: Phase,
    /// `constant`, `repeat` or `random`.
    pub pattern_kind: String,
    /// `0x00`, `92 49 24`, `random (AES-128-CTR)`.
    pub pattern: String,
    /// First byte offset of this run (non-zero when resumed).
    pub from_offset: u64,
    pub bytes: u64,
    pub started: DateTime<Utc>,
    pub finished: DateTime<Utc>,
    pub mb_per_s: f64,
    /// Sectors that failed (write/read errors) or did not match (verify).
    pub bad_sectors: u64,
    pub completed: bool,
}

/// Outcome of verification over all verify passes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum VerifyOutcome {
    NotRequested,
    Passed,
    Failed,
    /// Requested but not (fully) carried out.
    Incomplete,
}

/// The result record for one drive.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DriveReport {
    pub tool: String,
    pub drive: DriveIdentity,
    pub method: MethodRef,
    pub verify_mode: VerifyMode,
    pub passes_planned: usize,
    pub started: DateTime<Utc>,
    pub finished: DateTime<Utc>,
    pub passes: Vec<PassReport>,
    pub verification: VerifyOutcome,
    /// LBA ranges that could not be written.
    pub write_errors: RangeSet,
    /// LBA ranges that could not be read back during verification.
    pub read_errors: RangeSet,
    /// LBA ranges whose content did not match on verification.
    pub mismatches: RangeSet,
    /// LBA ranges of failed writes whose sectors were not all tried again (cancelled, or the
    /// retry budget spent): not known to be written.
    #[serde(default)]
    pub unwritten: RangeSet,
    /// The same for failed reads during verification: not known to be verified.
    #[serde(default)]
    pub unverified: RangeSet,
    pub status: WipeStatus,
    /// Why the wipe failed or stopped, when it did.
    pub error: Option<String>,
    /// Stalls, resumes and other remarks.
    pub notes: Vec<String>,
    /// Where an interrupted wipe can continue.
    pub resume_from: Option<ResumePoint>,
}

impl DriveReport {
    pub(crate) fn new(method: &MethodRef, verify: VerifyMode, plan: &DrivePlan) -> Self {
        let now = Utc::now();
        let mut notes = Vec::new();
        if let Some(r) = plan.resume {
            notes.push(format!("resumed at pass {} from byte {}", r.pass, r.offset));
        }
        Self {
            tool: concat!("tabula-wipe ", env!("CARGO_PKG_VERSION")).to_owned(),
            drive: DriveIdentity::new(plan.path.clone(), plan.drive.as_ref()),
            method: method.clone(),
            verify_mode: verify,
            passes_planned: plan.passes.len(),
            started: now,
            finished: now,
            passes: Vec::new(),
            verification: VerifyOutcome::NotRequested,
            write_errors: RangeSet::default(),
            read_errors: RangeSet::default(),
            mismatches: RangeSet::default(),
            unwritten: RangeSet::default(),
            unverified: RangeSet::default(),
            status: WipeStatus::Failed,
            error: None,
            notes,
            resume_from: None,
        }
    }

    /// Every write pass done, every requested verify pass done: the basis of the final status.
    pub(crate) fn settle(&mut self, plan: &DrivePlan, interrupted: bool) {
        self.finished = Utc::now();
        let verify_planned = plan.passes.iter().filter(|p| p.verify).count();
        let verify_done = self
            .passes
            .iter()
            .filter(|p| p.phase == Phase::Verify && p.completed)
            .count();
        self.verification = if verify_planned == 0 {
            VerifyOutcome::NotRequested
        } else if verify_done < verify_planned {
            VerifyOutcome::Incomplete
        } else if self.mismatches.is_empty()
            && self.read_errors.is_empty()
            && self.unverified.is_empty()
        {
            VerifyOutcome::Passed
        } else {
            VerifyOutcome::Failed
        };
        let last = plan.passes.last().map_or(0, |p| p.number);
        let all_written = self
            .passes
            .iter()
            .any(|p| p.phase == Phase::Write && p.number == last && p.completed);
        let clean = self.write_errors.is_empty()
            && self.read_errors.is_empty()
            && self.mismatches.is_empty()
            && self.unwritten.is_empty()
            && self.unverified.is_empty();
        self.status = if interrupted {
            WipeStatus::Interrupted
        } else if self.error.is_some() || !all_written {
            WipeStatus::Failed
        } else if clean && self.verification != VerifyOutcome::Incomplete {
            WipeStatus::Completed
        } else {
            WipeStatus::CompletedWithErrors
        };
    }
}
