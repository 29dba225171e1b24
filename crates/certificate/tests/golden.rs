//! Golden files: the v1 format must not drift, and a bundle written today must verify years
//! from now. The fixtures are the sample certificate with a fixed id, signed with the fixed
//! test key seed [5; 32] (Ed25519 signatures are deterministic, so the bytes are stable).
//! `fixtures/v1.2` is what this Tabula writes (the sample with the 1.2 fields: a firmware erase
//! and the hidden areas' sizes); `fixtures/v1` holds a v1.0 bundle as the first release wrote
//! it and `fixtures/v1.1` a v1.1 bundle, never regenerated.
//!
//! - `canonical_certificate_is_stable`: JCS of the sample = `fixtures/v1.2/certificate.json`.
//! - `stored_bundle_still_verifies`: `fixtures/v1.2/sample.tabula.json` verifies and re-signing
//!   the same certificate gives the same envelope.
//! - `a_v1_0_bundle_still_verifies`: the v1.0 bundle verifies, reads as minor 0 without the
//!   1.1 fields, numbers its passes by position, and re-serialises to its signed bytes.
//! - `a_v1_1_bundle_still_verifies`: the v1.1 bundle verifies, reads as minor 1 without the 1.2
//!   fields, and re-serialises to its signed bytes.
//! - `a_newer_minor_version_is_refused_by_name`: 1.3 is an unknown schema version.
//! - `failure_messages_are_stable`: every verification failure message, in `messages.txt`.
//!
//! To regenerate after an intended schema change (which needs a new minor version at least!):
//! `TABULA_BLESS=1 cargo test -p tabula-certificate --test golden`.

#![allow(clippy::unwrap_used)]

use std::fs;
use std::path::PathBuf;

use tabula_certificate::{Bundle, Certificate, HiddenSectors, StationKey, jcs, sample, verify};

const ID: &str = "019aa1b2-4c3d-7e5f-8a6b-1c2d3e4f5a6b";

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/v1.2")
        .join(name)
}

/// The sample as this Tabula writes it, with every 1.2 field: the SSD's enhanced security erase
/// and its check, the HDD's HPA sizes before and after its removal.
fn current(key: &StationKey) -> Certificate {
    let mut cert = sample::certificate_with_id(key, ID.parse().unwrap());
    cert.drives[0].firmware_erase = Some(sample::firmware_erase());
    let hidden = cert.drives[1].hidden_areas.as_mut().unwrap();
    hidden.before = Some(HiddenSectors {
        visible: 976_771_055,
        native: Some(976_773_168),
        dco: None,
    });
    hidden.after = Some(HiddenSectors {
        visible: 976_773_168,
        native: Some(976_773_168),
        dco: None,
    });
    cert
}

/// A bundle kept from an older minor version: it verifies, reads as that minor version, and
/// writing it again changes no byte (no newer field sneaks in).
fn old_bundle_verifies(dir: &str, minor: u32) -> Certificate {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(dir)
        .join("sample.tabula.json");
    let stored = Bundle::read(&path).unwrap();
    let verified = verify(&stored, Some(&key().public())).unwrap();
    let cert = verified.certificate;
    assert_eq!((cert.schema_version, cert.schema_minor), (1, minor));
    assert_eq!(
        jcs::to_vec(&cert).unwrap(),
        stored.envelope.payload_bytes().unwrap()
    );
    cert
}

fn bless() -> bool {
    std::env::var_os("TABULA_BLESS").is_some()
}

fn key() -> StationKey {
    StationKey::from_seed(&[5; 32])
}

#[test]
fn canonical_certificate_is_stable() {
    let cert = current(&key());
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
    let cert = current(&key);
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
    let cert = old_bundle_verifies("v1", 0);
    assert_eq!(cert.continues, None);
    let hdd = &cert.drives[1];
    assert!(hdd.passes.iter().all(|p| p.number.is_none()));
    let numbers: Vec<u32> = hdd.numbered_passes().map(|(n, _)| n).collect();
    assert_eq!(numbers, (1..=7).collect::<Vec<_>>());
}

#[test]
fn a_v1_1_bundle_still_verifies() {
    let cert = old_bundle_verifies("v1.1", 1);
    assert!(cert.drives.iter().all(|d| d.firmware_erase.is_none()));
    assert!(
        cert.drives
            .iter()
            .filter_map(|d| d.hidden_areas)
            .all(|h| h.before.is_none() && h.after.is_none())
    );
    // Its passes are numbered as 1.1 wrote them.
    assert!(cert.drives[1].passes.iter().all(|p| p.number.is_some()));
}

#[test]
fn a_newer_minor_version_is_refused_by_name() {
    use tabula_certificate::dsse::Envelope;
    let key = key();
    let good = Bundle::read(&fixture("sample.tabula.json")).unwrap();
    let mut value: serde_json::Value =
        serde_json::from_slice(&good.envelope.payload_bytes().unwrap()).unwrap();
    value["schema_minor"] = 3.into();
    let mut newer = good.clone();
    newer.envelope = Envelope::sign(
        tabula_certificate::PAYLOAD_TYPE,
        &jcs::canonicalize(&value).unwrap(),
        &key,
    );
    let err = verify(&newer, None).unwrap_err().to_string();
    assert!(err.contains("unknown schema version 1.3"), "{err}");
}

/// Every failure message a user can meet, for fixed inputs, in `fixtures/v1.2/messages.txt`:
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
