//! The station's registry commands against a real registry (in-process, SQLite, port 0):
//! `tabula enroll` pins the log key; `tabula upload` writes a verified receipt into the bundle
//! (and a second upload is recognised as a replay); wrong tokens and unreachable registries are
//! clear errors with exit code 2; `tabula verify --registry` checks receipts online, says when
//! it trusts the served log key, and reports a registry whose tree shrank as a rollback;
//! `verify_state_dir_catches_rollback_and_fork`: the state dir remembers the newest checkpoint,
//! so a log rebuilt smaller or forked under the same key is refused even where the receipt alone
//! is consistent; `verify_witness_policy_quorum`: a registry with a witness serves a cosigned
//! checkpoint that meets a policy of quorum 1, and a policy of quorum 2 is refused; `tabula
//! upload` stores that cosigned checkpoint beside the bundle.

#![allow(clippy::unwrap_used)] // test code: a failed unwrap is a failed test

mod support;

use support::{RunningRegistry, tabula, text};
use tabula_certificate::{Bundle, StationKey, sample};
use tabula_tlog::{NoteVerifier, Receipt};

fn start(dir: &std::path::Path) -> RunningRegistry {
    RunningRegistry::start_private(dir)
}

#[test]
fn enroll_upload_and_replay() {
    let dir = tempfile::tempdir().unwrap();
    let reg = start(dir.path());
    let key = StationKey::generate().unwrap();
    let (private, _public) = key.write(&dir.path().join("keys")).unwrap();
    let token = reg.station_token("station-cli");

    // A wrong token is refused with the registry's reason.
    let out = tabula(&[
        "enroll",
        "--registry",
        &reg.url,
        "--token",
        "tbl_wrong",
        "--key",
        private.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(
        text(&out).contains("unknown_enrolment_token"),
        "{}",
        text(&out)
    );

    // Enrol with the private key file; the log key is pinned beside it.
    let out = tabula(&[
        "enroll",
        "--registry",
        &reg.url,
        "--token",
        &token,
        "--key",
        private.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", text(&out));
    let pinned = dir.path().join("keys/registry-log.vkey");
    let vkey = std::fs::read_to_string(&pinned).unwrap();
    assert_eq!(vkey.trim(), reg.registry.log_key());
    let log_key = NoteVerifier::from_vkey(vkey.trim()).unwrap();

    // Upload two bundles; each gets a receipt written into the file.
    let mut files = Vec::new();
    for i in 0..2 {
        let mut cert = sample::certificate(&key);
        cert.drives[0].serial = format!("CLI-{i}");
        let bundle = Bundle::sign(&cert, sample::audit(), &key).unwrap();
        let file = dir.path().join(bundle.file_name().unwrap());
        bundle.write_atomic(&file).unwrap();
        files.push(file);
    }
    let mut args = vec![
        "upload",
        "--registry",
        &reg.url,
        "--log-key",
        pinned.to_str().unwrap(),
    ];
    args.extend(files.iter().map(|f| f.to_str().unwrap()));
    let out = tabula(&args);
    assert!(out.status.success(), "{}", text(&out));
    assert!(
        text(&out).contains("2 uploaded, 0 failed"),
        "{}",
        text(&out)
    );
    let mut receipts = Vec::new();
    for f in &files {
        let b = Bundle::read(f).unwrap();
        let r: Receipt = serde_json::from_value(b.receipt.clone().unwrap()).unwrap();
        r.verify(&b.envelope.leaf_bytes().unwrap(), &log_key)
            .unwrap();
        tabula_certificate::verify(&b, Some(&key.public())).unwrap();
        receipts.push(r);
    }
    assert_eq!(
        receipts.iter().map(|r| r.leaf_index).collect::<Vec<_>>(),
        vec![0, 1]
    );

    // Uploading again is a replay: same receipt, file unchanged in substance.
    let out = tabula(&["upload", "--registry", &reg.url, files[0].to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("already registered"), "{}", text(&out));
    let again: Receipt =
        serde_json::from_value(Bundle::read(&files[0]).unwrap().receipt.unwrap()).unwrap();
    assert_eq!(again, receipts[0]);

    // A log key that is not the registry's: the receipt is rejected, the file stays as it was.
    let other =
        tabula_tlog::NoteSigner::generate(reg.registry.log_key().split('+').next().unwrap())
            .unwrap();
    let before = std::fs::read(&files[1]).unwrap();
    let out = tabula(&[
        "upload",
        "--registry",
        &reg.url,
        "--log-key",
        &other.verifier().to_vkey(),
        files[1].to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(
        text(&out).contains("receipt does not verify"),
        "{}",
        text(&out)
    );
    assert_eq!(std::fs::read(&files[1]).unwrap(), before);
}

#[test]
fn unreachable_registry_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let key = StationKey::generate().unwrap();
    let (_, public) = key.write(dir.path()).unwrap();
    let out = tabula(&[
        "enroll",
        "--registry",
        "http://127.0.0.1:9",
        "--token",
        "t",
        "--key",
        public.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out).contains("cannot reach the registry"),
        "{}",
        text(&out)
    );
    let out = tabula(&[
        "enroll",
        "--registry",
        "ftp://x",
        "--token",
        "t",
        "--key",
        public.to_str().unwrap(),
    ]);
    assert!(
        text(&out).contains("must start with http"),
        "{}",
        text(&out)
    );
}

#[test]
fn verify_online_trust_on_first_use_and_rollback() {
    let dir = tempfile::tempdir().unwrap();
    let reg = start(dir.path());
    support::keygen_and_enroll(dir.path(), Some(&reg));
    let key = StationKey::load(&dir.path().join("keys/station.key")).unwrap();
    let pinned = dir.path().join("keys/registry-log.vkey");
    let pinned = pinned.to_str().unwrap();
    let mut files = Vec::new();
    for i in 0..2 {
        let mut cert = sample::erased_certificate(&key);
        cert.drives[0].serial = format!("VERIFY-{i}");
        let bundle = Bundle::sign(&cert, sample::audit(), &key).unwrap();
        let file = dir.path().join(bundle.file_name().unwrap());
        bundle.write_atomic(&file).unwrap();
        files.push(file.to_str().unwrap().to_owned());
    }
    let upload = |file: &str| {
        let out = tabula(&["upload", "--registry", &reg.url, "--log-key", pinned, file]);
        assert!(out.status.success(), "{}", text(&out));
    };
    upload(&files[0]);
    // A copy of the registry with one certificate.
    let old = tempfile::tempdir().unwrap();
    snapshot(dir.path(), old.path());
    upload(&files[1]);

    // Without --log-key the served key is used, and a notice says so.
    let out = tabula(&["verify", &files[1], "--registry", &reg.url]);
    assert!(out.status.success(), "{}", text(&out));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("trust on first use"), "{stderr}");
    assert!(
        text(&out).contains("is consistent with it"),
        "{}",
        text(&out)
    );
    // With the pinned key: no notice.
    let out = tabula(&[
        "verify",
        &files[1],
        "--registry",
        &reg.url,
        "--log-key",
        pinned,
    ]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(!String::from_utf8_lossy(&out.stderr).contains("trust on first use"));
    // The same in German: the notice, the log head's and the receipt's verdicts.
    let out = std::process::Command::new(support::BIN)
        .args(["verify", &files[1], "--registry", &reg.url])
        .env("LANG", "de_DE.UTF-8")
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env_remove("TABULA_DATA")
        .env("XDG_STATE_HOME", dir.path().join("state-de"))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out));
    let said = text(&out);
    assert!(said.contains("Vertrauen beim ersten Kontakt"), "{said}");
    assert!(
        said.contains(": 2 Einträge, zum ersten Mal gesehen, gespeichert"),
        "{said}"
    );
    assert!(
        said.contains("als Eintrag #1 (Baumgröße der Quittung 2)") && said.contains("passt dazu"),
        "{said}"
    );

    // The same log, rolled back to one entry: the receipt of tree size 2 is a rollback.
    let rolled = start(old.path());
    let out = tabula(&[
        "verify",
        &files[1],
        "--registry",
        &rolled.url,
        "--log-key",
        pinned,
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(
        text(&out).contains("smaller than the receipt"),
        "{}",
        text(&out)
    );
    assert!(!text(&out).contains("first"), "{}", text(&out));
}

/// Copy the registry's SQLite files (idle: database and WAL agree) from `from` to `to`.
/// A copy of a registry (idle: database and WAL agree) with its log key: the operator who rolls
/// a log back or forks it holds both.
fn snapshot(from: &std::path::Path, to: &std::path::Path) {
    for name in ["registry.db", "registry.db-wal", "log.key"] {
        if from.join(name).exists() {
            std::fs::copy(from.join(name), to.join(name)).unwrap();
        }
    }
}

/// Signed, written bundles `<tag>-0..n` of the enrolled station in `dir`.
fn bundles(dir: &std::path::Path, tag: &str, n: usize) -> Vec<String> {
    let key = StationKey::load(&dir.join("keys/station.key")).unwrap();
    (0..n)
        .map(|i| {
            let mut cert = sample::erased_certificate(&key);
            cert.drives[0].serial = format!("{tag}-{i}");
            let bundle = Bundle::sign(&cert, sample::audit(), &key).unwrap();
            let file = dir.join(bundle.file_name().unwrap());
            bundle.write_atomic(&file).unwrap();
            file.to_str().unwrap().to_owned()
        })
        .collect()
}

#[test]
fn verify_state_dir_catches_rollback_and_fork() {
    let dir = tempfile::tempdir().unwrap();
    let state = tempfile::tempdir().unwrap();
    let state = state.path().to_str().unwrap().to_owned();
    let reg = start(dir.path());
    support::keygen_and_enroll(dir.path(), Some(&reg));
    let pinned = dir.path().join("keys/registry-log.vkey");
    let pinned = pinned.to_str().unwrap().to_owned();
    let files = bundles(dir.path(), "STATE", 3);
    let upload = |url: &str, file: &str| {
        let out = tabula(&["upload", "--registry", url, "--log-key", &pinned, file]);
        assert!(out.status.success(), "{}", text(&out));
    };
    let verify = |url: &str, file: &str| {
        tabula(&[
            "verify",
            file,
            "--registry",
            url,
            "--log-key",
            &pinned,
            "--state",
            &state,
        ])
    };
    upload(&reg.url, &files[0]);
    let one = tempfile::tempdir().unwrap();
    snapshot(dir.path(), one.path());
    upload(&reg.url, &files[1]);

    let out = verify(&reg.url, &files[0]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(
        text(&out).contains("2 entries, first seen now"),
        "{}",
        text(&out)
    );
    let out = verify(&reg.url, &files[1]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(
        text(&out).contains("consistent with the 2 entries seen before"),
        "{}",
        text(&out)
    );
    let stored: Vec<_> = std::fs::read_dir(&state).unwrap().collect();
    assert_eq!(stored.len(), 1);

    // Rebuilt from the one-entry copy: the first receipt alone is fine with it, the state is not.
    let rolled = start(one.path());
    let out = verify(&rolled.url, &files[0]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(text(&out).contains("ROLLBACK"), "{}", text(&out));
    drop(rolled);

    // Forked: the same one-entry log, another second entry, signed with the same key.
    let forked = start(one.path());
    upload(&forked.url, &files[2]);
    let out = verify(&forked.url, &files[0]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(text(&out).contains("FORK"), "{}", text(&out));
    drop(forked);

    // The stored view was not replaced by what the bad registries served: the real one grows on.
    upload(&reg.url, &files[2]);
    let out = verify(&reg.url, &files[2]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(
        text(&out).contains("3 entries, consistent with the 2 entries seen before"),
        "{}",
        text(&out)
    );
}

#[test]
fn verify_witness_policy_quorum() {
    let dir = tempfile::tempdir().unwrap();
    let state = tempfile::tempdir().unwrap();
    let state = state.path().to_str().unwrap().to_owned();
    let (reg, witness) = RunningRegistry::start_witnessed(dir.path());
    support::keygen_and_enroll(dir.path(), Some(&reg));
    let pinned = dir.path().join("keys/registry-log.vkey");
    let pinned = pinned.to_str().unwrap().to_owned();
    let files = bundles(dir.path(), "WITNESSED", 1);
    let out = tabula(&[
        "upload",
        "--registry",
        &reg.url,
        "--log-key",
        &pinned,
        &files[0],
    ]);
    assert!(out.status.success(), "{}", text(&out));
    // Wait for the collector to bring the witness's cosignature.
    let cosigned = (0..200)
        .find_map(|_| {
            let (status, _) = reg.get("/api/v1/log/checkpoint/cosigned");
            if status == 200 {
                return Some(());
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
            None
        })
        .is_some();
    assert!(cosigned, "no cosigned checkpoint");
    // Uploading again (a replay) stores the cosigned checkpoint beside the bundle.
    let out = tabula(&[
        "upload",
        "--registry",
        &reg.url,
        "--log-key",
        &pinned,
        &files[0],
    ]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(
        text(&out).contains("cosigned checkpoint (tree size 1) stored"),
        "{}",
        text(&out)
    );
    let kept = std::fs::read_to_string(dir.path().join("cosigned-checkpoint.txt")).unwrap();
    witness.verifier().verify(&kept).unwrap();
    let log_key =
        NoteVerifier::from_vkey(std::fs::read_to_string(&pinned).unwrap().trim()).unwrap();
    assert_eq!(
        tabula_tlog::Checkpoint::verify(&kept, &log_key)
            .unwrap()
            .size,
        1
    );

    let other = tabula_tlog::CosignatureSigner::generate("witness.other.example").unwrap();
    let policy = dir.path().join("witnesses.policy");
    let write_policy = |quorum: usize| {
        std::fs::write(
            &policy,
            format!(
                "# the city's witnesses\nwitness {} {}\nwitness {} {}\nquorum {quorum}\n",
                witness.name(),
                witness.verifier().to_vkey(),
                other.name(),
                other.verifier().to_vkey()
            ),
        )
        .unwrap();
    };
    let verify = || {
        tabula(&[
            "verify",
            &files[0],
            "--registry",
            &reg.url,
            "--log-key",
            &pinned,
            "--state",
            &state,
            "--witness-policy",
            policy.to_str().unwrap(),
        ])
    };
    write_policy(1);
    let out = verify();
    assert!(out.status.success(), "{}", text(&out));
    assert!(
        text(&out).contains("cosigned by witness.test.example/w1"),
        "{}",
        text(&out)
    );
    write_policy(2);
    let out = verify();
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(
        text(&out).contains("only 1 of the 2 required witness cosignatures verify"),
        "{}",
        text(&out)
    );
}
