//! The registry API, each scenario run once per backend (SQLite and PostgreSQL):
//!
//! - `admin_and_enrolment_*`: health; admin token required; unknown enrolment token refused.
//! - `uploads_and_refusals_*`: upload and receipt; replay; id collision; forged signature;
//!   unknown and revoked stations; malformed JSON; oversized body (each refused with its own
//!   code and no row changed, counted before the request); the upload metrics.
//! - `receipts_and_proofs_*`: receipts consistent with later heads; inclusion by id and index.
//! - `search_paging_and_downloads_*`: read tokens, search, paging, bundle download, PDF, detail.
//! - `two_instances_share_one_log_*`: concurrent uploads through two instances on one database.
//!
//! Each scenario starts from its own database (`populated` uploads the same eight certificates).
//! - `corrupt_station_key_is_an_internal_error` (SQLite): a stored station without a usable
//!   key is a 500 and stores nothing.

#![allow(clippy::unwrap_used)] // test code: a failed unwrap is a failed test

mod common;

use common::{
    ADMIN, Db, Server, TestDb, client, config, enrolled_station, error_code, get_json, get_text,
    signed, test_db, upload, upload_ok,
};
use serde_json::Value;
use tabula_certificate::{Bundle, StationKey, verify};
use tabula_registry::Counts;
use tabula_tlog::{
    Checkpoint, Hash, MemoryTree, Receipt, leaf_hash, verify_consistency, verify_inclusion,
};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn admin_and_enrolment_sqlite() {
    admin_and_enrolment(Db::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn admin_and_enrolment_postgres() {
    admin_and_enrolment(Db::Postgres).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn uploads_and_refusals_sqlite() {
    uploads_and_refusals(Db::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn uploads_and_refusals_postgres() {
    uploads_and_refusals(Db::Postgres).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn receipts_and_proofs_sqlite() {
    receipts_and_proofs(Db::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn receipts_and_proofs_postgres() {
    receipts_and_proofs(Db::Postgres).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn search_paging_and_downloads_sqlite() {
    search_paging_and_downloads(Db::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn search_paging_and_downloads_postgres() {
    search_paging_and_downloads(Db::Postgres).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_instances_share_one_log_sqlite() {
    two_instances_share_one_log(Db::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_instances_share_one_log_postgres() {
    two_instances_share_one_log(Db::Postgres).await;
}

/// An enrolled station whose stored key went missing (a corrupt row: enrolment writes key and
/// fingerprint together) is a registry fault: 500, nothing stored, never a guessed key.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn corrupt_station_key_is_an_internal_error() {
    use sqlx::Connection as _;
    let (tdb, server) = start(Db::Sqlite).await.unwrap();
    let base = server.url("");
    let (key, _) = enrolled_station(&base, "station-07").await;
    let mut db = sqlx::SqliteConnection::connect(&tdb.url).await.unwrap();
    for broken in [None, Some("not a PEM")] {
        sqlx::query("UPDATE stations SET public_key = $1 WHERE name = 'station-07'")
            .bind(broken)
            .execute(&mut db)
            .await
            .unwrap();
        refused(
            &server,
            upload(&base, &signed(&key, "station-07", 0)),
            500,
            "internal",
        )
        .await;
    }
    server.stop().await;
}

async fn counts(server: &Server) -> Counts {
    server.registry.store().counts().await.unwrap()
}

/// Send `request`, expect a refusal with `code`, and an unchanged store: the rows
/// (certificates, drives, log nodes and size, stations) are counted BEFORE the request is
/// sent and again after the answer.
async fn refused(
    server: &Server,
    request: impl std::future::Future<Output = reqwest::Response>,
    status: u16,
    code: &str,
) {
    let before = counts(server).await;
    let resp = request.await;
    assert_eq!(error_code(resp).await, (status, code.to_owned()));
    assert_eq!(counts(server).await, before, "{code} changed the store");
}

/// A fresh database of the backend and a server on it; `None` when PostgreSQL is skipped.
async fn start(db: Db) -> Option<(TestDb, Server)> {
    let tdb = test_db(db).await?;
    let server = Server::start(config(&tdb.url)).await;
    Some((tdb, server))
}

/// Health, the admin token on the admin API, an unknown enrolment token: each refusal leaves
/// the store unchanged.
async fn admin_and_enrolment(db: Db) {
    let Some((_tdb, server)) = start(db).await else {
        return;
    };
    let c = client();

    // Health.
    let h: Value = get_json(&c, server.url("/healthz"), None).await;
    assert_eq!(h["status"], "ok");

    // Admin API needs the admin token.
    let resp = c
        .post(server.url("/api/v1/stations"))
        .json(&serde_json::json!({"name": "x"}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 401);
    let body: Value = resp.json().await.unwrap();
    assert_eq!(body["error"], "unauthorized");
    assert!(
        body["message"].as_str().unwrap().contains("admin token"),
        "{body}"
    );
    let request = c
        .post(server.url("/api/v1/stations"))
        .bearer_auth("wrong-token")
        .json(&serde_json::json!({"name": "x"}));
    refused(
        &server,
        async { request.send().await.unwrap() },
        403,
        "forbidden",
    )
    .await;

    // Enrolment: unknown token refused; one-time token.
    let request = c
        .post(server.url("/api/v1/stations/enroll"))
        .json(&serde_json::json!({"token": "tbl_nope", "public_key": StationKey::generate().unwrap().public().to_pem().unwrap()}));
    refused(
        &server,
        async { request.send().await.unwrap() },
        403,
        "unknown_enrolment_token",
    )
    .await;
    server.stop().await;
}

/// Upload, replay, each refusal, search, proofs, downloads, a second instance, metrics and
/// read tokens, in order: later steps count on the log the earlier ones built.
/// A server with eight certificates: station-07's first (leaf 0), station-b's one (leaf 1),
/// then station-07's n = 11..=16 (leaves 2..7).
struct Populated {
    tdb: TestDb,
    server: Server,
    key: StationKey,
    log_key: tabula_tlog::NoteVerifier,
    first: Bundle,
    /// station-07's receipts, the first one's first.
    receipts: Vec<Receipt>,
}

async fn populated(db: Db) -> Option<Populated> {
    let (tdb, server) = start(db).await?;
    let base = server.url("");
    let (key, log_key) = enrolled_station(&base, "station-07").await;
    let (key_b, _) = enrolled_station(&base, "station-b").await;
    let first = signed(&key, "station-07", 0);
    let mut receipts = vec![upload_ok(&base, &first, &log_key).await];
    upload_ok(&base, &signed(&key_b, "station-b", 0), &log_key).await;
    for i in 1..=6 {
        receipts.push(upload_ok(&base, &signed(&key, "station-07", 10 + i), &log_key).await);
    }
    Some(Populated {
        tdb,
        server,
        key,
        log_key,
        first,
        receipts,
    })
}

/// Upload and receipt, replay, and every refusal (each with its own code, no row changed);
/// the upload metrics count them.
async fn uploads_and_refusals(db: Db) {
    let Some((_tdb, server)) = start(db).await else {
        return;
    };
    let base = server.url("");
    let c = client();

    let (key, log_key) = enrolled_station(&base, "station-07").await;
    assert_eq!(log_key.to_vkey(), server.registry.log_key());

    // Upload: 201 and a receipt that verifies.
    let first = signed(&key, "station-07", 0);
    let receipt = upload_ok(&base, &first, &log_key).await;
    assert_eq!((receipt.leaf_index, receipt.tree_size), (0, 1));
    assert_eq!(
        receipt.registry_url.as_deref(),
        Some("https://registry.example")
    );
    let n = counts(&server).await;
    assert_eq!((n.certificates, n.drives, n.log_size), (1, 2, 1));

    // Replay: 200, the same receipt, nothing stored.
    let resp = upload(&base, &first).await;
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.json::<Receipt>().await.unwrap(), receipt);
    assert_eq!(counts(&server).await, n);
    // A bundle that already carries its receipt is the same upload.
    let mut with_receipt = first.clone();
    with_receipt.receipt = Some(serde_json::to_value(&receipt).unwrap());
    assert_eq!(upload(&base, &with_receipt).await.status(), 200);

    // Id collision: same id, different signed content.
    let mut cert = first.certificate().unwrap();
    cert.remark = "anders".into();
    let collision = Bundle::sign(&cert, first.audit.clone(), &key).unwrap();
    refused(&server, upload(&base, &collision), 409, "id_collision").await;

    // Forged signature: the payload changed after signing.
    let mut forged = signed(&key, "station-07", 1);
    let other = signed(&key, "station-07", 2);
    forged.envelope.payload = other.envelope.payload.clone();
    refused(&server, upload(&base, &forged), 422, "signature_invalid").await;

    // Unknown station: a key nobody enrolled.
    let stranger = StationKey::generate().unwrap();
    refused(
        &server,
        upload(&base, &signed(&stranger, "rogue", 1)),
        403,
        "unknown_station",
    )
    .await;

    // Malformed JSON and a JSON that is no bundle.
    let post = |body: Vec<u8>| {
        let request = c.post(server.url("/api/v1/certificates")).body(body);
        async move { request.send().await.unwrap() }
    };
    refused(
        &server,
        post(b"{\"format\": ".to_vec()),
        400,
        "malformed_json",
    )
    .await;
    refused(
        &server,
        post(b"{\"hello\": 1}".to_vec()),
        422,
        "not_a_bundle",
    )
    .await;

    // Oversized body (limit 256 KiB in the test config).
    refused(&server, post(vec![b' '; 300 * 1024]), 413, "body_too_large").await;

    // Revoked station: uploads refused from then on.
    let (key_b, _) = enrolled_station(&base, "station-b").await;
    upload_ok(&base, &signed(&key_b, "station-b", 0), &log_key).await;
    let resp = c
        .post(server.url("/api/v1/stations/station-b/revoke"))
        .bearer_auth(ADMIN)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    refused(
        &server,
        upload(&base, &signed(&key_b, "station-b", 1)),
        403,
        "station_revoked",
    )
    .await;

    // Metrics.
    let m = get_text(server.url("/metrics")).await;
    assert!(
        m.contains("tabula_registry_uploads_total{outcome=\"accepted\"}"),
        "{m}"
    );
    assert!(
        m.contains("tabula_registry_uploads_total{outcome=\"signature_invalid\"} 1"),
        "{m}"
    );
    assert!(
        m.contains("tabula_registry_http_request_duration_seconds_bucket"),
        "{m}"
    );

    server.stop().await;
}

/// Receipts stay consistent with later heads; inclusion proofs by id (read access) and by
/// leaf index (no id); a consistency request past the log is a 400.
async fn receipts_and_proofs(db: Db) {
    let Some(fx) = populated(db).await else {
        return;
    };
    let (server, log_key, first, receipts) = (&fx.server, &fx.log_key, &fx.first, &fx.receipts);
    let c = client();
    // Every receipt verifies and old receipts stay consistent with the current head.
    let note = get_text(server.url("/api/v1/log/checkpoint")).await;
    let now = Checkpoint::verify(&note, log_key).unwrap();
    assert_eq!(now.size, 8);
    for r in receipts {
        let old = Checkpoint::verify(&r.checkpoint, log_key).unwrap();
        let p: Value = c
            .get(server.url(&format!(
                "/api/v1/log/proof/consistency?first={}&second={}",
                old.size, now.size
            )))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let proof: Vec<Hash> = serde_json::from_value(p["proof"].clone()).unwrap();
        r.verify_consistent_with(&old, &now, &proof).unwrap();
        verify_consistency(old.size, now.size, &old.root, &now.root, &proof).unwrap();
    }
    // Inclusion proof by certificate id against the current tree: certificate information, so
    // it needs read access (the admin token grants it); by leaf index the id is left out.
    let id = first.certificate().unwrap().id;
    let resp = c
        .get(server.url(&format!("/api/v1/log/proof/inclusion?id={id}")))
        .send()
        .await
        .unwrap();
    assert_eq!(error_code(resp).await, (401, "unauthorized".into()));
    let anon: Value = get_json(
        &c,
        server.url("/api/v1/log/proof/inclusion?leaf_index=0"),
        None,
    )
    .await;
    assert!(anon.get("id").is_none(), "{anon}");
    let p: Value = get_json(
        &c,
        server.url(&format!("/api/v1/log/proof/inclusion?id={id}")),
        Some(ADMIN),
    )
    .await;
    let proof: Vec<Hash> = serde_json::from_value(p["proof"].clone()).unwrap();
    assert_eq!(p["tree_size"], 8);
    assert_eq!(p["id"], id.to_string());
    assert_eq!(p["proof"], anon["proof"]);
    verify_inclusion(
        0,
        8,
        &leaf_hash(&first.envelope.leaf_bytes().unwrap()),
        &proof,
        &now.root,
    )
    .unwrap();
    let resp = c
        .get(server.url("/api/v1/log/proof/consistency?first=5&second=99"))
        .send()
        .await
        .unwrap();
    assert_eq!(error_code(resp).await, (400, "invalid_input".into()));

    fx.server.stop().await;
}

/// Search with a read token, paging, bad queries, the bundle download, the PDF, the detail,
/// and revoking the read token.
async fn search_paging_and_downloads(db: Db) {
    let Some(fx) = populated(db).await else {
        return;
    };
    let (server, key, receipt) = (&fx.server, &fx.key, &fx.receipts[0]);
    let id = fx.first.certificate().unwrap().id;
    let c = client();
    // Search needs a read token.
    let resp = c
        .get(server.url("/api/v1/certificates?drive_serial=x"))
        .send()
        .await
        .unwrap();
    assert_eq!(error_code(resp).await, (401, "unauthorized".into()));
    let t: Value = c
        .post(server.url("/api/v1/read-tokens"))
        .bearer_auth(ADMIN)
        .json(&serde_json::json!({"name": "auditor"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let read = t["token"].as_str().unwrap().to_owned();
    // A name is one auditor: a second token under it is refused.
    let resp = c
        .post(server.url("/api/v1/read-tokens"))
        .bearer_auth(ADMIN)
        .json(&serde_json::json!({"name": " auditor "}))
        .send()
        .await
        .unwrap();
    assert_eq!(error_code(resp).await, (409, "token_exists".into()));
    let get = |q: String| {
        let c = c.clone();
        let url = server.url(&format!("/api/v1/certificates?{q}"));
        let read = read.clone();
        async move {
            c.get(url)
                .bearer_auth(read)
                .send()
                .await
                .unwrap()
                .json::<Value>()
                .await
                .unwrap()
        }
    };
    let by_drive = get("drive_serial=wd-station-07-0013".into()).await;
    assert_eq!(by_drive["items"].as_array().unwrap().len(), 1, "{by_drive}");
    assert_eq!(by_drive["items"][0]["machine_serial"], "PF-station-07-0013");
    let by_machine = get("machine_serial=PF-station-07-0000".into()).await;
    assert_eq!(by_machine["items"][0]["id"], id.to_string());
    assert_eq!(
        get("station=station-b".into()).await["items"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    assert_eq!(
        get(
            "organisation=Stadt%20Leipzig%2C%20Amt%20f%C3%BCr%20Schule&result=erased-with-errors"
                .into()
        )
        .await["items"]
            .as_array()
            .unwrap()
            .len(),
        8
    );
    assert_eq!(
        get("from=2026-11-18&to=2026-11-18".into()).await["items"]
            .as_array()
            .unwrap()
            .len(),
        8
    );
    assert_eq!(
        get("to=2020-01-01".into()).await["items"]
            .as_array()
            .unwrap()
            .len(),
        0
    );
    // Paging: 8 certificates, 3 per page, newest first, no overlap.
    let mut seen = Vec::new();
    let mut cursor = String::new();
    loop {
        let page = get(format!("limit=3{cursor}")).await;
        for item in page["items"].as_array().unwrap() {
            seen.push(item["leaf_index"].as_u64().unwrap());
        }
        match page["next"].as_u64() {
            Some(n) => cursor = format!("&cursor={n}"),
            None => break,
        }
    }
    assert_eq!(seen, vec![7, 6, 5, 4, 3, 2, 1, 0]);
    let resp = c
        .get(server.url("/api/v1/certificates?from=yesterday"))
        .bearer_auth(&read)
        .send()
        .await
        .unwrap();
    assert_eq!(error_code(resp).await, (400, "invalid_input".into()));
    let resp = c
        .get(server.url("/api/v1/certificates?colour=red"))
        .bearer_auth(&read)
        .send()
        .await
        .unwrap();
    assert_eq!(error_code(resp).await, (400, "invalid_input".into()));

    // The bundle download carries the receipt and verifies offline.
    let bytes = c
        .get(server.url(&format!("/api/v1/certificates/{id}/bundle")))
        .bearer_auth(&read)
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    let downloaded = Bundle::from_slice(&bytes).unwrap();
    verify(&downloaded, Some(&key.public())).unwrap();
    let r: Receipt = serde_json::from_value(downloaded.receipt.clone().unwrap()).unwrap();
    assert_eq!(&r, receipt);
    // The certificate's PDF (linked from its web page), with the same read access.
    let resp = c
        .get(server.url(&format!("/certificates/{id}/pdf")))
        .bearer_auth(&read)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    assert_eq!(
        resp.headers()["content-type"].to_str().unwrap(),
        "application/pdf"
    );
    let pdf = resp.bytes().await.unwrap();
    assert!(pdf.starts_with(b"%PDF"), "not a PDF");
    let resp = c
        .get(server.url(&format!("/certificates/{id}/pdf")))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 401);
    let resp = c
        .get(server.url("/certificates/0190f5a4-0000-7000-8000-000000000000/pdf"))
        .bearer_auth(&read)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 404);
    let detail: Value = get_json(
        &c,
        server.url(&format!("/api/v1/certificates/{id}")),
        Some(&read),
    )
    .await;
    assert_eq!(detail["certificate"]["drives"].as_array().unwrap().len(), 2);
    let resp = c
        .get(server.url("/api/v1/certificates/not-a-uuid"))
        .bearer_auth(&read)
        .send()
        .await
        .unwrap();
    assert_eq!(error_code(resp).await, (400, "invalid_input".into()));
    let resp = c
        .get(server.url("/api/v1/certificates/0190f5a4-0000-7000-8000-000000000000"))
        .bearer_auth(&read)
        .send()
        .await
        .unwrap();
    assert_eq!(error_code(resp).await, (404, "not_found".into()));

    // Revoking the auditor's read token (admin only) locks it out at once; unknown names 404.
    let revoke = |name: &str, token: &str| {
        c.post(server.url(&format!("/api/v1/read-tokens/{name}/revoke")))
            .bearer_auth(token.to_owned())
            .send()
    };
    let resp = revoke("auditor", &read).await.unwrap();
    assert_eq!(error_code(resp).await, (403, "forbidden".into()));
    let resp = revoke("nobody", ADMIN).await.unwrap();
    assert_eq!(error_code(resp).await, (404, "not_found".into()));
    assert_eq!(revoke("auditor", ADMIN).await.unwrap().status(), 200);
    let resp = c
        .get(server.url(&format!("/api/v1/certificates/{id}")))
        .bearer_auth(&read)
        .send()
        .await
        .unwrap();
    assert_eq!(error_code(resp).await, (401, "unauthorized".into()));
    let tokens = server.registry.store().list_read_tokens().await.unwrap();
    assert!(
        matches!(&tokens[..], [(name, _, Some(_))] if name == "auditor"),
        "{tokens:?}"
    );

    fx.server.stop().await;
}

/// Two instances on one database: 40 concurrent uploads spread over both get distinct
/// indices, and the whole log rebuilt from the stored envelopes has the checkpoint's root.
async fn two_instances_share_one_log(db: Db) {
    let Some(fx) = populated(db).await else {
        return;
    };
    let (server, key, log_key) = (&fx.server, &fx.key, &fx.log_key);
    let c = client();
    // Concurrency: a second instance on the same database; 40 uploads spread over both.
    let second = Server::start(config(&fx.tdb.url)).await;
    assert_eq!(
        second.registry.log_key(),
        server.registry.log_key(),
        "instances share the log key"
    );
    let bundles: Vec<Bundle> = (0..40)
        .map(|i| signed(key, "station-07", 100 + i))
        .collect();
    let mut tasks = Vec::new();
    for (i, b) in bundles.iter().cloned().enumerate() {
        let base = if i % 2 == 0 {
            server.url("")
        } else {
            second.url("")
        };
        let log_key = log_key.clone();
        tasks.push(tokio::spawn(
            async move { upload_ok(&base, &b, &log_key).await },
        ));
    }
    let mut indices = Vec::new();
    for t in futures::future::join_all(tasks).await {
        indices.push(t.unwrap().leaf_index);
    }
    indices.sort_unstable();
    assert_eq!(indices, (8..48).collect::<Vec<u64>>());
    let n = counts(server).await;
    assert_eq!((n.certificates, n.log_size), (48, 48));

    // The whole log, rebuilt from the stored envelopes in leaf order, has the checkpoint's root.
    let note = get_text(second.url("/api/v1/log/checkpoint")).await;
    let head = Checkpoint::verify(&note, log_key).unwrap();
    let mut tree = MemoryTree::new();
    for i in 0..head.size {
        let p: Value = c
            .get(server.url(&format!(
                "/api/v1/log/proof/inclusion?leaf_index={i}&tree_size={}",
                head.size
            )))
            .bearer_auth(ADMIN)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let id = p["id"].as_str().unwrap();
        let bytes = c
            .get(server.url(&format!("/api/v1/certificates/{id}/bundle")))
            .bearer_auth(ADMIN)
            .send()
            .await
            .unwrap()
            .bytes()
            .await
            .unwrap();
        let b = Bundle::from_slice(&bytes).unwrap();
        tree.append(&b.envelope.leaf_bytes().unwrap());
        let proof: Vec<Hash> = serde_json::from_value(p["proof"].clone()).unwrap();
        verify_inclusion(
            i,
            head.size,
            &leaf_hash(&b.envelope.leaf_bytes().unwrap()),
            &proof,
            &head.root,
        )
        .unwrap();
    }
    assert_eq!(tree.root(), head.root);

    second.stop().await;
    fx.server.stop().await;
}
