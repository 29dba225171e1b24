//! A simulated SAS drive (SPC-5, SBC-4 SANITIZE with IMMED; progress through REQUEST SENSE).

use std::sync::{Arc, Mutex};

use super::{ALL, Faults, Fill, HALF, Media, lock};
use crate::command::scsi::{self, descriptor_sense};
use crate::command::{
    AtaCommand, AtaOutput, Data, NvmeAdmin, NvmeCompletion, ScsiCommand, ScsiOutput, Transport,
    TransportError, sat,
};

/// What the simulated drive supports.
#[derive(Debug, Clone)]
pub struct ScsiConfig {
    pub sectors: u64,
    /// SANITIZE with overwrite, block erase and crypto erase.
    pub sanitize: bool,
    /// REQUEST SENSE reads until a sanitize completes.
    pub polls_to_finish: u32,
    pub faults: Faults,
}

impl Default for ScsiConfig {
    fn default() -> Self {
        Self {
            sectors: 64,
            sanitize: true,
            polls_to_finish: 4,
            faults: Faults::default(),
        }
    }
}

#[derive(Debug)]
struct State {
    config: ScsiConfig,
    running: Option<(Fill, u32)>,
    failed: bool,
}

/// A simulated SAS drive; clones share the drive.
#[derive(Debug, Clone)]
pub struct SimScsi {
    state: Arc<Mutex<State>>,
    media: Media,
}

impl SimScsi {
    pub fn new(config: ScsiConfig) -> Self {
        Self {
            media: Media::with_user_data(config.sectors),
            state: Arc::new(Mutex::new(State {
                config,
                running: None,
                failed: false,
            })),
        }
    }

    pub fn media(&self) -> Media {
        self.media.clone()
    }
}

fn good() -> ScsiOutput {
    ScsiOutput::default()
}

fn check(key: u8, asc: u8, ascq: u8, descriptors: &[&[u8]]) -> ScsiOutput {
    ScsiOutput {
        status: scsi::STATUS_CHECK_CONDITION,
        sense: descriptor_sense(key, asc, ascq, descriptors),
    }
}

fn invalid_opcode() -> ScsiOutput {
    check(scsi::SENSE_ILLEGAL_REQUEST, 0x20, 0x00, &[])
}

impl State {
    fn supported(&self) -> bool {
        self.config.sanitize && !self.config.faults.sanitize_unsupported
    }

    fn request_sense(&mut self, media: &Media, buf: &mut [u8]) -> ScsiOutput {
        let sense = if let Some((fill, polls)) = self.running {
            let polls = polls + 1;
            let finish = self.config.polls_to_finish.max(1);
            if self.config.faults.power_loss_mid_erase && polls * 2 >= finish {
                media.erase(fill, HALF);
                self.running = None;
                self.failed = true;
                descriptor_sense(scsi::SENSE_MEDIUM_ERROR, 0x31, 0x03, &[])
            } else if polls >= finish {
                media.erase(fill, ALL);
                self.running = None;
                descriptor_sense(scsi::SENSE_NO_SENSE, 0, 0, &[])
            } else {
                self.running = Some((fill, polls));
                let [hi, lo] = ((polls * 65536 / finish) as u16).to_be_bytes();
                let sks = [0x02, 0x06, 0, 0, 0x80, hi, lo, 0];
                descriptor_sense(scsi::SENSE_NOT_READY, 0x04, 0x1B, &[&sks])
            }
        } else if self.failed {
            descriptor_sense(scsi::SENSE_MEDIUM_ERROR, 0x31, 0x03, &[])
        } else {
            descriptor_sense(scsi::SENSE_NO_SENSE, 0, 0, &[])
        };
        let n = sense.len().min(buf.len());
        buf[..n].copy_from_slice(&sense[..n]);
        good()
    }

    fn sanitize(&mut self, cdb: &[u8], data: &Data<'_>) -> ScsiOutput {
        if !self.supported() {
            return invalid_opcode();
        }
        if self.running.is_some() {
            return check(scsi::SENSE_NOT_READY, 0x04, 0x1B, &[]);
        }
        let fill = match cdb[1] & 0x1F {
            0x01 => match data {
                Data::Out(p) if p.len() >= 8 => {
                    Fill::Pattern(u32::from_be_bytes([p[4], p[5], p[6], p[7]]))
                }
                _ => return check(scsi::SENSE_ILLEGAL_REQUEST, 0x26, 0x00, &[]),
            },
            0x02 => Fill::Zeros,
            0x03 => Fill::Random,
            _ => return check(scsi::SENSE_ILLEGAL_REQUEST, 0x24, 0x00, &[]),
        };
        if self.config.faults.ignores_erase {
            return good();
        }
        self.failed = false;
        self.running = Some((fill, 0));
        good()
    }
}

impl Transport for SimScsi {
    fn nvme_admin(&mut self, _: &NvmeAdmin, _: Data<'_>) -> Result<NvmeCompletion, TransportError> {
        Err(TransportError::Unsupported(
            "not an NVMe drive: NVMe admin commands do not apply".to_owned(),
        ))
    }

    fn ata(&mut self, _: &AtaCommand, _: Data<'_>) -> Result<AtaOutput, TransportError> {
        // A SAS drive rejects ATA PASS-THROUGH as an unknown opcode.
        let out = invalid_opcode();
        sat::decode(out.status, &out.sense)
    }

    fn scsi(&mut self, cmd: &ScsiCommand, data: Data<'_>) -> Result<ScsiOutput, TransportError> {
        let mut s = lock(&self.state);
        let Some(&opcode) = cmd.cdb.first() else {
            return Ok(invalid_opcode());
        };
        Ok(match (opcode, data) {
            (0x12, Data::In(buf)) => {
                let mut inq = [0u8; 36];
                inq[4] = 31;
                inq[8..16].copy_from_slice(b"TABULA  ");
                inq[16..32].copy_from_slice(b"SIM SAS DRIVE   ");
                inq[32..36].copy_from_slice(b"0001");
                let n = inq.len().min(buf.len());
                buf[..n].copy_from_slice(&inq[..n]);
                good()
            }
            (0x03, Data::In(buf)) => s.request_sense(&self.media, buf),
            (0xA3, Data::In(buf)) if cmd.cdb.get(1) == Some(&0x0C) => {
                let asked = cmd.cdb.get(3) == Some(&scsi::SANITIZE_OPCODE);
                let support = if asked && s.supported() { 0x03 } else { 0x01 };
                if let Some(b) = buf.get_mut(1) {
                    *b = support;
                }
                good()
            }
            (0x48, data) => s.sanitize(&cmd.cdb, &data),
            (0x00, _) if s.running.is_some() => check(scsi::SENSE_NOT_READY, 0x04, 0x1B, &[]),
            (0x00, _) if s.failed => check(scsi::SENSE_MEDIUM_ERROR, 0x31, 0x03, &[]),
            (0x00, _) => good(),
            _ => invalid_opcode(),
        })
    }
}
