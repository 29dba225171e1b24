//! SCSI commands and sense data (SCSI Primary Commands 5, "SPC-5"; SCSI Block Commands 4,
//! "SBC-4"). Pure functions: no I/O here.

use std::time::Duration;

use super::{ScsiCommand, ScsiOutput};

pub const STATUS_GOOD: u8 = 0x00;
pub const STATUS_CHECK_CONDITION: u8 = 0x02;

pub const SENSE_NO_SENSE: u8 = 0x0;
pub const SENSE_RECOVERED_ERROR: u8 = 0x1;
pub const SENSE_NOT_READY: u8 = 0x2;
pub const SENSE_MEDIUM_ERROR: u8 = 0x3;
pub const SENSE_ILLEGAL_REQUEST: u8 = 0x5;
pub const SENSE_ABORTED_COMMAND: u8 = 0xB;

const OP_REQUEST_SENSE: u8 = 0x03;
const OP_INQUIRY: u8 = 0x12;
const OP_SANITIZE: u8 = 0x48;
const OP_MAINTENANCE_IN: u8 = 0xA3;
const SA_REPORT_SUPPORTED_OPCODES: u8 = 0x0C;

const SHORT: Duration = Duration::from_secs(15);

/// Standard INQUIRY (SPC-5 6.7), 96 bytes.
pub fn inquiry() -> ScsiCommand {
    ScsiCommand {
        cdb: vec![OP_INQUIRY, 0, 0, 0, 96, 0],
        timeout: SHORT,
    }
}

/// REQUEST SENSE (SPC-5 6.39), descriptor format, 252 bytes.
pub fn request_sense() -> ScsiCommand {
    ScsiCommand {
        cdb: vec![OP_REQUEST_SENSE, 1, 0, 0, 252, 0],
        timeout: SHORT,
    }
}

/// SANITIZE service actions (SBC-4 5.30, table 120).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SanitizeAction {
    Overwrite = 0x01,
    BlockErase = 0x02,
    CryptoErase = 0x03,
    ExitFailureMode = 0x1F,
}

/// SANITIZE with IMMED set (returns at once; progress through REQUEST SENSE) and AUSE as given;
/// for overwrite, `param_len` is the length of the parameter list sent with it.
pub fn sanitize(action: SanitizeAction, ause: bool, param_len: u16) -> ScsiCommand {
    let mut byte1 = 0x80 | action as u8;
    if ause {
        byte1 |= 0x20;
    }
    let [hi, lo] = param_len.to_be_bytes();
    ScsiCommand {
        cdb: vec![OP_SANITIZE, byte1, 0, 0, 0, 0, 0, hi, lo, 0],
        timeout: Duration::from_secs(60),
    }
}

/// The parameter list of SANITIZE OVERWRITE (SBC-4 table 122): one pass of a 4-byte pattern.
pub fn overwrite_parameters(pattern: u32) -> Vec<u8> {
    let mut p = vec![0x01, 0, 0, 4];
    p.extend_from_slice(&pattern.to_be_bytes());
    p
}

/// REPORT SUPPORTED OPERATION CODES for one opcode and service action (SPC-5 6.35, reporting
/// options 010b), 16 bytes of answer.
pub fn report_supported(opcode: u8, service_action: u16) -> ScsiCommand {
    let [sh, sl] = service_action.to_be_bytes();
    ScsiCommand {
        cdb: vec![
            OP_MAINTENANCE_IN,
            SA_REPORT_SUPPORTED_OPCODES,
            0x02,
            opcode,
            sh,
            sl,
            0,
            0,
            0,
            16,
            0,
            0,
        ],
        timeout: SHORT,
    }
}

/// The SANITIZE opcode, for [`report_supported`].
pub const SANITIZE_OPCODE: u8 = OP_SANITIZE;

/// The SUPPORT field of a one-command REPORT SUPPORTED OPERATION CODES answer (SPC-5 table 263,
/// byte 1 bits 2:0): 011b and 101b mean supported.
pub fn opcode_supported(answer: &[u8]) -> bool {
    answer
        .get(1)
        .is_some_and(|b| matches!(b & 0x07, 0b011 | 0b101))
}

/// Standard INQUIRY data (SPC-5 table 148).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Inquiry {
    /// Peripheral device type (byte 0 bits 4:0): 0 direct access block device.
    pub device_type: u8,
    pub vendor: String,
    pub product: String,
    pub revision: String,
}

impl Inquiry {
    pub fn decode(buf: &[u8]) -> Option<Self> {
        if buf.len() < 36 {
            return None;
        }
        let text = |r: std::ops::Range<usize>| {
            String::from_utf8_lossy(&buf[r])
                .trim_matches(|c: char| c == ' ' || c == '\0')
                .to_owned()
        };
        Some(Self {
            device_type: buf[0] & 0x1F,
            vendor: text(8..16),
            product: text(16..32),
            revision: text(32..36),
        })
    }
}

/// Sense data, fixed (70h/71h) or descriptor (72h/73h) format (SPC-5 4.4).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sense {
    pub key: u8,
    pub asc: u8,
    pub ascq: u8,
    /// Progress indication from the sense-key specific field (SKSV set, NOT READY or NO SENSE),
    /// as a fraction of 65536.
    pub progress: Option<u16>,
    /// Descriptors, for descriptor format (each with its 2-byte header).
    pub descriptors: Vec<Vec<u8>>,
    /// Bytes 3 to 11 of fixed format (the information and command-specific fields), where
    /// SAT puts ATA registers for a fixed-format answer.
    pub fixed_info: Option<[u8; 9]>,
}

impl Sense {
    pub fn decode(buf: &[u8]) -> Option<Self> {
        let code = buf.first()? & 0x7F;
        match code {
            0x70 | 0x71 => {
                if buf.len() < 14 {
                    return None;
                }
                let progress = (buf.len() >= 18 && buf[15] & 0x80 != 0)
                    .then(|| u16::from_be_bytes([buf[16], buf[17]]));
                let mut info = [0u8; 9];
                info.copy_from_slice(&buf[3..12]);
                Some(Self {
                    key: buf[2] & 0x0F,
                    asc: buf[12],
                    ascq: buf[13],
                    progress,
                    descriptors: Vec::new(),
                    fixed_info: Some(info),
                })
            }
            0x72 | 0x73 => {
                if buf.len() < 8 {
                    return None;
                }
                let end = (8 + usize::from(buf[7])).min(buf.len());
                let mut descriptors = Vec::new();
                let mut at = 8;
                while at + 2 <= end {
                    let len = 2 + usize::from(buf[at + 1]);
                    let Some(d) = buf.get(at..(at + len).min(end)) else {
                        break;
                    };
                    descriptors.push(d.to_vec());
                    at += len;
                }
                // Sense key specific descriptor (type 02h, SPC-5 4.4.2.4): SKSV in byte 4.
                let progress = descriptors
                    .iter()
                    .find(|d| d[0] == 0x02 && d.len() >= 7 && d[4] & 0x80 != 0)
                    .map(|d| u16::from_be_bytes([d[5], d[6]]));
                Some(Self {
                    key: buf[1] & 0x0F,
                    asc: buf[2],
                    ascq: buf[3],
                    progress,
                    descriptors,
                    fixed_info: None,
                })
            }
            _ => None,
        }
    }

    pub fn descriptor(&self, kind: u8) -> Option<&[u8]> {
        self.descriptors
            .iter()
            .find(|d| d[0] == kind)
            .map(Vec::as_slice)
    }

    /// NOT READY, 04h/1Bh: a sanitize is in progress (SPC-5 annex F).
    pub fn sanitize_in_progress(&self) -> bool {
        self.key == SENSE_NOT_READY && self.asc == 0x04 && self.ascq == 0x1B
    }

    /// 31h/03h: SANITIZE COMMAND FAILED.
    pub fn sanitize_failed(&self) -> bool {
        self.asc == 0x31 && self.ascq == 0x03
    }
}

/// A SCSI outcome in plain words.
pub fn status_text(out: &ScsiOutput) -> String {
    match out.status {
        STATUS_GOOD => "success".to_owned(),
        STATUS_CHECK_CONDITION => match Sense::decode(&out.sense) {
            Some(s) => format!(
                "check condition ({}, ASC/ASCQ {:02X}h/{:02X}h)",
                key_name(s.key),
                s.asc,
                s.ascq
            ),
            None => "check condition (no sense data)".to_owned(),
        },
        other => format!("SCSI status {other:#04x}"),
    }
}

fn key_name(key: u8) -> &'static str {
    match key {
        SENSE_NO_SENSE => "no sense",
        SENSE_RECOVERED_ERROR => "recovered error",
        SENSE_NOT_READY => "not ready",
        SENSE_MEDIUM_ERROR => "medium error",
        0x4 => "hardware error",
        SENSE_ILLEGAL_REQUEST => "illegal request",
        0x6 => "unit attention",
        0x7 => "data protect",
        SENSE_ABORTED_COMMAND => "aborted command",
        _ => "sense key",
    }
}

/// Builds descriptor-format sense data with the given key, ASC/ASCQ and descriptors. For
/// simulators and fixtures.
pub fn descriptor_sense(key: u8, asc: u8, ascq: u8, descriptors: &[&[u8]]) -> Vec<u8> {
    let body: Vec<u8> = descriptors.iter().flat_map(|d| d.iter().copied()).collect();
    let mut s = vec![0x72, key, asc, ascq, 0, 0, 0, body.len() as u8];
    s.extend(body);
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inquiry_strings() {
        let mut b = vec![0u8; 96];
        b[8..16].copy_from_slice(b"SEAGATE ");
        b[16..32].copy_from_slice(b"ST4000NM0023    ");
        b[32..36].copy_from_slice(b"0004");
        let i = Inquiry::decode(&b).unwrap();
        assert_eq!(
            (
                i.device_type,
                i.vendor.as_str(),
                i.product.as_str(),
                i.revision.as_str()
            ),
            (0, "SEAGATE", "ST4000NM0023", "0004")
        );
        assert!(Inquiry::decode(&b[..20]).is_none());
    }

    #[test]
    fn sense_fixed_with_progress() {
        // NOT READY, 04h/1Bh, SKSV with progress 0x4000 (25 %).
        let mut b = vec![0u8; 18];
        b[0] = 0x70;
        b[2] = SENSE_NOT_READY;
        b[7] = 10;
        b[12] = 0x04;
        b[13] = 0x1B;
        b[15] = 0x80;
        b[16] = 0x40;
        let s = Sense::decode(&b).unwrap();
        assert!(s.sanitize_in_progress());
        assert_eq!(s.progress, Some(0x4000));
    }

    #[test]
    fn sense_descriptor_format() {
        let sks = [0x02, 0x06, 0, 0, 0x80, 0x80, 0x00, 0];
        let b = descriptor_sense(SENSE_MEDIUM_ERROR, 0x31, 0x03, &[&sks]);
        let s = Sense::decode(&b).unwrap();
        assert!(s.sanitize_failed());
        assert_eq!(s.progress, Some(0x8000));
        assert!(s.descriptor(0x02).is_some() && s.descriptor(0x09).is_none());
        let out = ScsiOutput {
            status: STATUS_CHECK_CONDITION,
            sense: b,
        };
        assert_eq!(
            status_text(&out),
            "check condition (medium error, ASC/ASCQ 31h/03h)"
        );
    }

    #[test]
    fn sanitize_cdbs() {
        let c = sanitize(SanitizeAction::CryptoErase, false, 0);
        assert_eq!(c.cdb, vec![0x48, 0x83, 0, 0, 0, 0, 0, 0, 0, 0]);
        let c = sanitize(SanitizeAction::Overwrite, true, 8);
        assert_eq!((c.cdb[1], c.cdb[8]), (0xA1, 8));
        assert_eq!(
            overwrite_parameters(0x0102_0304),
            vec![1, 0, 0, 4, 1, 2, 3, 4]
        );
        assert!(opcode_supported(&[0, 0x03]) && !opcode_supported(&[0, 0x01]));
    }
}
