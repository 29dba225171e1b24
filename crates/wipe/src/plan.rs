//! Plan, then execute: a [`WipePlan`] fixes every target and every pass's concrete pattern before
//! the first byte is written, so it can be shown, confirmed and recorded (and resumed).

use std::path::PathBuf;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::auto::{self, Action, Choice};
use crate::method::{Erase, Method, PassSpec};
use crate::pattern::{Pattern, StreamKey};
use crate::target::{TargetError, TargetFault};
use tabula_device::capabilities::{Capabilities, CommandSet, FirmwareOp};
use tabula_device::device::Drive;
use tabula_device::identity::Identity;

/// Which passes are read back and compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum VerifyMode {
    /// `none`, also spelt `off` (as on the command line).
    #[serde(alias = "off")]
    None,
    Last,
    All,
}

impl FromStr for VerifyMode {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "none" | "off" => Ok(Self::None),
            "last" => Ok(Self::Last),
            "all" => Ok(Self::All),
            other => Err(format!(
                "unknown verify mode '{other}' (use none, last or all)"
            )),
        }
    }
}

impl std::fmt::Display for VerifyMode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::None => "none",
            Self::Last => "last",
            Self::All => "all",
        })
    }
}

/// The method as recorded in plans and results.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MethodRef {
    pub name: String,
    pub label: String,
    pub nist_category: String,
    pub bsi_name: Option<String>,
}

impl From<&Method> for MethodRef {
    fn from(m: &Method) -> Self {
        Self {
            name: m.name.to_owned(),
            label: m.label.to_owned(),
            nist_category: m.nist_category.to_owned(),
            bsi_name: m.bsi_name.map(str::to_owned),
        }
    }
}

/// One concrete pass.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PassPlan {
    /// 1-based pass number.
    pub number: usize,
    pub pattern: Pattern,
    /// Read the whole device back after this pass and compare.
    pub verify: bool,
}

/// Where an interrupted wipe continues: this pass, from this byte offset.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResumePoint {
    pub pass: usize,
    pub offset: u64,
}

/// What the check before confirmation found when it opened a target.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "preflight", rename_all = "kebab-case")]
pub enum Preflight {
    /// Opened exclusively; the engine writes only to a target with this identity.
    Passed { identity: Identity },
    /// Could not be opened (or was refused): the engine fails this drive with the reason and
    /// writes nothing to it; the other drives are wiped.
    Failed {
        /// The refusal in English (what a journal keeps).
        reason: String,
        /// The refusal typed, for a front end to word in its language (absent in journals
        /// from before it was kept).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        error: Option<TargetFault>,
    },
}

impl Preflight {
    /// A target refused for `error`: its English words and the typed error.
    pub fn failed(error: TargetError) -> Self {
        Self::Failed {
            reason: error.to_string(),
            error: Some(error.into()),
        }
    }
}

/// A target as it was checked before confirmation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checked {
    pub path: PathBuf,
    /// The discovered drive (None for regular files).
    pub drive: Option<Drive>,
    pub preflight: Preflight,
    /// What the drive's firmware can do (None: not probed, a file, or the probe failed).
    pub capabilities: Option<Capabilities>,
}

/// A firmware erase planned for a drive: canaries, the erase, canary check and sampling.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct FirmwareStep {
    pub op: FirmwareOp,
    /// Run the drive's overwrite passes when the firmware erase is not possible, fails, or is
    /// not confirmed by the canaries (`auto`); otherwise the drive fails.
    pub fallback: bool,
}

/// Everything that will happen to one target.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DrivePlan {
    pub path: PathBuf,
    /// The discovered drive (None for regular files).
    pub drive: Option<Drive>,
    pub passes: Vec<PassPlan>,
    #[serde(default)]
    pub resume: Option<ResumePoint>,
    /// The identity recorded at confirmation (None in plans from before it was recorded: such a
    /// drive is not written to).
    #[serde(default)]
    pub preflight: Option<Preflight>,
    /// What the drive's firmware can do, as probed when the wipe was confirmed.
    #[serde(default)]
    pub capabilities: Option<Capabilities>,
    /// A firmware erase to run first (the passes are then `auto`'s fallback, or empty).
    #[serde(default)]
    pub firmware: Option<FirmwareStep>,
    /// `auto`'s choice for this drive and why, when the method is `auto`.
    #[serde(default)]
    pub auto: Option<Choice>,
    /// Remove the ATA hidden areas (HPA, DCO) before the overwrite: `auto` on a rotating disk,
    /// or [`WipePlan::remove_hidden_areas_before_overwrite`] for overwrite methods.
    #[serde(default)]
    pub remove_hidden_areas: bool,
}

impl DrivePlan {
    /// Model, serial and size as a confirmation shows them: `file`/`-` and the file's length
    /// for regular files.
    pub fn identity(&self) -> (&str, &str, u64) {
        match &self.drive {
            Some(d) => (
                d.model.as_deref().unwrap_or("-"),
                d.serial.as_deref().unwrap_or("-"),
                d.size_bytes,
            ),
            None => (
                "file",
                "-",
                std::fs::metadata(&self.path).map_or(0, |m| m.len()),
            ),
        }
    }
}

/// What a wipe will do, decided before it starts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WipePlan {
    pub method: MethodRef,
    pub verify: VerifyMode,
    pub drives: Vec<DrivePlan>,
}

#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PlanError {
    #[error("no targets to wipe")]
    NoTargets,
    #[error("the operating system's random number generator failed")]
    Random(#[source] getrandom::Error),
}

/// I/O geometry that the engine cannot carry out as asked. Checked per drive once its logical
/// sector size and size are known, before anything is written: a misaligned request would
/// otherwise fail as if the drive had bad sectors.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
#[non_exhaustive]
pub enum AlignmentError {
    #[error("block size {block} is not a power of two of at least 512 bytes")]
    BlockSize { block: usize },
    #[error("block size {block} is not a multiple of the drive's {sector}-byte logical sector")]
    BlockNotSectorMultiple { block: usize, sector: u32 },
    #[error("resume point names pass {pass}, but the plan has {passes} passes")]
    ResumePass { pass: usize, passes: usize },
    #[error("resume offset {offset} is not a multiple of the drive's {sector}-byte logical sector")]
    ResumeMisaligned { offset: u64, sector: u32 },
    #[error("resume offset {offset} is beyond the end of the drive ({size} bytes)")]
    ResumeBeyondEnd { offset: u64, size: u64 },
}

impl DrivePlan {
    /// Checks `block_size` and the resume point against the drive's geometry (`sector` bytes
    /// per logical sector, `size` bytes). A resume offset must be sector-aligned, as O_DIRECT
    /// needs, not block-aligned: journals round it to 4 KiB, and a verify-only resume sits at the
    /// drive's end.
    pub fn check_alignment(
        &self,
        block_size: usize,
        sector: u32,
        size: u64,
    ) -> Result<(), AlignmentError> {
        if block_size < 512 || !block_size.is_power_of_two() {
            return Err(AlignmentError::BlockSize { block: block_size });
        }
        if !block_size.is_multiple_of(sector as usize) {
            return Err(AlignmentError::BlockNotSectorMultiple {
                block: block_size,
                sector,
            });
        }
        let Some(resume) = self.resume else {
            return Ok(());
        };
        if !(1..=self.passes.len()).contains(&resume.pass) {
            return Err(AlignmentError::ResumePass {
                pass: resume.pass,
                passes: self.passes.len(),
            });
        }
        if resume.offset % u64::from(sector) != 0 {
            return Err(AlignmentError::ResumeMisaligned {
                offset: resume.offset,
                sector,
            });
        }
        if resume.offset > size {
            return Err(AlignmentError::ResumeBeyondEnd {
                offset: resume.offset,
                size,
            });
        }
        Ok(())
    }
}

impl WipePlan {
    /// Resolves `method` into concrete passes for every target. Each target gets its own random
    /// bytes, PRNG keys and (for Gutmann) pass order.
    pub fn new(
        method: &Method,
        verify: Option<VerifyMode>,
        targets: Vec<Checked>,
    ) -> Result<Self, PlanError> {
        if targets.is_empty() {
            return Err(PlanError::NoTargets);
        }
        let verify = verify.unwrap_or(method.default_verify);
        let overwrite = Method::by_name(auto::OVERWRITE_METHOD).unwrap_or(method);
        let drives = targets
            .into_iter()
            .map(|checked| {
                let (passes, firmware, choice) = match method.erase {
                    Erase::Overwrite => (resolve_passes(method, verify)?, None, None),
                    Erase::Firmware(op) => (
                        Vec::new(),
                        Some(FirmwareStep {
                            op,
                            fallback: false,
                        }),
                        None,
                    ),
                    Erase::Auto => {
                        let choice =
                            auto::choose(checked.drive.as_ref(), checked.capabilities.as_ref());
                        let firmware = match choice.action {
                            Action::Firmware { op } => Some(FirmwareStep { op, fallback: true }),
                            Action::Overwrite { .. } => None,
                        };
                        (resolve_passes(overwrite, verify)?, firmware, Some(choice))
                    }
                };
                let remove_hidden_areas = matches!(
                    choice,
                    Some(Choice {
                        action: Action::Overwrite {
                            remove_hidden: true
                        },
                        ..
                    })
                );
                Ok(DrivePlan {
                    path: checked.path,
                    drive: checked.drive,
                    passes,
                    resume: None,
                    preflight: Some(checked.preflight),
                    capabilities: checked.capabilities,
                    firmware,
                    auto: choice,
                    remove_hidden_areas,
                })
            })
            .collect::<Result<_, PlanError>>()?;
        Ok(Self {
            method: method.into(),
            verify,
            drives,
        })
    }

    /// The station's policy for overwrite methods: every drive that is only overwritten and
    /// answers ATA commands with its hidden areas probed gets them removed first, so the
    /// overwrite reaches the sectors an HPA or a DCO hid.
    pub fn remove_hidden_areas_before_overwrite(&mut self) {
        for d in &mut self.drives {
            let ata = d
                .capabilities
                .as_ref()
                .is_some_and(|c| c.command_set == CommandSet::Ata && c.hidden.is_some());
            if ata && d.firmware.is_none() && !d.passes.is_empty() {
                d.remove_hidden_areas = true;
            }
        }
    }

    /// Total bytes written and read over all passes of all drives (for ETA).
    pub fn total_passes(&self) -> usize {
        self.drives.iter().map(|d| d.passes.len()).sum()
    }
}

fn resolve_passes(method: &Method, verify: VerifyMode) -> Result<Vec<PassPlan>, PlanError> {
    let mut patterns: Vec<Pattern> = Vec::with_capacity(method.passes.len());
    for spec in method.passes {
        let pattern = match *spec {
            PassSpec::Byte(byte) => Pattern::Constant { byte },
            PassSpec::Bytes(bytes) => Pattern::Repeat {
                bytes: bytes.to_vec(),
            },
            PassSpec::Random => Pattern::Random {
                stream: StreamKey::generate().map_err(PlanError::Random)?,
            },
            PassSpec::RandomByte => Pattern::Constant {
                byte: random_u64()?.to_le_bytes()[0],
            },
            PassSpec::Complement => match patterns.last() {
                Some(Pattern::Constant { byte }) => Pattern::Constant { byte: !byte },
                // The method table's compile-time check guarantees a byte pass precedes.
                _ => Pattern::Constant { byte: 0xFF },
            },
        };
        patterns.push(pattern);
    }
    if let Some((from, to)) = method.shuffle {
        shuffle(&mut patterns[from..to])?;
    }
    let last = patterns.len();
    Ok(patterns
        .into_iter()
        .enumerate()
        .map(|(i, pattern)| PassPlan {
            number: i + 1,
            pattern,
            verify: match verify {
                VerifyMode::None => false,
                VerifyMode::Last => i + 1 == last,
                VerifyMode::All => true,
            },
        })
        .collect())
}

fn random_u64() -> Result<u64, PlanError> {
    getrandom::u64().map_err(PlanError::Random)
}

/// Fisher-Yates with the OS CSPRNG.
fn shuffle<T>(items: &mut [T]) -> Result<(), PlanError> {
    for i in (1..items.len()).rev() {
        let j = usize::try_from(random_u64()? % (i as u64 + 1)).unwrap_or(0);
        items.swap(i, j);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan(name: &str, verify: Option<VerifyMode>) -> Vec<PassPlan> {
        let m = Method::by_name(name).unwrap();
        let target = Checked {
            path: "x".into(),
            drive: None,
            preflight: Preflight::Failed {
                reason: "not opened in this test".into(),
                error: None,
            },
            capabilities: None,
        };
        WipePlan::new(m, verify, vec![target])
            .unwrap()
            .drives
            .remove(0)
            .passes
    }

    #[test]
    fn complement_follows_random_byte() {
        let p = plan("dod-3pass", None);
        let (Pattern::Constant { byte: a }, Pattern::Constant { byte: b }) =
            (&p[0].pattern, &p[1].pattern)
        else {
            panic!("expected constants");
        };
        assert_eq!(*b, !*a);
        assert!(matches!(p[2].pattern, Pattern::Random { .. }));
        assert!(p[2].verify && !p[1].verify);
    }

    #[test]
    fn gutmann_keeps_random_ends_and_shuffles_middle_set() {
        let p = plan("gutmann", Some(VerifyMode::None));
        assert_eq!(p.len(), 35);
        for i in (0..4).chain(31..35) {
            assert!(matches!(p[i].pattern, Pattern::Random { .. }));
        }
        let mut middle: Vec<String> = p[4..31].iter().map(|x| x.pattern.describe()).collect();
        middle.sort();
        let mut expected: Vec<String> = crate::method::METHODS
            .iter()
            .find(|m| m.name == "gutmann")
            .unwrap()
            .passes[4..31]
            .iter()
            .map(|s| match s {
                PassSpec::Byte(b) => Pattern::Constant { byte: *b }.describe(),
                PassSpec::Bytes(b) => Pattern::Repeat { bytes: b.to_vec() }.describe(),
                _ => unreachable!(),
            })
            .collect();
        expected.sort();
        assert_eq!(middle, expected);
        assert!(p.iter().all(|x| !x.verify));
    }

    fn drive(resume: Option<(usize, u64)>) -> DrivePlan {
        let m = Method::by_name("dod-3pass").unwrap();
        let target = Checked {
            path: "x".into(),
            drive: None,
            preflight: Preflight::Failed {
                reason: "not opened in this test".into(),
                error: None,
            },
            capabilities: None,
        };
        let mut d = WipePlan::new(m, None, vec![target])
            .unwrap()
            .drives
            .remove(0);
        d.resume = resume.map(|(pass, offset)| ResumePoint { pass, offset });
        d
    }

    #[test]
    fn block_size_must_be_a_power_of_two_and_a_sector_multiple() {
        let d = drive(None);
        assert_eq!(d.check_alignment(4 << 20, 512, 1 << 30), Ok(()));
        assert_eq!(d.check_alignment(512, 512, 1 << 30), Ok(()));
        for block in [0, 256, 3 << 20, 4097] {
            assert_eq!(
                d.check_alignment(block, 512, 1 << 30),
                Err(AlignmentError::BlockSize { block })
            );
        }
        assert_eq!(
            d.check_alignment(2048, 4096, 1 << 30),
            Err(AlignmentError::BlockNotSectorMultiple {
                block: 2048,
                sector: 4096
            })
        );
    }

    #[test]
    fn resume_point_must_be_aligned_and_on_the_drive() {
        let size = 1 << 30;
        assert_eq!(
            drive(Some((3, 4096))).check_alignment(4 << 20, 4096, size),
            Ok(())
        );
        // A verify-only resume sits at the end of the drive.
        assert_eq!(
            drive(Some((3, size))).check_alignment(4 << 20, 512, size),
            Ok(())
        );
        assert_eq!(
            drive(Some((2, 1000))).check_alignment(4 << 20, 512, size),
            Err(AlignmentError::ResumeMisaligned {
                offset: 1000,
                sector: 512
            })
        );
        assert_eq!(
            drive(Some((2, 512))).check_alignment(4 << 20, 4096, size),
            Err(AlignmentError::ResumeMisaligned {
                offset: 512,
                sector: 4096
            })
        );
        assert_eq!(
            drive(Some((1, size + 512))).check_alignment(4 << 20, 512, size),
            Err(AlignmentError::ResumeBeyondEnd {
                offset: size + 512,
                size
            })
        );
        for pass in [0, 4] {
            assert_eq!(
                drive(Some((pass, 0))).check_alignment(4 << 20, 512, size),
                Err(AlignmentError::ResumePass { pass, passes: 3 })
            );
        }
    }

    #[test]
    fn firmware_methods_plan_no_passes_and_auto_plans_its_fallback() {
        let target = || Checked {
            path: "x".into(),
            drive: None,
            preflight: Preflight::Failed {
                reason: "not opened in this test".into(),
                error: None,
            },
            capabilities: None,
        };
        let m = Method::by_name("nvme-format").unwrap();
        let d = WipePlan::new(m, None, vec![target()])
            .unwrap()
            .drives
            .remove(0);
        assert!(d.passes.is_empty());
        assert_eq!(
            d.firmware,
            Some(FirmwareStep {
                op: FirmwareOp::NvmeFormat,
                fallback: false
            })
        );
        assert!(d.auto.is_none());

        // A file: auto overwrites with one random pass, every byte verified.
        let plan = WipePlan::new(Method::by_name("auto").unwrap(), None, vec![target()]).unwrap();
        assert_eq!(plan.method.name, "auto");
        let d = &plan.drives[0];
        assert!(d.firmware.is_none());
        assert_eq!(d.passes.len(), 1);
        assert!(matches!(d.passes[0].pattern, Pattern::Random { .. }));
        assert!(d.passes[0].verify);
        assert_eq!(
            d.auto.as_ref().map(|c| c.method_name()),
            Some(auto::OVERWRITE_METHOD)
        );
    }

    #[test]
    fn verify_all_marks_every_pass() {
        assert!(
            plan("bsi-vsitr", Some(VerifyMode::All))
                .iter()
                .all(|p| p.verify)
        );
        assert!(plan("nist-800-88-clear", None)[0].verify);
    }
}
