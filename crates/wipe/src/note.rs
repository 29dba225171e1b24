//! Remarks the engine makes about a drive's wipe (stalls, resumes, retry budgets): typed, so
//! the station words them in the certificate's languages and a front end in its own;
//! `Display` is the English wording. Reports written before notes were typed (plain strings)
//! read back as [`Note::Other`].

use chrono::{DateTime, Utc};
use serde::{Deserialize, Deserializer, Serialize};

use crate::failure::{Failure, FirmwareFailure};
use crate::progress::Phase;

/// One remark about a drive's wipe.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Note {
    /// The wipe continued an interrupted one at this pass and byte.
    Resumed { pass: usize, offset: u64 },
    /// No progress for `seconds`, noticed at `at`.
    Stalled { seconds: u64, at: DateTime<Utc> },
    /// The drive did not stop after cancellation (hung in I/O) and was given up.
    Abandoned,
    /// The device's buffer cache could not be dropped after the wipe.
    CacheNotDropped { error: String },
    /// A pass's retry budget ran out; `left` are the ranges not known to be written (or
    /// verified, in the verify phase).
    RetryBudgetSpent {
        pass: usize,
        commands: u32,
        seconds: u64,
        phase: Phase,
        left: Vec<String>,
    },
    /// A hidden area (HPA/DCO) could not be removed: it is not overwritten, so the drive is
    /// not fully erased.
    HiddenAreaKept { error: String },
    /// The drive's command path did not open, so hidden areas were neither read nor removed:
    /// a drive with one is not fully erased.
    HiddenAreasUnchecked { error: String },
    /// `auto`'s firmware erase failed or was refused, and the drive was overwritten instead:
    /// NIST SP 800-88 Clear only.
    FirmwareFellBack {
        method: String,
        reason: FirmwareFailure,
    },
    /// A firmware method's erase ran but did not pass (its check found data): not Purge.
    FirmwareFailed {
        method: String,
        reason: FirmwareFailure,
    },
    /// A remark in words only (older reports, free text).
    Other { text: String },
}

impl std::fmt::Display for Note {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Resumed { pass, offset } => {
                write!(f, "resumed at pass {pass} from byte {offset}")
            }
            Self::Stalled { seconds, at } => write!(
                f,
                "stalled: no progress for {seconds} s at {}",
                at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
            ),
            Self::Abandoned => {
                f.write_str("did not stop after cancellation (hung in I/O); given up")
            }
            Self::CacheNotDropped { error } => {
                write!(f, "could not drop the device's buffer cache: {error}")
            }
            Self::RetryBudgetSpent {
                pass,
                commands,
                seconds,
                phase,
                left,
            } => write!(
                f,
                "pass {pass}: retry budget ({commands} commands, {seconds} s) spent; left {}: {}",
                match phase {
                    Phase::Write => "unwritten",
                    Phase::Verify => "unverified",
                },
                left.join(", ")
            ),
            Self::HiddenAreaKept { error } => write!(
                f,
                "a hidden area could not be removed: {error}; it is not overwritten, so the drive \
                 is not fully erased"
            ),
            Self::HiddenAreasUnchecked { error } => write!(
                f,
                "hidden areas not removed: {error}; the drive is not fully erased if it has one"
            ),
            Self::FirmwareFellBack { method, reason } => write!(
                f,
                "{}; overwritten instead (NIST SP 800-88 Clear only)",
                firmware(method, reason)
            ),
            Self::FirmwareFailed { method, reason } => f.write_str(&firmware(method, reason)),
            Self::Other { text } => f.write_str(text),
        }
    }
}

/// "nvme-format: the drive did not confirm the erase", as the drive's failure reads.
fn firmware(method: &str, reason: &FirmwareFailure) -> String {
    Failure::Firmware {
        method: method.to_owned(),
        reason: reason.clone(),
    }
    .to_string()
}

/// A remark in words only: `r.notes.push(format!(..).into())`.
impl From<String> for Note {
    fn from(text: String) -> Self {
        Self::Other { text }
    }
}

/// Reads notes written as typed objects or, by older versions, as plain strings.
pub(crate) fn deserialize_notes<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<Note>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Either {
        Typed(Note),
        Text(String),
    }
    Ok(Vec::<Either>::deserialize(d)?
        .into_iter()
        .map(|n| match n {
            Either::Typed(n) => n,
            Either::Text(text) => Note::Other { text },
        })
        .collect())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[derive(Deserialize)]
    struct Notes {
        #[serde(deserialize_with = "deserialize_notes")]
        notes: Vec<Note>,
    }

    #[test]
    fn typed_notes_round_trip_and_old_strings_still_read() {
        let notes = vec![
            Note::Resumed {
                pass: 2,
                offset: 4096,
            },
            Note::RetryBudgetSpent {
                pass: 1,
                commands: 64,
                seconds: 30,
                phase: Phase::Verify,
                left: vec!["0+4096".into()],
            },
        ];
        let json = serde_json::json!({ "notes": notes });
        assert_eq!(json["notes"][0]["kind"], "resumed");
        let back: Notes = serde_json::from_value(json).unwrap();
        assert_eq!(back.notes, notes);
        assert_eq!(
            back.notes[1].to_string(),
            "pass 1: retry budget (64 commands, 30 s) spent; left unverified: 0+4096"
        );
        let old: Notes = serde_json::from_str(r#"{"notes": ["stalled: old words"]}"#).unwrap();
        assert_eq!(
            old.notes,
            [Note::Other {
                text: "stalled: old words".into()
            }]
        );
    }

    #[test]
    fn firmware_notes_are_typed_and_old_firmware_words_still_read() {
        let notes = vec![
            Note::FirmwareFellBack {
                method: "nvme-sanitize-crypto".into(),
                reason: FirmwareFailure::Command {
                    error: "Invalid Command Opcode".into(),
                },
            },
            Note::FirmwareFailed {
                method: "nvme-format".into(),
                reason: FirmwareFailure::DataFound,
            },
        ];
        let json = serde_json::json!({ "notes": notes });
        assert_eq!(json["notes"][0]["kind"], "firmware-fell-back");
        assert_eq!(json["notes"][0]["reason"]["kind"], "command");
        assert_eq!(json["notes"][1]["reason"]["kind"], "data-found");
        let back: Notes = serde_json::from_value(json).unwrap();
        assert_eq!(back.notes, notes);
        assert_eq!(
            back.notes[0].to_string(),
            "nvme-sanitize-crypto failed: Invalid Command Opcode; overwritten instead (NIST SP \
             800-88 Clear only)"
        );
        assert_eq!(
            back.notes[1].to_string(),
            "nvme-format: the check after the erase found data (canaries survived or samples \
             held data)"
        );
        // A report written while these were words (before the typed notes) still reads.
        let old = r#"{"notes": [
            {"kind": "other", "text": "nvme-format: the drive did not confirm the erase; overwritten instead (NIST SP 800-88 Clear only)"},
            "auto: the drive's firmware capabilities are unknown; nothing written"
        ]}"#;
        let old: Notes = serde_json::from_str(old).unwrap();
        assert!(matches!(&old.notes[0], Note::Other { text } if text.contains("Clear only")));
        assert!(matches!(&old.notes[1], Note::Other { text } if text.ends_with("nothing written")));
    }
}
