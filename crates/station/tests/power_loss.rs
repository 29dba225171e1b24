//! Regressions found by the power-loss test of the binary (crates/tabula/tests/power_loss.rs),
//! on a regular file as the target and an empty replay root for the audit:
//!
//! - a kill after the certificate was signed, while it was being stored, made `tabula resume`
//!   wipe again and sign a second certificate for the same wipe;
//! - a kill between writing and renaming a temporary file left it in the data directory for ever.

#![allow(clippy::unwrap_used)] // test code: a failed unwrap is a failed test

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use tabula_certificate::Bundle;
use tabula_station::datadir::list_with_suffix;
use tabula_station::journal::{Journal, Signed};
use tabula_station::{Finished, Station, audit_machine};

const BEFORE: u8 = 0x5A;

/// A station in `dir/data` whose audit and drive discovery read the nearly empty `dir/root`.
fn station(dir: &Path) -> Station {
    let data = dir.join("data");
    std::fs::create_dir_all(&data).unwrap();
    std::fs::write(
        data.join("tabula.toml"),
        "[station]\norganisation = \"Stadt Leipzig\"\nsite = \"Test bench\"\n",
    )
    .unwrap();
    let root = dir.join("root");
    std::fs::create_dir_all(root.join("sys/block")).unwrap();
    let mut station = Station::open(&data, None).unwrap();
    station.root = root;
    station
}

fn target(dir: &Path) -> PathBuf {
    let path = dir.join("target.img");
    std::fs::write(&path, vec![BEFORE; 1 << 20]).unwrap();
    path
}

/// Wipes `target` with `zero` and returns what the finished wipe stored, and the journal it had
/// just before storing: the state a kill right after journalling the signed certificate leaves.
fn wiped(station: &Station, target: &Path) -> (Finished, Journal) {
    let targets = station.select_targets(&[target.to_owned()], false).unwrap();
    let plan = station.plan(targets, Some("zero")).unwrap();
    let issuer = station.issuer(Some("Erika Mustermann")).unwrap();
    let (audit, json) = audit_machine(&station.root, None).unwrap();
    let cancel = Arc::new(AtomicBool::new(false));
    let finished = station
        .wipe(
            &plan,
            issuer.clone(),
            (&audit, json.clone()),
            cancel,
            |_| {},
        )
        .unwrap();
    let mut journal = Journal::create(&station.data.journal(), &plan, issuer, json).unwrap();
    journal.signed = Some(Signed {
        bundle: Bundle::read(&finished.stored.bundle).unwrap(),
        reports: finished.reports.clone(),
    });
    journal.save().unwrap();
    (finished, journal)
}

#[test]
fn a_kill_while_storing_the_certificate_resumes_into_the_same_certificate() {
    let dir = tempfile::tempdir().unwrap();
    let station = station(dir.path());
    let target = target(dir.path());
    let (first, _journal) = wiped(&station, &target);
    // The kill came after the kept bundle was written: no PDF, no outbox copy yet.
    std::fs::remove_file(&first.stored.pdf).unwrap();
    std::fs::remove_file(first.stored.outbox.as_ref().unwrap()).unwrap();
    // Anything written to the target now would be a second wipe.
    std::fs::write(&target, vec![BEFORE; 1 << 20]).unwrap();

    let cancel = Arc::new(AtomicBool::new(false));
    let resumed = station.resume(cancel, |_, _| {}).unwrap();

    assert!(resumed.not_resumed.is_empty(), "{:?}", resumed.not_resumed);
    assert_eq!(resumed.finished.len(), 1);
    let again = &resumed.finished[0];
    assert_eq!(
        again.stored.id, first.stored.id,
        "the journalled certificate"
    );
    assert!(again.success());
    let kept = list_with_suffix(&station.data.certificates(), ".tabula.json").unwrap();
    assert_eq!(kept, vec![first.stored.bundle.clone()], "one certificate");
    assert!(
        std::fs::read(&first.stored.pdf)
            .unwrap()
            .starts_with(b"%PDF-")
    );
    assert_eq!(
        list_with_suffix(&station.data.outbox(), ".tabula.json").unwrap(),
        vec![first.stored.outbox.clone().unwrap()],
        "queued for upload again"
    );
    assert!(
        list_with_suffix(&station.data.journal(), ".journal.json")
            .unwrap()
            .is_empty()
    );
    assert!(
        std::fs::read(&target).unwrap().iter().all(|&b| b == BEFORE),
        "the target was wiped a second time"
    );
}

#[test]
fn storing_again_keeps_a_receipt_and_does_not_queue_a_delivered_certificate() {
    let dir = tempfile::tempdir().unwrap();
    let station = station(dir.path());
    let target = target(dir.path());
    let (first, _journal) = wiped(&station, &target);
    // Delivered before the journal went: the kept copy has its receipt, the outbox copy is gone.
    let mut bundle = Bundle::read(&first.stored.bundle).unwrap();
    bundle.receipt = Some(serde_json::json!({"stands": "for a receipt"}));
    bundle.write_atomic(&first.stored.bundle).unwrap();
    std::fs::remove_file(first.stored.outbox.as_ref().unwrap()).unwrap();

    let resumed = station
        .resume(Arc::new(AtomicBool::new(false)), |_, _| {})
        .unwrap();

    assert_eq!(resumed.finished.len(), 1);
    assert_eq!(resumed.finished[0].stored.outbox, None);
    assert!(
        list_with_suffix(&station.data.outbox(), ".tabula.json")
            .unwrap()
            .is_empty()
    );
    let kept = Bundle::read(&first.stored.bundle).unwrap();
    assert_eq!(
        kept.receipt, bundle.receipt,
        "the receipt is not overwritten"
    );
}

#[test]
fn temporary_files_of_dead_processes_go_when_the_data_directory_opens() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    std::fs::create_dir_all(data.join("outbox")).unwrap();
    let mut child = std::process::Command::new("true").spawn().unwrap();
    let dead = child.id();
    child.wait().unwrap();
    let stale = data.join(format!("outbox/.x.tabula.json.tmp{dead}-0"));
    let live = data.join(format!("outbox/.y.tabula.json.tmp{}-0", std::process::id()));
    let other = data.join("outbox/.hidden");
    for f in [&stale, &live, &other] {
        std::fs::write(f, b"{\"half").unwrap();
    }

    tabula_station::datadir::DataDir::open(&data).unwrap();

    assert!(!stale.exists(), "a dead process's temporary file stays");
    assert!(
        live.exists(),
        "a running process's temporary file was removed"
    );
    assert!(
        other.exists(),
        "a file not named like a temporary file was removed"
    );
}
