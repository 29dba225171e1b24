//! What a drive's firmware can do: [`probe`] asks the drive through a [`Transport`] (NVMe
//! Identify Controller and the Sanitize Status log, ATA IDENTIFY DEVICE with READ NATIVE MAX
//! ADDRESS EXT and DEVICE CONFIGURATION IDENTIFY, SCSI INQUIRY and REPORT SUPPORTED OPERATION
//! CODES) and turns the answers into [`Capabilities`]. It reads only: no command here changes
//! the drive.

use crate::capabilities::{Capabilities, CommandSet, FirmwareOp, HiddenAreas};
use crate::command::{Data, Transport, TransportError, ata, nvme, open_transport, scsi};
use crate::device::{Bus, Drive};
use crate::error_chain;

/// The capabilities of `drive`, read through a transport opened without an exclusive claim.
/// Never fails: a drive no command reaches gets [`CommandSet::None`] with the reason.
pub fn capabilities_of(drive: &Drive) -> Capabilities {
    match open_transport(drive) {
        Ok(mut transport) => probe(transport.as_mut(), drive),
        Err(e) => Capabilities::unreachable(match e {
            crate::command::OpenError::NoCommandPath { reason, .. } => reason,
            other => error_chain(&other),
        }),
    }
}

/// Asks the drive behind `transport` what it can do, by the command set its bus speaks.
pub fn probe(transport: &mut dyn Transport, drive: &Drive) -> Capabilities {
    probe_bus(transport, drive.transport)
}

/// [`probe`] for a drive on `bus` (SCSI drives are asked for ATA first: a SATA drive behind a
/// SAS controller answers ATA pass-through).
pub fn probe_bus(transport: &mut dyn Transport, bus: Bus) -> Capabilities {
    let result = match bus {
        Bus::Nvme => probe_nvme(transport),
        Bus::Sata | Bus::Usb => probe_ata(transport),
        Bus::Scsi => match probe_ata(transport) {
            Err(TransportError::Unsupported(_)) => probe_scsi(transport),
            other => other,
        },
        _ => {
            return Capabilities::unreachable(format!(
                "a {bus} device carries no firmware erase commands"
            ));
        }
    };
    result.unwrap_or_else(|e| Capabilities::unreachable(error_chain(&e)))
}

fn refused(what: &str, status: String) -> TransportError {
    TransportError::Unsupported(format!("the drive rejected {what}: {status}"))
}

/// Identify Controller (OACS, SANICAP, FNA) and, when Sanitize is supported, the Sanitize
/// Status log for the drive's time estimates.
fn probe_nvme(t: &mut dyn Transport) -> Result<Capabilities, TransportError> {
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
    Ok(caps)
}

/// IDENTIFY DEVICE (sanitize word 59, security word 128, erase times 89/90) and the hidden
/// areas.
fn probe_ata(t: &mut dyn Transport) -> Result<Capabilities, TransportError> {
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
    Ok(caps)
}

/// IDENTIFY DEVICE, decoded.
pub fn identify_device(t: &mut dyn Transport) -> Result<ata::IdentifyDevice, TransportError> {
    let mut buf = [0u8; 512];
    let out = t.ata(&ata::identify(), Data::In(&mut buf))?;
    if out.failed() {
        return Err(refused("IDENTIFY DEVICE", ata::status_text(&out)));
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

/// INQUIRY (a direct-access block device?) and which SANITIZE service actions the drive
/// reports as supported.
fn probe_scsi(t: &mut dyn Transport) -> Result<Capabilities, TransportError> {
    let mut buf = [0u8; 96];
    let out = t.scsi(&scsi::inquiry(), Data::In(&mut buf))?;
    if out.status != scsi::STATUS_GOOD {
        return Err(refused("INQUIRY", scsi::status_text(&out)));
    }
    let inquiry =
        scsi::Inquiry::decode(&buf).ok_or_else(|| refused("INQUIRY", "short answer".to_owned()))?;
    if inquiry.device_type != 0 {
        return Ok(Capabilities::unreachable(format!(
            "SCSI device type {:#04x} is not a block device",
            inquiry.device_type
        )));
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
