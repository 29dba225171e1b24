//! The authorisation matrix (issue 10), once per backend: every route of the API and the web
//! pages (`src/api/mod.rs`, `src/web/mod.rs`) times every kind of credential, with the status
//! of each cell written out. The columns:
//!
//! | column | on routes with a token | on the upload | on enrolment | on sign-in (form token) |
//! |---|---|---|---|---|
//! | `none` | no header, no cookie | a new genuine bundle | a fresh enrolment token | empty |
//! | `wrong` | `Bearer` of a random token | as `none` | as `none` | the random token |
//! | `read` | `Bearer` of a read token | as `none` | as `none` | the read token |
//! | `rvkd` | `Bearer` of a revoked read token | as `none` | as `none` | the revoked token |
//! | `admin` | `Bearer` of the admin token | as `none` | as `none` | the admin token |
//! | `cookie` | session cookie signed in with the admin token | as `none` | as `none` | empty, with the cookie |
//! | `other` | `Bearer` of another station's enrolment token | signed by another station, naming this one | another (enrolled) station's token | that token |
//! | `rvkst` | `Bearer` of a revoked station's enrolment token | a bundle of a revoked station | the revoked station's token | that token |
//! | `forged` | a session cookie never issued | payload changed after signing | a token never issued | empty, with the forged cookie |
//! | `mall` | the read token in upper case | a stored upload with a junk signature added | a fresh token in upper case | the read token in upper case |
//! | `replay` | the cookie of a session whose read token was revoked since | a stored upload sent again | a used enrolment request sent again | empty, with that cookie |
//!
//! Sign-in cells each come from their own loopback address, so the per-address throttle of
//! failed sign-ins does not leak from one cell into the next.

#![allow(clippy::unwrap_used)] // test code: a failed unwrap is a failed test

mod common;

use std::net::{IpAddr, Ipv4Addr};
use std::sync::atomic::{AtomicUsize, Ordering};

use common::{ADMIN, Db, Server, config, signed, test_db};
use serde_json::{Value, json};
use tabula_certificate::dsse::Signature;
use tabula_certificate::{BUNDLE_FORMAT, Bundle, Envelope, PAYLOAD_TYPE, StationKey, jcs};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn authorisation_matrix_sqlite() {
    matrix(Db::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn authorisation_matrix_postgres() {
    matrix(Db::Postgres).await;
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Cred {
    None,
    Wrong,
    Read,
    RevokedRead,
    AdminBearer,
    AdminCookie,
    OtherStation,
    RevokedStation,
    Forged,
    Malleated,
    Replay,
}

const COLUMNS: [Cred; 11] = [
    Cred::None,
    Cred::Wrong,
    Cred::Read,
    Cred::RevokedRead,
    Cred::AdminBearer,
    Cred::AdminCookie,
    Cred::OtherStation,
    Cred::RevokedStation,
    Cred::Forged,
    Cred::Malleated,
    Cred::Replay,
];

/// How a route's request is made; the credential decides headers and, for some, the body.
#[derive(Debug, Clone, Copy)]
enum Kind {
    Get,
    /// POST with a JSON body; `{}` in the body becomes a fresh unique name.
    PostJson(&'static str),
    Upload,
    Enrol,
    Login,
}

const READ: [u16; 11] = [401, 401, 200, 401, 200, 200, 401, 401, 401, 401, 401];
const PUBLIC: [u16; 11] = [200; 11];
const fn admin(ok: u16) -> [u16; 11] {
    [401, 403, 403, 403, ok, 401, 403, 403, 401, 403, 401]
}

/// Every route, how to call it, and the status of each column (order of [`COLUMNS`]).
fn routes() -> Vec<(&'static str, Kind, [u16; 11])> {
    vec![
        // none wrong read rvkd admin cookie other rvkst forged mall replay
        (
            "/api/v1/certificates",
            Kind::Upload,
            [201, 201, 201, 201, 201, 201, 422, 403, 422, 200, 200],
        ),
        ("/api/v1/certificates", Kind::Get, READ),
        ("/api/v1/certificates/{id}", Kind::Get, READ),
        ("/api/v1/certificates/{id}/bundle", Kind::Get, READ),
        ("/api/v1/log/checkpoint", Kind::Get, PUBLIC),
        ("/api/v1/log/key", Kind::Get, PUBLIC),
        // Public like the checkpoint; 404 for everyone while no witness has cosigned.
        ("/api/v1/log/checkpoint/cosigned", Kind::Get, [404; 11]),
        (
            "/api/v1/log/proof/inclusion?leaf_index=0",
            Kind::Get,
            PUBLIC,
        ),
        ("/api/v1/log/proof/inclusion?id={id}", Kind::Get, READ),
        (
            "/api/v1/log/proof/consistency?first=1&second=1",
            Kind::Get,
            PUBLIC,
        ),
        (
            "/api/v1/stations",
            Kind::PostJson(r#"{"name": "{}"}"#),
            admin(201),
        ),
        ("/api/v1/stations", Kind::Get, admin(200)),
        (
            "/api/v1/stations/enroll",
            Kind::Enrol,
            [201, 201, 201, 201, 201, 201, 409, 403, 403, 403, 409],
        ),
        (
            "/api/v1/stations/victim/revoke",
            Kind::PostJson(""),
            admin(200),
        ),
        (
            "/api/v1/read-tokens",
            Kind::PostJson(r#"{"name": "{}"}"#),
            admin(201),
        ),
        (
            "/api/v1/read-tokens/victim-token/revoke",
            Kind::PostJson(""),
            admin(200),
        ),
        ("/healthz", Kind::Get, PUBLIC),
        ("/metrics", Kind::Get, PUBLIC),
        ("/", Kind::Get, READ),
        ("/login", Kind::Get, PUBLIC),
        ("/log", Kind::Get, PUBLIC),
        (
            "/login",
            Kind::Login,
            [401, 401, 303, 401, 303, 401, 401, 401, 401, 401, 401],
        ),
        ("/certificates/{id}", Kind::Get, READ),
        ("/certificates/{id}/pdf", Kind::Get, READ),
    ]
}

/// Everything the cells need: tokens, cookies, keys, a stored certificate.
struct Fixture {
    server: Server,
    read: String,
    revoked_read: String,
    admin_session: String,
    replay_session: String,
    other_token: String,
    revoked_token: String,
    key_a: StationKey,
    key_b: StationKey,
    key_c: StationKey,
    token_a: String,
    genuine: Bundle,
    fresh_enrolments: Vec<String>,
    next: AtomicUsize,
}

fn client_from(last_octet: u8) -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .local_address(IpAddr::V4(Ipv4Addr::new(127, 0, 0, last_octet)))
        .build()
        .unwrap()
}

async fn admin_post(f_base: &str, path: &str, body: Value) -> Value {
    client_from(1)
        .post(format!("{f_base}{path}"))
        .bearer_auth(ADMIN)
        .json(&body)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

/// A new station's enrolment token.
async fn new_station(base: &str, name: &str) -> String {
    let r = admin_post(base, "/api/v1/stations", json!({"name": name})).await;
    r["enrolment_token"].as_str().unwrap().to_owned()
}

async fn enrol(base: &str, token: &str, key: &StationKey) {
    let resp = client_from(1)
        .post(format!("{base}/api/v1/stations/enroll"))
        .json(&json!({"token": token, "public_key": key.public().to_pem().unwrap()}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 201);
}

/// Sign in with `token` and return the session id from the cookie.
async fn session(base: &str, token: &str) -> String {
    let resp = client_from(1)
        .post(format!("{base}/login"))
        .form(&[("token", token)])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 303);
    let cookie = resp.headers()["set-cookie"].to_str().unwrap();
    let value = cookie.split(';').next().unwrap();
    value.split_once('=').unwrap().1.to_owned()
}

async fn fixture(db: Db, url: &str) -> Fixture {
    let server = Server::start(config(url)).await;
    let base = server.url("");
    let (key_a, key_b, key_c) = (
        StationKey::generate().unwrap(),
        StationKey::generate().unwrap(),
        StationKey::generate().unwrap(),
    );
    let token_a = new_station(&base, "station-a").await;
    enrol(&base, &token_a, &key_a).await;
    let other_token = new_station(&base, "station-b").await;
    enrol(&base, &other_token, &key_b).await;
    let revoked_token = new_station(&base, "station-c").await;
    enrol(&base, &revoked_token, &key_c).await;
    admin_post(&base, "/api/v1/stations/station-c/revoke", json!({})).await;
    new_station(&base, "victim").await;
    let mut fresh_enrolments = Vec::new();
    for i in 0..COLUMNS.len() {
        fresh_enrolments.push(new_station(&base, &format!("fresh-{i}")).await);
    }
    let read = admin_post(&base, "/api/v1/read-tokens", json!({"name": "auditor"})).await["token"]
        .as_str()
        .unwrap()
        .to_owned();
    let revoked_read =
        admin_post(&base, "/api/v1/read-tokens", json!({"name": "gone"})).await["token"]
            .as_str()
            .unwrap()
            .to_owned();
    admin_post(
        &base,
        "/api/v1/read-tokens",
        json!({"name": "victim-token"}),
    )
    .await;
    let replay_session = session(&base, &revoked_read).await;
    admin_post(&base, "/api/v1/read-tokens/gone/revoke", json!({})).await;
    let admin_session = session(&base, ADMIN).await;
    let genuine = signed(&key_a, "station-a", 0);
    let resp = common::upload(&base, &genuine).await;
    assert_eq!(resp.status(), 201, "{db:?}");
    Fixture {
        server,
        read,
        revoked_read,
        admin_session,
        replay_session,
        other_token,
        revoked_token,
        key_a,
        key_b,
        key_c,
        token_a,
        genuine,
        fresh_enrolments,
        next: AtomicUsize::new(1),
    }
}

impl Fixture {
    fn unique(&self) -> usize {
        self.next.fetch_add(1, Ordering::Relaxed)
    }

    /// The request's headers for a credential.
    fn authorise(&self, req: reqwest::RequestBuilder, cred: Cred) -> reqwest::RequestBuilder {
        let cookie = |id: &str| format!("tabula_session={id}");
        match cred {
            Cred::None => req,
            Cred::Wrong => req.bearer_auth(format!("tbl_{}", "0".repeat(64))),
            Cred::Read => req.bearer_auth(&self.read),
            Cred::RevokedRead => req.bearer_auth(&self.revoked_read),
            Cred::AdminBearer => req.bearer_auth(ADMIN),
            Cred::AdminCookie => req.header("cookie", cookie(&self.admin_session)),
            Cred::OtherStation => req.bearer_auth(&self.other_token),
            Cred::RevokedStation => req.bearer_auth(&self.revoked_token),
            Cred::Forged => req.header("cookie", cookie(&"ab".repeat(32))),
            Cred::Malleated => req.bearer_auth(self.read.to_uppercase()),
            Cred::Replay => req.header("cookie", cookie(&self.replay_session)),
        }
    }

    /// The upload body for a credential.
    fn upload_body(&self, cred: Cred) -> Vec<u8> {
        let bundle = match cred {
            Cred::OtherStation => {
                // Station B signs a certificate that names station A's key.
                let cert = signed(&self.key_a, "station-a", self.unique())
                    .certificate()
                    .unwrap();
                let payload = jcs::to_vec(&cert).unwrap();
                Bundle {
                    format: BUNDLE_FORMAT.to_owned(),
                    envelope: Envelope::sign(PAYLOAD_TYPE, &payload, &self.key_b),
                    station_key: self.key_b.public().to_pem().unwrap(),
                    audit: tabula_certificate::sample::audit(),
                    receipt: None,
                }
            }
            Cred::RevokedStation => signed(&self.key_c, "station-c", self.unique()),
            Cred::Forged => {
                let mut forged = signed(&self.key_a, "station-a", self.unique());
                let other = signed(&self.key_a, "station-a", self.unique());
                forged.envelope.payload = other.envelope.payload;
                forged
            }
            Cred::Malleated => {
                let mut copy = self.genuine.clone();
                copy.envelope.signatures.push(Signature {
                    keyid: "junk".into(),
                    sig: Envelope::sign("junk", b"junk", &self.key_b).signatures[0]
                        .sig
                        .clone(),
                });
                copy
            }
            Cred::Replay => self.genuine.clone(),
            _ => signed(&self.key_a, "station-a", self.unique()),
        };
        bundle.to_json().unwrap()
    }

    /// The enrolment body for a credential.
    fn enrol_body(&self, cred: Cred, column: usize) -> Value {
        let fresh_key = || StationKey::generate().unwrap().public().to_pem().unwrap();
        let (token, pem) = match cred {
            Cred::OtherStation => (self.other_token.clone(), fresh_key()),
            Cred::RevokedStation => (self.revoked_token.clone(), fresh_key()),
            Cred::Forged => (format!("tbl_{}", "1".repeat(64)), fresh_key()),
            Cred::Malleated => (self.fresh_enrolments[column].to_uppercase(), fresh_key()),
            Cred::Replay => (self.token_a.clone(), self.key_a.public().to_pem().unwrap()),
            _ => (self.fresh_enrolments[column].clone(), fresh_key()),
        };
        json!({"token": token, "public_key": pem})
    }

    /// The sign-in form's token for a credential (cookies come from [`Fixture::authorise`]).
    fn login_token(&self, cred: Cred) -> String {
        match cred {
            Cred::Wrong => format!("tbl_{}", "0".repeat(64)),
            Cred::Read => self.read.clone(),
            Cred::RevokedRead => self.revoked_read.clone(),
            Cred::AdminBearer => ADMIN.to_owned(),
            Cred::OtherStation => self.other_token.clone(),
            Cred::RevokedStation => self.revoked_token.clone(),
            Cred::Malleated => self.read.to_uppercase(),
            Cred::None | Cred::AdminCookie | Cred::Forged | Cred::Replay => String::new(),
        }
    }

    async fn cell(&self, row: usize, path: &str, kind: Kind, column: usize) -> u16 {
        let cred = COLUMNS[column];
        let id = self.genuine.certificate().unwrap().id.to_string();
        let url = self.server.url(&path.replace("{id}", &id));
        // Sign-in cells each from their own address (see the module comment).
        let octet = if matches!(kind, Kind::Login) {
            u8::try_from(10 + row * COLUMNS.len() + column).unwrap()
        } else {
            1
        };
        let c = client_from(octet);
        let req = match kind {
            Kind::Get => c.get(url),
            Kind::PostJson(body) => {
                let body = body.replace("{}", &format!("m-{}", self.unique()));
                c.post(url)
                    .header("content-type", "application/json")
                    .body(body)
            }
            Kind::Upload => c
                .post(url)
                .header("content-type", "application/json")
                .body(self.upload_body(cred)),
            Kind::Enrol => c.post(url).json(&self.enrol_body(cred, column)),
            Kind::Login => c.post(url).form(&[("token", self.login_token(cred))]),
        };
        self.authorise(req, cred)
            .send()
            .await
            .unwrap()
            .status()
            .as_u16()
    }
}

async fn matrix(db: Db) {
    let Some(tdb) = test_db(db).await else {
        return;
    };
    let f = fixture(db, &tdb.url).await;
    let mut wrong = Vec::new();
    let mut cells = 0;
    for (row, (path, kind, expected)) in routes().into_iter().enumerate() {
        for (column, want) in expected.iter().enumerate() {
            let got = f.cell(row, path, kind, column).await;
            cells += 1;
            if got != *want {
                wrong.push(format!(
                    "{kind:?} {path} with {:?}: got {got}, expected {want}",
                    COLUMNS[column]
                ));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "{db:?}: {} of {cells} cells differ:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
    assert_eq!(cells, routes().len() * COLUMNS.len());
    // Only the admin's cells created anything: one station and one read token named m-*.
    let store = f.server.registry.store();
    let stations = store.list_stations().await.unwrap();
    assert_eq!(
        stations.iter().filter(|s| s.name.starts_with("m-")).count(),
        1
    );
    let tokens = store.list_read_tokens().await.unwrap();
    assert_eq!(tokens.iter().filter(|t| t.0.starts_with("m-")).count(), 1);
    // The victims were revoked, by the admin cell only.
    assert!(
        stations
            .iter()
            .any(|s| s.name == "victim" && s.revoked_at.is_some())
    );
    f.server.stop().await;
}
