//! Firmware erase: the state machines that drive a [`FirmwareOp`] through a drive's own commands
//! (NVMe Format NVM and Sanitize, ATA SECURITY ERASE UNIT and SANITIZE, SCSI SANITIZE), poll it
//! to the end, and re-read the drive's state afterwards instead of trusting a command's success.
//!
//! Every command sent is kept as a [`CommandRecord`] for the result and the certificate.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use tabula_device::capabilities::{Capabilities, FirmwareOp};
use tabula_device::command::Transport;

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
}

impl FirmwareOutcome {
    pub fn succeeded(&self) -> bool {
        self.confirmed && self.error.is_none()
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
    let _ = (transport, progress);
    let error = if caps.supported.contains(&op) {
        "firmware erase is not implemented yet".to_owned()
    } else {
        format!("the drive does not support {op:?}")
    };
    FirmwareOutcome {
        op,
        commands: Vec::new(),
        confirmed: false,
        error: Some(error),
    }
}
