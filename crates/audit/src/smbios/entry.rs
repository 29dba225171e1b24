//! SMBIOS entry points: the 2.1 (`_SM_`, 32-bit) and 3.0 (`_SM3_`, 64-bit) structures (DSP0134 §5.2).

use serde::{Deserialize, Serialize};

use super::SmbiosError;

/// Which entry point format announced the table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum EntryKind {
    /// `_SM_` 32-bit entry point (SMBIOS 2.1 to 2.8): exact table length and structure count.
    V2,
    /// `_SM3_` 64-bit entry point (SMBIOS 3.0+): only a maximum table size; the table ends at type 127.
    V3,
}

/// A validated entry point.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EntryPoint {
    pub kind: EntryKind,
    pub major: u8,
    pub minor: u8,
    /// Table length (2.x: exact; 3.x: maximum).
    pub table_len: u32,
    /// Physical address of the table (in a dmidecode dump: the offset of the table in the file).
    pub table_address: u64,
    /// Number of structures (2.x only).
    pub structure_count: Option<u16>,
}

const V2_LEN: usize = 0x1F;
const V3_LEN: usize = 0x18;

fn checksum_ok(bytes: &[u8]) -> bool {
    bytes.iter().fold(0u8, |sum, b| sum.wrapping_add(*b)) == 0
}

fn u16_at(b: &[u8], at: usize) -> u16 {
    u16::from_le_bytes([b[at], b[at + 1]])
}

fn u32_at(b: &[u8], at: usize) -> u32 {
    u32::from_le_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]])
}

impl EntryPoint {
    /// Parses and validates an entry point that starts at the first byte of `bytes`.
    pub fn parse(bytes: &[u8]) -> Result<Self, SmbiosError> {
        if bytes.starts_with(b"_SM3_") {
            Self::parse_v3(bytes)
        } else if bytes.starts_with(b"_SM_") {
            Self::parse_v2(bytes)
        } else {
            Err(SmbiosError::NoAnchor)
        }
    }

    fn declared_len(bytes: &[u8], at: usize, min: usize) -> Result<usize, SmbiosError> {
        let declared = usize::from(*bytes.get(at).ok_or(SmbiosError::EntryPointTruncated {
            len: bytes.len(),
            needed: min,
        })?);
        if declared < min {
            return Err(SmbiosError::EntryPointLength {
                declared,
                minimum: min,
            });
        }
        if bytes.len() < declared {
            return Err(SmbiosError::EntryPointTruncated {
                len: bytes.len(),
                needed: declared,
            });
        }
        Ok(declared)
    }

    fn parse_v2(bytes: &[u8]) -> Result<Self, SmbiosError> {
        let len = Self::declared_len(bytes, 0x05, V2_LEN)?;
        if !checksum_ok(&bytes[..len]) {
            return Err(SmbiosError::EntryPointChecksum);
        }
        if &bytes[0x10..0x15] != b"_DMI_" || !checksum_ok(&bytes[0x10..0x1F]) {
            return Err(SmbiosError::IntermediateAnchor);
        }
        Ok(Self {
            kind: EntryKind::V2,
            major: bytes[0x06],
            minor: bytes[0x07],
            table_len: u32::from(u16_at(bytes, 0x16)),
            table_address: u64::from(u32_at(bytes, 0x18)),
            structure_count: Some(u16_at(bytes, 0x1C)),
        })
    }

    fn parse_v3(bytes: &[u8]) -> Result<Self, SmbiosError> {
        let len = Self::declared_len(bytes, 0x06, V3_LEN)?;
        if !checksum_ok(&bytes[..len]) {
            return Err(SmbiosError::EntryPointChecksum);
        }
        let address = u64::from(u32_at(bytes, 0x10)) | (u64::from(u32_at(bytes, 0x14)) << 32);
        Ok(Self {
            kind: EntryKind::V3,
            major: bytes[0x07],
            minor: bytes[0x08],
            table_len: u32_at(bytes, 0x0C),
            table_address: address,
            structure_count: None,
        })
    }

    /// Whether the SMBIOS version is at least `major.minor` (decoders use it to know which fields exist).
    pub fn at_least(&self, major: u8, minor: u8) -> bool {
        (self.major, self.minor) >= (major, minor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(crate) fn v3(table_len: u32) -> Vec<u8> {
        let mut ep = vec![0u8; V3_LEN];
        ep[..5].copy_from_slice(b"_SM3_");
        ep[6] = V3_LEN as u8;
        ep[7] = 3;
        ep[8] = 2;
        ep[0x0A] = 1;
        ep[0x0C..0x10].copy_from_slice(&table_len.to_le_bytes());
        let sum = ep.iter().fold(0u8, |s, b| s.wrapping_add(*b));
        ep[5] = 0u8.wrapping_sub(sum);
        ep
    }

    #[test]
    fn v3_entry_point_parses_and_checksum_is_enforced() {
        let ep = v3(0x1234);
        let parsed = EntryPoint::parse(&ep).unwrap();
        assert_eq!(
            (parsed.kind, parsed.major, parsed.minor, parsed.table_len),
            (EntryKind::V3, 3, 2, 0x1234)
        );
        assert!(parsed.at_least(3, 0) && !parsed.at_least(3, 3));
        let mut bad = ep.clone();
        bad[0x0C] ^= 1;
        assert!(matches!(
            EntryPoint::parse(&bad),
            Err(SmbiosError::EntryPointChecksum)
        ));
        assert!(matches!(
            EntryPoint::parse(&ep[..10]),
            Err(SmbiosError::EntryPointTruncated { .. })
        ));
        assert!(matches!(
            EntryPoint::parse(b"_SM3_"),
            Err(SmbiosError::EntryPointTruncated { .. })
        ));
        assert!(matches!(
            EntryPoint::parse(b"garbage"),
            Err(SmbiosError::NoAnchor)
        ));
    }

    #[test]
    fn v2_declared_length_too_small_is_rejected() {
        let mut ep = vec![0u8; V2_LEN];
        ep[..4].copy_from_slice(b"_SM_");
        ep[5] = 4;
        assert!(matches!(
            EntryPoint::parse(&ep),
            Err(SmbiosError::EntryPointLength { declared: 4, .. })
        ));
    }
}
