//! DSSE (Dead Simple Signing Envelope, secure-systems-lab/dsse v1.0).
//!
//! The signature covers the Pre-Authentication Encoding (PAE) of the payload type and the
//! payload bytes, never the JSON of the envelope:
//!
//! ```text
//! PAE(type, body) = "DSSEv1" SP LEN(type) SP type SP LEN(body) SP body
//! ```
//!
//! where `LEN` is the byte length in ASCII decimal without leading zeros and `SP` one space.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde::{Deserialize, Serialize};

use crate::jcs::{self, JcsError};
use crate::key::{PublicKey, StationKey};

/// A DSSE envelope (JSON encoding): `payload` and `sig` are standard base64 with padding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Envelope {
    /// The payload bytes, standard base64.
    pub payload: String,
    /// The payload's media type.
    pub payload_type: String,
    /// One or more signatures over `PAE(payload_type, payload)`.
    pub signatures: Vec<Signature>,
}

/// One DSSE signature.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Signature {
    /// Which key made it: the key's fingerprint, `sha256:<hex>` of its SPKI DER.
    #[serde(default)]
    pub keyid: String,
    /// The 64-byte Ed25519 signature, standard base64.
    pub sig: String,
}

/// Envelope content that is not valid base64.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DecodeError {
    /// `payload` is not standard base64.
    #[error("payload is not valid base64: {0}")]
    Payload(#[source] base64::DecodeError),
    /// A `sig` is not standard base64.
    #[error("signature {index} is not valid base64: {source}")]
    Signature {
        /// Index in `signatures`.
        index: usize,
        /// The decoding error.
        #[source]
        source: base64::DecodeError,
    },
}

/// The DSSE v1 pre-authentication encoding of `payload_type` and `payload`.
pub fn pae(payload_type: &str, payload: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(payload_type.len() + payload.len() + 32);
    out.extend_from_slice(b"DSSEv1 ");
    out.extend_from_slice(payload_type.len().to_string().as_bytes());
    out.push(b' ');
    out.extend_from_slice(payload_type.as_bytes());
    out.push(b' ');
    out.extend_from_slice(payload.len().to_string().as_bytes());
    out.push(b' ');
    out.extend_from_slice(payload);
    out
}

impl Envelope {
    /// Sign `payload` of type `payload_type` with `key`; the signature's `keyid` is the key's
    /// fingerprint.
    pub fn sign(payload_type: &str, payload: &[u8], key: &StationKey) -> Self {
        let sig = key.sign(&pae(payload_type, payload));
        Self {
            payload: STANDARD.encode(payload),
            payload_type: payload_type.to_owned(),
            signatures: vec![Signature {
                keyid: key.public().fingerprint(),
                sig: STANDARD.encode(sig),
            }],
        }
    }

    /// The decoded payload bytes.
    pub fn payload_bytes(&self) -> Result<Vec<u8>, DecodeError> {
        STANDARD.decode(&self.payload).map_err(DecodeError::Payload)
    }

    /// The PAE bytes that the signatures cover.
    pub fn pae(&self) -> Result<Vec<u8>, DecodeError> {
        Ok(pae(&self.payload_type, &self.payload_bytes()?))
    }

    /// The decoded signatures, in order, with their key ids.
    pub fn signature_bytes(&self) -> Result<Vec<(String, Vec<u8>)>, DecodeError> {
        self.signatures
            .iter()
            .enumerate()
            .map(|(index, s)| {
                STANDARD
                    .decode(&s.sig)
                    .map(|bytes| (s.keyid.clone(), bytes))
                    .map_err(|source| DecodeError::Signature { index, source })
            })
            .collect()
    }

    /// The envelope reduced to what `key` vouches for, in one canonical form: the payload
    /// re-encoded, exactly one signature (of those that verify with `key`, the lowest in base64
    /// order, so the choice does not depend on their order) with `keyid` set to `key`'s
    /// fingerprint. Signatures that do not decode or do not verify are dropped. `None` when the
    /// payload does not decode or no signature verifies.
    ///
    /// Nothing outside the signed bytes (`keyid`, extra or repeated signatures, base64 spelling)
    /// can change the result, so every malleated copy of a signed envelope reduces to the same
    /// envelope, with the same RFC 8785 bytes ([`Envelope::leaf_bytes`]).
    pub fn signed_by(&self, key: &PublicKey) -> Option<Envelope> {
        let payload = self.payload_bytes().ok()?;
        let pae = pae(&self.payload_type, &payload);
        let sig = self
            .signatures
            .iter()
            .filter_map(|s| STANDARD.decode(&s.sig).ok())
            .filter(|sig| key.verify(&pae, sig))
            .map(|sig| STANDARD.encode(sig))
            .min()?;
        Some(Envelope {
            payload: STANDARD.encode(&payload),
            payload_type: self.payload_type.clone(),
            signatures: vec![Signature {
                keyid: key.fingerprint(),
                sig,
            }],
        })
    }

    /// The RFC 8785 bytes of the envelope: what the transparency log hashes as the leaf.
    /// An envelope holds only strings, so this fails only if canonicalisation itself breaks;
    /// the error is returned rather than an empty leaf.
    pub fn leaf_bytes(&self) -> Result<Vec<u8>, JcsError> {
        jcs::to_vec(self)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn pae_matches_the_dsse_spec_example() {
        // The test vector of the DSSE protocol document (protocol.md, "Test Vectors").
        assert_eq!(
            pae("http://example.com/HelloWorld", b"hello world"),
            b"DSSEv1 29 http://example.com/HelloWorld 11 hello world".to_vec()
        );
        assert_eq!(pae("", b""), b"DSSEv1 0  0 ".to_vec());
    }

    #[test]
    fn envelope_json_uses_dsse_field_names() {
        let key = StationKey::from_seed(&[1; 32]);
        let env = Envelope::sign("t", b"x", &key);
        let json = String::from_utf8(env.leaf_bytes().unwrap()).unwrap();
        assert!(
            json.starts_with(
                r#"{"payload":"eA==","payloadType":"t","signatures":[{"keyid":"sha256:"#
            )
        );
        let back: Envelope = serde_json::from_str(&json).unwrap();
        assert_eq!(back, env);
    }

    #[test]
    fn signed_by_reduces_every_malleated_copy_to_the_signed_envelope() {
        let key = StationKey::from_seed(&[2; 32]);
        let other = StationKey::from_seed(&[3; 32]);
        let genuine = Envelope::sign("t", b"payload", &key);
        assert_eq!(genuine.signed_by(&key.public()), Some(genuine.clone()));
        let junk = |sig: &str| Signature {
            keyid: "junk".into(),
            sig: sig.into(),
        };
        let mut variants = Vec::new();
        let mut v = genuine.clone();
        v.signatures[0].keyid = "sha256:someone-else".into();
        variants.push(v);
        let mut v = genuine.clone();
        v.signatures.insert(0, junk("not base64 !"));
        v.signatures.push(junk(&STANDARD.encode([7u8; 64])));
        v.signatures
            .push(Envelope::sign("t", b"payload", &other).signatures[0].clone());
        variants.push(v);
        let mut v = genuine.clone();
        v.signatures.push(genuine.signatures[0].clone());
        variants.push(v);
        for v in variants {
            let reduced = v.signed_by(&key.public()).unwrap();
            assert_eq!(reduced, genuine);
            assert_eq!(reduced.leaf_bytes().unwrap(), genuine.leaf_bytes().unwrap());
        }
        // Nothing verifies: no envelope, whatever else it carries.
        assert_eq!(genuine.signed_by(&other.public()), None);
        let mut tampered = genuine.clone();
        tampered.payload = STANDARD.encode(b"pAyload");
        assert_eq!(tampered.signed_by(&key.public()), None);
        let mut broken = genuine;
        broken.payload = "%%%".into();
        assert_eq!(broken.signed_by(&key.public()), None);
    }
}
