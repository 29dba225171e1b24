//! Parsing what clients send: request bodies (upload, station and read-token names, enrolment),
//! the search's fields and date bounds, certificate ids; the text checks every value passes
//! before it is stored or queried; and the normalised form of an upload. Pure functions over
//! bytes and strings, called by the handlers before anything touches the store (so SQLite and
//! PostgreSQL see only values both accept), and reached by unit tests and the fuzz targets
//! (`crates/registry/fuzz`) without a server.

use serde::Deserialize;
use tabula_certificate::{
    BUNDLE_FORMAT, Bundle, BundleError, Certificate, PublicKey, VerifyError, jcs, verify,
};
use unicode_normalization::UnicodeNormalization as _;

use crate::auth::Secret;
use crate::error::ApiError;
use crate::store::CertificateFilter;

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
/// name), 1 to 200 bytes, and passing [`text_problem`].
pub fn valid_name(name: &str) -> Result<String, ApiError> {
    let name: String = name.trim().nfc().collect();
    if name.is_empty() {
        return Err(ApiError::InvalidInput(
            "name must be 1 to 200 printable characters".into(),
        ));
    }
    if let Some(problem) = text_problem(&name, 200) {
        return Err(ApiError::InvalidInput(format!("name {problem}")));
    }
    Ok(name)
}

/// Why a text value may not be stored or searched for, if it may not: longer than `max` bytes,
/// a control character (NUL, which PostgreSQL refuses in text and SQLite stores, C0, DEL, C1),
/// a line or paragraph separator, or one of the invisible characters that make two values look
/// alike or reorder text on a page (bidirectional controls, zero-width characters).
pub fn text_problem(value: &str, max: usize) -> Option<String> {
    if value.len() > max {
        return Some(format!("is {} bytes long; the limit is {max}", value.len()));
    }
    if let Some(c) = value
        .chars()
        .find(|&c| c.is_control() || matches!(c, '\u{2028}' | '\u{2029}'))
    {
        return Some(format!(
            "contains the control character U+{:04X}",
            u32::from(c)
        ));
    }
    value.chars().find(|&c| invisible(c)).map(|c| {
        format!(
            "contains the invisible character U+{:04X} (a bidirectional control or zero-width character)",
            u32::from(c)
        )
    })
}

/// The text fields of a certificate the registry copies into its search columns, each with its
/// limit in bytes (all far below the ~2,700 bytes PostgreSQL can index).
fn column_fields(cert: &Certificate) -> Vec<(String, &str, usize)> {
    let mut fields = vec![
        ("organisation".to_owned(), cert.organisation.as_str(), 512),
        ("site".to_owned(), cert.site.as_str(), 512),
        (
            "station.key_fingerprint".to_owned(),
            cert.station.key_fingerprint.as_str(),
            128,
        ),
        (
            "machine.vendor".to_owned(),
            cert.machine.vendor.as_str(),
            256,
        ),
        ("machine.model".to_owned(), cert.machine.model.as_str(), 256),
        (
            "machine.serial".to_owned(),
            cert.machine.serial.as_str(),
            256,
        ),
    ];
    for (i, d) in cert.drives.iter().enumerate() {
        fields.push((format!("drives[{i}].model"), d.model.as_str(), 256));
        fields.push((format!("drives[{i}].serial"), d.serial.as_str(), 256));
    }
    fields
}

/// Every certificate field that goes into a database column passes [`text_problem`] with its
/// limit; the first that does not is refused by name (422 `invalid_field`). The certificate is
/// signed, so the registry refuses it rather than storing an altered value.
pub fn check_certificate_text(cert: &Certificate) -> Result<(), ApiError> {
    for (field, value, max) in column_fields(cert) {
        if let Some(problem) = text_problem(value, max) {
            return Err(ApiError::InvalidField { field, problem });
        }
    }
    Ok(())
}

/// The longest search value, in bytes.
const SEARCH_MAX: usize = 512;

/// A search's text fields pass [`text_problem`] (400 `invalid_input` naming the field), so a
/// query both databases would answer differently (a NUL: PostgreSQL fails, SQLite finds
/// nothing) never runs.
pub fn check_filter(f: &CertificateFilter) -> Result<(), ApiError> {
    for (field, value) in f.text_fields() {
        if let Some(problem) = value.and_then(|v| text_problem(v, SEARCH_MAX)) {
            return Err(ApiError::InvalidInput(format!("{field} {problem}")));
        }
    }
    if let Some(id) = f.id.as_deref().map(str::trim) {
        let digits = id.bytes().filter(u8::is_ascii_hexdigit).count();
        if !id.bytes().all(|b| b.is_ascii_hexdigit() || b == b'-') || digits > 32 {
            return Err(ApiError::InvalidInput(format!(
                "{id:?} ist keine Zertifikats-ID (Hex-Ziffern und Bindestriche) / \
                 is not a certificate id (hex digits and dashes)"
            )));
        }
        if digits < ID_PREFIX_MIN {
            return Err(ApiError::InvalidInput(format!(
                "{id:?} ist zu kurz: mindestens die ersten {ID_PREFIX_MIN} Zeichen der \
                 Zertifikats-ID angeben / is too short: give at least the first \
                 {ID_PREFIX_MIN} characters of the certificate id"
            )));
        }
    }
    Ok(())
}

/// Shortest certificate id prefix a search accepts, in hex digits (dashes not counted).
pub const ID_PREFIX_MIN: usize = 8;

/// A certificate id from a path or query: a UUID, returned trimmed and in lower case.
pub fn certificate_id(id: &str) -> Result<String, ApiError> {
    let id = id.trim().to_lowercase();
    if uuid::Uuid::parse_str(&id).is_err() {
        return Err(ApiError::InvalidInput(format!(
            "{id:?} ist keine Zertifikats-ID / is not a certificate id (UUID)"
        )));
    }
    Ok(id)
}

/// The bundle the registry stores and logs for an upload signed with the enrolled station key
/// `key` (`pem`: that key as enrolled): the envelope reduced to its payload and one signature
/// that verifies with `key`, `keyid` the key's fingerprint
/// ([`tabula_certificate::Envelope::signed_by`]); `station_key` the enrolled key; the audit
/// document in RFC 8785 form; no receipt; no field the bundle format does not define (parsing
/// dropped them). Every copy of one signed upload,
/// whatever was changed outside the signed bytes, normalises to the same bundle and so to the
/// same log leaf. The result still goes through [`verify`] (payload type, schema, station
/// fingerprint, audit digest).
pub fn normalise(bundle: &Bundle, key: &PublicKey, pem: &str) -> Result<Bundle, ApiError> {
    let Some(envelope) = bundle.envelope.signed_by(key) else {
        // Nothing verifies with the key: the verifier says why (no signature, bad base64, ...).
        return Err(ApiError::SignatureInvalid(
            match verify(bundle, Some(key)) {
                Err(e) => e,
                Ok(_) => VerifyError::BadSignature {
                    fingerprint: key.fingerprint(),
                },
            },
        ));
    };
    let canonical = jcs::to_vec(&bundle.audit)
        .map_err(|e| ApiError::SignatureInvalid(VerifyError::AuditNotCanonical(e)))?;
    let audit = serde_json::from_slice(&canonical)
        .map_err(|e| ApiError::Internal(format!("re-reading the canonical audit: {e}")))?;
    Ok(Bundle {
        format: BUNDLE_FORMAT.to_owned(),
        envelope,
        station_key: pem.to_owned(),
        audit,
        receipt: None,
    })
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
    fn text_checks_name_the_field_and_the_problem() {
        assert_eq!(text_problem("Müller 東京 🔒 e\u{301}", 64), None);
        for (value, words) in [
            ("a\0b", "U+0000"),
            ("\u{1b}[31m", "U+001B"),
            ("a\u{85}", "U+0085"),
            ("a\u{2029}", "U+2029"),
            ("x\u{202E}y", "invisible"),
            ("ÜÜÜ", "6 bytes long; the limit is 5"),
        ] {
            let problem = text_problem(value, 5).unwrap();
            assert!(problem.contains(words), "{value:?}: {problem}");
        }
        let key = tabula_certificate::StationKey::from_seed(&[7; 32]);
        let mut cert = tabula_certificate::sample::certificate(&key);
        assert!(check_certificate_text(&cert).is_ok());
        cert.drives[1].serial = "WD\0".into();
        let err = check_certificate_text(&cert).unwrap_err();
        assert_eq!(code(&err), "invalid_field");
        assert!(err.to_string().contains("drives[1].serial"), "{err}");
        let filter = CertificateFilter {
            organisation: Some("a\0".into()),
            ..CertificateFilter::default()
        };
        let err = check_filter(&filter).unwrap_err();
        assert!(err.to_string().contains("organisation"), "{err}");
        assert_eq!(
            certificate_id(" 0190F5A4-0000-7000-8000-000000000000 ").unwrap(),
            "0190f5a4-0000-7000-8000-000000000000"
        );
        assert_eq!(code(&certificate_id("\0").unwrap_err()), "invalid_input");
    }

    #[test]
    fn normalising_an_upload_keeps_only_what_the_key_signed() {
        let key = tabula_certificate::StationKey::from_seed(&[8; 32]);
        let other = tabula_certificate::StationKey::from_seed(&[9; 32]);
        let cert = tabula_certificate::sample::certificate(&key);
        let genuine =
            tabula_certificate::Bundle::sign(&cert, tabula_certificate::sample::audit(), &key)
                .unwrap();
        let pem = key.public().to_pem().unwrap();
        let normal = normalise(&genuine, &key.public(), &pem).unwrap();
        assert_eq!(normal, genuine);
        let mut copy = genuine.clone();
        copy.station_key = other.public().to_pem().unwrap();
        copy.envelope.signatures[0].keyid = "whoever".into();
        copy.receipt = Some(serde_json::json!({"forged": true}));
        assert_eq!(normalise(&copy, &key.public(), &pem).unwrap(), genuine);
        // Signed by another key only: refused with the verifier's reason.
        let foreign =
            tabula_certificate::Bundle::sign(&cert, tabula_certificate::sample::audit(), &other);
        assert!(foreign.is_err(), "the certificate names the first key");
        let mut forged = genuine;
        forged.envelope.signatures.clear();
        let err = normalise(&forged, &key.public(), &pem).unwrap_err();
        assert_eq!(code(&err), "signature_invalid");
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
