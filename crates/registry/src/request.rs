//! Parsing what clients send: request bodies (upload, station and read-token names, enrolment)
//! and the search's date bounds. Pure functions over bytes and strings, called by the handlers
//! before anything touches the store, so unit tests and the fuzz targets (`crates/registry/fuzz`)
//! reach them without a server.

use serde::Deserialize;
use tabula_certificate::{Bundle, BundleError, Certificate, PublicKey};
use unicode_normalization::UnicodeNormalization as _;

use crate::auth::Secret;
use crate::error::ApiError;

/// An upload body: the bundle and the certificate its envelope carries (decoded, not verified).
#[derive(Debug)]
#[non_exhaustive]
pub struct Upload {
    pub bundle: Bundle,
    pub certificate: Certificate,
}

/// `POST /api/v1/certificates`: a bundle file. Syntax errors (empty, truncated, not JSON) are
/// `malformed_json`; JSON that is no bundle or carries no certificate is `not_a_bundle`.
pub fn parse_upload(body: &[u8]) -> Result<Upload, ApiError> {
    let bundle = Bundle::from_slice(body).map_err(|e| match e {
        BundleError::Empty | BundleError::Truncated { .. } | BundleError::NotJson { .. } => {
            ApiError::MalformedBundle(e)
        }
        other => ApiError::NotABundle(other),
    })?;
    let certificate = bundle.certificate().map_err(ApiError::NotABundle)?;
    Ok(Upload {
        bundle,
        certificate,
    })
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct NameRequest {
    name: String,
}

/// `POST /api/v1/stations` and `POST /api/v1/read-tokens`: `{"name": ...}`, checked by
/// [`valid_name`] and returned trimmed.
pub fn parse_name(body: &[u8]) -> Result<String, ApiError> {
    let req: NameRequest = serde_json::from_slice(body)?;
    valid_name(&req.name)
}

/// A station or read-token name: trimmed and in Unicode NFC (so "Müller" typed two ways is one
/// name), 1 to 200 bytes, no control characters, and none of the invisible characters that make
/// two names look alike or reorder text on a page: bidirectional controls and zero-width
/// characters.
pub fn valid_name(name: &str) -> Result<String, ApiError> {
    let name: String = name.trim().nfc().collect();
    if name.is_empty() || name.len() > 200 || name.chars().any(char::is_control) {
        return Err(ApiError::InvalidInput(
            "name must be 1 to 200 printable characters".into(),
        ));
    }
    if let Some(c) = name.chars().find(|&c| invisible(c)) {
        return Err(ApiError::InvalidInput(format!(
            "name contains the invisible character U+{:04X} (a bidirectional control or zero-width character)",
            u32::from(c)
        )));
    }
    Ok(name)
}

/// Bidirectional formatting controls (Unicode UAX #9) and zero-width characters.
fn invisible(c: char) -> bool {
    matches!(
        c,
        '\u{061C}'
            | '\u{200B}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{2069}'
            | '\u{FEFF}'
    )
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct EnrolRequest {
    token: String,
    /// The station's Ed25519 public key, SPKI PEM.
    public_key: String,
}

/// An enrolment body: the one-time token and the station's key.
#[derive(Debug)]
#[non_exhaustive]
pub struct Enrolment {
    pub token: Secret,
    pub key: PublicKey,
    /// The key written back as PEM (the stored form, whatever layout the client sent).
    pub pem: String,
}

/// `POST /api/v1/stations/enroll`: `{"token": ..., "public_key": "<SPKI PEM>"}`.
pub fn parse_enrolment(body: &[u8]) -> Result<Enrolment, ApiError> {
    let req: EnrolRequest = serde_json::from_slice(body)?;
    let key = PublicKey::from_pem(&req.public_key)
        .map_err(|e| ApiError::InvalidInput(format!("public_key: {e}")))?;
    let pem = key
        .to_pem()
        .map_err(|e| ApiError::InvalidInput(format!("public_key: {e}")))?;
    Ok(Enrolment {
        token: Secret::new(req.token),
        key,
        pem,
    })
}

/// The stored text form of a time: RFC 3339, UTC, whole seconds.
pub(crate) fn time_text(t: &chrono::DateTime<chrono::Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// Normalise a search's `from`/`to` bound to the stored text form. A bare date means the start
/// (`from`) or the end (`to`) of that day, UTC; blank means no bound.
pub fn normalise_bound(value: Option<&str>, end_of_day: bool) -> Result<Option<String>, ApiError> {
    let Some(v) = value.map(str::trim).filter(|v| !v.is_empty()) else {
        return Ok(None);
    };
    if let Ok(d) = chrono::NaiveDate::parse_from_str(v, "%Y-%m-%d") {
        let t = if end_of_day { "23:59:59" } else { "00:00:00" };
        return Ok(Some(format!("{}T{t}Z", d.format("%Y-%m-%d"))));
    }
    chrono::DateTime::parse_from_rfc3339(v)
        .map(|t| Some(time_text(&t.with_timezone(&chrono::Utc))))
        .map_err(|_| {
            ApiError::InvalidInput(format!("{v:?} is not a date (YYYY-MM-DD) or RFC 3339 time"))
        })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // test code: a failed unwrap is a failed test
mod tests {
    use super::*;

    fn code(e: &ApiError) -> &'static str {
        e.status_and_code().1
    }

    #[test]
    fn upload_errors_split_syntax_from_shape() {
        for body in [&b""[..], b"  \n", b"{\"format\": ", b"not json"] {
            assert_eq!(code(&parse_upload(body).unwrap_err()), "malformed_json");
        }
        for body in [&b"{\"hello\": 1}"[..], b"[]", b"\"tabula-bundle/1\""] {
            assert_eq!(code(&parse_upload(body).unwrap_err()), "not_a_bundle");
        }
    }

    #[test]
    fn upload_of_the_sample_bundle_decodes_its_certificate() {
        let key = tabula_certificate::StationKey::from_seed(&[5; 32]);
        let cert = tabula_certificate::sample::certificate(&key);
        let bundle =
            tabula_certificate::Bundle::sign(&cert, tabula_certificate::sample::audit(), &key)
                .unwrap();
        let upload = parse_upload(&bundle.to_json().unwrap()).unwrap();
        assert_eq!(upload.certificate, bundle.certificate().unwrap());
        assert_eq!(upload.bundle, bundle);
    }

    #[test]
    fn names_are_trimmed_and_checked() {
        assert_eq!(parse_name(br#"{"name": "  bench-1 "}"#).unwrap(), "bench-1");
        for body in [
            &br#"{"name": "   "}"#[..],
            br#"{"name": "a\u0007b"}"#,
            br#"{"name": "x", "extra": 1}"#,
        ] {
            assert!(
                parse_name(body).is_err(),
                "{}",
                String::from_utf8_lossy(body)
            );
        }
        // NFD input is stored as NFC: one name, however it was typed.
        assert_eq!(valid_name("Mu\u{0308}ller").unwrap(), "M\u{00FC}ller");
        for sneaky in [
            "bench\u{202E}1-tset",
            "bench\u{200B}-1",
            "\u{FEFF}bench",
            "bench\u{2066}1",
            "bench\u{200F}",
        ] {
            let err = valid_name(sneaky).unwrap_err();
            assert_eq!(code(&err), "invalid_input", "{sneaky:?}");
            assert!(err.to_string().contains("invisible"), "{err}");
        }
        let long = format!(r#"{{"name": "{}"}}"#, "x".repeat(201));
        assert_eq!(
            code(&parse_name(long.as_bytes()).unwrap_err()),
            "invalid_input"
        );
    }

    #[test]
    fn enrolment_needs_a_public_key_pem() {
        let key = tabula_certificate::StationKey::from_seed(&[6; 32]).public();
        let body = serde_json::json!({"token": "tbl_x", "public_key": key.to_pem().unwrap()});
        let e = parse_enrolment(body.to_string().as_bytes()).unwrap();
        assert_eq!(e.key, key);
        assert_eq!(e.token.expose(), "tbl_x");
        assert!(!format!("{e:?}").contains("tbl_x"));
        let bad = serde_json::json!({"token": "tbl_x", "public_key": "-----BEGIN nothing"});
        assert_eq!(
            code(&parse_enrolment(bad.to_string().as_bytes()).unwrap_err()),
            "invalid_input"
        );
    }

    #[test]
    fn bounds() {
        assert_eq!(normalise_bound(Some(" "), false).unwrap(), None);
        assert_eq!(
            normalise_bound(Some("2026-03-01"), true).unwrap().unwrap(),
            "2026-03-01T23:59:59Z"
        );
        assert_eq!(
            normalise_bound(Some("2026-03-01T10:00:00+01:00"), false)
                .unwrap()
                .unwrap(),
            "2026-03-01T09:00:00Z"
        );
        assert!(normalise_bound(Some("yesterday"), false).is_err());
    }
}
