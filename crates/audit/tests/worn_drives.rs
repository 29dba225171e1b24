//! Worn drives, from smartctl documents shaped like real ones (`tests/fixtures/smartctl/`): what
//! the audit keeps of SCSI/SAS, ATA and SATA SSD data, and that a drive with grown defects,
//! uncorrectable or pending sectors, or used-up endurance never grades healthy.

#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};
use std::process::Command;

use tabula_audit::rules::Status;
use tabula_audit::smart::{self, SmartSummary};
use tabula_audit::{Audit, Grade, Options, collect};

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures")
}

fn summary(file: &str) -> SmartSummary {
    let bytes = std::fs::read(fixtures().join("smartctl").join(file)).unwrap();
    SmartSummary::from(&smart::parse(&bytes).unwrap())
}

/// The `slic` machine (one internal HDD, sda) with `file` as sda's smartctl output.
fn machine_with(file: &str, dir: &Path) -> Audit {
    let root = dir.join("root");
    let status = Command::new("cp")
        .arg("-a")
        .arg(fixtures().join("audit/slic"))
        .arg(&root)
        .status()
        .unwrap();
    assert!(status.success());
    std::fs::copy(
        fixtures().join("smartctl").join(file),
        root.join("smartctl/sda.json"),
    )
    .unwrap();
    collect(&Options::with_root(root)).unwrap()
}

fn storage_rule(a: &Audit) -> &tabula_audit::rules::RuleOutcome {
    a.fitness
        .rules
        .iter()
        .find(|r| r.id == "storage-healthy")
        .unwrap()
}

#[test]
fn sas_drive_from_smartctl_7_3() {
    let s = summary("sas-7.3-worn.json");
    assert_eq!(s.protocol.as_deref(), Some("scsi"));
    assert_eq!(s.model.as_deref(), Some("TABULA SAS600 10K"));
    assert_eq!(s.serial.as_deref(), Some("TABSAS0001"));
    assert_eq!(
        s.temperature_c,
        Some(34),
        "from the environmental report, not 0"
    );
    assert_eq!(s.grown_defects, Some(260));
    assert_eq!(s.uncorrected_errors, Some(535));
    assert_eq!(s.power_on_hours, Some(48213));

    let dir = tempfile::tempdir().unwrap();
    let a = machine_with("sas-7.3-worn.json", dir.path());
    let rule = storage_rule(&a);
    assert_eq!(rule.status, Status::Fail, "{rule:?}");
    assert!(rule.detail.contains("260 grown defects"), "{}", rule.detail);
    assert!(
        rule.detail
            .contains("535 uncorrected read/write/verify errors"),
        "{}",
        rule.detail
    );
    assert_eq!(a.grade(), Grade::Unfit);
}

#[test]
fn sas_drive_from_smartctl_7_2_and_vendor_product_only() {
    let s = summary("sas-7.2.json");
    assert_eq!(s.model.as_deref(), Some("TABULA SAS300"));
    assert_eq!(s.temperature_c, Some(29));
    assert_eq!((s.grown_defects, s.uncorrected_errors), (Some(0), Some(0)));
    let dir = tempfile::tempdir().unwrap();
    assert_eq!(
        storage_rule(&machine_with("sas-7.2.json", dir.path())).status,
        Status::Pass
    );
    let j = smart::parse(br#"{"scsi_vendor":"TABULA","scsi_product":"SAS900"}"#).unwrap();
    assert_eq!(
        SmartSummary::from(&j).model.as_deref(),
        Some("TABULA SAS900")
    );
}

#[test]
fn pending_and_uncorrectable_sectors_fail_a_drive_without_reallocations() {
    let s = summary("ata-hdd-pending.json");
    assert_eq!(s.reallocated_sectors, Some(0));
    assert_eq!(
        (
            s.pending_sectors,
            s.offline_uncorrectable,
            s.reported_uncorrectable
        ),
        (Some(24), Some(24), Some(3))
    );
    assert_eq!(s.temperature_c, Some(36));
    let dir = tempfile::tempdir().unwrap();
    let a = machine_with("ata-hdd-pending.json", dir.path());
    let rule = storage_rule(&a);
    assert_eq!(rule.status, Status::Fail);
    for part in [
        "24 pending sectors",
        "24 offline uncorrectable sectors",
        "3 reported uncorrectable errors",
    ] {
        assert!(rule.detail.contains(part), "{part}: {}", rule.detail);
    }
}

#[test]
fn sata_ssd_wear_is_kept_and_graded() {
    let s = summary("sata-ssd-worn.json");
    assert_eq!(s.percentage_used, Some(97));
    // Without device statistics, the wear attribute says the same (100 - normalised value).
    let mut j: serde_json::Value = serde_json::from_slice(
        &std::fs::read(fixtures().join("smartctl/sata-ssd-worn.json")).unwrap(),
    )
    .unwrap();
    j.as_object_mut().unwrap().remove("ata_device_statistics");
    let s = SmartSummary::from(&smart::parse(j.to_string().as_bytes()).unwrap());
    assert_eq!(s.percentage_used, Some(97));

    let dir = tempfile::tempdir().unwrap();
    let mut rules = tabula_audit::rules::Rules::defaults();
    for r in &mut rules.rules {
        if let tabula_audit::rules::Check::HealthyStorage {
            max_nvme_used_pct, ..
        } = &mut r.check
        {
            *max_nvme_used_pct = 90;
        }
    }
    let root = dir.path().join("root");
    let _ = machine_with("sata-ssd-worn.json", dir.path());
    let mut options = Options::with_root(root);
    options.rules = Some(rules);
    let a = collect(&options).unwrap();
    let rule = storage_rule(&a);
    assert_eq!(rule.status, Status::Fail);
    assert!(
        rule.detail
            .contains("97 % of rated endurance used (at most 90 %)"),
        "{}",
        rule.detail
    );
}

#[test]
fn packed_raw_values_are_read_as_their_first_counter() {
    let s = summary("seagate-packed.json");
    assert_eq!(s.command_timeouts, Some(2), "not 8590065666");
    assert_eq!(s.pending_sectors, Some(0));
}

#[test]
fn fields_of_unexpected_shape_are_absent_not_fatal() {
    let s = summary("odd-shapes.json");
    assert_eq!(s.model.as_deref(), Some("TABULA ODD"));
    assert_eq!(s.grown_defects, None);
    assert_eq!(s.uncorrected_errors, None);
    assert_eq!(s.temperature_c, None);
    assert_eq!(s.percentage_used, None);
    assert_eq!(s.power_on_hours, Some(100));
}

#[test]
fn smartctl_6_7_ssd_wear_and_temperature_come_from_its_attributes() {
    let s = summary("ata-6.7-ssd-worn.json");
    assert_eq!(s.model.as_deref(), Some("TABULA CT500 SSD"));
    assert_eq!(s.percentage_used, Some(92), "Percent_Lifetime_Remain 8");
    assert_eq!(s.temperature_c, Some(38), "from \"38 (Min/Max 0/55)\"");
    assert_eq!(s.exit_status, Some(64));
    assert_eq!(s.health, Some(smart::Health::Passed));
    let dir = tempfile::tempdir().unwrap();
    let a = machine_with("ata-6.7-ssd-worn.json", dir.path());
    assert_eq!(
        storage_rule(&a).status,
        Status::Pass,
        "92 % is within 100 %"
    );
}

#[test]
fn a_sas_ssd_past_its_rated_endurance_is_unfit() {
    let s = summary("sas-ssd-7.5-worn.json");
    assert_eq!(s.model.as_deref(), Some("TABULA SAS SSD 800"));
    assert_eq!(s.percentage_used, Some(104));
    assert_eq!(s.temperature_c, Some(31));
    let dir = tempfile::tempdir().unwrap();
    let a = machine_with("sas-ssd-7.5-worn.json", dir.path());
    let rule = storage_rule(&a);
    assert_eq!(rule.status, Status::Fail);
    assert!(
        rule.detail
            .contains("104 % of rated endurance used (at most 100 %)"),
        "{}",
        rule.detail
    );
    assert_eq!(a.grade(), Grade::Unfit);
}

#[test]
fn a_malformed_smartctl_document_is_a_clear_error_and_loses_nothing_else() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("root");
    let _ = machine_with("sas-7.2.json", dir.path());
    for (bytes, detail) in [
        (
            &br#"{"smartctl":{"version":[7,3]},"smart_status":{"passed":tr"#[..],
            "smartctl output is not valid JSON: EOF while parsing",
        ),
        (
            br#"{"smart_status":{"passed":true},"ata_smart_attributes":{"table":"none"}}"#,
            "smartctl output has ata_smart_attributes.table of an unexpected shape",
        ),
    ] {
        std::fs::write(root.join("smartctl/sda.json"), bytes).unwrap();
        let a = collect(&Options::with_root(root.clone())).unwrap();
        let disk = &a.disks[0];
        assert_eq!(disk.smart.state, tabula_audit::disks::SmartState::Error);
        assert!(
            disk.smart.detail.as_deref().unwrap().starts_with(detail),
            "{:?}",
            disk.smart.detail
        );
        // The drive cannot be judged healthy; the rest of the machine is still audited.
        assert_eq!(storage_rule(&a).status, Status::Unknown);
        assert_eq!(a.grade(), Grade::C, "on_unknown of the storage rule");
        assert!(a.system.vendor.is_some() && a.cpu.model.is_some());
        assert_eq!(disk.drive.name, "sda");
    }
}
