//! The PDF: fields read back with `pdftotext` (Debian package poppler-utils), page size and
//! count, embedded subset font, the QR link.
//!
//! - `sample_pdf_has_the_fields`: every fact of the sample certificate is in the text.
//! - `three_drives_fit_one_page`: a typical PC (three drives, seven passes each) is one page.
//! - `many_drives_spill_onto_more_pages`: 12 drives give more than one page, all numbered.
//! - `erasure_verdict_leads`: "Not fully erased" (interrupted) or "Erased and verified" (clean)
//!   heads the page; the signature is a separate line.
//! - `qr_link_uses_the_registry_url`: the link annotation carries `<url>/certificates/<id>`.

#![allow(clippy::unwrap_used)]

use std::fs;
use std::path::Path;
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
        &PdfOptions::with_registry_url("https://registry.example/"),
    );
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
        "250.1 GB",
        "WD-WX11A12B3456",
        "Purge (NIST SP 800-88 Rev. 1)",
        "Clear (NIST SP 800-88 Rev. 1)",
        "ata-secure-erase-enhanced",
        "HPA: entfernt und gelöscht / removed and wiped",
        "Clear (NIST SP 800-88 Rev. 1) · BSI: BSI-VSITR",
        "1048576 +4096: write: EIO",
        "7. 0xaa 12 min 00 s",
        "Gehäuse beschädigt; Festplatte über USB-Adapter gelöscht.",
        "2026-11-18T",
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
    // The product key itself is never printed.
    assert!(!text.contains("VK7JG"));
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
    let text = headline(&sample::interrupted_certificate(&key));
    assert!(text.contains("Nicht vollständig gelöscht"), "{text}");
    assert!(text.contains("Not fully erased"), "{text}");
    assert!(
        text.contains("ABGEBROCHEN / INTERRUPTED (interrupted)"),
        "{text}"
    );
    assert!(!text.contains("Erased and verified"), "{text}");

    let text = headline(&sample::erased_certificate(&key));
    assert!(text.contains("Gelöscht und geprüft"), "{text}");
    assert!(text.contains("Erased and verified"), "{text}");
    assert!(!text.contains("Not fully erased"), "{text}");
}
