//! PostgreSQL crashes under the registry: four clients stream uploads, the database server is
//! stopped with `pg_ctl -m immediate` (no checkpoint, as a power cut would leave it) and started
//! again. Every acknowledged certificate is there afterwards with the receipt the client got,
//! uploads resume without restarting the registry, and `check` finds the log whole.
//!
//! The test runs its own PostgreSQL cluster (initdb in a temp dir, a free port) so that crashing
//! it does not disturb the other tests sharing the CI's server.

#![allow(clippy::unwrap_used)] // test code: a failed unwrap is a failed test

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::{Server, client, config, enrolled_station, signed, skips_allowed, upload};
use tabula_certificate::Bundle;
use tabula_tlog::Receipt;

/// A private PostgreSQL cluster, owned by the `postgres` user, stopped on drop.
struct Cluster {
    bin: PathBuf,
    dir: tempfile::TempDir,
    port: u16,
}

fn as_postgres(bin: &Path, tool: &str, args: &[&str]) -> std::process::Output {
    Command::new("runuser")
        .args(["-u", "postgres", "--"])
        .arg(bin.join(tool))
        .args(args)
        .output()
        .unwrap()
}

impl Cluster {
    fn start() -> Option<Self> {
        let bin = std::fs::read_dir("/usr/lib/postgresql")
            .ok()?
            .filter_map(|e| e.ok().map(|e| e.path().join("bin")))
            .find(|p| p.join("initdb").exists())?;
        let dir = tempfile::tempdir().unwrap();
        let chown = Command::new("chown")
            .args(["-R", "postgres:postgres"])
            .arg(dir.path())
            .status()
            .ok()?;
        if !chown.success() {
            return None;
        }
        let data = dir.path().join("data");
        let out = as_postgres(
            &bin,
            "initdb",
            &[
                "-D",
                data.to_str()?,
                "-A",
                "trust",
                "-U",
                "tabula",
                "--no-sync",
            ],
        );
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let cluster = Cluster { bin, dir, port };
        cluster.ctl(&["start"]);
        Some(cluster)
    }

    fn ctl(&self, args: &[&str]) {
        let data = self.dir.path().join("data");
        let opts = format!(
            "-p {} -k {} -c listen_addresses=127.0.0.1 -c fsync=on",
            self.port,
            self.dir.path().display()
        );
        let mut all = vec!["-D", data.to_str().unwrap(), "-o", &opts, "-w", "-t", "60"];
        all.extend_from_slice(args);
        all.push("-l");
        let log = self.dir.path().join("log");
        all.push(log.to_str().unwrap());
        let out = as_postgres(&self.bin, "pg_ctl", &all);
        assert!(
            out.status.success(),
            "pg_ctl {args:?}: {}{}",
            String::from_utf8_lossy(&out.stderr),
            std::fs::read_to_string(&log).unwrap_or_default()
        );
    }

    fn url(&self) -> String {
        format!("postgres://tabula@127.0.0.1:{}/postgres", self.port)
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let data = self.dir.path().join("data");
        let _ = as_postgres(
            &self.bin,
            "pg_ctl",
            &[
                "-D",
                data.to_str().unwrap_or_default(),
                "-m",
                "immediate",
                "-w",
                "stop",
            ],
        );
    }
}

/// How long PostgreSQL stays down between the crash and the restart.
const OUTAGE: Duration = Duration::from_millis(500);

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn postgres_crash_and_restart_during_uploads() {
    let Some(cluster) = Cluster::start() else {
        assert!(
            skips_allowed(),
            "PostgreSQL server binaries and runuser are needed (.ci/apt-packages installs them)"
        );
        eprintln!("SKIPPED: no PostgreSQL server binaries");
        return;
    };
    let server = Server::start(config(&cluster.url())).await;
    let base = server.url("");
    let (key, log_key) = enrolled_station(&base, "station-pg").await;
    let bundles: Vec<Bundle> = (0..2000).map(|i| signed(&key, "station-pg", i)).collect();
    let queue = Arc::new(Mutex::new(
        bundles.clone().into_iter().enumerate().collect::<Vec<_>>(),
    ));
    let acked: Arc<Mutex<Vec<(usize, Receipt)>>> = Arc::default();
    let refused = Arc::new(Mutex::new(0usize));
    // The longest a single upload took: an upload that waited out the outage (the pool retries
    // its connection until PostgreSQL is back) felt the crash as surely as a refused one.
    let slowest = Arc::new(Mutex::new(Duration::ZERO));

    // Clients keep going through the outage, as stations retry.
    let mut workers = Vec::new();
    for _ in 0..4 {
        let (queue, acked, refused, slowest, base) = (
            Arc::clone(&queue),
            Arc::clone(&acked),
            Arc::clone(&refused),
            Arc::clone(&slowest),
            base.clone(),
        );
        workers.push(tokio::spawn(async move {
            let deadline = Instant::now() + Duration::from_secs(120);
            loop {
                let Some((i, b)) = queue.lock().unwrap().pop() else {
                    return;
                };
                assert!(Instant::now() < deadline, "uploads did not resume");
                let started = Instant::now();
                let resp = upload(&base, &b).await;
                {
                    let mut slowest = slowest.lock().unwrap();
                    *slowest = (*slowest).max(started.elapsed());
                }
                if resp.status() == 201 || resp.status() == 200 {
                    let receipt: Receipt = resp.json().await.unwrap();
                    acked.lock().unwrap().push((i, receipt));
                } else {
                    *refused.lock().unwrap() += 1;
                    queue.lock().unwrap().insert(0, (i, b));
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
            }
        }));
    }
    let deadline = Instant::now() + Duration::from_secs(60);
    while acked.lock().unwrap().len() < 50 {
        assert!(Instant::now() < deadline, "uploads too slow");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    cluster.ctl(&["-m", "immediate", "stop"]);
    let at_crash = acked.lock().unwrap().len();
    assert!(
        at_crash < bundles.len(),
        "all uploads were done before the crash"
    );
    tokio::time::sleep(OUTAGE).await;
    cluster.ctl(&["start"]);
    for w in workers {
        w.await.unwrap();
    }
    let acked = acked.lock().unwrap().clone();
    let slowest = *slowest.lock().unwrap();
    assert!(
        *refused.lock().unwrap() > 0 || slowest >= OUTAGE,
        "the crash must land while uploads are running (none refused, slowest {slowest:?})"
    );
    assert_eq!(
        acked.len(),
        bundles.len(),
        "every upload went through in the end"
    );
    eprintln!(
        "figures: {} uploads, {at_crash} acknowledged before the crash, {} refused during the \
         outage and retried, the slowest took {slowest:?}",
        bundles.len(),
        refused.lock().unwrap(),
    );

    // Every acknowledged receipt is the one stored, and verifies against today's log.
    let store = server.registry.store();
    for (i, receipt) in &acked {
        let id = bundles[*i].certificate().unwrap().id.to_string();
        let row = store
            .certificate(&id)
            .await
            .unwrap()
            .expect("acknowledged certificate lost");
        let stored: Receipt = serde_json::from_str(&row.receipt).unwrap();
        assert_eq!(&stored, receipt);
        receipt
            .verify(&bundles[*i].envelope.leaf_bytes().unwrap(), &log_key)
            .unwrap();
    }
    let report = tabula_registry::check::check(store, &log_key, &[])
        .await
        .unwrap();
    assert!(report.is_clean(), "{:?}", report.findings);
    assert_eq!(report.certificates, bundles.len() as u64);
    assert_eq!(
        client()
            .get(server.url("/healthz"))
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    server.stop().await;
}
