//! The registry as an auditor uses it, over HTTP on SQLite and PostgreSQL: drive serials found
//! with or without the vendor's prefix and separators, certificates by an id prefix (with or
//! without the UUID's dashes; an ambiguous one lists every candidate, a 7-digit one is refused
//! on the search page with the reason), a verdict per result, the public log page, the
//! certificate page's inclusion proof link (its proof verifies against the signed checkpoint),
//! sign-in that returns to the page asked for (query string included, never another site), and
//! machines, sizes and times written for people (local time, no nanoseconds).

#![allow(clippy::unwrap_used)] // test code: a failed unwrap is a failed test

mod common;

use common::{
    ADMIN, Db, Server, client, config, enrolled_station, get_json, signed_from, test_db, upload_ok,
};
use reqwest::StatusCode;
use reqwest::redirect::Policy;
use tabula_certificate::{Bundle, LocalZone, sample};
use tabula_tlog::{Checkpoint, Hash, leaf_hash, verify_inclusion};

/// Two ids that share their first 8 hex digits (UUIDv7 ids of one minute do), then differ.
const SHARED: &str = "01a2aaaa";
const ID_A: &str = "01a2aaaa-0001-7000-8000-000000000001";
const ID_B: &str = "01a2aaaa-0002-7000-8000-000000000002";

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
        c.id = ID_A.parse().unwrap();
        c.drives[0].serial = "WD-WX11A12B3456".into();
        c.drives[1].size_bytes = 0;
    });
    let without = make(2, &|c| {
        c.id = ID_B.parse().unwrap();
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
        "WX11-A12B 3456",
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
    // Without the dashes, as read off a print.
    assert_eq!(
        ids(
            &server,
            &format!("id={}", id_without[..13].replace('-', ""))
        )
        .await
        .unwrap(),
        vec![id_without.clone()]
    );
    // An ambiguous prefix lists every candidate (newest first), on the page as well.
    let mut both = ids(&server, &format!("id={SHARED}")).await.unwrap();
    both.sort();
    assert_eq!(both, vec![ID_A.to_owned(), ID_B.to_owned()]);
    let html = html_of(&server, &format!("/?id={SHARED}")).await;
    let results = section(&html, "results");
    for id in [ID_A, ID_B] {
        assert!(
            results.contains(&format!("href=\"/certificates/{id}\"")),
            "{results}"
        );
    }
    assert!(results.contains("Results (2)"), "{results}");
    // A 7-digit prefix: the search page keeps its form and says why, in both languages.
    let resp = client()
        .get(server.url(&format!("/?id={}", &SHARED[..7])))
        .bearer_auth(ADMIN)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
    let html = resp.text().await.unwrap();
    let refused = section(&html, "refused");
    assert!(
        refused.contains("mindestens die ersten 8 Zeichen der Zertifikats-ID")
            && refused.contains("give at least the first 8 characters of the certificate id"),
        "{refused}"
    );
    assert!(html.contains("id=\"search\""), "the form stays: {html}");
    assert!(!html.contains("id=\"results\""), "{html}");

    // The result list: a verdict per row, in both languages.
    let html = html_of(&server, &format!("/?id={}", &id_prefix[..8])).await;
    assert!(html.contains("✔ Signatur / signature"), "{html}");
    assert!(html.contains("✔ Log / log"), "{html}");
    assert!(
        html.contains("✘ Nicht vollständig gelöscht / Not fully erased"),
        "{html}"
    );
    assert!(
        html.contains("gelöscht mit Fehlern / erased-with-errors"),
        "{html}"
    );

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
    let audit = section(&html, "audit");
    assert!(!audit.contains('—'), "{audit}");
    let html = page(id_prefix.clone()).await;
    assert!(!html.contains("0.0 GiB"), "{html}");
    // Times in local time (Europe/Berlin by default), whole seconds, never RFC 3339.
    let cert = with_prefix.certificate().unwrap();
    let berlin = LocalZone::default();
    let facts = section(&html, "facts");
    for t in [cert.started, cert.finished] {
        assert!(facts.contains(&berlin.date_time(&t)), "{facts}");
    }
    let rfc3339 = facts
        .as_bytes()
        .windows(3)
        .any(|w| w[0].is_ascii_digit() && w[1] == b'T' && w[2].is_ascii_digit());
    assert!(!rfc3339, "{facts}");
    assert!(
        facts.contains("gelöscht mit Fehlern / erased-with-errors"),
        "{facts}"
    );
    inclusion_proof_verifies(&server, &html, &with_prefix, &log_key).await;
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
    let note = html_of(&server, "/api/v1/log/checkpoint").await;
    assert!(
        html.contains(&note),
        "the signed checkpoint as served: {html}"
    );
    assert!(
        html.contains("/api/v1/log/proof/consistency?first=N&amp;second=3"),
        "{html}"
    );
    assert!(html.contains("--log-key registry-log.vkey"), "{html}");

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
    // The page asked for with a query string (a search): the form carries it, escaped.
    let search = "/?drive_serial=WX11A12B3456&result=erased-with-errors";
    let resp = browser.get(server.url(search)).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::UNAUTHORIZED);
    let html = resp.text().await.unwrap();
    assert!(
        html.contains(&format!(
            "name=\"next\" value=\"{}\"",
            search.replace('&', "&amp;")
        )),
        "{html}"
    );
    // The sign-in page opened with a foreign target keeps none of it.
    let html = browser
        .get(server.url("/login?next=//evil.example/x"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("name=\"next\" value=\"/\""), "{html}");
    assert!(!html.contains("evil.example"), "{html}");
    for (next, location) in [
        (wanted.as_str(), wanted.as_str()),
        (search, search),
        ("//evil.example/x", "/"),
        ("https://evil.example/", "/"),
        ("/\\evil.example", "/"),
        ("evil.example/x", "/"),
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

/// GET `path` with the admin token; the body (a page's HTML, a checkpoint's note).
async fn html_of(server: &Server, path: &str) -> String {
    let resp = client()
        .get(server.url(path))
        .bearer_auth(ADMIN)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK, "{path}");
    resp.text().await.unwrap()
}

/// The element with `id` up to the end of its first nested closing tag of the same kind is too
/// little for tables, so: from the element's start to the next `</section>` or `</table>`.
fn section<'a>(html: &'a str, id: &str) -> &'a str {
    let start = html
        .find(&format!("id=\"{id}\""))
        .unwrap_or_else(|| panic!("no id={id} in {html}"));
    let rest = &html[start..];
    let end = ["</section>", "</table>"]
        .iter()
        .filter_map(|t| rest.find(t))
        .min()
        .unwrap_or(rest.len());
    &rest[..end]
}

/// The certificate page's inclusion proof link, followed as a browser would: the proof it
/// returns puts the certificate's envelope into the tree of the log's signed checkpoint.
async fn inclusion_proof_verifies(
    server: &Server,
    html: &str,
    bundle: &Bundle,
    log_key: &tabula_tlog::NoteVerifier,
) {
    let link = section(html, "inclusion-proof");
    let href = link
        .split("href=\"")
        .nth(1)
        .and_then(|h| h.split('"').next())
        .unwrap()
        .replace("&amp;", "&");
    let proof = get_json(&client(), server.url(&href), Some(ADMIN)).await;
    let note = html_of(server, "/api/v1/log/checkpoint").await;
    let checkpoint = Checkpoint::verify(&note, log_key).unwrap();
    assert_eq!(
        proof["tree_size"].as_u64(),
        Some(checkpoint.size),
        "{proof}"
    );
    let leaf: Hash = serde_json::from_value(proof["leaf_hash"].clone()).unwrap();
    let path: Vec<Hash> = serde_json::from_value(proof["proof"].clone()).unwrap();
    let index = proof["leaf_index"].as_u64().unwrap();
    assert_eq!(leaf, leaf_hash(&bundle.envelope.leaf_bytes().unwrap()));
    verify_inclusion(index, checkpoint.size, &leaf, &path, &checkpoint.root).unwrap();
    // A proof for another entry does not verify this certificate.
    let other = leaf_hash(b"another entry");
    assert!(verify_inclusion(index, checkpoint.size, &other, &path, &checkpoint.root).is_err());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn auditor_pages_sqlite() {
    story(Db::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn auditor_pages_postgres() {
    story(Db::Postgres).await;
}
