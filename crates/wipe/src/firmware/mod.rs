//! Firmware erase: the state machines that drive a [`FirmwareOp`] through a drive's own commands
//! (NVMe Format NVM and Sanitize, ATA SECURITY ERASE UNIT and SANITIZE, SCSI SANITIZE), poll it
//! to the end, and re-read the drive's state afterwards instead of trusting a command's success.
//! Hidden-area removal (HPA, DCO) lives in [`hidden`].
//!
//! Every command sent is kept as a [`CommandRecord`] for the result and the certificate.

use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use tabula_device::capabilities::{Capabilities, CommandSet, FirmwareOp};
use tabula_device::command::Transport;
use tabula_device::command::{ata as ata_cmd, nvme as nvme_cmd, scsi as scsi_cmd};

mod ata_sanitize;
mod ata_security;
pub mod hidden;
mod nvme;
mod record;
mod scsi;

pub use ata_security::{FROZEN as FROZEN_ADVICE, rtcwake_suspend, unfreeze};

use record::Recorder;

/// One command as it was sent, and what the drive answered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommandRecord {
    /// The command in the specification's words (`SANITIZE (crypto erase)`, `FORMAT NVM SES=2`,
    /// `SECURITY ERASE UNIT (enhanced)`).
    pub command: String,
    /// The drive's status in plain words (`success`, `aborted (ERR, error 0x04)`,
    /// `Invalid Command Opcode (0x0001)`).
    pub status: String,
    pub ok: bool,
    pub sent: DateTime<Utc>,
    pub finished: DateTime<Utc>,
}

/// How a firmware erase ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FirmwareOutcome {
    pub op: FirmwareOp,
    /// Every command sent, in order (probes, the erase, polling summarised, clean-up).
    pub commands: Vec<CommandRecord>,
    /// The drive's state read back after the erase confirms it completed (Sanitize Status says
    /// success, the ATA security state is back to "not enabled", ...).
    pub confirmed: bool,
    /// Why it failed, when it did, in plain words.
    pub error: Option<String>,
    /// What the technician should know even on success (every namespace affected, how the
    /// completion was confirmed, the drive's own report).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

impl FirmwareOutcome {
    pub fn succeeded(&self) -> bool {
        self.confirmed && self.error.is_none()
    }
}

/// How the state machines run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FirmwareOptions {
    /// Pause between status polls.
    pub poll_interval: Duration,
    /// Longest wait for an erase to finish; `None`: three times the drive's own estimate plus
    /// half an hour, or 24 hours when it gives none.
    pub max_wait: Option<Duration>,
    /// NVMe/SCSI Sanitize: Allow Unrestricted Sanitize Exit (a failed sanitize may be left
    /// without a new one).
    pub ause: bool,
    /// NVMe Sanitize: No-Deallocate After Sanitize.
    pub no_dealloc: bool,
    /// The 32-bit pattern of overwrite sanitize.
    pub overwrite_pattern: u32,
    /// ATA security erase on a frozen drive: suspend to RAM for this many seconds (`rtcwake -m
    /// mem -s N`) and re-read IDENTIFY, instead of refusing. Off unless asked for: it suspends
    /// the whole station.
    pub unfreeze_by_suspend: Option<u32>,
}

impl Default for FirmwareOptions {
    fn default() -> Self {
        Self {
            poll_interval: Duration::from_secs(2),
            max_wait: None,
            ause: false,
            no_dealloc: false,
            overwrite_pattern: 0,
            unfreeze_by_suspend: None,
        }
    }
}

/// Runs `op` on the drive behind `transport` to its end, reporting progress in percent through
/// `progress`. Never returns success on a command's word alone.
pub fn run(
    op: FirmwareOp,
    transport: &mut dyn Transport,
    caps: &Capabilities,
    progress: &mut dyn FnMut(u8),
) -> FirmwareOutcome {
    run_with(op, transport, caps, &FirmwareOptions::default(), progress)
}

/// [`run`] with options.
pub fn run_with(
    op: FirmwareOp,
    transport: &mut dyn Transport,
    caps: &Capabilities,
    options: &FirmwareOptions,
    progress: &mut dyn FnMut(u8),
) -> FirmwareOutcome {
    let refused = |error: String| FirmwareOutcome {
        op,
        commands: Vec::new(),
        confirmed: false,
        error: Some(error),
        notes: Vec::new(),
    };
    if caps.command_set == CommandSet::None {
        let why = caps
            .unreachable
            .as_deref()
            .unwrap_or("no firmware command reaches it");
        return refused(format!(
            "{} is not possible on this drive: {why}",
            describe(op)
        ));
    }
    if !caps.supported.contains(&op) {
        return refused(format!("the drive does not support {}", describe(op)));
    }
    let mut ctx = Ctx {
        t: Recorder::new(transport),
        notes: Vec::new(),
        options,
        caps,
        progress,
        started: Instant::now(),
    };
    let result = match op {
        FirmwareOp::NvmeFormat => nvme::format(&mut ctx, nvme_cmd::SecureErase::UserData),
        FirmwareOp::NvmeFormatCrypto => nvme::format(&mut ctx, nvme_cmd::SecureErase::Crypto),
        FirmwareOp::NvmeSanitizeBlock => {
            nvme::sanitize(&mut ctx, nvme_cmd::SanitizeAction::BlockErase)
        }
        FirmwareOp::NvmeSanitizeCrypto => {
            nvme::sanitize(&mut ctx, nvme_cmd::SanitizeAction::CryptoErase)
        }
        FirmwareOp::NvmeSanitizeOverwrite => {
            nvme::sanitize(&mut ctx, nvme_cmd::SanitizeAction::Overwrite)
        }
        FirmwareOp::AtaSecureErase => ata_security::erase(&mut ctx, false),
        FirmwareOp::AtaSecureEraseEnhanced => ata_security::erase(&mut ctx, true),
        FirmwareOp::AtaSanitizeBlock => {
            ata_sanitize::run(&mut ctx, ata_cmd::SanitizeKind::BlockErase)
        }
        FirmwareOp::AtaSanitizeCrypto => {
            ata_sanitize::run(&mut ctx, ata_cmd::SanitizeKind::CryptoScramble)
        }
        FirmwareOp::AtaSanitizeOverwrite => {
            let kind = ata_cmd::SanitizeKind::Overwrite(options.overwrite_pattern);
            ata_sanitize::run(&mut ctx, kind)
        }
        FirmwareOp::ScsiSanitizeBlock => {
            scsi::sanitize(&mut ctx, scsi_cmd::SanitizeAction::BlockErase)
        }
        FirmwareOp::ScsiSanitizeCrypto => {
            scsi::sanitize(&mut ctx, scsi_cmd::SanitizeAction::CryptoErase)
        }
        FirmwareOp::ScsiSanitizeOverwrite => {
            scsi::sanitize(&mut ctx, scsi_cmd::SanitizeAction::Overwrite)
        }
    };
    if result.is_ok() {
        (ctx.progress)(100);
    }
    FirmwareOutcome {
        op,
        commands: ctx.t.records,
        confirmed: result.is_ok(),
        error: result.err(),
        notes: ctx.notes,
    }
}

/// The operation in the specification's words, for messages.
fn describe(op: FirmwareOp) -> &'static str {
    match op {
        FirmwareOp::NvmeFormat => "NVMe Format NVM (user data erase)",
        FirmwareOp::NvmeFormatCrypto => "NVMe Format NVM (cryptographic erase)",
        FirmwareOp::NvmeSanitizeBlock => "NVMe Sanitize (block erase)",
        FirmwareOp::NvmeSanitizeCrypto => "NVMe Sanitize (crypto erase)",
        FirmwareOp::NvmeSanitizeOverwrite => "NVMe Sanitize (overwrite)",
        FirmwareOp::AtaSecureErase => "ATA SECURITY ERASE UNIT (normal)",
        FirmwareOp::AtaSecureEraseEnhanced => "ATA SECURITY ERASE UNIT (enhanced)",
        FirmwareOp::AtaSanitizeBlock => "ATA SANITIZE (BLOCK ERASE)",
        FirmwareOp::AtaSanitizeCrypto => "ATA SANITIZE (CRYPTO SCRAMBLE)",
        FirmwareOp::AtaSanitizeOverwrite => "ATA SANITIZE (OVERWRITE)",
        FirmwareOp::ScsiSanitizeBlock => "SCSI SANITIZE (block erase)",
        FirmwareOp::ScsiSanitizeCrypto => "SCSI SANITIZE (cryptographic erase)",
        FirmwareOp::ScsiSanitizeOverwrite => "SCSI SANITIZE (overwrite)",
    }
}

/// What a state machine works with. Its result: `Ok` when the drive's re-read state confirms
/// the erase, else the reason in plain words.
pub(crate) struct Ctx<'a, 't> {
    pub(crate) t: Recorder<'t>,
    pub(crate) notes: Vec<String>,
    pub(crate) options: &'a FirmwareOptions,
    pub(crate) caps: &'a Capabilities,
    pub(crate) progress: &'a mut dyn FnMut(u8),
    started: Instant,
}

pub(crate) type Step = Result<(), String>;

impl Ctx<'_, '_> {
    /// The longest wait for the erase (see [`FirmwareOptions::max_wait`]).
    pub(crate) fn max_wait(&self) -> Duration {
        self.options
            .max_wait
            .unwrap_or_else(|| match self.caps.estimate_secs {
                Some(secs) => Duration::from_secs(secs.saturating_mul(3).saturating_add(1800)),
                None => Duration::from_secs(24 * 3600),
            })
    }

    /// Waits one poll interval; `Err` once the erase has run longer than [`Self::max_wait`].
    pub(crate) fn wait_poll(&self) -> Step {
        if self.started.elapsed() > self.max_wait() {
            return Err(format!(
                "the drive did not finish within {} minutes; it may still be erasing: do not \
                 unplug it, and check its status again",
                self.max_wait().as_secs() / 60
            ));
        }
        std::thread::sleep(self.options.poll_interval);
        Ok(())
    }
}
