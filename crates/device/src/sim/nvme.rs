//! A simulated NVMe controller with one namespace (NVMe Base 2.0, NVM-CS 1.0).

use std::sync::{Arc, Mutex};

use super::{ALL, Faults, Fill, HALF, Media, lock};
use crate::command::nvme::{self, IDENTIFY_LEN, SANITIZE_LOG_LEN};
use crate::command::{
    AtaCommand, AtaOutput, Data, NvmeAdmin, NvmeCompletion, ScsiCommand, ScsiOutput, Transport,
    TransportError,
};

const INVALID_OPCODE: u16 = 0x0001;
const INVALID_FIELD: u16 = 0x0002;
const INVALID_NAMESPACE: u16 = 0x000B;
const SANITIZE_IN_PROGRESS: u16 = 0x001D;

/// What the simulated controller supports.
#[derive(Debug, Clone)]
pub struct NvmeConfig {
    pub sectors: u64,
    /// SANICAP bits 0-2: crypto, block, overwrite.
    pub sanicap: u32,
    /// OACS bit 1.
    pub format: bool,
    /// FNA bit 2: crypto erase by Format NVM.
    pub format_crypto: bool,
    /// FNA bits 0 and 1: format and erase apply to all namespaces.
    pub all_namespaces: bool,
    /// Accept Format SES=2 although FNA bit 2 is clear (as QEMU does).
    pub lenient_crypto_format: bool,
    /// NSFEAT THINP: NUSE reports allocated blocks.
    pub thin: bool,
    /// Sanitize Status log reads until a sanitize completes.
    pub polls_to_finish: u32,
    pub faults: Faults,
}

impl Default for NvmeConfig {
    /// A controller with everything: sanitize crypto/block/overwrite, format with crypto erase.
    fn default() -> Self {
        Self {
            sectors: 64,
            sanicap: 0b111,
            format: true,
            format_crypto: true,
            all_namespaces: false,
            lenient_crypto_format: false,
            thin: true,
            polls_to_finish: 4,
            faults: Faults::default(),
        }
    }
}

impl NvmeConfig {
    /// What QEMU's emulated controller reports and does: OACS 0x12a (Format), FNA 0, SANICAP
    /// 0; Format SES=0/1/2 all succeed and zero the data; Sanitize is an invalid opcode.
    pub fn qemu() -> Self {
        Self {
            sanicap: 0,
            format_crypto: false,
            lenient_crypto_format: true,
            thin: false,
            ..Self::default()
        }
    }
}

#[derive(Debug)]
struct State {
    config: NvmeConfig,
    nuse: u64,
    sstat: u16,
    sprog: u16,
    scdw10: u32,
    /// The running sanitize: its fill and the log reads so far.
    running: Option<(Fill, u32)>,
}

/// A simulated NVMe controller; clones share the drive.
#[derive(Debug, Clone)]
pub struct SimNvme {
    state: Arc<Mutex<State>>,
    media: Media,
}

impl SimNvme {
    pub fn new(config: NvmeConfig) -> Self {
        let media = Media::with_user_data(config.sectors);
        Self::with_media(config, media)
    }

    /// A controller whose namespace is `media` (its size replaces `config.sectors`).
    pub fn with_media(mut config: NvmeConfig, media: Media) -> Self {
        config.sectors = media.sectors();
        Self {
            state: Arc::new(Mutex::new(State {
                nuse: config.sectors,
                config,
                sstat: 0,
                sprog: u16::MAX,
                scdw10: 0,
                running: None,
            })),
            media,
        }
    }

    pub fn media(&self) -> Media {
        self.media.clone()
    }

    /// Changes the failures shown from now on.
    pub fn set_faults(&self, faults: Faults) {
        lock(&self.state).config.faults = faults;
    }
}

fn done(status: u16) -> Result<NvmeCompletion, TransportError> {
    Ok(NvmeCompletion { status, result: 0 })
}

impl State {
    fn identify(&self, cmd: &NvmeAdmin, buf: &mut [u8]) -> u16 {
        if buf.len() < IDENTIFY_LEN {
            return INVALID_FIELD;
        }
        buf[..IDENTIFY_LEN].fill(0);
        let c = &self.config;
        match cmd.cdw10 & 0xFF {
            0x01 => {
                buf[4..24].copy_from_slice(b"SIM0000000001       ");
                buf[24..64].copy_from_slice(b"Tabula simulated NVMe                   ");
                buf[64..72].copy_from_slice(b"1.0     ");
                let oacs: u16 = 0x0100 | 0x0020 | 0x0008 | if c.format { 0x0002 } else { 0 };
                buf[256..258].copy_from_slice(&oacs.to_le_bytes());
                buf[328..332].copy_from_slice(&c.sanicap.to_le_bytes());
                buf[516..520].copy_from_slice(&1u32.to_le_bytes());
                buf[524] = (u8::from(c.all_namespaces) * 0b11) | (u8::from(c.format_crypto) << 2);
                0
            }
            0x00 if cmd.nsid == 1 => {
                buf[0..8].copy_from_slice(&c.sectors.to_le_bytes());
                buf[8..16].copy_from_slice(&c.sectors.to_le_bytes());
                buf[16..24].copy_from_slice(&self.nuse.to_le_bytes());
                buf[24] = u8::from(c.thin);
                buf[128 + 2] = 9; // LBA format 0: 512-byte blocks
                0
            }
            0x00 => INVALID_NAMESPACE,
            _ => INVALID_FIELD,
        }
    }

    fn sanitize_log(&mut self, media: &Media, buf: &mut [u8]) -> u16 {
        if let Some((fill, polls)) = self.running {
            let polls = polls + 1;
            let finish = self.config.polls_to_finish.max(1);
            if self.config.faults.power_loss_mid_erase && polls * 2 >= finish {
                media.erase(fill, HALF);
                self.running = None;
                self.sstat = 3;
                self.sprog = u16::MAX;
            } else if polls >= finish {
                media.erase(fill, ALL);
                self.running = None;
                self.sstat = 1 | 1 << 8;
                self.sprog = u16::MAX;
                self.nuse = 0;
            } else {
                self.running = Some((fill, polls));
                self.sprog = (polls * 65536 / finish) as u16;
            }
        }
        if buf.len() < SANITIZE_LOG_LEN {
            return INVALID_FIELD;
        }
        buf[..SANITIZE_LOG_LEN].fill(0);
        buf[0..2].copy_from_slice(&self.sprog.to_le_bytes());
        buf[2..4].copy_from_slice(&self.sstat.to_le_bytes());
        buf[4..8].copy_from_slice(&self.scdw10.to_le_bytes());
        buf[8..12].copy_from_slice(&60u32.to_le_bytes());
        buf[12..16].copy_from_slice(&20u32.to_le_bytes());
        buf[16..20].copy_from_slice(&2u32.to_le_bytes());
        0
    }

    fn sanitize(&mut self, cmd: &NvmeAdmin) -> u16 {
        let c = &self.config;
        if c.sanicap & 0x7 == 0 || c.faults.sanitize_unsupported {
            return INVALID_OPCODE;
        }
        if self.running.is_some() {
            return SANITIZE_IN_PROGRESS;
        }
        let fill = match cmd.cdw10 & 0x7 {
            2 if c.sanicap & 0b010 != 0 => Fill::Zeros,
            3 if c.sanicap & 0b100 != 0 => Fill::Pattern(cmd.cdw11),
            4 if c.sanicap & 0b001 != 0 => Fill::Random,
            1 => {
                // Exit Failure Mode: only after a failure, and only with AUSE set before.
                if self.sstat & 0x7 == 3 && self.scdw10 & (1 << 3) != 0 {
                    self.sstat = 0;
                    return 0;
                }
                return INVALID_FIELD;
            }
            _ => return INVALID_FIELD,
        };
        if c.faults.ignores_erase {
            return 0;
        }
        self.running = Some((fill, 0));
        self.sstat = 2;
        self.sprog = 0;
        self.scdw10 = cmd.cdw10;
        0
    }

    fn format(&mut self, media: &Media, cmd: &NvmeAdmin) -> Result<u16, TransportError> {
        let c = &self.config;
        if !c.format {
            return Ok(INVALID_OPCODE);
        }
        if self.running.is_some() {
            return Ok(SANITIZE_IN_PROGRESS);
        }
        if cmd.nsid != 1 && cmd.nsid != nvme::NSID_ALL {
            return Ok(INVALID_NAMESPACE);
        }
        let fill = match (cmd.cdw10 >> 9) & 0x7 {
            0 | 1 => Fill::Zeros,
            // QEMU zeroes for SES=2 as well.
            2 if c.lenient_crypto_format => Fill::Zeros,
            2 if c.format_crypto => Fill::Random,
            _ => return Ok(INVALID_FIELD),
        };
        if c.faults.ignores_erase {
            return Ok(0);
        }
        if c.faults.power_loss_mid_erase {
            media.erase(fill, HALF);
            return Err(TransportError::Io {
                context: "the controller went away during Format NVM".to_owned(),
                source: std::io::Error::from_raw_os_error(libc::ENODEV),
            });
        }
        media.erase(fill, ALL);
        self.nuse = 0;
        Ok(0)
    }
}

impl Transport for SimNvme {
    fn nvme_admin(
        &mut self,
        cmd: &NvmeAdmin,
        data: Data<'_>,
    ) -> Result<NvmeCompletion, TransportError> {
        let mut s = lock(&self.state);
        match (cmd.opcode, data) {
            (nvme::OP_IDENTIFY, Data::In(buf)) => done(s.identify(cmd, buf)),
            (nvme::OP_GET_LOG_PAGE, Data::In(buf))
                if cmd.cdw10 & 0xFF == u32::from(nvme::LOG_SANITIZE_STATUS) =>
            {
                done(s.sanitize_log(&self.media, buf))
            }
            (nvme::OP_GET_LOG_PAGE, _) => done(INVALID_FIELD),
            (nvme::OP_SANITIZE, _) => done(s.sanitize(cmd)),
            (nvme::OP_FORMAT_NVM, _) => s.format(&self.media, cmd).map(|st| NvmeCompletion {
                status: st,
                result: 0,
            }),
            _ => done(INVALID_OPCODE),
        }
    }

    fn ata(&mut self, _: &AtaCommand, _: Data<'_>) -> Result<AtaOutput, TransportError> {
        Err(TransportError::Unsupported(
            "an NVMe drive takes no ATA commands".to_owned(),
        ))
    }

    fn scsi(&mut self, _: &ScsiCommand, _: Data<'_>) -> Result<ScsiOutput, TransportError> {
        Err(TransportError::Unsupported(
            "an NVMe drive is not reached with SCSI commands here".to_owned(),
        ))
    }

    fn nvme_namespace(&self) -> Option<u32> {
        Some(1)
    }
}
