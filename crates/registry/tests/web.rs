//! The auditors' pages in real headless Chromium (Debian `chromium` + `chromium-driver`, driven
//! over WebDriver by fantoccini): open a certificate's page (as from its QR code, with a query
//! string), sign in with a read token and land on that page, search a drive serial, open the
//! certificate, see the verdict and the drives; a serial with no certificate says so. A
//! screenshot of the certificate page is kept at `target/test-artifacts/registry.png`. Then an
//! interrupted wipe and its resumption: from the interrupted certificate's page, the "continued
//! by" link leads to the resumed one, whose page lists the chain (`registry-chain.png`).
//! Without chromedriver the test fails, unless `TABULA_ALLOW_SKIP=1` (a workstation) skips it.
//!
//! Plain HTTP: `erasure_verdict_leads_the_page_and_the_search_row` (an interrupted and a clean
//! certificate: the erasure verdict heads the page and marks the result row; the signature
//! verdict is a separate line).

#![allow(clippy::unwrap_used)] // test code: a failed unwrap is a failed test

mod common;

use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::{
    ADMIN, Db, Server, chain_pair, client, config, enrolled_station, signed, signed_from, test_db,
    upload_ok,
};
use fantoccini::{ClientBuilder, Locator};
use tabula_certificate::sample;

const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
const CHROMIUM: &str = "/usr/bin/chromium";

struct Driver(Child);

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn start_driver() -> Option<(Driver, u16)> {
    if !std::path::Path::new(CHROMEDRIVER).exists() {
        assert!(
            common::skips_allowed(),
            "{CHROMEDRIVER} is required (.ci/apt-packages lists chromium-driver); \
             TABULA_ALLOW_SKIP=1 skips this test on a workstation without it"
        );
        eprintln!(
            "SKIPPED: {CHROMEDRIVER} not installed (apt-get install chromium chromium-driver)"
        );
        return None;
    }
    let port = free_port();
    let child = Command::new(CHROMEDRIVER)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let driver = Driver(child);
    let deadline = Instant::now() + Duration::from_secs(20);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "chromedriver did not start");
        std::thread::sleep(Duration::from_millis(100));
    }
    Some((driver, port))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn search_drive_serial_open_certificate_see_verdict() {
    let Some((_driver, port)) = start_driver() else {
        return;
    };
    let tdb = test_db(Db::Sqlite).await.unwrap();
    let server = Server::start(config(&tdb.url)).await;
    let base = server.url("");
    let (key, log_key) = enrolled_station(&base, "station-07").await;
    for i in 0..3 {
        upload_ok(&base, &signed(&key, "station-07", i), &log_key).await;
    }
    let (interrupted, resumed) = chain_pair(&key, "station-07");
    upload_ok(&base, &interrupted, &log_key).await;
    upload_ok(&base, &resumed, &log_key).await;
    let (old, new) = (interrupted.id().unwrap(), resumed.id().unwrap());
    let token: serde_json::Value = client()
        .post(server.url("/api/v1/read-tokens"))
        .bearer_auth(ADMIN)
        .json(&serde_json::json!({"name": "browser"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = token["token"].as_str().unwrap().to_owned();

    let profile = tempfile::tempdir().unwrap();
    let mut caps = serde_json::Map::new();
    caps.insert(
        "goog:chromeOptions".into(),
        serde_json::json!({
            "binary": CHROMIUM,
            "args": [
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--window-size=1280,1400",
                format!("--user-data-dir={}", profile.path().display()),
            ],
        }),
    );
    let connector = hyper_util::client::legacy::connect::HttpConnector::new();
    let browser = ClientBuilder::new(connector)
        .capabilities(caps)
        .connect(&format!("http://127.0.0.1:{port}"))
        .await
        .unwrap();

    let result = async {
        // The QR code's page (with a query string), opened without a token, asks for one and
        // comes back to it after sign-in.
        let asked = format!("/certificates/{old}?from=qr");
        browser.goto(&format!("{base}{asked}")).await?;
        browser
            .wait()
            .for_element(Locator::Css("input[name=token]"))
            .await?;
        let wrong = browser.find(Locator::Css("input[name=token]")).await?;
        wrong.send_keys("tbl_wrong").await?;
        browser
            .find(Locator::Css("form button[type=submit]"))
            .await?
            .click()
            .await?;
        let err = browser
            .wait()
            .for_element(Locator::Id("login-error"))
            .await?;
        assert!(err.text().await?.contains("invalid token"));
        let field = browser.find(Locator::Css("input[name=token]")).await?;
        field.send_keys(&token).await?;
        browser
            .find(Locator::Css("form button[type=submit]"))
            .await?
            .click()
            .await?;
        browser.wait().for_element(Locator::Id("verdict")).await?;
        let landed = browser.current_url().await?;
        let path = format!("{}?{}", landed.path(), landed.query().unwrap_or_default());
        assert_eq!(path, asked, "{landed}");
        let id = browser.find(Locator::Css("#facts code")).await?;
        assert_eq!(id.text().await?, old.to_string());
        browser.goto(&base).await?;

        // Search a drive serial (lower case: serials match case-insensitively).
        let serial = browser
            .wait()
            .for_element(Locator::Id("drive_serial"))
            .await?;
        serial.send_keys("wd-station-07-0001").await?;
        browser.find(Locator::Id("search")).await?.click().await?;
        browser.wait().for_element(Locator::Id("results")).await?;
        let links = browser.find_all(Locator::Css("a.cert-link")).await?;
        assert_eq!(links.len(), 1, "exactly one certificate has that drive");
        let row = browser
            .find(Locator::Css("td.erasure"))
            .await?
            .text()
            .await?;
        assert!(row.contains("Not fully erased"), "{row}");
        links[0].click().await?;

        // The certificate page: verdict, drives, audit summary.
        let verdict = browser.wait().for_element(Locator::Id("verdict")).await?;
        let text = verdict.text().await?;
        // The sample has a drive erased with errors: a valid signature does not make it erased.
        let erasure = browser.find(Locator::Id("verdict-erasure")).await?;
        assert!(erasure.text().await?.contains("Not fully erased"), "{text}");
        assert!(!text.contains("Erased and verified"), "{text}");
        assert!(
            text.contains("Signature and transparency log verified"),
            "{text}"
        );
        assert!(text.contains("signature valid"), "{text}");
        assert!(
            text.contains("included in the transparency log: entry #1 of 5"),
            "{text}"
        );
        let drives = browser.find(Locator::Id("drives")).await?.text().await?;
        assert!(drives.contains("WD-station-07-0001"), "{drives}");
        assert!(drives.contains("bsi-vsitr"), "{drives}");
        let audit = browser.find(Locator::Id("audit")).await?.text().await?;
        assert!(audit.contains("ThinkPad T480"), "{audit}");

        let png = browser.screenshot().await?;
        let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("../test-artifacts");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("registry.png"), &png).unwrap();
        assert!(png.starts_with(b"\x89PNG"));

        // A serial nobody wiped.
        browser
            .goto(&format!("{base}/?drive_serial=NOPE-123"))
            .await?;
        let none = browser
            .wait()
            .for_element(Locator::Id("no-results"))
            .await?;
        assert!(none.text().await?.contains("No certificates found"));

        // The interrupted wipe's page leads to the one that resumed it, which lists the chain.
        browser.goto(&format!("{base}/certificates/{old}")).await?;
        let next = browser
            .wait()
            .for_element(Locator::Css("#continued-by a"))
            .await?;
        next.click().await?;
        let chain = browser.wait().for_element(Locator::Id("chain")).await?;
        let text = chain.text().await?;
        assert!(text.contains("Interrupted and resumed"), "{text}");
        let (at_old, at_new) = (
            text.find(&old.to_string()).unwrap(),
            text.find(&new.to_string()).unwrap(),
        );
        assert!(at_old < at_new, "oldest first: {text}");
        assert!(text.contains("this certificate"), "{text}");
        let back = browser.find(Locator::Css("#continues a")).await?;
        assert_eq!(back.text().await?, old.to_string());
        let png = browser.screenshot().await?;
        std::fs::write(dir.join("registry-chain.png"), &png).unwrap();
        Ok::<(), fantoccini::error::CmdError>(())
    }
    .await;
    let _ = browser.close().await;
    server.stop().await;
    result.unwrap();
}

/// The text of the element with `id` in `html` (up to its first closing tag of that kind is
/// enough for the flat elements checked here).
fn element<'a>(html: &'a str, tag: &str, id: &str) -> &'a str {
    let start = html
        .find(&format!("<{tag} id=\"{id}\""))
        .unwrap_or_else(|| panic!("no <{tag} id={id}> in {html}"));
    let end = html[start..]
        .find(&format!("</{tag}>"))
        .unwrap_or_else(|| panic!("<{tag} id={id}> not closed"));
    &html[start..start + end]
}

async fn get_html(url: String) -> String {
    let resp = client().get(url).bearer_auth(ADMIN).send().await.unwrap();
    assert_eq!(resp.status(), 200);
    resp.text().await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn erasure_verdict_leads_the_page_and_the_search_row() {
    let tdb = test_db(Db::Sqlite).await.unwrap();
    let server = Server::start(config(&tdb.url)).await;
    let base = server.url("");
    let (key, log_key) = enrolled_station(&base, "station-09").await;
    // As a station writes it: the interrupted drive reached no NIST category.
    let mut stopped = sample::interrupted_certificate(&key);
    stopped.drives[1].method.nist_category = tabula_certificate::NistCategory::None;
    let interrupted = signed_from(stopped, &key, "station-09", 1);
    let clean = signed_from(sample::erased_certificate(&key), &key, "station-09", 2);
    upload_ok(&base, &interrupted, &log_key).await;
    upload_ok(&base, &clean, &log_key).await;

    let page = |bundle: &tabula_certificate::Bundle| {
        server.url(&format!("/certificates/{}", bundle.id().unwrap()))
    };
    let html = get_html(page(&interrupted)).await;
    let erasure = element(&html, "h1", "verdict-erasure");
    assert!(erasure.contains("Not fully erased"), "{erasure}");
    assert!(erasure.contains("bad-mark"), "{erasure}");
    assert!(!html.contains("Erased and verified"), "{html}");
    // The signature verdict is its own line, and it is valid.
    let signature = element(&html, "p", "verdict-certificate");
    assert!(
        signature.contains("Signature and transparency log verified"),
        "{signature}"
    );
    assert!(html.contains(r#"class="verdict bad""#), "{html}");
    let drives = element(&html, "table", "drives");
    assert!(drives.contains("keine erreicht / none reached"), "{drives}");
    assert!(drives.contains("abgebrochen / interrupted"), "{drives}");

    let html = get_html(page(&clean)).await;
    let erasure = element(&html, "h1", "verdict-erasure");
    assert!(erasure.contains("Erased and verified"), "{erasure}");
    let drives = element(&html, "table", "drives");
    assert!(
        drives.contains("Stichprobe: bestanden / sample: passed"),
        "{drives}"
    );
    assert!(erasure.contains("ok-mark"), "{erasure}");
    assert!(html.contains(r#"class="verdict ok""#), "{html}");

    // The search list: each row carries its own erasure verdict.
    let html = get_html(server.url("/?drive_serial=WD-station-09-0001")).await;
    let results = element(&html, "section", "results");
    assert!(results.contains("Not fully erased"), "{results}");
    assert!(results.contains("interrupted"), "{results}");
    assert!(!results.contains("Erased and verified"), "{results}");
    let html = get_html(server.url("/?drive_serial=WD-station-09-0002")).await;
    let results = element(&html, "section", "results");
    assert!(results.contains("Erased and verified"), "{results}");
    assert!(!results.contains("Not fully erased"), "{results}");
    server.stop().await;
}
