//! `tabula wipe` and `tabula devices` as a technician runs them: real loop devices over files
//! this test creates, the built binary, its exit codes and its messages.

#![allow(clippy::unwrap_used)] // test code: a failed unwrap is a failed test

mod support;

use std::process::Output;

use support::{LoopDev, tabula};

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn wipe_with_yes_and_json_reports_completed_and_exits_zero() {
    let dir = tempfile::tempdir().unwrap();
    let a = LoopDev::new(dir.path(), "a.img", 3 << 20);
    let b = LoopDev::new(dir.path(), "b.img", (2 << 20) + 512);
    let out = tabula(&[
        "wipe",
        "--method",
        "dodshort",
        "--yes",
        "--json",
        a.path(),
        b.path(),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let reports: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let reports = reports.as_array().unwrap();
    assert_eq!(reports.len(), 2);
    for r in reports {
        assert_eq!(r["status"], "completed");
        assert_eq!(r["method"]["name"], "dod-3pass");
        assert_eq!(r["verification"], "passed");
        assert_eq!(
            r["passes"].as_array().unwrap().len(),
            4,
            "3 writes + verify of the last"
        );
    }
    assert!(stderr(&out).contains("THE FOLLOWING WILL BE DESTROYED"));
    // The final pass of dod-3pass is random: the device no longer holds the 0x5A fill.
    let content = std::fs::read(&a.dev).unwrap();
    assert!(content.iter().filter(|&&b| b == 0x5A).count() < content.len() / 100);
}

#[test]
fn without_a_terminal_and_without_yes_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let a = LoopDev::new(dir.path(), "a.img", 1 << 20);
    let out = tabula(&["wipe", "--method", "zero", a.path()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("refusing to wipe without confirmation"),
        "{}",
        stderr(&out)
    );
    assert!(std::fs::read(&a.dev).unwrap().iter().all(|&b| b == 0x5A));
}

#[test]
fn bad_input_gets_one_clear_line() {
    let dir = tempfile::tempdir().unwrap();
    let a = LoopDev::new(dir.path(), "a.img", 1 << 20);
    let dev = a.path();
    let cases: &[(&[&str], &str)] = &[
        (
            &["wipe", "--method", "shredder", "--yes", dev],
            "unknown wipe method 'shredder'; known methods: zero, one",
        ),
        (
            &["wipe", "--method", "gutman", "--yes", dev],
            "unknown wipe method 'gutman' (did you mean gutmann?); known methods:",
        ),
        (
            &["wipe", "--yes", "/dev/does-not-exist"],
            "/dev/does-not-exist: no such device or file",
        ),
        (
            &["wipe", "--yes", "/dev/null"],
            "not a block device or regular file",
        ),
        (&["wipe", "--yes", dev, dev], "is named twice"),
    ];
    for (args, want) in cases {
        let out = tabula(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = stderr(&out);
        assert!(err.contains(want), "{args:?}: {err}");
        assert_eq!(
            err.lines()
                .filter(|l| l.starts_with("tabula: error"))
                .count(),
            1,
            "{err}"
        );
    }
    assert!(std::fs::read(&a.dev).unwrap().iter().all(|&b| b == 0x5A));
    let tiny = dir.path().join("tiny.img");
    std::fs::write(&tiny, b"short").unwrap();
    let out = tabula(&["wipe", "--yes", tiny.to_str().unwrap()]);
    assert!(
        stderr(&out).contains("too small to wipe"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn the_boot_medium_is_refused_with_its_reason() {
    // A stand-in boot medium, never the machine's own disk: a loop device over this test's file,
    // mounted read-only at /run/live/medium inside a private mount namespace (on a private tmpfs
    // over /run), where `tabula wipe` then runs and sees it as the live system's medium.
    let dir = tempfile::tempdir().unwrap();
    let stick = LoopDev::new(dir.path(), "stick.img", 16 << 20);
    let mkfs = std::process::Command::new("mkfs.ext4")
        .args(["-q", "-F", stick.path()])
        .output()
        .unwrap();
    assert!(mkfs.status.success(), "{}", stderr(&mkfs));
    let before = std::fs::read(&stick.dev).unwrap();
    let script = format!(
        "mount -t tmpfs tabula-test /run && mkdir -p /run/live/medium \\
         && mount -o ro,noload {dev} /run/live/medium \\
         && exec {bin} wipe --yes --method zero {dev}",
        dev = stick.path(),
        bin = support::BIN,
    );
    let out = std::process::Command::new("unshare")
        .args(["--mount", "--propagation", "private", "sh", "-c", &script])
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("refused: boot medium: is the live boot medium (/run/live/medium)"),
        "{}",
        stderr(&out)
    );
    assert_eq!(
        std::fs::read(&stick.dev).unwrap(),
        before,
        "nothing written to the boot medium"
    );
}

#[test]
fn devices_table_lists_loop_devices_as_explicit_only() {
    let dir = tempfile::tempdir().unwrap();
    let a = LoopDev::new(dir.path(), "a.img", 1 << 20);
    let out = tabula(&["devices"]);
    assert!(out.status.success());
    let table = String::from_utf8_lossy(&out.stdout);
    let line = table
        .lines()
        .find(|l| l.starts_with(a.path()))
        .expect("loop device listed");
    assert!(line.contains("explicit only"), "{line}");
    assert!(line.contains("1.0 MiB"), "{line}");
    assert!(
        line.contains("a.img"),
        "a loop device shows its file: {line}"
    );
    // Unattached loop devices (size 0) are no drives to a technician: hidden unless --all.
    // (Other tests attach loop devices meanwhile, so each table is judged on its own.)
    let empty_loop = |l: &str| l.starts_with("/dev/loop") && l.contains(" 0 B ");
    assert!(!table.lines().any(empty_loop), "{table}");
    let all = tabula(&["devices", "--all"]);
    let all = String::from_utf8_lossy(&all.stdout);
    assert!(all.lines().count() + 1 >= table.lines().count(), "{all}");
    assert!(!all.contains("--all lists them"), "{all}");
}

#[test]
fn list_methods_names_nwipe_aliases() {
    let out = tabula(&["wipe", "--list-methods"]);
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    for name in [
        "bsi-vsitr",
        "gutmann",
        "dodshort",
        "ops2",
        "is5enh",
        "bruce7",
        "nist-800-88-clear",
    ] {
        assert!(text.contains(name), "{name} missing");
    }
}

#[test]
fn wipe_with_a_key_audits_signs_and_writes_the_certificate() {
    let dir = tempfile::tempdir().unwrap();
    let keys = dir.path().join("keys");
    assert!(
        tabula(&["keygen", "--out", keys.to_str().unwrap()])
            .status
            .success()
    );
    let key = keys.join("station.key");
    let out_dir = dir.path().join("out");
    let a = LoopDev::new(dir.path(), "a.img", 2 << 20);

    // `tabula wipe --key --out` with the issuer flags given in `issuer`.
    let signed_wipe = |issuer: &[&str]| {
        let mut args = vec![
            "wipe",
            "-m",
            "zero",
            "--yes",
            "--key",
            key.to_str().unwrap(),
            "--out",
            out_dir.to_str().unwrap(),
            "--organisation",
            "Stadt Leipzig",
        ];
        args.extend_from_slice(issuer);
        args.push(a.path());
        tabula(&args)
    };

    // A certificate needs its issuer: refused before anything is written.
    let out = signed_wipe(&["--site", "Bench 3"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("needs --operator"),
        "{}",
        stderr(&out)
    );
    assert!(a.all(0x5A), "nothing written");

    let out = signed_wipe(&["--site", "Bench 3", "--operator", "Erika"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(a.all(0x00));
    let mut written: Vec<String> = std::fs::read_dir(&out_dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    written.sort();
    assert_eq!(written.len(), 2, "{written:?}");
    assert!(written[0].ends_with(".pdf") && written[1].ends_with(".tabula.json"));
    let bundle_path = out_dir.join(&written[1]);
    let bundle = tabula_certificate::Bundle::read(&bundle_path).unwrap();
    let cert = bundle.certificate().unwrap();
    assert_eq!(
        (
            cert.organisation.as_str(),
            cert.site.as_str(),
            cert.operator.as_str()
        ),
        ("Stadt Leipzig", "Bench 3", "Erika")
    );
    assert_eq!(cert.result.as_str(), "erased");
    assert_eq!(cert.drives[0].method.name, "zero");
    assert_eq!(
        cert.machine.audit_digest,
        tabula_certificate::audit_digest(&bundle.audit).unwrap()
    );
    let pem = keys.join("station.pem");
    let out = tabula(&[
        "verify",
        bundle_path.to_str().unwrap(),
        "--key",
        pem.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
}

/// A station's profile sets the issuer in the environment: a plain wipe must not care, and with
/// `--out` but no key it writes an unsigned record of what it did, and says how long it took.
#[test]
fn issuer_from_the_environment_applies_only_when_signing_and_out_alone_writes_a_record() {
    let dir = tempfile::tempdir().unwrap();
    let a = LoopDev::new(dir.path(), "a.img", 2 << 20);
    let record = dir.path().join("record");
    let out = wipe_under_a_profile(&["--out", record.to_str().unwrap(), a.path()]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(a.all(0x00));
    assert!(stderr(&out).contains("finished in "), "{}", stderr(&out));
    // Without a terminal: timestamped lines at the pass boundaries and the end, no escapes.
    let err = stderr(&out);
    assert!(!err.contains('\x1b'), "{err}");
    let progress: Vec<&str> = err
        .lines()
        .filter(|l| l.contains(a.path()) && (l.contains(" % ") || l.contains(" average")))
        .collect();
    assert!(
        progress
            .iter()
            .any(|l| l.contains(": 0.0 % pass 1/1 write")),
        "{err}"
    );
    assert!(
        progress
            .iter()
            .any(|l| l.contains(": 50.0 % pass 1/1 verify")),
        "{err}"
    );
    assert!(
        progress
            .iter()
            .any(|l| l.contains(": erased, ") && l.contains("MB/s average")),
        "{err}"
    );
    for l in &progress {
        let stamp = l.get(..19).unwrap_or_default();
        assert!(
            chrono::NaiveDateTime::parse_from_str(stamp, "%Y-%m-%d %H:%M:%S").is_ok(),
            "no timestamp: {l}"
        );
    }
    let mut files: Vec<_> = std::fs::read_dir(&record)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    assert_eq!(files.len(), 2, "{files:?}");
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&files[0]).unwrap()).unwrap();
    assert_eq!(json["signed"], false);
    assert_eq!(json["method"], "zero");
    assert_eq!(json["drives"][0]["status"], "completed");
    assert_eq!(json["drives"][0]["drive"]["path"], a.path());
    let text = std::fs::read_to_string(&files[1]).unwrap();
    assert!(
        text.contains("unsigned") && text.contains(a.path()),
        "{text}"
    );

    // The plainest wipe, no --out and no --key, under the same profile: it wipes.
    a.fill(0x5A);
    let out = wipe_under_a_profile(&[a.path()]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(a.all(0x00));
    assert!(!stderr(&out).contains("required"), "{}", stderr(&out));

    // An explicit issuer flag without --key is an error; with --key the environment's issuer
    // signs the certificate.
    let out = tabula(&["wipe", "-m", "zero", "--yes", "--site", "X", a.path()]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let keys = dir.path().join("keys");
    assert!(
        tabula(&["keygen", "--out", keys.to_str().unwrap()])
            .status
            .success()
    );
    let certs = dir.path().join("certs");
    let out = std::process::Command::new(support::BIN)
        .args(["wipe", "-m", "zero", "--yes", "--key"])
        .arg(keys.join("station.key"))
        .arg("--out")
        .arg(&certs)
        .arg(a.path())
        .env("TABULA_ORGANISATION", "Stadt Leipzig")
        .env("TABULA_SITE", "Bench 3")
        .env("TABULA_OPERATOR", "Erika")
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let bundle = std::fs::read_dir(&certs)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.to_string_lossy().ends_with(".tabula.json"))
        .unwrap();
    let cert = tabula_certificate::Bundle::from_slice(&std::fs::read(bundle).unwrap())
        .unwrap()
        .certificate()
        .unwrap();
    assert_eq!(
        (
            cert.organisation.as_str(),
            cert.site.as_str(),
            cert.operator.as_str()
        ),
        ("Stadt Leipzig", "Bench 3", "Erika")
    );
}

/// `tabula wipe -m zero --yes ARGS` with a station profile's issuer in the environment.
fn wipe_under_a_profile(args: &[&str]) -> std::process::Output {
    std::process::Command::new(support::BIN)
        .args(["wipe", "-m", "zero", "--yes"])
        .args(args)
        .env("TABULA_ORGANISATION", "Stadt Leipzig")
        .env("TABULA_SITE", "Bench 3")
        .env("TABULA_OPERATOR", "Erika")
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap()
}
