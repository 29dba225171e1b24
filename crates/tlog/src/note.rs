//! C2SP signed notes (`signed-note`) with Ed25519 keys: sign, parse, verify, and the standard
//! text encodings of verifier keys (`name+hash+base64(0x01||key)`) and signer keys
//! (`PRIVATE+KEY+name+hash+base64(0x01||seed)`), so Go's `golang.org/x/mod/sumdb/note` and other
//! implementations read our notes and keys.

use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;
use ed25519_dalek::{Signature, Signer as _, SigningKey, VerifyingKey};
use sha2::{Digest, Sha256};

/// Signature algorithm byte for Ed25519 in signed-note key ids and key encodings.
const ALG_ED25519: u8 = 0x01;
/// The em dash that starts a signature line.
pub(crate) const SIG_PREFIX: &str = "\u{2014} ";

/// Why a note, key or signature is rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum NoteError {
    #[error("invalid key name {0:?}: must be non-empty without spaces or '+'")]
    InvalidName(String),
    #[error("malformed verifier or signer key")]
    MalformedKey,
    #[error("malformed note: {0}")]
    Malformed(&'static str),
    #[error("note has no signature from key {name} ({id:08x})")]
    NoSignatureFromKey { name: String, id: u32 },
    #[error("signature from key {0} does not verify")]
    BadSignature(String),
}

pub(crate) fn valid_name(name: &str) -> bool {
    !name.is_empty() && !name.contains('+') && !name.chars().any(char::is_whitespace)
}

/// signed-note key id: the first 4 bytes of SHA-256(name || 0x0A || 0x01 || public key), big endian.
pub fn key_id(name: &str, public_key: &[u8; 32]) -> u32 {
    key_id_for(ALG_ED25519, name, public_key)
}

/// The key id of a key of signature type `alg`: SHA-256(name || 0x0A || alg || key)[:4].
pub(crate) fn key_id_for(alg: u8, name: &str, public_key: &[u8; 32]) -> u32 {
    let mut h = Sha256::new();
    h.update(name.as_bytes());
    h.update([b'\n', alg]);
    h.update(public_key);
    let d = h.finalize();
    u32::from_be_bytes([d[0], d[1], d[2], d[3]])
}

/// Split a key text `name+hash+base64(alg||32 bytes)` (the prefix `PRIVATE+KEY+` already
/// removed) into its name, id and 32 key bytes, checking the signature type byte is `alg`.
pub(crate) fn decode_key_text(text: &str, alg: u8) -> Result<(&str, &str, [u8; 32]), NoteError> {
    let mut parts = text.trim().splitn(3, '+');
    let (Some(name), Some(id_hex), Some(b64)) = (parts.next(), parts.next(), parts.next()) else {
        return Err(NoteError::MalformedKey);
    };
    let raw = B64.decode(b64).map_err(|_| NoteError::MalformedKey)?;
    let [found, key @ ..] = raw.as_slice() else {
        return Err(NoteError::MalformedKey);
    };
    if *found != alg {
        return Err(NoteError::MalformedKey);
    }
    let key: [u8; 32] = key.try_into().map_err(|_| NoteError::MalformedKey)?;
    Ok((name, id_hex, key))
}

/// The key text `name+hash+base64(alg||32 bytes)`.
pub(crate) fn encode_key_text(name: &str, id: u32, alg: u8, key: &[u8; 32]) -> String {
    let mut raw = vec![alg];
    raw.extend_from_slice(key);
    format!("{name}+{id:08x}+{}", B64.encode(raw))
}

/// Whether `id_hex` is the 8 hex digits of `id`.
pub(crate) fn id_matches(id_hex: &str, id: u32) -> bool {
    id_hex.len() == 8 && format!("{id:08x}") == id_hex.to_ascii_lowercase()
}

/// An Ed25519 note verifier: a key name and public key.
#[derive(Clone, PartialEq, Eq)]
pub struct NoteVerifier {
    name: String,
    key: VerifyingKey,
    id: u32,
}

impl fmt::Debug for NoteVerifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_vkey())
    }
}

impl NoteVerifier {
    pub fn new(name: &str, key: VerifyingKey) -> Result<Self, NoteError> {
        if !valid_name(name) {
            return Err(NoteError::InvalidName(name.to_owned()));
        }
        let id = key_id(name, key.as_bytes());
        Ok(Self {
            name: name.to_owned(),
            key,
            id,
        })
    }

    /// Parse the standard verifier key text `name+hash+base64(0x01||key)`.
    pub fn from_vkey(vkey: &str) -> Result<Self, NoteError> {
        let (name, id_hex, key) = decode_key_text(vkey, ALG_ED25519)?;
        let key = VerifyingKey::from_bytes(&key).map_err(|_| NoteError::MalformedKey)?;
        let v = Self::new(name, key)?;
        if !id_matches(id_hex, v.id) {
            return Err(NoteError::MalformedKey);
        }
        Ok(v)
    }

    /// The standard verifier key text.
    pub fn to_vkey(&self) -> String {
        encode_key_text(&self.name, self.id, ALG_ED25519, self.key.as_bytes())
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn key_id(&self) -> u32 {
        self.id
    }

    pub fn public_key(&self) -> &VerifyingKey {
        &self.key
    }

    /// Verify `note` (text plus signature block) and return its text. Signatures by other keys
    /// are ignored, as the spec requires; one valid signature by this key is needed.
    pub fn verify<'a>(&self, note: &'a str) -> Result<&'a str, NoteError> {
        let parsed = parse(note)?;
        let mut found = false;
        for sig in &parsed.signatures {
            if sig.name != self.name || sig.key_id != self.id {
                continue;
            }
            found = true;
            let sig_bytes: [u8; 64] = sig
                .signature
                .as_slice()
                .try_into()
                .map_err(|_| NoteError::BadSignature(self.name.clone()))?;
            self.key
                .verify_strict(parsed.text.as_bytes(), &Signature::from_bytes(&sig_bytes))
                .map_err(|_| NoteError::BadSignature(self.name.clone()))?;
        }
        if found {
            Ok(parsed.text)
        } else {
            Err(NoteError::NoSignatureFromKey {
                name: self.name.clone(),
                id: self.id,
            })
        }
    }
}

/// A named Ed25519 secret key of one signed-note signature type (`alg`): what the note signer
/// and the witness's cosignature signer share (key id, key texts, generation).
#[derive(Clone)]
pub(crate) struct NamedKey {
    pub(crate) name: String,
    pub(crate) key: SigningKey,
    pub(crate) id: u32,
}

impl NamedKey {
    pub(crate) fn from_seed(alg: u8, name: &str, seed: &[u8; 32]) -> Result<Self, NoteError> {
        if !valid_name(name) {
            return Err(NoteError::InvalidName(name.to_owned()));
        }
        let key = SigningKey::from_bytes(seed);
        let id = key_id_for(alg, name, key.verifying_key().as_bytes());
        Ok(Self {
            name: name.to_owned(),
            key,
            id,
        })
    }

    /// A fresh key from the operating system's random number generator.
    pub(crate) fn generate(alg: u8, name: &str) -> Result<Self, NoteError> {
        let mut seed = [0u8; 32];
        getrandom::fill(&mut seed).map_err(|_| NoteError::MalformedKey)?;
        Self::from_seed(alg, name, &seed)
    }

    /// Parse `PRIVATE+KEY+name+hash+base64(alg||seed)`; the id must match.
    pub(crate) fn from_skey(alg: u8, skey: &str) -> Result<Self, NoteError> {
        let (name, id_hex, seed) = decode_key_text(strip_private(skey)?, alg)?;
        let k = Self::from_seed(alg, name, &seed)?;
        if !id_matches(id_hex, k.id) {
            return Err(NoteError::MalformedKey);
        }
        Ok(k)
    }

    /// The signer key text (secret: store it like a password).
    pub(crate) fn to_skey(&self, alg: u8) -> String {
        format!(
            "PRIVATE+KEY+{}",
            encode_key_text(&self.name, self.id, alg, self.key.as_bytes())
        )
    }
}

/// An Ed25519 note signer. `Debug` never shows the secret.
#[derive(Clone)]
pub struct NoteSigner {
    k: NamedKey,
}

impl fmt::Debug for NoteSigner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "NoteSigner({}, {:08x}, secret: ***)",
            self.k.name, self.k.id
        )
    }
}

impl NoteSigner {
    pub fn from_seed(name: &str, seed: &[u8; 32]) -> Result<Self, NoteError> {
        NamedKey::from_seed(ALG_ED25519, name, seed).map(|k| Self { k })
    }

    /// A fresh key from the operating system's random number generator.
    pub fn generate(name: &str) -> Result<Self, NoteError> {
        NamedKey::generate(ALG_ED25519, name).map(|k| Self { k })
    }

    /// Parse the standard signer key text `PRIVATE+KEY+name+hash+base64(0x01||seed)`.
    pub fn from_skey(skey: &str) -> Result<Self, NoteError> {
        NamedKey::from_skey(ALG_ED25519, skey).map(|k| Self { k })
    }

    /// The standard signer key text (secret: store it like a password).
    pub fn to_skey(&self) -> String {
        self.k.to_skey(ALG_ED25519)
    }

    pub fn verifier(&self) -> NoteVerifier {
        NoteVerifier {
            name: self.k.name.clone(),
            key: self.k.key.verifying_key(),
            id: self.k.id,
        }
    }

    pub fn name(&self) -> &str {
        &self.k.name
    }

    /// Sign `text` (which must end in a newline; it may contain empty lines) and return the
    /// full signed note.
    pub fn sign(&self, text: &str) -> Result<String, NoteError> {
        sign_note(self, text)
    }
}

/// Whatever holds a note signing key: a key in memory ([`NoteSigner`], read from a key file) or
/// an external signer (a hardware token, a signing service) that never hands out the secret.
pub trait Sign: Send + Sync + fmt::Debug {
    /// The key's name (for a log: its origin).
    fn name(&self) -> &str;
    /// The key's name, id and public key.
    fn verifier(&self) -> NoteVerifier;
    /// The Ed25519 signature of `message`.
    fn sign_bytes(&self, message: &[u8]) -> Result<[u8; 64], NoteError>;
}

impl Sign for NoteSigner {
    fn name(&self) -> &str {
        &self.k.name
    }

    fn verifier(&self) -> NoteVerifier {
        NoteSigner::verifier(self)
    }

    fn sign_bytes(&self, message: &[u8]) -> Result<[u8; 64], NoteError> {
        Ok(self.k.key.sign(message).to_bytes())
    }
}

/// Sign `text` (which must end in a newline) with `signer` and return the full signed note.
/// The signature is checked against the signer's public key before it is used, so a faulty
/// external signer cannot put a bad signature into a note.
pub fn sign_note(signer: &dyn Sign, text: &str) -> Result<String, NoteError> {
    check_text(text)?;
    let verifier = signer.verifier();
    let sig = signer.sign_bytes(text.as_bytes())?;
    verifier
        .key
        .verify_strict(text.as_bytes(), &Signature::from_bytes(&sig))
        .map_err(|_| NoteError::BadSignature(verifier.name.clone()))?;
    let mut raw = verifier.id.to_be_bytes().to_vec();
    raw.extend_from_slice(&sig);
    Ok(format!(
        "{text}\n{SIG_PREFIX}{} {}\n",
        verifier.name,
        B64.encode(raw)
    ))
}

/// The key text of a signer key without its `PRIVATE+KEY+` prefix.
pub(crate) fn strip_private(skey: &str) -> Result<&str, NoteError> {
    skey.trim()
        .strip_prefix("PRIVATE+KEY+")
        .ok_or(NoteError::MalformedKey)
}

/// The signed-note rules for a note text: it ends in a newline and has no control characters
/// other than newline. Empty lines are allowed: the text ends at the note's last empty line.
pub(crate) fn check_text(text: &str) -> Result<(), NoteError> {
    if !text.ends_with('\n') {
        return Err(NoteError::Malformed("text does not end in a newline"));
    }
    if text.chars().any(|c| c.is_control() && c != '\n') {
        return Err(NoteError::Malformed("text contains control characters"));
    }
    Ok(())
}

/// One signature line of a note.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoteSignature {
    pub name: String,
    pub key_id: u32,
    pub signature: Vec<u8>,
}

/// A note split into its text and signatures (not yet verified).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedNote<'a> {
    pub text: &'a str,
    pub signatures: Vec<NoteSignature>,
}

/// Split a signed note into text and signature lines. The text runs up to the last empty line
/// (C2SP signed-note, "Format"), so it may itself contain empty lines.
pub fn parse(note: &str) -> Result<ParsedNote<'_>, NoteError> {
    if note.len() > 1 << 20 {
        return Err(NoteError::Malformed("note is too large"));
    }
    let split = note
        .rfind("\n\n")
        .ok_or(NoteError::Malformed("no blank line before the signatures"))?;
    let text = &note[..=split];
    check_text(text)?;
    let block = &note[split + 2..];
    if !block.ends_with('\n') {
        return Err(NoteError::Malformed(
            "signature block does not end in a newline",
        ));
    }
    let mut signatures = Vec::new();
    for line in block.lines() {
        let rest = line.strip_prefix(SIG_PREFIX).ok_or(NoteError::Malformed(
            "signature line does not start with an em dash",
        ))?;
        let (name, b64) = rest
            .split_once(' ')
            .ok_or(NoteError::Malformed("signature line has no name"))?;
        if !valid_name(name) {
            return Err(NoteError::InvalidName(name.to_owned()));
        }
        let raw = B64
            .decode(b64)
            .map_err(|_| NoteError::Malformed("signature is not base64"))?;
        if raw.len() < 5 {
            return Err(NoteError::Malformed("signature is too short"));
        }
        signatures.push(NoteSignature {
            name: name.to_owned(),
            key_id: u32::from_be_bytes([raw[0], raw[1], raw[2], raw[3]]),
            signature: raw[4..].to_vec(),
        });
    }
    if signatures.is_empty() {
        return Err(NoteError::Malformed("note has no signatures"));
    }
    Ok(ParsedNote { text, signatures })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // test code: a failed unwrap is a failed test
mod tests {
    use super::*;

    #[test]
    fn sign_verify_and_tamper() {
        let s = NoteSigner::from_seed("example.org/log", &[7u8; 32]).unwrap();
        let v = s.verifier();
        let note = s.sign("example.org/log\n3\nAAAA\n").unwrap();
        assert!(note.starts_with("example.org/log\n3\nAAAA\n\n\u{2014} example.org/log "));
        assert_eq!(v.verify(&note).unwrap(), "example.org/log\n3\nAAAA\n");
        let tampered = note.replace("\n3\n", "\n4\n");
        assert_eq!(
            v.verify(&tampered),
            Err(NoteError::BadSignature("example.org/log".into()))
        );
        let other = NoteSigner::from_seed("example.org/log", &[8u8; 32]).unwrap();
        assert!(matches!(
            other.verifier().verify(&note),
            Err(NoteError::NoSignatureFromKey { .. })
        ));
    }

    #[test]
    fn key_texts_round_trip() {
        let s = NoteSigner::from_seed("log.example", &[1u8; 32]).unwrap();
        let v = NoteVerifier::from_vkey(&s.verifier().to_vkey()).unwrap();
        assert_eq!(v, s.verifier());
        let s2 = NoteSigner::from_skey(&s.to_skey()).unwrap();
        assert_eq!(s2.verifier(), s.verifier());
        assert!(!format!("{s:?}").contains(&s.to_skey()));
        assert!(NoteVerifier::from_vkey("log.example+00000000+AQ==").is_err());
        let bad_id = s.verifier().to_vkey().replacen('+', "+f", 1);
        assert!(NoteVerifier::from_vkey(&bad_id).is_err());
        assert!(NoteSigner::from_seed("has space", &[1u8; 32]).is_err());
    }

    /// Regression: the spec lets a note's text contain empty lines (its example is a poem with
    /// a stanza break); the text ends at the last empty line. Such notes were refused.
    #[test]
    fn text_with_empty_lines_round_trips() {
        let s = NoteSigner::from_seed("poems.example/quasimodo", &[9u8; 32]).unwrap();
        let text = "first stanza\nsecond line\n\nlast stanza\n";
        let note = s.sign(text).unwrap();
        assert!(note.starts_with("first stanza\nsecond line\n\nlast stanza\n\n\u{2014} "));
        let parsed = parse(&note).unwrap();
        assert_eq!(parsed.text, text);
        assert_eq!(parsed.signatures.len(), 1);
        assert_eq!(s.verifier().verify(&note).unwrap(), text);
        // The signature covers the empty line too: dropping it breaks the signature.
        let shortened = note.replacen("line\n\nlast", "line\nlast", 1);
        assert_eq!(
            s.verifier().verify(&shortened),
            Err(NoteError::BadSignature("poems.example/quasimodo".into()))
        );
        // A note without any empty line still has no signature block.
        assert!(parse("text\n\u{2014} x AAAAAAA=\n").is_err());
    }

    /// Known-answer test from the Go reference implementation's documentation
    /// (golang.org/x/mod/sumdb/note, package doc example): verifier key and a signed note.
    #[test]
    fn go_reference_note_verifies() {
        let vkey = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
        let note = "If you think cryptography is the answer to your problem,\n\
                    then you don't know what your problem is.\n\
                    \n\
                    \u{2014} PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n";
        let v = NoteVerifier::from_vkey(vkey).unwrap();
        assert_eq!(v.key_id(), 0xc74f20a3);
        let text = v.verify(note).unwrap();
        assert!(text.starts_with("If you think"));
        // Ed25519 is deterministic: the reference signer key reproduces the note byte for byte.
        let skey = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz";
        let signer = NoteSigner::from_skey(skey).unwrap();
        assert_eq!(signer.verifier(), v);
        assert_eq!(signer.sign(text).unwrap(), note);
    }
}
