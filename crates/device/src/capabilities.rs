//! What a drive's firmware can do to erase itself, and the state that decides whether it may:
//! decoded from NVMe Identify, ATA IDENTIFY DEVICE and SCSI inquiries through a
//! [`crate::command::Transport`]. Shown by `tabula devices --json` and `tabula audit --json`, and
//! the input of the `auto` method's choice.

use serde::{Deserialize, Serialize};

/// The command set a drive speaks, as far as Tabula could reach it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum CommandSet {
    Nvme,
    Ata,
    Scsi,
    /// No firmware command reaches the drive (loop, virtio, a USB bridge without pass-through).
    None,
}

/// One firmware erase operation, as the method names call it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum FirmwareOp {
    /// NVMe Format NVM, SES=1 (user data erase).
    NvmeFormat,
    /// NVMe Format NVM, SES=2 (cryptographic erase).
    NvmeFormatCrypto,
    NvmeSanitizeBlock,
    NvmeSanitizeCrypto,
    NvmeSanitizeOverwrite,
    /// ATA SECURITY ERASE UNIT, normal mode.
    AtaSecureErase,
    /// ATA SECURITY ERASE UNIT, enhanced mode.
    AtaSecureEraseEnhanced,
    AtaSanitizeBlock,
    AtaSanitizeCrypto,
    AtaSanitizeOverwrite,
    ScsiSanitizeBlock,
    ScsiSanitizeCrypto,
    ScsiSanitizeOverwrite,
}

/// Hidden areas of an ATA drive (HPA from READ NATIVE MAX ADDRESS, DCO from DEVICE CONFIGURATION
/// IDENTIFY), in sectors.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct HiddenAreas {
    /// Current max LBA + 1 (what the host sees).
    pub current_sectors: u64,
    /// Native max LBA + 1 (READ NATIVE MAX ADDRESS), when the drive answered.
    pub native_sectors: Option<u64>,
    /// Max LBA + 1 the DCO allows (factory size), when the drive answered.
    pub dco_sectors: Option<u64>,
}

impl HiddenAreas {
    pub fn has_hpa(&self) -> bool {
        self.native_sectors
            .is_some_and(|n| n > self.current_sectors)
    }
    pub fn has_dco(&self) -> bool {
        self.dco_sectors
            .is_some_and(|d| d > self.native_sectors.unwrap_or(self.current_sectors))
    }
}

/// A drive's firmware erase capabilities and the state that may block them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Capabilities {
    pub command_set: CommandSet,
    /// Operations the drive says it supports, in the order `auto` prefers them.
    pub supported: Vec<FirmwareOp>,
    /// ATA security: frozen (SECURITY FREEZE LOCK in effect until power cycle).
    pub frozen: bool,
    /// ATA security: locked (a password is set and the drive is locked).
    pub locked: bool,
    /// NVMe: Format NVM and crypto erase apply to all namespaces (FNA bits 0/1); Sanitize always
    /// does.
    pub affects_all_namespaces: bool,
    /// The drive's own time estimate for its preferred erase, in seconds (ATA words 89/90,
    /// NVMe Sanitize Status log estimates), when it gives one.
    pub estimate_secs: Option<u64>,
    /// ATA hidden areas, when probed.
    pub hidden: Option<HiddenAreas>,
    /// Why no firmware command can reach the drive, in plain words, when `command_set` is
    /// `None` (e.g. "USB bridge does not pass ATA commands: attach the drive directly").
    pub unreachable: Option<String>,
}

impl Capabilities {
    /// A drive no firmware command reaches, and why.
    pub fn unreachable(reason: impl Into<String>) -> Self {
        Self {
            command_set: CommandSet::None,
            supported: Vec::new(),
            frozen: false,
            locked: false,
            affects_all_namespaces: false,
            estimate_secs: None,
            hidden: None,
            unreachable: Some(reason.into()),
        }
    }

    /// An empty set of capabilities for `command_set`, filled in by the probes.
    pub fn of(command_set: CommandSet) -> Self {
        Self {
            command_set,
            unreachable: None,
            ..Self::unreachable(String::new())
        }
    }
}
