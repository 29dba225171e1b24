//! The registry's front door over real HTTP: web sign-in gives a random session id (never the
//! token), the admin API ignores that session (no request forgery), revoking a read token ends
//! its sessions, and failed sign-ins are throttled per client address.

#![allow(clippy::unwrap_used)] // test code: a failed unwrap is a failed test

mod common;

use common::{ADMIN, Db, Server, config, test_db};
use reqwest::StatusCode;
use reqwest::redirect::Policy;

fn browser() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(Policy::none())
        .build()
        .unwrap()
}

/// Signs in with `token`; returns the status and the Set-Cookie header.
async fn sign_in(c: &reqwest::Client, server: &Server, token: &str) -> (StatusCode, String) {
    let resp = c
        .post(server.url("/login"))
        .form(&[("token", token)])
        .send()
        .await
        .unwrap();
    let cookie = resp
        .headers()
        .get(reqwest::header::SET_COOKIE)
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    (resp.status(), cookie)
}

async fn read_token(c: &reqwest::Client, server: &Server, name: &str) -> String {
    let v: serde_json::Value = c
        .post(server.url("/api/v1/read-tokens"))
        .bearer_auth(ADMIN)
        .json(&serde_json::json!({ "name": name }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    v["token"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn sessions_read_but_never_administer_and_end_with_their_token() {
    let db = test_db(Db::Sqlite).await.unwrap();
    let server = Server::start(config(&db.url)).await;
    let c = browser();
    let read = read_token(&c, &server, "auditor").await;

    // Signed in with the admin token: the cookie is a random id, Secure (the public URL is
    // https), and it does not carry the token.
    let (status, set_cookie) = sign_in(&c, &server, ADMIN).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{set_cookie}");
    assert!(!set_cookie.contains(ADMIN), "{set_cookie}");
    assert!(set_cookie.starts_with("tabula_session="), "{set_cookie}");
    for attr in ["HttpOnly", "SameSite=Strict", "Secure", "Max-Age="] {
        assert!(set_cookie.contains(attr), "{attr} missing: {set_cookie}");
    }
    let session = set_cookie.split(';').next().unwrap().to_owned();

    // The session reads ...
    let search = server.url("/api/v1/certificates?drive_serial=x");
    let resp = c
        .get(&search)
        .header("cookie", &session)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    // ... but a forged form post riding on it cannot create a station.
    let before = server.registry.store().list_stations().await.unwrap().len();
    let resp = c
        .post(server.url("/api/v1/stations"))
        .header("cookie", &session)
        .json(&serde_json::json!({ "name": "forged" }))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(
        server.registry.store().list_stations().await.unwrap().len(),
        before,
        "no station was created"
    );

    // A read token's session ends when the token is revoked.
    let (_, set_cookie) = sign_in(&c, &server, &read).await;
    let reader = set_cookie.split(';').next().unwrap().to_owned();
    let resp = c
        .get(&search)
        .header("cookie", &reader)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    let resp = c
        .post(server.url("/api/v1/read-tokens/auditor/revoke"))
        .bearer_auth(ADMIN)
        .send()
        .await
        .unwrap();
    assert!(resp.status().is_success(), "{}", resp.status());
    let resp = c
        .get(&search)
        .header("cookie", &reader)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::UNAUTHORIZED);
    // A made-up session id is nobody.
    let resp = c
        .get(&search)
        .header("cookie", format!("tabula_session={}", "ab".repeat(32)))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::UNAUTHORIZED);
    server.stop().await;
}

#[tokio::test]
async fn failed_sign_ins_are_throttled_per_client() {
    let db = test_db(Db::Sqlite).await.unwrap();
    let server = Server::start(config(&db.url)).await;
    let c = browser();
    for _ in 0..5 {
        let (status, _) = sign_in(&c, &server, "tbl_guess").await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }
    // Even the right token is refused now, for this address.
    let resp = c
        .post(server.url("/login"))
        .form(&[("token", ADMIN)])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::TOO_MANY_REQUESTS);
    let wait: u64 = resp.headers()[reqwest::header::RETRY_AFTER]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(wait > 0 && wait <= 15 * 60, "{wait}");
    // Bearer API access is not a sign-in and is not throttled.
    let resp = c
        .get(server.url("/api/v1/certificates?drive_serial=x"))
        .bearer_auth(ADMIN)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    server.stop().await;
}
