//! Golden values from the fixture trees in `tests/fixtures/audit/` (made by
//! `scripts/make-audit-fixtures.py`; every expected value below is an argument of that script).
//!
//! - `desktop`: SMBIOS 3.1, UEFI + Secure Boot, TPM 2.0, SATA SSD + worn HDD, grade A, Windows 11.
//! - `laptop`: SMBIOS 2.8, battery, MSDM with an invented key, NVMe + USB stick behind a bridge.
//! - `slic`: SMBIOS 2.6, SLIC table, legacy BIOS, TPM 1.2, HDD only: grade B, Linux.
//! - `vm`: no DMI at all, 2 GiB, virtio disk without SMART: unfit.

#![allow(clippy::unwrap_used)]

use std::path::PathBuf;

use tabula_audit::disks::SmartState;
use tabula_audit::platform::{BootMode, SecureBoot};
use tabula_audit::rules::Status;
use tabula_audit::win11::Recommendation;
use tabula_audit::{Audit, Grade, IdentitySource, MsdmStatus, Options, SlicStatus, collect};

const GIB: u64 = 1 << 30;

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures/audit")
        .join(name)
}

fn audit(name: &str) -> Audit {
    collect(&Options::with_root(fixture(name))).unwrap()
}

fn rule<'a>(a: &'a Audit, id: &str) -> &'a tabula_audit::rules::RuleOutcome {
    a.fitness.rules.iter().find(|r| r.id == id).unwrap()
}

#[test]
fn desktop() {
    let a = audit("desktop");
    assert_eq!(a.schema_version, 1);
    assert_eq!(a.system.source, IdentitySource::Smbios);
    assert_eq!(a.system.smbios_version.as_deref(), Some("3.1"));
    assert_eq!(
        (a.vendor(), a.product(), a.serial()),
        (Some("Dell Inc."), Some("OptiPlex 7060"), Some("TABDSK1"))
    );
    assert_eq!(a.uuid(), Some("4c4c4544-0042-3510-8052-b7c04f564432"));
    assert_eq!(a.system.sku.as_deref(), Some("0859"));
    assert_eq!(a.system.family.as_deref(), Some("OptiPlex"));
    assert_eq!(a.chassis_kind(), Some("desktop"));
    assert_eq!(
        a.board.as_ref().and_then(|b| b.product.as_deref()),
        Some("0C96W1")
    );
    let bios = a.bios.as_ref().unwrap();
    assert_eq!(
        (bios.version.as_deref(), bios.release_date.as_deref()),
        (Some("1.22.0"), Some("09/12/2022"))
    );
    assert_eq!(bios.uefi_supported, Some(true));

    assert_eq!(
        a.cpu_model(),
        Some("Intel(R) Core(TM) i5-8500 CPU @ 3.00GHz")
    );
    assert_eq!(
        (a.cpu.cores, a.cpu.threads, a.cpu.max_mhz, a.cpu.x86_64),
        (Some(6), 6, Some(4100), true)
    );
    assert!(a.cpu.flags.iter().any(|f| f == "avx2"));

    assert_eq!(a.memory.installed_bytes, Some(16 * GIB));
    assert_eq!((a.memory.slots, a.memory.empty_slots), (Some(4), Some(2)));
    let dimm = &a.memory.devices[0];
    assert_eq!(dimm.locator.as_deref(), Some("DIMM1"));
    assert_eq!(
        (
            dimm.memory_type.as_deref(),
            dimm.speed_mts,
            dimm.form_factor.as_deref()
        ),
        (Some("DDR4"), Some(2666), Some("DIMM"))
    );
    assert_eq!(dimm.part_number.as_deref(), Some("HMA81GU6CJR8N-VK"));
    assert_eq!(
        a.memory.devices[2].manufacturer, None,
        "empty slot: 'Not Specified' is no manufacturer"
    );

    assert_eq!(a.disks.len(), 2);
    let ssd = &a.disks[0];
    assert_eq!(
        (ssd.drive.name.as_str(), ssd.is_ssd(), ssd.smart.state),
        ("sda", true, SmartState::Ok)
    );
    let hdd = a.disks[1].smart.data.as_ref().unwrap();
    assert_eq!(
        (
            hdd.reallocated_sectors,
            hdd.pending_sectors,
            hdd.offline_uncorrectable
        ),
        (Some(152), Some(8), Some(8))
    );
    assert_eq!(
        (
            hdd.reported_uncorrectable,
            hdd.command_timeouts,
            hdd.power_on_hours
        ),
        (Some(1), Some(4), Some(31877))
    );
    assert_eq!(hdd.rotation_rate_rpm, Some(7200));

    assert!(a.batteries.is_empty());
    assert_eq!(a.licence.msdm, MsdmStatus::Absent);
    assert_eq!(a.licence.slic, SlicStatus::Absent);
    assert_eq!(
        (a.platform.boot_mode, a.platform.secure_boot),
        (BootMode::Uefi, SecureBoot::Enabled)
    );
    assert_eq!(
        a.platform.tpm.as_ref().and_then(|t| t.version.as_deref()),
        Some("2.0")
    );
    assert_eq!(a.platform.gpus.len(), 1);
    assert_eq!(
        (
            a.platform.gpus[0].vendor_id.as_str(),
            a.platform.gpus[0].device_id.as_str()
        ),
        ("8086", "3e92")
    );
    assert_eq!(
        a.platform.network_interfaces.len(),
        1,
        "lo has no device and is not listed"
    );
    assert_eq!(
        a.platform.network_interfaces[0].mac.as_deref(),
        Some("a4:bb:6d:00:00:01")
    );
    assert_eq!(
        a.platform.network_interfaces[0].pci_address.as_deref(),
        Some("0000:00:1f.6")
    );

    assert_eq!(a.grade(), Grade::A);
    assert_eq!(rule(&a, "storage-healthy").detail, "sda: healthy SSD");
    assert_eq!(rule(&a, "battery-health").status, Status::NotApplicable);
    assert!(a.fitness.windows11.meets_floor, "{:?}", a.fitness.windows11);
    assert!(a.problems.is_empty(), "{:?}", a.problems);
}

#[test]
fn laptop() {
    let a = audit("laptop");
    assert_eq!(a.system.smbios_version.as_deref(), Some("2.8"));
    assert_eq!(
        (a.vendor(), a.product(), a.serial()),
        (Some("LENOVO"), Some("20L5CTO1WW"), Some("TABLAP42"))
    );
    assert_eq!(a.system.version.as_deref(), Some("ThinkPad T480"));
    assert_eq!(a.uuid(), Some("a3b2c1d0-1234-4abc-8def-0123456789ab"));
    assert_eq!(a.chassis_kind(), Some("notebook"));
    assert_eq!(a.memory.installed_bytes, Some(8 * GIB));
    assert_eq!((a.memory.slots, a.memory.empty_slots), (Some(2), Some(1)));
    assert_eq!(a.memory.devices[0].form_factor.as_deref(), Some("SODIMM"));

    assert_eq!(a.batteries.len(), 1);
    let bat = &a.batteries[0];
    assert_eq!(
        (bat.name.as_str(), bat.health_pct, bat.cycle_count),
        ("BAT0", Some(72.0), Some(312))
    );
    assert_eq!(
        (bat.design_capacity, bat.full_capacity),
        (Some(24_050_000), Some(17_316_000))
    );
    assert_eq!(a.battery_health_pct(), Some(72.0));

    let key = "TABUL-AAAAA-BBBBB-CCCCC-3V66T";
    let digest = blake3::hash(key.as_bytes()).to_hex().to_string();
    match &a.licence.msdm {
        MsdmStatus::Present {
            oem_id,
            oem_table_id,
            key_masked,
            key_blake3,
            key,
        } => {
            assert_eq!(
                (oem_id.as_str(), oem_table_id.as_str()),
                ("LENOVO", "TP-N24")
            );
            assert_eq!(key_masked, "XXXXX-XXXXX-XXXXX-XXXXX-3V66T");
            assert_eq!(key_blake3, &digest);
            assert_eq!(key, &None);
        }
        other => panic!("MSDM should be present: {other:?}"),
    }
    assert!(a.has_windows_key());
    assert_eq!(a.key_digest(), Some(digest.as_str()));
    let json = a.to_json().unwrap();
    assert!(
        !json.contains(key),
        "the full key never appears in the default document"
    );
    assert!(!tabula_audit::render(&a).contains(key));

    let mut options = Options::with_root(fixture("laptop"));
    options.show_key = true;
    let shown = collect(&options).unwrap();
    assert!(shown.to_json().unwrap().contains(key));
    assert!(tabula_audit::render(&shown).contains(key));

    let nvme = a.disks.iter().find(|d| d.drive.name == "nvme0n1").unwrap();
    let data = nvme.smart.data.as_ref().unwrap();
    assert_eq!(
        (
            data.percentage_used,
            data.available_spare_pct,
            data.media_errors
        ),
        (Some(7), Some(100), Some(0))
    );
    assert_eq!(
        (data.power_on_hours, data.power_cycles, data.temperature_c),
        (Some(6021), Some(1873), Some(38))
    );
    let usb = a.disks.iter().find(|d| d.drive.name == "sdb").unwrap();
    assert_eq!(usb.smart.state, SmartState::NoData);
    assert!(
        usb.smart
            .detail
            .as_deref()
            .unwrap()
            .contains("Unknown USB bridge"),
        "{:?}",
        usb.smart
    );
    assert!(!usb.is_internal());

    assert_eq!(a.platform.secure_boot, SecureBoot::Disabled);
    assert!(a.platform.secure_boot_capable);
    assert_eq!(
        a.platform
            .network_interfaces
            .iter()
            .filter(|n| n.wireless)
            .count(),
        1
    );
    assert_eq!(rule(&a, "battery-health").status, Status::Pass);
    assert_eq!(rule(&a, "storage-healthy").detail, "nvme0n1: healthy SSD");
    assert_eq!(a.grade(), Grade::A);
    assert_eq!(
        a.fitness.windows11.recommendation,
        Recommendation::Windows11
    );
}

#[test]
fn slic_machine() {
    let a = audit("slic");
    assert_eq!(a.system.smbios_version.as_deref(), Some("2.6"));
    assert_eq!(
        (a.vendor(), a.product()),
        (Some("Hewlett-Packard"), Some("HP Compaq 8200 Elite SFF PC"))
    );
    assert_eq!(a.uuid(), Some("8c2f1a3e-5b6d-4e7f-9a0b-1c2d3e4f5a6b"));
    assert_eq!(a.chassis_kind(), Some("space-saving"));
    assert_eq!(
        a.licence.slic,
        SlicStatus::Present {
            oem_id: "HPQOEM".into(),
            oem_table_id: "SLIC-BPC".into()
        }
    );
    assert_eq!(a.licence.msdm, MsdmStatus::Absent);
    assert_eq!(a.memory.installed_bytes, Some(4 * GIB));
    assert_eq!(a.memory.empty_slots, Some(3));
    assert_eq!(a.memory.devices[0].memory_type.as_deref(), Some("DDR3"));
    assert_eq!(
        (a.platform.boot_mode, a.platform.secure_boot),
        (BootMode::Legacy, SecureBoot::NotApplicable)
    );
    assert_eq!(
        a.platform.tpm.as_ref().and_then(|t| t.version.as_deref()),
        Some("1.2")
    );
    assert_eq!(a.grade(), Grade::B);
    assert_eq!(rule(&a, "ram-comfortable").status, Status::Fail);
    assert_eq!(rule(&a, "ssd").status, Status::Fail);
    assert_eq!(rule(&a, "storage-healthy").status, Status::Pass);
    let w = &a.fitness.windows11;
    assert_eq!(w.recommendation, Recommendation::Linux);
    let missing: Vec<&str> = w
        .checks
        .iter()
        .filter(|c| !c.passed)
        .map(|c| c.name.as_str())
        .collect();
    assert_eq!(missing, ["tpm-2.0", "uefi", "secure-boot-capable", "cpu"]);
}

#[test]
fn vm_without_dmi() {
    let a = audit("vm");
    assert_eq!(a.system.source, IdentitySource::None);
    assert_eq!(
        (a.vendor(), a.product(), a.chassis_kind()),
        (None, None, None)
    );
    assert!(a.memory.devices.is_empty());
    assert_eq!(a.memory.installed_bytes, None);
    assert_eq!(a.memory.kernel_total_bytes, Some(2_030_000 * 1024));
    assert_eq!(a.ram_bytes(), Some(2 * GIB));
    assert!(a.cpu.flags.iter().any(|f| f == "hypervisor"));
    assert_eq!(a.disks.len(), 1);
    assert_eq!(a.disks[0].smart.state, SmartState::NotCaptured);
    assert_eq!(rule(&a, "storage-healthy").status, Status::Unknown);
    assert_eq!(rule(&a, "ram-minimum").status, Status::Fail);
    assert_eq!(a.grade(), Grade::Unfit);
    assert!(
        a.problems.is_empty(),
        "a machine without DMI is not a problem: {:?}",
        a.problems
    );
}

#[test]
fn document_round_trips_through_json() {
    for name in ["desktop", "laptop", "slic", "vm"] {
        let a = audit(name);
        let back: Audit = serde_json::from_str(&a.to_json().unwrap()).unwrap();
        assert_eq!(back, a, "{name}");
    }
}

#[test]
fn custom_rules_change_the_grade() {
    let mut options = Options::with_root(fixture("desktop"));
    options.rules = Some(
        tabula_audit::Rules::from_toml(
            "[[rule]]\nid = \"no-worn-hdd\"\ncheck = \"min_cpu_threads\"\nthreads = 8\non_fail = \"C\"\n",
        )
        .unwrap(),
    );
    let a = collect(&options).unwrap();
    assert_eq!(a.grade(), Grade::C);
    assert_eq!(a.fitness.rules.len(), 1);
    assert_eq!(a.fitness.rules[0].detail, "6 threads (needs 8)");
}

#[test]
fn missing_root_is_an_error() {
    let err = collect(&Options::with_root("/nonexistent/tabula-root")).unwrap_err();
    assert!(err.to_string().contains("/nonexistent/tabula-root"));
}
