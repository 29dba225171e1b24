//! One certificate per signed payload (issue 10), each scenario once per backend:
//!
//! - `malleated_copies_*`: a copy of a genuine upload altered outside the signed bytes (keyid,
//!   extra or repeated or undecodable signatures, a swapped `station_key`, unknown JSON fields,
//!   a forged receipt) is the same certificate: uploaded first it gets the genuine receipt (201),
//!   the genuine upload then gets that receipt (200) and it verifies for the genuine envelope;
//!   in the other order, the copy gets the genuine receipt (200). Auditors download the
//!   normalised bundle, which verifies with its embedded key. Concurrent genuine and malleated
//!   uploads (one batch) end as one certificate.
//! - `ids_of_other_stations_*`: a certificate id held by another station's certificate is
//!   refused (409 `id_held_by_other_station`, naming only that station); the same station's
//!   different payload under its own id stays a 409 `id_collision`.
//! - `rows_stored_before_normalisation_*`: a row written before uploads were normalised (its
//!   bundle and leaf hash those of a copy with a junk signature) is still the same certificate
//!   for the genuine upload: 200 with the stored receipt, not 409.

#![allow(clippy::unwrap_used)] // test code: a failed unwrap is a failed test

mod common;

use common::{
    ADMIN, Db, Server, client, config, enrolled_station, error_code, signed, signed_from, test_db,
    upload,
};
use serde_json::{Value, json};
use tabula_certificate::dsse::Signature;
use tabula_certificate::{Bundle, Envelope, StationKey, sample, verify};
use tabula_tlog::{NoteVerifier, Receipt};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malleated_copies_sqlite() {
    malleated_copies(Db::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malleated_copies_postgres() {
    malleated_copies(Db::Postgres).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rows_stored_before_normalisation_sqlite() {
    rows_stored_before_normalisation(Db::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rows_stored_before_normalisation_postgres() {
    rows_stored_before_normalisation(Db::Postgres).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ids_of_other_stations_sqlite() {
    ids_of_other_stations(Db::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ids_of_other_stations_postgres() {
    ids_of_other_stations(Db::Postgres).await;
}

type Malleation = fn(&Bundle, &StationKey) -> Vec<u8>;

fn json_of(b: &Bundle) -> Vec<u8> {
    b.to_json().unwrap()
}

/// Every way to change an upload without the station's private key.
fn malleations() -> Vec<(&'static str, Malleation)> {
    vec![
        ("keyid changed", |b, _| {
            let mut b = b.clone();
            b.envelope.signatures[0].keyid = format!("sha256:{}", "0".repeat(64));
            json_of(&b)
        }),
        ("junk signature added", |b, other| {
            let mut b = b.clone();
            b.envelope.signatures.push(Signature {
                keyid: b.envelope.signatures[0].keyid.clone(),
                sig: Envelope::sign("junk", b"junk", other).signatures[0]
                    .sig
                    .clone(),
            });
            json_of(&b)
        }),
        ("undecodable signature first", |b, _| {
            let mut b = b.clone();
            b.envelope.signatures.insert(
                0,
                Signature {
                    keyid: String::new(),
                    sig: "not base64 at all!".into(),
                },
            );
            json_of(&b)
        }),
        ("signature repeated", |b, _| {
            let mut b = b.clone();
            let s = b.envelope.signatures[0].clone();
            b.envelope.signatures.push(s);
            json_of(&b)
        }),
        ("station_key swapped", |b, other| {
            let mut b = b.clone();
            b.station_key = other.public().to_pem().unwrap();
            json_of(&b)
        }),
        ("unknown fields", |b, _| {
            let mut v: Value = serde_json::to_value(b).unwrap();
            v["x_note"] = json!("added by someone");
            v["envelope"]["x_extra"] = json!({"a": 1});
            v["envelope"]["signatures"][0]["x_key"] = json!("k");
            serde_json::to_vec(&v).unwrap()
        }),
        ("forged receipt", |b, _| {
            let mut b = b.clone();
            b.receipt = Some(json!({"leaf_index": 7, "forged": true}));
            json_of(&b)
        }),
    ]
}

async fn post(base: &str, body: Vec<u8>) -> reqwest::Response {
    client()
        .post(format!("{base}/api/v1/certificates"))
        .header("content-type", "application/json")
        .body(body)
        .send()
        .await
        .unwrap()
}

/// The answer's status and receipt; the receipt must verify for `genuine`'s envelope.
async fn receipt_for(
    resp: reqwest::Response,
    genuine: &Bundle,
    log_key: &NoteVerifier,
    what: &str,
) -> (u16, Receipt) {
    let status = resp.status().as_u16();
    let text = resp.text().await.unwrap();
    assert!(status == 200 || status == 201, "{what}: {status} {text}");
    let receipt: Receipt = serde_json::from_str(&text).unwrap();
    receipt
        .verify(&genuine.envelope.leaf_bytes().unwrap(), log_key)
        .unwrap_or_else(|e| {
            panic!("{what}: the receipt does not verify for the genuine envelope: {e}")
        });
    (status, receipt)
}

/// The bundle auditors download for `b`'s certificate id.
async fn downloaded(server: &Server, b: &Bundle) -> Bundle {
    let id = b.certificate().unwrap().id;
    let bytes = client()
        .get(server.url(&format!("/api/v1/certificates/{id}/bundle")))
        .bearer_auth(ADMIN)
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    Bundle::from_slice(&bytes).unwrap()
}

async fn certificates(server: &Server) -> i64 {
    server.registry.store().counts().await.unwrap().certificates
}

async fn malleated_copies(db: Db) {
    let Some(tdb) = test_db(db).await else {
        return;
    };
    let server = Server::start(config(&tdb.url)).await;
    let base = server.url("");
    let (key, log_key) = enrolled_station(&base, "station-a").await;
    let (other, _) = enrolled_station(&base, "station-b").await;
    let pem = key.public().to_pem().unwrap();
    let mut stored = 0;

    // The copy arrives first: it gets the genuine receipt, and cannot block the genuine upload.
    for (n, (what, malleate)) in malleations().into_iter().enumerate() {
        let genuine = signed(&key, "station-a", n);
        let (status, first) = receipt_for(
            post(&base, malleate(&genuine, &other)).await,
            &genuine,
            &log_key,
            what,
        )
        .await;
        assert_eq!(status, 201, "{what}");
        stored += 1;
        let (status, second) =
            receipt_for(upload(&base, &genuine).await, &genuine, &log_key, what).await;
        assert_eq!((status, &second), (200, &first), "{what}");
        assert_eq!(certificates(&server).await, stored, "{what}");
        // Auditors get the normalised bundle: the genuine envelope and the enrolled key.
        let served = downloaded(&server, &genuine).await;
        assert_eq!(served.envelope, genuine.envelope, "{what}");
        assert_eq!(served.station_key, pem, "{what}");
        verify(&served, None).unwrap_or_else(|e| panic!("{what}: {e}"));
        assert_eq!(
            serde_json::from_value::<Receipt>(served.receipt.unwrap()).unwrap(),
            first
        );
    }

    // The genuine upload first: every copy is a replay with the same receipt.
    let genuine = signed(&key, "station-a", 100);
    let (status, receipt) =
        receipt_for(upload(&base, &genuine).await, &genuine, &log_key, "genuine").await;
    assert_eq!(status, 201);
    stored += 1;
    for (what, malleate) in malleations() {
        let (status, again) = receipt_for(
            post(&base, malleate(&genuine, &other)).await,
            &genuine,
            &log_key,
            what,
        )
        .await;
        assert_eq!((status, &again), (200, &receipt), "{what}");
    }
    assert_eq!(certificates(&server).await, stored);

    // Concurrent (one batch or two): still one certificate, one receipt.
    let genuine = signed(&key, "station-a", 200);
    let bodies: Vec<Vec<u8>> = std::iter::once(json_of(&genuine))
        .chain(malleations().into_iter().map(|(_, m)| m(&genuine, &other)))
        .collect();
    let answers = futures::future::join_all(bodies.into_iter().map(|b| {
        let base = base.clone();
        async move { post(&base, b).await }
    }))
    .await;
    let mut receipts = Vec::new();
    let mut created = 0;
    for resp in answers {
        let (status, r) = receipt_for(resp, &genuine, &log_key, "concurrent").await;
        created += usize::from(status == 201);
        receipts.push(r);
    }
    assert_eq!(created, 1);
    assert!(receipts.iter().all(|r| r == &receipts[0]));
    stored += 1;
    assert_eq!(certificates(&server).await, stored);
    server.stop().await;
}

async fn ids_of_other_stations(db: Db) {
    let Some(tdb) = test_db(db).await else {
        return;
    };
    let server = Server::start(config(&tdb.url)).await;
    let base = server.url("");
    let (key_a, log_key) = enrolled_station(&base, "station-a").await;
    let (key_b, _) = enrolled_station(&base, "station-b").await;

    // Station B squats the id of A's certificate before A uploads it.
    let genuine = signed(&key_a, "station-a", 1);
    let id = genuine.certificate().unwrap().id;
    let squat = signed_from(
        sample::certificate_with_id(&key_b, id),
        &key_b,
        "station-b",
        1,
    );
    assert_eq!(upload(&base, &squat).await.status(), 201);
    let before = certificates(&server).await;
    let resp = upload(&base, &genuine).await;
    assert_eq!(resp.status(), 409);
    let body: Value = resp.json().await.unwrap();
    assert_eq!(body["error"], "id_held_by_other_station", "{body}");
    let message = body["message"].as_str().unwrap();
    assert!(
        message.contains("another station") && message.contains("station-b"),
        "{message}"
    );
    assert!(
        !message.contains(&key_b.public().fingerprint()),
        "the refusal tells the station's name, nothing more: {message}"
    );
    assert_eq!(certificates(&server).await, before);

    // The other way round: A's certificate is stored, B's certificate under its id refused.
    let genuine = signed(&key_a, "station-a", 2);
    let id = genuine.certificate().unwrap().id;
    let receipt = common::upload_ok(&base, &genuine, &log_key).await;
    let squat = signed_from(
        sample::certificate_with_id(&key_b, id),
        &key_b,
        "station-b",
        2,
    );
    let resp = upload(&base, &squat).await;
    let (status, code) = error_code(resp).await;
    assert_eq!((status, code.as_str()), (409, "id_held_by_other_station"));
    // A's certificate is untouched: its replay still gets its receipt.
    let resp = upload(&base, &genuine).await;
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.json::<Receipt>().await.unwrap(), receipt);

    // The same station with another payload under its own id: an id collision.
    let mut cert = genuine.certificate().unwrap();
    cert.remark = "changed after upload".into();
    let changed = signed_from(cert, &key_a, "station-a", 2);
    let (status, code) = error_code(upload(&base, &changed).await).await;
    assert_eq!((status, code.as_str()), (409, "id_collision"));
    assert_eq!(certificates(&server).await, before + 1);
    server.stop().await;
}

async fn rows_stored_before_normalisation(db: Db) {
    use sqlx::Connection as _;
    let Some(tdb) = test_db(db).await else {
        return;
    };
    let server = Server::start(config(&tdb.url)).await;
    let base = server.url("");
    let (key, log_key) = enrolled_station(&base, "station-a").await;
    let (other, _) = enrolled_station(&base, "station-b").await;
    let genuine = signed(&key, "station-a", 1);
    let receipt = common::upload_ok(&base, &genuine, &log_key).await;

    // Rewrite the row as an unnormalised registry would have stored a malleated copy.
    let mut legacy = genuine.clone();
    legacy.envelope.signatures.push(Signature {
        keyid: "junk".into(),
        sig: Envelope::sign("junk", b"junk", &other).signatures[0]
            .sig
            .clone(),
    });
    let legacy_leaf = tabula_tlog::leaf_hash(&legacy.envelope.leaf_bytes().unwrap()).to_hex();
    sqlx::any::install_default_drivers();
    let mut conn = sqlx::AnyConnection::connect(&tdb.url).await.unwrap();
    let id = genuine.certificate().unwrap().id.to_string();
    let done = sqlx::query("UPDATE certificates SET bundle = $1, leaf_hash = $2 WHERE id = $3")
        .bind(legacy.to_json_string().unwrap())
        .bind(legacy_leaf)
        .bind(&id)
        .execute(&mut conn)
        .await
        .unwrap();
    assert_eq!(done.rows_affected(), 1);

    let resp = upload(&base, &genuine).await;
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.json::<Receipt>().await.unwrap(), receipt);
    let mut cert = genuine.certificate().unwrap();
    cert.remark = "another payload".into();
    let changed = signed_from(cert, &key, "station-a", 1);
    let (status, code) = error_code(upload(&base, &changed).await).await;
    assert_eq!((status, code.as_str()), (409, "id_collision"));
    assert_eq!(certificates(&server).await, 1);
    server.stop().await;
}
