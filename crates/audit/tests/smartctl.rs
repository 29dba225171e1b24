//! smartctl `--json=c -a` output from the fixtures: ATA HDD, SATA SSD, NVMe, and a USB bridge
//! smartctl cannot pass through; truncated and garbage output give a clear error.
#![allow(clippy::unwrap_used)]

use std::path::PathBuf;

use tabula_audit::disks::{self, SmartState};
use tabula_audit::smart::{self, Health, SmartError, SmartSummary};

fn json(machine: &str, drive: &str) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures/audit")
        .join(machine)
        .join("smartctl")
        .join(format!("{drive}.json"));
    std::fs::read(path).unwrap()
}

fn summary(machine: &str, drive: &str) -> SmartSummary {
    SmartSummary::from(&smart::parse(&json(machine, drive)).unwrap())
}

#[test]
fn ata_hdd() {
    let s = summary("desktop", "sdb");
    assert_eq!(
        (s.protocol.as_deref(), s.health, s.rotation_rate_rpm),
        (Some("ata"), Some(Health::Passed), Some(7200))
    );
    assert_eq!(
        (
            s.reallocated_sectors,
            s.reported_uncorrectable,
            s.command_timeouts
        ),
        (Some(152), Some(1), Some(4))
    );
    assert_eq!(
        (s.pending_sectors, s.offline_uncorrectable),
        (Some(8), Some(8))
    );
    assert_eq!(
        (s.power_on_hours, s.power_cycles, s.temperature_c),
        (Some(31877), Some(2311), Some(36))
    );
    assert_eq!(
        (s.model.as_deref(), s.serial.as_deref()),
        (Some("TABULA HDD 1TB"), Some("TABHDD0001"))
    );
    assert_eq!(s.percentage_used, None);
}

#[test]
fn sata_ssd() {
    let s = summary("desktop", "sda");
    assert_eq!(
        (
            s.rotation_rate_rpm,
            s.reallocated_sectors,
            s.pending_sectors
        ),
        (Some(0), Some(0), None)
    );
    assert_eq!((s.power_on_hours, s.exit_status), (Some(8123), Some(0)));
}

#[test]
fn nvme() {
    let s = summary("laptop", "nvme0n1");
    assert_eq!(
        (s.protocol.as_deref(), s.health),
        (Some("nvme"), Some(Health::Passed))
    );
    assert_eq!(
        (s.percentage_used, s.available_spare_pct, s.media_errors),
        (Some(7), Some(100), Some(0))
    );
    assert_eq!(s.reallocated_sectors, None);
}

#[test]
fn usb_bridge_failure() {
    let s = summary("laptop", "sdb");
    assert!(!s.has_data());
    assert_eq!(s.exit_status, Some(1));
    assert_eq!(s.messages.len(), 2);
    let smart = disks::from_bytes(&json("laptop", "sdb"));
    assert_eq!(smart.state, SmartState::NoData);
    assert!(
        smart
            .detail
            .unwrap()
            .starts_with("/dev/sdb: Unknown USB bridge [0x090c:0x1000")
    );
}

#[test]
fn truncated_output_is_a_clear_error() {
    let full = json("laptop", "nvme0n1");
    for cut in [1, full.len() / 3, full.len() / 2, full.len() - 3] {
        let err = smart::parse(&full[..cut]).unwrap_err();
        assert!(
            matches!(err, SmartError::Json(ref e) if e.is_eof()),
            "{cut}: {err:?}"
        );
        let smart = disks::from_bytes(&full[..cut]);
        assert_eq!(smart.state, SmartState::Error);
        let detail = smart.detail.unwrap();
        assert!(
            detail.starts_with("smartctl output is not valid JSON: EOF while parsing"),
            "{detail}"
        );
    }
}

#[test]
fn garbage_is_a_clear_error() {
    for garbage in [
        &b"smartctl 7.3 2022-02-28 r5338 [x86_64-linux] (local build)"[..],
        b"\xff\xfe\x00",
        b"[1,2",
    ] {
        let smart = disks::from_bytes(garbage);
        assert_eq!(
            smart.state,
            SmartState::Error,
            "{:?}",
            String::from_utf8_lossy(garbage)
        );
        assert!(
            smart
                .detail
                .unwrap()
                .starts_with("smartctl output is not valid JSON")
        );
    }
    assert!(matches!(smart::parse(b""), Err(SmartError::Empty)));
    for not_an_object in [&b"null"[..], b"[1,2,3]", b"\"PASSED\""] {
        let smart = disks::from_bytes(not_an_object);
        assert_eq!(smart.state, SmartState::Error);
        assert_eq!(
            smart.detail.as_deref(),
            Some("smartctl output is not a JSON object")
        );
    }
    // Valid JSON of the wrong shape in a field the audit reads is an error too, not a guess,
    // and the error names the field.
    let smart = disks::from_bytes(br#"{"power_on_time":{"hours":"many"}}"#);
    assert_eq!(smart.state, SmartState::Error);
    assert!(
        smart.detail.as_deref().unwrap().starts_with(
            "smartctl output has power_on_time.hours of an unexpected shape: invalid type"
        ),
        "{:?}",
        smart.detail
    );
}
