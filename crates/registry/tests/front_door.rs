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

/// Reads until the server closes the connection; false if it is still open after `limit`.
async fn closed_within(stream: &mut tokio::net::TcpStream, limit: std::time::Duration) -> bool {
    use tokio::io::AsyncReadExt as _;
    let mut buf = [0u8; 4096];
    let deadline = tokio::time::Instant::now() + limit;
    loop {
        match tokio::time::timeout_at(deadline, stream.read(&mut buf)).await {
            Ok(Ok(0) | Err(_)) => return true,
            Ok(Ok(_)) => {}
            Err(_) => return false,
        }
    }
}

#[tokio::test]
async fn half_sent_and_idle_connections_are_closed() {
    use std::time::Duration;
    use tokio::io::AsyncWriteExt as _;

    let db = test_db(Db::Sqlite).await.unwrap();
    let mut c = config(&db.url);
    c.timeouts.header_read = Duration::from_millis(500);
    let server = Server::start(c).await;

    // A request head that never ends (slowloris).
    let mut slow = tokio::net::TcpStream::connect(server.addr).await.unwrap();
    slow.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-A: 1\r\n")
        .await
        .unwrap();
    assert!(closed_within(&mut slow, Duration::from_secs(20)).await);

    // A keep-alive connection that has its answer and then sits idle.
    let mut idle = tokio::net::TcpStream::connect(server.addr).await.unwrap();
    idle.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        .await
        .unwrap();
    assert!(closed_within(&mut idle, Duration::from_secs(20)).await);

    // A connection that does nothing at all.
    let mut silent = tokio::net::TcpStream::connect(server.addr).await.unwrap();
    assert!(closed_within(&mut silent, Duration::from_secs(20)).await);

    // Meanwhile ordinary requests are served.
    let ok = reqwest::get(server.url("/healthz")).await.unwrap();
    assert_eq!(ok.status(), StatusCode::OK);
    server.stop().await;
}
