//! A wipe interrupted and resumed gives two certificates; the resumed one names the interrupted
//! one in `continues` (certificate schema 1.1). Over HTTP on SQLite and PostgreSQL:
//!
//! - uploaded newest first, the resumed page names the interrupted certificate as not in the
//!   registry yet; once both are in, each page links the other (the older finds the newer by a
//!   lookup) and lists the chain in order, in German and English, each with its local end time;
//! - another station's certificate that claims to continue it is not shown in the chain;
//! - the API's summary carries `continues`.

#![allow(clippy::unwrap_used)] // test code: a failed unwrap is a failed test

mod common;

use common::{
    ADMIN, Db, chain_pair, client, config, enrolled_station, get_json, signed_from, test_db,
    upload_ok,
};
use tabula_certificate::sample;

async fn page(url: String) -> String {
    let resp = client().get(url).bearer_auth(ADMIN).send().await.unwrap();
    assert_eq!(resp.status(), 200);
    resp.text().await.unwrap()
}

async fn story(db: Db) {
    let Some(tdb) = test_db(db).await else { return };
    let server = common::Server::start(config(&tdb.url)).await;
    let base = server.url("");
    let (key, log_key) = enrolled_station(&base, "station-a").await;
    let (interrupted, resumed) = chain_pair(&key, "station-a");
    let old = interrupted.id().unwrap().to_string();
    let new = resumed.id().unwrap().to_string();
    let url = |id: &str| server.url(&format!("/certificates/{id}"));

    // The resumed certificate arrives first: it names the interrupted one, not stored yet.
    upload_ok(&base, &resumed, &log_key).await;
    let html = page(url(&new)).await;
    assert!(html.contains("id=\"continues\""), "{html}");
    assert!(html.contains("Setzt fort / continues"), "{html}");
    assert!(
        html.contains("nicht im Zertifikatsregister / not in the registry"),
        "{html}"
    );

    upload_ok(&base, &interrupted, &log_key).await;
    // Another station claims to continue the same certificate: not part of the chain.
    let (other_key, other_log) = enrolled_station(&base, "station-b").await;
    let mut stranger = sample::erased_certificate(&other_key);
    stranger.continues = interrupted.id().ok();
    let stranger = signed_from(stranger, &other_key, "station-b", 3);
    upload_ok(&base, &stranger, &other_log).await;
    let stranger_id = stranger.id().unwrap().to_string();

    // The older page learns of the newer by a lookup; the newer names the older.
    let html = page(url(&old)).await;
    assert!(html.contains("id=\"continued-by\""), "{html}");
    assert!(
        html.contains(&format!("href=\"/certificates/{new}\"")),
        "{html}"
    );
    assert!(!html.contains(&stranger_id), "{html}");
    assert!(!html.contains("id=\"continues\""), "{html}");
    let html_new = page(url(&new)).await;
    assert!(
        html_new.contains(&format!("href=\"/certificates/{old}\"")),
        "{html_new}"
    );
    assert!(!html_new.contains("not in the registry"), "{html_new}");
    for html in [&html, &html_new] {
        assert!(
            html.contains("Unterbrochen und fortgesetzt / Interrupted and resumed"),
            "{html}"
        );
        // One chain, oldest first, this page's certificate marked, each with its result.
        let chain = &html[html.find("id=\"chain\"").unwrap()..];
        let (at_old, at_new) = (chain.find(&old).unwrap(), chain.find(&new).unwrap());
        assert!(at_old < at_new, "{chain}");
        assert!(chain.contains("abgebrochen / interrupted"), "{chain}");
        assert!(chain.contains("gelöscht / erased"), "{chain}");
        assert!(
            chain.contains("(dieses Zertifikat / this certificate)"),
            "{chain}"
        );
        // When each ended, in local time (Europe/Berlin by default) to the second.
        for b in [&interrupted, &resumed] {
            let finished = b.certificate().unwrap().finished;
            let local = tabula_certificate::LocalZone::default().date_time(&finished);
            assert!(chain.contains(&local), "{local} in {chain}");
        }
    }

    let detail = get_json(
        &client(),
        server.url(&format!("/api/v1/certificates/{new}")),
        Some(ADMIN),
    )
    .await;
    assert_eq!(detail["certificate"]["continues"], old.as_str());
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn chain_sqlite() {
    story(Db::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn chain_postgres() {
    story(Db::Postgres).await;
}
