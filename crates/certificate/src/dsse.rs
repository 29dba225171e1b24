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
use crate::key::StationKey;

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
}
