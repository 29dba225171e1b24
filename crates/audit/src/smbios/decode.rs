//! Decoding the structure types the audit needs: 0 BIOS, 1 system, 2 baseboard, 3 chassis,
//! 4 processor, 16 physical memory array, 17 memory device (DSP0134 §7).

use serde::{Deserialize, Serialize};

use super::table::RawStructure;

/// Type 0: BIOS information.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Bios {
    pub vendor: Option<String>,
    pub version: Option<String>,
    pub release_date: Option<String>,
    /// BIOS characteristics extension byte 2, bit 3: UEFI is supported.
    pub uefi_supported: Option<bool>,
    /// Extension byte 2, bit 4: the system is a virtual machine.
    pub virtual_machine: Option<bool>,
}

pub(super) fn bios(s: &RawStructure<'_>) -> Bios {
    let ext2 = if s.u8(0x01).is_some_and(|len| len >= 0x14) {
        s.u8(0x13)
    } else {
        None
    };
    Bios {
        vendor: s.string(0x04),
        version: s.string(0x05),
        release_date: s.string(0x08),
        uefi_supported: ext2.map(|b| b & 0x08 != 0),
        virtual_machine: ext2.map(|b| b & 0x10 != 0),
    }
}

/// Type 1: system information.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct System {
    pub manufacturer: Option<String>,
    pub product: Option<String>,
    pub version: Option<String>,
    pub serial: Option<String>,
    /// Lower-case RFC 4122 text, `None` when absent or "not settable" (all 0x00 or all 0xFF).
    pub uuid: Option<String>,
    pub sku: Option<String>,
    pub family: Option<String>,
}

pub(super) fn system(s: &RawStructure<'_>, uuid_le: bool) -> System {
    System {
        manufacturer: real(s.string(0x04)),
        product: real(s.string(0x05)),
        version: real(s.string(0x06)),
        serial: real(s.string(0x07)),
        uuid: s.bytes(0x08, 16).and_then(|b| uuid(b, uuid_le)),
        sku: real(s.string(0x19)),
        family: real(s.string(0x1A)),
    }
}

/// Formats an SMBIOS UUID; since SMBIOS 2.6 the first three fields are little-endian (§7.2.1).
fn uuid(b: &[u8], little_endian: bool) -> Option<String> {
    if b.iter().all(|x| *x == 0) || b.iter().all(|x| *x == 0xFF) {
        return None;
    }
    let mut o = [0u8; 16];
    o.copy_from_slice(b);
    if little_endian {
        o[0..4].reverse();
        o[4..6].reverse();
        o[6..8].reverse();
    }
    let hex =
        |r: std::ops::Range<usize>| o[r].iter().map(|x| format!("{x:02x}")).collect::<String>();
    Some(format!(
        "{}-{}-{}-{}-{}",
        hex(0..4),
        hex(4..6),
        hex(6..8),
        hex(8..10),
        hex(10..16)
    ))
}

/// Type 2: baseboard (mainboard).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Board {
    pub manufacturer: Option<String>,
    pub product: Option<String>,
    pub version: Option<String>,
    pub serial: Option<String>,
}

pub(super) fn board(s: &RawStructure<'_>) -> Board {
    Board {
        manufacturer: real(s.string(0x04)),
        product: real(s.string(0x05)),
        version: real(s.string(0x06)),
        serial: real(s.string(0x07)),
    }
}

/// Type 3: system enclosure or chassis.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Chassis {
    pub manufacturer: Option<String>,
    /// The raw chassis type code (bits 6:0 of offset 05h).
    pub type_code: u8,
    /// Its name from DSP0134 table 17, in kebab case (`laptop`, `notebook`, `desktop`, `tower`, `all-in-one`...).
    pub kind: String,
    pub version: Option<String>,
    pub serial: Option<String>,
    pub asset_tag: Option<String>,
}

const CHASSIS_TYPES: [&str; 37] = [
    "unknown",
    "other",
    "unknown",
    "desktop",
    "low-profile-desktop",
    "pizza-box",
    "mini-tower",
    "tower",
    "portable",
    "laptop",
    "notebook",
    "hand-held",
    "docking-station",
    "all-in-one",
    "sub-notebook",
    "space-saving",
    "lunch-box",
    "main-server-chassis",
    "expansion-chassis",
    "sub-chassis",
    "bus-expansion-chassis",
    "peripheral-chassis",
    "raid-chassis",
    "rack-mount-chassis",
    "sealed-case-pc",
    "multi-system-chassis",
    "compact-pci",
    "advanced-tca",
    "blade",
    "blade-enclosure",
    "tablet",
    "convertible",
    "detachable",
    "iot-gateway",
    "embedded-pc",
    "mini-pc",
    "stick-pc",
];

/// The kebab-case name of a chassis type code (`"unknown"` for codes not in the specification).
pub fn chassis_kind(code: u8) -> &'static str {
    CHASSIS_TYPES
        .get(usize::from(code & 0x7F))
        .copied()
        .unwrap_or("unknown")
}

/// Whether a chassis kind is a portable machine that usually carries a battery.
pub fn is_portable(kind: &str) -> bool {
    matches!(
        kind,
        "portable"
            | "laptop"
            | "notebook"
            | "hand-held"
            | "sub-notebook"
            | "tablet"
            | "convertible"
            | "detachable"
    )
}

pub(super) fn chassis(s: &RawStructure<'_>) -> Chassis {
    let type_code = s.u8(0x05).unwrap_or(2) & 0x7F;
    Chassis {
        manufacturer: real(s.string(0x04)),
        type_code,
        kind: chassis_kind(type_code).to_string(),
        version: real(s.string(0x06)),
        serial: real(s.string(0x07)),
        asset_tag: real(s.string(0x08)),
    }
}

/// Type 4: processor.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Processor {
    pub socket: Option<String>,
    pub manufacturer: Option<String>,
    pub version: Option<String>,
    /// Maximum speed in MHz as the firmware reports it (often the board's limit, not the CPU's).
    pub max_speed_mhz: Option<u16>,
    pub current_speed_mhz: Option<u16>,
    pub populated: bool,
    pub core_count: Option<u16>,
    pub thread_count: Option<u16>,
}

pub(super) fn processor(s: &RawStructure<'_>) -> Processor {
    let nonzero16 = |v: Option<u16>| v.filter(|x| *x != 0);
    let count = |short: usize, long: usize| match s.u8(short) {
        Some(0xFF) => nonzero16(s.u16(long)),
        Some(0) | None => None,
        Some(n) => Some(u16::from(n)),
    };
    Processor {
        socket: s.string(0x04),
        manufacturer: s.string(0x07),
        version: s.string(0x10),
        max_speed_mhz: nonzero16(s.u16(0x14)),
        current_speed_mhz: nonzero16(s.u16(0x16)),
        populated: s.u8(0x18).is_some_and(|st| st & 0x40 != 0),
        core_count: count(0x23, 0x2A),
        thread_count: count(0x25, 0x2E),
    }
}

/// Type 16: physical memory array (the slots on the board).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemoryArray {
    pub handle: u16,
    /// 3 = system memory; other uses (video, flash...) are not counted as RAM slots.
    pub usage: u8,
    pub max_capacity_bytes: Option<u64>,
    pub slots: u16,
}

pub(super) fn memory_array(s: &RawStructure<'_>) -> MemoryArray {
    let max_capacity_bytes = match s.u32(0x07) {
        Some(0x8000_0000) => s.u64(0x0F),
        Some(kib) => Some(u64::from(kib) * 1024),
        None => None,
    };
    MemoryArray {
        handle: s.handle,
        usage: s.u8(0x05).unwrap_or(0),
        max_capacity_bytes,
        slots: s.u16(0x0D).unwrap_or(0),
    }
}

/// Type 17: memory device (one slot, populated or empty).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemoryDevice {
    pub array_handle: u16,
    /// Slot name as printed on the board (`DIMM_A1`, `ChannelA-DIMM0`).
    pub locator: Option<String>,
    pub bank: Option<String>,
    /// Installed size; `None` for an empty slot, `Some(0)` never occurs.
    pub size_bytes: Option<u64>,
    /// True when the size field is 0xFFFF (installed, size unknown).
    pub size_unknown: bool,
    /// `DDR3`, `DDR4`, `DDR5`, `LPDDR4`... (DSP0134 table 76), `None` for other/unknown.
    pub memory_type: Option<String>,
    /// `DIMM`, `SODIMM`, `Row Of Chips`... (DSP0134 table 75).
    pub form_factor: Option<String>,
    /// Maximum speed in MT/s.
    pub speed_mts: Option<u32>,
    pub configured_speed_mts: Option<u32>,
    pub manufacturer: Option<String>,
    pub serial: Option<String>,
    pub part_number: Option<String>,
}

impl MemoryDevice {
    /// Whether a module sits in this slot.
    pub fn is_populated(&self) -> bool {
        self.size_bytes.is_some() || self.size_unknown
    }
}

fn memory_type(code: u8) -> Option<&'static str> {
    Some(match code {
        0x03 => "DRAM",
        0x07 => "RAM",
        0x0F => "SDRAM",
        0x11 => "RDRAM",
        0x12 => "DDR",
        0x13 => "DDR2",
        0x14 => "DDR2 FB-DIMM",
        0x18 => "DDR3",
        0x19 => "FBD2",
        0x1A => "DDR4",
        0x1B => "LPDDR",
        0x1C => "LPDDR2",
        0x1D => "LPDDR3",
        0x1E => "LPDDR4",
        0x1F => "Logical non-volatile device",
        0x20 => "HBM",
        0x21 => "HBM2",
        0x22 => "DDR5",
        0x23 => "LPDDR5",
        0x24 => "HBM3",
        _ => return None,
    })
}

fn form_factor(code: u8) -> Option<&'static str> {
    Some(match code {
        0x03 => "SIMM",
        0x04 => "SIP",
        0x05 => "Chip",
        0x06 => "DIP",
        0x07 => "ZIP",
        0x08 => "Proprietary Card",
        0x09 => "DIMM",
        0x0A => "TSOP",
        0x0B => "Row Of Chips",
        0x0C => "RIMM",
        0x0D => "SODIMM",
        0x0E => "SRIMM",
        0x0F => "FB-DIMM",
        0x10 => "Die",
        0x11 => "CAMM",
        _ => return None,
    })
}

/// A string that firmware uses to mean "nothing here" or that the vendor never filled in
/// ("To be filled by O.E.M.", "Default string", "SerNum1", "00000000" ...) is no value at all.
pub fn real(value: Option<String>) -> Option<String> {
    value.filter(|v| !is_placeholder(v))
}

fn is_placeholder(value: &str) -> bool {
    let lower = value.trim().to_ascii_lowercase();
    let numbered = |prefix: &str| {
        lower
            .strip_prefix(prefix)
            .is_some_and(|n| n.bytes().all(|b| b.is_ascii_digit()))
    };
    matches!(
        lower.as_str(),
        "not specified"
            | "unknown"
            | "none"
            | "empty"
            | "[empty]"
            | "no dimm"
            | "not installed"
            | "to be filled by o.e.m."
            | "to be filled by oem"
            | "default string"
            | "undefined"
            | "not applicable"
            | "n/a"
            | "o.e.m."
            | "oem"
            | "system manufacturer"
            | "system product name"
            | "system version"
            | "system serial number"
            | "base board serial number"
            | "chassis serial number"
            | "123456789"
            | "0123456789"
            | "no asset tag"
            | "no asset information"
            | "chassis asset tag"
            | "not available"
            | "type1productconfigid"
    ) || lower.bytes().all(|b| b == b'0' || b == b' ')
        // Insyde's templates: "Type2 - Board Serial Number", "Type3 - Chassis Asset Tag".
        || ["type1 - ", "type2 - ", "type3 - "].iter().any(|p| lower.starts_with(p))
        // Erased flash read through the kernel's sysfs view: replacement characters only.
        || lower.chars().all(|c| c == '\u{FFFD}' || c.is_whitespace())
        || numbered("sernum")
        || numbered("partnum")
        || numbered("assettagnum")
}

pub(super) fn memory_device(s: &RawStructure<'_>) -> MemoryDevice {
    const MIB: u64 = 1024 * 1024;
    let (size_bytes, size_unknown) = match s.u16(0x0C) {
        None | Some(0) => (None, false),
        Some(0xFFFF) => (None, true),
        Some(0x7FFF) => match s.u32(0x1C) {
            Some(ext) => (Some(u64::from(ext & 0x7FFF_FFFF) * MIB), false),
            None => (None, true),
        },
        Some(v) if v & 0x8000 != 0 => (Some(u64::from(v & 0x7FFF) * 1024), false),
        Some(v) => (Some(u64::from(v) * MIB), false),
    };
    let speed = |short: usize, long: usize| match s.u16(short) {
        None | Some(0) => None,
        Some(0xFFFF) => s.u32(long).map(|x| x & 0x7FFF_FFFF).filter(|x| *x != 0),
        Some(v) => Some(u32::from(v)),
    };
    MemoryDevice {
        array_handle: s.u16(0x04).unwrap_or(0xFFFF),
        locator: s.string(0x10),
        bank: s.string(0x11),
        size_bytes,
        size_unknown,
        memory_type: s.u8(0x12).and_then(memory_type).map(str::to_string),
        form_factor: s.u8(0x0E).and_then(form_factor).map(str::to_string),
        speed_mts: speed(0x15, 0x54),
        configured_speed_mts: speed(0x20, 0x58),
        manufacturer: real(s.string(0x17)),
        serial: real(s.string(0x18)),
        part_number: real(s.string(0x1A)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vendor_placeholders_are_no_value() {
        for p in [
            "To be filled by O.E.M.",
            "To Be Filled By O.E.M.",
            "Default string",
            "Undefined",
            "0000",
            "00000000",
            "SerNum1",
            "PartNum1",
            "AssetTagNum0",
            "System Serial Number",
            " Not Specified ",
            "123456789",
            "   ",
            "\u{FFFD}\u{FFFD}\u{FFFD}\u{FFFD}",
            "Default String",
            "NOT SPECIFIED",
            "No Asset Tag",
            "Type2 - Board Serial Number",
            "Type1ProductConfigId",
        ] {
            assert_eq!(real(Some(p.to_owned())), None, "{p}");
        }
        for v in ["PF1A2B3C", "0A00", "SerNumber7", "HP", "10"] {
            assert_eq!(real(Some(v.to_owned())).as_deref(), Some(v));
        }
    }

    #[test]
    fn uuid_byte_order_follows_the_version() {
        let b: Vec<u8> = (1..=16).collect();
        assert_eq!(
            uuid(&b, true).unwrap(),
            "04030201-0605-0807-090a-0b0c0d0e0f10"
        );
        assert_eq!(
            uuid(&b, false).unwrap(),
            "01020304-0506-0708-090a-0b0c0d0e0f10"
        );
        assert_eq!(uuid(&[0xFF; 16], true), None);
        assert_eq!(uuid(&[0; 16], true), None);
    }

    #[test]
    fn chassis_names() {
        assert_eq!(chassis_kind(0x0A), "notebook");
        assert_eq!(chassis_kind(0x83), "desktop", "bit 7 is the lock flag");
        assert_eq!(chassis_kind(0x7F), "unknown");
        assert!(is_portable("laptop") && !is_portable("tower"));
    }
}
