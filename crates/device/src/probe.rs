//! What a drive's firmware can do: [`probe`] asks the drive through a [`Transport`] (NVMe
//! Identify Controller and the Sanitize Status log, ATA IDENTIFY DEVICE with READ NATIVE MAX
//! ADDRESS EXT and DEVICE CONFIGURATION IDENTIFY, SCSI INQUIRY and REPORT SUPPORTED OPERATION
//! CODES) and turns the answers into [`Capabilities`]. It reads only: no command here changes
//! the drive.

use serde::Serialize;

use crate::capabilities::{Capabilities, CommandSet, FirmwareOp, HiddenAreas};
use crate::command::{Data, Transport, TransportError, ata, nvme, open_transport, scsi};
use crate::device::{Bus, Drive};
use crate::error_chain;

/// What a drive says about itself in its own identify data (NVMe Identify Controller, ATA
/// IDENTIFY DEVICE), not what sysfs says: it shows that Tabula's commands reach the drive they
/// name. Shown by `tabula devices --json` as `identify`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "command", rename_all = "kebab-case")]
#[non_exhaustive]
pub enum FirmwareIdentity {
    /// Identify Controller (CNS 01h): strings and the fields firmware erase depends on.
    NvmeIdentifyController {
        model: String,
        serial: String,
        firmware: String,
        oacs: u16,
        sanicap: u32,
        fna: u8,
    },
    /// IDENTIFY DEVICE: strings, the size, and the feature sets firmware erase depends on.
    AtaIdentifyDevice {
        model: String,
        serial: String,
        firmware: String,
        sectors: u64,
        sanitize: bool,
        security: bool,
    },
}

/// The capabilities of `drive`, read through a transport opened without an exclusive claim.
/// Never fails: a drive no command reaches gets [`CommandSet::None`] with the reason.
pub fn capabilities_of(drive: &Drive) -> Capabilities {
    inspect(drive).0
}

/// [`capabilities_of`] and the drive's own identify data, when a command reached it.
pub fn inspect(drive: &Drive) -> (Capabilities, Option<FirmwareIdentity>) {
    match open_transport(drive) {
        Ok(mut transport) => probe_identified(transport.as_mut(), drive.transport),
        Err(e) => (
            Capabilities::unreachable(match e {
                crate::command::OpenError::NoCommandPath { reason, .. } => reason,
                other => error_chain(&other),
            }),
            None,
        ),
    }
}

/// Asks the drive behind `transport` what it can do, by the command set its bus speaks.
pub fn probe(transport: &mut dyn Transport, drive: &Drive) -> Capabilities {
    probe_bus(transport, drive.transport)
}

/// [`probe`] for a drive on `bus` (SCSI drives are asked for ATA first: a SATA drive behind a
/// SAS controller answers ATA pass-through).
pub fn probe_bus(transport: &mut dyn Transport, bus: Bus) -> Capabilities {
    probe_identified(transport, bus).0
}

/// [`probe_bus`], also returning the identify data the probe read.
pub fn probe_identified(
    transport: &mut dyn Transport,
    bus: Bus,
) -> (Capabilities, Option<FirmwareIdentity>) {
    let result = match bus {
        Bus::Nvme => probe_nvme(transport).map(|(c, id)| (c, Some(id))),
        Bus::Sata | Bus::Usb => match probe_ata(transport) {
            // A CD/DVD drive (ATAPI, or behind a USB bridge) is no disk: say so rather than
            // advise attaching it directly.
            Err(e @ TransportError::Unsupported(_)) => match inquiry(transport) {
                Ok(found) if found.device_type != 0 => Ok((not_a_block_device(&found), None)),
                _ => Err(e),
            },
            other => other.map(|(c, id)| (c, Some(id))),
        },
        Bus::Scsi => match probe_ata(transport) {
            Err(TransportError::Unsupported(_)) => probe_scsi(transport).map(|c| (c, None)),
            other => other.map(|(c, id)| (c, Some(id))),
        },
        _ => {
            return (
                Capabilities::unreachable(format!(
                    "a {bus} device carries no firmware erase commands"
                )),
                None,
            );
        }
    };
    result.unwrap_or_else(|e| (Capabilities::unreachable(error_chain(&e)), None))
}

fn refused(what: &str, status: String) -> TransportError {
    TransportError::Unsupported(format!("the drive rejected {what}: {status}"))
}

/// Identify Controller (OACS, SANICAP, FNA) and, when Sanitize is supported, the Sanitize
/// Status log for the drive's time estimates.
fn probe_nvme(t: &mut dyn Transport) -> Result<(Capabilities, FirmwareIdentity), TransportError> {
    let mut buf = vec![0u8; nvme::IDENTIFY_LEN];
    let done = t.nvme_admin(&nvme::identify_controller(), Data::In(&mut buf))?;
    if !done.is_success() {
        return Err(refused(
            "Identify Controller",
            nvme::status_text(done.status),
        ));
    }
    let id = nvme::IdentifyController::decode(&buf)
        .ok_or_else(|| refused("Identify Controller", "short answer".to_owned()))?;
    let mut caps = Capabilities::of(CommandSet::Nvme);
    let order = [
        (id.sanitize_crypto(), FirmwareOp::NvmeSanitizeCrypto),
        (id.sanitize_block(), FirmwareOp::NvmeSanitizeBlock),
        (
            id.format_supported() && id.format_crypto(),
            FirmwareOp::NvmeFormatCrypto,
        ),
        (id.format_supported(), FirmwareOp::NvmeFormat),
        (id.sanitize_overwrite(), FirmwareOp::NvmeSanitizeOverwrite),
    ];
    caps.supported = order
        .iter()
        .filter(|(s, _)| *s)
        .map(|(_, op)| *op)
        .collect();
    caps.affects_all_namespaces = id.format_all_namespaces() || id.erase_all_namespaces();
    if id.sanicap & 0x7 != 0 {
        let mut log = vec![0u8; nvme::SANITIZE_LOG_LEN];
        let done = t.nvme_admin(&nvme::get_sanitize_log(), Data::In(&mut log))?;
        if let Some(status) = done
            .is_success()
            .then(|| nvme::SanitizeStatus::decode(&log))
            .flatten()
        {
            caps.estimate_secs = match caps.supported.first() {
                Some(FirmwareOp::NvmeSanitizeCrypto) => status.estimate_crypto,
                Some(FirmwareOp::NvmeSanitizeBlock) => status.estimate_block,
                Some(FirmwareOp::NvmeSanitizeOverwrite) => status.estimate_overwrite,
                _ => None,
            }
            .map(u64::from);
        }
    }
    let identity = FirmwareIdentity::NvmeIdentifyController {
        model: id.model,
        serial: id.serial,
        firmware: id.firmware,
        oacs: id.oacs,
        sanicap: id.sanicap,
        fna: id.fna,
    };
    Ok((caps, identity))
}

/// IDENTIFY DEVICE (sanitize word 59, security word 128, erase times 89/90) and the hidden
/// areas.
fn probe_ata(t: &mut dyn Transport) -> Result<(Capabilities, FirmwareIdentity), TransportError> {
    let id = identify_device(t)?;
    let mut caps = Capabilities::of(CommandSet::Ata);
    let sec = id.security;
    let order = [
        (id.sanitize_crypto, FirmwareOp::AtaSanitizeCrypto),
        (id.sanitize_block, FirmwareOp::AtaSanitizeBlock),
        (
            sec.supported && sec.enhanced_erase,
            FirmwareOp::AtaSecureEraseEnhanced,
        ),
        (sec.supported, FirmwareOp::AtaSecureErase),
        (id.sanitize_overwrite, FirmwareOp::AtaSanitizeOverwrite),
    ];
    caps.supported = order
        .iter()
        .filter(|(s, _)| *s)
        .map(|(_, op)| *op)
        .collect();
    caps.frozen = sec.frozen;
    caps.locked = sec.locked;
    caps.estimate_secs = match caps.supported.first() {
        Some(FirmwareOp::AtaSecureEraseEnhanced) => id.enhanced_erase_secs,
        Some(FirmwareOp::AtaSecureErase) => id.erase_secs,
        _ => None,
    };
    caps.hidden = Some(hidden_areas(t, &id)?);
    let identity = FirmwareIdentity::AtaIdentifyDevice {
        model: id.model,
        serial: id.serial,
        firmware: id.firmware,
        sectors: id.sectors,
        sanitize: id.sanitize,
        security: sec.supported,
    };
    Ok((caps, identity))
}

/// IDENTIFY DEVICE, decoded.
pub fn identify_device(t: &mut dyn Transport) -> Result<ata::IdentifyDevice, TransportError> {
    let mut buf = [0u8; 512];
    let out = t.ata(&ata::identify(), Data::In(&mut buf))?;
    if out.failed() {
        return Err(refused("IDENTIFY DEVICE", ata::status_text(&out)));
    }
    // A data command's success is GOOD without registers: a translator that ignored the
    // pass-through answers the same way, but sends no data.
    if buf.iter().all(|b| *b == 0) {
        return Err(TransportError::Unsupported(
            crate::command::sat::NO_PASSTHROUGH.to_owned(),
        ));
    }
    // Word 255: with signature A5h, the checksum makes the 512 bytes sum to zero (ACS-4
    // 7.12.7.90).
    if buf[510] == 0xA5 && buf.iter().fold(0u8, |a, b| a.wrapping_add(*b)) != 0 {
        return Err(refused(
            "IDENTIFY DEVICE",
            "its data fails the checksum of word 255".to_owned(),
        ));
    }
    ata::IdentifyDevice::decode(&buf)
        .ok_or_else(|| refused("IDENTIFY DEVICE", "short answer".to_owned()))
}

/// HPA (READ NATIVE MAX ADDRESS EXT against the current size) and DCO (DEVICE CONFIGURATION
/// IDENTIFY). A drive that aborts either leaves that field unknown.
pub fn hidden_areas(
    t: &mut dyn Transport,
    id: &ata::IdentifyDevice,
) -> Result<HiddenAreas, TransportError> {
    let mut hidden = HiddenAreas {
        current_sectors: id.sectors,
        ..HiddenAreas::default()
    };
    if id.hpa_supported && id.lba48 {
        let out = t.ata(&ata::read_native_max_ext(), Data::None)?;
        if !out.failed() {
            hidden.native_sectors = Some(out.lba + 1);
        }
    }
    if id.dco_supported {
        let mut buf = [0u8; 512];
        let out = t.ata(&ata::dco_identify(), Data::In(&mut buf))?;
        if !out.failed() {
            hidden.dco_sectors = ata::dco_sectors(&buf);
        }
    }
    Ok(hidden)
}

/// The standard INQUIRY data (SPC-5 6.7.2).
fn inquiry(t: &mut dyn Transport) -> Result<scsi::Inquiry, TransportError> {
    let mut buf = [0u8; 96];
    let out = t.scsi(&scsi::inquiry(), Data::In(&mut buf))?;
    if out.status != scsi::STATUS_GOOD {
        return Err(refused("INQUIRY", scsi::status_text(&out)));
    }
    scsi::Inquiry::decode(&buf).ok_or_else(|| refused("INQUIRY", "short answer".to_owned()))
}

/// A device whose INQUIRY names a peripheral type other than a direct-access block device.
fn not_a_block_device(inquiry: &scsi::Inquiry) -> Capabilities {
    let kind = match inquiry.device_type {
        0x05 => "a CD/DVD drive",
        0x01 => "a tape drive",
        0x07 => "an optical memory device",
        0x0E => "a simplified direct-access device",
        _ => "not a block device",
    };
    Capabilities::unreachable(format!(
        "SCSI device type {:#04x} ({kind}): no disk to erase",
        inquiry.device_type
    ))
}

/// INQUIRY (a direct-access block device?) and which SANITIZE service actions the drive
/// reports as supported.
fn probe_scsi(t: &mut dyn Transport) -> Result<Capabilities, TransportError> {
    let inquiry = inquiry(t)?;
    if inquiry.device_type != 0 {
        return Ok(not_a_block_device(&inquiry));
    }
    let mut caps = Capabilities::of(CommandSet::Scsi);
    let order = [
        (
            scsi::SanitizeAction::CryptoErase,
            FirmwareOp::ScsiSanitizeCrypto,
        ),
        (
            scsi::SanitizeAction::BlockErase,
            FirmwareOp::ScsiSanitizeBlock,
        ),
        (
            scsi::SanitizeAction::Overwrite,
            FirmwareOp::ScsiSanitizeOverwrite,
        ),
    ];
    for (action, op) in order {
        let mut answer = [0u8; 16];
        let cmd = scsi::report_supported(scsi::SANITIZE_OPCODE, action as u16);
        let out = t.scsi(&cmd, Data::In(&mut answer))?;
        if out.status == scsi::STATUS_GOOD && scsi::opcode_supported(&answer) {
            caps.supported.push(op);
        }
    }
    Ok(caps)
}

#[cfg(all(test, feature = "sim"))]
mod tests {
    use super::*;
    use crate::command::{
        AtaCommand, AtaOutput, NvmeAdmin, NvmeCompletion, ScsiCommand, ScsiOutput,
    };

    /// Answers every ATA data command with GOOD and no data, as a bridge that ignores ATA
    /// PASS-THROUGH can (or an ATAPI device does); INQUIRY names this peripheral type.
    struct NoAtaData(u8);
    impl Transport for NoAtaData {
        fn nvme_admin(
            &mut self,
            _: &NvmeAdmin,
            _: Data<'_>,
        ) -> Result<NvmeCompletion, TransportError> {
            Err(TransportError::Unsupported("no NVMe".into()))
        }
        fn ata(&mut self, cmd: &AtaCommand, _: Data<'_>) -> Result<AtaOutput, TransportError> {
            crate::command::sat::answer(cmd, 0, &[])
        }
        fn scsi(&mut self, _: &ScsiCommand, data: Data<'_>) -> Result<ScsiOutput, TransportError> {
            if let Data::In(buf) = data {
                buf[0] = self.0;
                buf[4] = 31;
            }
            Ok(ScsiOutput::default())
        }
    }
    use crate::sim::{AtaConfig, NvmeConfig, SimAta, SimNvme};

    #[test]
    fn a_cd_drive_is_named_as_one_not_sent_to_a_sata_port() {
        let (caps, id) = probe_identified(&mut NoAtaData(0x05), Bus::Sata);
        assert_eq!((caps.command_set, id), (CommandSet::None, None));
        let reason = caps.unreachable.unwrap_or_default();
        assert!(reason.contains("CD/DVD"), "{reason}");
        assert!(!reason.contains("attach the drive directly"), "{reason}");
    }

    #[test]
    fn the_probe_returns_what_the_drive_identified_itself_as() {
        let mut qemu = SimNvme::new(NvmeConfig::qemu());
        let (caps, id) = probe_identified(&mut qemu, Bus::Nvme);
        assert_eq!(caps.supported, vec![FirmwareOp::NvmeFormat]);
        let Some(FirmwareIdentity::NvmeIdentifyController {
            serial, oacs, fna, ..
        }) = id
        else {
            panic!("no NVMe identity: {id:?}");
        };
        assert_eq!((serial.as_str(), fna), ("SIM0000000001", 0));
        assert_ne!(oacs & 0x2, 0);

        let mut plain = SimAta::new(AtaConfig {
            sanitize: false,
            security: false,
            ..AtaConfig::default()
        });
        let (caps, id) = probe_identified(&mut plain, Bus::Sata);
        assert!(caps.supported.is_empty());
        match id {
            Some(FirmwareIdentity::AtaIdentifyDevice {
                serial,
                sanitize,
                security,
                sectors,
                ..
            }) => {
                assert_eq!(serial, "SIMATA0001");
                assert!(!sanitize && !security);
                assert_eq!(sectors, 64);
            }
            other => panic!("no ATA identity: {other:?}"),
        }
        // A translator that answers GOOD and sends nothing is no ATA path.
        let mut silent = NoAtaData(0x00);
        let (caps, id) = probe_identified(&mut silent, Bus::Usb);
        assert_eq!((caps.command_set, id), (CommandSet::None, None));
        assert!(
            caps.unreachable
                .is_some_and(|r| r.contains("attach the drive directly"))
        );
        // No command path, no identity.
        let (caps, id) = probe_identified(&mut plain, Bus::Virtio);
        assert_eq!((caps.command_set, id), (CommandSet::None, None));
    }
}
