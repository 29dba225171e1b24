//! CPU and RAM: `/proc/cpuinfo`, `/proc/meminfo` and cpufreq through the root (so captures replay),
//! with `sysinfo` filling gaps on the live system.

use serde::{Deserialize, Serialize};

use crate::root::Root;

/// CPU flags that matter when choosing an operating system.
pub const NOTABLE_FLAGS: &[&str] = &[
    "lm",
    "nx",
    "pae",
    "sse4_2",
    "popcnt",
    "avx",
    "avx2",
    "aes",
    "vmx",
    "svm",
    "hypervisor",
];

/// What the audit reports about the processor(s).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Cpu {
    pub model: Option<String>,
    /// `GenuineIntel`, `AuthenticAMD`...
    pub vendor: Option<String>,
    pub family: Option<u32>,
    pub model_number: Option<u32>,
    pub sockets: u32,
    /// Physical cores over all sockets.
    pub cores: Option<u32>,
    /// Logical processors.
    pub threads: u32,
    pub max_mhz: Option<u32>,
    /// Long mode (`lm` flag): the CPU runs 64-bit code.
    pub x86_64: bool,
    /// The subset of [`NOTABLE_FLAGS`] the CPU has.
    pub flags: Vec<String>,
}

/// Parses `/proc/cpuinfo` (x86 layout: blocks of `key : value` lines per logical CPU).
pub fn parse_cpuinfo(text: &str) -> Cpu {
    let mut cpu = Cpu::default();
    let mut sockets = std::collections::BTreeSet::new();
    let mut cores = std::collections::BTreeSet::new();
    let mut physical = String::from("0");
    for line in text.lines() {
        let Some((key, value)) = line.split_once(':') else {
            continue;
        };
        let (key, value) = (key.trim(), value.trim());
        match key {
            "processor" => cpu.threads += 1,
            "model name" if cpu.model.is_none() => cpu.model = Some(squash(value)),
            "vendor_id" if cpu.vendor.is_none() => cpu.vendor = Some(value.to_string()),
            "cpu family" if cpu.family.is_none() => cpu.family = value.parse().ok(),
            "model" if cpu.model_number.is_none() => cpu.model_number = value.parse().ok(),
            "physical id" => {
                physical = value.to_string();
                sockets.insert(value.to_string());
            }
            "core id" => {
                cores.insert((physical.clone(), value.to_string()));
            }
            "flags" if cpu.flags.is_empty() => {
                let have: Vec<&str> = value.split_whitespace().collect();
                cpu.x86_64 = have.contains(&"lm");
                cpu.flags = NOTABLE_FLAGS
                    .iter()
                    .filter(|f| have.contains(f))
                    .map(|f| f.to_string())
                    .collect();
            }
            _ => {}
        }
    }
    cpu.sockets = u32::try_from(sockets.len()).unwrap_or(1).max(1);
    cpu.cores = (!cores.is_empty()).then(|| u32::try_from(cores.len()).unwrap_or(u32::MAX));
    cpu
}

/// Collapses runs of spaces (`Intel(R) Core(TM) i5-8250U CPU @ 1.60GHz` is often padded).
fn squash(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// `MemTotal` from `/proc/meminfo`, in bytes.
pub fn parse_meminfo_total(text: &str) -> Option<u64> {
    let line = text.lines().find(|l| l.starts_with("MemTotal:"))?;
    let kib: u64 = line
        .trim_start_matches("MemTotal:")
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()?;
    kib.checked_mul(1024)
}

/// Reads the CPU through the root; on the live system `sysinfo` fills what the files lack.
pub fn collect(root: &Root) -> Cpu {
    let mut cpu = root
        .read("proc/cpuinfo")
        .map(|b| parse_cpuinfo(&String::from_utf8_lossy(&b)))
        .unwrap_or_default();
    cpu.max_mhz = root
        .attr_u64("sys/devices/system/cpu/cpu0/cpufreq/cpuinfo_max_freq")
        .and_then(|khz| u32::try_from(khz / 1000).ok());
    if root.is_live() {
        fill_from_sysinfo(&mut cpu);
    }
    cpu
}

fn fill_from_sysinfo(cpu: &mut Cpu) {
    use sysinfo::{CpuRefreshKind, RefreshKind, System};
    if cpu.cores.is_none() {
        cpu.cores = System::physical_core_count()
            .ok()
            .and_then(|c| u32::try_from(c).ok());
    }
    let Ok(sys) =
        System::new_with_specifics(RefreshKind::nothing().with_cpu(CpuRefreshKind::everything()))
    else {
        return;
    };
    if cpu.threads == 0 {
        cpu.threads = u32::try_from(sys.cpus().len()).unwrap_or(0);
    }
    if let Some(first) = sys.cpus().first() {
        if cpu.model.is_none() && !first.brand().is_empty() {
            cpu.model = Some(squash(first.brand()));
        }
        if cpu.vendor.is_none() && !first.vendor_id().is_empty() {
            cpu.vendor = Some(first.vendor_id().to_string());
        }
    }
}

/// Total RAM the kernel sees (`MemTotal`), through the root; `sysinfo` on the live system as fallback.
pub fn total_ram_bytes(root: &Root) -> Option<u64> {
    let from_file = root
        .read("proc/meminfo")
        .ok()
        .and_then(|b| parse_meminfo_total(&String::from_utf8_lossy(&b)));
    if from_file.is_some() || !root.is_live() {
        return from_file;
    }
    use sysinfo::{MemoryRefreshKind, RefreshKind, System};
    let refresh = RefreshKind::nothing().with_memory(MemoryRefreshKind::nothing().with_ram());
    System::new_with_specifics(refresh)
        .ok()
        .map(|sys| sys.total_memory())
        .filter(|t| *t > 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    const CPUINFO: &str = "processor\t: 0\nvendor_id\t: GenuineIntel\ncpu family\t: 6\nmodel\t\t: 142\n\
model name\t: Intel(R) Core(TM) i5-8250U CPU @ 1.60GHz\nphysical id\t: 0\ncore id\t\t: 0\n\
flags\t\t: fpu vme lm nx sse4_2 popcnt avx avx2 aes\n\nprocessor\t: 1\nphysical id\t: 0\ncore id\t\t: 1\n\
flags\t\t: fpu\n\nprocessor\t: 2\nphysical id\t: 0\ncore id\t\t: 0\n";

    #[test]
    fn cpuinfo_counts_and_flags() {
        let cpu = parse_cpuinfo(CPUINFO);
        assert_eq!(
            cpu.model.as_deref(),
            Some("Intel(R) Core(TM) i5-8250U CPU @ 1.60GHz")
        );
        assert_eq!((cpu.threads, cpu.cores, cpu.sockets), (3, Some(2), 1));
        assert_eq!((cpu.family, cpu.model_number), (Some(6), Some(142)));
        assert!(cpu.x86_64);
        assert_eq!(
            cpu.flags,
            vec!["lm", "nx", "sse4_2", "popcnt", "avx", "avx2", "aes"]
        );
    }

    #[test]
    fn meminfo_total() {
        assert_eq!(
            parse_meminfo_total("MemTotal:        8048572 kB\nMemFree: 1 kB\n"),
            Some(8048572 * 1024)
        );
        assert_eq!(parse_meminfo_total("garbage"), None);
    }
}
