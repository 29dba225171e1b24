//! A [`Transport`] wrapper that keeps every command sent through it as a [`CommandRecord`]:
//! the state machines (and the read-only probes of `tabula-device` they reuse) send through it,
//! so nothing reaches the drive unrecorded. Consecutive identical commands (status polling)
//! collapse into one record with a count.

use chrono::Utc;
use tabula_device::command::{
    AtaCommand, AtaOutput, Data, NvmeAdmin, NvmeCompletion, ScsiCommand, ScsiOutput, Transport,
    TransportError, ata, nvme, scsi,
};

use super::CommandRecord;

pub(crate) struct Recorder<'t> {
    inner: &'t mut dyn Transport,
    pub(crate) records: Vec<CommandRecord>,
    /// The plain name of the last record and how often it was sent in a row.
    last: Option<(String, usize)>,
}

impl<'t> Recorder<'t> {
    pub(crate) fn new(inner: &'t mut dyn Transport) -> Self {
        Self {
            inner,
            records: Vec::new(),
            last: None,
        }
    }

    fn record<T>(
        &mut self,
        name: String,
        sent: chrono::DateTime<Utc>,
        result: &Result<T, TransportError>,
        status: impl Fn(&T) -> (String, bool),
    ) {
        let (status, ok) = match result {
            Ok(out) => status(out),
            Err(e) => (plain(e), false),
        };
        let finished = Utc::now();
        if let (Some((last, count)), Some(rec)) = (&mut self.last, self.records.last_mut())
            && *last == name
        {
            *count += 1;
            rec.command = format!("{name} (sent {count} times)");
            rec.status = status;
            rec.ok = ok;
            rec.finished = finished;
            return;
        }
        self.last = Some((name.clone(), 1));
        self.records.push(CommandRecord {
            command: name,
            status,
            ok,
            sent,
            finished,
        });
    }
}

/// A transport error in plain words, with its cause.
pub(crate) fn plain(e: &TransportError) -> String {
    tabula_device::error_chain(e)
}

impl Transport for Recorder<'_> {
    fn nvme_admin(
        &mut self,
        cmd: &NvmeAdmin,
        data: Data<'_>,
    ) -> Result<NvmeCompletion, TransportError> {
        let sent = Utc::now();
        let result = self.inner.nvme_admin(cmd, data);
        self.record(nvme_name(cmd), sent, &result, |c| {
            (nvme::status_text(c.status), c.is_success())
        });
        result
    }

    fn ata(&mut self, cmd: &AtaCommand, data: Data<'_>) -> Result<AtaOutput, TransportError> {
        let name = ata_name(cmd, &data);
        let sent = Utc::now();
        let result = self.inner.ata(cmd, data);
        self.record(name, sent, &result, |o| (ata::status_text(o), !o.failed()));
        result
    }

    fn scsi(&mut self, cmd: &ScsiCommand, data: Data<'_>) -> Result<ScsiOutput, TransportError> {
        let sent = Utc::now();
        let result = self.inner.scsi(cmd, data);
        self.record(scsi_name(cmd), sent, &result, |o| {
            (scsi::status_text(o), o.status == scsi::STATUS_GOOD)
        });
        result
    }

    fn nvme_namespace(&self) -> Option<u32> {
        self.inner.nvme_namespace()
    }
}

fn nvme_name(cmd: &NvmeAdmin) -> String {
    match cmd.opcode {
        nvme::OP_IDENTIFY if cmd.cdw10 & 0xFF == 1 => "IDENTIFY (controller)".to_owned(),
        nvme::OP_IDENTIFY => format!("IDENTIFY (namespace {})", cmd.nsid),
        nvme::OP_GET_LOG_PAGE if cmd.cdw10 & 0xFF == u32::from(nvme::LOG_SANITIZE_STATUS) => {
            "GET LOG PAGE 81h (Sanitize Status)".to_owned()
        }
        nvme::OP_FORMAT_NVM => format!(
            "FORMAT NVM SES={} (namespace {:#x})",
            (cmd.cdw10 >> 9) & 0x7,
            cmd.nsid
        ),
        nvme::OP_SANITIZE => {
            let action = match cmd.cdw10 & 0x7 {
                1 => "exit failure mode",
                2 => "block erase",
                3 => "overwrite",
                4 => "crypto erase",
                _ => "reserved action",
            };
            let mut name = format!("SANITIZE ({action}");
            if cmd.cdw10 & (1 << 3) != 0 {
                name.push_str(", AUSE");
            }
            if cmd.cdw10 & (1 << 9) != 0 {
                name.push_str(", no-deallocate");
            }
            name.push(')');
            name
        }
        op => format!("NVMe admin opcode {op:#04x}"),
    }
}

fn ata_name(cmd: &AtaCommand, data: &Data<'_>) -> String {
    let name = match (cmd.command, cmd.features) {
        (ata::CMD_IDENTIFY, _) => "IDENTIFY DEVICE",
        (ata::CMD_SANITIZE, ata::SANITIZE_STATUS_EXT) => "SANITIZE STATUS EXT",
        (ata::CMD_SANITIZE, ata::CRYPTO_SCRAMBLE_EXT) => "CRYPTO SCRAMBLE EXT",
        (ata::CMD_SANITIZE, ata::BLOCK_ERASE_EXT) => "BLOCK ERASE EXT",
        (ata::CMD_SANITIZE, ata::OVERWRITE_EXT) => "OVERWRITE EXT",
        (ata::CMD_SECURITY_SET_PASSWORD, _) => "SECURITY SET PASSWORD (user, temporary)",
        (ata::CMD_SECURITY_UNLOCK, _) => "SECURITY UNLOCK (user, temporary password)",
        (ata::CMD_SECURITY_ERASE_PREPARE, _) => "SECURITY ERASE PREPARE",
        (ata::CMD_SECURITY_ERASE_UNIT, _) => {
            let enhanced = matches!(data, Data::Out(s) if s.first().is_some_and(|b| b & 0x02 != 0));
            if enhanced {
                "SECURITY ERASE UNIT (enhanced)"
            } else {
                "SECURITY ERASE UNIT (normal)"
            }
        }
        (ata::CMD_SECURITY_DISABLE_PASSWORD, _) => "SECURITY DISABLE PASSWORD (user, temporary)",
        (ata::CMD_READ_NATIVE_MAX_EXT, _) => "READ NATIVE MAX ADDRESS EXT",
        (ata::CMD_SET_MAX_ADDRESS_EXT, _) => {
            return format!("SET MAX ADDRESS EXT (max LBA {}, non-volatile)", cmd.lba);
        }
        (ata::CMD_DCO, ata::DCO_IDENTIFY) => "DEVICE CONFIGURATION IDENTIFY",
        (ata::CMD_DCO, ata::DCO_RESTORE) => "DEVICE CONFIGURATION RESTORE",
        (c, f) => return format!("ATA command {c:#04x} feature {f:#06x}"),
    };
    name.to_owned()
}

fn scsi_name(cmd: &ScsiCommand) -> String {
    let byte1 = cmd.cdb.get(1).copied().unwrap_or(0);
    match cmd.cdb.first() {
        Some(0x00) => "TEST UNIT READY".to_owned(),
        Some(0x03) => "REQUEST SENSE".to_owned(),
        Some(0x12) => "INQUIRY".to_owned(),
        Some(0x48) => {
            let action = match byte1 & 0x1F {
                0x01 => "overwrite",
                0x02 => "block erase",
                0x03 => "crypto erase",
                0x1F => "exit failure mode",
                _ => "reserved action",
            };
            let ause = if byte1 & 0x20 != 0 { ", AUSE" } else { "" };
            format!("SANITIZE ({action}{ause}, IMMED)")
        }
        Some(0xA3) => "REPORT SUPPORTED OPERATION CODES".to_owned(),
        Some(op) => format!("SCSI opcode {op:#04x}"),
        None => "empty CDB".to_owned(),
    }
}
