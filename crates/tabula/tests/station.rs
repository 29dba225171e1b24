//! The station end to end, as `tabula run` / `tabula upload` / `tabula resume` are used at the bench:
//! loop devices over this test's own files, a registry on loopback (SQLite), the built binary.
//!
//! - a full unattended run: wiped bytes, certificate with receipt, PDF, registry row, `tabula verify --registry`
//! - the registry down during the run, a later `tabula upload` delivers the outbox
//! - a run killed (SIGKILL, as a power loss) mid-wipe and resumed from the journal
//! - a tampered bundle in the outbox is reported and never uploaded
//! - unattended mode refuses unless the configuration enables it; the allow-list is obeyed

#![allow(clippy::unwrap_used)] // test code: a failed unwrap is a failed test

mod support;

use std::path::Path;
use std::time::{Duration, Instant};

use base64::Engine as _;
use support::{LoopDev, RunningRegistry, files, free_port, station, tabula, text};
use tabula_certificate::Bundle;

fn run_unattended(data: &Path) -> std::process::Output {
    tabula(&["run", "--unattended", "--data", data.to_str().unwrap()])
}

#[test]
fn full_run_wipes_certifies_uploads_and_verifies() {
    let dir = tempfile::tempdir().unwrap();
    let reg = RunningRegistry::start(dir.path(), 0);
    let drives: Vec<LoopDev> = (0..3)
        .map(|i| LoopDev::new(dir.path(), &format!("d{i}.img"), 4 << 20))
        .collect();
    let refs: Vec<&LoopDev> = drives.iter().collect();
    let data = station(dir.path(), Some(&reg), Some(&reg.url), "bsi-vsitr", &refs);

    let out = run_unattended(&data);
    assert!(out.status.success(), "{}", text(&out));
    assert!(
        text(&out).contains("uploaded (log entry #0), receipt stored"),
        "{}",
        text(&out)
    );
    // The machine line names what the firmware says and nothing in its place (this VM has no
    // SMBIOS tables: "unknown", no "serial -").
    let machine = text(&out)
        .lines()
        .find(|l| l.starts_with("machine: "))
        .map(str::to_owned)
        .unwrap_or_default();
    assert!(machine.contains(", grade "), "{}", text(&out));
    assert!(
        !machine.contains("(serial -)") && !machine.contains("unknown vendor"),
        "{machine}"
    );
    for d in &drives {
        assert!(d.all(0xAA), "{} does not hold VSITR's final 0xAA", d.path());
    }
    // Kept forever: bundle (with receipt) and PDF; nothing left in the outbox or journal.
    let bundles = files(&data.join("certificates"), ".tabula.json");
    assert_eq!(bundles.len(), 1);
    assert!(files(&data.join("outbox"), ".tabula.json").is_empty());
    assert!(files(&data.join("journal"), ".json").is_empty());
    let pdf = bundles[0].to_string_lossy().replace(".tabula.json", ".pdf");
    assert!(std::fs::read(&pdf).unwrap().starts_with(b"%PDF"));
    let bundle = Bundle::read(&bundles[0]).unwrap();
    assert!(bundle.receipt.is_some());
    let cert = bundle.certificate().unwrap();
    assert_eq!(cert.organisation, "Stadt Leipzig");
    assert_eq!(cert.operator, "Erika Mustermann");
    assert_eq!(cert.result.as_str(), "erased");
    assert_eq!(cert.drives.len(), 3);
    for d in &cert.drives {
        assert_eq!(d.method.name, "bsi-vsitr");
        assert_eq!(d.method.passes, 7);
        assert_eq!(d.passes.len(), 7);
        assert_eq!(d.verification.outcome.as_str(), "passed");
        assert_eq!(d.size_bytes, 4 << 20);
    }
    assert_eq!(
        cert.machine.audit_digest,
        tabula_certificate::audit_digest(&bundle.audit).unwrap()
    );
    // The registry has it, and an auditor's verification against the log passes.
    let (status, body) = reg.get(&format!("/api/v1/certificates/{}", cert.id));
    assert_eq!(status, 200, "{body}");
    let out = tabula(&[
        "verify",
        bundles[0].to_str().unwrap(),
        "--registry",
        &reg.url,
    ]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("in log"), "{}", text(&out));
    assert!(
        text(&out).contains(
            "origin: the registry logs only certificates signed by a station enrolled with it"
        ),
        "{}",
        text(&out)
    );
}

#[test]
fn registry_down_keeps_the_bundle_until_a_later_upload() {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let reg = RunningRegistry::start(dir.path(), port);
    let url = reg.url.clone();
    let d = LoopDev::new(dir.path(), "d.img", 2 << 20);
    let data = station(dir.path(), Some(&reg), Some(&url), "zero", &[&d]);
    drop(reg); // the registry goes down; its database stays

    let out = run_unattended(&data);
    assert!(
        out.status.success(),
        "the wipe itself succeeded: {}",
        text(&out)
    );
    assert!(
        text(&out).contains("kept in outbox, will retry"),
        "{}",
        text(&out)
    );
    assert!(d.all(0x00));
    let queued = files(&data.join("outbox"), ".tabula.json");
    assert_eq!(queued.len(), 1);
    // `tabula upload` while still down: exit 1, nothing lost.
    let out = tabula(&["upload", "--data", data.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert_eq!(files(&data.join("outbox"), ".tabula.json"), queued);

    let reg = RunningRegistry::start(dir.path(), port);
    let out = tabula(&["upload", "--data", data.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(files(&data.join("outbox"), ".tabula.json").is_empty());
    let kept = files(&data.join("certificates"), ".tabula.json");
    let bundle = Bundle::read(&kept[0]).unwrap();
    assert!(bundle.receipt.is_some(), "receipt stored in the kept copy");
    let (status, _) = reg.get(&format!("/api/v1/certificates/{}", bundle.id().unwrap()));
    assert_eq!(status, 200);
}

/// Runs `tabula run --unattended` and kills it (SIGKILL, as a power loss) once its journal - a
/// journal file that was not there before - shows pass 2 underway.
fn pull_the_plug_mid_wipe(data: &Path) {
    let journal_dir = data.join("journal");
    let before = files(&journal_dir, ".journal.json");
    let mut child = std::process::Command::new(support::BIN)
        .args(["run", "--unattended", "--data", data.to_str().unwrap()])
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        assert!(Instant::now() < deadline, "the wipe never reached pass 2");
        assert!(
            child.try_wait().unwrap().is_none(),
            "the wipe finished before it could be killed"
        );
        let at_pass_2 = files(&journal_dir, ".journal.json")
            .iter()
            .filter(|j| !before.contains(j))
            .any(|j| {
                let v: serde_json::Value =
                    serde_json::from_slice(&std::fs::read(j).unwrap_or_default())
                        .unwrap_or_default();
                v["positions"][0]["pass"].as_u64().is_some_and(|p| p >= 2)
            });
        if at_pass_2 {
            break;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.kill().unwrap();
    child.wait().unwrap();
}

#[test]
fn a_run_killed_mid_wipe_resumes_from_the_journal() {
    let dir = tempfile::tempdir().unwrap();
    // Large enough that seven passes take a while, so the kill lands mid-wipe.
    let d = LoopDev::new(dir.path(), "big.img", 1 << 30);
    let data = station(dir.path(), None, None, "bsi-vsitr", &[&d]);
    pull_the_plug_mid_wipe(&data);
    let journal_dir = data.join("journal");
    assert!(
        files(&data.join("certificates"), ".tabula.json").is_empty(),
        "no certificate from a killed run"
    );
    assert!(!d.all(0xAA));

    // Without a terminal, resume insists on --yes.
    let out = tabula(&["resume", "--data", data.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    let out = tabula(&["resume", "--yes", "--data", data.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(d.all(0xAA), "resumed wipe did not finish the last pass");
    assert!(
        files(&journal_dir, ".journal.json").is_empty(),
        "journal removed once certified"
    );
    let bundle = Bundle::read(&files(&data.join("certificates"), ".tabula.json")[0]).unwrap();
    let cert = bundle.certificate().unwrap();
    assert_eq!(cert.result.as_str(), "erased");
    assert!(
        cert.remark.contains("interrupted about") && cert.remark.contains("of 7 passes"),
        "{}",
        cert.remark
    );
    assert!(cert.remark.contains("resumed on"), "{}", cert.remark);
    assert_eq!(cert.drives[0].verification.outcome.as_str(), "passed");
}

#[test]
fn a_tampered_bundle_in_the_outbox_is_reported_and_not_uploaded() {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let reg = RunningRegistry::start(dir.path(), port);
    let url = reg.url.clone();
    let d = LoopDev::new(dir.path(), "d.img", 1 << 20);
    let data = station(dir.path(), Some(&reg), Some(&url), "one", &[&d]);
    drop(reg);
    let out = run_unattended(&data);
    assert!(out.status.success(), "{}", text(&out));
    let queued = files(&data.join("outbox"), ".tabula.json");
    assert_eq!(queued.len(), 1);

    // Someone edits the operator in the signed payload on the stick.
    let mut json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&queued[0]).unwrap()).unwrap();
    let b64 = base64::engine::general_purpose::STANDARD;
    let payload = String::from_utf8(
        b64.decode(json["envelope"]["payload"].as_str().unwrap())
            .unwrap(),
    )
    .unwrap();
    let forged = payload.replace("Erika Mustermann", "Max Mustermann");
    assert_ne!(payload, forged);
    json["envelope"]["payload"] = b64.encode(forged).into();
    std::fs::write(&queued[0], serde_json::to_vec(&json).unwrap()).unwrap();

    let reg = RunningRegistry::start(dir.path(), port);
    let out = tabula(&["upload", "--data", data.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(text(&out).contains("NOT UPLOADED"), "{}", text(&out));
    assert!(files(&data.join("outbox"), ".tabula.json").is_empty());
    assert_eq!(
        files(&data.join("outbox/rejected"), ".tabula.json").len(),
        1,
        "kept aside as evidence"
    );
    let (_, list) = reg.get("/api/v1/certificates");
    assert_eq!(
        list["items"].as_array().map_or(0, Vec::len),
        0,
        "nothing reached the registry: {list}"
    );
}

#[test]
fn unattended_needs_enabling_and_obeys_the_allow_list() {
    let dir = tempfile::tempdir().unwrap();
    let a = LoopDev::new(dir.path(), "a.img", 1 << 20);
    let b = LoopDev::new(dir.path(), "b.img", 1 << 20);
    let data = station(dir.path(), None, None, "zero", &[&a]);
    let config = data.join("tabula.toml");
    let text_of = |p: &Path| std::fs::read_to_string(p).unwrap();

    // Disabled: refuses, writes nothing.
    std::fs::write(
        &config,
        text_of(&config).replace("enabled = true", "enabled = false"),
    )
    .unwrap();
    let out = run_unattended(&data);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(
        text(&out).contains("unattended wiping is disabled"),
        "{}",
        text(&out)
    );
    assert!(a.all(0x5A) && b.all(0x5A));

    // Enabled: only the allow-listed drive is wiped; a named drive outside the list is refused.
    std::fs::write(
        &config,
        text_of(&config).replace("enabled = false", "enabled = true"),
    )
    .unwrap();
    let out = tabula(&[
        "run",
        "--unattended",
        "--data",
        data.to_str().unwrap(),
        b.path(),
    ]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(
        text(&out).contains("not in the [unattended] targets allow-list"),
        "{}",
        text(&out)
    );
    let out = run_unattended(&data);
    assert!(out.status.success(), "{}", text(&out));
    assert!(a.all(0x00) && b.all(0x5A));

    // A config typo is an error that names the line.
    std::fs::write(
        &config,
        text_of(&config).replace("[wipe]\n", "[wipe]\nmetod = \"zero\"\n"),
    )
    .unwrap();
    let out = run_unattended(&data);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out).contains("unknown field `metod`"),
        "{}",
        text(&out)
    );
    assert!(text(&out).contains("line "), "{}", text(&out));
}

#[test]
fn a_revoked_station_is_refused_and_its_bundle_stays_in_the_outbox() {
    let dir = tempfile::tempdir().unwrap();
    let reg = RunningRegistry::start(dir.path(), 0);
    let d = LoopDev::new(dir.path(), "d.img", 1 << 20);
    let data = station(dir.path(), Some(&reg), Some(&reg.url), "zero", &[&d]);
    let revoked = reg
        .runtime
        .block_on(reg.registry.store().revoke_station("bench-test"))
        .unwrap();
    assert!(revoked.is_some());

    let out = run_unattended(&data);
    assert!(
        out.status.success(),
        "the wipe itself succeeded: {}",
        text(&out)
    );
    assert!(d.all(0x00));
    let said = text(&out);
    assert!(
        said.contains("kept in outbox, will retry: registry refused (403, station_revoked)"),
        "{said}"
    );
    // Kept (the certificate is still evidence), never in the registry.
    let queued = files(&data.join("outbox"), ".tabula.json");
    assert_eq!(queued.len(), 1);
    let id = Bundle::read(&queued[0]).unwrap().id().unwrap().to_string();
    let (status, _) = reg.get(&format!("/api/v1/certificates/{id}"));
    assert_eq!(status, 404);
}

#[test]
fn a_journal_whose_drive_is_gone_waits_while_the_others_resume() {
    let dir = tempfile::tempdir().unwrap();
    let a = LoopDev::new(dir.path(), "a.img", 1 << 30);
    let b = LoopDev::new(dir.path(), "b.img", 1 << 30);
    // Two interrupted jobs: one on a, then (with the allow-list changed) one on b.
    let data = station(dir.path(), None, None, "bsi-vsitr", &[&a]);
    pull_the_plug_mid_wipe(&data);
    let config = data.join("tabula.toml");
    let text_a = std::fs::read_to_string(&config).unwrap();
    std::fs::write(&config, text_a.replace(a.path(), b.path())).unwrap();
    pull_the_plug_mid_wipe(&data);
    let journal_dir = data.join("journal");
    assert_eq!(files(&journal_dir, ".journal.json").len(), 2);
    // Drive b is unplugged before the resume.
    let b_path = b.path().to_owned();
    drop(b);

    let out = tabula(&["resume", "--yes", "--data", data.to_str().unwrap()]);
    let said = text(&out);
    assert_eq!(out.status.code(), Some(1), "not everything resumed: {said}");
    assert!(
        said.contains("not resumed: drive ") && said.contains(&b_path),
        "{said}"
    );
    assert!(said.contains("its journal is kept"), "{said}");
    assert!(a.all(0xAA), "the wipe of a was finished");
    // a is certified and its journal gone; b's journal waits for its drive.
    assert_eq!(files(&data.join("certificates"), ".tabula.json").len(), 1);
    let left = files(&journal_dir, ".journal.json");
    assert_eq!(left.len(), 1);
    let journal: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&left[0]).unwrap()).unwrap();
    assert_eq!(journal["plan"]["drives"][0]["path"], b_path.as_str());
}

#[test]
fn an_unreadable_journal_is_kept_while_the_others_resume() {
    let dir = tempfile::tempdir().unwrap();
    let a = LoopDev::new(dir.path(), "a.img", 1 << 30);
    let data = station(dir.path(), None, None, "bsi-vsitr", &[&a]);
    pull_the_plug_mid_wipe(&data);
    // A second journal that a power loss on another file system, or a person, broke.
    let broken = data.join("journal").join("0-broken.journal.json");
    std::fs::write(&broken, b"{\"id\": \"half-writ").unwrap();

    let out = tabula(&["resume", "--yes", "--data", data.to_str().unwrap()]);
    let said = text(&out);
    assert_eq!(out.status.code(), Some(1), "not everything resumed: {said}");
    assert!(said.contains("0-broken.journal.json"), "{said}");
    assert!(said.contains("its journal is kept"), "{said}");
    assert!(a.all(0xAA), "the readable journal was resumed to the end");
    assert_eq!(files(&data.join("certificates"), ".tabula.json").len(), 1);
    assert_eq!(
        files(&data.join("journal"), ".journal.json"),
        vec![broken.clone()],
        "only the broken journal is left"
    );
    assert_eq!(
        std::fs::read(&broken).unwrap(),
        b"{\"id\": \"half-writ",
        "the broken journal is kept as it was"
    );
}

#[test]
fn unattended_upload_needs_a_pinned_log_key_and_attended_upload_warns() {
    let dir = tempfile::tempdir().unwrap();
    let reg = RunningRegistry::start(dir.path(), 0);
    let d = LoopDev::new(dir.path(), "d.img", 4 << 20);
    let data = station(dir.path(), Some(&reg), Some(&reg.url), "zero", &[&d]);
    // Enrolled, but the pinned key is gone: no log_key in tabula.toml, no keys/registry-log.vkey.
    let config = data.join("tabula.toml");
    let without_key: String = std::fs::read_to_string(&config)
        .unwrap()
        .lines()
        .filter(|l| !l.starts_with("log_key"))
        .map(|l| format!("{l}\n"))
        .collect();
    std::fs::write(&config, without_key).unwrap();
    std::fs::remove_file(data.join("keys").join("registry-log.vkey")).unwrap();

    let out = run_unattended(&data);
    let said = text(&out);
    assert!(out.status.success(), "the wipe itself succeeded: {said}");
    assert!(d.all(0x00));
    assert!(
        said.contains("unattended uploads need a pinned log key"),
        "{said}"
    );
    let waiting = files(&data.join("outbox"), ".tabula.json");
    assert_eq!(waiting.len(), 1, "the bundle stays in the outbox: {said}");
    let id = Bundle::read(&waiting[0]).unwrap().id().unwrap().to_string();
    let (status, _) = reg.get(&format!("/api/v1/certificates/{id}"));
    assert_eq!(status, 404, "nothing was uploaded");

    // A technician uploads by hand: it goes through, with the warning on screen and in the log.
    let out = tabula(&["upload", "--data", data.to_str().unwrap()]);
    let said = text(&out);
    assert!(out.status.success(), "{said}");
    assert!(said.contains("WARNING: the log key"), "{said}");
    assert!(said.contains("trust on first use"), "{said}");
    let log = std::fs::read_to_string(data.join("logs").join("upload.log")).unwrap();
    assert!(log.contains("WARNING: the log key"), "{log}");
    for line in log.lines() {
        let stamp = line.split(' ').next().unwrap_or_default();
        assert!(
            chrono::DateTime::parse_from_rfc3339(stamp).is_ok(),
            "no timestamp: {line}"
        );
    }
    let (status, _) = reg.get(&format!("/api/v1/certificates/{id}"));
    assert_eq!(status, 200);
    assert!(files(&data.join("outbox"), ".tabula.json").is_empty());
}
