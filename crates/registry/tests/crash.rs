//! Crash safety, per backend: SIGKILL the real `tabula-registry` binary while four clients
//! stream uploads; restart it on the same database; every acknowledged certificate is there
//! with the receipt the client got, every receipt is consistent with the new tree head, the
//! log has no gaps or orphan leaves (log size = certificate count, every index maps to a
//! certificate), and uploads go on (unacknowledged ones are accepted or recognised).

#![allow(clippy::unwrap_used)] // test code: a failed unwrap is a failed test

mod common;

use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::{
    ADMIN, Db, client, enrolled_station, get_text, signed, test_db, test_log_signer, upload,
};
use serde_json::Value;
use tabula_certificate::Bundle;
use tabula_registry::Store;
use tabula_tlog::{Checkpoint, Hash, Receipt};

struct Proc {
    child: Child,
    base: String,
}

impl Drop for Proc {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Start the server binary; `key` is the log key file (PostgreSQL needs one; SQLite uses its
/// default beside the database).
async fn spawn(url: &str, key: &std::path::Path) -> Proc {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let child = Command::new(env!("CARGO_BIN_EXE_tabula-registry"))
        .args([
            "serve",
            "--listen",
            &format!("127.0.0.1:{port}"),
            "--database",
            url,
        ])
        .args(
            url.starts_with("postgres")
                .then(|| ["--log-key".as_ref(), key.as_os_str()])
                .into_iter()
                .flatten(),
        )
        .env("TABULA_ADMIN_TOKEN", ADMIN)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let base = format!("http://127.0.0.1:{port}");
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if let Ok(r) = client().get(format!("{base}/healthz")).send().await
            && r.status().is_success()
        {
            break;
        }
        assert!(Instant::now() < deadline, "registry did not come up");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    Proc { child, base }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sigkill_during_uploads_sqlite() {
    crash_story(Db::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sigkill_during_uploads_postgres() {
    crash_story(Db::Postgres).await;
}

async fn crash_story(db: Db) {
    let Some(tdb) = test_db(db).await else { return };
    let key_dir = tempfile::tempdir().unwrap();
    let key_file = key_dir.path().join("log.key");
    tabula_registry::log_key::write_key_file(&key_file, &test_log_signer()).unwrap();
    let mut server = spawn(&tdb.url, &key_file).await;
    let (key, log_key) = enrolled_station(&server.base, "station-crash").await;
    let bundles: Vec<Bundle> = (0..600).map(|i| signed(&key, "station-crash", i)).collect();
    let queue = Arc::new(Mutex::new(
        bundles.clone().into_iter().enumerate().collect::<Vec<_>>(),
    ));
    let acked: Arc<Mutex<Vec<(usize, Receipt)>>> = Arc::default();

    let mut workers = Vec::new();
    for _ in 0..4 {
        let (queue, acked, base) = (Arc::clone(&queue), Arc::clone(&acked), server.base.clone());
        workers.push(tokio::spawn(async move {
            loop {
                let Some((i, b)) = queue.lock().unwrap().pop() else {
                    return;
                };
                let Ok(resp) = client()
                    .post(format!("{base}/api/v1/certificates"))
                    .body(b.to_json().unwrap())
                    .send()
                    .await
                else {
                    return; // the server is gone
                };
                if resp.status() != 201 {
                    return;
                }
                let Ok(receipt) = resp.json::<Receipt>().await else {
                    return;
                };
                acked.lock().unwrap().push((i, receipt));
            }
        }));
    }
    // Let a good number of uploads through, then kill -9 in the middle of the stream.
    let deadline = Instant::now() + Duration::from_secs(60);
    while acked.lock().unwrap().len() < 60 {
        assert!(Instant::now() < deadline, "uploads too slow");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    server.child.kill().unwrap();
    server.child.wait().unwrap();
    for w in workers {
        w.await.unwrap();
    }
    let acked = acked.lock().unwrap().clone();
    let left = queue.lock().unwrap().len();
    assert!(
        left > 0,
        "the kill must land while uploads are still queued"
    );

    eprintln!(
        "figures: {} acknowledged before kill -9, {left} still queued",
        acked.len()
    );

    // Restart on the same database.
    drop(server);
    let server = spawn(&tdb.url, &key_file).await;
    let c = client();
    let note = get_text(format!("{}/api/v1/log/checkpoint", server.base)).await;
    let head = Checkpoint::verify(&note, &log_key).unwrap();
    assert!(
        head.size >= acked.len() as u64,
        "{} < {}",
        head.size,
        acked.len()
    );
    for (i, receipt) in &acked {
        let id = bundles[*i].certificate().unwrap().id;
        let bytes = c
            .get(format!("{}/api/v1/certificates/{id}/bundle", server.base))
            .bearer_auth(ADMIN)
            .send()
            .await
            .unwrap();
        assert_eq!(bytes.status(), 200, "acknowledged certificate {id} lost");
        let stored = Bundle::from_slice(&bytes.bytes().await.unwrap()).unwrap();
        let stored_receipt: Receipt = serde_json::from_value(stored.receipt.unwrap()).unwrap();
        assert_eq!(&stored_receipt, receipt);
        let old = receipt
            .verify(&bundles[*i].envelope.leaf_bytes().unwrap(), &log_key)
            .unwrap();
        let proof: Value = c
            .get(format!(
                "{}/api/v1/log/proof/consistency?first={}&second={}",
                server.base, old.size, head.size
            ))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let proof: Vec<Hash> = serde_json::from_value(proof["proof"].clone()).unwrap();
        receipt.verify_consistent_with(&old, &head, &proof).unwrap();
    }

    // No gaps, no orphan leaves.
    let store = Store::open(&tdb.url, 1).await.unwrap();
    let counts = store.counts().await.unwrap();
    assert_eq!(counts.log_size, counts.certificates);
    for index in 0..head.size {
        assert!(
            store.certificate_id_at(index).await.unwrap().is_some(),
            "leaf {index} has no certificate"
        );
    }
    let report = tabula_registry::check::check(&store, &log_key, std::slice::from_ref(&note))
        .await
        .unwrap();
    assert!(report.is_clean(), "{:?}", report.findings);
    store.close().await;

    // Uploads go on: the unacknowledged rest is accepted (201) or was committed just before the
    // kill (200, replay); either way with a receipt that verifies.
    let acked_ids: Vec<usize> = acked.iter().map(|(i, _)| *i).collect();
    for (i, b) in bundles
        .iter()
        .enumerate()
        .filter(|(i, _)| !acked_ids.contains(i))
        .take(20)
    {
        let resp = upload(&server.base, b).await;
        assert!(
            resp.status() == 201 || resp.status() == 200,
            "bundle {i}: {}",
            resp.status()
        );
        let r: Receipt = resp.json().await.unwrap();
        r.verify(&b.envelope.leaf_bytes().unwrap(), &log_key)
            .unwrap();
    }
}
