//! Malformed firmware tables are reported, never trusted and never a panic: MSDM with a bad
//! length, a bad checksum or truncated; SLIC with a bad checksum; SMBIOS structures running past
//! the end of the table; garbage entry points.
#![allow(clippy::unwrap_used)]

use std::fs;
use std::path::PathBuf;

use tabula_audit::acpi::{self, AcpiError};
use tabula_audit::smbios::{self, SmbiosError};
use tabula_audit::{IdentitySource, MsdmStatus, Options, SlicStatus, collect};

const KEY: &str = "TABUL-AAAAA-BBBBB-CCCCC-3V66T";

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures/audit")
        .join(name)
}

/// A root holding only the given firmware files.
fn root_with(files: &[(&str, Vec<u8>)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (rel, bytes) in files {
        let path = dir.path().join(rel);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, bytes).unwrap();
    }
    dir
}

fn msdm_status(bytes: Vec<u8>) -> (MsdmStatus, Vec<String>) {
    let dir = root_with(&[("sys/firmware/acpi/tables/MSDM", bytes)]);
    let a = collect(&Options::with_root(dir.path())).unwrap();
    assert!(!a.has_windows_key());
    assert_eq!(a.key_digest(), None);
    (a.licence.msdm, a.problems)
}

fn good_msdm() -> Vec<u8> {
    fs::read(fixture("laptop").join("sys/firmware/acpi/tables/MSDM")).unwrap()
}

#[test]
fn msdm_with_bad_checksum_is_malformed() {
    let mut t = good_msdm();
    t[60] ^= 0x20; // flips one key character's case: a different key, same length
    assert!(matches!(
        acpi::parse_msdm(&t),
        Err(AcpiError::Checksum { .. })
    ));
    let (status, problems) = msdm_status(t);
    assert!(
        matches!(status, MsdmStatus::Malformed { ref error, .. } if error.contains("checksum")),
        "{status:?}"
    );
    assert!(
        problems
            .iter()
            .any(|p| p.contains("MSDM") && p.contains("checksum")),
        "{problems:?}"
    );
}

#[test]
fn msdm_with_bad_length_is_malformed() {
    let mut t = good_msdm();
    t[4..8].copy_from_slice(&200u32.to_le_bytes());
    assert!(matches!(
        acpi::parse_msdm(&t),
        Err(AcpiError::Length {
            declared: 200,
            actual: 85
        })
    ));
    let (status, _) = msdm_status(t);
    assert!(
        matches!(status, MsdmStatus::Malformed { ref error, .. } if error.contains("declares 200 bytes")),
        "{status:?}"
    );
}

#[test]
fn truncated_msdm_is_malformed() {
    let t = good_msdm();
    for len in [0, 3, 35, 36, 56, 84] {
        let (status, _) = msdm_status(t[..len].to_vec());
        assert!(
            matches!(status, MsdmStatus::Malformed { .. }),
            "{len}: {status:?}"
        );
    }
    // Truncated but with header length and checksum made consistent: the key data no longer fits.
    let mut short = t[..70].to_vec();
    short[4..8].copy_from_slice(&70u32.to_le_bytes());
    short[9] = 0;
    short[9] = 0u8.wrapping_sub(short.iter().fold(0u8, |s, b| s.wrapping_add(*b)));
    assert!(matches!(
        acpi::parse_msdm(&short),
        Err(AcpiError::MsdmData {
            declared: 29,
            available: 14
        })
    ));
}

#[test]
fn valid_msdm_built_here_matches_the_fixture() {
    let built = acpi::build_table(b"MSDM", b"LENOVO", b"TP-N24  ", &acpi::msdm_body(KEY));
    let (ours, fixture) = (
        acpi::parse_msdm(&built).unwrap(),
        acpi::parse_msdm(&good_msdm()).unwrap(),
    );
    assert_eq!(ours.key, fixture.key);
    assert_eq!(ours.header.oem_table_id, fixture.header.oem_table_id);
}

#[test]
fn slic_with_bad_checksum_is_malformed() {
    let mut t = fs::read(fixture("slic").join("sys/firmware/acpi/tables/SLIC")).unwrap();
    t[100] = t[100].wrapping_add(1);
    let dir = root_with(&[("sys/firmware/acpi/tables/SLIC", t)]);
    let a = collect(&Options::with_root(dir.path())).unwrap();
    assert!(
        matches!(a.licence.slic, SlicStatus::Malformed { .. }),
        "{:?}",
        a.licence.slic
    );
}

fn smbios_files(entry: Vec<u8>, table: Vec<u8>) -> tempfile::TempDir {
    root_with(&[
        ("sys/firmware/dmi/tables/smbios_entry_point", entry),
        ("sys/firmware/dmi/tables/DMI", table),
    ])
}

fn tables(name: &str) -> (Vec<u8>, Vec<u8>) {
    let dir = fixture(name).join("sys/firmware/dmi/tables");
    (
        fs::read(dir.join("smbios_entry_point")).unwrap(),
        fs::read(dir.join("DMI")).unwrap(),
    )
}

#[test]
fn smbios_structure_running_past_the_end_is_reported() {
    let (entry, table) = tables("desktop");
    // Cut the table in the middle of the processor structure (type 4): BIOS, system, board and
    // chassis are still read, the cut structure is reported.
    let cut = table.windows(2).position(|w| w == [4, 0x2A]).unwrap() + 10;
    let parsed = smbios::parse(&entry, &table[..cut]).unwrap();
    assert_eq!(
        parsed.system.as_ref().unwrap().product.as_deref(),
        Some("OptiPlex 7060")
    );
    assert!(parsed.processors.is_empty());
    assert_eq!(parsed.problems.len(), 1);
    assert!(
        parsed.problems[0].contains("runs past the end"),
        "{:?}",
        parsed.problems
    );

    let dir = smbios_files(entry.clone(), table[..cut].to_vec());
    let a = collect(&Options::with_root(dir.path())).unwrap();
    assert_eq!(a.system.source, IdentitySource::Smbios);
    assert!(
        a.problems.iter().any(|p| p.contains("runs past the end")),
        "{:?}",
        a.problems
    );

    // A structure whose length byte points beyond the table.
    let mut long = table.clone();
    long[1] = 0xFF;
    let parsed = smbios::parse(&entry, &long[..200]).unwrap();
    assert!(parsed.bios.is_none());
    assert!(
        parsed.problems[0].contains("offset 0"),
        "{:?}",
        parsed.problems
    );
}

/// A structure whose length byte is 0 (a half-erased table): the walk stops there with a clear
/// problem; the structures before it, the drives and the rest of the audit are kept.
#[test]
fn smbios_structure_of_length_zero_is_reported_and_loses_nothing_before_it() {
    let (entry, mut table) = tables("desktop");
    let processor = table.windows(2).position(|w| w == [4, 0x2A]).unwrap();
    table[processor + 1] = 0;
    let parsed = smbios::parse(&entry, &table).unwrap();
    assert_eq!(
        parsed.system.as_ref().unwrap().product.as_deref(),
        Some("OptiPlex 7060")
    );
    assert!(parsed.processors.is_empty() && parsed.memory_devices.is_empty());
    assert_eq!(
        parsed.problems,
        vec![format!(
            "SMBIOS structure at offset {processor} declares length 0 (< 4)"
        )]
    );
    let dir = smbios_files(entry, table);
    let a = collect(&Options::with_root(dir.path())).unwrap();
    assert_eq!(a.system.source, IdentitySource::Smbios);
    assert!(
        a.problems.iter().any(|p| p.contains("declares length 0")),
        "{:?}",
        a.problems
    );
    assert!(tabula_audit::render(&a).contains("declares length 0 (< 4)"));
}

#[test]
fn smbios_2x_table_shorter_than_announced_is_reported() {
    let (entry, table) = tables("laptop");
    let parsed = smbios::parse(&entry, &table[..table.len() - 30]).unwrap();
    assert!(
        parsed
            .problems
            .iter()
            .any(|p| p.contains("the entry point says")),
        "{:?}",
        parsed.problems
    );
}

#[test]
fn broken_entry_point_falls_back_to_sysfs() {
    let (mut entry, table) = tables("laptop");
    entry[0x16] ^= 0xFF;
    assert_eq!(
        smbios::parse(&entry, &table),
        Err(SmbiosError::EntryPointChecksum)
    );
    let dir = smbios_files(entry, table);
    let id = dir.path().join("sys/class/dmi/id");
    fs::create_dir_all(&id).unwrap();
    fs::write(id.join("sys_vendor"), "LENOVO\n").unwrap();
    fs::write(id.join("product_name"), "20L5CTO1WW\n").unwrap();
    fs::write(id.join("chassis_type"), "10\n").unwrap();
    let a = collect(&Options::with_root(dir.path())).unwrap();
    assert_eq!(a.system.source, IdentitySource::Sysfs);
    assert_eq!(
        (a.vendor(), a.product(), a.chassis_kind()),
        (Some("LENOVO"), Some("20L5CTO1WW"), Some("notebook"))
    );
    assert!(
        a.problems
            .iter()
            .any(|p| p.contains("SMBIOS tables ignored")),
        "{:?}",
        a.problems
    );
}

#[test]
fn every_truncation_and_bit_flip_of_real_tables_is_handled() {
    for name in ["desktop", "laptop", "slic"] {
        let (entry, table) = tables(name);
        for len in 0..table.len() {
            let _ = smbios::parse(&entry, &table[..len]);
        }
        for len in 0..entry.len() {
            assert!(smbios::parse(&entry[..len], &table).is_err());
        }
        for i in 0..table.len() {
            let mut t = table.clone();
            t[i] ^= 0xFF;
            let _ = smbios::parse(&entry, &t);
        }
    }
    let t = good_msdm();
    for i in 0..t.len() {
        let mut m = t.clone();
        m[i] ^= 0x55;
        assert!(
            acpi::parse_msdm(&m).is_err(),
            "flip at {i} must break the checksum"
        );
    }
}

/// Problems and table faults are data next to their English words (additive JSON), and the
/// English report words them exactly as the document's strings.
#[test]
fn problems_and_table_faults_are_typed_and_worded_in_english() {
    let mut msdm = good_msdm();
    msdm[60] ^= 0x20;
    let blank_slic = acpi::build_table(b"SLIC", b"DELL  ", b"PE_SC3  ", &[0xff; 338]);
    let dir = root_with(&[
        ("sys/firmware/acpi/tables/MSDM", msdm),
        ("sys/firmware/acpi/tables/SLIC", blank_slic),
    ]);
    let a = collect(&Options::with_root(dir.path())).unwrap();
    // The root has no drives to discover: that is the first problem.
    assert_eq!(a.problem_reasons.len(), 2, "{:?}", a.problem_reasons);
    assert_eq!(
        a.problem_reasons[1],
        tabula_audit::problem::Problem::AcpiMalformed {
            table: "MSDM".into(),
            error: a.licence.msdm.fault().unwrap().clone(),
        }
    );
    assert!(matches!(
        a.licence.msdm.fault(),
        Some(AcpiError::Checksum { .. })
    ));
    assert!(matches!(
        a.licence.slic,
        SlicStatus::Unusable {
            defect: Some(acpi::SlicDefect::Blank),
            ..
        }
    ));
    let json = serde_json::to_value(&a).unwrap();
    assert_eq!(json["problem_reasons"][0]["kind"], "drive_discovery");
    assert_eq!(json["problem_reasons"][1]["kind"], "acpi_malformed");
    assert_eq!(json["problem_reasons"][1]["error"]["kind"], "checksum");
    assert_eq!(json["licence"]["msdm"]["fault"]["kind"], "checksum");
    assert_eq!(json["licence"]["slic"]["defect"], "blank");
    assert_eq!(
        json["licence"]["slic"]["reason"],
        "blank body (all bytes 0x00 or 0xFF)"
    );
    let report = tabula_audit::render(&a);
    assert!(
        report.contains(&format!("Problem      {}\n", a.problems[1])),
        "{report}"
    );
    assert!(
        report.contains("SLIC DELL/PE_SC3 UNUSABLE: blank body (all bytes 0x00 or 0xFF)"),
        "{report}"
    );
    // A document made before the typed data reads as before.
    let mut old = json.clone();
    old.as_object_mut().unwrap().remove("problem_reasons");
    old["licence"]["msdm"]
        .as_object_mut()
        .unwrap()
        .remove("fault");
    let old: tabula_audit::Audit = serde_json::from_value(old).unwrap();
    assert_eq!(tabula_audit::render(&old), report);
}
