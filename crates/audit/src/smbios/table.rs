//! Walking the SMBIOS structure table: header, formatted area, string set (DSP0134 §6.1).

use super::SmbiosError;

/// One structure as it sits in the table.
#[derive(Debug, Clone)]
pub struct RawStructure<'a> {
    pub kind: u8,
    pub handle: u16,
    /// The formatted area including the 4-byte header (so offsets match the specification).
    pub formatted: &'a [u8],
    strings: Vec<&'a [u8]>,
}

impl<'a> RawStructure<'a> {
    /// Byte at a specification offset, if the formatted area is long enough.
    pub fn u8(&self, at: usize) -> Option<u8> {
        self.formatted.get(at).copied()
    }

    pub fn u16(&self, at: usize) -> Option<u16> {
        let b = self.formatted.get(at..at + 2)?;
        Some(u16::from_le_bytes([b[0], b[1]]))
    }

    pub fn u32(&self, at: usize) -> Option<u32> {
        let b = self.formatted.get(at..at + 4)?;
        Some(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }

    pub fn u64(&self, at: usize) -> Option<u64> {
        let b = self.formatted.get(at..at + 8)?;
        let mut arr = [0u8; 8];
        arr.copy_from_slice(b);
        Some(u64::from_le_bytes(arr))
    }

    pub fn bytes(&self, at: usize, len: usize) -> Option<&'a [u8]> {
        self.formatted.get(at..at + len)
    }

    /// The string referenced by the string-number byte at `at`: `None` for number 0, a missing
    /// field, an index past the string set, a string of erased flash (all `0xFF`) or blanks, and
    /// a vendor's placeholder ("To be filled by O.E.M.", "Default string", see
    /// [`super::decode::real`]), so no string the report or certificate shows is one.
    pub fn string(&self, at: usize) -> Option<String> {
        let index = usize::from(self.u8(at)?);
        let raw = self.strings.get(index.checked_sub(1)?)?;
        if raw.iter().all(|b| matches!(b, 0xFF | b' ' | b'\t')) {
            return None;
        }
        let text = String::from_utf8_lossy(raw).trim().to_string();
        super::decode::real((!text.is_empty()).then_some(text))
    }
}

/// Result of a walk: every structure read, and the problem that stopped the walk early, if any.
#[derive(Debug)]
pub struct Walk<'a> {
    pub structures: Vec<RawStructure<'a>>,
    pub stopped_by: Option<SmbiosError>,
}

/// Walks `table` until the end-of-table structure (type 127), the end of the buffer, `max_count`
/// structures, or a malformed structure (which ends the walk and is returned in `stopped_by`).
pub fn walk(table: &[u8], max_count: Option<u16>) -> Walk<'_> {
    let mut structures = Vec::new();
    let mut offset = 0usize;
    let stopped_by = loop {
        if max_count.is_some_and(|max| structures.len() >= usize::from(max)) {
            break None;
        }
        if offset >= table.len() {
            break None;
        }
        match read_one(table, offset) {
            Ok((structure, next)) => {
                let end = structure.kind == 127;
                structures.push(structure);
                offset = next;
                if end {
                    break None;
                }
            }
            Err(err) => break Some(err),
        }
    };
    Walk {
        structures,
        stopped_by,
    }
}

fn read_one(table: &[u8], offset: usize) -> Result<(RawStructure<'_>, usize), SmbiosError> {
    let rest = &table[offset..];
    if rest.len() < 4 {
        return Err(SmbiosError::StructureOverrun {
            offset,
            needed: 4,
            available: rest.len(),
        });
    }
    let kind = rest[0];
    let length = usize::from(rest[1]);
    let handle = u16::from_le_bytes([rest[2], rest[3]]);
    if length < 4 {
        return Err(SmbiosError::StructureLength { offset, length });
    }
    if rest.len() < length {
        return Err(SmbiosError::StructureOverrun {
            offset,
            needed: length,
            available: rest.len(),
        });
    }
    let formatted = &rest[..length];
    let string_area = &rest[length..];
    let terminator = string_area
        .windows(2)
        .position(|w| w == [0, 0])
        .ok_or(SmbiosError::UnterminatedStrings { offset })?;
    let strings = if terminator == 0 {
        Vec::new()
    } else {
        string_area[..terminator].split(|b| *b == 0).collect()
    };
    let next = offset + length + terminator + 2;
    Ok((
        RawStructure {
            kind,
            handle,
            formatted,
            strings,
        },
        next,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn walks_strings_and_stops_at_end_of_table() {
        let table = [
            &[1u8, 8, 0x01, 0x00, 1, 2, 0, 0][..],
            b"Acme\0Box\0\0",
            &[127, 4, 0xFF, 0xFF, 0, 0],
            &[9, 9, 9],
        ]
        .concat();
        let walk = walk(&table, None);
        assert!(walk.stopped_by.is_none());
        assert_eq!(walk.structures.len(), 2);
        let s = &walk.structures[0];
        assert_eq!((s.kind, s.handle), (1, 1));
        assert_eq!(s.string(4).as_deref(), Some("Acme"));
        assert_eq!(s.string(5).as_deref(), Some("Box"));
        assert_eq!(s.string(6), None, "string number 0 means no string");
        assert_eq!(s.string(60), None, "offset past the formatted area");
        let table = [
            &[1u8, 9, 0x01, 0x00, 1, 2, 3, 4, 5][..],
            b"\xff\xff\xff\xff\0   \0To Be Filled By O.E.M.\0Default string\0PF1A2B3C\0\0",
        ]
        .concat();
        let placeholders = super::walk(&table, None);
        let p = &placeholders.structures[0];
        assert_eq!(p.string(4), None, "erased flash");
        assert_eq!(p.string(5), None, "blanks");
        assert_eq!(p.string(6), None, "placeholder");
        assert_eq!(p.string(7), None, "placeholder");
        assert_eq!(p.string(8).as_deref(), Some("PF1A2B3C"));
        assert_eq!(s.u16(6), Some(0));
        assert_eq!(s.u32(6), None);
    }

    #[test]
    fn structure_running_past_the_end_is_reported() {
        let table = [1u8, 0x40, 0, 0, 1, 2, 3];
        let walk = walk(&table, None);
        assert!(walk.structures.is_empty());
        assert!(matches!(
            walk.stopped_by,
            Some(SmbiosError::StructureOverrun {
                offset: 0,
                needed: 0x40,
                available: 7
            })
        ));
    }

    #[test]
    fn unterminated_strings_and_short_headers_are_reported() {
        let table = [1u8, 4, 0, 0, b'a', 0];
        assert!(matches!(
            walk(&table, None).stopped_by,
            Some(SmbiosError::UnterminatedStrings { offset: 0 })
        ));
        let table = [1u8, 2, 0, 0, 0, 0];
        assert!(matches!(
            walk(&table, None).stopped_by,
            Some(SmbiosError::StructureLength { length: 2, .. })
        ));
        let table = [127u8, 4, 0, 0, 0, 0, 1, 2];
        assert!(walk(&table, None).stopped_by.is_none());
        let table = [1u8, 4, 0, 0, 0, 0, 1, 2];
        assert!(matches!(
            walk(&table, None).stopped_by,
            Some(SmbiosError::StructureOverrun { offset: 6, .. })
        ));
    }
}
