//! The tamper suite: someone with write access to the database changes a payload, a summary
//! column, deletes a row, removes the last leaf (and lets the next upload reuse its index),
//! changes a log node, or rewrites the whole log with a stolen key. `check` must name each of
//! these (the full rewrite only against a checkpoint kept from before), and the API must show
//! the signed payload, not an edited column. On SQLite and PostgreSQL.

#![allow(clippy::unwrap_used)] // test code: a failed unwrap is a failed test

mod common;

use std::sync::Arc;

use common::{
    ADMIN, Db, Server, TestDb, client, config, enrolled_station, get_json, get_text, signed,
    test_db, upload_ok,
};
use tabula_certificate::{Bundle, StationKey};
use tabula_registry::check::{Report, check};
use tabula_registry::{LogKeySource, Store};
use tabula_tlog::NoteVerifier;

const STATION: &str = "station-t";

struct Fixture {
    db: TestDb,
    server: Server,
    log_key: NoteVerifier,
    key: StationKey,
    bundles: Vec<Bundle>,
    /// The checkpoint after the uploads, as an auditor or witness would have kept it.
    trusted: String,
}

async fn fixture(db: Db) -> Option<Fixture> {
    let db = test_db(db).await?;
    let server = Server::start(config(&db.url)).await;
    let (key, log_key) = enrolled_station(&server.url(""), STATION).await;
    let mut bundles = Vec::new();
    for n in 0..5 {
        let b = signed(&key, STATION, n);
        upload_ok(&server.url(""), &b, &log_key).await;
        bundles.push(b);
    }
    let trusted = checkpoint(&server).await;
    Some(Fixture {
        db,
        server,
        log_key,
        key,
        bundles,
        trusted,
    })
}

async fn checkpoint(server: &Server) -> String {
    get_text(server.url("/api/v1/log/checkpoint")).await
}

async fn sql(url: &str, statements: &[&str]) {
    let pool = sqlx::AnyPool::connect(url).await.unwrap();
    for s in statements {
        sqlx::query(s).execute(&pool).await.unwrap();
    }
    pool.close().await;
}

async fn run_check(f: &Fixture, trusted: bool) -> Report {
    let trusted = if trusted {
        vec![f.trusted.clone()]
    } else {
        Vec::new()
    };
    check(f.server.registry.store(), &f.log_key, &trusted)
        .await
        .unwrap()
}

fn has(report: &Report, subject: &str, problem: &str) -> bool {
    report
        .findings
        .iter()
        .any(|f| f.subject.contains(subject) && f.problem.contains(problem))
}

fn id(f: &Fixture, n: usize) -> String {
    f.bundles[n].certificate().unwrap().id.to_string()
}

async fn suite(db: Db) {
    // Untouched: clean, also against the kept checkpoint.
    let Some(f) = fixture(db).await else { return };
    let clean = run_check(&f, true).await;
    assert!(clean.is_clean(), "{:?}", clean.findings);
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_tabula-registry"))
        .args([
            "check",
            "--database",
            &f.db.url,
            "--log-vkey",
            &f.log_key.to_vkey(),
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!((clean.certificates, clean.log_size), (5, 5));

    // An edited summary column: found, and the API shows the signed payload's value.
    let victim = id(&f, 1);
    let signed_result = f.bundles[1]
        .certificate()
        .unwrap()
        .result
        .as_str()
        .to_owned();
    sql(
        &f.db.url,
        &[&format!(
            "UPDATE certificates SET result = 'forged', machine_serial = 'X' WHERE id = '{victim}'"
        )],
    )
    .await;
    let r = run_check(&f, false).await;
    assert!(has(&r, &victim, "result"), "{:?}", r.findings);
    assert!(has(&r, &victim, "machine_serial"), "{:?}", r.findings);
    let shown = get_json(
        &client(),
        f.server.url(&format!("/api/v1/certificates/{victim}")),
        Some(ADMIN),
    )
    .await;
    assert_eq!(
        shown["certificate"]["result"],
        signed_result.as_str(),
        "{shown}"
    );
    // The operator's command: exit 1, the row named on stdout.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_tabula-registry"))
        .args([
            "check",
            "--database",
            &f.db.url,
            "--log-vkey",
            &f.log_key.to_vkey(),
        ])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains(&victim) && stdout.contains("result"),
        "{stdout}"
    );

    // A changed log node.
    sql(
        &f.db.url,
        &[&format!(
            "UPDATE log_nodes SET hash = (SELECT hash FROM log_nodes WHERE node_key = 1) \
             WHERE node_key = {}",
            1i64 << 56
        )],
    )
    .await;
    let r = run_check(&f, false).await;
    assert!(has(&r, "node 1/0", "differs"), "{:?}", r.findings);
    f.server.stop().await;

    // A changed payload: the stored bundle of another certificate.
    let f = fixture(db).await.unwrap();
    let target = id(&f, 2);
    let mut other = f.bundles[3].clone();
    other.receipt = None;
    let json = other.to_json_string().unwrap().replace('\'', "''");
    sql(
        &f.db.url,
        &[&format!(
            "UPDATE certificates SET bundle = '{json}' WHERE id = '{target}'"
        )],
    )
    .await;
    let r = run_check(&f, false).await;
    assert!(has(&r, &target, "leaf_hash column"), "{:?}", r.findings);
    assert!(has(&r, "leaf 2", "not the hash"), "{:?}", r.findings);
    f.server.stop().await;

    // A deleted row.
    let f = fixture(db).await.unwrap();
    let gone = id(&f, 2);
    sql(
        &f.db.url,
        &[
            &format!("DELETE FROM drives WHERE certificate_id = '{gone}'"),
            &format!("DELETE FROM certificates WHERE id = '{gone}'"),
        ],
    )
    .await;
    let r = run_check(&f, false).await;
    assert!(has(&r, "leaf 2", "no certificate"), "{:?}", r.findings);
    assert!(
        has(&r, "log head", "5 leaves but there are 4"),
        "{:?}",
        r.findings
    );
    f.server.stop().await;

    // The last leaf removed cleanly, then its index reused by the next upload: invisible to
    // the database alone, caught by the kept checkpoint.
    let f = fixture(db).await.unwrap();
    let last = id(&f, 4);
    sql(
        &f.db.url,
        &[
            &format!("DELETE FROM drives WHERE certificate_id = '{last}'"),
            &format!("DELETE FROM certificates WHERE id = '{last}'"),
            &format!("DELETE FROM log_nodes WHERE node_key = {}", 4i64),
            "UPDATE log_head SET size = 4 WHERE id = 1",
        ],
    )
    .await;
    let r = run_check(&f, true).await;
    assert!(
        has(&r, "trusted checkpoint", "only 4 leaves"),
        "{:?}",
        r.findings
    );
    // A fresh server instance (the running one caches node hashes, as every instance may).
    f.server.stop().await;
    let server = Server::start(config(&f.db.url)).await;
    upload_ok(&server.url(""), &signed(&f.key, STATION, 9), &f.log_key).await;
    let r = check(server.registry.store(), &f.log_key, &[])
        .await
        .unwrap();
    assert!(
        r.is_clean(),
        "a clean fork looks clean alone: {:?}",
        r.findings
    );
    let r = check(
        server.registry.store(),
        &f.log_key,
        std::slice::from_ref(&f.trusted),
    )
    .await
    .unwrap();
    assert!(
        has(&r, "trusted checkpoint", "another root"),
        "{:?}",
        r.findings
    );
    server.stop().await;

    // A full rewrite with the stolen key: a new database, the same log key, every certificate
    // but one re-uploaded and another put in its place. Consistent in itself; the kept
    // checkpoint disagrees.
    let f = fixture(db).await.unwrap();
    let stolen = test_db(db).await.unwrap();
    let mut c = config(&stolen.url);
    if db == Db::Sqlite {
        let file = f.db.url.strip_prefix("sqlite://").unwrap();
        let key = std::path::Path::new(file).parent().unwrap().join("log.key");
        c.log_key = LogKeySource::Signer(Arc::new(
            tabula_registry::log_key::read_key_file(&key).unwrap(),
        ));
    }
    let rewrite = Server::start(c).await;
    let (key2, log_key2) = enrolled_station(&rewrite.url(""), STATION).await;
    assert_eq!(log_key2, f.log_key, "the rewrite signs with the stolen key");
    for n in [0usize, 1, 3, 4, 7] {
        upload_ok(&rewrite.url(""), &signed(&key2, STATION, n), &log_key2).await;
    }
    let store: &Store = rewrite.registry.store();
    assert!(check(store, &f.log_key, &[]).await.unwrap().is_clean());
    let r = check(store, &f.log_key, std::slice::from_ref(&f.trusted))
        .await
        .unwrap();
    assert!(
        has(&r, "trusted checkpoint", "another root"),
        "{:?}",
        r.findings
    );
    rewrite.stop().await;
    f.server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tampering_is_found_sqlite() {
    suite(Db::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tampering_is_found_postgres() {
    suite(Db::Postgres).await;
}
