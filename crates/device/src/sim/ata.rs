//! A simulated SATA drive behind a SAT layer (ACS-4 commands; registers returned through the
//! SAT-4 ATA Status Return descriptor, as `SG_IO` would return them).

use std::sync::{Arc, Mutex};
use std::time::Duration;

use super::{ALL, Faults, Fill, HALF, Media, lock};
use crate::command::ata::{self, put_ata_string, seal_identify};
use crate::command::{
    AtaCommand, AtaOutput, Data, NvmeAdmin, NvmeCompletion, ScsiCommand, ScsiOutput, Transport,
    TransportError, sat, scsi,
};

const STATUS_OK: u8 = 0x50;
const ABORT: u8 = 0x04;

/// What the simulated drive supports and the state it starts in.
#[derive(Debug, Clone)]
pub struct AtaConfig {
    /// Sectors the host sees (current max LBA + 1).
    pub sectors: u64,
    /// Native max: above `sectors` when an HPA is set.
    pub native_sectors: Option<u64>,
    /// The factory size behind a DCO: above the native max when a DCO hides sectors.
    pub dco_sectors: Option<u64>,
    /// SANITIZE feature set with crypto scramble, block erase and overwrite.
    pub sanitize: bool,
    /// Security feature set, with enhanced erase.
    pub security: bool,
    pub enhanced_erase: bool,
    pub frozen: bool,
    /// Locked with this user password (a password Tabula does not know, or its own).
    pub locked_with: Option<Vec<u8>>,
    /// Words 89/90: the drive's erase time estimate in minutes.
    pub erase_minutes: u16,
    /// SANITIZE STATUS EXT reads until a sanitize completes.
    pub polls_to_finish: u32,
    /// A USB bridge that does not translate ATA PASS-THROUGH.
    pub no_passthrough: bool,
    /// Frozen is lifted by a suspend-to-RAM cycle (see [`SimAta::suspend_resume`]).
    pub unfreezes_on_resume: bool,
    /// DEVICE CONFIGURATION FREEZE LOCK in effect: DEVICE CONFIGURATION RESTORE is aborted.
    pub dco_frozen: bool,
    pub faults: Faults,
}

impl Default for AtaConfig {
    /// A SATA SSD with sanitize and security (enhanced), not frozen, no hidden areas.
    fn default() -> Self {
        Self {
            sectors: 64,
            native_sectors: None,
            dco_sectors: None,
            sanitize: true,
            security: true,
            enhanced_erase: true,
            frozen: false,
            locked_with: None,
            erase_minutes: 2,
            polls_to_finish: 4,
            no_passthrough: false,
            unfreezes_on_resume: true,
            dco_frozen: false,
            faults: Faults::default(),
        }
    }
}

impl AtaConfig {
    /// (native, DCO) sector counts, each at least the size before it.
    fn hidden_sizes(&self) -> (u64, u64) {
        let native = self
            .native_sectors
            .unwrap_or(self.sectors)
            .max(self.sectors);
        (native, self.dco_sectors.unwrap_or(native).max(native))
    }
}

#[derive(Debug)]
struct State {
    config: AtaConfig,
    current: u64,
    native: u64,
    dco: u64,
    enabled: bool,
    locked: bool,
    frozen: bool,
    password: Option<[u8; 32]>,
    attempts: u8,
    /// The previous command (opcode, feature): ERASE UNIT must follow ERASE PREPARE, SET MAX
    /// ADDRESS must follow READ NATIVE MAX ADDRESS.
    previous: Option<(u8, u16)>,
    sanitize_running: Option<(Fill, u32)>,
    sanitize_ok: bool,
    sanitize_failed: bool,
    last_erase_timeout: Option<Duration>,
}

/// A simulated SATA drive; clones share the drive.
#[derive(Debug, Clone)]
pub struct SimAta {
    state: Arc<Mutex<State>>,
    media: Media,
}

impl SimAta {
    pub fn new(config: AtaConfig) -> Self {
        let (_, dco) = config.hidden_sizes();
        Self::with_media(config, Media::with_user_data(dco))
    }

    /// A drive whose medium is `media`; `config`'s sizes stay as given (a medium shorter than
    /// the DCO size clips the erase to its own length).
    pub fn with_media(config: AtaConfig, media: Media) -> Self {
        let (native, dco) = config.hidden_sizes();
        let password = config.locked_with.as_deref().map(padded);
        Self {
            state: Arc::new(Mutex::new(State {
                current: config.sectors,
                native,
                dco,
                enabled: password.is_some(),
                locked: password.is_some(),
                frozen: config.frozen,
                password,
                attempts: 0,
                previous: None,
                sanitize_running: None,
                sanitize_ok: false,
                sanitize_failed: false,
                last_erase_timeout: None,
                config,
            })),
            media,
        }
    }

    pub fn media(&self) -> Media {
        self.media.clone()
    }

    /// Security state as (enabled, locked, frozen).
    pub fn security(&self) -> (bool, bool, bool) {
        let s = lock(&self.state);
        (s.enabled, s.locked, s.frozen)
    }

    /// (current, native, DCO) sector counts.
    pub fn sizes(&self) -> (u64, u64, u64) {
        let s = lock(&self.state);
        (s.current, s.native, s.dco)
    }

    /// The timeout the last SECURITY ERASE UNIT was sent with.
    pub fn last_erase_timeout(&self) -> Option<Duration> {
        lock(&self.state).last_erase_timeout
    }

    pub fn set_faults(&self, faults: Faults) {
        lock(&self.state).config.faults = faults;
    }

    /// A suspend-to-RAM cycle: the SATA link resets, and a BIOS that froze the drive at boot is
    /// not there to freeze it again.
    pub fn suspend_resume(&self) {
        let mut s = lock(&self.state);
        if s.config.unfreezes_on_resume {
            s.frozen = false;
        }
        s.previous = None;
    }
}

fn padded(password: &[u8]) -> [u8; 32] {
    let mut p = [0u8; 32];
    let n = password.len().min(32);
    p[..n].copy_from_slice(&password[..n]);
    p
}

fn ok() -> AtaOutput {
    AtaOutput {
        status: STATUS_OK,
        device: 0x40,
        ..AtaOutput::default()
    }
}

fn abort() -> AtaOutput {
    AtaOutput {
        status: 0x51,
        error: ABORT,
        device: 0x40,
        ..AtaOutput::default()
    }
}

impl State {
    fn identify(&self, buf: &mut [u8]) -> AtaOutput {
        let Some(out) = buf.get_mut(..512) else {
            return abort();
        };
        let mut b = [0u8; 512];
        let mut word = |n: usize, v: u16| b[2 * n..2 * n + 2].copy_from_slice(&v.to_le_bytes());
        let c = &self.config;
        if c.sanitize && !c.faults.sanitize_unsupported {
            word(59, 1 << 12 | 1 << 13 | 1 << 14 | 1 << 15);
        }
        let sectors28 = self.current.min(0x0FFF_FFFF);
        word(60, sectors28 as u16);
        word(61, (sectors28 >> 16) as u16);
        word(82, 1 << 10 | u16::from(c.security) << 1);
        word(83, 0x4000 | 1 << 10 | 1 << 11);
        word(84, 0x4000);
        word(
            85,
            u16::from(self.current < self.native) << 10 | u16::from(self.enabled) << 1,
        );
        word(86, 1 << 10);
        if c.security {
            word(89, c.erase_minutes.div_ceil(2));
            word(90, c.erase_minutes.div_ceil(2));
        }
        for (i, n) in (100..104).enumerate() {
            word(n, (self.current >> (16 * i)) as u16);
        }
        let security = u16::from(c.security)
            | u16::from(self.enabled) << 1
            | u16::from(self.locked) << 2
            | u16::from(self.frozen) << 3
            | u16::from(self.attempts >= 5) << 4
            | u16::from(c.enhanced_erase) << 5;
        word(128, if c.security { security } else { 0 });
        word(217, 1);
        put_ata_string(&mut b[20..40], "SIMATA0001");
        put_ata_string(&mut b[46..54], "1.0");
        put_ata_string(&mut b[54..94], "Tabula simulated SATA SSD");
        seal_identify(&mut b);
        out.copy_from_slice(&b);
        ok()
    }

    fn password_of(data: &Data<'_>) -> Option<([u8; 32], u8)> {
        let Data::Out(sector) = data else { return None };
        let sector = sector.get(..34)?;
        Some((padded(&sector[2..34]), sector[0]))
    }

    fn security(
        &mut self,
        media: &Media,
        cmd: &AtaCommand,
        data: &Data<'_>,
    ) -> Result<AtaOutput, TransportError> {
        if !self.config.security || self.frozen {
            return Ok(abort());
        }
        let given = Self::password_of(data);
        let matches = |s: &Self| given.is_some_and(|(p, _)| Some(p) == s.password);
        Ok(match cmd.command {
            ata::CMD_SECURITY_SET_PASSWORD => match (self.locked, given) {
                (false, Some((p, _))) => {
                    self.password = Some(p);
                    self.enabled = true;
                    ok()
                }
                _ => abort(),
            },
            ata::CMD_SECURITY_UNLOCK => {
                if !self.locked {
                    ok()
                } else if self.attempts >= 5 {
                    abort()
                } else if matches(self) {
                    self.locked = false;
                    ok()
                } else {
                    self.attempts += 1;
                    abort()
                }
            }
            ata::CMD_SECURITY_ERASE_PREPARE => ok(),
            ata::CMD_SECURITY_ERASE_UNIT => {
                self.last_erase_timeout = Some(cmd.timeout);
                let prepared = self.previous == Some((ata::CMD_SECURITY_ERASE_PREPARE, 0));
                if !prepared || !self.enabled || !matches(self) {
                    return Ok(abort());
                }
                let enhanced = given.is_some_and(|(_, control)| control & 0x02 != 0);
                if enhanced && !self.config.enhanced_erase {
                    return Ok(abort());
                }
                let fill = if enhanced { Fill::Random } else { Fill::Zeros };
                let faults = self.config.faults;
                if faults.ignores_erase {
                    return Ok(ok());
                }
                if faults.power_loss_mid_erase {
                    media.erase(fill, HALF);
                    // Power comes back: security enabled, so the drive is locked.
                    self.locked = true;
                    return Err(TransportError::Io {
                        context: "SG_IO failed: the drive went away during SECURITY ERASE UNIT"
                            .to_owned(),
                        source: std::io::Error::from_raw_os_error(libc::EIO),
                    });
                }
                media.erase(fill, ALL);
                self.enabled = false;
                self.password = None;
                ok()
            }
            ata::CMD_SECURITY_DISABLE_PASSWORD => {
                if self.locked || !matches(self) {
                    abort()
                } else {
                    self.enabled = false;
                    self.password = None;
                    ok()
                }
            }
            _ => abort(),
        })
    }

    fn sanitize(&mut self, media: &Media, cmd: &AtaCommand) -> AtaOutput {
        let c = &self.config;
        if !c.sanitize || c.faults.sanitize_unsupported || !cmd.extend {
            return abort();
        }
        if cmd.features == ata::SANITIZE_STATUS_EXT {
            return self.sanitize_status(media, cmd.count & 1 != 0);
        }
        if self.locked || self.sanitize_running.is_some() {
            return abort();
        }
        let fill = match (cmd.features, cmd.lba) {
            (ata::CRYPTO_SCRAMBLE_EXT, 0x4372_7970) => Fill::Random,
            (ata::BLOCK_ERASE_EXT, 0x426B_4572) => Fill::Zeros,
            (ata::OVERWRITE_EXT, lba) if lba >> 32 == 0x4F57 => Fill::Pattern(lba as u32),
            _ => return abort(),
        };
        if c.faults.ignores_erase {
            return ok();
        }
        self.sanitize_ok = false;
        self.sanitize_failed = false;
        self.sanitize_running = Some((fill, 0));
        ok()
    }

    fn sanitize_status(&mut self, media: &Media, clear_failure: bool) -> AtaOutput {
        if let Some((fill, polls)) = self.sanitize_running {
            let polls = polls + 1;
            let finish = self.config.polls_to_finish.max(1);
            if self.config.faults.power_loss_mid_erase && polls * 2 >= finish {
                media.erase(fill, HALF);
                self.sanitize_running = None;
                self.sanitize_failed = true;
            } else if polls >= finish {
                media.erase(fill, ALL);
                self.sanitize_running = None;
                self.sanitize_ok = true;
            } else {
                self.sanitize_running = Some((fill, polls));
                return AtaOutput {
                    count: 1 << 14,
                    lba: u64::from(polls) * 65536 / u64::from(finish),
                    ..ok()
                };
            }
        }
        if self.sanitize_failed {
            if clear_failure {
                self.sanitize_failed = false;
            }
            // Error output (ACS-4 table 243): reason 01h, sanitize command unsuccessful.
            return AtaOutput { lba: 1, ..abort() };
        }
        AtaOutput {
            count: u16::from(self.sanitize_ok) << 15,
            ..ok()
        }
    }

    fn hidden(&mut self, cmd: &AtaCommand, data: Data<'_>) -> AtaOutput {
        match (cmd.command, cmd.features) {
            (ata::CMD_READ_NATIVE_MAX_EXT, _) => AtaOutput {
                lba: self.native - 1,
                ..ok()
            },
            (ata::CMD_SET_MAX_ADDRESS_EXT, _) => {
                let after_read = self.previous == Some((ata::CMD_READ_NATIVE_MAX_EXT, 0));
                if !after_read || cmd.lba >= self.native || self.frozen {
                    return abort();
                }
                self.current = cmd.lba + 1;
                ok()
            }
            (ata::CMD_DCO, ata::DCO_IDENTIFY) if self.config.dco_sectors.is_some() => {
                let Data::In(buf) = data else { return abort() };
                let Some(out) = buf.get_mut(..512) else {
                    return abort();
                };
                out.fill(0);
                out[0] = 2;
                let max = self.dco - 1;
                for i in 0..4 {
                    out[6 + 2 * i..8 + 2 * i]
                        .copy_from_slice(&((max >> (16 * i)) as u16).to_le_bytes());
                }
                ok()
            }
            // RESTORE is aborted while an HPA is set (ACS-2 7.10.2).
            (ata::CMD_DCO, ata::DCO_RESTORE)
                if self.config.dco_sectors.is_some()
                    && self.current == self.native
                    && !self.config.dco_frozen =>
            {
                self.native = self.dco;
                self.current = self.dco;
                ok()
            }
            _ => abort(),
        }
    }
}

impl Transport for SimAta {
    fn nvme_admin(&mut self, _: &NvmeAdmin, _: Data<'_>) -> Result<NvmeCompletion, TransportError> {
        Err(TransportError::Unsupported(
            "not an NVMe drive: NVMe admin commands do not apply".to_owned(),
        ))
    }

    fn ata(&mut self, cmd: &AtaCommand, data: Data<'_>) -> Result<AtaOutput, TransportError> {
        let mut s = lock(&self.state);
        if s.config.no_passthrough {
            // What such a bridge answers: ILLEGAL REQUEST, INVALID COMMAND OPERATION CODE.
            let sense = scsi::descriptor_sense(scsi::SENSE_ILLEGAL_REQUEST, 0x20, 0x00, &[]);
            return sat::decode(scsi::STATUS_CHECK_CONDITION, &sense);
        }
        let locked_out = s.locked
            && !matches!(
                cmd.command,
                ata::CMD_IDENTIFY
                    | ata::CMD_SECURITY_UNLOCK
                    | ata::CMD_SECURITY_ERASE_PREPARE
                    | ata::CMD_SECURITY_ERASE_UNIT
                    | ata::CMD_SANITIZE
            );
        let out = if locked_out {
            Ok(abort())
        } else {
            match cmd.command {
                ata::CMD_IDENTIFY => match data {
                    Data::In(buf) => Ok(s.identify(buf)),
                    _ => Ok(abort()),
                },
                ata::CMD_SECURITY_SET_PASSWORD..=ata::CMD_SECURITY_DISABLE_PASSWORD => {
                    s.security(&self.media, cmd, &data)
                }
                ata::CMD_SANITIZE => Ok(s.sanitize(&self.media, cmd)),
                ata::CMD_READ_NATIVE_MAX_EXT | ata::CMD_SET_MAX_ADDRESS_EXT | ata::CMD_DCO => {
                    Ok(s.hidden(cmd, data))
                }
                _ => Ok(abort()),
            }
        };
        s.previous = Some((cmd.command, cmd.features));
        // Through the same SAT encoding a real answer takes.
        let out = out?;
        sat::decode(
            scsi::STATUS_CHECK_CONDITION,
            &sat::return_sense(&out, cmd.extend),
        )
    }

    fn scsi(&mut self, _: &ScsiCommand, _: Data<'_>) -> Result<ScsiOutput, TransportError> {
        Ok(ScsiOutput {
            status: scsi::STATUS_CHECK_CONDITION,
            sense: scsi::descriptor_sense(scsi::SENSE_ILLEGAL_REQUEST, 0x20, 0x00, &[]),
        })
    }
}
