//! C2SP `tlog-cosignature`, type `cosignature/v1` (Ed25519): a witness's timestamped signature on
//! a checkpoint it verified to be consistent with everything it saw of the log before.
//!
//! The signed message is `cosignature/v1\ntime <POSIX seconds>\n` followed by the checkpoint's
//! whole note body; the note signature line is `— <witness name> base64(key id || u64 timestamp
//! big endian || Ed25519 signature)`, the key id is SHA-256(name || 0x0A || 0x04 || public
//! key), first 4 bytes. Witness keys use the signed-note key texts with signature type 0x04.

use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;
use ed25519_dalek::{Signature, Signer as _, VerifyingKey};

use crate::note::{
    NamedKey, NoteError, SIG_PREFIX, check_text, decode_key_text, encode_key_text, id_matches,
    key_id_for, parse, valid_name,
};

/// Signature type byte of `cosignature/v1` keys (key ids and key texts).
pub const ALG_COSIGNATURE_V1: u8 = 0x04;

/// Why a cosignature is missing or rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CosignatureError {
    #[error(transparent)]
    Note(#[from] NoteError),
    #[error("no cosignature from witness {name} ({id:08x})")]
    Missing { name: String, id: u32 },
    #[error("cosignature from witness {0} is malformed")]
    Malformed(String),
    #[error("cosignature from witness {0} does not verify")]
    BadSignature(String),
}

/// The message a witness signs for `body` (a checkpoint's note text, ending in a newline) at
/// `timestamp`.
pub fn signed_message(body: &str, timestamp: u64) -> String {
    format!("cosignature/v1\ntime {timestamp}\n{body}")
}

/// A witness's cosigning key. `Debug` never shows the secret.
#[derive(Clone)]
pub struct CosignatureSigner {
    k: NamedKey,
}

impl fmt::Debug for CosignatureSigner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "CosignatureSigner({}, {:08x}, secret: ***)",
            self.k.name, self.k.id
        )
    }
}

impl CosignatureSigner {
    pub fn from_seed(name: &str, seed: &[u8; 32]) -> Result<Self, NoteError> {
        NamedKey::from_seed(ALG_COSIGNATURE_V1, name, seed).map(|k| Self { k })
    }

    /// A fresh key from the operating system's random number generator.
    pub fn generate(name: &str) -> Result<Self, NoteError> {
        NamedKey::generate(ALG_COSIGNATURE_V1, name).map(|k| Self { k })
    }

    /// Parse `PRIVATE+KEY+name+hash+base64(0x04||seed)`.
    pub fn from_skey(skey: &str) -> Result<Self, NoteError> {
        NamedKey::from_skey(ALG_COSIGNATURE_V1, skey).map(|k| Self { k })
    }

    /// The signer key text (secret).
    pub fn to_skey(&self) -> String {
        self.k.to_skey(ALG_COSIGNATURE_V1)
    }

    pub fn verifier(&self) -> CosignatureVerifier {
        CosignatureVerifier {
            name: self.k.name.clone(),
            key: self.k.key.verifying_key(),
            id: self.k.id,
        }
    }

    pub fn name(&self) -> &str {
        &self.k.name
    }

    /// Cosign a checkpoint body at `timestamp`: the note signature line, ending in a newline.
    pub fn cosign(&self, body: &str, timestamp: u64) -> Result<String, NoteError> {
        check_text(body)?;
        if timestamp > i64::MAX as u64 {
            return Err(NoteError::Malformed("timestamp exceeds 2^63 - 1"));
        }
        let sig = self.k.key.sign(signed_message(body, timestamp).as_bytes());
        let mut raw = Vec::with_capacity(76);
        raw.extend_from_slice(&self.k.id.to_be_bytes());
        raw.extend_from_slice(&timestamp.to_be_bytes());
        raw.extend_from_slice(&sig.to_bytes());
        Ok(format!("{SIG_PREFIX}{} {}\n", self.k.name, B64.encode(raw)))
    }
}

/// A witness's public key, as clients and logs configure it.
#[derive(Clone, PartialEq, Eq)]
pub struct CosignatureVerifier {
    name: String,
    key: VerifyingKey,
    id: u32,
}

impl fmt::Debug for CosignatureVerifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_vkey())
    }
}

impl CosignatureVerifier {
    pub fn new(name: &str, key: VerifyingKey) -> Result<Self, NoteError> {
        if !valid_name(name) {
            return Err(NoteError::InvalidName(name.to_owned()));
        }
        let id = key_id_for(ALG_COSIGNATURE_V1, name, key.as_bytes());
        Ok(Self {
            name: name.to_owned(),
            key,
            id,
        })
    }

    /// Parse the verifier key text `name+hash+base64(0x04||key)`.
    pub fn from_vkey(vkey: &str) -> Result<Self, NoteError> {
        let (name, id_hex, key) = decode_key_text(vkey, ALG_COSIGNATURE_V1)?;
        let key = VerifyingKey::from_bytes(&key).map_err(|_| NoteError::MalformedKey)?;
        let v = Self::new(name, key)?;
        if !id_matches(id_hex, v.id) {
            return Err(NoteError::MalformedKey);
        }
        Ok(v)
    }

    pub fn to_vkey(&self) -> String {
        encode_key_text(&self.name, self.id, ALG_COSIGNATURE_V1, self.key.as_bytes())
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn key_id(&self) -> u32 {
        self.id
    }

    /// Verify this witness's cosignature on a note (a checkpoint with its signature lines) and
    /// return the cosignature's timestamp. Lines of other keys are ignored; every line with
    /// this witness's name and key id must verify, and at least one must be present.
    pub fn verify(&self, note: &str) -> Result<u64, CosignatureError> {
        let parsed = parse(note)?;
        let mut newest = None;
        for sig in &parsed.signatures {
            if sig.name != self.name || sig.key_id != self.id {
                continue;
            }
            let (time, signature) = sig
                .signature
                .split_first_chunk::<8>()
                .filter(|(_, s)| s.len() == 64)
                .ok_or_else(|| CosignatureError::Malformed(self.name.clone()))?;
            let timestamp = u64::from_be_bytes(*time);
            let signature: [u8; 64] = signature
                .try_into()
                .map_err(|_| CosignatureError::Malformed(self.name.clone()))?;
            if timestamp > i64::MAX as u64 {
                return Err(CosignatureError::Malformed(self.name.clone()));
            }
            self.key
                .verify_strict(
                    signed_message(parsed.text, timestamp).as_bytes(),
                    &Signature::from_bytes(&signature),
                )
                .map_err(|_| CosignatureError::BadSignature(self.name.clone()))?;
            newest = newest.max(Some(timestamp));
        }
        newest.ok_or_else(|| CosignatureError::Missing {
            name: self.name.clone(),
            id: self.id,
        })
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // test code: a failed unwrap is a failed test
mod tests {
    use super::*;
    use crate::note::NoteSigner;

    const BODY: &str =
        "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n";

    /// Known answer computed independently of this crate (Python's `cryptography` package:
    /// Ed25519 over `cosignature/v1\ntime 1679315147\n` + body, key id from SHA-256 of
    /// name || 0x0A || 0x04 || key) for the seed 00 01 .. 1f and the spec's example checkpoint.
    #[test]
    fn independent_test_vector() {
        let seed: [u8; 32] = std::array::from_fn(|i| i as u8);
        let signer = CosignatureSigner::from_seed("witness.example/w1", &seed).unwrap();
        let vkey = "witness.example/w1+e75f6532+BAOhB7/zzhC+HXDdGOdLwJln5NYwm6UNXx3chmQSVTG4";
        assert_eq!(signer.verifier().to_vkey(), vkey);
        let line = "\u{2014} witness.example/w1 519lMgAAAABkGFDLBuRDazBLVac2NE+Y+IjbjQOcXLfF9CSDZVUIoS83rE1nFZsVE8YiWV6Ngr7lV8H6bdoBQGP/l73euDMQ9k+bBQ==\n";
        assert_eq!(signer.cosign(BODY, 1_679_315_147).unwrap(), line);
        let v = CosignatureVerifier::from_vkey(vkey).unwrap();
        assert_eq!(v.key_id(), 0xe75f6532);
        assert_eq!(v.verify(&format!("{BODY}\n{line}")).unwrap(), 1_679_315_147);
    }

    #[test]
    fn cosigned_checkpoint_verifies_beside_the_log_signature() {
        let log = NoteSigner::from_seed("example.com/behind-the-sofa", &[1; 32]).unwrap();
        let w = CosignatureSigner::from_seed("witness.example/w2", &[2; 32]).unwrap();
        let note = format!("{}{}", log.sign(BODY).unwrap(), w.cosign(BODY, 5).unwrap());
        assert_eq!(w.verifier().verify(&note).unwrap(), 5);
        assert_eq!(log.verifier().verify(&note).unwrap(), BODY);
    }

    #[test]
    fn tampered_cosignatures_fail() {
        let w = CosignatureSigner::from_seed("w.example", &[3; 32]).unwrap();
        let line = w.cosign(BODY, 1000).unwrap();
        let note = format!("{BODY}\n{line}");
        // Another checkpoint body.
        let other = note.replace("20852163", "20852164");
        assert_eq!(
            w.verifier().verify(&other),
            Err(CosignatureError::BadSignature("w.example".into()))
        );
        // Another timestamp: the time is signed too.
        let b64 = line.trim_end().rsplit(' ').next().unwrap();
        let mut raw = B64.decode(b64).unwrap();
        raw[11] ^= 1;
        let retimed = format!("{BODY}\n\u{2014} w.example {}\n", B64.encode(&raw));
        assert_eq!(
            w.verifier().verify(&retimed),
            Err(CosignatureError::BadSignature("w.example".into()))
        );
        // Truncated signature.
        let short = format!("{BODY}\n\u{2014} w.example {}\n", B64.encode(&raw[..40]));
        assert_eq!(
            w.verifier().verify(&short),
            Err(CosignatureError::Malformed("w.example".into()))
        );
        // A log signature (type 0x01) by the same key is not a cosignature: its key id differs.
        let as_log = NoteSigner::from_seed("w.example", &[3; 32]).unwrap();
        assert!(matches!(
            w.verifier().verify(&as_log.sign(BODY).unwrap()),
            Err(CosignatureError::Missing { .. })
        ));
    }

    #[test]
    fn key_texts_round_trip_and_types_do_not_mix() {
        let w = CosignatureSigner::generate("witness.example").unwrap();
        assert_eq!(
            CosignatureSigner::from_skey(&w.to_skey())
                .unwrap()
                .verifier(),
            w.verifier()
        );
        assert_eq!(
            CosignatureVerifier::from_vkey(&w.verifier().to_vkey()).unwrap(),
            w.verifier()
        );
        assert!(!format!("{w:?}").contains(&w.to_skey()));
        // A log (0x01) key text is refused as a witness key and the other way round.
        let log = NoteSigner::from_seed("log.example", &[4; 32]).unwrap();
        assert!(CosignatureVerifier::from_vkey(&log.verifier().to_vkey()).is_err());
        assert!(CosignatureSigner::from_skey(&log.to_skey()).is_err());
        assert!(crate::NoteVerifier::from_vkey(&w.verifier().to_vkey()).is_err());
    }
}
