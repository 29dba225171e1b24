//! ATA commands and the IDENTIFY DEVICE decoder (ATA Command Set 4, "ACS-4"; the DEVICE
//! CONFIGURATION OVERLAY commands from ACS-2, which later standards made obsolete). Pure
//! functions: no I/O here.

use std::time::Duration;

use super::{AtaCommand, AtaOutput, AtaProtocol};

pub const CMD_READ_NATIVE_MAX_EXT: u8 = 0x27;
pub const CMD_SET_MAX_ADDRESS_EXT: u8 = 0x37;
pub const CMD_DCO: u8 = 0xB1;
pub const CMD_SANITIZE: u8 = 0xB4;
pub const CMD_IDENTIFY: u8 = 0xEC;
pub const CMD_SECURITY_SET_PASSWORD: u8 = 0xF1;
pub const CMD_SECURITY_UNLOCK: u8 = 0xF2;
pub const CMD_SECURITY_ERASE_PREPARE: u8 = 0xF3;
pub const CMD_SECURITY_ERASE_UNIT: u8 = 0xF4;
pub const CMD_SECURITY_DISABLE_PASSWORD: u8 = 0xF6;

/// SANITIZE DEVICE feature codes (ACS-4 7.32, table 94).
pub const SANITIZE_STATUS_EXT: u16 = 0x0000;
pub const CRYPTO_SCRAMBLE_EXT: u16 = 0x0011;
pub const BLOCK_ERASE_EXT: u16 = 0x0012;
pub const OVERWRITE_EXT: u16 = 0x0014;
/// DEVICE CONFIGURATION features (ACS-2 7.10): RESTORE and IDENTIFY.
pub const DCO_RESTORE: u16 = 0xC0;
pub const DCO_IDENTIFY: u16 = 0xC2;

/// The signatures SANITIZE DEVICE requires in the LBA field (ACS-4 7.32.2 to 7.32.4).
const CRYPTO_SIGNATURE: u64 = 0x4372_7970; // "Cryp"
const BLOCK_SIGNATURE: u64 = 0x426B_4572; // "BkEr"
const OVERWRITE_SIGNATURE: u64 = 0x4F57 << 32; // "OW" in LBA bits 47:32

/// Device register for LBA addressing (bit 6).
const DEVICE_LBA: u8 = 0x40;
const SHORT: Duration = Duration::from_secs(15);

fn non_data(command: u8, features: u16, count: u16, lba: u64, extend: bool) -> AtaCommand {
    AtaCommand {
        protocol: AtaProtocol::NonData,
        command,
        features,
        count,
        lba,
        device: DEVICE_LBA,
        extend,
        timeout: SHORT,
    }
}

/// A one-sector PIO command (count 1).
fn pio(protocol: AtaProtocol, command: u8, features: u16) -> AtaCommand {
    AtaCommand {
        protocol,
        command,
        features,
        count: 1,
        lba: 0,
        device: DEVICE_LBA,
        extend: false,
        timeout: SHORT,
    }
}

/// IDENTIFY DEVICE (ACS-4 7.12): 512 bytes in.
pub fn identify() -> AtaCommand {
    pio(AtaProtocol::PioIn, CMD_IDENTIFY, 0)
}

/// SANITIZE STATUS EXT (ACS-4 7.32.7); `clear_failure` sets CLEAR SANITIZE OPERATION FAILED.
pub fn sanitize_status(clear_failure: bool) -> AtaCommand {
    non_data(
        CMD_SANITIZE,
        SANITIZE_STATUS_EXT,
        u16::from(clear_failure),
        0,
        true,
    )
}

/// The erasing SANITIZE DEVICE commands (FAILURE MODE bit cleared: a failed sanitize leaves
/// the drive in the Sanitize Operation Failed state until a new sanitize completes).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SanitizeKind {
    CryptoScramble,
    BlockErase,
    /// One pass of the 32-bit pattern (OVERWRITE EXT, count bits 3:0 = 1).
    Overwrite(u32),
}

pub fn sanitize(kind: SanitizeKind) -> AtaCommand {
    match kind {
        SanitizeKind::CryptoScramble => {
            non_data(CMD_SANITIZE, CRYPTO_SCRAMBLE_EXT, 0, CRYPTO_SIGNATURE, true)
        }
        SanitizeKind::BlockErase => {
            non_data(CMD_SANITIZE, BLOCK_ERASE_EXT, 0, BLOCK_SIGNATURE, true)
        }
        SanitizeKind::Overwrite(pattern) => non_data(
            CMD_SANITIZE,
            OVERWRITE_EXT,
            1,
            OVERWRITE_SIGNATURE | u64::from(pattern),
            true,
        ),
    }
}

/// Normal outputs of SANITIZE STATUS EXT (ACS-4 table 242: count bits 15/14/13, LBA bits 15:0
/// progress) and the error output's reason (table 243, LBA bits 7:0).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SanitizeStatus {
    pub completed_without_error: bool,
    pub in_progress: bool,
    pub frozen: bool,
    /// Progress as a fraction of 65536.
    pub progress: u16,
    /// The drive aborted the status command: the last sanitize failed, with this reason
    /// (0 unknown, 1 sanitize unsuccessful, 2 unsupported, 3 frozen, 4 antifreeze lock).
    pub failure_reason: Option<u8>,
}

impl SanitizeStatus {
    pub fn decode(out: &AtaOutput) -> Self {
        Self {
            completed_without_error: out.count & (1 << 15) != 0,
            in_progress: out.count & (1 << 14) != 0,
            frozen: out.count & (1 << 13) != 0,
            progress: out.lba as u16,
            failure_reason: out.failed().then_some(out.lba as u8),
        }
    }
    pub fn percent(&self) -> u8 {
        (u32::from(self.progress) * 100 / 65536) as u8
    }
}

/// The password Tabula sets for SECURITY ERASE UNIT: fixed and documented (docs/methods.md), so
/// that a drive left locked by a power loss can be unlocked by anyone holding the manual.
pub const TEMPORARY_PASSWORD: &[u8] = b"tabula";

/// The 512-byte parameter sector of SET PASSWORD, UNLOCK, ERASE UNIT and DISABLE PASSWORD (ACS-4
/// tables 217 to 223): word 0 control bits, words 1 to 16 the password (32 bytes, zero padded),
/// the user password (identifier bit 0 cleared) with security level High (bit 8 cleared).
pub fn password_sector(password: &[u8], enhanced: bool) -> [u8; 512] {
    let mut sector = [0u8; 512];
    if enhanced {
        sector[0] = 1 << 1;
    }
    let n = password.len().min(32);
    sector[2..2 + n].copy_from_slice(&password[..n]);
    sector
}

pub fn security_set_password() -> AtaCommand {
    pio(AtaProtocol::PioOut, CMD_SECURITY_SET_PASSWORD, 0)
}
pub fn security_unlock() -> AtaCommand {
    pio(AtaProtocol::PioOut, CMD_SECURITY_UNLOCK, 0)
}
pub fn security_erase_prepare() -> AtaCommand {
    non_data(CMD_SECURITY_ERASE_PREPARE, 0, 0, 0, false)
}
/// SECURITY ERASE UNIT with `timeout` (set above the drive's own estimate by the caller).
pub fn security_erase_unit(timeout: Duration) -> AtaCommand {
    AtaCommand {
        timeout,
        ..pio(AtaProtocol::PioOut, CMD_SECURITY_ERASE_UNIT, 0)
    }
}
pub fn security_disable_password() -> AtaCommand {
    pio(AtaProtocol::PioOut, CMD_SECURITY_DISABLE_PASSWORD, 0)
}

/// READ NATIVE MAX ADDRESS EXT (ACS-2 7.30): the output LBA is the native max LBA.
pub fn read_native_max_ext() -> AtaCommand {
    non_data(CMD_READ_NATIVE_MAX_EXT, 0, 0, 0, true)
}
/// SET MAX ADDRESS EXT (ACS-2 7.47) to `max_lba`, non-volatile (count bit 0, VV, set). The drive
/// only accepts it right after READ NATIVE MAX ADDRESS EXT.
pub fn set_max_address_ext(max_lba: u64) -> AtaCommand {
    non_data(CMD_SET_MAX_ADDRESS_EXT, 0, 1, max_lba, true)
}
/// DEVICE CONFIGURATION IDENTIFY (ACS-2 7.10.3): 512 bytes in.
pub fn dco_identify() -> AtaCommand {
    pio(AtaProtocol::PioIn, CMD_DCO, DCO_IDENTIFY)
}
/// DEVICE CONFIGURATION RESTORE (ACS-2 7.10.2): back to the factory settings.
pub fn dco_restore() -> AtaCommand {
    non_data(CMD_DCO, DCO_RESTORE, 0, 0, false)
}

/// An ATA output in plain words.
pub fn status_text(out: &AtaOutput) -> String {
    if out.failed() {
        let what = if out.status & 0x20 != 0 {
            "device fault (DF"
        } else {
            "aborted (ERR"
        };
        format!("{what}, error {:#04x})", out.error)
    } else {
        "success".to_owned()
    }
}

/// The IDENTIFY DEVICE fields that firmware erase and hidden areas depend on (ACS-4 table 45).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdentifyDevice {
    pub model: String,
    pub serial: String,
    pub firmware: String,
    /// User addressable sectors: words 100-103 when 48-bit addressing is supported (word 83 bit
    /// 10), else words 60-61.
    pub sectors: u64,
    pub lba48: bool,
    /// Word 82 bit 10 / word 85 bit 10: Host Protected Area supported / enabled.
    pub hpa_supported: bool,
    pub hpa_enabled: bool,
    /// Word 83 bit 11: Device Configuration Overlay supported.
    pub dco_supported: bool,
    /// Word 59 bits 12, 13, 14, 15: SANITIZE feature set; CRYPTO SCRAMBLE, OVERWRITE, BLOCK
    /// ERASE supported.
    pub sanitize: bool,
    pub sanitize_crypto: bool,
    pub sanitize_overwrite: bool,
    pub sanitize_block: bool,
    /// Word 128: the Security feature set.
    pub security: SecurityState,
    /// Words 89 and 90: normal and enhanced SECURITY ERASE UNIT time, seconds.
    pub erase_secs: Option<u64>,
    pub enhanced_erase_secs: Option<u64>,
    /// Word 217 = 1: non-rotating medium (an SSD).
    pub solid_state: bool,
}

/// Word 128 (ACS-4 7.12.7.61).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SecurityState {
    pub supported: bool,
    pub enabled: bool,
    pub locked: bool,
    pub frozen: bool,
    pub count_expired: bool,
    pub enhanced_erase: bool,
}

impl IdentifyDevice {
    /// Decodes the 512-byte IDENTIFY DEVICE data (little-endian words; strings with the two
    /// bytes of each word swapped, ACS-4 3.3.10).
    pub fn decode(buf: &[u8]) -> Option<Self> {
        if buf.len() < 512 {
            return None;
        }
        let w = |n: usize| u16::from_le_bytes([buf[2 * n], buf[2 * n + 1]]);
        let bit = |n: usize, b: u32| w(n) & (1 << b) != 0;
        // Words 82-87 hold valid data only when bits 15:14 of words 83 and 84 read 01b.
        let valid = |n: usize| w(n) >> 14 == 0b01;
        let lba48 = valid(83) && bit(83, 10);
        let sectors = if lba48 {
            u64::from(w(100))
                | u64::from(w(101)) << 16
                | u64::from(w(102)) << 32
                | u64::from(w(103)) << 48
        } else {
            u64::from(w(60)) | u64::from(w(61)) << 16
        };
        let w128 = w(128);
        Some(Self {
            model: ata_string(&buf[54..94]),
            serial: ata_string(&buf[20..40]),
            firmware: ata_string(&buf[46..54]),
            sectors,
            lba48,
            hpa_supported: valid(83) && bit(82, 10),
            hpa_enabled: valid(83) && bit(85, 10),
            dco_supported: valid(83) && bit(83, 11),
            sanitize: bit(59, 12),
            sanitize_crypto: bit(59, 12) && bit(59, 13),
            sanitize_overwrite: bit(59, 12) && bit(59, 14),
            sanitize_block: bit(59, 12) && bit(59, 15),
            security: SecurityState {
                supported: w128 & 1 != 0,
                enabled: w128 & (1 << 1) != 0,
                locked: w128 & (1 << 2) != 0,
                frozen: w128 & (1 << 3) != 0,
                count_expired: w128 & (1 << 4) != 0,
                enhanced_erase: w128 & (1 << 5) != 0,
            },
            erase_secs: erase_time(w(89)),
            enhanced_erase_secs: erase_time(w(90)),
            solid_state: w(217) == 1,
        })
    }
}

/// Words 89/90 (ACS-4 7.12.7.36): with bit 15 set, bits 14:0 are the time in 2-minute units
/// (32767: more than 65532 minutes); without, bits 7:0 are (255: more than 508 minutes). 0: not
/// reported. The "more than" values give their lower bound.
fn erase_time(word: u16) -> Option<u64> {
    let units = if word & 0x8000 != 0 {
        word & 0x7FFF
    } else {
        word & 0x00FF
    };
    (units != 0).then(|| u64::from(units) * 120)
}

/// An ATA string field: each word holds two characters, the first in its high byte.
fn ata_string(bytes: &[u8]) -> String {
    let swapped: Vec<u8> = bytes
        .chunks(2)
        .flat_map(|p| p.iter().rev())
        .copied()
        .collect();
    String::from_utf8_lossy(&swapped)
        .trim_matches(|c: char| c == ' ' || c == '\0')
        .to_owned()
}

/// Writes `text` into an ATA string field (the inverse of [`ata_string`]), space padded. For
/// fixtures and simulators.
pub fn put_ata_string(field: &mut [u8], text: &str) {
    let mut padded = text.as_bytes().to_vec();
    padded.resize(field.len(), b' ');
    for (pair, out) in padded.chunks(2).zip(field.chunks_mut(2)) {
        out[0] = pair[1];
        out[1] = pair[0];
    }
}

/// Sets word 255 to the integrity word (ACS-4 7.12.7.90: signature A5h, checksum making the
/// 512 bytes sum to zero). For fixtures and simulators.
pub fn seal_identify(buf: &mut [u8; 512]) {
    buf[510] = 0xA5;
    let sum = buf[..511].iter().fold(0u8, |a, b| a.wrapping_add(*b));
    buf[511] = 0u8.wrapping_sub(sum);
}

/// DEVICE CONFIGURATION IDENTIFY data (ACS-2 table 24): words 3-6 the maximum LBA the overlay
/// allows. Returns max LBA + 1.
pub fn dco_sectors(buf: &[u8]) -> Option<u64> {
    if buf.len() < 512 {
        return None;
    }
    let w = |n: usize| u64::from(u16::from_le_bytes([buf[2 * n], buf[2 * n + 1]]));
    let max_lba = w(3) | w(4) << 16 | w(5) << 32 | w(6) << 48;
    Some(max_lba + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set_word(b: &mut [u8], n: usize, v: u16) {
        b[2 * n..2 * n + 2].copy_from_slice(&v.to_le_bytes());
    }

    /// A SATA SSD: 48-bit, HPA and DCO supported, HPA enabled, sanitize crypto + block,
    /// security supported and frozen with enhanced erase, erase times 2 and 4 minutes.
    fn ssd() -> [u8; 512] {
        let mut b = [0u8; 512];
        put_ata_string(&mut b[20..40], "S3Z9NB0K123456");
        put_ata_string(&mut b[46..54], "RVT04B6Q");
        put_ata_string(&mut b[54..94], "Samsung SSD 860 EVO 500GB");
        set_word(&mut b, 59, 1 << 12 | 1 << 13 | 1 << 15);
        set_word(&mut b, 60, 0xFFFF);
        set_word(&mut b, 61, 0x0FFF);
        set_word(&mut b, 82, 1 << 10 | 1 << 1);
        set_word(&mut b, 83, 0x4000 | 1 << 10 | 1 << 11);
        set_word(&mut b, 84, 0x4000);
        set_word(&mut b, 85, 1 << 10);
        set_word(&mut b, 89, 1);
        set_word(&mut b, 90, 0x8002);
        set_word(&mut b, 100, 0x6030);
        set_word(&mut b, 101, 0x3A38);
        set_word(&mut b, 128, 0b10_1001);
        set_word(&mut b, 217, 1);
        seal_identify(&mut b);
        b
    }

    #[test]
    fn identify_device_fields() {
        let b = ssd();
        assert_eq!(b.iter().fold(0u8, |a, x| a.wrapping_add(*x)), 0);
        let id = IdentifyDevice::decode(&b).unwrap();
        assert_eq!(id.model, "Samsung SSD 860 EVO 500GB");
        assert_eq!(id.serial, "S3Z9NB0K123456");
        assert_eq!(id.firmware, "RVT04B6Q");
        assert!(id.lba48);
        assert_eq!(id.sectors, 976_773_168);
        assert!(id.hpa_supported && id.hpa_enabled && id.dco_supported);
        assert!(id.sanitize && id.sanitize_crypto && id.sanitize_block && !id.sanitize_overwrite);
        let s = id.security;
        assert!(s.supported && s.frozen && s.enhanced_erase);
        assert!(!s.enabled && !s.locked && !s.count_expired);
        assert_eq!(id.erase_secs, Some(120));
        assert_eq!(id.enhanced_erase_secs, Some(240));
        assert!(id.solid_state);
    }

    #[test]
    fn identify_device_without_48_bit_uses_words_60_61() {
        let mut b = ssd();
        set_word(&mut b, 83, 0x4000);
        set_word(&mut b, 59, 1 << 13); // capability bits without the feature set bit
        set_word(&mut b, 89, 0x00FF);
        let id = IdentifyDevice::decode(&b).unwrap();
        assert!(!id.lba48);
        assert_eq!(id.sectors, 0x0FFF_FFFF);
        assert!(!id.sanitize && !id.sanitize_crypto);
        assert_eq!(id.erase_secs, Some(255 * 120));
        // Words 82-87 without the 01b signature in word 83 are not trusted.
        set_word(&mut b, 83, 1 << 10 | 1 << 11);
        let id = IdentifyDevice::decode(&b).unwrap();
        assert!(!id.hpa_supported && !id.dco_supported && !id.lba48);
        assert!(IdentifyDevice::decode(&b[..100]).is_none());
    }

    #[test]
    fn sanitize_commands_carry_their_signatures() {
        let c = sanitize(SanitizeKind::CryptoScramble);
        assert_eq!((c.command, c.features, c.lba), (0xB4, 0x11, 0x4372_7970));
        let c = sanitize(SanitizeKind::BlockErase);
        assert_eq!((c.features, c.lba), (0x12, 0x426B_4572));
        let c = sanitize(SanitizeKind::Overwrite(0xAABB_CCDD));
        assert_eq!((c.features, c.count, c.lba), (0x14, 1, 0x4F57_AABB_CCDD));
        assert!(c.extend);
    }

    #[test]
    fn sanitize_status_outputs() {
        let running = AtaOutput {
            status: 0x50,
            count: 1 << 14,
            lba: 0x8000,
            ..AtaOutput::default()
        };
        let s = SanitizeStatus::decode(&running);
        assert!(s.in_progress && !s.completed_without_error && s.failure_reason.is_none());
        assert_eq!(s.percent(), 50);
        let failed = AtaOutput {
            status: 0x51,
            error: 0x04,
            lba: 1,
            ..AtaOutput::default()
        };
        assert_eq!(SanitizeStatus::decode(&failed).failure_reason, Some(1));
        assert_eq!(status_text(&failed), "aborted (ERR, error 0x04)");
    }

    #[test]
    fn password_sector_layout() {
        let s = password_sector(TEMPORARY_PASSWORD, true);
        assert_eq!(s[0], 0x02);
        assert_eq!(&s[2..8], b"tabula");
        assert!(s[8..34].iter().all(|b| *b == 0));
    }

    #[test]
    fn dco_identify_max_lba() {
        let mut b = [0u8; 512];
        set_word(&mut b, 0, 2);
        set_word(&mut b, 3, 0x1234);
        set_word(&mut b, 4, 0x0001);
        assert_eq!(dco_sectors(&b), Some(0x1_1235));
    }
}
