//! Witness policies: which witnesses a client trusts and how many of them must have cosigned a
//! checkpoint before the client believes it is the one view of the log everybody sees.
//!
//! The text format, one statement per line (`#` starts a comment, blank lines are ignored):
//!
//! ```text
//! witness <name> <vkey>     # name+hash+base64(0x04||key), the name must match the vkey's
//! quorum <n>                # 1 <= n <= number of witnesses; default: all of them
//! ```

use crate::cosignature::CosignatureVerifier;

/// Why a policy file or a checkpoint is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PolicyError {
    #[error("line {line}: {message}")]
    Syntax { line: usize, message: String },
    #[error("the policy names no witness")]
    NoWitnesses,
    #[error("quorum {quorum} is not between 1 and the {witnesses} witnesses")]
    BadQuorum { quorum: usize, witnesses: usize },
    #[error(
        "only {valid} of the {quorum} required witness cosignatures verify ({})",
        failures.join("; ")
    )]
    NoQuorum {
        valid: usize,
        quorum: usize,
        failures: Vec<String>,
    },
}

/// A set of trusted witnesses and a quorum.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct WitnessPolicy {
    pub witnesses: Vec<CosignatureVerifier>,
    pub quorum: usize,
}

impl WitnessPolicy {
    /// Parse the policy text (format in the module documentation).
    pub fn parse(text: &str) -> Result<Self, PolicyError> {
        let mut witnesses: Vec<CosignatureVerifier> = Vec::new();
        let mut quorum = None;
        for (i, raw) in text.lines().enumerate() {
            let line = i + 1;
            let syntax = |message: String| PolicyError::Syntax { line, message };
            let words: Vec<&str> = raw
                .split('#')
                .next()
                .unwrap_or_default()
                .split_whitespace()
                .collect();
            match words.as_slice() {
                [] => {}
                ["witness", name, vkey] => {
                    let v = CosignatureVerifier::from_vkey(vkey)
                        .map_err(|e| syntax(format!("witness key {vkey:?}: {e}")))?;
                    if v.name() != *name {
                        return Err(syntax(format!(
                            "witness name {name:?} differs from its key's name {:?}",
                            v.name()
                        )));
                    }
                    if witnesses.iter().any(|w| w.name() == v.name()) {
                        return Err(syntax(format!("witness {name:?} is listed twice")));
                    }
                    witnesses.push(v);
                }
                ["quorum", n] if quorum.is_none() => {
                    quorum = Some(
                        n.parse::<usize>()
                            .map_err(|_| syntax(format!("quorum {n:?} is not a number")))?,
                    );
                }
                _ => {
                    return Err(syntax(format!(
                        "expected `witness <name> <vkey>` or one `quorum <n>`, got {:?}",
                        raw.trim()
                    )));
                }
            }
        }
        if witnesses.is_empty() {
            return Err(PolicyError::NoWitnesses);
        }
        let quorum = quorum.unwrap_or(witnesses.len());
        if quorum == 0 || quorum > witnesses.len() {
            return Err(PolicyError::BadQuorum {
                quorum,
                witnesses: witnesses.len(),
            });
        }
        Ok(Self { witnesses, quorum })
    }

    /// Check a cosigned checkpoint note: at least `quorum` of the policy's witnesses must have a
    /// valid cosignature on it. Returns the names of the witnesses whose cosignature verified.
    pub fn check(&self, note: &str) -> Result<Vec<String>, PolicyError> {
        let mut valid = Vec::new();
        let mut failures = Vec::new();
        for w in &self.witnesses {
            match w.verify(note) {
                Ok(_) => valid.push(w.name().to_owned()),
                Err(e) => failures.push(e.to_string()),
            }
        }
        if valid.len() < self.quorum {
            return Err(PolicyError::NoQuorum {
                valid: valid.len(),
                quorum: self.quorum,
                failures,
            });
        }
        Ok(valid)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // test code: a failed unwrap is a failed test
mod tests {
    use super::*;
    use crate::cosignature::CosignatureSigner;

    const BODY: &str = "log.example\n2\nbjQLnP+zepicpUTmu3gKLHiQHT+zNzh2hRGjBhevoB0=\n";

    fn witnesses() -> Vec<CosignatureSigner> {
        (1..=3)
            .map(|i| CosignatureSigner::from_seed(&format!("w{i}.example"), &[i; 32]).unwrap())
            .collect()
    }

    fn policy_text(ws: &[CosignatureSigner], quorum: usize) -> String {
        let mut s = String::from("# city witnesses\n\n");
        for w in ws {
            s.push_str(&format!(
                "witness {} {}\n",
                w.name(),
                w.verifier().to_vkey()
            ));
        }
        s.push_str(&format!("quorum {quorum}  # two of three\n"));
        s
    }

    #[test]
    fn quorum_is_counted_over_valid_cosignatures_only() {
        let ws = witnesses();
        let policy = WitnessPolicy::parse(&policy_text(&ws, 2)).unwrap();
        assert_eq!(policy.quorum, 2);
        let one = format!("{BODY}\n{}", ws[0].cosign(BODY, 1).unwrap());
        assert!(matches!(
            policy.check(&one),
            Err(PolicyError::NoQuorum { valid: 1, .. })
        ));
        let two = format!("{one}{}", ws[2].cosign(BODY, 2).unwrap());
        assert_eq!(
            policy.check(&two).unwrap(),
            vec!["w1.example".to_owned(), "w3.example".to_owned()]
        );
        // The second cosignature made for another checkpoint does not count.
        let other = BODY.replace("\n2\n", "\n3\n");
        let forged = format!("{one}{}", ws[2].cosign(&other, 2).unwrap());
        assert!(matches!(
            policy.check(&forged),
            Err(PolicyError::NoQuorum { valid: 1, .. })
        ));
    }

    #[test]
    fn malformed_policies() {
        let ws = witnesses();
        let vkey = ws[0].verifier().to_vkey();
        for (text, want_line) in [
            (format!("witness other.example {vkey}\n"), Some(1)),
            (format!("witness w1.example {vkey}\nquorum x\n"), Some(2)),
            (
                format!("witness w1.example {vkey}\nquorum 1\nquorum 1\n"),
                Some(3),
            ),
            (
                format!("witness w1.example {vkey}\nwitness w1.example {vkey}\n"),
                Some(2),
            ),
            ("threshold 1\n".to_owned(), Some(1)),
            ("witness w1.example AAAA\n".to_owned(), Some(1)),
        ] {
            match WitnessPolicy::parse(&text) {
                Err(PolicyError::Syntax { line, .. }) => assert_eq!(Some(line), want_line),
                other => panic!("{text:?}: {other:?}"),
            }
        }
        assert_eq!(
            WitnessPolicy::parse("quorum 1\n"),
            Err(PolicyError::NoWitnesses)
        );
        assert!(matches!(
            WitnessPolicy::parse(&policy_text(&ws, 4)),
            Err(PolicyError::BadQuorum { quorum: 4, .. })
        ));
        assert_eq!(
            WitnessPolicy::parse(&format!("witness w1.example {vkey}\n"))
                .unwrap()
                .quorum,
            1
        );
    }
}
