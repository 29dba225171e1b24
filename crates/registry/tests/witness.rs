//! Witnesses (C2SP tlog-witness and tlog-cosignature):
//!
//! - `add_checkpoint_statuses`: a witness on port 0 answers 200 with a cosignature that
//!   verifies, 409 (`text/x.tlog.size`, the size it holds) for a wrong old size or a fork at the
//!   same size, 422 for a bad proof, 403 for a bad log signature, 404 for an unknown origin, 400
//!   for malformed bodies and an old size beyond the checkpoint; its state survives a restart.
//! - `concurrent_requests_cannot_roll_back`: of many requests from the same old size exactly one
//!   is cosigned, and the state keeps that one.
//! - `registry_collects_cosignatures_*` (per backend): a registry with a witness and a witness
//!   that is down: uploads succeed, the cosigned checkpoint appears, verifies with the log and
//!   witness keys, and follows the log as it grows.

#![allow(clippy::unwrap_used)] // test code: a failed unwrap is a failed test

mod common;

use std::path::Path;
use std::time::Duration;

use common::{Db, Server, client, config, enrolled_station, signed, test_db, upload_ok};
use tabula_registry::cosign::WitnessEndpoint;
use tabula_registry::witness::Witness;
use tabula_tlog::{
    Checkpoint, CosignatureSigner, CosignatureVerifier, MemoryTree, NoteSigner, tree,
};
use tokio::sync::oneshot;

const ORIGIN: &str = "registry.example/log";

/// A witness serving on 127.0.0.1:0 until dropped.
struct RunningWitness {
    url: String,
    stop: Option<oneshot::Sender<()>>,
    task: tokio::task::JoinHandle<()>,
}

impl RunningWitness {
    async fn start(signer: CosignatureSigner, log: &NoteSigner, state: &Path) -> Self {
        let witness = Witness::open(signer, vec![log.verifier()], state).unwrap();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let (stop, rx) = oneshot::channel();
        let task = tokio::spawn(async move {
            witness
                .serve(listener, async {
                    let _ = rx.await;
                })
                .await
                .unwrap();
        });
        Self {
            url,
            stop: Some(stop),
            task,
        }
    }

    async fn stop(mut self) {
        if let Some(s) = self.stop.take() {
            let _ = s.send(());
        }
        let _ = tokio::time::timeout(Duration::from_secs(10), self.task).await;
    }

    /// POST a body; status, content type and text of the answer.
    async fn add(&self, body: String) -> (u16, String, String) {
        let resp = client()
            .post(format!("{}/add-checkpoint", self.url))
            .body(body)
            .send()
            .await
            .unwrap();
        let status = resp.status().as_u16();
        let ct = resp
            .headers()
            .get("content-type")
            .map(|v| v.to_str().unwrap().to_owned())
            .unwrap_or_default();
        (status, ct, resp.text().await.unwrap())
    }
}

/// A log of `n` leaves and its signed checkpoint.
fn log_of(n: u64, salt: &str, signer: &NoteSigner) -> (MemoryTree, String) {
    let mut t = MemoryTree::new();
    for i in 0..n {
        t.append(format!("{salt}{i}").as_bytes());
    }
    let note = Checkpoint::new(ORIGIN, n, t.root()).sign(signer).unwrap();
    (t, note)
}

fn body(old: u64, proof: &[tabula_tlog::Hash], note: &str) -> String {
    let mut s = format!("old {old}\n");
    for h in proof {
        s.push_str(&format!("{}\n", h.to_base64()));
    }
    format!("{s}\n{note}")
}

fn consistency(t: &MemoryTree, first: u64, second: u64) -> Vec<tabula_tlog::Hash> {
    tree::consistency_proof(first, second, t).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn add_checkpoint_statuses() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("witness-state.json");
    let log = NoteSigner::from_seed(ORIGIN, &[1; 32]).unwrap();
    let wkey = CosignatureSigner::from_seed("witness.example/w1", &[2; 32]).unwrap();
    let w = RunningWitness::start(wkey.clone(), &log, &state).await;

    let (t5, note5) = log_of(5, "leaf", &log);
    let (_, note3) = log_of(3, "leaf", &log);

    // First checkpoint: old 0, no proof.
    let (status, _, text) = w.add(body(0, &[], &note3)).await;
    assert_eq!(status, 200, "{text}");
    assert!(text.starts_with("\u{2014} witness.example/w1 "), "{text}");
    wkey.verifier().verify(&format!("{note3}{text}")).unwrap();
    // A tampered cosignature (another checkpoint) does not verify.
    assert!(wkey.verifier().verify(&format!("{note5}{text}")).is_err());

    // Wrong old size: 409 with the size the witness holds.
    let (status, ct, text) = w.add(body(0, &[], &note5)).await;
    assert_eq!(
        (status, ct.as_str(), text.as_str()),
        (409, "text/x.tlog.size", "3\n")
    );

    // A proof that does not connect 3 to 5: 422.
    let (other, _) = log_of(5, "other", &log);
    let (status, _, text) = w.add(body(3, &consistency(&other, 3, 5), &note5)).await;
    assert_eq!(status, 422, "{text}");

    // Signed by another key with the log's name: 403. Unknown origin: 404.
    let impostor = NoteSigner::from_seed(ORIGIN, &[9; 32]).unwrap();
    let (_, forged) = log_of(5, "leaf", &impostor);
    let (status, _, _) = w.add(body(3, &consistency(&t5, 3, 5), &forged)).await;
    assert_eq!(status, 403);
    let stranger = NoteSigner::from_seed("other.example/log", &[3; 32]).unwrap();
    let note = Checkpoint::new("other.example/log", 5, t5.root())
        .sign(&stranger)
        .unwrap();
    let (status, _, _) = w.add(body(0, &[], &note)).await;
    assert_eq!(status, 404);

    // Malformed bodies and an old size beyond the checkpoint: 400.
    for bad in [
        "old 3\n".to_owned(),
        format!("old x\n\n{note5}"),
        format!("old 3\nnot-a-hash\n\n{note5}"),
        body(3, &[], "no note here\n"),
        body(7, &[], &note5),
    ] {
        let (status, _, text) = w.add(bad.clone()).await;
        assert_eq!(status, 400, "{bad:?}: {text}");
    }

    // The right proof: 200, and the witness now holds 5.
    let (status, _, text) = w.add(body(3, &consistency(&t5, 3, 5), &note5)).await;
    assert_eq!(status, 200, "{text}");
    assert!(wkey.verifier().verify(&format!("{note5}{text}")).is_ok());
    // Same size, another root: a fork, 409.
    let (_, fork5) = log_of(5, "fork", &log);
    let (status, ct, text) = w.add(body(5, &[], &fork5)).await;
    assert_eq!(
        (status, ct.as_str(), text.as_str()),
        (409, "text/x.tlog.size", "5\n")
    );
    w.stop().await;

    // Restarted on the same state file: it still holds 5 and refuses to go back to 3.
    let w = RunningWitness::start(wkey.clone(), &log, &state).await;
    let (status, _, text) = w.add(body(0, &[], &note3)).await;
    assert_eq!((status, text.as_str()), (409, "5\n"));
    let (status, _, _) = w.add(body(5, &[], &note3)).await;
    assert_eq!(status, 400, "old 5 is beyond a checkpoint of 3");
    let (status, _, text) = w.add(body(5, &[], &note5)).await;
    assert_eq!(status, 200, "re-cosigning the same checkpoint: {text}");
    w.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_requests_cannot_roll_back() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state.json");
    let log = NoteSigner::from_seed(ORIGIN, &[1; 32]).unwrap();
    let wkey = CosignatureSigner::from_seed("witness.example/w1", &[2; 32]).unwrap();
    let w = RunningWitness::start(wkey, &log, &state).await;
    let (_, note2) = log_of(2, "leaf", &log);
    assert_eq!(w.add(body(0, &[], &note2)).await.0, 200);
    let (big, _) = log_of(12, "leaf", &log);
    let requests = (3..=12u64).map(|n| {
        let note = Checkpoint::new(ORIGIN, n, tree::root(n, &big).unwrap())
            .sign(&log)
            .unwrap();
        let b = body(2, &consistency(&big, 2, n), &note);
        let w = &w;
        async move { (n, w.add(b).await) }
    });
    let answers = futures::future::join_all(requests).await;
    let won: Vec<u64> = answers
        .iter()
        .filter(|(_, (s, _, _))| *s == 200)
        .map(|(n, _)| *n)
        .collect();
    assert_eq!(won.len(), 1, "{answers:?}");
    for (_, (status, _, text)) in &answers {
        assert!(
            *status == 200 || (*status == 409 && text.trim() == won[0].to_string()),
            "{answers:?}"
        );
    }
    // The state holds the winner, on disk too.
    let (s, _, text) = w.add(body(0, &[], &note2)).await;
    assert_eq!((s, text), (409, format!("{}\n", won[0])));
    w.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn registry_collects_cosignatures_sqlite() {
    registry_collects(Db::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn registry_collects_cosignatures_postgres() {
    registry_collects(Db::Postgres).await;
}

/// Poll the cosigned checkpoint until it covers `size` leaves; return the note.
async fn cosigned_at(base: &str, size: u64) -> String {
    let c = client();
    for _ in 0..200 {
        let resp = c
            .get(format!("{base}/api/v1/log/checkpoint/cosigned"))
            .send()
            .await
            .unwrap();
        if resp.status() == 200 {
            let note = resp.text().await.unwrap();
            let body = tabula_tlog::note::parse(&note).unwrap().text.to_owned();
            if Checkpoint::parse_body(&body).unwrap().size == size {
                return note;
            }
        } else {
            assert_eq!(resp.status(), 404);
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("no cosigned checkpoint of size {size}");
}

async fn registry_collects(db: Db) {
    let Some(tdb) = test_db(db).await else { return };
    let dir = tempfile::tempdir().unwrap();
    // The registry's log key exists only once it is opened: open it once to learn it.
    let log_vkey = {
        let r = tabula_registry::Registry::open(config(&tdb.url))
            .await
            .unwrap();
        let k = r.log_key();
        r.store().close().await;
        k
    };
    let log_key = tabula_tlog::NoteVerifier::from_vkey(&log_vkey).unwrap();
    let wkey = CosignatureSigner::generate("witness.city.example/w1").unwrap();
    let witness = Witness::open(
        wkey.clone(),
        vec![log_key.clone()],
        &dir.path().join("s.json"),
    )
    .unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let wurl = format!("http://{}", listener.local_addr().unwrap());
    let wtask = tokio::spawn(async move {
        witness
            .serve(listener, std::future::pending())
            .await
            .unwrap();
    });
    // A second witness that is down (nothing listens on its port).
    let down = CosignatureSigner::generate("witness.down.example").unwrap();
    let dead = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let dead_url = format!("http://{}", dead.local_addr().unwrap());
    drop(dead);

    let mut cfg = config(&tdb.url);
    cfg.cosigning.witnesses = vec![
        WitnessEndpoint::parse(&format!("{wurl}={}", wkey.verifier().to_vkey())).unwrap(),
        WitnessEndpoint::parse(&format!("{dead_url}={}", down.verifier().to_vkey())).unwrap(),
    ];
    cfg.cosigning.debounce = Duration::from_millis(20);
    cfg.cosigning.retry = Duration::from_millis(200);
    cfg.cosigning.timeout = Duration::from_secs(2);
    let server = Server::start(cfg).await;
    let base = server.url("");
    let c = client();
    let before = c
        .get(format!("{base}/api/v1/log/checkpoint/cosigned"))
        .send()
        .await
        .unwrap();
    assert_eq!(before.status(), 404);

    let (key, _) = enrolled_station(&base, "st-1").await;
    for n in 0..3 {
        upload_ok(&base, &signed(&key, "st-1", n), &log_key).await;
    }
    let note = cosigned_at(&base, 3).await;
    let cp = Checkpoint::verify(&note, &log_key).unwrap();
    assert_eq!(cp.size, 3);
    let verifier = CosignatureVerifier::from_vkey(&wkey.verifier().to_vkey()).unwrap();
    verifier.verify(&note).unwrap();
    assert!(down.verifier().verify(&note).is_err());
    // The log grows: the witness gets a consistency proof from 3 and follows.
    for n in 3..5 {
        upload_ok(&base, &signed(&key, "st-1", n), &log_key).await;
    }
    let note = cosigned_at(&base, 5).await;
    verifier.verify(&note).unwrap();
    // A cosignature edited to another size no longer verifies.
    let forged = note.replacen("\n5\n", "\n6\n", 1);
    assert!(verifier.verify(&forged).is_err());

    // `check` holds the log to what the witness cosigned: clean now, and a stored bundle swapped
    // in the database (by someone without the key) is named against the cosigned heads.
    let store = server.registry.store();
    let report = tabula_registry::check::check(store, &log_key, &[])
        .await
        .unwrap();
    assert!(report.is_clean(), "{:?}", report.findings);
    let pool = sqlx::AnyPool::connect(&tdb.url).await.unwrap();
    sqlx::query(
        "UPDATE certificates SET bundle = (SELECT bundle FROM certificates WHERE leaf_index = 1) \
         WHERE leaf_index = 0",
    )
    .execute(&pool)
    .await
    .unwrap();
    pool.close().await;
    let report = tabula_registry::check::check(store, &log_key, &[])
        .await
        .unwrap();
    assert!(
        report
            .findings
            .iter()
            .any(|f| f.subject.contains("cosigned by") && f.problem.contains("another root")),
        "{:?}",
        report.findings
    );
    server.stop().await;
    wtask.abort();
}
