//! C2SP `tlog-checkpoint`: the signed tree head (origin line, decimal tree size, base64 root hash,
//! optional extension lines) carried in a signed note.

use crate::hash::Hash;
use crate::note::{NoteError, NoteVerifier, Sign, check_text, sign_note};

/// Why a checkpoint is rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CheckpointError {
    #[error(transparent)]
    Note(#[from] NoteError),
    #[error("malformed checkpoint body: {0}")]
    Malformed(&'static str),
    #[error("checkpoint is for log {found:?}, expected {expected:?}")]
    WrongOrigin { expected: String, found: String },
}

/// A tree head: the log's origin, its size and the root hash of that size.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Checkpoint {
    pub origin: String,
    pub size: u64,
    pub root: Hash,
    /// Optional extension lines after the root hash (without newlines).
    pub extensions: Vec<String>,
}

impl Checkpoint {
    pub fn new(origin: impl Into<String>, size: u64, root: Hash) -> Self {
        Self {
            origin: origin.into(),
            size,
            root,
            extensions: Vec::new(),
        }
    }

    /// The note text (body) of the checkpoint.
    pub fn body(&self) -> String {
        let mut s = format!(
            "{}\n{}\n{}\n",
            self.origin,
            self.size,
            self.root.to_base64()
        );
        for e in &self.extensions {
            s.push_str(e);
            s.push('\n');
        }
        s
    }

    /// Parse a checkpoint body (the note text, without signatures).
    pub fn parse_body(text: &str) -> Result<Self, CheckpointError> {
        let body = text
            .strip_suffix('\n')
            .ok_or(CheckpointError::Malformed("does not end in a newline"))?;
        let mut lines = body.split('\n');
        let origin = lines
            .next()
            .filter(|o| !o.is_empty())
            .ok_or(CheckpointError::Malformed("empty origin line"))?;
        let size_line = lines
            .next()
            .ok_or(CheckpointError::Malformed("missing tree size"))?;
        if size_line.is_empty()
            || !size_line.bytes().all(|b| b.is_ascii_digit())
            || (size_line.len() > 1 && size_line.starts_with('0'))
        {
            return Err(CheckpointError::Malformed(
                "tree size is not a decimal number",
            ));
        }
        let size = size_line
            .parse()
            .map_err(|_| CheckpointError::Malformed("tree size out of range"))?;
        let root = lines
            .next()
            .ok_or(CheckpointError::Malformed("missing root hash"))
            .and_then(|l| {
                Hash::from_base64(l)
                    .map_err(|_| CheckpointError::Malformed("root hash is not 32 bytes of base64"))
            })?;
        let extensions: Vec<String> = lines.map(str::to_owned).collect();
        if extensions.iter().any(String::is_empty) {
            return Err(CheckpointError::Malformed("empty extension line"));
        }
        // The body is a note's text: what the signed-note rules refuse (control characters)
        // would make a checkpoint that parses but can never be signed or verified.
        check_text(text)?;
        Ok(Self {
            origin: origin.to_owned(),
            size,
            root,
            extensions,
        })
    }

    /// Sign the checkpoint as a note.
    pub fn sign(&self, signer: &dyn Sign) -> Result<String, CheckpointError> {
        Ok(sign_note(signer, &self.body())?)
    }

    /// Verify a signed checkpoint note with the log's key and check its origin. The signed-note
    /// convention is that the log's key name equals its origin, so `verifier.name()` is expected.
    pub fn verify(note: &str, verifier: &NoteVerifier) -> Result<Self, CheckpointError> {
        let text = verifier.verify(note)?;
        let cp = Self::parse_body(text)?;
        if cp.origin != verifier.name() {
            return Err(CheckpointError::WrongOrigin {
                expected: verifier.name().to_owned(),
                found: cp.origin,
            });
        }
        Ok(cp)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // test code: a failed unwrap is a failed test
mod tests {
    use super::*;
    use crate::note::NoteSigner;

    #[test]
    fn body_round_trip_and_signature() {
        let signer = NoteSigner::from_seed("registry.example/tabula", &[3u8; 32]).unwrap();
        let cp = Checkpoint::new("registry.example/tabula", 8, crate::hash::leaf_hash(b""));
        assert_eq!(
            cp.body(),
            "registry.example/tabula\n8\nbjQLnP+zepicpUTmu3gKLHiQHT+zNzh2hRGjBhevoB0=\n"
        );
        let note = cp.sign(&signer).unwrap();
        assert_eq!(Checkpoint::verify(&note, &signer.verifier()).unwrap(), cp);
        let forged = note.replace("\n8\n", "\n9\n");
        assert!(Checkpoint::verify(&forged, &signer.verifier()).is_err());
    }

    #[test]
    fn malformed_bodies() {
        for body in [
            "",
            "origin\n",
            "origin\n-1\nAAAA\n",
            "origin\n01\nbjQLnP+zepicpUTmu3gKLHiQHT+zNzh2hRGjBhevoB0=\n",
            "origin\n1\nAAAA\n",
            "origin\n1\nbjQLnP+zepicpUTmu3gKLHiQHT+zNzh2hRGjBhevoB0=",
        ] {
            assert!(Checkpoint::parse_body(body).is_err(), "{body:?}");
        }
        let cp =
            Checkpoint::parse_body("o\n1\nbjQLnP+zepicpUTmu3gKLHiQHT+zNzh2hRGjBhevoB0=\next one\n")
                .unwrap();
        assert_eq!(cp.extensions, vec!["ext one".to_owned()]);
    }

    /// Found by the `checkpoint` fuzz target: a body with control characters (here NUL in the
    /// origin, 0x01 in an extension) parsed, but signing it failed, because note text may not
    /// contain them. Such a body is now refused when parsed.
    #[test]
    fn control_characters_are_refused_as_in_notes() {
        let hash = "bjQLnP+zepicpUTmu3gKLHiQHT+zNzh2hRGjBhevoB0=";
        for body in [
            format!("log\u{0}.example\n3\n{hash}\n"),
            format!("log.example\n3\n{hash}\nexten\u{1}sion\n"),
            format!("log.example\n3\n{hash}\nline\r\n"),
        ] {
            assert_eq!(
                Checkpoint::parse_body(&body),
                Err(CheckpointError::Note(NoteError::Malformed(
                    "text contains control characters"
                ))),
                "{body:?}"
            );
        }
    }

    /// A signed note may contain empty lines, a checkpoint may not: such a note verifies as a
    /// note but is refused as a checkpoint.
    #[test]
    fn empty_lines_are_refused_in_checkpoints() {
        let signer = NoteSigner::from_seed("o", &[5u8; 32]).unwrap();
        let root = "bjQLnP+zepicpUTmu3gKLHiQHT+zNzh2hRGjBhevoB0=";
        for body in [
            format!("o\n1\n{root}\n\next\n"),
            format!("o\n\n1\n{root}\n"),
            format!("o\n1\n{root}\n\n"),
        ] {
            let note = signer.sign(&body).unwrap();
            assert_eq!(signer.verifier().verify(&note).unwrap(), body);
            assert!(
                matches!(
                    Checkpoint::verify(&note, &signer.verifier()),
                    Err(CheckpointError::Malformed(_))
                ),
                "{body:?}"
            );
        }
    }

    #[test]
    fn wrong_origin_is_rejected() {
        let signer = NoteSigner::from_seed("a.example", &[4u8; 32]).unwrap();
        let note = signer
            .sign("b.example\n1\nbjQLnP+zepicpUTmu3gKLHiQHT+zNzh2hRGjBhevoB0=\n")
            .unwrap();
        assert!(matches!(
            Checkpoint::verify(&note, &signer.verifier()),
            Err(CheckpointError::WrongOrigin { .. })
        ));
    }
}
