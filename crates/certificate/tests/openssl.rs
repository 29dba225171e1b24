//! Interoperability with the real `openssl` binary (Debian package `openssl`).
//!
//! - `openssl_verifies_our_export`: OpenSSL verifies our signature over PAE; a changed byte fails.
//! - `we_verify_an_openssl_signature`: an envelope signed by an OpenSSL-generated key verifies here.
//! - `fingerprint_matches_openssl_der`: our fingerprint is SHA-256 of the DER OpenSSL writes.
//! - `openssl_reads_the_station_key_files`: station.key/station.pem as OpenSSL reads them.
//! - `docs_one_liner_rebuilds_pae`: the shell one-liner in docs/verify.md rebuilds pae.bin.
//! - `docs_jq_recipe_extracts_the_parts`: the jq lines of docs/verify.md plus the one-liner
//!   give files OpenSSL verifies (needs Debian package jq).

#![allow(clippy::unwrap_used)]

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use sha2::Digest;
use tabula_certificate::dsse::{Envelope, Signature, pae};
use tabula_certificate::{
    BUNDLE_FORMAT, Bundle, KeySource, PAYLOAD_TYPE, PublicKey, StationKey, export, jcs, sample,
    verify,
};

fn openssl(dir: &Path, args: &[&str]) -> Output {
    Command::new("openssl")
        .args(args)
        .current_dir(dir)
        .output()
        .expect("the openssl binary (Debian package openssl) must be installed")
}

fn exported() -> (tempfile::TempDir, Bundle) {
    let key = StationKey::generate().unwrap();
    let bundle = Bundle::sign(&sample::certificate(&key), sample::audit(), &key).unwrap();
    let dir = tempfile::tempdir().unwrap();
    export(&bundle, dir.path()).unwrap();
    (dir, bundle)
}

const VERIFY: &[&str] = &[
    "pkeyutl",
    "-verify",
    "-pubin",
    "-inkey",
    "station.pem",
    "-rawin",
    "-in",
    "pae.bin",
    "-sigfile",
    "sig.bin",
];

#[test]
fn openssl_verifies_our_export() {
    let (dir, bundle) = exported();
    let d = dir.path();
    assert_eq!(
        fs::read(d.join("cert.json")).unwrap(),
        bundle.envelope.payload_bytes().unwrap()
    );
    assert_eq!(fs::read(d.join("sig.bin")).unwrap().len(), 64);
    let out = openssl(d, VERIFY);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("Signature Verified Successfully"));

    let mut pae = fs::read(d.join("pae.bin")).unwrap();
    let last = pae.len() - 2;
    pae[last] ^= 0x01;
    fs::write(d.join("pae.bin"), &pae).unwrap();
    let out = openssl(d, VERIFY);
    assert!(!out.status.success(), "openssl accepted a tampered message");
}

#[test]
fn we_verify_an_openssl_signature() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let out = openssl(d, &["genpkey", "-algorithm", "ed25519", "-out", "k.pem"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = openssl(d, &["pkey", "-in", "k.pem", "-pubout", "-out", "pub.pem"]);
    assert!(out.status.success());
    let public = PublicKey::load(&d.join("pub.pem")).unwrap();

    // Build the certificate for that key; only OpenSSL holds the private half here.
    let throwaway = StationKey::from_seed(&[3; 32]);
    let mut cert = sample::certificate(&throwaway);
    cert.station.key_fingerprint = public.fingerprint();
    let payload = jcs::to_vec(&cert).unwrap();
    fs::write(d.join("pae.bin"), pae(PAYLOAD_TYPE, &payload)).unwrap();
    let out = openssl(
        d,
        &[
            "pkeyutl", "-sign", "-inkey", "k.pem", "-rawin", "-in", "pae.bin", "-out", "sig.bin",
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let sig = fs::read(d.join("sig.bin")).unwrap();

    let bundle = Bundle {
        format: BUNDLE_FORMAT.into(),
        envelope: Envelope {
            payload: STANDARD.encode(&payload),
            payload_type: PAYLOAD_TYPE.into(),
            signatures: vec![Signature {
                keyid: public.fingerprint(),
                sig: STANDARD.encode(&sig),
            }],
        },
        station_key: fs::read_to_string(d.join("pub.pem")).unwrap(),
        audit: sample::audit(),
        receipt: None,
    };
    let verified = verify(&bundle, Some(&public)).unwrap();
    assert_eq!(verified.key_source, KeySource::Given);
    assert_eq!(verified.certificate, cert);
    assert!(verify(&bundle, None).is_ok());

    // Our signer with OpenSSL's private key gives the same (deterministic) signature.
    let ours = StationKey::from_pem(&fs::read_to_string(d.join("k.pem")).unwrap()).unwrap();
    assert_eq!(ours.sign(&pae(PAYLOAD_TYPE, &payload)).to_vec(), sig);
}

#[test]
fn fingerprint_matches_openssl_der() {
    let (dir, bundle) = exported();
    let out = openssl(
        dir.path(),
        &["pkey", "-pubin", "-in", "station.pem", "-outform", "DER"],
    );
    assert!(out.status.success());
    let hex: String = sha2::Sha256::digest(&out.stdout)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let expected = format!("sha256:{hex}");
    let public = PublicKey::from_pem(&bundle.station_key).unwrap();
    assert_eq!(public.fingerprint(), expected);
    assert_eq!(bundle.envelope.signatures[0].keyid, expected);
}

fn docs_verify_md() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../docs/verify.md")
}

#[test]
fn docs_one_liner_rebuilds_pae() {
    let doc = fs::read_to_string(docs_verify_md()).unwrap();
    let one_liner = doc
        .lines()
        .find(|l| l.starts_with("T=application/vnd.tabula.wipe-certificate.v1+json;"))
        .expect("docs/verify.md has the pae.bin one-liner");
    let (dir, _) = exported();
    let d = dir.path();
    let expected = fs::read(d.join("pae.bin")).unwrap();
    fs::remove_file(d.join("pae.bin")).unwrap();
    let out = Command::new("sh")
        .arg("-c")
        .arg(one_liner)
        .current_dir(d)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(fs::read(d.join("pae.bin")).unwrap(), expected);
    let out = openssl(d, VERIFY);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn docs_jq_recipe_extracts_the_parts() {
    let doc = fs::read_to_string(docs_verify_md()).unwrap();
    let jq_lines: Vec<&str> = doc.lines().filter(|l| l.starts_with("jq -j")).collect();
    assert_eq!(jq_lines.len(), 3, "docs/verify.md has three jq lines");
    let one_liner = doc
        .lines()
        .find(|l| l.starts_with("T=application/vnd.tabula.wipe-certificate.v1+json;"))
        .unwrap();
    let key = StationKey::generate().unwrap();
    let bundle = Bundle::sign(&sample::certificate(&key), sample::audit(), &key).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let name = bundle.file_name().unwrap();
    bundle.write_atomic(&d.join(&name)).unwrap();
    // The docs write a placeholder file name; use ours.
    let script = jq_lines
        .iter()
        .map(|l| l.replace("0193....tabula.json", &name))
        .chain(std::iter::once(one_liner.to_owned()))
        .collect::<Vec<_>>()
        .join("\n");
    let out = Command::new("sh")
        .arg("-ec")
        .arg(&script)
        .current_dir(d)
        .output()
        .expect("sh");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        fs::read(d.join("cert.json")).unwrap(),
        bundle.envelope.payload_bytes().unwrap()
    );
    let out = openssl(d, VERIFY);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn openssl_reads_the_station_key_files() {
    let dir = tempfile::tempdir().unwrap();
    let key = StationKey::generate().unwrap();
    key.write(dir.path()).unwrap();
    // The private key is PKCS#8 that OpenSSL parses; its public half is our station.pem.
    let out = openssl(dir.path(), &["pkey", "-in", "station.key", "-pubout"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        fs::read_to_string(dir.path().join("station.pem")).unwrap()
    );
    // And OpenSSL's signature with station.key is the one we make (Ed25519 is deterministic).
    fs::write(dir.path().join("m.bin"), b"message").unwrap();
    let out = openssl(
        dir.path(),
        &[
            "pkeyutl",
            "-sign",
            "-inkey",
            "station.key",
            "-rawin",
            "-in",
            "m.bin",
            "-out",
            "s.bin",
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        fs::read(dir.path().join("s.bin")).unwrap(),
        key.sign(b"message").to_vec()
    );
}
