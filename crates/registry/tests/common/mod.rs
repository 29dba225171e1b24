//! Shared test helpers: a database per backend, a server on port 0, enrolled stations and
//! signed sample certificates.
//!
//! PostgreSQL: tests use `TABULA_TEST_POSTGRES` (default
//! `postgres://tabula:tabula@127.0.0.1:5432/tabula_test`, which `.ci/services` creates). Each
//! test gets its own schema. When the server is unreachable the PostgreSQL tests fail if
//! `CI=true` and are reported as skipped (with a message) otherwise.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)] // test code: a failed unwrap is a failed test

use std::net::SocketAddr;
use std::time::Duration;

use serde_json::Value;
use tabula_certificate::{Bundle, Certificate, StationKey, audit_digest, sample};
use tabula_registry::auth::Secret;
use tabula_registry::{Config, DEFAULT_ORIGIN, LogKeySource, Registry};
use tabula_tlog::{NoteSigner, NoteVerifier, Receipt};
use tokio::sync::oneshot;

pub const ADMIN: &str = "test-admin-token-0123456789abcdefghij";
pub const DEFAULT_PG: &str = "postgres://tabula:tabula@127.0.0.1:5432/tabula_test";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Db {
    Sqlite,
    Postgres,
}

/// A fresh, empty database; keeps its temp dir alive.
pub struct TestDb {
    pub url: String,
    _dir: Option<tempfile::TempDir>,
}

fn pg_base() -> String {
    std::env::var("TABULA_TEST_POSTGRES").unwrap_or_else(|_| DEFAULT_PG.to_owned())
}

/// A fresh database, or `None` when PostgreSQL is unavailable outside CI.
/// Tests whose server or browser is missing fail, unless `TABULA_ALLOW_SKIP=1` says a skip is
/// fine (a workstation without PostgreSQL or Chromium). `make test` and CI never set it.
pub fn skips_allowed() -> bool {
    std::env::var("TABULA_ALLOW_SKIP").is_ok_and(|v| v == "1")
}

pub async fn test_db(db: Db) -> Option<TestDb> {
    match db {
        Db::Sqlite => {
            let dir = tempfile::tempdir().unwrap();
            let url = format!("sqlite://{}", dir.path().join("registry.db").display());
            Some(TestDb {
                url,
                _dir: Some(dir),
            })
        }
        Db::Postgres => {
            use sqlx::Connection as _;
            let base = pg_base();
            let mut conn = match sqlx::PgConnection::connect(&base).await {
                Ok(c) => c,
                Err(e) => {
                    if !skips_allowed() {
                        panic!(
                            "PostgreSQL at {base} is required (.ci/services starts it): {e}; \
                             TABULA_ALLOW_SKIP=1 skips the PostgreSQL tests on a workstation"
                        );
                    }
                    eprintln!(
                        "SKIPPED: PostgreSQL at {base} unreachable ({e}); set TABULA_TEST_POSTGRES"
                    );
                    return None;
                }
            };
            let mut bytes = [0u8; 6];
            getrandom::fill(&mut bytes).unwrap();
            let schema = format!("t_{}", hex::encode(bytes));
            sqlx::query(&format!("CREATE SCHEMA {schema}"))
                .execute(&mut conn)
                .await
                .unwrap();
            let sep = if base.contains('?') { '&' } else { '?' };
            let url = format!("{base}{sep}options=-c%20search_path%3D{schema}");
            Some(TestDb { url, _dir: None })
        }
    }
}

/// The log key the PostgreSQL tests sign with (the same on every restart of a test's registry).
/// SQLite tests use the real default instead: `log.key` beside the database, made on first start.
pub fn test_log_signer() -> NoteSigner {
    NoteSigner::from_seed(DEFAULT_ORIGIN, &[0x5a; 32]).unwrap()
}

pub fn config(url: &str) -> Config {
    let mut c = Config::new(url);
    if url.starts_with("postgres") {
        c.log_key = LogKeySource::Signer(std::sync::Arc::new(test_log_signer()));
    }
    c.admin_token = Some(Secret::new(ADMIN));
    c.max_body_bytes = 256 * 1024;
    c.public_url = Some("https://registry.example/".into());
    c
}

/// A running server on 127.0.0.1:0.
pub struct Server {
    pub addr: SocketAddr,
    pub registry: Registry,
    stop: Option<oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<()>>,
}

impl Server {
    pub async fn start(config: Config) -> Server {
        let registry = Registry::open(config).await.unwrap();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let (stop, rx) = oneshot::channel();
        let r = registry.clone();
        let task = tokio::spawn(async move {
            r.serve(listener, async {
                let _ = rx.await;
            })
            .await
            .unwrap();
        });
        Server {
            addr,
            registry,
            stop: Some(stop),
            task: Some(task),
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    pub async fn stop(mut self) {
        if let Some(s) = self.stop.take() {
            let _ = s.send(());
        }
        if let Some(t) = self.task.take() {
            let _ = tokio::time::timeout(Duration::from_secs(10), t).await;
        }
    }
}

pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap()
}

/// Create a station over the admin API and enrol a fresh key. Returns the key and the log's
/// verifier key from the enrolment answer.
pub async fn enrolled_station(base: &str, name: &str) -> (StationKey, NoteVerifier) {
    let c = client();
    let r: Value = c
        .post(format!("{base}/api/v1/stations"))
        .bearer_auth(ADMIN)
        .json(&serde_json::json!({"name": name}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = r["enrolment_token"].as_str().unwrap().to_owned();
    let key = StationKey::generate().unwrap();
    let resp = c
        .post(format!("{base}/api/v1/stations/enroll"))
        .json(&serde_json::json!({"token": token, "public_key": key.public().to_pem().unwrap()}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 201);
    let v: Value = resp.json().await.unwrap();
    let log_key = NoteVerifier::from_vkey(v["log_public_key"].as_str().unwrap()).unwrap();
    (key, log_key)
}

/// A signed sample certificate (one drive erased with errors) with its own machine and drive
/// serials.
pub fn signed(key: &StationKey, station: &str, n: usize) -> Bundle {
    signed_from(sample::certificate(key), key, station, n)
}

/// As [`signed`], from a given sample certificate (e.g. `sample::interrupted_certificate`).
pub fn signed_from(mut cert: Certificate, key: &StationKey, station: &str, n: usize) -> Bundle {
    // What the certificate calls its station differs from the enrolled name on purpose: the
    // registry files it under the name of the key that signed it.
    cert.station.id = format!("self-declared {station}");
    cert.machine.serial = format!("PF-{station}-{n:04}");
    cert.drives[0].serial = format!("S3YJ-{station}-{n:04}");
    cert.drives[1].serial = format!("WD-{station}-{n:04}");
    let audit = sample::audit();
    cert.machine.audit_digest = audit_digest(&audit).unwrap();
    Bundle::sign(&cert, audit, key).unwrap()
}

/// The interrupted certificate (stopped after pass 3 of 7) and the one that resumed it (passes
/// 4/7 .. 7/7), both of `station`.
pub fn chain_pair(key: &StationKey, station: &str) -> (Bundle, Bundle) {
    let interrupted = signed_from(sample::interrupted_certificate(key), key, station, 101);
    let first = interrupted.certificate().unwrap();
    let mut cert: Certificate = sample::erased_certificate(key);
    cert.continues = Some(first.id);
    cert.drives[1].passes.drain(..3);
    let resumed = signed_from(cert, key, station, 102);
    (interrupted, resumed)
}

pub async fn upload(base: &str, bundle: &Bundle) -> reqwest::Response {
    client()
        .post(format!("{base}/api/v1/certificates"))
        .header("content-type", "application/json")
        .body(bundle.to_json().unwrap())
        .send()
        .await
        .unwrap()
}

/// Upload and check the receipt verifies for this bundle's envelope.
pub async fn upload_ok(base: &str, bundle: &Bundle, log_key: &NoteVerifier) -> Receipt {
    let resp = upload(base, bundle).await;
    let status = resp.status();
    let body = resp.text().await.unwrap();
    assert_eq!(status, 201, "{body}");
    let receipt: Receipt = serde_json::from_str(&body).unwrap();
    receipt
        .verify(&bundle.envelope.leaf_bytes().unwrap(), log_key)
        .unwrap();
    receipt
}

/// The JSON error code of a failed response.
pub async fn error_code(resp: reqwest::Response) -> (u16, String) {
    let status = resp.status().as_u16();
    let v: Value = resp.json().await.unwrap();
    (status, v["error"].as_str().unwrap_or_default().to_owned())
}

/// GET `url` and return the body as text (checkpoints, keys, pages).
pub async fn get_text(url: impl reqwest::IntoUrl) -> String {
    client()
        .get(url)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
}

/// GET `url` (with a bearer token if given) and parse the JSON answer.
pub async fn get_json(c: &reqwest::Client, url: String, token: Option<&str>) -> serde_json::Value {
    let mut req = c.get(url);
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    req.send().await.unwrap().json().await.unwrap()
}
