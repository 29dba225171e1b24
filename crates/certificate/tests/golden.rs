//! Golden files: the v1 format must not drift, and a bundle written today must verify years
//! from now. The fixtures are the sample certificate with a fixed id, signed with the fixed
//! test key seed [5; 32] (Ed25519 signatures are deterministic, so the bytes are stable).
//!
//! - `canonical_certificate_is_stable`: JCS of the sample = `fixtures/v1/certificate.json`.
//! - `stored_bundle_still_verifies`: `fixtures/v1/sample.tabula.json` verifies and re-signing
//!   the same certificate gives the same envelope.
//!
//! To regenerate after an intended schema change (which needs a new schema version!):
//! `TABULA_BLESS=1 cargo test -p tabula-certificate --test golden`.

#![allow(clippy::unwrap_used)]

use std::fs;
use std::path::PathBuf;

use tabula_certificate::{Bundle, StationKey, jcs, sample, verify};

const ID: &str = "019aa1b2-4c3d-7e5f-8a6b-1c2d3e4f5a6b";

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/v1")
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
        stored.to_json(),
        fs::read(fixture("sample.tabula.json")).unwrap()
    );
}
