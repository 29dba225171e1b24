//! Why a drive failed, and why its firmware erase was not used: typed, so the station words it
//! in the certificate's languages and a front end in its own; `Display` is the English wording,
//! which the report also keeps in its `error` string for readers that predate the typed reason.

use serde::{Deserialize, Serialize};
use tabula_device::capabilities::FirmwareOp;

use crate::plan::AlignmentError;
use crate::target::TargetFault;

/// Why a firmware erase did not run, failed or was not confirmed by its check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
#[non_exhaustive]
pub enum FirmwareFailure {
    /// The drive's firmware capabilities were never read; nothing written.
    CapabilitiesUnknown,
    /// No firmware command reaches the drive (a loop device, a USB bridge); `detail` is the
    /// probe's finding when it has one. Nothing written.
    Unreachable { detail: Option<String> },
    /// The drive does not report the operation; nothing written.
    Unsupported { op: FirmwareOp },
    /// The drive's security is frozen and no suspend to RAM is allowed; nothing written.
    Frozen,
    /// The drive's command path did not open; nothing written.
    CommandPath { error: String },
    /// The block device did not open again between the steps.
    Reopen { error: String },
    /// Planting the canaries before the erase failed.
    Canaries { error: String },
    /// The erase command failed (the drive's status or the command path's error).
    Command { error: String },
    /// The drive did not confirm the erase.
    NotConfirmed,
    /// The check after the erase found data (canaries survived or samples held data).
    DataFound,
}

impl FirmwareFailure {
    /// Refused before anything was written to the drive.
    pub fn nothing_written(&self) -> bool {
        matches!(
            self,
            Self::CapabilitiesUnknown
                | Self::Unreachable { .. }
                | Self::Unsupported { .. }
                | Self::Frozen
                | Self::CommandPath { .. }
        )
    }
}

impl std::fmt::Display for FirmwareFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::CapabilitiesUnknown => {
                f.write_str("the drive's firmware capabilities are unknown")
            }
            Self::Unreachable { detail } => f.write_str(
                detail
                    .as_deref()
                    .unwrap_or("no firmware command reaches this drive"),
            ),
            Self::Unsupported { op } => write!(
                f,
                "the drive does not support {}",
                crate::auto::describe(*op)
            ),
            Self::Frozen => f.write_str(crate::firmware::FROZEN_ADVICE),
            Self::CommandPath { error } | Self::Reopen { error } => f.write_str(error),
            Self::Canaries { error } => {
                write!(f, "planting canaries before the erase failed: {error}")
            }
            Self::Command { error } => write!(f, "failed: {error}"),
            Self::NotConfirmed => f.write_str("the drive did not confirm the erase"),
            Self::DataFound => f.write_str(
                "the check after the erase found data (canaries survived or samples held data)",
            ),
        }?;
        if self.nothing_written() {
            f.write_str("; nothing written")?;
        }
        Ok(())
    }
}

/// Why a drive's wipe failed, beside the report's `error` words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Failure {
    /// The firmware erase of a firmware method failed or was refused (`method` names it).
    Firmware {
        method: String,
        reason: FirmwareFailure,
    },
    /// The confirmed drive did not open for writing (gone, in use, another drive now): `error`
    /// in English, `target` typed (absent in reports from before it was kept).
    Open {
        error: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        target: Option<TargetFault>,
    },
    /// The drive was refused when the wipe was confirmed; nothing written. `reason` in
    /// English, `target` typed (absent in reports from before it was kept).
    Refused {
        reason: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        target: Option<TargetFault>,
    },
    /// Flushing a pass to the medium failed.
    Flush { pass: usize, error: String },
    /// More than `max` bad sectors in a pass: a failing drive, given up.
    TooManyBadSectors { max: u64, pass: usize },
    /// The drive's worker thread did not start.
    Thread { error: String },
    /// The hidden areas were removed, but the kernel was not made to re-read the drive's
    /// capacity (`error` says why); nothing written.
    HiddenRescan { error: String },
    /// After the hidden areas were removed the drive reports `size` bytes, but the kernel does
    /// not show the confirmed drive with that size (`error` says what it shows); nothing written.
    HiddenResize {
        size: u64,
        error: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        target: Option<TargetFault>,
    },
    /// The block size or the resume point does not fit the drive at `path`; nothing written.
    Misaligned { path: String, error: AlignmentError },
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Firmware { method, reason } => match reason {
                FirmwareFailure::Command { .. } => write!(f, "{method} {reason}"),
                _ => write!(f, "{method}: {reason}"),
            },
            Self::Open { error, .. } => f.write_str(error),
            Self::Refused { reason, .. } => write!(
                f,
                "refused when the wipe was confirmed: {reason}; nothing written"
            ),
            Self::Flush { pass, error } => {
                write!(f, "flushing pass {pass} to the medium failed: {error}")
            }
            Self::TooManyBadSectors { max, pass } => write!(
                f,
                "gave up: more than {max} bad sectors in pass {pass} (a failing drive)"
            ),
            Self::Thread { error } => write!(f, "cannot start worker thread: {error}"),
            Self::HiddenRescan { error } => write!(
                f,
                "the hidden areas were removed, but {error}; nothing written"
            ),
            Self::HiddenResize { size, error, .. } => write!(
                f,
                "after removing the hidden areas the drive reports {size} bytes, but the kernel \
                 does not show the same drive with that size ({error}); nothing written"
            ),
            Self::Misaligned { path, error } => write!(f, "{path}: {error}; nothing written"),
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn english_words_and_serde_round_trip() {
        let f = Failure::Firmware {
            method: "ata-secure-erase".into(),
            reason: FirmwareFailure::Frozen,
        };
        let text = f.to_string();
        assert!(
            text.starts_with("ata-secure-erase: the drive's security is frozen")
                && text.ends_with("; nothing written"),
            "{text}"
        );
        let json = serde_json::to_value(&f).unwrap();
        assert_eq!(json["kind"], "firmware");
        assert_eq!(json["reason"]["kind"], "frozen");
        assert_eq!(serde_json::from_value::<Failure>(json).unwrap(), f);
        let failed = Failure::Firmware {
            method: "nvme-sanitize-crypto".into(),
            reason: FirmwareFailure::Command {
                error: "Invalid Command Opcode".into(),
            },
        };
        assert_eq!(
            failed.to_string(),
            "nvme-sanitize-crypto failed: Invalid Command Opcode"
        );
        let unsupported = FirmwareFailure::Unsupported {
            op: FirmwareOp::NvmeSanitizeCrypto,
        };
        assert_eq!(
            unsupported.to_string(),
            "the drive does not support Sanitize crypto erase; nothing written"
        );
    }
}
