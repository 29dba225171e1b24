//! Golden files: the v1 format must not drift, and a bundle written today must verify years
//! from now. The fixtures are the sample certificate with a fixed id, signed with the fixed
//! test key seed [5; 32] (Ed25519 signatures are deterministic, so the bytes are stable).
//! `fixtures/v1.1` is what this Tabula writes; `fixtures/v1` holds a v1.0 bundle as the
//! first release wrote it, never regenerated.
//!
//! - `canonical_certificate_is_stable`: JCS of the sample = `fixtures/v1.1/certificate.json`.
//! - `stored_bundle_still_verifies`: `fixtures/v1.1/sample.tabula.json` verifies and re-signing
//!   the same certificate gives the same envelope.
//! - `a_v1_0_bundle_still_verifies`: the v1.0 bundle verifies, reads as minor 0 without the
//!   1.1 fields, numbers its passes by position, and re-serialises to its signed bytes.
//! - `a_newer_minor_version_is_refused_by_name`: 1.2 is an unknown schema version.
//! - `failure_messages_are_stable`: every verification failure message, in `messages.txt`.
//!
//! To regenerate after an intended schema change (which needs a new minor version at least!):
//! `TABULA_BLESS=1 cargo test -p tabula-certificate --test golden`.

#![allow(clippy::unwrap_used)]

use std::fs;
use std::path::PathBuf;

use tabula_certificate::{Bundle, StationKey, jcs, sample, verify};

const ID: &str = "019aa1b2-4c3d-7e5f-8a6b-1c2d3e4f5a6b";

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/v1.1")
        .join(name)
}

fn bless() -> bool {
    std::env::var_os("TABULA_BLESS").is_some()
}

fn key() -> StationKey {
    StationKey::from_seed(&[5; 32])
}

#[test]
fn canonical_certificate_is_stable() {
    let cert = sample::certificate_with_id(&key(), ID.parse().unwrap());
    let bytes = jcs::to_vec(&cert).unwrap();
    if bless() {
        fs::write(fixture("certificate.json"), &bytes).unwrap();
    }
    let expected = fs::read(fixture("certificate.json")).unwrap();
    assert_eq!(
        String::from_utf8(bytes).unwrap(),
        String::from_utf8(expected).unwrap()
    );
}

#[test]
fn stored_bundle_still_verifies() {
    let key = key();
    let cert = sample::certificate_with_id(&key, ID.parse().unwrap());
    let fresh = Bundle::sign(&cert, sample::audit(), &key).unwrap();
    if bless() {
        fresh.write_atomic(&fixture("sample.tabula.json")).unwrap();
    }
    let stored = Bundle::read(&fixture("sample.tabula.json")).unwrap();
    let verified = verify(&stored, Some(&key.public())).unwrap();
    assert_eq!(verified.certificate, cert);
    assert_eq!(stored.envelope, fresh.envelope);
    assert_eq!(
        stored.to_json().unwrap(),
        fs::read(fixture("sample.tabula.json")).unwrap()
    );
}

#[test]
fn a_v1_0_bundle_still_verifies() {
    let key = key();
    let path =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/v1/sample.tabula.json");
    let stored = Bundle::read(&path).unwrap();
    let verified = verify(&stored, Some(&key.public())).unwrap();
    let cert = verified.certificate;
    assert_eq!((cert.schema_version, cert.schema_minor), (1, 0));
    assert_eq!(cert.continues, None);
    let hdd = &cert.drives[1];
    assert!(hdd.passes.iter().all(|p| p.number.is_none()));
    let numbers: Vec<u32> = hdd.numbered_passes().map(|(n, _)| n).collect();
    assert_eq!(numbers, (1..=7).collect::<Vec<_>>());
    // Reading and writing a v1.0 certificate changes no byte: nothing 1.1 sneaks in.
    assert_eq!(
        jcs::to_vec(&cert).unwrap(),
        stored.envelope.payload_bytes().unwrap()
    );
}

#[test]
fn a_newer_minor_version_is_refused_by_name() {
    use tabula_certificate::dsse::Envelope;
    let key = key();
    let good = Bundle::read(&fixture("sample.tabula.json")).unwrap();
    let mut value: serde_json::Value =
        serde_json::from_slice(&good.envelope.payload_bytes().unwrap()).unwrap();
    value["schema_minor"] = 2.into();
    let mut newer = good.clone();
    newer.envelope = Envelope::sign(
        tabula_certificate::PAYLOAD_TYPE,
        &jcs::canonicalize(&value).unwrap(),
        &key,
    );
    let err = verify(&newer, None).unwrap_err().to_string();
    assert!(err.contains("unknown schema version 1.2"), "{err}");
}

/// Every failure message a user can meet, for fixed inputs, in `fixtures/v1/messages.txt`:
/// reviewing a change to this file is reviewing what auditors will read.
#[test]
fn failure_messages_are_stable() {
    use base64::Engine as _;
    use base64::engine::general_purpose::STANDARD;
    use tabula_certificate::PAYLOAD_TYPE;
    use tabula_certificate::dsse::Envelope;

    let key = key();
    let good = Bundle::read(&fixture("sample.tabula.json")).unwrap();
    let payload = good.envelope.payload_bytes().unwrap();
    let value: serde_json::Value = serde_json::from_slice(&payload).unwrap();
    let resign = |bytes: &[u8], ty: &str| {
        let mut b = good.clone();
        b.envelope = Envelope::sign(ty, bytes, &key);
        b
    };
    let other = StationKey::from_seed(&[6; 32]).public();
    let mut lines = Vec::new();
    let mut check =
        |name: &str, bundle: &Bundle, trusted: Option<&tabula_certificate::PublicKey>| {
            let err = verify(bundle, trusted).unwrap_err();
            lines.push(format!("{name}: {err}"));
        };

    let mut tampered = good.clone();
    let text = String::from_utf8(payload.clone()).unwrap();
    tampered.envelope.payload = STANDARD.encode(text.replace("PF1ABCDE", "PF9ZZZZZ"));
    check("tampered", &tampered, None);
    check("wrong key", &good, Some(&other));
    check(
        "not canonical",
        &resign(&serde_json::to_vec_pretty(&value).unwrap(), PAYLOAD_TYPE),
        None,
    );
    let mut v2 = value.clone();
    v2["schema_version"] = 2.into();
    check(
        "unknown schema",
        &resign(&jcs::canonicalize(&v2).unwrap(), PAYLOAD_TYPE),
        None,
    );
    check(
        "payload type",
        &resign(&payload, "application/vnd.in-toto+json"),
        None,
    );
    let mut audit = good.clone();
    audit.audit["system"]["serial"] = "X".into();
    check("audit digest", &audit, None);
    let mut nosig = good.clone();
    nosig.envelope.signatures.clear();
    check("no signatures", &nosig, None);

    let json = good.to_json().unwrap();
    for (name, bytes) in [
        ("empty", &b""[..]),
        ("truncated", &json[..json.len() / 2]),
        ("not json", &b"%PDF-1.7"[..]),
        ("not a bundle", &br#"{"hello": 1}"#[..]),
    ] {
        lines.push(format!(
            "{name}: {}",
            Bundle::from_slice(bytes).unwrap_err()
        ));
    }
    let text = lines.join("\n") + "\n";
    if bless() {
        fs::write(fixture("messages.txt"), &text).unwrap();
    }
    assert_eq!(text, fs::read_to_string(fixture("messages.txt")).unwrap());
}
