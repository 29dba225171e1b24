//! The registry as an auditor uses it, over HTTP on SQLite and PostgreSQL: drive serials found
//! with or without the vendor's prefix and separators, certificates by an id prefix, a verdict
//! per result, the public log page, sign-in that returns to the page asked for, and machines
//! and sizes written for people.

#![allow(clippy::unwrap_used)] // test code: a failed unwrap is a failed test

mod common;

use common::{
    ADMIN, Db, Server, client, config, enrolled_station, get_json, signed_from, test_db, upload_ok,
};
use reqwest::StatusCode;
use reqwest::redirect::Policy;
use tabula_certificate::{Bundle, sample};

async fn ids(server: &Server, query: &str) -> Result<Vec<String>, (u16, String)> {
    let resp = client()
        .get(server.url(&format!("/api/v1/certificates?{query}")))
        .bearer_auth(ADMIN)
        .send()
        .await
        .unwrap();
    let status = resp.status().as_u16();
    let v: serde_json::Value = resp.json().await.unwrap();
    if status != 200 {
        return Err((status, v["error"].as_str().unwrap_or_default().to_owned()));
    }
    Ok(v["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_str().unwrap().to_owned())
        .collect())
}

async fn story(db: Db) {
    let Some(tdb) = test_db(db).await else { return };
    let server = Server::start(config(&tdb.url)).await;
    let base = server.url("");
    let (key, log_key) = enrolled_station(&base, "station-a").await;

    // A drive stored with the vendor's prefix, one stored without, and a machine nobody named.
    let make = |n: usize, change: &dyn Fn(&mut tabula_certificate::Certificate)| {
        let base = signed_from(sample::certificate(&key), &key, "station-a", n);
        let mut cert = base.certificate().unwrap();
        change(&mut cert);
        Bundle::sign(&cert, base.audit.clone(), &key).unwrap()
    };
    let with_prefix = make(1, &|c| {
        c.drives[0].serial = "WD-WX11A12B3456".into();
        c.drives[1].size_bytes = 0;
    });
    let without = make(2, &|c| {
        c.drives[0].serial = "ZA1B2C3D4E".into();
        c.drives[1].size_bytes = 512 << 20;
    });
    let nameless = make(3, &|c| {
        c.machine.vendor = String::new();
        c.machine.model = String::new();
        c.machine.serial = String::new();
    });
    for b in [&with_prefix, &without, &nameless] {
        upload_ok(&base, b, &log_key).await;
    }
    let id_prefix = with_prefix.certificate().unwrap().id.to_string();
    let id_without = without.certificate().unwrap().id.to_string();
    let id_nameless = nameless.certificate().unwrap().id.to_string();

    // Serials: with or without the prefix, any separators, any case; both directions.
    for q in [
        "WD-WX11A12B3456",
        "WX11A12B3456",
        "wd wx11a12b3456",
        "WDWX11A12B3456",
        "wx11-a12b-3456",
    ] {
        assert_eq!(
            ids(&server, &format!("drive_serial={}", q.replace(' ', "%20")))
                .await
                .unwrap(),
            vec![id_prefix.clone()],
            "{q}"
        );
    }
    assert_eq!(
        ids(&server, "drive_serial=S-ZA1B2C3D4E").await.unwrap(),
        vec![id_without.clone()],
        "a prefix on the search finds the serial stored without one"
    );
    assert!(
        ids(&server, "drive_serial=3456").await.unwrap().is_empty(),
        "short fragments do not match as a suffix"
    );

    // Id prefixes: 8 characters or more; shorter or non-hex is a clear 400.
    assert_eq!(
        ids(&server, &format!("id={}", &id_without[..13]))
            .await
            .unwrap(),
        vec![id_without.clone()]
    );
    assert_eq!(
        ids(&server, &format!("id={}", id_without.to_uppercase()))
            .await
            .unwrap(),
        vec![id_without.clone()]
    );
    for bad in [&id_without[..7], "zzzzzzzz"] {
        let (status, code) = ids(&server, &format!("id={bad}")).await.unwrap_err();
        assert_eq!((status, code.as_str()), (400, "invalid_input"), "{bad}");
    }

    // The result list: a verdict per row, in both languages.
    let html = client()
        .get(server.url(&format!("/?id={}", &id_prefix[..8])))
        .bearer_auth(ADMIN)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("✔ Signatur / signature"), "{html}");
    assert!(html.contains("✔ Log / log"), "{html}");

    // Machines and sizes for people.
    let page = |id: String| {
        let url = server.url(&format!("/certificates/{id}"));
        async move {
            client()
                .get(url)
                .bearer_auth(ADMIN)
                .send()
                .await
                .unwrap()
                .text()
                .await
                .unwrap()
        }
    };
    let html = page(id_nameless.clone()).await;
    assert!(html.contains("unbekannt / unknown"), "{html}");
    assert!(
        !html.contains(", SN <") && !html.contains(">, SN"),
        "{html}"
    );
    assert!(html.contains("id=\"inclusion-proof\""), "{html}");
    let html = page(id_prefix.clone()).await;
    assert!(!html.contains("0.0 GiB"), "{html}");
    let html = page(id_without.clone()).await;
    assert!(html.contains("512.0 MiB"), "{html}");
    let detail = get_json(
        &client(),
        server.url(&format!("/api/v1/certificates/{id_nameless}")),
        Some(ADMIN),
    )
    .await;
    assert_eq!(detail["certificate"]["machine_serial"], "");

    // The log page is public and says what the log holds.
    let resp = client().get(server.url("/log")).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    let html = resp.text().await.unwrap();
    assert!(html.contains("<td id=\"log-size\">3</td>"), "{html}");
    assert!(html.contains("✔ gültig mit dem Log-Schlüssel"), "{html}");
    assert!(html.contains(&log_key.to_vkey()), "{html}");

    // Sign-in returns to the page asked for, and never leaves the site.
    let browser = reqwest::Client::builder()
        .redirect(Policy::none())
        .build()
        .unwrap();
    let wanted = format!("/certificates/{id_prefix}");
    let resp = browser.get(server.url(&wanted)).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::UNAUTHORIZED);
    let html = resp.text().await.unwrap();
    assert!(
        html.contains(&format!("name=\"next\" value=\"{wanted}\"")),
        "{html}"
    );
    for (next, location) in [
        (wanted.as_str(), wanted.as_str()),
        ("//evil.example/x", "/"),
        ("https://evil.example/", "/"),
    ] {
        let resp = browser
            .post(server.url("/login"))
            .form(&[("token", ADMIN), ("next", next)])
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), StatusCode::SEE_OTHER, "{next}");
        assert_eq!(resp.headers()["location"], location, "{next}");
    }
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn auditor_pages_sqlite() {
    story(Db::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn auditor_pages_postgres() {
    story(Db::Postgres).await;
}
