//! A failing upload fails alone (issue 10), per backend. A real fault is injected in the
//! database: a trigger that refuses to insert one certificate (machine serial `POISON`), which
//! passes every check of the registry. The log head is held locked from outside while one upload
//! waits in the writer and twenty more, the poisoned one among them, queue behind it; on release
//! they form one batch. The batch's transaction fails; the writer appends its halves apart,
//! so the twenty good uploads get 201 and receipts that verify, only the poisoned one gets a
//! 500, and the log has exactly the good certificates, without gaps.

#![allow(clippy::unwrap_used)] // test code: a failed unwrap is a failed test

mod common;

use std::time::Duration;

use common::{Db, Server, config, enrolled_station, signed, test_db, upload};
use sqlx::Connection as _;
use tabula_tlog::Receipt;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_failing_upload_fails_alone_sqlite() {
    fails_alone(Db::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_failing_upload_fails_alone_postgres() {
    fails_alone(Db::Postgres).await;
}

/// A connection that installs the poison trigger and can hold the log head locked.
enum Outside {
    Sqlite(sqlx::SqliteConnection),
    Postgres(sqlx::PgConnection),
}

impl Outside {
    async fn connect(db: Db, url: &str) -> Outside {
        match db {
            Db::Sqlite => Outside::Sqlite(sqlx::SqliteConnection::connect(url).await.unwrap()),
            Db::Postgres => Outside::Postgres(sqlx::PgConnection::connect(url).await.unwrap()),
        }
    }

    async fn run(&mut self, sql: &str) {
        match self {
            Outside::Sqlite(c) => {
                sqlx::raw_sql(sql).execute(c).await.unwrap();
            }
            Outside::Postgres(c) => {
                sqlx::raw_sql(sql).execute(c).await.unwrap();
            }
        }
    }

    async fn poison(&mut self) {
        match self {
            Outside::Sqlite(_) => {
                self.run(
                    "CREATE TRIGGER poison BEFORE INSERT ON certificates \
                     WHEN NEW.machine_serial = 'POISON' \
                     BEGIN SELECT RAISE(ABORT, 'injected fault'); END;",
                )
                .await;
            }
            Outside::Postgres(_) => {
                self.run(
                    "CREATE FUNCTION poison() RETURNS trigger LANGUAGE plpgsql AS $$ \
                     BEGIN IF NEW.machine_serial = 'POISON' THEN \
                     RAISE EXCEPTION 'injected fault'; END IF; RETURN NEW; END $$; \
                     CREATE TRIGGER poison BEFORE INSERT ON certificates \
                     FOR EACH ROW EXECUTE FUNCTION poison();",
                )
                .await;
            }
        }
    }

    async fn lock_head(&mut self) {
        match self {
            Outside::Sqlite(_) => self.run("BEGIN IMMEDIATE").await,
            Outside::Postgres(_) => {
                self.run("BEGIN; SELECT size FROM log_head WHERE id = 1 FOR UPDATE")
                    .await;
            }
        }
    }

    async fn release(&mut self) {
        self.run("ROLLBACK").await;
    }
}

async fn fails_alone(db: Db) {
    let Some(tdb) = test_db(db).await else {
        return;
    };
    let server = Server::start(config(&tdb.url)).await;
    let base = server.url("");
    let (key, log_key) = enrolled_station(&base, "station-a").await;
    let (key_b, _) = enrolled_station(&base, "station-b").await;
    let mut outside = Outside::connect(db, &tdb.url).await;
    outside.poison().await;

    let good: Vec<_> = (0..21).map(|n| signed(&key, "station-a", n)).collect();
    let mut poisoned_cert = signed(&key_b, "station-b", 0).certificate().unwrap();
    poisoned_cert.machine.serial = "POISON".into();
    let audit = tabula_certificate::sample::audit();
    let poisoned = tabula_certificate::Bundle::sign(&poisoned_cert, audit, &key_b).unwrap();

    outside.lock_head().await;
    // The first upload takes the writer and waits for the lock ...
    let send = |b: tabula_certificate::Bundle| {
        let base = base.clone();
        tokio::spawn(async move {
            let resp = upload(&base, &b).await;
            (resp.status().as_u16(), resp.text().await.unwrap(), b)
        })
    };
    let mut tasks = vec![send(good[0].clone())];
    tokio::time::sleep(Duration::from_millis(500)).await;
    // ... the rest queue behind it, the poisoned upload in the middle.
    for (i, b) in good[1..].iter().enumerate() {
        if i == 10 {
            tasks.push(send(poisoned.clone()));
        }
        tasks.push(send(b.clone()));
    }
    tokio::time::sleep(Duration::from_millis(1500)).await;
    outside.release().await;

    let mut indices = Vec::new();
    let mut poison_status = None;
    for t in tasks {
        let (status, text, b) = t.await.unwrap();
        if b.certificate().unwrap().machine.serial == "POISON" {
            poison_status = Some((status, text));
            continue;
        }
        assert_eq!(status, 201, "{text}");
        let receipt: Receipt = serde_json::from_str(&text).unwrap();
        receipt
            .verify(&b.envelope.leaf_bytes().unwrap(), &log_key)
            .unwrap();
        indices.push(receipt.leaf_index);
    }
    let (status, text) = poison_status.unwrap();
    assert_eq!(status, 500, "{text}");
    indices.sort_unstable();
    assert_eq!(indices, (0..21).collect::<Vec<u64>>());
    let n = server.registry.store().counts().await.unwrap();
    assert_eq!((n.certificates, n.log_size), (21, 21));
    let id = poisoned_cert.id.to_string();
    assert!(
        server
            .registry
            .store()
            .certificate(&id)
            .await
            .unwrap()
            .is_none()
    );
    // The log goes on from there.
    let next = common::upload_ok(&base, &signed(&key, "station-a", 99), &log_key).await;
    assert_eq!((next.leaf_index, next.tree_size), (21, 22));
    server.stop().await;
}
