//! Windows 11's hardware floor: TPM 2.0, UEFI with Secure Boot capability, a supported CPU
//! generation (Intel 8th generation Core or later, AMD Zen+ or later), 64-bit, 4 GiB RAM, 64 GB storage.
//!
//! The CPU generation is judged from the model string; what cannot be judged is reported as such
//! and counts as not meeting the floor (the machine then gets Linux).

use serde::{Deserialize, Serialize};

use crate::reason::{CheckReason, CpuFamily};

/// The operating system the machine should get.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Recommendation {
    Windows11,
    Linux,
}

/// The requirements of the floor. [`CheckId::name`] is the check's `name` in the document;
/// `Display` is its English name for people.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum CheckId {
    Tpm20,
    Uefi,
    SecureBootCapable,
    Cpu,
    Bits64,
    Ram4Gib,
    Storage64Gb,
}

impl CheckId {
    pub const ALL: [Self; 7] = [
        Self::Tpm20,
        Self::Uefi,
        Self::SecureBootCapable,
        Self::Cpu,
        Self::Bits64,
        Self::Ram4Gib,
        Self::Storage64Gb,
    ];

    /// The check's `name` in the audit document (`tpm-2.0`).
    pub fn name(self) -> &'static str {
        match self {
            Self::Tpm20 => "tpm-2.0",
            Self::Uefi => "uefi",
            Self::SecureBootCapable => "secure-boot-capable",
            Self::Cpu => "cpu",
            Self::Bits64 => "64-bit",
            Self::Ram4Gib => "ram-4gib",
            Self::Storage64Gb => "storage-64gb",
        }
    }

    /// The check a document's `name` stands for, if this version knows it.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.name() == name)
    }
}

impl std::fmt::Display for CheckId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::Tpm20 => "TPM 2.0",
            Self::Uefi => "UEFI",
            Self::SecureBootCapable => "Secure Boot",
            Self::Cpu => "CPU generation",
            Self::Bits64 => "64-bit CPU",
            Self::Ram4Gib => "4 GiB RAM",
            Self::Storage64Gb => "64 GB storage",
        })
    }
}

/// A document's check `name` for people through `word`, or as it stands if unknown.
pub fn check_name(name: &str, word: fn(CheckId) -> String) -> String {
    CheckId::from_name(name).map_or_else(|| name.to_owned(), word)
}

/// One requirement and how the machine fares.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Check {
    pub name: String,
    pub passed: bool,
    /// The reason in English words (what documents before the typed [`CheckReason`] carried).
    pub detail: String,
    /// Why, as data for words in any language; absent in documents made before it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<CheckReason>,
}

/// The Windows 11 verdict.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Windows11 {
    pub meets_floor: bool,
    pub recommendation: Recommendation,
    pub checks: Vec<Check>,
}

/// What the CPU model string says about Windows 11 support.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CpuVerdict {
    Supported(CpuFamily),
    Unsupported(CpuFamily),
    Unknown(CpuFamily),
}

/// Judges a CPU model string (`/proc/cpuinfo` "model name").
pub fn judge_cpu(model: &str) -> CpuVerdict {
    let lower = model.to_ascii_lowercase();
    if lower.contains("intel") {
        judge_intel(&lower)
    } else if lower.contains("amd") {
        judge_amd(&lower)
    } else {
        CpuVerdict::Unknown(CpuFamily::Unrecognised {
            model: model.to_owned(),
        })
    }
}

/// Leading digits of the first word that starts with a digit after `marker`.
fn number_after<'a>(text: &'a str, marker: &str) -> Option<&'a str> {
    let rest = &text[text.find(marker)? + marker.len()..];
    let digits: &str = rest.split(|c: char| !c.is_ascii_digit()).next()?;
    (!digits.is_empty()).then_some(digits)
}

fn judge_intel(m: &str) -> CpuVerdict {
    if m.contains("core(tm) ultra") || m.contains("core ultra") {
        return CpuVerdict::Supported(CpuFamily::IntelCoreUltra);
    }
    for marker in ["i3-", "i5-", "i7-", "i9-"] {
        if m.contains(&format!("{marker}n")) {
            return CpuVerdict::Supported(CpuFamily::IntelCoreN);
        }
        if let Some(num) = number_after(m, marker) {
            // i7-920 (1st), i5-2500 (2nd) ... i5-8250U (8th); i5-1035G1, i7-10700, i5-12400 (10th+).
            let generation: u32 = match num.len() {
                3 => 1,
                4 if num.starts_with('1') => num[..2].parse().unwrap_or(0),
                4 => num[..1].parse().unwrap_or(0),
                5 => num[..2].parse().unwrap_or(0),
                _ => 0,
            };
            return if generation >= 8 {
                CpuVerdict::Supported(CpuFamily::IntelCore { generation })
            } else if generation > 0 {
                CpuVerdict::Unsupported(CpuFamily::IntelCore { generation })
            } else {
                CpuVerdict::Unknown(CpuFamily::IntelCoreUnreadable {
                    model: m.to_owned(),
                })
            };
        }
    }
    // Core 3/5/7 (series 1/2, 2023+): "Intel(R) Core(TM) 5 120U".
    if ["core(tm) 3 ", "core(tm) 5 ", "core(tm) 7 ", "core(tm) 9 "]
        .iter()
        .any(|p| m.contains(p))
    {
        return CpuVerdict::Supported(CpuFamily::IntelCoreSeries);
    }
    if m.contains("core(tm)2")
        || m.contains("core 2")
        || m.contains("pentium(r) 4")
        || m.contains("atom")
    {
        return CpuVerdict::Unsupported(CpuFamily::IntelOld);
    }
    CpuVerdict::Unknown(CpuFamily::IntelOther)
}

fn judge_amd(m: &str) -> CpuVerdict {
    if m.contains("ryzen ai") {
        return CpuVerdict::Supported(CpuFamily::AmdRyzenAi);
    }
    if m.contains("ryzen") {
        // "AMD Ryzen 5 3600", "AMD Ryzen 7 PRO 4750U", "AMD Ryzen Threadripper 2950X".
        let series = m
            .split_whitespace()
            .skip_while(|w| !w.starts_with("ryzen"))
            .find(|w| w.len() >= 4 && w.chars().next().is_some_and(|c| c.is_ascii_digit()))
            .and_then(|w| w[..1].parse::<u32>().ok());
        return match series {
            Some(1) => CpuVerdict::Unsupported(CpuFamily::AmdRyzen { series: 1 }),
            Some(series) => CpuVerdict::Supported(CpuFamily::AmdRyzen { series }),
            None => CpuVerdict::Unknown(CpuFamily::AmdRyzenUnreadable {
                model: m.to_owned(),
            }),
        };
    }
    if m.contains("athlon gold")
        || m.contains("athlon silver")
        || number_after(m, "athlon ").is_some_and(|n| n.starts_with('3'))
    {
        return CpuVerdict::Supported(CpuFamily::AmdAthlonZen);
    }
    if [
        "phenom",
        "athlon(tm) ii",
        "athlon ii",
        "a4-",
        "a6-",
        "a8-",
        "a10-",
        "a12-",
        "e1-",
        "e2-",
        "fx(",
    ]
    .iter()
    .any(|p| m.contains(p))
        || m.contains("fx-")
    {
        return CpuVerdict::Unsupported(CpuFamily::AmdOld);
    }
    CpuVerdict::Unknown(CpuFamily::AmdOther)
}

/// The facts the floor is judged on.
#[derive(Debug, Clone, Default)]
pub struct Facts<'a> {
    pub tpm_version: Option<&'a str>,
    pub uefi_booted: bool,
    pub uefi_supported_by_firmware: Option<bool>,
    pub secure_boot_capable: bool,
    pub cpu_model: Option<&'a str>,
    pub x86_64: bool,
    pub ram_bytes: Option<u64>,
    pub largest_internal_disk_bytes: Option<u64>,
}

/// Judges the floor.
pub fn judge(f: &Facts<'_>) -> Windows11 {
    let check = |id: CheckId, passed: bool, reason: CheckReason| Check {
        name: id.name().to_string(),
        passed,
        detail: reason.to_string(),
        reason: Some(reason),
    };
    let cpu = match f.cpu_model.map(judge_cpu) {
        Some(CpuVerdict::Supported(cpu)) => check(CheckId::Cpu, true, CheckReason::Cpu { cpu }),
        Some(CpuVerdict::Unsupported(cpu) | CpuVerdict::Unknown(cpu)) => {
            check(CheckId::Cpu, false, CheckReason::Cpu { cpu })
        }
        None => check(CheckId::Cpu, false, CheckReason::CpuModelUnknown),
    };
    let uefi = f.uefi_booted || f.uefi_supported_by_firmware == Some(true);
    let checks = vec![
        check(
            CheckId::Tpm20,
            f.tpm_version == Some("2.0"),
            CheckReason::Tpm {
                version: f.tpm_version.map(str::to_owned),
            },
        ),
        check(
            CheckId::Uefi,
            uefi,
            CheckReason::Uefi {
                booted: f.uefi_booted,
                supported: uefi,
            },
        ),
        check(
            CheckId::SecureBootCapable,
            f.secure_boot_capable,
            CheckReason::SecureBoot {
                capable: f.secure_boot_capable,
            },
        ),
        cpu,
        check(
            CheckId::Bits64,
            f.x86_64,
            CheckReason::LongMode { x86_64: f.x86_64 },
        ),
        check(
            CheckId::Ram4Gib,
            f.ram_bytes.is_some_and(|r| r >= 4 << 30),
            CheckReason::Ram { bytes: f.ram_bytes },
        ),
        check(
            CheckId::Storage64Gb,
            f.largest_internal_disk_bytes
                .is_some_and(|b| b >= 64_000_000_000),
            CheckReason::Storage {
                largest_bytes: f.largest_internal_disk_bytes,
            },
        ),
    ];
    let meets_floor = checks.iter().all(|c| c.passed);
    Windows11 {
        meets_floor,
        recommendation: if meets_floor {
            Recommendation::Windows11
        } else {
            Recommendation::Linux
        },
        checks,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn supported(model: &str) -> bool {
        matches!(judge_cpu(model), CpuVerdict::Supported(_))
    }

    #[test]
    fn intel_generations() {
        assert!(supported("Intel(R) Core(TM) i5-8250U CPU @ 1.60GHz"));
        assert!(supported("Intel(R) Core(TM) i7-8700K CPU @ 3.70GHz"));
        assert!(supported("Intel(R) Core(TM) i5-1035G1 CPU @ 1.00GHz"));
        assert!(supported("12th Gen Intel(R) Core(TM) i5-12400"));
        assert!(supported("13th Gen Intel(R) Core(TM) i7-1355U"));
        assert!(supported("Intel(R) Core(TM) Ultra 5 125H"));
        assert!(supported("Intel(R) Core(TM) i3-N305"));
        assert!(!supported("Intel(R) Core(TM) i5-7200U CPU @ 2.50GHz"));
        assert!(!supported("Intel(R) Core(TM) i7-4770 CPU @ 3.40GHz"));
        assert!(!supported("Intel(R) Core(TM) i7 CPU 920 @ 2.67GHz"));
        assert!(matches!(
            judge_cpu("Intel(R) Core(TM) i5-2520M CPU"),
            CpuVerdict::Unsupported(_)
        ));
        assert!(matches!(
            judge_cpu("Intel(R) Celeron(R) N4020"),
            CpuVerdict::Unknown(_)
        ));
        assert!(matches!(
            judge_cpu("Intel(R) Core(TM)2 Duo CPU E8400"),
            CpuVerdict::Unsupported(_)
        ));
    }

    #[test]
    fn amd_generations() {
        assert!(supported("AMD Ryzen 5 3600 6-Core Processor"));
        assert!(supported("AMD Ryzen 7 PRO 4750U with Radeon Graphics"));
        assert!(supported("AMD Ryzen 5 2600 Six-Core Processor"));
        assert!(supported("AMD Ryzen AI 9 HX 370 w/ Radeon 890M"));
        assert!(supported("AMD Athlon Silver 3050U with Radeon Graphics"));
        assert!(matches!(
            judge_cpu("AMD Ryzen 7 1700 Eight-Core Processor"),
            CpuVerdict::Unsupported(_)
        ));
        assert!(matches!(
            judge_cpu("AMD A8-7600 Radeon R7"),
            CpuVerdict::Unsupported(_)
        ));
        assert!(matches!(
            judge_cpu("QEMU Virtual CPU version 2.5+"),
            CpuVerdict::Unknown(_)
        ));
    }

    #[test]
    fn floor_needs_every_check() {
        let mut f = Facts {
            tpm_version: Some("2.0"),
            uefi_booted: true,
            uefi_supported_by_firmware: None,
            secure_boot_capable: true,
            cpu_model: Some("Intel(R) Core(TM) i5-8250U CPU @ 1.60GHz"),
            x86_64: true,
            ram_bytes: Some(8 << 30),
            largest_internal_disk_bytes: Some(256_060_514_304),
        };
        let w = judge(&f);
        assert!(w.meets_floor, "{w:?}");
        assert_eq!(w.recommendation, Recommendation::Windows11);
        f.tpm_version = Some("1.2");
        let w = judge(&f);
        assert_eq!(w.recommendation, Recommendation::Linux);
        assert_eq!(
            w.checks
                .iter()
                .filter(|c| !c.passed)
                .map(|c| c.name.as_str())
                .collect::<Vec<_>>(),
            ["tpm-2.0"]
        );
        for id in CheckId::ALL {
            assert_eq!(CheckId::from_name(id.name()), Some(id));
        }
        assert_eq!(check_name("tpm-2.0", |c| c.to_string()), "TPM 2.0");
        assert_eq!(check_name("future", |c| c.to_string()), "future");
    }
}
