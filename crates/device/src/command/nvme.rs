//! NVMe admin commands and the decoders of what they return (NVM Express Base Specification 2.0,
//! "Base"; NVM Command Set Specification 1.0, "NVM-CS"). Pure functions: no I/O here.

use std::time::Duration;

use super::NvmeAdmin;

/// Admin opcodes (Base figure 84).
pub const OP_GET_LOG_PAGE: u8 = 0x02;
pub const OP_IDENTIFY: u8 = 0x06;
pub const OP_FORMAT_NVM: u8 = 0x80;
pub const OP_SANITIZE: u8 = 0x84;

/// Log page identifier of the Sanitize Status log (Base 5.16.1.25).
pub const LOG_SANITIZE_STATUS: u8 = 0x81;
/// Length of the Sanitize Status log page in bytes (Base figure 287).
pub const SANITIZE_LOG_LEN: usize = 512;
/// Length of an Identify data structure (Base 5.17).
pub const IDENTIFY_LEN: usize = 4096;

/// The namespace identifier meaning "every namespace" (Base 3.2.1.2).
pub const NSID_ALL: u32 = 0xFFFF_FFFF;

const IDENTIFY_TIMEOUT: Duration = Duration::from_secs(10);

/// Identify, CNS 01h: the controller data structure (Base figure 275).
pub fn identify_controller() -> NvmeAdmin {
    NvmeAdmin {
        opcode: OP_IDENTIFY,
        cdw10: 0x01,
        timeout: IDENTIFY_TIMEOUT,
        ..NvmeAdmin::default()
    }
}

/// Identify, CNS 00h: the namespace data structure of `nsid` (NVM-CS figure 97).
pub fn identify_namespace(nsid: u32) -> NvmeAdmin {
    NvmeAdmin {
        opcode: OP_IDENTIFY,
        nsid,
        cdw10: 0x00,
        timeout: IDENTIFY_TIMEOUT,
        ..NvmeAdmin::default()
    }
}

/// Get Log Page for the Sanitize Status log (Base figure 197: CDW10 bits 07:00 LID, bits 31:16
/// NUMDL, the number of dwords minus one).
pub fn get_sanitize_log() -> NvmeAdmin {
    let numdl = (SANITIZE_LOG_LEN / 4 - 1) as u32;
    NvmeAdmin {
        opcode: OP_GET_LOG_PAGE,
        nsid: NSID_ALL,
        cdw10: u32::from(LOG_SANITIZE_STATUS) | (numdl << 16),
        timeout: IDENTIFY_TIMEOUT,
        ..NvmeAdmin::default()
    }
}

/// Secure Erase Settings of Format NVM (Base figure 320, CDW10 bits 11:09).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SecureErase {
    None = 0,
    UserData = 1,
    Crypto = 2,
}

/// Format NVM of `nsid`, keeping LBA format `lbaf` (Base figure 320: bits 03:00 LBAF, bits
/// 13:12 LBAFU, bits 11:09 SES; metadata and protection settings left at 0).
pub fn format_nvm(nsid: u32, lbaf: u8, ses: SecureErase, timeout: Duration) -> NvmeAdmin {
    let lbaf = u32::from(lbaf);
    NvmeAdmin {
        opcode: OP_FORMAT_NVM,
        nsid,
        cdw10: (lbaf & 0x0F) | ((lbaf >> 4) & 0x03) << 12 | (ses as u32) << 9,
        timeout,
        ..NvmeAdmin::default()
    }
}

/// Sanitize Action (Base figure 372, CDW10 bits 02:00).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SanitizeAction {
    ExitFailureMode = 1,
    BlockErase = 2,
    Overwrite = 3,
    CryptoErase = 4,
}

/// Sanitize (Base figure 372: bits 02:00 SANACT, bit 03 AUSE, bits 07:04 OWPASS, bit 09 NDAS;
/// CDW11 the 32-bit overwrite pattern). Overwrite uses one pass.
pub fn sanitize(action: SanitizeAction, ause: bool, no_dealloc: bool, pattern: u32) -> NvmeAdmin {
    let mut cdw10 = action as u32;
    if ause {
        cdw10 |= 1 << 3;
    }
    if action == SanitizeAction::Overwrite {
        cdw10 |= 1 << 4;
    }
    if no_dealloc {
        cdw10 |= 1 << 9;
    }
    NvmeAdmin {
        opcode: OP_SANITIZE,
        nsid: 0,
        cdw10,
        cdw11: if action == SanitizeAction::Overwrite {
            pattern
        } else {
            0
        },
        // Sanitize returns once started (Base 8.21); the operation runs in the background.
        timeout: Duration::from_secs(60),
        ..NvmeAdmin::default()
    }
}

/// The fields of Identify Controller that decide firmware erase (Base figure 275).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdentifyController {
    pub serial: String,
    pub model: String,
    pub firmware: String,
    /// OACS (bytes 257:256).
    pub oacs: u16,
    /// SANICAP (bytes 331:328).
    pub sanicap: u32,
    /// FNA (byte 524).
    pub fna: u8,
    /// NN, number of namespaces (bytes 519:516).
    pub namespaces: u32,
}

impl IdentifyController {
    /// Decodes the 4096-byte Identify Controller data structure.
    pub fn decode(buf: &[u8]) -> Option<Self> {
        if buf.len() < IDENTIFY_LEN {
            return None;
        }
        Some(Self {
            serial: ascii(&buf[4..24]),
            model: ascii(&buf[24..64]),
            firmware: ascii(&buf[64..72]),
            oacs: le16(buf, 256),
            sanicap: le32(buf, 328),
            fna: buf[524],
            namespaces: le32(buf, 516),
        })
    }
    /// OACS bit 1: Format NVM supported.
    pub fn format_supported(&self) -> bool {
        self.oacs & (1 << 1) != 0
    }
    /// OACS bit 2: Firmware Commit / Image Download supported.
    pub fn firmware_download_supported(&self) -> bool {
        self.oacs & (1 << 2) != 0
    }
    /// SANICAP bit 0: Crypto Erase sanitize supported.
    pub fn sanitize_crypto(&self) -> bool {
        self.sanicap & 1 != 0
    }
    /// SANICAP bit 1: Block Erase sanitize supported.
    pub fn sanitize_block(&self) -> bool {
        self.sanicap & (1 << 1) != 0
    }
    /// SANICAP bit 2: Overwrite sanitize supported.
    pub fn sanitize_overwrite(&self) -> bool {
        self.sanicap & (1 << 2) != 0
    }
    /// SANICAP bit 29: No-Deallocate Inhibited (NDAS may not be set).
    pub fn no_dealloc_inhibited(&self) -> bool {
        self.sanicap & (1 << 29) != 0
    }
    /// SANICAP bits 31:30, NODMMAS: whether media is modified after a no-deallocate sanitize
    /// (0 not defined, 1 not modified, 2 modified).
    pub fn nodmmas(&self) -> u8 {
        (self.sanicap >> 30) as u8
    }
    /// FNA bit 0: Format NVM applies to all namespaces.
    pub fn format_all_namespaces(&self) -> bool {
        self.fna & 1 != 0
    }
    /// FNA bit 1: a secure erase by Format NVM applies to all namespaces.
    pub fn erase_all_namespaces(&self) -> bool {
        self.fna & (1 << 1) != 0
    }
    /// FNA bit 2: cryptographic erase is supported as part of Format NVM.
    pub fn format_crypto(&self) -> bool {
        self.fna & (1 << 2) != 0
    }
}

/// The fields of Identify Namespace that a format keeps or checks (NVM-CS figure 97).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IdentifyNamespace {
    /// NSZE, namespace size in logical blocks (bytes 7:0).
    pub size_blocks: u64,
    /// NUSE, namespace utilization in logical blocks (bytes 23:16).
    pub used_blocks: u64,
    /// NSFEAT bit 0 (byte 24): THINP, NUSE reports allocation.
    pub thin: bool,
    /// The LBA format in use, from FLBAS (byte 26: bits 3:0 and, above 16 formats, bits 6:5).
    pub lba_format: u8,
    /// LBADS of that format (LBA format at byte 128 + 4 * index, bits 23:16): log2 of the block
    /// size.
    pub block_size: u32,
}

impl IdentifyNamespace {
    pub fn decode(buf: &[u8]) -> Option<Self> {
        if buf.len() < IDENTIFY_LEN {
            return None;
        }
        let flbas = buf[26];
        let lba_format = (flbas & 0x0F) | ((flbas >> 5) & 0x03) << 4;
        let entry = 128 + 4 * usize::from(lba_format);
        let lbads = buf[entry + 2];
        let block_size = 1u32.checked_shl(u32::from(lbads)).filter(|s| *s >= 512)?;
        Some(Self {
            size_blocks: le64(buf, 0),
            used_blocks: le64(buf, 16),
            thin: buf[24] & 1 != 0,
            lba_format,
            block_size,
        })
    }
}

/// Sanitize Status field, bits 2:0 of SSTAT (Base figure 287).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SanitizeState {
    NeverSanitized,
    Completed,
    InProgress,
    Failed,
    /// Completed with deallocation after a no-deallocate request (value 4).
    CompletedDeallocated,
    Reserved(u8),
}

/// The Sanitize Status log page (Base 5.16.1.25, figure 287).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SanitizeStatus {
    /// SPROG: progress of the running sanitize as a fraction of 65536.
    pub progress: u16,
    pub state: SanitizeState,
    /// SSTAT bits 7:3: overwrite passes completed.
    pub overwrite_passes: u8,
    /// SSTAT bit 8: Global Data Erased (no user data written since the last sanitize or since
    /// manufacture).
    pub global_data_erased: bool,
    /// SCDW10: command dword 10 of the sanitize this status is about.
    pub cdw10: u32,
    /// Estimated seconds for overwrite, block erase and crypto erase (None: not reported).
    pub estimate_overwrite: Option<u32>,
    pub estimate_block: Option<u32>,
    pub estimate_crypto: Option<u32>,
}

impl SanitizeStatus {
    pub fn decode(buf: &[u8]) -> Option<Self> {
        if buf.len() < 32 {
            return None;
        }
        let sstat = le16(buf, 2);
        let state = match sstat & 0x7 {
            0 => SanitizeState::NeverSanitized,
            1 => SanitizeState::Completed,
            2 => SanitizeState::InProgress,
            3 => SanitizeState::Failed,
            4 => SanitizeState::CompletedDeallocated,
            n => SanitizeState::Reserved(n as u8),
        };
        // FFFFFFFFh means "no time period reported" (figure 287, bytes 8 to 19).
        let estimate = |at| Some(le32(buf, at)).filter(|v| *v != u32::MAX);
        Some(Self {
            progress: le16(buf, 0),
            state,
            overwrite_passes: ((sstat >> 3) & 0x1F) as u8,
            global_data_erased: sstat & (1 << 8) != 0,
            cdw10: le32(buf, 4),
            estimate_overwrite: estimate(8),
            estimate_block: estimate(12),
            estimate_crypto: estimate(16),
        })
    }

    /// Progress in percent (SPROG is 65535 while running near the end, 65535 when not running).
    pub fn percent(&self) -> u8 {
        (u32::from(self.progress) * 100 / 65536) as u8
    }
}

/// An NVMe status in plain words (Base figure 94, generic command status; figure 95,
/// command-specific status). `status` is SCT << 8 | SC as the kernel returns it, possibly with
/// the More and DNR bits above.
pub fn status_text(status: u16) -> String {
    let code = status & 0x07FF;
    let name = match code {
        0x0000 => "success",
        0x0001 => "Invalid Command Opcode",
        0x0002 => "Invalid Field in Command",
        0x0004 => "Data Transfer Error",
        0x0005 => "Commands Aborted due to Power Loss Notification",
        0x0006 => "Internal Error",
        0x0007 => "Command Abort Requested",
        0x000B => "Invalid Namespace or Format",
        0x000C => "Command Sequence Error",
        0x001C => "Sanitize Failed",
        0x001D => "Sanitize In Progress",
        0x0120 => "Format In Progress",
        0x010A => "Invalid Format",
        0x0115 => "Namespace Is Write Protected",
        0x0182 => "Unsupported Secure Erase",
        _ => "",
    };
    match (code, name) {
        (0, _) => "success".to_owned(),
        (_, "") => format!("status {code:#06x}"),
        (_, name) => format!("{name} ({code:#06x})"),
    }
}

/// Space-padded ASCII of an Identify string field, trimmed.
fn ascii(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes)
        .trim_matches(|c: char| c == ' ' || c == '\0')
        .to_owned()
}

fn le16(buf: &[u8], at: usize) -> u16 {
    u16::from_le_bytes([buf[at], buf[at + 1]])
}

fn le32(buf: &[u8], at: usize) -> u32 {
    u32::from_le_bytes([buf[at], buf[at + 1], buf[at + 2], buf[at + 3]])
}

fn le64(buf: &[u8], at: usize) -> u64 {
    u64::from(le32(buf, at)) | u64::from(le32(buf, at + 4)) << 32
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An Identify Controller page as QEMU's emulated controller answers it (OACS 0x12a, FNA 0,
    /// SANICAP 0), with strings space padded.
    fn qemu_controller() -> Vec<u8> {
        let mut b = vec![0u8; IDENTIFY_LEN];
        b[4..24].copy_from_slice(b"deadbeef            ");
        b[24..64].copy_from_slice(b"QEMU NVMe Ctrl                          ");
        b[64..72].copy_from_slice(b"8.2.2   ");
        b[256..258].copy_from_slice(&0x012Au16.to_le_bytes());
        b[516..520].copy_from_slice(&256u32.to_le_bytes());
        b
    }

    #[test]
    fn identify_controller_fields() {
        let id = IdentifyController::decode(&qemu_controller()).unwrap();
        assert_eq!(id.serial, "deadbeef");
        assert_eq!(id.model, "QEMU NVMe Ctrl");
        assert_eq!(id.firmware, "8.2.2");
        assert!(id.format_supported());
        assert!(!id.firmware_download_supported());
        assert!(!id.sanitize_crypto() && !id.sanitize_block() && !id.sanitize_overwrite());
        assert!(!id.format_crypto() && !id.format_all_namespaces());

        let mut b = qemu_controller();
        // SANICAP: crypto + block, NDI, NODMMAS = 2; FNA: all namespaces + crypto.
        b[328..332].copy_from_slice(&(0b011u32 | 1 << 29 | 2 << 30).to_le_bytes());
        b[524] = 0b101;
        let id = IdentifyController::decode(&b).unwrap();
        assert!(id.sanitize_crypto() && id.sanitize_block() && !id.sanitize_overwrite());
        assert!(id.no_dealloc_inhibited());
        assert_eq!(id.nodmmas(), 2);
        assert!(id.format_all_namespaces() && !id.erase_all_namespaces() && id.format_crypto());
        assert!(IdentifyController::decode(&b[..100]).is_none());
    }

    #[test]
    fn identify_namespace_size_and_format() {
        let mut b = vec![0u8; IDENTIFY_LEN];
        b[0..8].copy_from_slice(&2_000_000u64.to_le_bytes());
        b[16..24].copy_from_slice(&1234u64.to_le_bytes());
        b[24] = 1; // THINP
        b[26] = 0x01; // FLBAS: format 1
        b[128 + 2] = 9; // format 0: 512-byte blocks
        b[132 + 2] = 12; // format 1: 4096-byte blocks
        let ns = IdentifyNamespace::decode(&b).unwrap();
        assert_eq!(ns.size_blocks, 2_000_000);
        assert_eq!(ns.used_blocks, 1234);
        assert!(ns.thin);
        assert_eq!((ns.lba_format, ns.block_size), (1, 4096));
        // FLBAS bits 6:5 extend the index above 16 formats: 0x20 | 0x01 is format 17.
        b[26] = 0x21;
        b[128 + 4 * 17 + 2] = 9;
        let ns = IdentifyNamespace::decode(&b).unwrap();
        assert_eq!((ns.lba_format, ns.block_size), (17, 512));
        // A block size below 512 bytes is not a valid format.
        b[128 + 4 * 17 + 2] = 3;
        assert!(IdentifyNamespace::decode(&b).is_none());
    }

    #[test]
    fn sanitize_status_log() {
        let mut b = vec![0u8; SANITIZE_LOG_LEN];
        b[0..2].copy_from_slice(&32768u16.to_le_bytes());
        b[2..4].copy_from_slice(&0x0002u16.to_le_bytes());
        b[4..8].copy_from_slice(&0x0000_0004u32.to_le_bytes());
        b[8..12].copy_from_slice(&u32::MAX.to_le_bytes());
        b[12..16].copy_from_slice(&600u32.to_le_bytes());
        b[16..20].copy_from_slice(&5u32.to_le_bytes());
        let s = SanitizeStatus::decode(&b).unwrap();
        assert_eq!(s.state, SanitizeState::InProgress);
        assert_eq!(s.percent(), 50);
        assert_eq!(s.cdw10, 4);
        assert_eq!(s.estimate_overwrite, None);
        assert_eq!(s.estimate_block, Some(600));
        assert_eq!(s.estimate_crypto, Some(5));
        assert!(!s.global_data_erased);
        // Completed, one overwrite pass, global data erased.
        b[2..4].copy_from_slice(&(1u16 | 1 << 3 | 1 << 8).to_le_bytes());
        let s = SanitizeStatus::decode(&b).unwrap();
        assert_eq!(s.state, SanitizeState::Completed);
        assert_eq!(s.overwrite_passes, 1);
        assert!(s.global_data_erased);
        b[2] = 3;
        assert_eq!(
            SanitizeStatus::decode(&b).unwrap().state,
            SanitizeState::Failed
        );
    }

    #[test]
    fn command_dwords() {
        let f = format_nvm(1, 1, SecureErase::Crypto, Duration::from_secs(1));
        assert_eq!((f.opcode, f.nsid, f.cdw10), (0x80, 1, 0x0401));
        let f = format_nvm(1, 17, SecureErase::UserData, Duration::from_secs(1));
        assert_eq!(f.cdw10, 0x1 | 1 << 12 | 1 << 9);
        let s = sanitize(SanitizeAction::CryptoErase, true, false, 0);
        assert_eq!((s.opcode, s.cdw10), (0x84, 0x0C));
        let s = sanitize(SanitizeAction::Overwrite, false, true, 0xDEAD_BEEF);
        assert_eq!((s.cdw10, s.cdw11), (0x3 | 1 << 4 | 1 << 9, 0xDEAD_BEEF));
        assert_eq!(get_sanitize_log().cdw10, 0x81 | 127 << 16);
        assert_eq!(status_text(0x4001), "Invalid Command Opcode (0x0001)");
        assert_eq!(status_text(0), "success");
        assert_eq!(status_text(0x0333), "status 0x0333");
    }
}
