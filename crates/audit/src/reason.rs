//! Why a fitness rule or a Windows 11 check came out as it did, as typed data with the numbers
//! it needs ([`RuleReason`], [`CheckReason`]), so front ends word it in their language. The
//! `Display` forms are the English `detail` strings the audit document has always carried.

use std::fmt;

use serde::{Deserialize, Serialize};

const GIB: f64 = 1024.0 * 1024.0 * 1024.0;

/// Bytes in GiB (binary), as the report shows them.
pub fn gib(bytes: u64) -> f64 {
    bytes as f64 / GIB
}

/// Why a fitness rule passed or failed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[non_exhaustive]
pub enum RuleReason {
    /// Installed RAM against the rule's minimum.
    Ram {
        bytes: u64,
        needs_gib: f64,
    },
    RamUnknown,
    /// Whether the CPU runs 64-bit code.
    Cpu64 {
        x86_64: bool,
    },
    CpuUnknown,
    Threads {
        threads: u32,
        needs: u32,
    },
    ThreadsUnknown,
    NoInternalDrive,
    /// The first internal drive found healthy.
    HealthyDrive {
        drive: String,
        ssd: bool,
    },
    /// Every internal drive and what is wrong with it.
    UnhealthyDrives {
        drives: Vec<DriveProblems>,
    },
    /// An internal solid-state drive.
    SolidState {
        drive: String,
    },
    OnlyRotational,
    PortableWithoutBattery,
    NoBattery,
    /// Each battery's health against the rule's minimum.
    Batteries {
        batteries: Vec<BatteryReading>,
        needs_pct: f64,
    },
    /// The Windows 11 checks the machine misses (none: it meets the floor).
    Windows11 {
        misses: Vec<String>,
    },
}

/// One internal drive's problems.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DriveProblems {
    pub drive: String,
    pub problems: Vec<StorageProblem>,
}

/// What makes a drive unhealthy: a value above the rule's limit (`max`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[non_exhaustive]
pub enum StorageProblem {
    NoSmartData,
    SmartFailed,
    Reallocated { count: u64, max: u64 },
    GrownDefects { count: u64, max: u64 },
    Pending { count: u64, max: u64 },
    OfflineUncorrectable { count: u64, max: u64 },
    ReportedUncorrectable { count: u64, max: u64 },
    Uncorrected { count: u64, max: u64 },
    MediaErrors { count: u64, max: u64 },
    EnduranceUsed { percent: u64, max: u64 },
}

/// One battery's health (percent of its design capacity), if known.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BatteryReading {
    pub name: String,
    pub health_pct: Option<f64>,
}

/// Why a Windows 11 check passed or failed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[non_exhaustive]
pub enum CheckReason {
    /// The TPM's version, `None` when no TPM is visible.
    Tpm {
        version: Option<String>,
    },
    Uefi {
        booted: bool,
        supported: bool,
    },
    SecureBoot {
        capable: bool,
    },
    Cpu {
        cpu: CpuFamily,
    },
    CpuModelUnknown,
    LongMode {
        x86_64: bool,
    },
    Ram {
        bytes: Option<u64>,
    },
    /// The largest internal drive, `None` without one.
    Storage {
        largest_bytes: Option<u64>,
    },
}

/// What the CPU model string says about the CPU's generation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "family", rename_all = "snake_case")]
#[non_exhaustive]
pub enum CpuFamily {
    IntelCoreUltra,
    IntelCoreN,
    IntelCore { generation: u32 },
    IntelCoreUnreadable { model: String },
    IntelCoreSeries,
    IntelOld,
    IntelOther,
    AmdRyzenAi,
    AmdRyzen { series: u32 },
    AmdRyzenUnreadable { model: String },
    AmdAthlonZen,
    AmdOld,
    AmdOther,
    Unrecognised { model: String },
}

impl fmt::Display for RuleReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Ram { bytes, needs_gib } => {
                write!(f, "{:.1} GiB (needs {needs_gib} GiB)", gib(*bytes))
            }
            Self::RamUnknown => f.write_str("RAM size unknown"),
            Self::Cpu64 { x86_64: true } => f.write_str("64-bit CPU"),
            Self::Cpu64 { x86_64: false } => f.write_str("32-bit only CPU"),
            Self::CpuUnknown => f.write_str("CPU unknown"),
            Self::Threads { threads, needs } => write!(f, "{threads} threads (needs {needs})"),
            Self::ThreadsUnknown => f.write_str("thread count unknown"),
            Self::NoInternalDrive => f.write_str("no internal drive"),
            Self::HealthyDrive { drive, ssd } => {
                write!(f, "{drive}: healthy {}", if *ssd { "SSD" } else { "HDD" })
            }
            Self::UnhealthyDrives { drives } => {
                for (i, d) in drives.iter().enumerate() {
                    if i > 0 {
                        f.write_str("; ")?;
                    }
                    write!(f, "{}: ", d.drive)?;
                    for (j, p) in d.problems.iter().enumerate() {
                        if j > 0 {
                            f.write_str(", ")?;
                        }
                        write!(f, "{p}")?;
                    }
                }
                Ok(())
            }
            Self::SolidState { drive } => write!(f, "{drive} is solid-state"),
            Self::OnlyRotational => f.write_str("only rotational drives"),
            Self::PortableWithoutBattery => f.write_str("portable machine without a battery"),
            Self::NoBattery => f.write_str("no battery"),
            Self::Batteries {
                batteries,
                needs_pct,
            } => {
                for (i, b) in batteries.iter().enumerate() {
                    if i > 0 {
                        f.write_str("; ")?;
                    }
                    match b.health_pct {
                        Some(h) if h >= *needs_pct => write!(f, "{}: {h:.1} %", b.name)?,
                        Some(h) => write!(f, "{}: {h:.1} % (needs {needs_pct} %)", b.name)?,
                        None => write!(f, "{}: capacity unknown", b.name)?,
                    }
                }
                Ok(())
            }
            Self::Windows11 { misses } if misses.is_empty() => f.write_str("meets the floor"),
            Self::Windows11 { misses } => {
                let names: Vec<String> = misses
                    .iter()
                    .map(|m| crate::win11::check_name(m, |c| c.to_string()))
                    .collect();
                write!(f, "misses: {}", names.join(", "))
            }
        }
    }
}

impl fmt::Display for StorageProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (count, what, max) = match *self {
            Self::NoSmartData => return f.write_str("no SMART data"),
            Self::SmartFailed => return f.write_str("SMART overall health FAILED"),
            Self::EnduranceUsed { percent, max } => {
                return write!(f, "{percent} % of rated endurance used (at most {max} %)");
            }
            Self::Reallocated { count, max } => (count, "reallocated sectors", max),
            Self::GrownDefects { count, max } => (count, "grown defects", max),
            Self::Pending { count, max } => (count, "pending sectors", max),
            Self::OfflineUncorrectable { count, max } => {
                (count, "offline uncorrectable sectors", max)
            }
            Self::ReportedUncorrectable { count, max } => {
                (count, "reported uncorrectable errors", max)
            }
            Self::Uncorrected { count, max } => {
                (count, "uncorrected read/write/verify errors", max)
            }
            Self::MediaErrors { count, max } => (count, "media errors", max),
        };
        write!(f, "{count} {what} (at most {max})")
    }
}

impl fmt::Display for CheckReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Tpm { version: Some(v) } => write!(f, "TPM {v}"),
            Self::Tpm { version: None } => {
                f.write_str("no TPM visible (it may be disabled in the firmware setup)")
            }
            Self::Uefi { booted: true, .. } => f.write_str("booted via UEFI"),
            Self::Uefi {
                supported: true, ..
            } => f.write_str("firmware supports UEFI (booted legacy)"),
            Self::Uefi { .. } => f.write_str("legacy BIOS only"),
            Self::SecureBoot { capable: true } => {
                f.write_str("firmware exposes the SecureBoot variable")
            }
            Self::SecureBoot { capable: false } => {
                f.write_str("no SecureBoot variable (legacy boot or firmware without Secure Boot)")
            }
            Self::Cpu { cpu } => write!(f, "{cpu}"),
            Self::CpuModelUnknown => f.write_str("CPU model unknown"),
            Self::LongMode { x86_64: true } => f.write_str("x86-64"),
            Self::LongMode { x86_64: false } => f.write_str("no 64-bit long mode"),
            Self::Ram { bytes: Some(b) } => write!(f, "{:.1} GiB", gib(*b)),
            Self::Ram { bytes: None } => f.write_str("unknown"),
            Self::Storage {
                largest_bytes: Some(b),
            } => write!(f, "largest internal drive {} GB", b / 1_000_000_000),
            Self::Storage {
                largest_bytes: None,
            } => f.write_str("no internal drive"),
        }
    }
}

impl fmt::Display for CpuFamily {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::IntelCoreUltra => f.write_str("Intel Core Ultra"),
            Self::IntelCoreN => f.write_str("Intel Core i3-N series (Alder Lake-N)"),
            Self::IntelCore { generation } if *generation >= 8 => {
                write!(f, "Intel Core {generation}th generation")
            }
            Self::IntelCore { generation } => {
                write!(
                    f,
                    "Intel Core generation {generation} (8th or later needed)"
                )
            }
            Self::IntelCoreUnreadable { model } => {
                write!(f, "cannot read the Intel Core generation from \"{model}\"")
            }
            Self::IntelCoreSeries => f.write_str("Intel Core (series 1 or later)"),
            Self::IntelOld => f.write_str("Intel CPU older than 8th generation"),
            Self::IntelOther => {
                f.write_str("Intel Pentium/Celeron/Xeon: check Microsoft's supported CPU list")
            }
            Self::AmdRyzenAi => f.write_str("AMD Ryzen AI"),
            Self::AmdRyzen { series: 1 } => {
                f.write_str("AMD Ryzen 1000 series (Zen; Zen+ or later needed)")
            }
            Self::AmdRyzen { series } => write!(f, "AMD Ryzen {series}000 series (Zen+ or later)"),
            Self::AmdRyzenUnreadable { model } => {
                write!(f, "cannot read the Ryzen series from \"{model}\"")
            }
            Self::AmdAthlonZen => f.write_str("AMD Athlon (Zen-based, on Microsoft's list)"),
            Self::AmdOld => f.write_str("AMD CPU older than Zen+"),
            Self::AmdOther => {
                f.write_str("AMD CPU of unknown generation: check Microsoft's supported CPU list")
            }
            Self::Unrecognised { model } => {
                write!(f, "cannot judge the generation of \"{model}\"")
            }
        }
    }
}
