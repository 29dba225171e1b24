//! The `add-checkpoint` request body (C2SP tlog-witness): `old <size>\n`, up to 63 consistency
//! proof hashes in base64 (one per line), an empty line, then the checkpoint note.

use tabula_tlog::Hash;

/// Most proof lines a client may send.
pub const MAX_PROOF_LINES: usize = 63;

/// A parsed `add-checkpoint` body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AddCheckpoint {
    pub old: u64,
    pub proof: Vec<Hash>,
    /// The checkpoint note (text and signature lines).
    pub note: String,
}

impl AddCheckpoint {
    /// Parse a body; the error says what is malformed (answered with 400).
    pub fn parse(body: &str) -> Result<Self, &'static str> {
        let (old_line, rest) = body.split_once('\n').ok_or("no old size line")?;
        let old = old_line
            .strip_prefix("old ")
            .filter(|n| {
                !n.is_empty()
                    && n.bytes().all(|b| b.is_ascii_digit())
                    && (n.len() == 1 || !n.starts_with('0'))
            })
            .ok_or("the first line is not `old <size>`")?
            .parse()
            .map_err(|_| "old size out of range")?;
        // Proof lines are never empty, so the first empty line ends them.
        let (proof_lines, note) = match rest.strip_prefix('\n') {
            Some(note) => ("", note),
            None => rest
                .split_once("\n\n")
                .ok_or("no empty line before the checkpoint")?,
        };
        let proof = if proof_lines.is_empty() {
            Vec::new()
        } else {
            proof_lines
                .split('\n')
                .map(|l| Hash::from_base64(l).map_err(|_| "a proof line is not a base64 hash"))
                .collect::<Result<Vec<_>, _>>()?
        };
        if proof.len() > MAX_PROOF_LINES {
            return Err("more than 63 proof lines");
        }
        Ok(Self {
            old,
            proof,
            note: note.to_owned(),
        })
    }

    /// The request body for this request.
    pub fn to_body(&self) -> String {
        let mut s = format!("old {}\n", self.old);
        for h in &self.proof {
            s.push_str(&h.to_base64());
            s.push('\n');
        }
        s.push('\n');
        s.push_str(&self.note);
        s
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // test code: a failed unwrap is a failed test
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_malformed() {
        let note = "o\n3\nbjQLnP+zepicpUTmu3gKLHiQHT+zNzh2hRGjBhevoB0=\n\n\u{2014} o AAAA\n";
        let req = AddCheckpoint {
            old: 2,
            proof: vec![tabula_tlog::leaf_hash(b"a"), tabula_tlog::leaf_hash(b"b")],
            note: note.to_owned(),
        };
        assert_eq!(AddCheckpoint::parse(&req.to_body()).unwrap(), req);
        let empty = AddCheckpoint {
            old: 0,
            proof: vec![],
            note: note.to_owned(),
        };
        assert!(empty.to_body().starts_with("old 0\n\no\n3\n"));
        assert_eq!(AddCheckpoint::parse(&empty.to_body()).unwrap(), empty);
        for bad in [
            "",
            "old 1",
            "old 01\n\nnote",
            "old -1\n\nnote",
            "new 1\n\nnote",
            "old 1\nnot base64\n\nnote",
            "old 1\nAAAA\nnote",
        ] {
            assert!(AddCheckpoint::parse(bad).is_err(), "{bad:?}");
        }
        let long = format!(
            "old 1\n{}\nnote",
            format!("{}\n", tabula_tlog::leaf_hash(b"x").to_base64()).repeat(64)
        );
        assert_eq!(AddCheckpoint::parse(&long), Err("more than 63 proof lines"));
    }
}
