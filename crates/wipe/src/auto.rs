//! The `auto` method's choice: a pure function of the drive and its firmware [`Capabilities`]
//! that picks what to do and says why (the mapping and its sources are in `docs/methods.md`).
//!
//! - NVMe: Sanitize crypto erase, else Sanitize block erase, else Format NVM SES=2, else SES=1;
//!   then canaries and sampling.
//! - SATA or SAS/SCSI flash: SANITIZE crypto, else SANITIZE block, else (ATA, not frozen)
//!   enhanced SECURITY ERASE; then canaries and sampling.
//! - Rotating disks: hidden areas (HPA/DCO) removed, one random pass, every byte verified.
//! - Anything else, or no firmware command reaching the drive: the same overwrite, which is only
//!   NIST SP 800-88 Clear.

use serde::{Deserialize, Serialize};
use tabula_device::capabilities::{Capabilities, CommandSet, FirmwareOp};
use tabula_device::device::{Bus, Drive};

/// The overwrite `auto` runs where no firmware erase applies, and falls back to when one fails:
/// one random pass, every byte read back.
pub const OVERWRITE_METHOD: &str = "nist-800-88-clear";

/// What `auto` does to one drive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "kebab-case")]
pub enum Action {
    /// The drive's own erase, then canaries and sampling; overwrite if it fails.
    Firmware { op: FirmwareOp },
    /// [`OVERWRITE_METHOD`], after removing hidden areas where asked.
    Overwrite { remove_hidden: bool },
}

/// Why `auto` chose what it did, as data (front ends say it in their language; [`Choice::reason`]
/// is the English sentence recorded in the result).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(tag = "why", rename_all = "kebab-case")]
pub enum Why {
    /// A regular file: overwrite.
    File,
    /// The drive's capabilities are unknown: overwrite.
    #[default]
    Unknown,
    /// No firmware command reaches the drive (the drive layer's words): overwrite.
    Unreachable { detail: String },
    /// A rotating disk: hidden areas removed, overwrite.
    Rotating,
    /// Locked with an ATA password: overwrite.
    Locked,
    /// No sanitize or usable secure erase (`frozen`: a security erase is blocked by the freeze
    /// lock): overwrite.
    NoCommand { frozen: bool },
    /// The firmware erase is supported (`all_namespaces`: it erases every namespace).
    Supported { all_namespaces: bool },
}

/// `auto`'s choice for one drive, with its reason and the drive's own time estimate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Choice {
    pub action: Action,
    /// Why, in one sentence (shown on the method screen and recorded in the result).
    pub reason: String,
    /// Why, as data.
    #[serde(default)]
    pub why: Why,
    /// The drive's own estimate for the chosen firmware erase, in seconds, when it gives one.
    pub estimate_secs: Option<u64>,
}

impl Choice {
    /// The method name the action runs (`nvme-sanitize-crypto`, `nist-800-88-clear`).
    pub fn method_name(&self) -> &'static str {
        match self.action {
            Action::Firmware { op } => crate::method::Method::for_op(op).map_or("?", |m| m.name),
            Action::Overwrite { .. } => OVERWRITE_METHOD,
        }
    }
}

/// What `auto` prefers on flash drives, per command set, best first.
const NVME: &[FirmwareOp] = &[
    FirmwareOp::NvmeSanitizeCrypto,
    FirmwareOp::NvmeSanitizeBlock,
    FirmwareOp::NvmeFormatCrypto,
    FirmwareOp::NvmeFormat,
];
const ATA: &[FirmwareOp] = &[
    FirmwareOp::AtaSanitizeCrypto,
    FirmwareOp::AtaSanitizeBlock,
    FirmwareOp::AtaSecureEraseEnhanced,
];
const SCSI: &[FirmwareOp] = &[
    FirmwareOp::ScsiSanitizeCrypto,
    FirmwareOp::ScsiSanitizeBlock,
];

fn overwrite(remove_hidden: bool, why: Why, reason: String) -> Choice {
    Choice {
        action: Action::Overwrite { remove_hidden },
        reason,
        why,
        estimate_secs: None,
    }
}

/// Chooses for `drive` (None: a regular file) with the capabilities probed from it (None: not
/// probed, or the probe failed).
pub fn choose(drive: Option<&Drive>, caps: Option<&Capabilities>) -> Choice {
    let Some(drive) = drive else {
        return overwrite(
            false,
            Why::File,
            "a file, not a drive: overwrite (Clear only)".into(),
        );
    };
    let Some(caps) = caps else {
        return overwrite(
            drive.rotational,
            Why::Unknown,
            "the drive's firmware capabilities are unknown: overwrite (Clear only)".into(),
        );
    };
    if caps.command_set == CommandSet::None {
        let why = caps
            .unreachable
            .as_deref()
            .unwrap_or("no firmware command reaches this drive");
        return overwrite(
            false,
            Why::Unreachable {
                detail: why.to_owned(),
            },
            format!("{why}: overwrite (Clear only)"),
        );
    }
    if drive.rotational {
        return overwrite(
            caps.hidden.is_some(),
            Why::Rotating,
            "rotating disk: hidden areas removed, one random pass, every byte verified".into(),
        );
    }
    if caps.locked {
        return overwrite(
            false,
            Why::Locked,
            "the drive is locked with an ATA password: overwrite (Clear only), unlock it to purge"
                .into(),
        );
    }
    let preferred = match caps.command_set {
        CommandSet::Nvme => NVME,
        CommandSet::Ata => ATA,
        CommandSet::Scsi => SCSI,
        CommandSet::None => &[],
    };
    let usable = |op: &&FirmwareOp| {
        caps.supported.contains(op)
            && !(caps.frozen
                && matches!(
                    op,
                    FirmwareOp::AtaSecureErase | FirmwareOp::AtaSecureEraseEnhanced
                ))
    };
    match preferred.iter().find(usable) {
        Some(&op) => Choice {
            action: Action::Firmware { op },
            reason: format!(
                "{}: {} supported{}, then canaries and sampling",
                kind(drive, caps.command_set),
                describe(op),
                if caps.affects_all_namespaces {
                    " (erases every namespace of the controller)"
                } else {
                    ""
                }
            ),
            why: Why::Supported {
                all_namespaces: caps.affects_all_namespaces,
            },
            estimate_secs: caps.estimate_secs,
        },
        None => {
            let frozen = if caps.frozen
                && caps.supported.iter().any(|op| {
                    matches!(
                        op,
                        FirmwareOp::AtaSecureErase | FirmwareOp::AtaSecureEraseEnhanced
                    )
                }) {
                " (security erase blocked: the drive is frozen; a suspend to RAM may unfreeze it)"
            } else {
                ""
            };
            overwrite(
                false,
                Why::NoCommand {
                    frozen: !frozen.is_empty(),
                },
                format!(
                    "{}: no sanitize or secure erase command{frozen}: overwrite (Clear only)",
                    kind(drive, caps.command_set)
                ),
            )
        }
    }
}

fn kind(drive: &Drive, set: CommandSet) -> &'static str {
    match (set, drive.transport) {
        (CommandSet::Nvme, _) => "NVMe drive",
        (CommandSet::Ata, Bus::Usb) => "flash drive behind USB",
        (CommandSet::Ata, _) => "SATA flash drive",
        (CommandSet::Scsi, _) => "SAS/SCSI flash drive",
        (CommandSet::None, _) => "drive",
    }
}

/// The operation in the specification's words.
pub fn describe(op: FirmwareOp) -> &'static str {
    match op {
        FirmwareOp::NvmeFormat => "Format NVM with user data erase (SES=1)",
        FirmwareOp::NvmeFormatCrypto => "Format NVM with cryptographic erase (SES=2)",
        FirmwareOp::NvmeSanitizeBlock => "Sanitize block erase",
        FirmwareOp::NvmeSanitizeCrypto => "Sanitize crypto erase",
        FirmwareOp::NvmeSanitizeOverwrite => "Sanitize overwrite",
        FirmwareOp::AtaSecureErase => "SECURITY ERASE UNIT (normal)",
        FirmwareOp::AtaSecureEraseEnhanced => "enhanced SECURITY ERASE UNIT",
        FirmwareOp::AtaSanitizeBlock => "SANITIZE block erase",
        FirmwareOp::AtaSanitizeCrypto => "SANITIZE crypto scramble",
        FirmwareOp::AtaSanitizeOverwrite => "SANITIZE overwrite",
        FirmwareOp::ScsiSanitizeBlock => "SANITIZE block erase",
        FirmwareOp::ScsiSanitizeCrypto => "SANITIZE cryptographic erase",
        FirmwareOp::ScsiSanitizeOverwrite => "SANITIZE overwrite",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use FirmwareOp::*;
    use tabula_device::capabilities::HiddenAreas;

    fn drive(bus: Bus, rotational: bool) -> Drive {
        Drive {
            name: "sdx".into(),
            path: "/dev/sdx".into(),
            model: None,
            serial: None,
            firmware: None,
            vendor: None,
            size_bytes: 1 << 30,
            logical_sector_size: 512,
            physical_sector_size: 4096,
            rotational,
            removable: false,
            transport: bus,
            read_only: false,
            backing_file: None,
            partitions: Vec::new(),
            verdict: tabula_device::exclusion::Verdict::Wipeable,
        }
    }

    fn caps(set: CommandSet, supported: &[FirmwareOp]) -> Capabilities {
        Capabilities {
            command_set: set,
            supported: supported.to_vec(),
            frozen: false,
            locked: false,
            affects_all_namespaces: false,
            estimate_secs: Some(120),
            hidden: None,
            unreachable: None,
        }
    }

    fn firmware(c: &Choice) -> Option<FirmwareOp> {
        match c.action {
            Action::Firmware { op } => Some(op),
            Action::Overwrite { .. } => None,
        }
    }

    #[test]
    fn the_choice_table() {
        let nvme = drive(Bus::Nvme, false);
        let sata_ssd = drive(Bus::Sata, false);
        let hdd = drive(Bus::Sata, true);
        let sas = drive(Bus::Scsi, false);
        let frozen = Capabilities {
            frozen: true,
            ..caps(CommandSet::Ata, &[AtaSecureErase, AtaSecureEraseEnhanced])
        };
        let rows: Vec<(&Drive, Capabilities, Option<FirmwareOp>)> = vec![
            // NVMe: Sanitize crypto, then block, then Format SES=2, then SES=1.
            (
                &nvme,
                caps(
                    CommandSet::Nvme,
                    &[
                        NvmeFormat,
                        NvmeFormatCrypto,
                        NvmeSanitizeBlock,
                        NvmeSanitizeCrypto,
                    ],
                ),
                Some(NvmeSanitizeCrypto),
            ),
            (
                &nvme,
                caps(CommandSet::Nvme, &[NvmeFormat, NvmeSanitizeBlock]),
                Some(NvmeSanitizeBlock),
            ),
            (
                &nvme,
                caps(CommandSet::Nvme, &[NvmeFormat, NvmeFormatCrypto]),
                Some(NvmeFormatCrypto),
            ),
            // QEMU's NVMe: Format only, no crypto erase reported.
            (
                &nvme,
                caps(CommandSet::Nvme, &[NvmeFormat]),
                Some(NvmeFormat),
            ),
            (
                &nvme,
                caps(CommandSet::Nvme, &[NvmeSanitizeOverwrite]),
                None,
            ),
            // SATA SSD: SANITIZE crypto, then block, then enhanced security erase.
            (
                &sata_ssd,
                caps(
                    CommandSet::Ata,
                    &[AtaSecureEraseEnhanced, AtaSanitizeBlock, AtaSanitizeCrypto],
                ),
                Some(AtaSanitizeCrypto),
            ),
            (
                &sata_ssd,
                caps(CommandSet::Ata, &[AtaSecureEraseEnhanced, AtaSanitizeBlock]),
                Some(AtaSanitizeBlock),
            ),
            (
                &sata_ssd,
                caps(CommandSet::Ata, &[AtaSecureErase, AtaSecureEraseEnhanced]),
                Some(AtaSecureEraseEnhanced),
            ),
            // Normal security erase alone is not enough for flash.
            (&sata_ssd, caps(CommandSet::Ata, &[AtaSecureErase]), None),
            // Frozen: no security erase.
            (&sata_ssd, frozen, None),
            // QEMU's AHCI disk: no ATA security, no SANITIZE.
            (&sata_ssd, caps(CommandSet::Ata, &[]), None),
            (
                &sas,
                caps(
                    CommandSet::Scsi,
                    &[ScsiSanitizeBlock, ScsiSanitizeOverwrite],
                ),
                Some(ScsiSanitizeBlock),
            ),
            // HDD: overwrite even with firmware commands.
            (
                &hdd,
                caps(
                    CommandSet::Ata,
                    &[AtaSecureEraseEnhanced, AtaSanitizeOverwrite],
                ),
                None,
            ),
        ];
        for (i, (d, c, want)) in rows.iter().enumerate() {
            let got = choose(Some(d), Some(c));
            assert_eq!(firmware(&got), *want, "row {i}: {got:?}");
            assert!(!got.reason.is_empty());
            if want.is_some() {
                assert_eq!(got.estimate_secs, Some(120), "row {i}");
            } else {
                assert_eq!(got.method_name(), OVERWRITE_METHOD);
            }
        }
    }

    #[test]
    fn reasons_name_the_obstacle() {
        let ssd = drive(Bus::Usb, false);
        let bridge = Capabilities {
            unreachable: Some(
                "USB bridge does not pass ATA commands: attach the drive directly".into(),
            ),
            ..caps(CommandSet::None, &[])
        };
        let c = choose(Some(&ssd), Some(&bridge));
        assert!(
            c.reason
                .starts_with("USB bridge does not pass ATA commands"),
            "{}",
            c.reason
        );
        assert!(c.reason.ends_with("(Clear only)"));

        let frozen = Capabilities {
            frozen: true,
            ..caps(CommandSet::Ata, &[AtaSecureEraseEnhanced])
        };
        let c = choose(Some(&drive(Bus::Sata, false)), Some(&frozen));
        assert!(c.reason.contains("frozen"));
        assert_eq!(c.why, Why::NoCommand { frozen: true });

        let locked = Capabilities {
            locked: true,
            ..caps(CommandSet::Ata, &[AtaSanitizeCrypto])
        };
        assert!(
            choose(Some(&drive(Bus::Sata, false)), Some(&locked))
                .reason
                .contains("locked")
        );

        assert!(choose(None, None).reason.contains("file"));
        let unknown = choose(Some(&drive(Bus::Loop, false)), None);
        assert_eq!(
            unknown.action,
            Action::Overwrite {
                remove_hidden: false
            }
        );

        let nvme_all = Capabilities {
            affects_all_namespaces: true,
            ..caps(CommandSet::Nvme, &[NvmeFormat])
        };
        let c = choose(Some(&drive(Bus::Nvme, false)), Some(&nvme_all));
        assert!(c.reason.contains("every namespace"), "{}", c.reason);
        assert_eq!(
            c.why,
            Why::Supported {
                all_namespaces: true
            }
        );
        assert_eq!(c.method_name(), "nvme-format");
    }

    #[test]
    fn rotating_disks_lose_their_hidden_areas_first() {
        let hidden = Capabilities {
            hidden: Some(HiddenAreas {
                current_sectors: 1000,
                native_sectors: Some(2000),
                dco_sectors: None,
            }),
            ..caps(CommandSet::Ata, &[])
        };
        let c = choose(Some(&drive(Bus::Sata, true)), Some(&hidden));
        assert_eq!(
            c.action,
            Action::Overwrite {
                remove_hidden: true
            }
        );
        assert!(c.reason.contains("hidden areas"));
    }
}
