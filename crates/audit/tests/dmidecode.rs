//! Cross-check of the SMBIOS parser against Debian's `dmidecode --from-dump` on the same bytes:
//! vendor, product, serial, UUID and every memory device size must agree.
//!
//! The dump is built the way `dmidecode --dump-bin` writes one: the entry point at offset 0 with
//! its table address set to 0x20 (checksums fixed), the structure table at 0x20.
#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};
use std::process::Command;

fn tables(name: &str) -> (Vec<u8>, Vec<u8>) {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures/audit")
        .join(name)
        .join("sys/firmware/dmi/tables");
    (
        std::fs::read(dir.join("smbios_entry_point")).unwrap(),
        std::fs::read(dir.join("DMI")).unwrap(),
    )
}

fn fix(bytes: &mut [u8], range: std::ops::Range<usize>, at: usize) {
    bytes[at] = 0;
    let sum = bytes[range].iter().fold(0u8, |s, b| s.wrapping_add(*b));
    bytes[at] = 0u8.wrapping_sub(sum);
}

fn dump(entry: &[u8], table: &[u8]) -> Vec<u8> {
    let mut ep = entry.to_vec();
    if ep.starts_with(b"_SM3_") {
        ep[0x10..0x18].copy_from_slice(&0x20u64.to_le_bytes());
        let len = usize::from(ep[6]);
        fix(&mut ep, 0..len, 5);
    } else {
        ep[0x18..0x1C].copy_from_slice(&0x20u32.to_le_bytes());
        fix(&mut ep, 0x10..0x1F, 0x15);
        let len = usize::from(ep[5]);
        fix(&mut ep, 0..len, 4);
    }
    ep.resize(0x20, 0);
    ep.extend_from_slice(table);
    ep
}

/// `Key: value` of the first section titled `section`.
fn field(out: &str, section: &str, key: &str) -> Option<String> {
    let start = out.find(&format!("\n{section}\n"))?;
    let block = out[start + 1..].split("\n\n").next()?;
    block.lines().find_map(|l| {
        l.trim()
            .strip_prefix(&format!("{key}: "))
            .map(str::to_string)
    })
}

/// Sizes of all memory devices in bytes (`None` for "No Module Installed").
fn memory_sizes(out: &str) -> Vec<Option<u64>> {
    out.split("\n\n")
        .filter(|b| b.contains("\nMemory Device\n"))
        .map(|b| {
            let size = b
                .lines()
                .find_map(|l| l.trim().strip_prefix("Size: "))
                .unwrap();
            let mut parts = size.split_whitespace();
            let n: u64 = parts.next().unwrap().parse().ok()?;
            match parts.next()? {
                "kB" => Some(n << 10),
                "MB" => Some(n << 20),
                "GB" => Some(n << 30),
                "TB" => Some(n << 40),
                unit => panic!("unexpected unit {unit}"),
            }
        })
        .collect()
}

fn dmidecode(dump_file: &Path) -> String {
    let out = Command::new("dmidecode")
        .arg("--from-dump")
        .arg(dump_file)
        .output()
        .expect(
            "dmidecode must be installed (Debian package dmidecode, listed in .ci/apt-packages)",
        );
    assert!(
        out.status.success(),
        "dmidecode failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn parser_agrees_with_dmidecode() {
    // `qemu` is a real table, written by QEMU's SMBIOS code and captured in a guest.
    for name in ["desktop", "laptop", "slic", "qemu"] {
        let (entry, table) = tables(name);
        let bytes = dump(&entry, &table);
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("dmi.bin");
        std::fs::write(&file, &bytes).unwrap();
        let text = dmidecode(&file);

        let ours = tabula_audit::smbios::parse_dump(&bytes).unwrap();
        assert_eq!(
            ours,
            tabula_audit::smbios::parse(&entry, &table).unwrap(),
            "{name}: dump and sysfs agree"
        );
        let sys = ours.system.as_ref().unwrap();
        let theirs = |key| field(&text, "System Information", key);
        assert_eq!(sys.manufacturer, theirs("Manufacturer"), "{name}");
        assert_eq!(sys.product, theirs("Product Name"), "{name}");
        assert_eq!(sys.serial, theirs("Serial Number"), "{name}");
        assert_eq!(sys.uuid, theirs("UUID"), "{name}");
        assert_eq!(
            ours.board.as_ref().unwrap().product,
            field(&text, "Base Board Information", "Product Name")
        );
        assert_eq!(
            ours.bios.as_ref().unwrap().version,
            field(&text, "BIOS Information", "Version")
        );
        let sizes: Vec<Option<u64>> = ours.memory_devices.iter().map(|d| d.size_bytes).collect();
        assert_eq!(sizes, memory_sizes(&text), "{name}");
        assert!(!sizes.is_empty());
        assert!(
            text.contains(&format!("SMBIOS {}", ours.version)),
            "{name}: version {}",
            ours.version
        );
    }
}
