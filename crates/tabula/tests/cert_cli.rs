//! The certificate commands through the built binary: `keygen`, `verify` (one distinct message
//! per failure, exit codes 0/1/3 for clean, broken and not fully erased, `--signature-only`), `cert show`, `cert export` (checked with OpenSSL), `cert pdf`
//! (checked with pdftotext).

#![allow(clippy::unwrap_used)]

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use tabula_certificate::dsse::Envelope;
use tabula_certificate::{Bundle, PAYLOAD_TYPE, StationKey, jcs, sample};

fn tabula(args: &[&str], dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tabula"))
        .args(args)
        .current_dir(dir)
        .env_remove("TABULA_REGISTRY_URL")
        .output()
        .unwrap()
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// A station directory made by `tabula keygen`, and a clean bundle (every drive erased and
/// verified) signed with that key.
struct Station {
    dir: tempfile::TempDir,
    key: StationKey,
    bundle: PathBuf,
}

fn station() -> Station {
    let dir = tempfile::tempdir().unwrap();
    let out = tabula(&["keygen", "--out", "keys"], dir.path());
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let key = StationKey::load(&dir.path().join("keys/station.key")).unwrap();
    let cert = sample::erased_certificate(&key);
    let bundle = Bundle::sign(&cert, sample::audit(), &key).unwrap();
    let path = dir.path().join(cert.file_name());
    bundle.write_atomic(&path).unwrap();
    Station {
        dir,
        key,
        bundle: path,
    }
}

fn write_variant(st: &Station, name: &str, change: impl FnOnce(&mut Bundle)) -> String {
    let mut bundle = Bundle::read(&st.bundle).unwrap();
    change(&mut bundle);
    bundle.write_atomic(&st.dir.path().join(name)).unwrap();
    name.to_owned()
}

#[test]
fn keygen_writes_a_private_key_only_the_owner_reads() {
    let st = station();
    let keys = st.dir.path().join("keys");
    let mode = |p: PathBuf| fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(keys.join("station.key")), 0o600);
    assert!(
        fs::read_to_string(keys.join("station.pem"))
            .unwrap()
            .starts_with("-----BEGIN PUBLIC KEY-----")
    );
    // A second keygen never overwrites the station's key.
    let before = fs::read(keys.join("station.key")).unwrap();
    let out = tabula(&["keygen", "--out", "keys"], st.dir.path());
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("already exists"));
    assert_eq!(fs::read(keys.join("station.key")).unwrap(), before);
}

#[test]
fn verify_good_bundle_with_embedded_and_given_key() {
    let st = station();
    let file = st.bundle.file_name().unwrap().to_str().unwrap().to_owned();
    let out = tabula(&["verify", &file], st.dir.path());
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(text.starts_with("OK "), "{text}");
    assert!(
        text.lines().next().unwrap().contains("erased and verified"),
        "{text}"
    );
    assert!(
        text.lines().nth(1).unwrap().contains("signature valid"),
        "{text}"
    );
    assert!(text.contains("embedded key"), "{text}");
    assert!(text.contains("proves integrity, not origin"), "{text}");
    assert!(text.contains(&st.key.public().fingerprint()), "{text}");

    let out = tabula(
        &["verify", "--key", "keys/station.pem", &file],
        st.dir.path(),
    );
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(text.contains("signed by the given key"), "{text}");
}

/// Each broken file gets exit status 1 and its own message.
#[test]
fn verify_names_each_failure() {
    let st = station();
    let good = fs::read(&st.bundle).unwrap();
    let d = st.dir.path();

    let tampered = write_variant(&st, "tampered.json", |b| {
        let payload = b.envelope.payload_bytes().unwrap();
        let text = String::from_utf8(payload).unwrap();
        let forged = text.replace("\"PF1ABCDE\"", "\"PF9ZZZZZ\"");
        assert_ne!(text, forged);
        b.envelope.payload = STANDARD.encode(forged);
    });
    fs::write(d.join("truncated.json"), &good[..good.len() / 2]).unwrap();
    fs::write(
        d.join("notjson.json"),
        b"%PDF-1.7 this is not a certificate",
    )
    .unwrap();
    let unknown = write_variant(&st, "schema2.json", |b| {
        let mut value: serde_json::Value =
            serde_json::from_slice(&b.envelope.payload_bytes().unwrap()).unwrap();
        value["schema_version"] = 2.into();
        b.envelope = Envelope::sign(PAYLOAD_TYPE, &jcs::canonicalize(&value).unwrap(), &st.key);
    });
    let other = StationKey::from_seed(&[8; 32]);
    let (other_pem, _) = other.write(&d.join("other")).map(|(a, b)| (b, a)).unwrap();

    let cases: [(Vec<&str>, &str); 5] = [
        (vec![&tampered], "altered after signing"),
        (vec!["truncated.json"], "truncated file"),
        (vec!["notjson.json"], "not JSON"),
        (vec![&unknown], "unknown schema version 2"),
        (
            vec![
                "--key",
                other_pem.to_str().unwrap(),
                st.bundle.to_str().unwrap(),
            ],
            "wrong key",
        ),
    ];
    let mut seen = Vec::new();
    for (args, message) in cases {
        let mut full = vec!["verify"];
        full.extend(args.iter().copied());
        let out = tabula(&full, d);
        let text = stdout(&out);
        assert_eq!(out.status.code(), Some(1), "{message}: {text}");
        assert!(text.starts_with("FAILED "), "{text}");
        assert!(text.contains(message), "expected {message:?} in {text}");
        seen.push(text);
    }
    // The messages really are different from each other.
    for (i, a) in seen.iter().enumerate() {
        for b in &seen[i + 1..] {
            assert_ne!(a.split(": ").nth(1), b.split(": ").nth(1));
        }
    }

    // Several files: one verdict each, a summary, and failure if any failed.
    let file = st.bundle.to_str().unwrap();
    let out = tabula(&["verify", file, "truncated.json"], d);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert_eq!(text.lines().filter(|l| l.starts_with("OK ")).count(), 1);
    assert_eq!(text.lines().filter(|l| l.starts_with("FAILED ")).count(), 1);
    assert!(
        text.contains("1 erased and verified, 0 not fully erased, 1 failed"),
        "{text}"
    );
}

/// Sign `cert` with the station's key into `name`.
fn write_signed(st: &Station, name: &str, cert: &tabula_certificate::Certificate) -> String {
    let bundle = Bundle::sign(cert, sample::audit(), &st.key).unwrap();
    bundle.write_atomic(&st.dir.path().join(name)).unwrap();
    name.to_owned()
}

/// A valid signature is not a successful wipe: an interrupted or erased-with-errors bundle
/// exits 3 and says "not fully erased" before the signature line; `--signature-only` keeps the
/// old meaning (exit 0); a broken file outranks it (exit 1).
#[test]
fn verify_exit_codes_separate_erasure_from_signature() {
    let st = station();
    let d = st.dir.path();
    let clean = st.bundle.to_str().unwrap();
    let interrupted = write_signed(
        &st,
        "interrupted.json",
        &sample::interrupted_certificate(&st.key),
    );
    let with_errors = write_signed(&st, "errors.json", &sample::certificate(&st.key));

    for (file, why) in [
        (
            &interrupted,
            "drive WD-WX11A12B3456: interrupted, not verified",
        ),
        (
            &with_errors,
            "drive WD-WX11A12B3456: erased-with-errors, verification failed",
        ),
    ] {
        let out = tabula(&["verify", file], d);
        let text = stdout(&out);
        assert_eq!(out.status.code(), Some(3), "{text}");
        let mut lines = text.lines();
        let head = lines.next().unwrap();
        assert!(head.starts_with("NOT FULLY ERASED "), "{text}");
        assert!(head.contains(why), "{text}");
        assert!(lines.next().unwrap().contains("signature valid"), "{text}");
        assert!(!text.contains("OK "), "{text}");

        let out = tabula(&["verify", "--signature-only", file], d);
        let text = stdout(&out);
        assert_eq!(out.status.code(), Some(0), "{text}");
        assert!(text.starts_with("OK "), "{text}");
    }

    let out = tabula(&["verify", clean, &interrupted], d);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(3), "{text}");
    assert!(
        text.contains("1 erased and verified, 1 not fully erased, 0 failed"),
        "{text}"
    );
    fs::write(d.join("empty.json"), b"").unwrap();
    let out = tabula(&["verify", clean, &interrupted, "empty.json"], d);
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));

    let help = tabula(&["verify", "--help"], d);
    let help = stdout(&help);
    assert!(help.contains("--signature-only"), "{help}");
    assert!(help.contains("3  every signature verifies, but"), "{help}");
}

#[test]
fn cert_show_prints_the_certificate() {
    let st = station();
    let out = tabula(
        &["cert", "show", st.bundle.to_str().unwrap()],
        st.dir.path(),
    );
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(0), "{text}");
    for needle in [
        "Erasure          erased and verified",
        "Signature        valid",
        "ERASED",
        "Jürgen Weiß (T-042)",
        "WD-WX11A12B3456",
        "BSI-VSITR",
    ] {
        assert!(text.contains(needle), "missing {needle:?} in {text}");
    }
    // A tampered bundle is still shown, with the verdict, and exit 1.
    let name = write_variant(&st, "bad.json", |b| {
        b.envelope.signatures[0].sig = STANDARD.encode([0u8; 64])
    });
    let out = tabula(&["cert", "show", &name], st.dir.path());
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout(&out).contains("NOT VALID"));
}

#[test]
fn cert_export_verifies_with_openssl() {
    let st = station();
    let out = tabula(
        &[
            "cert",
            "export",
            st.bundle.to_str().unwrap(),
            "--out",
            "parts",
        ],
        st.dir.path(),
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let parts = st.dir.path().join("parts");
    let bundle = Bundle::read(&st.bundle).unwrap();
    assert_eq!(
        fs::read(parts.join("cert.json")).unwrap(),
        bundle.envelope.payload_bytes().unwrap()
    );
    let out = Command::new("openssl")
        .args([
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
        ])
        .current_dir(&parts)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn cert_pdf_renders_the_fields() {
    let st = station();
    let out = tabula(
        &[
            "cert",
            "pdf",
            st.bundle.to_str().unwrap(),
            "--out",
            "c.pdf",
            "--registry-url",
            "https://registry.example",
        ],
        st.dir.path(),
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = Command::new("pdftotext")
        .args(["c.pdf", "-"])
        .current_dir(st.dir.path())
        .output()
        .unwrap();
    let text = String::from_utf8(text.stdout).unwrap();
    let id = Bundle::read(&st.bundle).unwrap().id().unwrap().to_string();
    assert!(text.contains("Löschzertifikat"), "{text}");
    assert!(text.contains(&id), "{text}");
    assert!(text.contains("Grünau"), "{text}");

    // A bundle that does not verify is not rendered.
    let name = write_variant(&st, "bad.json", |b| {
        b.envelope.signatures[0].sig = STANDARD.encode([0u8; 64])
    });
    let out = tabula(&["cert", "pdf", &name, "--out", "bad.pdf"], st.dir.path());
    assert_eq!(out.status.code(), Some(2));
    assert!(!st.dir.path().join("bad.pdf").exists());
}
