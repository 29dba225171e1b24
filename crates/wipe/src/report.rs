//! The result record of a wipe: what was done to each drive, when, how fast, and what failed.
//! Serialised as JSON (`tabula wipe --json`) and mapped into certificates by the station.

use std::path::PathBuf;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::canary::CanaryCheck;
pub use crate::failure::{Failure, FirmwareFailure};
use crate::firmware::CommandRecord;
use crate::firmware::hidden::HiddenRemoval;
pub use crate::note::Note;
use crate::plan::{DrivePlan, MethodRef, ResumePoint, VerifyMode};
use crate::progress::Phase;
use crate::ranges::RangeSet;
use crate::sampling::SampleReport;
use tabula_device::capabilities::{FirmwareOp, HiddenAreas};
use tabula_device::device::{Bus, Drive};

/// The NIST SP 800-88 Rev. 1 category a drive's wipe reached, computed from what was done and
/// verified (never from the method's name).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum NistLevel {
    /// Every user-addressable sector overwritten (or a firmware erase whose check passed while a
    /// hidden area remained).
    Clear,
    /// A firmware erase the drive confirmed, no canary survived, the samples held no data, and
    /// no hidden area remained.
    Purge,
}

impl NistLevel {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Clear => "clear",
            Self::Purge => "purge",
        }
    }
}

/// A firmware erase as it was carried out and checked.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FirmwareReport {
    pub op: FirmwareOp,
    /// The method name of the operation (`nvme-format`).
    pub method: String,
    /// Every command sent, with the drive's status.
    pub commands: Vec<CommandRecord>,
    /// The drive's state read back afterwards confirms the erase completed.
    pub confirmed: bool,
    /// Why the erase failed or was not attempted, in plain words.
    pub error: Option<String>,
    /// The canaries read back after the erase (None: not planted).
    pub canaries: Option<CanaryCheck>,
    /// The sampling read after the erase (None: not run).
    pub sampling: Option<SampleReport>,
    /// `auto` overwrote the drive after this erase failed or was not confirmed.
    pub fell_back: bool,
}

impl FirmwareReport {
    /// The drive confirmed the erase, no canary survived, and the samples held no data.
    pub fn erased_and_verified(&self) -> bool {
        self.confirmed
            && self.error.is_none()
            && self.canaries.as_ref().is_some_and(CanaryCheck::passed)
            && self.sampling.as_ref().is_some_and(SampleReport::passed)
    }
}

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
    /// Why the wipe failed or stopped, when it did, in English words (kept for readers of
    /// older reports; front ends word [`DriveReport::failure`] when it is there).
    pub error: Option<String>,
    /// Why the wipe failed, typed (absent in older reports and for failures still in words).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failure: Option<Failure>,
    /// Stalls, resumes and other remarks.
    #[serde(deserialize_with = "crate::note::deserialize_notes")]
    pub notes: Vec<Note>,
    /// Where an interrupted wipe can continue.
    pub resume_from: Option<ResumePoint>,
    /// `auto`'s choice for this drive and why.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auto_reason: Option<String>,
    /// The firmware erase, when one was planned.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub firmware: Option<FirmwareReport>,
    /// Hidden areas (HPA/DCO) before the wipe, when the drive was asked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hidden_before: Option<HiddenAreas>,
    /// Hidden areas after the wipe, when the drive was asked again.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hidden_after: Option<HiddenAreas>,
    /// The removal of hidden areas before the overwrite, with its commands, when planned.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hidden_removal: Option<HiddenRemoval>,
    /// The NIST category reached (None: none, the wipe failed or was not verified).
    #[serde(default)]
    pub nist_reached: Option<NistLevel>,
}

impl DriveReport {
    pub(crate) fn new(method: &MethodRef, verify: VerifyMode, plan: &DrivePlan) -> Self {
        let now = Utc::now();
        let mut notes = Vec::new();
        if let Some(r) = plan.resume {
            notes.push(Note::Resumed {
                pass: r.pass,
                offset: r.offset,
            });
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
            failure: None,
            notes,
            resume_from: None,
            auto_reason: plan.auto.as_ref().map(|c| c.reason.clone()),
            firmware: None,
            hidden_before: plan.capabilities.as_ref().and_then(|c| c.hidden),
            hidden_after: None,
            hidden_removal: None,
            nist_reached: None,
        }
    }

    /// The drive failed for `failure`: typed, and in words in `error`.
    pub(crate) fn fail(&mut self, failure: Failure) {
        self.error = Some(failure.to_string());
        self.failure = Some(failure);
    }

    /// A hidden area is known to remain (after the wipe, or before it when not asked again).
    pub fn hidden_area_remains(&self) -> bool {
        self.hidden_after
            .or(self.hidden_before)
            .is_some_and(|h| h.has_hpa() || h.has_dco())
    }

    /// The firmware erase is the whole wipe: it was planned and no overwrite followed it.
    fn firmware_only(&self) -> Option<&FirmwareReport> {
        self.firmware.as_ref().filter(|f| !f.fell_back)
    }

    /// Every write pass done, every requested verify pass done (or the firmware erase done and
    /// checked): the basis of the final status and of the NIST category reached.
    pub(crate) fn settle(&mut self, plan: &DrivePlan, interrupted: bool) {
        self.finished = Utc::now();
        let firmware = self.firmware_only().map(|fw| {
            (
                fw.erased_and_verified(),
                fw.canaries.is_some(),
                fw.error.is_none(),
                fw.confirmed,
            )
        });
        if let Some((verified, attempted, no_error, confirmed)) = firmware {
            self.verification = if verified {
                VerifyOutcome::Passed
            } else if attempted && no_error {
                VerifyOutcome::Failed
            } else {
                VerifyOutcome::Incomplete
            };
            self.status = if interrupted {
                WipeStatus::Interrupted
            } else if self.error.is_some() || !no_error || !confirmed {
                WipeStatus::Failed
            } else if verified && !self.hidden_area_remains() {
                WipeStatus::Completed
            } else {
                WipeStatus::CompletedWithErrors
            };
        } else {
            self.settle_passes(plan, interrupted);
        }
        self.nist_reached = self.reached();
    }

    fn settle_passes(&mut self, plan: &DrivePlan, interrupted: bool) {
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
            && self.unverified.is_empty()
            && !self.hidden_area_remains();
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

    /// Purge only when a firmware erase was confirmed, its check passed, and no hidden area
    /// remained; Clear when every sector was overwritten (or the firmware erase was checked but a
    /// hidden area remained); none when the wipe failed, stopped, or left data behind.
    fn reached(&self) -> Option<NistLevel> {
        if matches!(self.status, WipeStatus::Failed | WipeStatus::Interrupted) {
            return None;
        }
        match self.firmware_only() {
            Some(fw) if fw.erased_and_verified() && !self.hidden_area_remains() => {
                Some(NistLevel::Purge)
            }
            Some(fw) if fw.erased_and_verified() => Some(NistLevel::Clear),
            Some(_) => None,
            None => Some(NistLevel::Clear),
        }
    }
}
