//! Verification of a bundle: signature, payload type, canonical form, schema version,
//! certificate shape, station key and audit digest, each failure with its own error.

use crate::bundle::{Bundle, audit_digest};
use crate::dsse::DecodeError;
use crate::jcs;
use crate::key::{KeyError, PublicKey};
use crate::schema::{Certificate, PAYLOAD_TYPE, SCHEMA_MINOR, SCHEMA_VERSION};

/// Which key the signature was checked against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum KeySource {
    /// The key embedded in the bundle: proves integrity, not origin, until the registry
    /// vouches for the station.
    Embedded,
    /// A key the verifier supplied (e.g. `--key station.pem`): proves origin too.
    Given,
}

/// A successfully verified certificate.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Verified {
    /// The certificate as signed.
    pub certificate: Certificate,
    /// Which key verified the signature.
    pub key_source: KeySource,
    /// Fingerprint of that key.
    pub fingerprint: String,
}

/// Every way a bundle can fail verification, each with its own message.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum VerifyError {
    /// The envelope carries no signature at all.
    #[error("malformed envelope: it has no signatures")]
    NoSignatures,
    /// The envelope's base64 does not decode.
    #[error("malformed envelope: {0}")]
    Decode(#[from] DecodeError),
    /// The embedded station key is not a valid Ed25519 SPKI PEM.
    #[error("malformed envelope: the embedded station key is unusable: {0}")]
    EmbeddedKey(#[source] KeyError),
    /// No signature verifies with the key: payload, payload type or signature were altered.
    #[error(
        "signature does not verify: the certificate was altered after signing (tampered payload, payload type or signature) [key {fingerprint}]"
    )]
    BadSignature {
        /// The key tried.
        fingerprint: String,
    },
    /// The bundle verifies with its embedded key but not with the given one.
    #[error(
        "wrong key: the certificate is intact but was signed by {signed_by}, not by the given key {given}"
    )]
    WrongKey {
        /// Fingerprint of the key that signed.
        signed_by: String,
        /// Fingerprint of the key given.
        given: String,
    },
    /// The payload type is not a Tabula wipe certificate.
    #[error("wrong payload type {found:?}: expected {PAYLOAD_TYPE:?}")]
    PayloadType {
        /// The `payloadType` found.
        found: String,
    },
    /// The payload is not RFC 8785 canonical JSON.
    #[error(
        "not canonical: the payload is not in RFC 8785 (JCS) form, re-serialising it changes the bytes"
    )]
    NotCanonical,
    /// The payload is not JSON.
    #[error("the signed payload is not JSON: {0}")]
    PayloadNotJson(#[source] jcs::JcsError),
    /// The certificate's schema version is not one this Tabula knows.
    #[error(
        "unknown schema version {found}: this Tabula reads schema version {SCHEMA_VERSION} up to {SCHEMA_VERSION}.{SCHEMA_MINOR}"
    )]
    UnknownSchemaVersion {
        /// The `schema_version` found (or `missing`), with the minor version when it is the
        /// unknown part (`1.7`).
        found: String,
    },
    /// The payload is JSON of a known version but not a valid certificate.
    #[error("the signed payload is not a valid v1 certificate: {0}")]
    InvalidCertificate(#[source] serde_json::Error),
    /// The certificate names another station key than the one that signed it.
    #[error("station key mismatch: the certificate names {claimed} but was signed by {signed_by}")]
    StationKeyMismatch {
        /// `station.key_fingerprint` in the certificate.
        claimed: String,
        /// The key that verified.
        signed_by: String,
    },
    /// The attached audit document cannot be put in RFC 8785 form, so it has no digest.
    #[error("the attached audit document cannot be canonicalised: {0}")]
    AuditNotCanonical(#[source] jcs::JcsError),
    /// The attached audit document is not the one the certificate binds.
    #[error(
        "audit digest mismatch: the certificate binds {claimed} but the attached audit document hashes to {actual}"
    )]
    AuditDigest {
        /// `machine.audit_digest` in the certificate.
        claimed: String,
        /// Digest of the attached audit.
        actual: String,
    },
}

/// Verify a bundle against `trusted` (if given) or the key it carries.
///
/// Order of checks: signature (with the right key), payload type, RFC 8785 form, schema
/// version, certificate shape, station fingerprint, audit digest.
pub fn verify(bundle: &Bundle, trusted: Option<&PublicKey>) -> Result<Verified, VerifyError> {
    let envelope = &bundle.envelope;
    if envelope.signatures.is_empty() {
        return Err(VerifyError::NoSignatures);
    }
    let payload = envelope.payload_bytes()?;
    let signatures = envelope.signature_bytes()?;
    let pae = crate::dsse::pae(&envelope.payload_type, &payload);
    let signed_by = |key: &PublicKey| signatures.iter().any(|(_, sig)| key.verify(&pae, sig));
    // With a given key, the embedded one is only consulted to explain a failure, so a broken
    // embedded key does not stop verification against a trusted one.
    let (key, key_source, embedded) = match trusted {
        Some(given) => (
            given.clone(),
            KeySource::Given,
            PublicKey::from_pem(&bundle.station_key).ok(),
        ),
        None => (
            PublicKey::from_pem(&bundle.station_key).map_err(VerifyError::EmbeddedKey)?,
            KeySource::Embedded,
            None,
        ),
    };
    if !signed_by(&key) {
        if let Some(embedded) = embedded.filter(|e| signed_by(e)) {
            return Err(VerifyError::WrongKey {
                signed_by: embedded.fingerprint(),
                given: key.fingerprint(),
            });
        }
        return Err(VerifyError::BadSignature {
            fingerprint: key.fingerprint(),
        });
    }
    if envelope.payload_type != PAYLOAD_TYPE {
        return Err(VerifyError::PayloadType {
            found: envelope.payload_type.clone(),
        });
    }
    if !jcs::is_canonical(&payload).map_err(VerifyError::PayloadNotJson)? {
        return Err(VerifyError::NotCanonical);
    }
    let value: serde_json::Value =
        serde_json::from_slice(&payload).map_err(VerifyError::InvalidCertificate)?;
    match value.get("schema_version") {
        Some(v) if v.as_u64() == Some(u64::from(SCHEMA_VERSION)) => {}
        Some(v) => {
            return Err(VerifyError::UnknownSchemaVersion {
                found: v.to_string(),
            });
        }
        None => {
            return Err(VerifyError::UnknownSchemaVersion {
                found: "missing".into(),
            });
        }
    }
    // A newer minor version adds fields this Tabula could not show: refused by name, not as
    // an unknown field.
    if let Some(minor) = value.get("schema_minor")
        && minor.as_u64().is_none_or(|m| m > u64::from(SCHEMA_MINOR))
    {
        return Err(VerifyError::UnknownSchemaVersion {
            found: format!("{SCHEMA_VERSION}.{minor}"),
        });
    }
    let certificate: Certificate =
        serde_json::from_value(value).map_err(VerifyError::InvalidCertificate)?;
    let fingerprint = key.fingerprint();
    if certificate.station.key_fingerprint != fingerprint {
        return Err(VerifyError::StationKeyMismatch {
            claimed: certificate.station.key_fingerprint,
            signed_by: fingerprint,
        });
    }
    let actual = audit_digest(&bundle.audit).map_err(VerifyError::AuditNotCanonical)?;
    if certificate.machine.audit_digest != actual {
        return Err(VerifyError::AuditDigest {
            claimed: certificate.machine.audit_digest,
            actual,
        });
    }
    Ok(Verified {
        certificate,
        key_source,
        fingerprint,
    })
}
