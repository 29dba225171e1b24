//! Signing and verification of bundles, and every way verification fails.
//!
//! - `round_trip`: sign, write, read, verify with the embedded and with the given key.
//! - `every_flipped_byte_fails`: any single-byte change of payload, payload type or signature.
//! - one test per failure kind: tampered field, wrong key, not canonical, unknown schema
//!   version, wrong payload type, audit digest, station key mismatch, malformed envelope.
//! - `reformatting_the_bundle_file_keeps_it_valid`: layout of the file does not matter.

#![allow(clippy::unwrap_used)]

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use tabula_certificate::dsse::Envelope;
use tabula_certificate::{
    Bundle, BundleError, KeySource, PAYLOAD_TYPE, StationKey, VerifyError, jcs, sample, verify,
};

fn signed() -> (StationKey, Bundle) {
    let key = StationKey::from_seed(&[42; 32]);
    let bundle = Bundle::sign(&sample::certificate(&key), sample::audit(), &key).unwrap();
    (key, bundle)
}

/// A bundle whose envelope carries `payload` signed by `key` with `payload_type`.
fn resigned(bundle: &Bundle, payload_type: &str, payload: &[u8], key: &StationKey) -> Bundle {
    let mut b = bundle.clone();
    b.envelope = Envelope::sign(payload_type, payload, key);
    b
}

#[test]
fn round_trip() {
    let (key, bundle) = signed();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(bundle.file_name().unwrap());
    bundle.write_atomic(&path).unwrap();
    let read = Bundle::read(&path).unwrap();
    assert_eq!(read, bundle);

    let embedded = verify(&read, None).unwrap();
    assert_eq!(embedded.key_source, KeySource::Embedded);
    assert_eq!(
        embedded.certificate,
        sample::certificate_with_id(&key, bundle.id().unwrap())
    );
    assert_eq!(embedded.fingerprint, key.public().fingerprint());

    let given = verify(&read, Some(&key.public())).unwrap();
    assert_eq!(given.key_source, KeySource::Given);

    // The payload is exactly the JCS form of the certificate, with the kebab-case statuses.
    let payload = bundle.envelope.payload_bytes().unwrap();
    assert_eq!(payload, jcs::to_vec(&embedded.certificate).unwrap());
    let text = String::from_utf8(payload).unwrap();
    assert!(text.contains(r#""result":"erased-with-errors""#), "{text}");
    assert!(text.contains(r#""nist_category":"purge""#));
    assert!(
        !text.contains("VK7JG"),
        "product key must never be in a certificate"
    );
}

#[test]
fn every_flipped_byte_fails() {
    let (key, bundle) = signed();
    let public = key.public();
    let payload = bundle.envelope.payload_bytes().unwrap();
    for i in 0..payload.len() {
        let mut p = payload.clone();
        p[i] ^= 0x01;
        let mut b = bundle.clone();
        b.envelope.payload = STANDARD.encode(&p);
        assert!(verify(&b, None).is_err(), "payload byte {i}");
        assert!(verify(&b, Some(&public)).is_err(), "payload byte {i}");
    }
    for i in 0..PAYLOAD_TYPE.len() {
        let mut t = PAYLOAD_TYPE.as_bytes().to_vec();
        t[i] ^= 0x01;
        let mut b = bundle.clone();
        b.envelope.payload_type = String::from_utf8(t).unwrap();
        assert!(
            matches!(verify(&b, None), Err(VerifyError::BadSignature { .. })),
            "payload type byte {i}"
        );
    }
    let sig = STANDARD.decode(&bundle.envelope.signatures[0].sig).unwrap();
    assert_eq!(sig.len(), 64);
    for i in 0..sig.len() {
        for bit in [0x01, 0x80] {
            let mut s = sig.clone();
            s[i] ^= bit;
            let mut b = bundle.clone();
            b.envelope.signatures[0].sig = STANDARD.encode(&s);
            assert!(
                matches!(verify(&b, None), Err(VerifyError::BadSignature { .. })),
                "signature byte {i} bit {bit:#x}"
            );
        }
    }
}

#[test]
fn tampered_field_is_a_bad_signature() {
    let (_, bundle) = signed();
    let text = String::from_utf8(bundle.envelope.payload_bytes().unwrap()).unwrap();
    let forged = text.replace("erased-with-errors", "erased");
    assert_ne!(forged, text);
    let mut b = bundle.clone();
    b.envelope.payload = STANDARD.encode(forged);
    let err = verify(&b, None).unwrap_err();
    assert!(matches!(err, VerifyError::BadSignature { .. }), "{err}");
    assert!(err.to_string().contains("altered after signing"));
}

#[test]
fn wrong_key() {
    let (key, bundle) = signed();
    let other = StationKey::from_seed(&[7; 32]).public();
    let err = verify(&bundle, Some(&other)).unwrap_err();
    match &err {
        VerifyError::WrongKey { signed_by, given } => {
            assert_eq!(signed_by, &key.public().fingerprint());
            assert_eq!(given, &other.fingerprint());
        }
        e => panic!("expected WrongKey, got {e}"),
    }
    // Forged: payload and embedded key swapped by someone with another key. The embedded key
    // verifies (integrity) but the station fingerprint in the certificate does not match.
    let forger = StationKey::from_seed(&[9; 32]);
    let mut b = resigned(
        &bundle,
        PAYLOAD_TYPE,
        &bundle.envelope.payload_bytes().unwrap(),
        &forger,
    );
    b.station_key = forger.public().to_pem().unwrap();
    assert!(matches!(
        verify(&b, None),
        Err(VerifyError::StationKeyMismatch { .. })
    ));
    // And with the real station key given, the forgery is signed by the wrong key.
    match verify(&b, Some(&key.public())) {
        Err(VerifyError::WrongKey { signed_by, .. }) => {
            assert_eq!(signed_by, forger.public().fingerprint());
        }
        other => panic!("expected WrongKey, got {other:?}"),
    }
}

#[test]
fn not_canonical() {
    let (key, bundle) = signed();
    let cert = bundle.certificate().unwrap();
    let pretty = serde_json::to_vec_pretty(&cert).unwrap();
    let b = resigned(&bundle, PAYLOAD_TYPE, &pretty, &key);
    assert!(matches!(verify(&b, None), Err(VerifyError::NotCanonical)));
}

#[test]
fn unknown_schema_version() {
    let (key, bundle) = signed();
    let mut value: serde_json::Value =
        serde_json::from_slice(&bundle.envelope.payload_bytes().unwrap()).unwrap();
    value["schema_version"] = 2.into();
    let b = resigned(
        &bundle,
        PAYLOAD_TYPE,
        &jcs::canonicalize(&value).unwrap(),
        &key,
    );
    let err = verify(&b, None).unwrap_err();
    assert!(
        matches!(err, VerifyError::UnknownSchemaVersion { .. }),
        "{err}"
    );
    assert!(
        err.to_string().contains("unknown schema version 2"),
        "{err}"
    );
}

#[test]
fn unknown_field_is_rejected() {
    let (key, bundle) = signed();
    let mut value: serde_json::Value =
        serde_json::from_slice(&bundle.envelope.payload_bytes().unwrap()).unwrap();
    value["surprise"] = "hidden".into();
    let b = resigned(
        &bundle,
        PAYLOAD_TYPE,
        &jcs::canonicalize(&value).unwrap(),
        &key,
    );
    assert!(matches!(
        verify(&b, None),
        Err(VerifyError::InvalidCertificate(_))
    ));
}

#[test]
fn wrong_payload_type() {
    let (key, bundle) = signed();
    let payload = bundle.envelope.payload_bytes().unwrap();
    let b = resigned(&bundle, "application/vnd.in-toto+json", &payload, &key);
    assert!(matches!(
        verify(&b, None),
        Err(VerifyError::PayloadType { .. })
    ));
}

#[test]
fn audit_digest_mismatch() {
    let (_, mut bundle) = signed();
    bundle.audit["system"]["serial"] = "SOMETHING-ELSE".into();
    assert!(matches!(
        verify(&bundle, None),
        Err(VerifyError::AuditDigest { .. })
    ));
}

#[test]
fn malformed_envelopes() {
    let (_, bundle) = signed();
    let mut b = bundle.clone();
    b.envelope.payload = "***".into();
    assert!(matches!(verify(&b, None), Err(VerifyError::Decode(_))));
    let mut b = bundle.clone();
    b.envelope.signatures.clear();
    assert!(matches!(verify(&b, None), Err(VerifyError::NoSignatures)));
    let mut b = bundle.clone();
    b.station_key = "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n".into();
    assert!(matches!(verify(&b, None), Err(VerifyError::EmbeddedKey(_))));
    // A trusted key still verifies a bundle whose embedded key is broken.
    let key = StationKey::from_seed(&[42; 32]);
    assert!(verify(&b, Some(&key.public())).is_ok());
}

#[test]
fn signing_refuses_inconsistent_input() {
    let key = StationKey::from_seed(&[42; 32]);
    let cert = sample::certificate(&key);
    let mut audit = sample::audit();
    audit["extra"] = 1.into();
    assert!(matches!(
        Bundle::sign(&cert, audit, &key),
        Err(BundleError::AuditDigest { .. })
    ));
    let mut wrong_version = cert.clone();
    wrong_version.schema_version = 2;
    assert!(matches!(
        Bundle::sign(&wrong_version, sample::audit(), &key),
        Err(BundleError::SchemaVersion { found: 2 })
    ));
    let other = StationKey::from_seed(&[1; 32]);
    assert!(matches!(
        Bundle::sign(&cert, sample::audit(), &other),
        Err(BundleError::StationKey { .. })
    ));
    let mut cert = sample::certificate(&key);
    let mut audit = sample::audit();
    audit["os"] = serde_json::json!({"product_key": "VK7JG-NPHTM-C97JM-9MPGT-3V66T"});
    cert.machine.audit_digest = tabula_certificate::audit_digest(&audit).unwrap();
    match Bundle::sign(&cert, audit, &key) {
        Err(BundleError::ProductKeyInAudit { pointer }) => assert_eq!(pointer, "/os/product_key"),
        other => panic!("expected ProductKeyInAudit, got {other:?}"),
    }
    let mut cert = sample::certificate(&key);
    cert.remark = "Lizenz: VK7JG-NPHTM-C97JM-9MPGT-3V66T".into();
    match Bundle::sign(&cert, sample::audit(), &key) {
        Err(BundleError::ProductKeyInCertificate { pointer }) => assert_eq!(pointer, "/remark"),
        other => panic!("expected ProductKeyInCertificate, got {other:?}"),
    }
}

#[test]
fn bundle_file_errors() {
    let (_, bundle) = signed();
    let json = bundle.to_json().unwrap();
    for cut in [1, json.len() / 3, json.len() - 3] {
        assert!(
            matches!(
                Bundle::from_slice(&json[..cut]),
                Err(BundleError::Truncated { .. })
            ),
            "cut at {cut}"
        );
    }
    let mut other = bundle.clone();
    other.format = "tabula-bundle/9".into();
    assert!(matches!(
        Bundle::from_slice(&other.to_json().unwrap()),
        Err(BundleError::UnknownFormat { .. })
    ));
    assert!(matches!(
        Bundle::read(std::path::Path::new("/nonexistent/x.tabula.json")),
        Err(BundleError::Io { .. })
    ));
}

#[test]
fn reformatting_the_bundle_file_keeps_it_valid() {
    // Auditors may pretty-print or minify the transport file; the signature covers the
    // payload bytes inside the base64, not the file's layout.
    let (key, bundle) = signed();
    let value: serde_json::Value = serde_json::from_slice(&bundle.to_json().unwrap()).unwrap();
    for bytes in [
        serde_json::to_vec(&value).unwrap(),
        serde_json::to_vec_pretty(&value).unwrap(),
        jcs::canonicalize(&value).unwrap(),
    ] {
        let again = Bundle::from_slice(&bytes).unwrap();
        assert!(verify(&again, Some(&key.public())).is_ok());
    }
}
