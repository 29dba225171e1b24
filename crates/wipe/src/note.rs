//! Remarks the engine makes about a drive's wipe (stalls, resumes, retry budgets): typed, so
//! the station words them in the certificate's languages and a front end in its own;
//! `Display` is the English wording. Reports written before notes were typed (plain strings)
//! read back as [`Note::Other`].

use chrono::{DateTime, Utc};
use serde::{Deserialize, Deserializer, Serialize};

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
    /// A remark in words only (the firmware steps' findings, older reports).
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
            Self::Other { text } => f.write_str(text),
        }
    }
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
}
