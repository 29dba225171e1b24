//! SMBIOS (DMTF DSP0134) from raw bytes: the entry point (`smbios_entry_point`) and the structure
//! table (`DMI`) that Linux exposes in `/sys/firmware/dmi/tables/`, or a `dmidecode --dump-bin` file.
//!
//! Own parser, not a crate: the `dmidecode` crate (1.0) reads packed structs with `ptr::read` at
//! offsets taken from the table without checking the buffer length (a short `DMI` file with a longer
//! entry-point length reads out of bounds); `smbios-lib` is heavy (its own file/OS loaders) for the
//! seven types needed here. This parser only slices with checked `get`.

mod decode;
mod entry;
mod table;

use serde::{Deserialize, Serialize};

pub use decode::{
    Bios, Board, Chassis, MemoryArray, MemoryDevice, Processor, System, chassis_kind, is_portable,
    real,
};
pub use entry::{EntryKind, EntryPoint};

/// What can be wrong with SMBIOS data (kept typed in the audit's `problem_reasons`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
#[serde(tag = "error", rename_all = "snake_case")]
#[non_exhaustive]
pub enum SmbiosError {
    #[error("no SMBIOS entry point anchor (_SM_ or _SM3_)")]
    NoAnchor,
    #[error("SMBIOS entry point truncated: {len} bytes, {needed} needed")]
    EntryPointTruncated { len: usize, needed: usize },
    #[error("SMBIOS entry point declares length {declared}, minimum is {minimum}")]
    EntryPointLength { declared: usize, minimum: usize },
    #[error("SMBIOS entry point checksum does not add up to zero")]
    EntryPointChecksum,
    #[error("SMBIOS 2.x intermediate entry point (_DMI_) missing or its checksum is wrong")]
    IntermediateAnchor,
    #[error("SMBIOS table is {actual} bytes, the entry point says {declared}")]
    TableShort { declared: u32, actual: usize },
    #[error("SMBIOS dump: table offset {offset} is outside the {len}-byte file")]
    DumpTableOffset { offset: u64, len: usize },
    #[error(
        "SMBIOS structure at offset {offset} runs past the end of the table ({needed} bytes needed, {available} left)"
    )]
    StructureOverrun {
        offset: usize,
        needed: usize,
        available: usize,
    },
    #[error("SMBIOS structure at offset {offset} declares length {length} (< 4)")]
    StructureLength { offset: usize, length: usize },
    #[error("SMBIOS structure at offset {offset} has no string-set terminator")]
    UnterminatedStrings { offset: usize },
}

/// The decoded SMBIOS data the audit uses.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Smbios {
    /// `"3.2"` etc.
    pub version: String,
    pub entry_point: EntryKind,
    pub bios: Option<Bios>,
    pub system: Option<System>,
    pub board: Option<Board>,
    pub chassis: Option<Chassis>,
    pub processors: Vec<Processor>,
    pub memory_arrays: Vec<MemoryArray>,
    pub memory_devices: Vec<MemoryDevice>,
    /// Problems met in the table (parsing stops at a malformed structure; what came before is kept).
    pub problems: Vec<String>,
    /// The same problems typed (the audit's `problem_reasons` carry them; not in this part of
    /// the document).
    #[serde(skip)]
    pub errors: Vec<SmbiosError>,
}

impl Smbios {
    /// Installed memory according to the type 17 devices, in bytes.
    pub fn installed_memory_bytes(&self) -> u64 {
        self.memory_devices
            .iter()
            .filter_map(|d| d.size_bytes)
            .sum()
    }

    /// Type 17 devices with no module, belonging to system-memory arrays.
    pub fn empty_slots(&self) -> usize {
        self.system_memory_devices()
            .filter(|d| !d.is_populated())
            .count()
    }

    /// Memory devices of arrays used as system memory (or of unknown arrays).
    pub fn system_memory_devices(&self) -> impl Iterator<Item = &MemoryDevice> {
        self.memory_devices.iter().filter(|d| {
            self.memory_arrays
                .iter()
                .find(|a| a.handle == d.array_handle)
                .is_none_or(|a| a.usage == 3)
        })
    }
}

/// Parses SMBIOS from the entry point bytes and the table bytes (as Linux exposes them).
///
/// Entry point errors are errors; table problems are collected in [`Smbios::problems`] and the
/// structures before the problem are kept.
pub fn parse(entry_point: &[u8], table: &[u8]) -> Result<Smbios, SmbiosError> {
    let ep = EntryPoint::parse(entry_point)?;
    let mut errors = Vec::new();
    let declared = usize::try_from(ep.table_len).unwrap_or(usize::MAX);
    let table = match ep.kind {
        EntryKind::V2 if table.len() < declared => {
            errors.push(SmbiosError::TableShort {
                declared: ep.table_len,
                actual: table.len(),
            });
            table
        }
        _ => &table[..declared.min(table.len())],
    };
    let walk = table::walk(table, ep.structure_count);
    errors.extend(walk.stopped_by);
    let mut out = Smbios {
        version: format!("{}.{}", ep.major, ep.minor),
        entry_point: ep.kind,
        bios: None,
        system: None,
        board: None,
        chassis: None,
        processors: Vec::new(),
        memory_arrays: Vec::new(),
        memory_devices: Vec::new(),
        problems: errors.iter().map(ToString::to_string).collect(),
        errors,
    };
    let uuid_le = ep.at_least(2, 6);
    for s in &walk.structures {
        match s.kind {
            0 if out.bios.is_none() => out.bios = Some(decode::bios(s)),
            1 if out.system.is_none() => out.system = Some(decode::system(s, uuid_le)),
            2 if out.board.is_none() => out.board = Some(decode::board(s)),
            3 if out.chassis.is_none() => out.chassis = Some(decode::chassis(s)),
            4 => out.processors.push(decode::processor(s)),
            16 => out.memory_arrays.push(decode::memory_array(s)),
            17 => out.memory_devices.push(decode::memory_device(s)),
            _ => {}
        }
    }
    Ok(out)
}

/// Parses a `dmidecode --dump-bin` file: the entry point at offset 0, the table at the offset the
/// entry point's address field gives (dmidecode writes 0x20).
pub fn parse_dump(dump: &[u8]) -> Result<Smbios, SmbiosError> {
    let ep = EntryPoint::parse(dump)?;
    let offset = usize::try_from(ep.table_address)
        .ok()
        .filter(|o| *o <= dump.len())
        .ok_or(SmbiosError::DumpTableOffset {
            offset: ep.table_address,
            len: dump.len(),
        })?;
    parse(dump, &dump[offset..])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn garbage_never_panics() {
        for len in 0..64 {
            let bytes: Vec<u8> = (0..len).map(|i| (i * 37 % 251) as u8).collect();
            assert!(parse(&bytes, &bytes).is_err());
            let mut v3 = b"_SM3_".to_vec();
            v3.extend(&bytes);
            let _ = parse(&v3, &bytes);
            let _ = parse_dump(&v3);
        }
    }
}
