//! SQLite and PostgreSQL accept and refuse exactly the same inputs (issue 10). One table of
//! inputs — NUL, C0 and C1 controls, DEL, separators, bidirectional and zero-width characters,
//! overlong values (in bytes, also multi-byte ones), unicode that must pass (umlauts, CJK,
//! emoji, combining marks, right-to-left letters, U+FFFD, noncharacters), NUL escapes inside
//! signed or audit JSON, JSON that is not UTF-8 or holds a lone surrogate — run against both
//! backends, asserting the status and error code of each and the rows: a refused upload changes
//! no row, a stored one is stored exactly as signed (and no NUL byte reaches a text column).
//! A second table sends the same kinds of values through the other inputs: search fields, ids
//! in paths and queries, station and read-token names, enrolment tokens.

#![allow(clippy::unwrap_used)] // test code: a failed unwrap is a failed test

mod common;

use common::{ADMIN, Db, Server, client, config, enrolled_station, test_db};
use serde_json::{Value, json};
use tabula_certificate::{Bundle, Certificate, StationKey, audit_digest, sample};
use tabula_registry::Counts;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn both_backends_take_the_same_inputs_sqlite() {
    same_inputs(Db::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn both_backends_take_the_same_inputs_postgres() {
    same_inputs(Db::Postgres).await;
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expect {
    /// 201 and the row holds exactly the signed values.
    Stored,
    /// This status and error code, the message naming this (field), and no row changed.
    Refused(u16, &'static str, &'static str),
}

type Mutate = Box<dyn Fn(&mut Certificate, &mut Value)>;

fn set(f: impl Fn(&mut Certificate) + 'static) -> Mutate {
    Box::new(move |c, _| f(c))
}

/// How a case builds its upload body from the signed bundle (most send it as it is).
enum Body {
    Signed,
    /// Replace `"notebook"` in the bundle's JSON text with these bytes.
    Patched(&'static [u8]),
}

fn upload_cases() -> Vec<(&'static str, Mutate, Body, Expect)> {
    use Expect::*;
    let field = |f: &'static str| Refused(422, "invalid_field", f);
    vec![
        ("plain", set(|_| {}), Body::Signed, Stored),
        (
            "NUL in organisation",
            set(|c| c.organisation = "Stadt\0Leipzig".into()),
            Body::Signed,
            field("organisation"),
        ),
        (
            "NUL in machine serial",
            set(|c| c.machine.serial = "PF\0-1".into()),
            Body::Signed,
            field("machine.serial"),
        ),
        (
            "NUL in a drive serial",
            set(|c| c.drives[1].serial = "WD\0".into()),
            Body::Signed,
            field("drives[1].serial"),
        ),
        (
            "BEL in machine model",
            set(|c| c.machine.model = "T480\u{7}".into()),
            Body::Signed,
            field("machine.model"),
        ),
        (
            "ANSI escape in site",
            set(|c| c.site = "\u{1b}[31mrot".into()),
            Body::Signed,
            field("site"),
        ),
        (
            "newline in drive model",
            set(|c| c.drives[0].model = "Samsung\nSSD".into()),
            Body::Signed,
            field("drives[0].model"),
        ),
        (
            "tab in vendor",
            set(|c| c.machine.vendor = "LEN\tOVO".into()),
            Body::Signed,
            field("machine.vendor"),
        ),
        (
            "DEL in serial",
            set(|c| c.machine.serial = "PF\u{7f}".into()),
            Body::Signed,
            field("machine.serial"),
        ),
        (
            "C1 control (NEL) in organisation",
            set(|c| c.organisation = "Amt\u{85}".into()),
            Body::Signed,
            field("organisation"),
        ),
        (
            "line separator in site",
            set(|c| c.site = "a\u{2028}b".into()),
            Body::Signed,
            field("site"),
        ),
        (
            "bidi override in serial",
            set(|c| c.machine.serial = "PF\u{202E}DCBA".into()),
            Body::Signed,
            field("machine.serial"),
        ),
        (
            "bidi isolate in drive serial",
            set(|c| c.drives[0].serial = "S3\u{2066}YJ".into()),
            Body::Signed,
            field("drives[0].serial"),
        ),
        (
            "zero-width space in organisation",
            set(|c| c.organisation = "Stadt\u{200B}Leipzig".into()),
            Body::Signed,
            field("organisation"),
        ),
        (
            "byte order mark in model",
            set(|c| c.machine.model = "\u{FEFF}T480".into()),
            Body::Signed,
            field("machine.model"),
        ),
        (
            "organisation at its limit (512 bytes)",
            set(|c| c.organisation = "o".repeat(512)),
            Body::Signed,
            Stored,
        ),
        (
            "organisation over its limit",
            set(|c| c.organisation = "o".repeat(513)),
            Body::Signed,
            field("organisation"),
        ),
        (
            "serial at its limit (256 bytes)",
            set(|c| c.machine.serial = "S".repeat(256)),
            Body::Signed,
            Stored,
        ),
        (
            "serial of 129 umlauts (258 bytes)",
            set(|c| c.machine.serial = "Ü".repeat(129)),
            Body::Signed,
            field("machine.serial"),
        ),
        (
            "drive serial longer than PostgreSQL can index",
            set(|c| c.drives[1].serial = "W".repeat(3000)),
            Body::Signed,
            field("drives[1].serial"),
        ),
        (
            "umlauts, CJK, emoji and combining marks",
            set(|c| {
                c.organisation = "Müller & Söhne 東京 🔒".into();
                c.machine.model = "e\u{301}cole ThinkPad".into();
                c.drives[0].model = "Ｓａｍｓｕｎｇ".into();
            }),
            Body::Signed,
            Stored,
        ),
        (
            "right-to-left letters without controls",
            set(|c| c.site = "مدرسة الأمل".into()),
            Body::Signed,
            Stored,
        ),
        (
            "replacement character and noncharacter",
            set(|c| c.machine.vendor = "\u{FFFD}\u{FFFF}".into()),
            Body::Signed,
            Stored,
        ),
        (
            "NUL in the remark (signed, in no column)",
            set(|c| c.remark = "a\0b".into()),
            Body::Signed,
            Stored,
        ),
        (
            "NUL and ESC in the audit document",
            Box::new(|_, audit| audit["system"]["model"] = json!("T480\u{0}\u{1b}")),
            Body::Signed,
            Stored,
        ),
        (
            "lone surrogate escape in the audit JSON",
            set(|_| {}),
            Body::Patched(br#""\ud800""#),
            Refused(400, "malformed_json", "escape"),
        ),
        (
            "bytes that are not UTF-8",
            set(|_| {}),
            Body::Patched(b"\"note\xffbook\""),
            Refused(400, "malformed_json", "unicode"),
        ),
    ]
}

fn signed(key: &StationKey, n: usize, mutate: &Mutate) -> Bundle {
    let mut cert = sample::certificate(key);
    cert.machine.serial = format!("PF-{n:04}");
    cert.drives[0].serial = format!("S3YJ-{n:04}");
    cert.drives[1].serial = format!("WD-{n:04}");
    let mut audit = sample::audit();
    mutate(&mut cert, &mut audit);
    cert.machine.audit_digest = audit_digest(&audit).unwrap();
    Bundle::sign(&cert, audit, key).unwrap()
}

fn body(bundle: &Bundle, how: &Body) -> Vec<u8> {
    let json = bundle.to_json().unwrap();
    match how {
        Body::Signed => json,
        Body::Patched(bytes) => {
            let at = json.windows(10).position(|w| w == b"\"notebook\"").unwrap();
            [&json[..at], bytes, &json[at + 10..]].concat()
        }
    }
}

async fn counts(server: &Server) -> Counts {
    server.registry.store().counts().await.unwrap()
}

/// Status, error code (if the answer is a JSON error) and message.
async fn answer(resp: reqwest::Response) -> (u16, String, String) {
    let status = resp.status().as_u16();
    let text = resp.text().await.unwrap();
    let v: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
    (
        status,
        v["error"].as_str().unwrap_or_default().to_owned(),
        v["message"].as_str().unwrap_or(&text).to_owned(),
    )
}

async fn same_inputs(db: Db) {
    let Some(tdb) = test_db(db).await else {
        return;
    };
    let server = Server::start(config(&tdb.url)).await;
    let base = server.url("");
    let c = client();
    let (key, _) = enrolled_station(&base, "station-07").await;

    for (n, (name, mutate, how, expect)) in upload_cases().into_iter().enumerate() {
        let bundle = signed(&key, n, &mutate);
        let cert = bundle.certificate().unwrap();
        let before = counts(&server).await;
        let resp = c
            .post(server.url("/api/v1/certificates"))
            .header("content-type", "application/json")
            .body(body(&bundle, &how))
            .send()
            .await
            .unwrap();
        let (status, code, message) = answer(resp).await;
        let stored = server
            .registry
            .store()
            .certificate(&cert.id.to_string())
            .await
            .unwrap();
        match expect {
            Expect::Stored => {
                assert_eq!(status, 201, "{db:?} {name}: {code} {message}");
                let row = stored.unwrap_or_else(|| panic!("{db:?} {name}: no row"));
                let columns = [
                    (&row.organisation, &cert.organisation),
                    (&row.site, &cert.site),
                    (&row.machine_vendor, &cert.machine.vendor),
                    (&row.machine_model, &cert.machine.model),
                    (&row.machine_serial, &cert.machine.serial),
                ];
                for (stored, signed) in columns {
                    assert_eq!(stored, signed, "{db:?} {name}");
                }
                let drives: Vec<(String, String)> = row
                    .drives
                    .iter()
                    .map(|d| (d.model.clone(), d.serial.clone()))
                    .collect();
                let signed: Vec<(String, String)> = cert
                    .drives
                    .iter()
                    .map(|d| (d.model.clone(), d.serial.clone()))
                    .collect();
                assert_eq!(drives, signed, "{db:?} {name}");
                // JSON text escapes what PostgreSQL text cannot hold.
                assert!(!row.bundle.contains('\0'), "{db:?} {name}");
                let back = Bundle::from_slice(row.bundle.as_bytes()).unwrap();
                assert_eq!(back.audit, bundle.audit, "{db:?} {name}");
                let after = counts(&server).await;
                assert_eq!(after.certificates, before.certificates + 1, "{db:?} {name}");
            }
            Expect::Refused(want_status, want_code, mentions) => {
                assert_eq!(
                    (status, code.as_str()),
                    (want_status, want_code),
                    "{db:?} {name}: {message}"
                );
                assert!(
                    message.contains(mentions),
                    "{db:?} {name}: {message:?} should name {mentions:?}"
                );
                assert!(stored.is_none(), "{db:?} {name}: stored anyway");
                assert_eq!(counts(&server).await, before, "{db:?} {name}");
            }
        }
    }

    // The other ways text gets in: every one answers the same on both backends, and only the
    // creations change rows.
    let pem = key.public().to_pem().unwrap();
    let requests: Vec<(&str, reqwest::RequestBuilder, u16, &str)> = vec![
        (
            "search with NUL",
            c.get(server.url("/api/v1/certificates?drive_serial=%00")),
            400,
            "invalid_input",
        ),
        (
            "search with ESC",
            c.get(server.url("/api/v1/certificates?organisation=%1B%5B31m")),
            400,
            "invalid_input",
        ),
        (
            "search with a bidi override",
            c.get(server.url("/api/v1/certificates?machine_serial=%E2%80%AEabc")),
            400,
            "invalid_input",
        ),
        (
            "overlong search",
            c.get(server.url(&format!("/api/v1/certificates?station={}", "x".repeat(600)))),
            400,
            "invalid_input",
        ),
        (
            "search for an emoji",
            c.get(server.url("/api/v1/certificates?machine_serial=%F0%9F%94%92")),
            200,
            "",
        ),
        (
            "search page with NUL",
            c.get(server.url("/?machine_serial=%00")),
            400,
            "",
        ),
        (
            "certificate id with NUL",
            c.get(server.url("/api/v1/certificates/%00")),
            400,
            "invalid_input",
        ),
        (
            "certificate page id with NUL",
            c.get(server.url("/certificates/%00")),
            400,
            "",
        ),
        (
            "inclusion proof id with NUL",
            c.get(server.url("/api/v1/log/proof/inclusion?id=%00")),
            400,
            "invalid_input",
        ),
        (
            "station name with NUL",
            c.post(server.url("/api/v1/stations"))
                .json(&json!({"name": "bench\u{0}1"})),
            400,
            "invalid_input",
        ),
        (
            "station name with a bidi override",
            c.post(server.url("/api/v1/stations"))
                .json(&json!({"name": "bench\u{202E}1"})),
            400,
            "invalid_input",
        ),
        (
            "station name with an emoji",
            c.post(server.url("/api/v1/stations"))
                .json(&json!({"name": "Werkbank 🔒 1"})),
            201,
            "",
        ),
        (
            "read-token name with NUL",
            c.post(server.url("/api/v1/read-tokens"))
                .json(&json!({"name": "auditor\u{0}"})),
            400,
            "invalid_input",
        ),
        (
            "revoking a station named with NUL",
            c.post(server.url("/api/v1/stations/bench%001/revoke")),
            400,
            "invalid_input",
        ),
        (
            "revoking a read token named with NUL",
            c.post(server.url("/api/v1/read-tokens/a%00b/revoke")),
            400,
            "invalid_input",
        ),
        (
            "enrolment token with NUL",
            c.post(server.url("/api/v1/stations/enroll"))
                .json(&json!({"token": "tbl_\u{0}", "public_key": pem})),
            403,
            "unknown_enrolment_token",
        ),
    ];
    for (name, request, want_status, want_code) in requests {
        let before = counts(&server).await;
        let (status, code, message) =
            answer(request.bearer_auth(ADMIN).send().await.unwrap()).await;
        assert_eq!(status, want_status, "{db:?} {name}: {code} {message}");
        if !want_code.is_empty() {
            assert_eq!(code, want_code, "{db:?} {name}: {message}");
        }
        let after = counts(&server).await;
        let created = i64::from(status == 201);
        assert_eq!(after.stations, before.stations + created, "{db:?} {name}");
        assert_eq!(after.certificates, before.certificates, "{db:?} {name}");
    }
    let stations = server.registry.store().list_stations().await.unwrap();
    assert!(
        stations.iter().any(|s| s.name == "Werkbank 🔒 1"),
        "{stations:?}"
    );
    server.stop().await;
}
