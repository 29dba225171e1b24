//! The whole JSON document and the readable report of each fixture, against golden files
//! (`tests/fixtures/audit/<name>.audit.json`, `<name>.report.txt`), so any change of the documented schema or of a
//! collected value shows up in review. `collected_at`, `root` and `tabula_version` are normalised,
//! and each `disks[].drive` is cut to its name: that record belongs to the wipe crate and is tested there.
//! After an intended change: `TABULA_BLESS=1 cargo test -p tabula-audit --test golden`, then review the diff.
#![allow(clippy::unwrap_used)]

use std::path::PathBuf;

use tabula_audit::{Options, collect};

fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/audit")
}

#[test]
fn documents_match_their_golden_files() {
    for name in ["desktop", "laptop", "slic", "vm", "qemu"] {
        let mut audit = collect(&Options::with_root(dir().join(name))).unwrap();
        audit.collected_at = chrono::DateTime::UNIX_EPOCH;
        audit.root = PathBuf::from(name);
        audit.tabula_version = "normalised".into();
        let mut value = serde_json::to_value(&audit).unwrap();
        for disk in value["disks"].as_array_mut().unwrap() {
            disk["drive"] = serde_json::json!({ "name": disk["drive"]["name"].clone() });
        }
        let json = serde_json::to_string_pretty(&value).unwrap() + "\n";
        let golden = dir().join(format!("{name}.audit.json"));
        if std::env::var_os("TABULA_BLESS").is_some() {
            std::fs::write(&golden, &json).unwrap();
        }
        let expected = std::fs::read_to_string(&golden).unwrap();
        assert!(
            json == expected,
            "{name}: document differs from {}:\n{json}",
            golden.display()
        );
    }
}

#[test]
fn reports_match_their_golden_files() {
    for name in ["desktop", "laptop", "slic", "vm", "qemu"] {
        let audit = collect(&Options::with_root(dir().join(name))).unwrap();
        let text = tabula_audit::render(&audit);
        let golden = dir().join(format!("{name}.report.txt"));
        if std::env::var_os("TABULA_BLESS").is_some() {
            std::fs::write(&golden, &text).unwrap();
        }
        let expected = std::fs::read_to_string(&golden).unwrap();
        assert!(
            text == expected,
            "{name}: report differs from {}:\n{text}",
            golden.display()
        );
    }
}
