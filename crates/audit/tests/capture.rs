//! `--capture` copies what an audit reads; replaying the capture with `--root` gives the same audit.
#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};

use tabula_audit::{Audit, MsdmStatus, Options, capture, collect};

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures/audit")
        .join(name)
}

/// The audit without the fields that legitimately differ between runs.
fn comparable(mut a: Audit) -> Audit {
    a.collected_at = chrono::DateTime::UNIX_EPOCH;
    a.root = PathBuf::new();
    a
}

#[test]
fn capture_replays_to_the_same_audit() {
    for name in ["desktop", "slic", "vm"] {
        let original = collect(&Options::with_root(fixture(name))).unwrap();
        let dir = tempfile::tempdir().unwrap();
        let manifest = capture(&Options::with_root(fixture(name)), dir.path()).unwrap();
        assert!(
            manifest.skipped.is_empty(),
            "{name}: {:?}",
            manifest.skipped
        );
        assert!(dir.path().join("CAPTURE.json").exists());
        let replay = collect(&Options::with_root(dir.path())).unwrap();
        assert_eq!(comparable(replay), comparable(original), "{name}");
    }
}

#[test]
fn capture_keeps_block_device_links_and_smartctl_output() {
    let dir = tempfile::tempdir().unwrap();
    let manifest = capture(&Options::with_root(fixture("laptop")), dir.path()).unwrap();
    let link = std::fs::read_link(dir.path().join("sys/block/sdb")).unwrap();
    assert!(link.to_string_lossy().contains("/usb2/"), "{link:?}");
    assert_eq!(manifest.smartctl, ["nvme0n1", "sdb"]);
    for rel in [
        "sys/firmware/dmi/tables/DMI",
        "sys/firmware/acpi/tables/MSDM",
        "proc/cpuinfo",
        "proc/self/mountinfo",
    ] {
        assert!(
            manifest.files.contains(&PathBuf::from(rel)),
            "{rel} missing from {:?}",
            manifest.files
        );
    }
    assert!(
        !manifest
            .files
            .iter()
            .any(|f| f.starts_with("sys/class/net/lo/device"))
    );
    let replay = collect(&Options::with_root(dir.path())).unwrap();
    let original = collect(&Options::with_root(fixture("laptop"))).unwrap();
    assert_eq!(replay.disks, original.disks);
    assert_eq!(replay.batteries, original.batteries);
    assert_eq!(replay.fitness, original.fitness);
}

#[test]
fn capture_redacts_the_product_key() {
    let dir = tempfile::tempdir().unwrap();
    let manifest = capture(&Options::with_root(fixture("laptop")), dir.path()).unwrap();
    assert!(manifest.msdm_key_redacted);
    let table = std::fs::read(dir.path().join("sys/firmware/acpi/tables/MSDM")).unwrap();
    assert!(!contains(&table, b"TABUL-AAAAA"));
    let replay = collect(&Options::with_root(dir.path())).unwrap();
    match replay.licence.msdm {
        MsdmStatus::Present { key_masked, .. } => {
            assert_eq!(key_masked, "XXXXX-XXXXX-XXXXX-XXXXX-3V66T")
        }
        other => panic!("redacted table must stay valid: {other:?}"),
    }
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

#[test]
fn capture_into_an_unwritable_place_is_an_error() {
    let err = capture(
        &Options::with_root(fixture("vm")),
        Path::new("/proc/tabula-cannot-write-here"),
    )
    .unwrap_err();
    assert!(
        err.to_string().contains("/proc/tabula-cannot-write-here"),
        "{err}"
    );
}
