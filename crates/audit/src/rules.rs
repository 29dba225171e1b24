//! Fitness for school use: rules from TOML (defaults in `rules/default.toml`), each with the grade
//! it costs when it fails, and the resulting grade `A`/`B`/`C`/`unfit`.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::battery::Battery;
use crate::disks::{Disk, SmartState};
use crate::reason::{BatteryReading, DriveProblems, RuleReason, StorageProblem};
use crate::smart::Health;
use crate::win11::Windows11;

/// The default rules, embedded.
pub const DEFAULT_RULES: &str = include_str!("../rules/default.toml");

/// Problems with a rules file.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RulesError {
    #[error("cannot read rules file {path}")]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("rules are not valid")]
    Toml(#[source] toml::de::Error),
    #[error("rules schema {0} is not supported (this Tabula knows schema 1)")]
    Schema(u32),
    #[error("the rules file defines no rule")]
    Empty,
    #[error("rule id {0:?} is used twice")]
    DuplicateId(String),
}

/// A grade, best first. Ordering: `A < B < C < Unfit`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Grade {
    A,
    B,
    C,
    #[serde(rename = "unfit")]
    Unfit,
}

impl std::fmt::Display for Grade {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::A => "A",
            Self::B => "B",
            Self::C => "C",
            Self::Unfit => "unfit",
        })
    }
}

/// What a rule checks, with its parameters (`check = "..."` in TOML).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "check", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Check {
    MinRamGib {
        gib: f64,
    },
    #[serde(rename = "cpu_64bit")]
    Cpu64bit,
    MinCpuThreads {
        threads: u32,
    },
    HealthyStorage {
        /// HDD reallocated sectors (ATA 5) and SCSI grown defects.
        #[serde(default)]
        max_reallocated: u64,
        /// Percentage of rated endurance used (NVMe, SATA SSD statistics or wear attributes).
        #[serde(default = "hundred", alias = "max_used_pct")]
        max_nvme_used_pct: u64,
        /// Sectors waiting to be reallocated (ATA 197, SCSI pending defects).
        #[serde(default)]
        max_pending: u64,
        /// Sectors or errors the drive could not correct (ATA 187 and 198, SCSI uncorrected
        /// read/write/verify errors, NVMe media errors).
        #[serde(default)]
        max_uncorrectable: u64,
    },
    SsdPresent,
    BatteryHealth {
        min_pct: f64,
    },
    Windows11,
}

fn hundred() -> u64 {
    100
}

/// One rule.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Rule {
    pub id: String,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(flatten)]
    pub check: Check,
    pub on_fail: Grade,
    #[serde(default)]
    pub on_unknown: Option<Grade>,
}

/// A rule set.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rules {
    #[serde(default = "one")]
    pub schema: u32,
    #[serde(rename = "rule")]
    pub rules: Vec<Rule>,
}

fn one() -> u32 {
    1
}

impl Rules {
    /// Parses and checks a rules document.
    pub fn from_toml(text: &str) -> Result<Self, RulesError> {
        let rules: Rules = toml::from_str(text).map_err(RulesError::Toml)?;
        rules.checked()
    }

    /// The checks a rule set must pass however it was read (its own file, or a section of
    /// another document such as the station's `tabula.toml`): known schema, rules, unique ids.
    pub fn checked(self) -> Result<Self, RulesError> {
        if self.schema != 1 {
            return Err(RulesError::Schema(self.schema));
        }
        if self.rules.is_empty() {
            return Err(RulesError::Empty);
        }
        let mut seen = std::collections::BTreeSet::new();
        for rule in &self.rules {
            if !seen.insert(rule.id.as_str()) {
                return Err(RulesError::DuplicateId(rule.id.clone()));
            }
        }
        Ok(self)
    }

    /// Reads a rules file.
    pub fn from_file(path: &Path) -> Result<Self, RulesError> {
        let text = std::fs::read_to_string(path).map_err(|source| RulesError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        Self::from_toml(&text)
    }

    /// The built-in defaults.
    pub fn defaults() -> Self {
        // The embedded file is tested below; an empty rule set is the (unreachable) fallback.
        Self::from_toml(DEFAULT_RULES).unwrap_or(Self {
            schema: 1,
            rules: Vec::new(),
        })
    }
}

/// How a rule came out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Pass,
    Fail,
    Unknown,
    NotApplicable,
}

/// One rule's outcome.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RuleOutcome {
    pub id: String,
    pub description: Option<String>,
    pub status: Status,
    /// The reason in English words (what documents before the typed [`RuleReason`] carried).
    pub detail: String,
    /// Why, as data for words in any language; absent in documents made before it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<RuleReason>,
    /// The grade this outcome imposes (`None` when it does not lower the grade).
    pub grade: Option<Grade>,
}

/// The fitness verdict.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Fitness {
    pub grade: Grade,
    pub rules: Vec<RuleOutcome>,
    pub windows11: Windows11,
}

/// The facts rules are evaluated on.
#[derive(Debug, Clone, Copy)]
pub struct Subject<'a> {
    pub ram_bytes: Option<u64>,
    pub x86_64: Option<bool>,
    pub threads: Option<u32>,
    pub disks: &'a [Disk],
    pub batteries: &'a [Battery],
    pub portable: bool,
    pub windows11: &'a Windows11,
}

/// Evaluates every rule and derives the grade.
pub fn evaluate(rules: &Rules, s: &Subject<'_>, windows11: Windows11) -> Fitness {
    let outcomes: Vec<RuleOutcome> = rules
        .rules
        .iter()
        .map(|rule| {
            let (status, reason) = check(&rule.check, s);
            let grade = match status {
                Status::Fail => Some(rule.on_fail),
                Status::Unknown => rule.on_unknown,
                Status::Pass | Status::NotApplicable => None,
            };
            RuleOutcome {
                id: rule.id.clone(),
                description: rule.description.clone(),
                status,
                detail: reason.to_string(),
                reason: Some(reason),
                grade,
            }
        })
        .collect();
    let grade = outcomes
        .iter()
        .filter_map(|o| o.grade)
        .max()
        .unwrap_or(Grade::A);
    Fitness {
        grade,
        rules: outcomes,
        windows11,
    }
}

fn pass_fail(ok: bool, reason: RuleReason) -> (Status, RuleReason) {
    (if ok { Status::Pass } else { Status::Fail }, reason)
}

fn check(check: &Check, s: &Subject<'_>) -> (Status, RuleReason) {
    match check {
        Check::MinRamGib { gib } => match s.ram_bytes {
            Some(bytes) => pass_fail(
                crate::reason::gib(bytes) >= *gib,
                RuleReason::Ram {
                    bytes,
                    needs_gib: *gib,
                },
            ),
            None => (Status::Unknown, RuleReason::RamUnknown),
        },
        Check::Cpu64bit => match s.x86_64 {
            Some(ok) => pass_fail(ok, RuleReason::Cpu64 { x86_64: ok }),
            None => (Status::Unknown, RuleReason::CpuUnknown),
        },
        Check::MinCpuThreads { threads } => match s.threads {
            Some(have) => pass_fail(
                have >= *threads,
                RuleReason::Threads {
                    threads: have,
                    needs: *threads,
                },
            ),
            None => (Status::Unknown, RuleReason::ThreadsUnknown),
        },
        Check::HealthyStorage {
            max_reallocated,
            max_nvme_used_pct,
            max_pending,
            max_uncorrectable,
        } => healthy_storage(
            s.disks,
            &Limits {
                reallocated: *max_reallocated,
                used_pct: *max_nvme_used_pct,
                pending: *max_pending,
                uncorrectable: *max_uncorrectable,
            },
        ),
        Check::SsdPresent => {
            let internal: Vec<&Disk> = s.disks.iter().filter(|d| d.is_internal()).collect();
            match internal.iter().find(|d| d.is_ssd()) {
                Some(d) => (
                    Status::Pass,
                    RuleReason::SolidState {
                        drive: d.drive.name.clone(),
                    },
                ),
                None if internal.is_empty() => (Status::Fail, RuleReason::NoInternalDrive),
                None => (Status::Fail, RuleReason::OnlyRotational),
            }
        }
        Check::BatteryHealth { min_pct } => battery_health(s, *min_pct),
        Check::Windows11 => pass_fail(
            s.windows11.meets_floor,
            RuleReason::Windows11 {
                misses: s
                    .windows11
                    .checks
                    .iter()
                    .filter(|c| !c.passed)
                    .map(|c| c.name.clone())
                    .collect(),
            },
        ),
    }
}

/// The thresholds of `healthy_storage`.
struct Limits {
    reallocated: u64,
    used_pct: u64,
    pending: u64,
    uncorrectable: u64,
}

/// Why a drive with SMART data is not healthy, every reason found (empty: healthy).
fn storage_problems(
    disk: &Disk,
    data: &crate::smart::SmartSummary,
    l: &Limits,
) -> Vec<StorageProblem> {
    let mut out = Vec::new();
    if data.health == Some(Health::Failed) {
        out.push(StorageProblem::SmartFailed);
    }
    let over = |v: Option<u64>, max: u64| v.filter(|v| *v > max);
    if !disk.is_ssd()
        && let Some(count) = over(data.reallocated_sectors, l.reallocated)
    {
        out.push(StorageProblem::Reallocated {
            count,
            max: l.reallocated,
        });
    }
    if let Some(count) = over(data.grown_defects, l.reallocated) {
        out.push(StorageProblem::GrownDefects {
            count,
            max: l.reallocated,
        });
    }
    if let Some(count) = over(data.pending_sectors, l.pending) {
        out.push(StorageProblem::Pending {
            count,
            max: l.pending,
        });
    }
    type Problem = fn(u64, u64) -> StorageProblem;
    let uncorrectable: [(Option<u64>, Problem); 4] = [
        (data.offline_uncorrectable, |count, max| {
            StorageProblem::OfflineUncorrectable { count, max }
        }),
        (data.reported_uncorrectable, |count, max| {
            StorageProblem::ReportedUncorrectable { count, max }
        }),
        (data.uncorrected_errors, |count, max| {
            StorageProblem::Uncorrected { count, max }
        }),
        (data.media_errors, |count, max| {
            StorageProblem::MediaErrors { count, max }
        }),
    ];
    for (value, problem) in uncorrectable {
        if let Some(count) = over(value, l.uncorrectable) {
            out.push(problem(count, l.uncorrectable));
        }
    }
    if let Some(percent) = over(data.percentage_used, l.used_pct) {
        out.push(StorageProblem::EnduranceUsed {
            percent,
            max: l.used_pct,
        });
    }
    out
}

fn healthy_storage(disks: &[Disk], limits: &Limits) -> (Status, RuleReason) {
    let internal: Vec<&Disk> = disks.iter().filter(|d| d.is_internal()).collect();
    if internal.is_empty() {
        return (Status::Fail, RuleReason::NoInternalDrive);
    }
    let mut drives = Vec::new();
    let mut any_data = false;
    for disk in &internal {
        let drive = disk.drive.name.clone();
        let Some(data) = disk
            .smart
            .data
            .as_ref()
            .filter(|_| disk.smart.state == SmartState::Ok)
        else {
            drives.push(DriveProblems {
                drive,
                problems: vec![StorageProblem::NoSmartData],
            });
            continue;
        };
        any_data = true;
        let problems = storage_problems(disk, data, limits);
        if problems.is_empty() {
            let ssd = disk.is_ssd();
            return (Status::Pass, RuleReason::HealthyDrive { drive, ssd });
        }
        drives.push(DriveProblems { drive, problems });
    }
    (
        if any_data {
            Status::Fail
        } else {
            Status::Unknown
        },
        RuleReason::UnhealthyDrives { drives },
    )
}

fn battery_health(s: &Subject<'_>, min_pct: f64) -> (Status, RuleReason) {
    if s.batteries.is_empty() {
        return if s.portable {
            (Status::Fail, RuleReason::PortableWithoutBattery)
        } else {
            (Status::NotApplicable, RuleReason::NoBattery)
        };
    }
    let mut status = Status::Pass;
    for b in s.batteries {
        match b.health_pct {
            Some(h) if h >= min_pct => {}
            Some(_) => status = Status::Fail,
            None if status == Status::Pass => status = Status::Unknown,
            None => {}
        }
    }
    let batteries = s
        .batteries
        .iter()
        .map(|b| BatteryReading {
            name: b.name.clone(),
            health_pct: b.health_pct,
        })
        .collect();
    (
        status,
        RuleReason::Batteries {
            batteries,
            needs_pct: min_pct,
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_parse() {
        let rules = Rules::defaults();
        assert_eq!(rules.rules.len(), 6);
        assert_eq!(rules.rules[0].check, Check::MinRamGib { gib: 4.0 });
        assert_eq!(rules.rules[2].on_unknown, Some(Grade::C));
    }

    #[test]
    fn bad_rules_are_clear_errors() {
        assert!(matches!(
            Rules::from_toml("rule = 3"),
            Err(RulesError::Toml(_))
        ));
        assert!(matches!(
            Rules::from_toml("rule = []"),
            Err(RulesError::Empty)
        ));
        assert!(matches!(
            Rules::from_toml("schema = 2\nrule = []"),
            Err(RulesError::Schema(2))
        ));
        let dup = "[[rule]]\nid='a'\ncheck='cpu_64bit'\non_fail='B'\n[[rule]]\nid='a'\ncheck='ssd_present'\non_fail='C'\n";
        assert!(matches!(Rules::from_toml(dup), Err(RulesError::DuplicateId(id)) if id == "a"));
        let unknown = "[[rule]]\nid='a'\ncheck='fly'\non_fail='B'\n";
        assert!(matches!(
            Rules::from_toml(unknown),
            Err(RulesError::Toml(_))
        ));
        let bad_grade = "[[rule]]\nid='a'\ncheck='cpu_64bit'\non_fail='D'\n";
        assert!(matches!(
            Rules::from_toml(bad_grade),
            Err(RulesError::Toml(_))
        ));
    }

    #[test]
    fn grade_is_worst_failed_rule() {
        let w = crate::win11::judge(&crate::win11::Facts::default());
        let rules = Rules::from_toml(
            "[[rule]]\nid='ram'\ncheck='min_ram_gib'\ngib=8\non_fail='B'\n\
             [[rule]]\nid='bat'\ncheck='battery_health'\nmin_pct=50\non_fail='C'\n\
             [[rule]]\nid='threads'\ncheck='min_cpu_threads'\nthreads=2\non_fail='unfit'\non_unknown='C'\n",
        )
        .unwrap();
        let subject = |ram: u64, portable: bool| Subject {
            ram_bytes: Some(ram << 30),
            x86_64: Some(true),
            threads: Some(4),
            disks: &[],
            batteries: &[],
            portable,
            windows11: &w,
        };
        let f = evaluate(&rules, &subject(8, false), w.clone());
        assert_eq!(f.grade, Grade::A);
        assert_eq!(f.rules[1].status, Status::NotApplicable);
        assert_eq!(
            evaluate(&rules, &subject(4, false), w.clone()).grade,
            Grade::B
        );
        let f = evaluate(&rules, &subject(4, true), w.clone());
        assert_eq!((f.grade, f.rules[1].status), (Grade::C, Status::Fail));
        let mut s = subject(16, false);
        s.threads = None;
        assert_eq!(evaluate(&rules, &s, w.clone()).grade, Grade::C);
    }
}
