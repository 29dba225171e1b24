//! An audit that tells the truth (issue 13), as a technician and an auditor see it: `tabula
//! audit` in German and English, and the certificate PDF, for the `slic` machine with a worn
//! drive's smartctl document (`tests/fixtures/smartctl/`) as sda, and with blank licence tables.

#![allow(clippy::unwrap_used)] // test code: a failed unwrap is a failed test

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use tabula_certificate::{PdfOptions, StationKey, render_pdf, sample};

mod support;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures")
}

/// `dir/root`: the `slic` machine (one internal HDD) with `smartctl` as sda's smartctl output.
fn machine(dir: &Path, smartctl: &str) -> PathBuf {
    let root = dir.join("root");
    let status = Command::new("cp")
        .arg("-a")
        .arg(fixtures().join("audit/slic"))
        .arg(&root)
        .status()
        .unwrap();
    assert!(status.success());
    std::fs::copy(
        fixtures().join("smartctl").join(smartctl),
        root.join("smartctl/sda.json"),
    )
    .unwrap();
    root
}

fn audit(lang: &str, dir: &Path, args: &[&str]) -> String {
    let root = dir.join("root");
    let out: Output = support::tabula_in(
        lang,
        dir,
        &[&["audit", "--root", root.to_str().unwrap()], args].concat(),
    );
    assert!(out.status.success(), "{}", support::text(&out));
    String::from_utf8(out.stdout).unwrap()
}

fn contains_all(text: &str, wanted: &[&str]) {
    for want in wanted {
        assert!(text.contains(want), "{want:?} missing in\n{text}");
    }
}

#[test]
fn a_sas_drive_with_grown_defects_and_uncorrected_writes_is_unfit_in_both_languages() {
    let dir = tempfile::tempdir().unwrap();
    machine(dir.path(), "sas-7.3-worn.json");
    contains_all(
        &audit("de_DE.UTF-8", dir.path(), &[]),
        &[
            "Eignung      ungeeignet\n",
            "  NEIN storage-healthy    sda: 260 hinzugekommene Defekte (höchstens 0), 535 nicht \
             korrigierte Lese-, Schreib- oder Prüffehler (höchstens 0)\n",
            "nicht korrigiert 535",
        ],
    );
    contains_all(
        &audit("C.UTF-8", dir.path(), &[]),
        &[
            "Grade        unfit\n",
            "  FAIL storage-healthy    sda: 260 grown defects (at most 0), 535 uncorrected \
             read/write/verify errors (at most 0)\n",
            "uncorrected 535",
        ],
    );
}

#[test]
fn pending_and_uncorrectable_sectors_are_named_in_both_languages() {
    let dir = tempfile::tempdir().unwrap();
    machine(dir.path(), "ata-hdd-pending.json");
    contains_all(
        &audit("de_DE.UTF-8", dir.path(), &[]),
        &[
            "  NEIN storage-healthy    sda: 24 schwebende Sektoren (höchstens 0), 24 offline nicht \
           korrigierbare Sektoren (höchstens 0), 3 gemeldete nicht korrigierbare Fehler \
           (höchstens 0)\n",
        ],
    );
    contains_all(
        &audit("C.UTF-8", dir.path(), &[]),
        &[
            "  FAIL storage-healthy    sda: 24 pending sectors (at most 0), 24 offline \
           uncorrectable sectors (at most 0), 3 reported uncorrectable errors (at most 0)\n",
        ],
    );
}

#[test]
fn sata_ssd_wear_is_graded_by_the_rules_file_threshold() {
    let dir = tempfile::tempdir().unwrap();
    machine(dir.path(), "sata-ssd-worn.json");
    std::fs::write(
        dir.path().join("rules.toml"),
        "[[rule]]\nid = \"storage\"\ncheck = \"healthy_storage\"\nmax_used_pct = 90\n\
         on_fail = \"C\"\n",
    )
    .unwrap();
    let rules = ["--rules", "rules.toml"];
    contains_all(
        &audit("de_DE.UTF-8", dir.path(), &rules),
        &[
            "Eignung      C\n",
            "  NEIN storage            sda: 97 % der Nenn-Lebensdauer verbraucht (höchstens 90 %)\n",
            "Verschleiß 97 %",
        ],
    );
    contains_all(
        &audit("C.UTF-8", dir.path(), &rules),
        &["  FAIL storage            sda: 97 % of rated endurance used (at most 90 %)\n"],
    );
    // The built-in rules allow up to 100 % of rated endurance.
    contains_all(
        &audit("C.UTF-8", dir.path(), &[]),
        &["  ok   storage-healthy    sda: healthy HDD\n", "wear 97 %"],
    );
}

#[test]
fn the_certificate_pdf_shows_the_grade_and_why_in_both_languages() {
    let dir = tempfile::tempdir().unwrap();
    machine(dir.path(), "sas-7.3-worn.json");
    let document: serde_json::Value =
        serde_json::from_str(&audit("C.UTF-8", dir.path(), &["--json"])).unwrap();
    let key = StationKey::from_seed(&[7; 32]);
    let pdf = dir.path().join("cert.pdf");
    std::fs::write(
        &pdf,
        render_pdf(
            &sample::erased_certificate(&key),
            &PdfOptions::default().with_audit(document),
        )
        .unwrap(),
    )
    .unwrap();
    let out = Command::new("pdftotext")
        .args(["-layout", "-enc", "UTF-8"])
        .arg(&pdf)
        .arg("-")
        .output()
        .expect("pdftotext (Debian package poppler-utils) must be installed");
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout)
        .unwrap()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    contains_all(
        &text,
        &[
            "ungeeignet / unfit",
            "sda: 260 hinzugekommene Defekte (höchstens 0), 535 nicht korrigierte Lese-, \
             Schreib- oder Prüffehler (höchstens 0) / sda: 260 grown defects (at most 0), 535 \
             uncorrected read/write/verify errors (at most 0)",
        ],
    );
}

/// Licence tables as real firmware leaves them: an MSDM whose key field is erased flash and a
/// SLIC whose OEM ids and body are all 0xFF.
#[test]
fn blank_licence_tables_are_named_as_such_with_unknown_oem_ids() {
    use tabula_audit::acpi::{build_table, msdm_body};
    let dir = tempfile::tempdir().unwrap();
    let root = machine(dir.path(), "sas-7.2.json");
    let tables = root.join("sys/firmware/acpi/tables");
    let mut erased = msdm_body("TABUL-AAAAA-BBBBB-CCCCC-3V66T");
    let key_at = erased.len() - 29;
    erased[key_at..].fill(0xFF);
    std::fs::write(
        tables.join("MSDM"),
        build_table(b"MSDM", b"LENOVO", b"CB-01   ", &erased),
    )
    .unwrap();
    std::fs::write(
        tables.join("SLIC"),
        build_table(b"SLIC", &[0xFF; 6], &[0xFF; 8], &[0xFF; 338]),
    )
    .unwrap();
    contains_all(
        &audit("de_DE.UTF-8", dir.path(), &[]),
        &[
            "Lizenz       MSDM FEHLERHAFT: die MSDM-Tabelle enthält keinen Produktschlüssel (das \
           Schlüsselfeld ist leer); SLIC unbekannt/unbekannt UNBRAUCHBAR: leerer Inhalt (alle \
           Bytes 0x00 oder 0xFF)\n",
        ],
    );
    let en = audit("C.UTF-8", dir.path(), &[]);
    contains_all(
        &en,
        &[
            "Licence      MSDM MALFORMED: MSDM carries no product key (the key field is blank); \
           SLIC unknown/unknown UNUSABLE: blank body (all bytes 0x00 or 0xFF)\n",
        ],
    );
    assert!(!en.contains('\u{FFFD}'), "{en}");
}
