//! ACPI licence tables: `MSDM` (Microsoft Software Licensing table, Windows 8+ OEM product key) and
//! `SLIC` (Software Licensing Description table, Windows Vista/7 OEM activation), from raw bytes.
//!
//! Both start with the standard 36-byte ACPI description header (ACPI 6.5 §5.2.6). A table is only
//! trusted when its declared length matches the bytes and all bytes sum to zero.

use std::fmt;

use serde::{Deserialize, Serialize};

/// The standard ACPI description header length.
pub const HEADER_LEN: usize = 36;
/// MSDM data: version, reserved, data type, data reserved, data length (5 × u32), then the key.
const MSDM_DATA_OFFSET: usize = HEADER_LEN + 20;

/// What can be wrong with an ACPI table (serialized in the audit document as `{"kind": ...}`
/// with the variant's fields, so front ends word it in their language).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[non_exhaustive]
pub enum AcpiError {
    /// The table's file exists but cannot be read (`detail`: the I/O error).
    #[error("unreadable: {detail}")]
    Unreadable { detail: String },
    #[error("table truncated: {len} bytes, the 36-byte ACPI header does not fit")]
    Truncated { len: usize },
    #[error("signature is {found:?}, expected {expected:?}")]
    Signature { expected: String, found: String },
    #[error("header declares {declared} bytes but the table has {actual}")]
    Length { declared: u32, actual: usize },
    #[error("checksum does not add up to zero (sum is {sum:#04x})")]
    Checksum { sum: u8 },
    #[error("MSDM data length {declared} does not fit in the {available} bytes after the header")]
    MsdmData { declared: u32, available: usize },
    #[error("MSDM product key is not of the form XXXXX-XXXXX-XXXXX-XXXXX-XXXXX")]
    KeyFormat,
    /// The key field is empty, all 0x00, all 0xFF or blanks: the firmware carries no key.
    #[error("MSDM carries no product key (the key field is blank)")]
    BlankKey,
}

/// The fields of the ACPI description header.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Header {
    pub signature: String,
    pub length: u32,
    pub revision: u8,
    pub oem_id: String,
    pub oem_table_id: String,
    pub oem_revision: u32,
    pub creator_id: String,
    pub creator_revision: u32,
}

/// A fixed-width ACPI text field: printable ASCII, padded with NUL or spaces. A field with any
/// other byte (an erased `0xFF` field, garbage) is unknown: empty, never U+FFFD.
fn text(bytes: &[u8]) -> String {
    let trimmed = match bytes.iter().rposition(|b| *b != 0 && *b != b' ') {
        Some(end) => &bytes[..=end],
        None => return String::new(),
    };
    if trimmed.iter().all(|b| (0x20..0x7f).contains(b)) {
        String::from_utf8_lossy(trimmed).into_owned()
    } else {
        String::new()
    }
}

fn u32_at(b: &[u8], at: usize) -> u32 {
    u32::from_le_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]])
}

/// Validates the header of `bytes` (signature, length, checksum) and returns it.
pub fn parse_header(bytes: &[u8], signature: &str) -> Result<Header, AcpiError> {
    if bytes.len() < HEADER_LEN {
        return Err(AcpiError::Truncated { len: bytes.len() });
    }
    let found = text(&bytes[0..4]);
    if found != signature {
        return Err(AcpiError::Signature {
            expected: signature.to_string(),
            found,
        });
    }
    let length = u32_at(bytes, 4);
    if usize::try_from(length).ok() != Some(bytes.len()) {
        return Err(AcpiError::Length {
            declared: length,
            actual: bytes.len(),
        });
    }
    let sum = bytes.iter().fold(0u8, |s, b| s.wrapping_add(*b));
    if sum != 0 {
        return Err(AcpiError::Checksum { sum });
    }
    Ok(Header {
        signature: found,
        length,
        revision: bytes[8],
        oem_id: text(&bytes[10..16]),
        oem_table_id: text(&bytes[16..24]),
        oem_revision: u32_at(bytes, 24),
        creator_id: text(&bytes[28..32]),
        creator_revision: u32_at(bytes, 32),
    })
}

/// A Windows product key. `Debug` and `Display` show it masked; the full key is only reachable
/// through [`ProductKey::reveal`].
#[derive(Clone, PartialEq, Eq)]
pub struct ProductKey(String);

impl ProductKey {
    /// Accepts `XXXXX-XXXXX-XXXXX-XXXXX-XXXXX` (ASCII letters and digits).
    pub fn new(key: &str) -> Result<Self, AcpiError> {
        let groups: Vec<&str> = key.split('-').collect();
        let ok = groups.len() == 5
            && groups
                .iter()
                .all(|g| g.len() == 5 && g.bytes().all(|b| b.is_ascii_alphanumeric()));
        if ok {
            Ok(Self(key.to_string()))
        } else {
            Err(AcpiError::KeyFormat)
        }
    }

    /// The key with every character but the last five replaced by `X`: `XXXXX-XXXXX-XXXXX-XXXXX-3V66T`.
    pub fn masked(&self) -> String {
        let keep_from = self.0.len().saturating_sub(5);
        self.0
            .char_indices()
            .map(|(i, c)| if i >= keep_from || c == '-' { c } else { 'X' })
            .collect()
    }

    /// BLAKE3 of the key's 29 ASCII bytes, as lower-case hex: lets the registry match keys without storing them.
    pub fn blake3_hex(&self) -> String {
        blake3::hash(self.0.as_bytes()).to_hex().to_string()
    }

    /// The full key. Only for an explicit `--show-key`.
    pub fn reveal(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for ProductKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ProductKey({})", self.masked())
    }
}

impl fmt::Display for ProductKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.masked())
    }
}

/// A validated MSDM table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Msdm {
    pub header: Header,
    pub version: u32,
    pub data_type: u32,
    pub key: ProductKey,
}

/// Parses an MSDM table (Microsoft "Software Licensing Tables (SLIC and MSDM)", 2011).
pub fn parse_msdm(bytes: &[u8]) -> Result<Msdm, AcpiError> {
    let header = parse_header(bytes, "MSDM")?;
    let available = bytes.len().saturating_sub(MSDM_DATA_OFFSET);
    if bytes.len() < MSDM_DATA_OFFSET {
        return Err(AcpiError::MsdmData {
            declared: 0,
            available,
        });
    }
    let declared = u32_at(bytes, HEADER_LEN + 16);
    let data_len = usize::try_from(declared)
        .ok()
        .filter(|len| *len <= available)
        .ok_or(AcpiError::MsdmData {
            declared,
            available,
        })?;
    let data = &bytes[MSDM_DATA_OFFSET..MSDM_DATA_OFFSET + data_len];
    if data.iter().all(|b| matches!(b, 0 | 0xFF | b' ')) {
        return Err(AcpiError::BlankKey);
    }
    let key = std::str::from_utf8(data)
        .map_err(|_| AcpiError::KeyFormat)?
        .trim_end_matches('\0')
        .trim();
    Ok(Msdm {
        header,
        version: u32_at(bytes, HEADER_LEN),
        data_type: u32_at(bytes, HEADER_LEN + 8),
        key: ProductKey::new(key)?,
    })
}

/// A validated SLIC table; the OEM ID and table ID must match the SLIC marker of the OEM's
/// Windows 7 certificate for activation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Slic {
    pub header: Header,
    /// Why the table cannot activate anything although its header is valid (a blank body, no
    /// OEM public key, no marker); `None` when both structures are there.
    pub defect: Option<SlicDefect>,
}

/// Why a SLIC table with a valid header cannot activate anything.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum SlicDefect {
    HeaderOnly,
    Blank,
    TooShort,
    NoPublicKey,
    NoMarker,
}

impl fmt::Display for SlicDefect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::HeaderOnly => "header only: no OEM public key and no SLIC marker",
            Self::Blank => "blank body (all bytes 0x00 or 0xFF)",
            Self::TooShort => "too short for the OEM public key and the SLIC marker",
            Self::NoPublicKey => "no OEM public key (RSA1) where the table needs one",
            Self::NoMarker => "no SLIC marker (WINDOWS) where the table needs one",
        })
    }
}

/// SLIC body layout ("Software Licensing Tables (SLIC and MSDM)", Microsoft): the OEM public
/// key structure (type 0, 156 bytes: ... magic "RSA1" at offset 16) and the SLIC marker
/// structure (type 1, 182 bytes: ... "WINDOWS " at offset 26).
const SLIC_KEY_LEN: usize = 156;
const SLIC_MARKER_LEN: usize = 182;

fn slic_defect(body: &[u8]) -> Option<SlicDefect> {
    if body.is_empty() {
        return Some(SlicDefect::HeaderOnly);
    }
    if body.iter().all(|b| *b == 0) || body.iter().all(|b| *b == 0xff) {
        return Some(SlicDefect::Blank);
    }
    if body.len() < SLIC_KEY_LEN + SLIC_MARKER_LEN {
        return Some(SlicDefect::TooShort);
    }
    let (key, marker) = body.split_at(SLIC_KEY_LEN);
    if u32_at(key, 0) != 0 || &key[16..20] != b"RSA1" {
        return Some(SlicDefect::NoPublicKey);
    }
    if u32_at(marker, 0) != 1 || &marker[26..34] != b"WINDOWS " {
        return Some(SlicDefect::NoMarker);
    }
    None
}

/// Parses a SLIC table: the header is validated; the public key and marker structures are
/// checked for presence (a blank or truncated body cannot activate anything), not decoded.
pub fn parse_slic(bytes: &[u8]) -> Result<Slic, AcpiError> {
    let header = parse_header(bytes, "SLIC")?;
    Ok(Slic {
        header,
        defect: slic_defect(&bytes[HEADER_LEN..]),
    })
}

/// Builds a table with a valid checksum around `body` (used by tests and the fixture generator's checks).
pub fn build_table(
    signature: &[u8; 4],
    oem_id: &[u8; 6],
    oem_table_id: &[u8; 8],
    body: &[u8],
) -> Vec<u8> {
    let len = HEADER_LEN + body.len();
    let mut t = Vec::with_capacity(len);
    t.extend_from_slice(signature);
    t.extend_from_slice(&u32::try_from(len).unwrap_or(u32::MAX).to_le_bytes());
    t.push(1);
    t.push(0);
    t.extend_from_slice(oem_id);
    t.extend_from_slice(oem_table_id);
    t.extend_from_slice(&1u32.to_le_bytes());
    t.extend_from_slice(b"TBLA");
    t.extend_from_slice(&1u32.to_le_bytes());
    t.extend_from_slice(body);
    let sum = t.iter().fold(0u8, |s, b| s.wrapping_add(*b));
    t[9] = 0u8.wrapping_sub(sum);
    t
}

/// An MSDM body (version 1, data type 1) carrying `key`.
pub fn msdm_body(key: &str) -> Vec<u8> {
    let mut body = Vec::new();
    for v in [1u32, 0, 1, 0, u32::try_from(key.len()).unwrap_or(0)] {
        body.extend_from_slice(&v.to_le_bytes());
    }
    body.extend_from_slice(key.as_bytes());
    body
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "TABUL-AAAAA-BBBBB-CCCCC-3V66T";

    fn msdm() -> Vec<u8> {
        build_table(b"MSDM", b"LENOVO", b"CB-01   ", &msdm_body(KEY))
    }

    #[test]
    fn valid_msdm_gives_key_mask_and_digest() {
        let t = parse_msdm(&msdm()).unwrap();
        assert_eq!(t.header.length, 85);
        assert_eq!(t.header.oem_id, "LENOVO");
        assert_eq!(t.header.oem_table_id, "CB-01");
        assert_eq!(t.key.reveal(), KEY);
        assert_eq!(t.key.masked(), "XXXXX-XXXXX-XXXXX-XXXXX-3V66T");
        assert_eq!(
            format!("{:?}", t.key),
            "ProductKey(XXXXX-XXXXX-XXXXX-XXXXX-3V66T)"
        );
        assert_eq!(
            t.key.blake3_hex(),
            blake3::hash(KEY.as_bytes()).to_hex().to_string()
        );
    }

    #[test]
    fn malformed_msdm_is_rejected() {
        let good = msdm();
        let mut bad_sum = good.clone();
        bad_sum[60] ^= 0x01;
        assert!(matches!(
            parse_msdm(&bad_sum),
            Err(AcpiError::Checksum { .. })
        ));
        let mut bad_len = good.clone();
        bad_len[4] = 200;
        assert!(matches!(
            parse_msdm(&bad_len),
            Err(AcpiError::Length {
                declared: 200,
                actual: 85
            })
        ));
        assert!(matches!(
            parse_msdm(&good[..20]),
            Err(AcpiError::Truncated { len: 20 })
        ));
        assert!(matches!(
            parse_msdm(&good[..70]),
            Err(AcpiError::Length { .. })
        ));
        let mut huge_data = msdm_body(KEY);
        huge_data[16] = 0xFF;
        let t = build_table(b"MSDM", b"OEMOEM", b"TABLE   ", &huge_data);
        assert!(matches!(
            parse_msdm(&t),
            Err(AcpiError::MsdmData {
                declared: 0xFF,
                available: 29
            })
        ));
        let t = build_table(b"MSDM", b"OEMOEM", b"TABLE   ", &msdm_body("not-a-key"));
        assert!(matches!(parse_msdm(&t), Err(AcpiError::KeyFormat)));
        // Blank key fields (erased flash, zeros, an empty key) carry no key at all.
        for blank in ["", "\0\0\0\0\0", "                             "] {
            let t = build_table(b"MSDM", b"OEMOEM", b"TABLE   ", &msdm_body(blank));
            assert_eq!(
                parse_msdm(&t).unwrap_err(),
                AcpiError::BlankKey,
                "{blank:?}"
            );
        }
        let mut erased = msdm_body(KEY);
        let key_at = erased.len() - KEY.len();
        erased[key_at..].fill(0xFF);
        let t = build_table(b"MSDM", b"OEMOEM", b"TABLE   ", &erased);
        assert_eq!(parse_msdm(&t).unwrap_err(), AcpiError::BlankKey);
        assert!(matches!(
            parse_msdm(&build_table(b"SLIC", b"A     ", b"B       ", &[])),
            Err(AcpiError::Signature { .. })
        ));
    }

    #[test]
    fn slic_header() {
        let t = build_table(b"SLIC", b"DELL  ", b"PE_SC3  ", &slic_body());
        let s = parse_slic(&t).unwrap();
        assert_eq!(
            (
                s.header.oem_id.as_str(),
                s.header.oem_table_id.as_str(),
                s.header.length
            ),
            ("DELL", "PE_SC3", 374)
        );
        assert_eq!(s.defect, None);
    }

    /// An OEM public key structure and a SLIC marker as the specification lays them out
    /// (invented key and signature bytes).
    fn slic_body() -> Vec<u8> {
        let mut key = Vec::new();
        key.extend_from_slice(&0u32.to_le_bytes());
        key.extend_from_slice(&156u32.to_le_bytes());
        key.extend_from_slice(&[0x06, 0x02, 0, 0, 0, 0x24, 0, 0]);
        key.extend_from_slice(b"RSA1");
        key.resize(156, 0x5a);
        let mut marker = Vec::new();
        marker.extend_from_slice(&1u32.to_le_bytes());
        marker.extend_from_slice(&182u32.to_le_bytes());
        marker.extend_from_slice(&0x0002_0001u32.to_le_bytes());
        marker.extend_from_slice(b"DELL  PE_SC3  WINDOWS ");
        marker.resize(182, 0xa5);
        key.extend(marker);
        key
    }

    #[test]
    fn blank_or_hollow_slic_bodies_cannot_activate_anything() {
        let defect = |body: &[u8]| {
            parse_slic(&build_table(b"SLIC", b"DELL  ", b"PE_SC3  ", body))
                .unwrap()
                .defect
        };
        assert_eq!(defect(&[]), Some(SlicDefect::HeaderOnly));
        assert_eq!(defect(&[0u8; 338]), Some(SlicDefect::Blank));
        assert_eq!(defect(&[0xffu8; 338]), Some(SlicDefect::Blank));
        assert_eq!(defect(&slic_body()[..200]), Some(SlicDefect::TooShort));
        let mut no_key = slic_body();
        no_key[16..20].copy_from_slice(b"XXXX");
        assert_eq!(defect(&no_key), Some(SlicDefect::NoPublicKey));
        let mut no_marker = slic_body();
        no_marker[156 + 26..156 + 34].copy_from_slice(b"LINUX   ");
        assert_eq!(defect(&no_marker), Some(SlicDefect::NoMarker));
        assert!(SlicDefect::Blank.to_string().contains("blank"));
    }

    #[test]
    fn unreadable_oem_ids_are_unknown_not_replacement_characters() {
        let t = build_table(b"SLIC", &[0xff; 6], b"PE\xffSC3  ", &slic_body());
        let s = parse_slic(&t).unwrap();
        assert_eq!(s.header.oem_id, "");
        assert_eq!(s.header.oem_table_id, "");
        let t = build_table(b"SLIC", b"HPQ\0\0\0", b"SLIC-BPC", &slic_body());
        assert_eq!(parse_slic(&t).unwrap().header.oem_id, "HPQ");
    }
}
