//! The wipe journal: what a running wipe is doing, written atomically every few seconds, so that
//! after a power loss `tabula resume` can continue each drive where it was and the certificate can
//! record the interruption.
//!
//! The journal holds the plan including the random passes' keys (a resumed or verified pass must
//! regenerate the same stream); it lives in the station's data directory only while the wipe
//! is unfinished and is deleted once the certificate is stored.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use tabula_certificate::{Bundle, LocalZone};
use tabula_device::identity::Identity;
use tabula_device::{Drive, discover};
use tabula_wipe::plan::{Preflight, ResumePoint, WipePlan};
use tabula_wipe::progress::{Event, Phase};
use tabula_wipe::report::{DriveReport, WipeStatus};
use tabula_wipe::target::Target;

use crate::datadir::{list_with_suffix, write_atomic};
use crate::error::{Error, Refusal, Result};

/// Data written to a drive in its last moments before a power loss may sit in the drive's volatile
/// cache and be lost; a resumed write pass starts this far before the journalled position.
pub const RESUME_MARGIN: u64 = 256 << 20;
const SAVE_EVERY: Duration = Duration::from_secs(3);

/// The journals of a directory: those that parse, and those that do not (with the reason).
#[derive(Debug, Default)]
pub struct Listed {
    pub journals: Vec<Journal>,
    pub unreadable: Vec<(PathBuf, Error)>,
}

/// Who the wipe is for, kept for the certificate made after a resume.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct IssuerRecord {
    pub organisation: String,
    pub site: String,
    pub operator: String,
    pub station_id: Option<String>,
    pub remark: String,
}

/// A wipe's signed certificate and the drive reports it was made from, journalled before the
/// certificate is stored: after a power loss while storing it, `tabula resume` stores this same
/// certificate instead of wiping again and signing a second one for the same wipe.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Signed {
    pub bundle: Bundle,
    pub reports: Vec<DriveReport>,
}

impl Signed {
    /// A drive was stopped: the journal stays after the certificate is stored, for resuming.
    pub fn interrupted(&self) -> bool {
        self.reports
            .iter()
            .any(|r| r.status == WipeStatus::Interrupted)
    }
}

/// The certificate signed when the wipe was stopped (operator, removal, a failing drive): the
/// resumed wipe's certificate names it as the one it continues.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Interrupted {
    /// The interrupted certificate's id.
    pub certificate: uuid::Uuid,
    /// When the wipe stopped (the certificate's `finished`).
    pub at: DateTime<Utc>,
}

/// One unfinished wipe.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Journal {
    pub id: String,
    pub started: DateTime<Utc>,
    pub issuer: IssuerRecord,
    pub plan: WipePlan,
    /// Per drive: the last pass and offset known to be written.
    pub positions: Vec<Option<ResumePoint>>,
    /// The audit document the certificate will carry.
    pub audit: serde_json::Value,
    /// Earlier interruptions and resumes, for the certificate's remark (German and English).
    #[serde(default)]
    pub history: Vec<String>,
    /// The last certificate signed for an interruption of this wipe, if one was.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interrupted: Option<Interrupted>,
    /// When the journal was last written: after a power loss, about when the wipe stopped.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub saved: Option<DateTime<Utc>>,
    /// The wipe has ended and its certificate is signed, but perhaps not stored yet.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signed: Option<Signed>,
    #[serde(skip)]
    path: PathBuf,
    #[serde(skip)]
    last_saved: Option<Instant>,
}

impl Journal {
    pub fn create(
        dir: &Path,
        plan: &WipePlan,
        issuer: IssuerRecord,
        audit: serde_json::Value,
    ) -> Result<Self> {
        let id = uuid::Uuid::now_v7().to_string();
        let mut journal = Self {
            path: dir.join(format!("{id}.journal.json")),
            id,
            started: Utc::now(),
            issuer,
            positions: vec![None; plan.drives.len()],
            plan: plan.clone(),
            audit,
            history: Vec::new(),
            interrupted: None,
            saved: None,
            signed: None,
            last_saved: None,
        };
        journal.save()?;
        Ok(journal)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn save(&mut self) -> Result<()> {
        self.saved = Some(tabula_certificate::now_seconds());
        let json = serde_json::to_vec_pretty(self).map_err(|source| Error::Json {
            what: "encoding the journal",
            source,
        })?;
        write_atomic(&self.path, &json)?;
        self.last_saved = Some(Instant::now());
        Ok(())
    }

    /// Records progress; saves at most every few seconds (and at pass boundaries).
    pub fn observe(&mut self, event: &Event) -> Result<()> {
        let (drive, point, boundary) = match event {
            Event::Progress {
                drive,
                pass,
                phase: Phase::Write,
                position,
                ..
            } => (
                *drive,
                ResumePoint {
                    pass: *pass,
                    offset: *position,
                },
                false,
            ),
            Event::PassStarted {
                drive,
                pass,
                phase: Phase::Verify,
                ..
            } => (
                *drive,
                ResumePoint {
                    pass: *pass,
                    offset: u64::MAX,
                },
                true,
            ),
            Event::PassStarted {
                drive,
                pass,
                phase: Phase::Write,
                ..
            } => (
                *drive,
                ResumePoint {
                    pass: *pass,
                    offset: 0,
                },
                true,
            ),
            _ => return Ok(()),
        };
        if let Some(slot) = self.positions.get_mut(drive) {
            *slot = Some(point);
        }
        if boundary || self.last_saved.is_none_or(|t| t.elapsed() >= SAVE_EVERY) {
            self.save()?;
        }
        Ok(())
    }

    /// The wipe is finished and certified: the journal (and its keys) goes.
    pub fn remove(&self) -> Result<()> {
        std::fs::remove_file(&self.path).map_err(Error::io("removing", &self.path))
    }

    /// Unfinished wipes in a journal directory. A journal that cannot be read or parsed does not
    /// hide the others: it is listed under [`Listed::unreadable`] with its reason, and its file is
    /// left as it is.
    pub fn list(dir: &Path) -> Result<Listed> {
        let mut listed = Listed::default();
        for path in list_with_suffix(dir, ".journal.json")? {
            match Self::read(&path) {
                Ok(j) => listed.journals.push(j),
                Err(e) => listed.unreadable.push((path, e)),
            }
        }
        Ok(listed)
    }

    /// Reads one journal file.
    pub fn read(path: &Path) -> Result<Journal> {
        let text = std::fs::read(path).map_err(Error::io("reading", path))?;
        let mut j: Journal = serde_json::from_slice(&text).map_err(|source| Error::Journal {
            path: path.to_owned(),
            source,
        })?;
        j.path = path.to_owned();
        Ok(j)
    }

    /// Turns the journal into a plan that continues where each drive was, after checking that
    /// every drive is still the same one (device names can change across reboots: a drive with a
    /// serial is found by its serial, and its size must match). The history gets a line for
    /// people, with times in `zone`.
    pub fn resume_plan(&mut self, root: &Path, zone: &LocalZone) -> Result<WipePlan> {
        let drives = discover(root)?;
        let mut plan = self.plan.clone();
        for (i, drive_plan) in plan.drives.iter_mut().enumerate() {
            if let Some(known) = &drive_plan.drive {
                let found = locate(known, &drives).ok_or_else(|| Refusal::DriveGone {
                    path: known.path.clone(),
                    serial: known.serial.clone(),
                })?;
                if !found.verdict.allows_explicit() {
                    return Err(Refusal::DriveExcluded {
                        path: found.path.clone(),
                        reasons: found.verdict.reasons().to_vec(),
                    }
                    .into());
                }
                drive_plan.path = found.path.clone();
                drive_plan.preflight = Some(reconfirm(known, &found.path)?);
            }
            // A regular file has no drive record: its size as recorded at confirmation.
            let file_size = match &drive_plan.preflight {
                Some(Preflight::Passed {
                    identity: Identity::File(file),
                }) => Some(file.size_bytes),
                _ => None,
            };
            let size = drive_plan
                .drive
                .as_ref()
                .map(|d| d.size_bytes)
                .or(file_size);
            drive_plan.resume = Some(match self.positions.get(i).copied().flatten() {
                None => ResumePoint { pass: 1, offset: 0 },
                // Verification had started: the pass is fully written, verify it again.
                Some(p) if p.offset == u64::MAX => ResumePoint {
                    pass: p.pass,
                    offset: size.unwrap_or(u64::MAX),
                },
                Some(p) => ResumePoint {
                    pass: p.pass,
                    offset: p.offset.saturating_sub(RESUME_MARGIN) / 4096 * 4096,
                },
            });
        }
        self.history
            .push(self.resume_note(&plan, tabula_certificate::now_seconds(), zone));
        Ok(plan)
    }
}

impl Journal {
    /// The history line of a resume, German then English: "Unterbrochen um 17:05:12 nach 2 von
    /// 7 Durchgängen, fortgesetzt am 06.12.2026 um 17:20:03 / interrupted at 17:05:12 after 2 of
    /// 7 passes, resumed on 06.12.2026 at 17:20:03". Without an interrupted certificate (a power
    /// loss), the time is the journal's last save, "gegen"/"about" it.
    fn resume_note(&self, plan: &WipePlan, resumed: DateTime<Utc>, zone: &LocalZone) -> String {
        let total = plan
            .drives
            .iter()
            .map(|d| d.passes.len())
            .max()
            .unwrap_or(0);
        // Passes fully written, of the drive that got least far.
        let done = self
            .positions
            .iter()
            .map(|p| match p {
                None => 0,
                Some(p) if p.offset == u64::MAX => p.pass,
                Some(p) => p.pass.saturating_sub(1),
            })
            .min()
            .unwrap_or(0);
        let (at, about_de, about_en) = match (&self.interrupted, self.saved) {
            (Some(i), _) => (Some(i.at), "um", "at"),
            (None, Some(saved)) => (Some(saved), "gegen", "about"),
            (None, None) => (None, "", ""),
        };
        let (when_de, when_en) = match at {
            Some(t) if zone.date(&t) == zone.date(&resumed) => (
                format!(" {about_de} {}", zone.time(&t)),
                format!(" {about_en} {}", zone.time(&t)),
            ),
            Some(t) => (
                format!(" am {} {about_de} {}", zone.date(&t), zone.time(&t)),
                format!(" on {} {about_en} {}", zone.date(&t), zone.time(&t)),
            ),
            None => (String::new(), String::new()),
        };
        let durchgang = if total == 1 {
            "Durchgang"
        } else {
            "Durchgängen"
        };
        let pass = if total == 1 { "pass" } else { "passes" };
        format!(
            "Unterbrochen{when_de} nach {done} von {total} {durchgang}, fortgesetzt am {date} um \
             {time} / interrupted{when_en} after {done} of {total} {pass}, resumed on {date} at \
             {time}",
            date = zone.date(&resumed),
            time = zone.time(&resumed),
        )
    }
}

/// Opens the drive found again and records its identity now (device numbers change across
/// reboots), after checking on the descriptor that it has the journal's serial and size.
fn reconfirm(known: &Drive, path: &Path) -> Result<Preflight> {
    let identity = Target::open(path)?.identity;
    let same = match &identity {
        Identity::BlockDevice(now) => {
            now.serial == known.serial && now.size_bytes == known.size_bytes
        }
        _ => false,
    };
    if !same {
        return Err(Refusal::DriveGone {
            path: known.path.clone(),
            serial: known.serial.clone(),
        }
        .into());
    }
    Ok(Preflight::Passed { identity })
}

/// The drive a journal names, found again after a reboot: by serial and size; a drive without
/// a serial by path, size, model and (loop devices) backing file, so a device name that now
/// belongs to another disk or another file is never taken for it.
fn locate<'a>(known: &Drive, drives: &'a [Drive]) -> Option<&'a Drive> {
    drives.iter().find(|d| match &known.serial {
        Some(serial) => d.serial.as_ref() == Some(serial) && d.size_bytes == known.size_bytes,
        None => {
            d.path == known.path
                && d.size_bytes == known.size_bytes
                && d.model == known.model
                && d.backing_file == known.backing_file
        }
    })
}
