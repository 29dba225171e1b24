//! The PDF: fields read back with `pdftotext` (Debian package poppler-utils), page size and
//! count, embedded subset font, the QR link.
//!
//! - `sample_pdf_has_the_fields`: every fact of the sample certificate is in the text.
//! - `three_drives_fit_one_page`: a typical PC (three drives, seven passes each) is one page.
//! - `many_drives_spill_onto_more_pages`: 12 drives give more than one page, all numbered.
//! - `erasure_verdict_leads`: "Not fully erased" (interrupted) or "Erased and verified" (clean)
//!   heads the page; the signature is a separate line.
//! - `qr_link_uses_the_registry_url`: the link annotation carries `<url>/certificates/<id>`.
//! - `qr_decodes_from_a_50_dpi_print`: the page rendered at 50 dpi (`pdftoppm -r 50`) gives
//!   the link back through `zbarimg` (Debian package zbar-tools); the PNGs stay in
//!   `target/test-artifacts/pdf-*.png` to look at. Without those tools it fails, unless
//!   `TABULA_ALLOW_SKIP=1` lets it skip (CI installs both).
//! - `empty_fields_leave_no_stray_separators`: unknown vendor, firmware, image show nothing.
//! - `a_resumed_wipe_names_what_it_continues`: the continued certificate's id and the passes
//!   numbered as the method does (5/7 .. 7/7), times in the zone given.

#![allow(clippy::unwrap_used)]

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use tabula_certificate::{Certificate, PdfOptions, StationKey, render_pdf, sample};

fn pdftotext(pdf: &Path) -> String {
    let out = Command::new("pdftotext")
        .args(["-layout", "-enc", "UTF-8"])
        .arg(pdf)
        .arg("-")
        .output()
        .expect("pdftotext (Debian package poppler-utils) must be installed");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn pdfinfo(pdf: &Path) -> String {
    let out = Command::new("pdfinfo").arg(pdf).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn render(cert: &Certificate, options: &PdfOptions) -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cert.pdf");
    fs::write(&path, render_pdf(cert, options).unwrap()).unwrap();
    (dir, path)
}

#[test]
fn sample_pdf_has_the_fields() {
    let key = StationKey::from_seed(&[5; 32]);
    let cert = sample::certificate(&key);
    let (_dir, path) = render(
        &cert,
        &PdfOptions::with_registry_url("https://registry.example/").with_audit(sample::audit()),
    );
    keep_pages(&path, "sample");
    let info = pdfinfo(&path);
    assert!(info.contains("Pages:           1"), "{info}");
    assert!(info.contains("595.28 x 841.89 pts (A4)"), "{info}");
    let text = pdftotext(&path);
    let fingerprint = key.public().fingerprint();
    for needle in [
        "Löschzertifikat",
        "Certificate of Sanitization",
        "GELÖSCHT MIT FEHLERN",
        "ERASED WITH ERRORS",
        &cert.id.to_string(),
        "Stadt Leipzig, Amt für Schule",
        "Lernmittelwerkstatt Grünau",
        "Jürgen Weiß (T-042)",
        "LENOVO",
        "ThinkPad T480",
        "PF1ABCDE",
        "4c4c4544-0042-3510-8052-b4c04f4a4e32",
        "notebook",
        &cert.machine.audit_digest,
        "Samsung SSD 860 EVO 250GB",
        "S3YJNX0K123456",
        "RVT04B6Q",
        "232,9 GiB",
        "WD-WX11A12B3456",
        "Purge (NIST SP 800-88 Rev. 1)",
        "Clear (NIST SP 800-88 Rev. 1)",
        "ata-secure-erase-enhanced",
        "HPA: entfernt und gelöscht / removed and wiped",
        "Clear (NIST SP 800-88 Rev. 1) · BSI: BSI-VSITR",
        "1048576 +4096: write: EIO",
        "7/7 0xaa 12 min 00 s",
        "B · geeignet / suited: Battery at 50 % of its design capacity or more (portable",
        "BAT0: 41.0 %",
        "Windows 11",
        "MSDM: vorhanden / present (LENOVO) · SLIC: keine / none",
        "Gehäuse beschädigt; Festplatte über USB-Adapter gelöscht.",
        "18.11.2026 12:06:40 CET",
        "Ed25519",
        "Seite / Page 1 / 1",
    ] {
        assert!(text.contains(needle), "missing {needle:?} in:\n{text}");
    }
    // The fingerprint may wrap; it is there once the line breaks are removed.
    let joined: String = text.split_whitespace().collect();
    assert!(
        joined.contains(&fingerprint),
        "missing fingerprint in:\n{text}"
    );
    assert!(joined.contains(&format!(
        "https://registry.example/certificates/{}",
        cert.id
    )));
    // The product key itself is never printed, nor a path into Tabula's repository.
    assert!(!text.contains("VK7JG"));
    assert!(!text.contains("docs/"), "{text}");
}

fn page_count(pdf: &Path) -> usize {
    let info = pdfinfo(pdf);
    info.lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .unwrap()
        .trim()
        .parse()
        .unwrap()
}

#[test]
fn three_drives_fit_one_page() {
    let key = StationKey::from_seed(&[5; 32]);
    let mut cert = sample::certificate(&key);
    // The seven-pass drive of the sample (with its hidden-area state), three times, erased and
    // verified (a drive with error ranges takes more lines).
    let mut drive = cert.drives[1].clone();
    drive.error_ranges.clear();
    drive.status = tabula_certificate::Status::Erased;
    drive.verification.outcome = tabula_certificate::VerificationOutcome::Passed;
    cert.drives = (0..3)
        .map(|i| {
            let mut d = drive.clone();
            d.serial = format!("SERIAL-{i:02}");
            d
        })
        .collect();
    cert.result = tabula_certificate::Status::overall(cert.drives.iter().map(|d| d.status));
    let (_dir, path) = render(
        &cert,
        &PdfOptions::with_registry_url("https://registry.example/"),
    );
    assert_eq!(page_count(&path), 1);
    let text = pdftotext(&path);
    for i in 0..3 {
        assert!(
            text.contains(&format!("SERIAL-{i:02}")),
            "drive {i} missing"
        );
    }
    assert!(text.contains("Seite / Page 1 / 1"));
}

#[test]
fn many_drives_spill_onto_more_pages() {
    let key = StationKey::from_seed(&[5; 32]);
    let mut cert = sample::certificate(&key);
    let drive = cert.drives[1].clone();
    cert.drives = (0..12)
        .map(|i| {
            let mut d = drive.clone();
            d.serial = format!("SERIAL-{i:02}");
            d
        })
        .collect();
    let (_dir, path) = render(&cert, &PdfOptions::default());
    let pages = page_count(&path);
    assert!(pages > 1, "{pages} page(s)");
    let text = pdftotext(&path);
    for i in 0..12 {
        assert!(
            text.contains(&format!("SERIAL-{i:02}")),
            "drive {i} missing"
        );
    }
    assert!(text.contains(&format!("Seite / Page {pages} / {pages}")));
}

#[test]
fn qr_link_uses_the_registry_url() {
    let key = StationKey::from_seed(&[5; 32]);
    let cert = sample::certificate(&key);
    let options = PdfOptions::with_registry_url("https://registry.example/base/");
    assert_eq!(
        options.link(&cert),
        format!("https://registry.example/base/certificates/{}", cert.id)
    );
    assert_eq!(PdfOptions::default().link(&cert), cert.id.to_string());
    let bytes = render_pdf(&cert, &options).unwrap();
    let raw = String::from_utf8_lossy(&bytes);
    assert!(raw.contains(&format!(
        "/URI (https://registry.example/base/certificates/{})",
        cert.id
    )));
    assert!(raw.contains("/FontFile2"), "font must be embedded");
    assert!(raw.contains("/ToUnicode"), "text must be extractable");
    assert!(
        bytes.len() < 200_000,
        "subset fonts keep the PDF small: {}",
        bytes.len()
    );
}

/// The erasure verdict is the headline, not the signature: an interrupted wipe never reads as
/// erased, a clean one does; the result and the signature each keep their own line.
#[test]
fn erasure_verdict_leads() {
    let key = StationKey::from_seed(&[5; 32]);
    let headline = |cert: &Certificate| {
        let (_dir, path) = render(cert, &PdfOptions::default());
        let text = pdftotext(&path);
        let signature = text
            .lines()
            .position(|l| l.contains("check the signature separately: tabula verify"));
        let first = text.lines().position(|l| {
            l.contains("Nicht vollständig gelöscht") || l.contains("Gelöscht und geprüft")
        });
        assert!(first.is_some() && first < signature, "{text}");
        text
    };
    // As a station writes it: the interrupted drive reached no NIST category.
    let mut interrupted = sample::interrupted_certificate(&key);
    interrupted.drives[1].method.nist_category = tabula_certificate::NistCategory::None;
    let text = headline(&interrupted);
    assert!(text.contains("Nicht vollständig gelöscht"), "{text}");
    assert!(text.contains("Not fully erased"), "{text}");
    assert!(
        text.contains("ABGEBROCHEN / INTERRUPTED (interrupted)"),
        "{text}"
    );
    assert!(
        text.contains("keine erreicht / none reached (NIST SP 800-88 Rev. 1)"),
        "{text}"
    );
    assert!(!text.contains("Erased and verified"), "{text}");

    let text = headline(&sample::erased_certificate(&key));
    assert!(text.contains("Gelöscht und geprüft"), "{text}");
    assert!(text.contains("Erased and verified"), "{text}");
    assert!(!text.contains("Not fully erased"), "{text}");
}

/// `pdftoppm -r DPI` of every page into `dir`, the PNG paths in page order.
fn pages_as_png(pdf: &Path, dpi: u32, dir: &Path, name: &str) -> Vec<std::path::PathBuf> {
    let prefix = dir.join(name);
    let out = Command::new("pdftoppm")
        .args(["-r", &dpi.to_string(), "-png"])
        .arg(pdf)
        .arg(&prefix)
        .output()
        .expect("pdftoppm (Debian package poppler-utils) must be installed");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut pages: Vec<_> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with(name) && n.ends_with(".png"))
        })
        .collect();
    pages.sort();
    pages
}

/// The pages at 100 dpi in `target/test-artifacts`, to look at.
fn keep_pages(pdf: &Path, name: &str) {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("../test-artifacts");
    fs::create_dir_all(&dir).unwrap();
    let name = format!("pdf-{name}");
    assert!(!pages_as_png(pdf, 100, &dir, &name).is_empty());
}

/// Whether `tool` runs; when it is missing the test fails, unless `TABULA_ALLOW_SKIP=1` (a
/// workstation without it; `make test` and CI never set it, and CI installs the tool).
fn tool_present(tool: &str, package: &str) -> bool {
    match Command::new(tool).arg("--version").output() {
        Ok(_) => true,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            assert!(
                std::env::var("TABULA_ALLOW_SKIP").is_ok_and(|v| v == "1"),
                "{tool} (Debian package {package}, listed in .ci/apt-packages) is required; \
                 TABULA_ALLOW_SKIP=1 skips this test on a workstation without it"
            );
            eprintln!("SKIPPED: {tool} not installed (apt-get install {package})");
            false
        }
        Err(e) => panic!("{tool}: {e}"),
    }
}

#[test]
fn qr_decodes_from_a_50_dpi_print() {
    if !tool_present("pdftoppm", "poppler-utils") || !tool_present("zbarimg", "zbar-tools") {
        return;
    }
    let key = StationKey::from_seed(&[5; 32]);
    let cert = sample::certificate(&key);
    // A long registry address, as a school authority might have.
    let options = PdfOptions::with_registry_url("https://tabula-register.schulamt-leipzig.de/");
    let (dir, path) = render(&cert, &options);
    let pages = pages_as_png(&path, 50, dir.path(), "print");
    let artifacts = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("../test-artifacts");
    fs::create_dir_all(&artifacts).unwrap();
    fs::copy(&pages[0], artifacts.join("pdf-qr-50dpi.png")).unwrap();
    let out = Command::new("zbarimg")
        .args(["--raw", "-q"])
        .arg(&pages[0])
        .output()
        .expect("zbarimg (Debian package zbar-tools) must be installed");
    assert!(
        out.status.success(),
        "no QR code decoded at 50 dpi: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        String::from_utf8(out.stdout).unwrap().trim(),
        options.link(&cert)
    );
}

#[test]
fn empty_fields_leave_no_stray_separators() {
    let key = StationKey::from_seed(&[5; 32]);
    let mut cert = sample::erased_certificate(&key);
    cert.machine.vendor.clear();
    cert.machine.uuid.clear();
    cert.station.image_id.clear();
    cert.drives[0].firmware.clear();
    cert.remark.clear();
    let (_dir, path) = render(&cert, &PdfOptions::default());
    let text = pdftotext(&path);
    for line in text.lines() {
        let t = line.trim();
        assert!(
            !t.ends_with('·') && !t.contains("· ·") && !t.contains("  · "),
            "stray separator in {line:?}"
        );
    }
    assert!(text.contains("ThinkPad T480"), "{text}");
    assert!(!text.contains("UUID"), "{text}");
    assert!(!text.contains("Bemerkung"), "{text}");
    assert!(!text.contains("Abbild"), "{text}");
}

#[test]
fn a_resumed_wipe_names_what_it_continues() {
    let key = StationKey::from_seed(&[5; 32]);
    let mut cert = sample::erased_certificate(&key);
    let previous = uuid::Uuid::now_v7();
    cert.continues = Some(previous);
    cert.drives[1].passes.drain(..4);
    let zone = tabula_certificate::LocalZone::named("America/New_York").unwrap();
    let (_dir, path) = render(&cert, &PdfOptions::default().with_zone(zone));
    keep_pages(&path, "resumed");
    let text = pdftotext(&path);
    assert!(text.contains(&previous.to_string()), "{text}");
    assert!(text.contains("Setzt fort / Continues"), "{text}");
    assert!(text.contains("5/7 0x00"), "{text}");
    assert!(text.contains("7/7 0xaa"), "{text}");
    assert!(!text.contains("1/7"), "{text}");
    assert!(text.contains("18.11.2026 06:06:40 EST"), "{text}");
}

/// The fitness reasons in both of the sheet's languages: German from the audit's typed
/// `reason`, English from its `detail`, with the numbers in each language's notation.
#[test]
fn fitness_reasons_in_german_and_english() {
    let key = StationKey::from_seed(&[5; 32]);
    let cert = sample::erased_certificate(&key);
    let audit = serde_json::json!({"fitness": {"grade": "B", "rules": [
        {"id": "battery-health", "detail": "BAT0: 31.5 % (needs 50 %)", "status": "fail",
         "grade": "B", "reason": {"kind": "batteries", "needs_pct": 50.0,
            "batteries": [{"name": "BAT0", "health_pct": 31.5}]}}],
        "windows11": {"meets_floor": false, "checks": [{"name": "tpm-2.0", "passed": false},
            {"name": "cpu", "passed": false}]}}});
    let (_dir, path) = render(&cert, &PdfOptions::default().with_audit(audit));
    let text = pdftotext(&path)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    assert!(
        text.contains("battery-health: BAT0: 31,5 % (mindestens 50 %) / BAT0: 31.5 % (needs 50 %)"),
        "{text}"
    );
    assert!(
        text.contains("nicht geeignet / not suitable (TPM 2.0, CPU-Generation / CPU generation)"),
        "{text}"
    );
}
