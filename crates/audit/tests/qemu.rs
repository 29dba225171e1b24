//! A real capture: `scripts/qemu-capture.sh` boots a QEMU q35 guest (Debian kernel, busybox
//! initramfs) and runs `tabula audit --capture` inside. Every expected value here is an argument
//! on that script's QEMU command line (`-smbios`, `-m`, `-smp`, `-device`, `-acpitable`).
#![allow(clippy::unwrap_used)]

use std::path::PathBuf;

use tabula_audit::disks::SmartState;
use tabula_audit::smart::Health;
use tabula_audit::{IdentitySource, MsdmStatus, Options, collect};

const MIB: u64 = 1 << 20;

fn audit() -> tabula_audit::Audit {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/audit/qemu");
    collect(&Options::with_root(root)).unwrap()
}

#[test]
fn smbios_values_are_qemus_arguments() {
    let a = audit();
    assert_eq!(a.system.source, IdentitySource::Smbios);
    let s = &a.system;
    assert_eq!(
        (s.vendor.as_deref(), s.product.as_deref()),
        (Some("Tabula Test Lab"), Some("Capture PC 1"))
    );
    assert_eq!(
        (s.version.as_deref(), s.serial.as_deref()),
        (Some("Rev A"), Some("TABQEMU0001"))
    );
    assert_eq!(
        s.uuid.as_deref(),
        Some("5c1f2a5e-7b3d-4c2a-9e8f-0a1b2c3d4e5f")
    );
    assert_eq!(
        (s.sku.as_deref(), s.family.as_deref()),
        (Some("TAB-QEMU-SKU"), Some("Tabula Capture"))
    );
    let b = a.board.as_ref().unwrap();
    assert_eq!(
        (b.manufacturer.as_deref(), b.product.as_deref()),
        (Some("Tabula Boards"), Some("TB-Q35"))
    );
    assert_eq!(
        (b.version.as_deref(), b.serial.as_deref()),
        (Some("1.0"), Some("TABBOARD01"))
    );
    let c = a.chassis.as_ref().unwrap();
    assert_eq!(
        (c.manufacturer.as_deref(), c.serial.as_deref()),
        (Some("Tabula Cases"), Some("TABCASE01"))
    );
    let bios = a.bios.as_ref().unwrap();
    assert_eq!(
        (
            bios.vendor.as_deref(),
            bios.version.as_deref(),
            bios.release_date.as_deref()
        ),
        (Some("Tabula Firmware"), Some("TQ-1.07"), Some("03/14/2025"))
    );
}

#[test]
fn memory_cpu_and_nic_are_qemus_arguments() {
    let a = audit();
    assert_eq!(a.memory.installed_bytes, Some(2048 * MIB), "-m 2048");
    let dimm = &a.memory.devices[0];
    assert_eq!(
        (dimm.locator.as_deref(), dimm.bank.as_deref()),
        (Some("SLOT 0"), Some("BANK 0"))
    );
    assert_eq!(
        (dimm.manufacturer.as_deref(), dimm.serial.as_deref()),
        (Some("Tabula RAM"), Some("TABRAM01"))
    );
    assert_eq!(
        (dimm.part_number.as_deref(), dimm.speed_mts),
        (Some("TAB-2G-DDR"), Some(2400))
    );
    assert_eq!(a.cpu.threads, 2, "-smp 2");
    assert!(a.cpu.x86_64);
    let nic = &a.platform.network_interfaces[0];
    assert_eq!(
        (nic.mac.as_deref(), nic.driver.as_deref()),
        (Some("52:54:00:7a:b0:01"), Some("virtio_net"))
    );
}

#[test]
fn disks_and_smart_are_qemus_devices() {
    let a = audit();
    let names: Vec<&str> = a.disks.iter().map(|d| d.drive.name.as_str()).collect();
    assert_eq!(names, ["nvme0n1", "sda", "vda"]);
    let sata = &a.disks[1];
    assert_eq!(sata.drive.model.as_deref(), Some("TABULA QEMU SATA"));
    assert_eq!(sata.drive.serial.as_deref(), Some("TABSATA0001"));
    assert_eq!(sata.drive.size_bytes, 8 << 30, "truncate -s 8G");
    assert!(!sata.drive.rotational, "rotation_rate=1 means non-rotating");
    assert_eq!(sata.drive.transport.to_string(), "sata");
    assert_eq!(sata.smart.state, SmartState::Ok);
    let data = sata.smart.data.as_ref().unwrap();
    assert_eq!(
        (data.health, data.serial.as_deref()),
        (Some(Health::Passed), Some("TABSATA0001"))
    );
    let nvme = &a.disks[0];
    assert_eq!(nvme.drive.size_bytes, 4 << 30, "truncate -s 4G");
    let data = nvme.smart.data.as_ref().unwrap();
    assert_eq!(
        (data.protocol.as_deref(), data.serial.as_deref()),
        (Some("nvme"), Some("TABNVME0001"))
    );
    assert!(data.percentage_used.is_some());
    let out = &a.disks[2];
    assert_eq!(
        out.drive.size_bytes,
        256 * MIB,
        "the virtio disk that carries the capture out"
    );
    assert_eq!(
        out.smart.state,
        SmartState::NoData,
        "virtio has no SMART: {:?}",
        out.smart
    );
}

#[test]
fn acpitable_msdm_is_read_and_the_capture_redacted_it() {
    match audit().licence.msdm {
        MsdmStatus::Present {
            oem_id,
            oem_table_id,
            key_masked,
            key,
            ..
        } => {
            assert_eq!(
                (oem_id.as_str(), oem_table_id.as_str()),
                ("TABULA", "TQ-MSDM")
            );
            assert_eq!(key_masked, "XXXXX-XXXXX-XXXXX-XXXXX-7Q2KX");
            assert_eq!(key, None);
        }
        other => panic!("{other:?}"),
    }
}
