//! A realistic sample certificate and audit document, for tests, demos and other crates'
//! fixtures (`tabula-registry` tests sign these). Not used by the station itself.

use chrono::{DateTime, Duration, Utc};
use serde_json::json;

use crate::key::StationKey;
use crate::schema::{
    CanaryCheck, Certificate, DriveRecord, ErrorRange, FirmwareCommand, FirmwareErase,
    HiddenAreaState, HiddenAreas, Machine, Method, NistCategory, PassRecord, ProductKeyNote,
    Sampling, Station, Status, Verification, VerificationMode, VerificationOutcome,
};

/// The digest of [`audit()`] (a unit test keeps it current), so the sample certificates need no
/// fallible step.
pub const AUDIT_DIGEST: &str =
    "blake3:7a87f364476f66b73e53a0a37eec36e8ef8ee9ee84a26a7b89959a58b3d0075c";

/// A sample audit document (the shape the audit crate writes is opaque here).
pub fn audit() -> serde_json::Value {
    json!({
        "schema": "tabula-audit/1",
        "system": {"vendor": "LENOVO", "model": "ThinkPad T480", "serial": "PF1ABCDE",
                   "uuid": "4c4c4544-0042-3510-8052-b4c04f4a4e32", "chassis": "notebook"},
        "memory": [{"size_bytes": 8589934592u64, "type": "DDR4", "speed_mts": 2400}],
        "cpu": {"model": "Intel(R) Core(TM) i5-8350U CPU @ 1.70GHz", "cores": 4},
        "windows_product_key": {"present": true,
            "digest": ProductKeyNote::from_key("VK7JG-NPHTM-C97JM-9MPGT-3V66T").digest},
        "licence": {
            "msdm": {"status": "present", "oem_id": "LENOVO", "oem_table_id": "TP-N24",
                     "key_masked": "XXXXX-XXXXX-XXXXX-XXXXX-3V66T",
                     "key_blake3": ProductKeyNote::from_key("VK7JG-NPHTM-C97JM-9MPGT-3V66T")
                         .digest.trim_start_matches("blake3:")},
            "slic": {"status": "absent"}},
        "fitness": {"grade": "B", "rules": [
            {"id": "ram-minimum", "description": "At least 4 GiB RAM",
             "detail": "8.0 GiB (needs 4 GiB)", "status": "pass", "grade": null},
            {"id": "battery-health",
             "description": "Battery at 50 % of its design capacity or more (portable machines)",
             "detail": "BAT0: 41.0 %", "status": "fail", "grade": "B"}],
            "windows11": {"meets_floor": true, "recommendation": "windows11", "checks": [
                {"name": "tpm-2.0", "passed": true, "detail": "TPM 2.0"}]}},
    })
}

/// A sample certificate signed-ready for `key` and [`audit()`]: two drives, one erased with
/// a purge method, one erased with errors; German text in the remark and site.
pub fn certificate(key: &StationKey) -> Certificate {
    certificate_with_id(key, uuid::Uuid::now_v7())
}

/// As [`certificate`], but every drive erased and verified (result `erased`): the clean case.
pub fn erased_certificate(key: &StationKey) -> Certificate {
    let mut cert = certificate(key);
    let drive = &mut cert.drives[1];
    drive.error_ranges.clear();
    drive.verification.outcome = VerificationOutcome::Passed;
    drive.status = Status::Erased;
    cert.result = Status::overall(cert.drives.iter().map(|d| d.status));
    cert
}

/// As [`certificate`], but the second drive's wipe was interrupted before verification
/// (result `interrupted`).
pub fn interrupted_certificate(key: &StationKey) -> Certificate {
    let mut cert = certificate(key);
    let drive = &mut cert.drives[1];
    drive.error_ranges.clear();
    drive.passes.truncate(3);
    drive.verification.outcome = VerificationOutcome::NotRun;
    drive.verification.bytes_checked = 0;
    drive.status = Status::Interrupted;
    cert.result = Status::overall(cert.drives.iter().map(|d| d.status));
    cert
}

/// As [`certificate`], with a given id (so two calls give equal certificates).
pub fn certificate_with_id(key: &StationKey, id: uuid::Uuid) -> Certificate {
    let start = DateTime::<Utc>::from_timestamp(1_795_000_000, 0).unwrap_or_default();
    let t = |minutes: i64| start + Duration::minutes(minutes);
    let mut cert = Certificate::new();
    cert.id = id;
    cert.organisation = "Stadt Leipzig, Amt für Schule".into();
    cert.site = "Lernmittelwerkstatt Grünau".into();
    cert.operator = "Jürgen Weiß (T-042)".into();
    cert.station = Station {
        id: "station-07".into(),
        key_fingerprint: key.public().fingerprint(),
        tabula_version: "0.1.0".into(),
        image_id: "tabula-live-2026.11-b3".into(),
    };
    cert.started = t(0);
    cert.finished = t(95);
    cert.machine = Machine {
        vendor: "LENOVO".into(),
        model: "ThinkPad T480".into(),
        serial: "PF1ABCDE".into(),
        uuid: "4c4c4544-0042-3510-8052-b4c04f4a4e32".into(),
        chassis: "notebook".into(),
        audit_digest: AUDIT_DIGEST.into(),
        windows_product_key: Some(ProductKeyNote::from_key("VK7JG-NPHTM-C97JM-9MPGT-3V66T")),
    };
    cert.drives = vec![
        DriveRecord {
            model: "Samsung SSD 860 EVO 250GB".into(),
            serial: "S3YJNX0K123456".into(),
            firmware: "RVT04B6Q".into(),
            size_bytes: 250_059_350_016,
            media_type: "ssd".into(),
            transport: "sata".into(),
            method: Method {
                name: "ata-secure-erase-enhanced".into(),
                passes: 0,
                patterns: vec![],
                nist_category: NistCategory::Purge,
                bsi_method: None,
            },
            verification: Verification {
                mode: VerificationMode::Sample,
                outcome: VerificationOutcome::Passed,
                bytes_checked: 2_500_593_500,
            },
            error_ranges: vec![],
            hidden_areas: Some(HiddenAreas {
                hpa: HiddenAreaState::Absent,
                dco: HiddenAreaState::Absent,
                ..HiddenAreas::default()
            }),
            firmware_erase: None,
            passes: vec![],
            status: Status::Erased,
        },
        DriveRecord {
            model: "WDC WD5000LPVX-22V0TT0".into(),
            serial: "WD-WX11A12B3456".into(),
            firmware: "01.01A01".into(),
            size_bytes: 500_107_862_016,
            media_type: "hdd".into(),
            transport: "usb".into(),
            method: Method {
                name: "bsi-vsitr".into(),
                passes: 7,
                patterns: ["0x00", "0xff", "0x00", "0xff", "0x00", "0xff", "0xaa"]
                    .map(String::from)
                    .to_vec(),
                nist_category: NistCategory::Clear,
                bsi_method: Some("BSI-VSITR".into()),
            },
            verification: Verification {
                mode: VerificationMode::Full,
                outcome: VerificationOutcome::Failed,
                bytes_checked: 500_107_862_016,
            },
            error_ranges: vec![ErrorRange {
                offset: 1_048_576,
                length: 4096,
                error: "write: EIO".into(),
            }],
            hidden_areas: Some(HiddenAreas {
                hpa: HiddenAreaState::Removed,
                dco: HiddenAreaState::Unknown,
                ..HiddenAreas::default()
            }),
            firmware_erase: None,
            passes: (0..7)
                .map(|i| PassRecord {
                    pattern: ["0x00", "0xff", "0x00", "0xff", "0x00", "0xff", "0xaa"][i].into(),
                    started: t(5 + 12 * i as i64),
                    finished: t(5 + 12 * (i as i64 + 1)),
                    bytes_written: 500_107_862_016,
                    number: u32::try_from(i + 1).ok(),
                })
                .collect(),
            status: Status::ErasedWithErrors,
        },
    ];
    cert.result = Status::overall(cert.drives.iter().map(|d| d.status));
    cert.remark = "Gehäuse beschädigt; Festplatte über USB-Adapter gelöscht.".into();
    cert
}

/// The firmware erase of the sample's first drive (enhanced SECURITY ERASE UNIT, 64 canaries,
/// 1 % sampled), for tests of the optional `firmware_erase` field. Kept out of [`certificate`]
/// so the golden fixtures of schema v1 stay what they were.
pub fn firmware_erase() -> FirmwareErase {
    let command = |command: &str| FirmwareCommand {
        command: command.into(),
        status: "success".into(),
        ok: true,
    };
    FirmwareErase {
        operation: "ata-secure-erase-enhanced".into(),
        commands: vec![
            command("SECURITY SET PASSWORD (user)"),
            command("SECURITY ERASE PREPARE"),
            command("SECURITY ERASE UNIT (enhanced)"),
        ],
        confirmed: true,
        fell_back_to_overwrite: false,
        canaries: Some(CanaryCheck {
            written: 64,
            block_bytes: 4096,
            survived: 0,
            unreadable: 0,
        }),
        sampling: Some(Sampling {
            share_ppm: 10_000,
            samples: 38_157,
            bytes_read: 2_500_657_152,
            reads_as: "random".into(),
            other: 0,
            unreadable: 0,
        }),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    #[test]
    fn audit_digest_is_the_sample_audits() {
        assert_eq!(
            crate::audit_digest(&super::audit()).unwrap(),
            super::AUDIT_DIGEST
        );
    }
}
