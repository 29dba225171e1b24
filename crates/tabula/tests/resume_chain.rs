//! End to end, a wipe stopped and resumed becomes one chain in the registry: the station
//! library wipes a file with a seven-pass method and is stopped as pass 3 starts (as the TUI's
//! stop does), `Station::resume` finishes it, `tabula upload` delivers both certificates to a
//! real registry (in-process, SQLite), and both certificate pages show the chain: the resumed
//! one names the interrupted one, the interrupted one links the resumed one.

#![allow(clippy::unwrap_used)] // test code: a failed unwrap is a failed test

mod support;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use support::{RunningRegistry, keygen_and_enroll, tabula, text};
use tabula_certificate::Bundle;
use tabula_station::Station;
use tabula_wipe::progress::{Event, Phase};

#[test]
fn an_interrupted_and_resumed_wipe_is_one_chain_in_the_registry() {
    let dir = tempfile::tempdir().unwrap();
    let reg = RunningRegistry::start(&dir.path().join(""), 0);
    let data = dir.path().join("data");
    let log_key = keygen_and_enroll(&data, Some(&reg));
    std::fs::write(
        data.join("tabula.toml"),
        format!(
            "[station]\norganisation = \"Stadt Leipzig\"\nsite = \"Test bench\"\n\
             operator = \"Erika Mustermann\"\n\n[registry]\nurl = \"{}\"\n{log_key}\n\
             [wipe]\nmethod = \"dod-ece-7pass\"\n",
            reg.url
        ),
    )
    .unwrap();
    let file = dir.path().join("disk.img");
    std::fs::write(&file, vec![0x5A; 2 << 20]).unwrap();

    let station = Station::open(&data, None).unwrap();
    let chosen = station
        .select_targets(std::slice::from_ref(&file), false)
        .unwrap();
    let plan = station.plan(chosen, None).unwrap();
    let (audit, doc) = station.audit().unwrap();
    let cancel = Arc::new(AtomicBool::new(false));
    let stop = Arc::clone(&cancel);
    let first = station
        .wipe(
            &plan,
            station.issuer(None).unwrap(),
            (&audit, doc),
            cancel,
            move |e| {
                if let Event::PassStarted {
                    pass: 3,
                    phase: Phase::Write,
                    ..
                } = e
                {
                    stop.store(true, Ordering::SeqCst);
                }
            },
        )
        .unwrap();
    let old = first.stored.id.clone();
    let resumed = station
        .resume(Arc::new(AtomicBool::new(false)), |_, _| {})
        .unwrap();
    assert_eq!(resumed.finished.len(), 1, "{:?}", resumed.not_resumed);
    let new = resumed.finished[0].stored.id.clone();
    let cert = Bundle::read(&resumed.finished[0].stored.bundle)
        .unwrap()
        .certificate()
        .unwrap();
    assert_eq!(cert.continues.map(|u| u.to_string()), Some(old.clone()));

    let out = tabula(&["upload", "--data", data.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out));

    let page = |id: &str| {
        let resp = reqwest::blocking::get(format!("{}/certificates/{id}", reg.url)).unwrap();
        assert_eq!(resp.status().as_u16(), 200);
        resp.text().unwrap()
    };
    let older = page(&old);
    assert!(older.contains("id=\"continued-by\""), "{older}");
    assert!(
        older.contains(&format!("href=\"/certificates/{new}\"")),
        "{older}"
    );
    let newer = page(&new);
    assert!(newer.contains("id=\"continues\""), "{newer}");
    assert!(
        newer.contains(&format!("href=\"/certificates/{old}\"")),
        "{newer}"
    );
    for html in [&older, &newer] {
        assert!(
            html.contains("Unterbrochen und fortgesetzt / Interrupted and resumed"),
            "{html}"
        );
        assert!(html.contains("abgebrochen / interrupted"), "{html}");
        assert!(html.contains("gelöscht / erased"), "{html}");
    }
    // The resumed certificate's remark, as the page shows it: both languages, local time.
    assert!(newer.contains("nach 2 von 7 Durchgängen"), "{newer}");
    assert!(newer.contains("after 2 of 7 passes"), "{newer}");
}
