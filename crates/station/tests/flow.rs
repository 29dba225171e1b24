//! The station flow in-process, through the library the CLI and the TUI share: a named file as
//! the target (regular files are never discovered, only named), the journalled wipe, the signed
//! certificate, resume over a broken journal, the pinned-key rule for unattended uploads, and
//! a wipe stopped in pass 3 of 7 whose resumed certificate continues the interrupted one.

#![allow(clippy::unwrap_used)] // test code: a failed unwrap is a failed test

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use tabula_certificate::Bundle;
use tabula_station::outbox::{KeyPolicy, Retry};
use tabula_station::{Error, Refusal, Station};

const SIZE: usize = 2 << 20;

/// A station data directory under `dir` whose tabula.toml names the issuer and, if given, a
/// registry URL.
fn station(dir: &Path, registry: Option<&str>) -> Station {
    let data = dir.join("data");
    std::fs::create_dir_all(&data).unwrap();
    let registry = registry
        .map(|u| format!("[registry]\nurl = \"{u}\"\n"))
        .unwrap_or_default();
    let config = format!(
        "[station]\norganisation = \"Stadt Leipzig\"\nsite = \"Test bench\"\noperator = \"Erika\"\n\n\
         {registry}[wipe]\nmethod = \"dod-3pass\"\n"
    );
    std::fs::write(data.join("tabula.toml"), config).unwrap();
    Station::open(&data, None).unwrap()
}

/// A file of `SIZE` bytes of 0x5A to wipe.
fn target(dir: &Path, name: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, vec![0x5A; SIZE]).unwrap();
    path
}

fn wipe(station: &Station, targets: &[PathBuf], cancel: bool) -> tabula_station::Finished {
    let chosen = station.select_targets(targets, false).unwrap();
    let plan = station.plan(chosen, None).unwrap();
    let (audit, doc) = station.audit().unwrap();
    let issuer = station.issuer(None).unwrap();
    station
        .wipe(
            &plan,
            issuer,
            (&audit, doc),
            Arc::new(AtomicBool::new(cancel)),
            |_| {},
        )
        .unwrap()
}

fn journals(station: &Station) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(station.data.journal())
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    v.sort();
    v
}

#[test]
fn a_named_file_is_wiped_certified_and_its_journal_removed() {
    let dir = tempfile::tempdir().unwrap();
    let station = station(dir.path(), None);
    let file = target(dir.path(), "disk.img");

    let done = wipe(&station, std::slice::from_ref(&file), false);

    assert!(done.success(), "{:?}", done.reports);
    assert!(done.journal_kept.is_none());
    assert!(
        journals(&station).is_empty(),
        "journal removed once certified"
    );
    // DoD 3-pass ends with random data: not one byte of the old fill is left in any 4 KiB block.
    let bytes = std::fs::read(&file).unwrap();
    assert!(bytes.chunks(4096).all(|c| c.iter().any(|&b| b != 0x5A)));
    let bundle = Bundle::read(&done.stored.bundle).unwrap();
    let verified = tabula_certificate::verify(&bundle, Some(&station.key.public())).unwrap();
    assert_eq!(verified.fingerprint, station.key.public().fingerprint());
    let cert = verified.certificate;
    assert_eq!(cert.id.to_string(), done.stored.id);
    assert_eq!(cert.result.as_str(), "erased");
    assert_eq!(cert.operator, "Erika");
    assert_eq!(cert.drives.len(), 1);
    assert_eq!(cert.drives[0].size_bytes, SIZE as u64);
    let queued = done
        .stored
        .outbox
        .expect("queued until a registry is configured");
    assert_eq!(
        std::fs::read(queued).unwrap(),
        std::fs::read(&done.stored.bundle).unwrap()
    );
    // The run's log: every line a JSON object with its time, ending with the certificate.
    let logs: Vec<PathBuf> = std::fs::read_dir(station.data.logs())
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(logs.len(), 1, "{logs:?}");
    let text = std::fs::read_to_string(&logs[0]).unwrap();
    let lines: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert!(lines.len() > 2, "{text}");
    for line in &lines {
        let time = line["time"].as_str().unwrap_or_default();
        assert!(chrono::DateTime::parse_from_rfc3339(time).is_ok(), "{line}");
    }
    assert!(lines[0]["event"].is_object(), "{text}");
    assert_eq!(
        lines.last().unwrap()["certificate"],
        done.stored.id.as_str()
    );
}

#[test]
fn a_wipe_stopped_before_its_first_byte_is_no_success_and_keeps_its_journal() {
    let dir = tempfile::tempdir().unwrap();
    let station = station(dir.path(), None);
    let file = target(dir.path(), "disk.img");

    let done = wipe(&station, std::slice::from_ref(&file), true);

    assert!(!done.success());
    let kept = done.journal_kept.clone().expect("journal kept for resume");
    assert_eq!(journals(&station), vec![kept]);
    let cert = Bundle::read(&done.stored.bundle)
        .unwrap()
        .certificate()
        .unwrap();
    assert_eq!(cert.result.as_str(), "interrupted");
    assert_eq!(std::fs::read(&file).unwrap(), vec![0x5A; SIZE]);
}

#[test]
fn resume_skips_an_unreadable_journal_and_finishes_the_others() {
    let dir = tempfile::tempdir().unwrap();
    let station = station(dir.path(), None);
    let file = target(dir.path(), "disk.img");
    wipe(&station, std::slice::from_ref(&file), true);
    let broken = station.data.journal().join("0-broken.journal.json");
    std::fs::write(&broken, b"{\"id\":").unwrap();

    let resumed = station
        .resume(Arc::new(AtomicBool::new(false)), |_, _| {})
        .unwrap();

    assert_eq!(resumed.finished.len(), 1);
    assert!(resumed.finished[0].success());
    assert_eq!(resumed.not_resumed.len(), 1);
    assert_eq!(resumed.not_resumed[0].id, "0-broken.journal.json");
    assert_eq!(
        journals(&station),
        vec![broken],
        "only the broken one is left"
    );
    let bytes = std::fs::read(&file).unwrap();
    assert!(bytes.chunks(4096).all(|c| c.iter().any(|&b| b != 0x5A)));
}

#[test]
fn unattended_upload_without_a_pinned_log_key_is_refused_and_the_bundle_stays() {
    let dir = tempfile::tempdir().unwrap();
    // Nothing listens there: the refusal must come before any connection.
    let station = station(dir.path(), Some("http://127.0.0.1:9"));
    let file = target(dir.path(), "disk.img");
    let done = wipe(&station, std::slice::from_ref(&file), false);
    let queued = done.stored.outbox.clone().expect("queued for the registry");

    let err = station
        .upload(Retry::default(), KeyPolicy::RequirePinned)
        .unwrap_err();

    assert!(
        matches!(err, Error::Refused(Refusal::UnpinnedLogKey)),
        "{err:?}"
    );
    assert!(err.is_permanent() && !err.is_retryable());
    assert!(queued.exists(), "the bundle stays in the outbox");
}

#[test]
fn a_certificate_must_name_its_issuer() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    std::fs::create_dir_all(&data).unwrap();
    std::fs::write(
        data.join("tabula.toml"),
        "[station]\norganisation = \"Stadt Leipzig\"\nsite = \"  \"\n",
    )
    .unwrap();
    let station = Station::open(&data, None).unwrap();

    let err = station.issuer(Some("Erika")).unwrap_err();

    assert!(
        matches!(&err, Error::Refused(Refusal::MissingIssuer { what: "site", config })
            if *config == data.join("tabula.toml")),
        "{err:?}"
    );
    let text = err.to_string();
    assert!(
        text.contains(&format!("in {}", data.join("tabula.toml").display()))
            && text.contains("--site"),
        "the message names the file and the option: {text}"
    );
    assert!(err.is_permanent());
}

/// Stopped as pass 3 of 7 starts, then resumed: the first certificate is `interrupted`, the
/// second names it in `continues`, numbers its passes 3/7 .. 7/7, and its remark says in German
/// and English, in local time without fractions, when it stopped and after how many passes.
#[test]
fn a_resumed_wipe_continues_the_interrupted_certificate() {
    use tabula_wipe::progress::{Event, Phase};

    let dir = tempfile::tempdir().unwrap();
    let station = station(dir.path(), None);
    let file = target(dir.path(), "disk.img");
    let chosen = station
        .select_targets(std::slice::from_ref(&file), false)
        .unwrap();
    let plan = station.plan(chosen, Some("dod-ece-7pass")).unwrap();
    let (audit, doc) = station.audit().unwrap();
    let cancel = Arc::new(AtomicBool::new(false));
    let stop = Arc::clone(&cancel);
    let first = station
        .wipe(
            &plan,
            station.issuer(None).unwrap(),
            (&audit, doc),
            Arc::clone(&cancel),
            move |e| {
                if let Event::PassStarted {
                    pass: 3,
                    phase: Phase::Write,
                    ..
                } = e
                {
                    stop.store(true, std::sync::atomic::Ordering::SeqCst);
                }
            },
        )
        .unwrap();
    assert!(first.journal_kept.is_some());
    let interrupted = Bundle::read(&first.stored.bundle)
        .unwrap()
        .certificate()
        .unwrap();
    assert_eq!(interrupted.result.as_str(), "interrupted");
    assert_eq!(interrupted.continues, None);

    let resumed = station
        .resume(Arc::new(AtomicBool::new(false)), |_, _| {})
        .unwrap();
    assert!(resumed.not_resumed.is_empty(), "{:?}", resumed.not_resumed);
    let done = &resumed.finished[0];
    assert!(done.success(), "{:?}", done.reports);
    let bundle = Bundle::read(&done.stored.bundle).unwrap();
    let cert = tabula_certificate::verify(&bundle, Some(&station.key.public()))
        .unwrap()
        .certificate;
    assert_eq!(cert.continues, Some(interrupted.id));
    assert_eq!(cert.result.as_str(), "erased");
    let drive = &cert.drives[0];
    assert_eq!(drive.method.passes, 7);
    let numbers: Vec<u32> = drive.numbered_passes().map(|(n, _)| n).collect();
    assert_eq!(numbers, vec![3, 4, 5, 6, 7]);
    assert_eq!(drive.pass_label(numbers[0]), "3/7");

    let zone = tabula_certificate::LocalZone::default();
    let at = zone.time(&interrupted.finished);
    let remark = &cert.remark;
    assert!(
        remark.contains(&format!("Unterbrochen um {at} nach 2 von 7 Durchgängen")),
        "{remark}"
    );
    assert!(
        remark.contains(&format!("interrupted at {at} after 2 of 7 passes")),
        "{remark}"
    );
    assert!(remark.contains("fortgesetzt am ") && remark.contains(", resumed on "));
    assert!(!remark.contains("resumed at pass"), "{remark}");
    // Readable times only: no RFC 3339 stamps, no fractions of a second.
    let day = interrupted.finished.format("%Y-%m-%dT").to_string();
    assert!(
        !remark.contains("+00:00") && !remark.contains(&day),
        "{remark}"
    );
    eprintln!("remark: {remark}");
    assert!(
        !remark
            .split(|c: char| !c.is_ascii_digit() && c != '.' && c != ':')
            .any(|w| w.contains(':') && w.contains('.')),
        "{remark}"
    );
    // The interrupted certificate stays as it was, beside the new one.
    assert!(first.stored.bundle.exists());
    assert!(journals(&station).is_empty());
}
