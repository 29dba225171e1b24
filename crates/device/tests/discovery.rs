//! Drive discovery replayed from sysfs/proc trees these tests write (never the machine's own):
//!
//! - NVMe native multipath: the hidden per-path node `nvme0c0n1` is not a drive; the namespace
//!   is listed once, as `nvme0n1`, the node a person can open.
//! - Exclusion fails closed: without mountinfo, swaps or the kernel command line no drive is
//!   wipeable, and the reason names the missing file.

#![allow(clippy::unwrap_used)] // test code: a failed unwrap is a failed test

use std::fs;
use std::path::Path;

use tabula_device::{Bus, Verdict, discover};

/// Writes `text` to `root/rel`, creating directories.
fn put(root: &Path, rel: &str, text: &str) {
    let path = root.join(rel);
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, text).unwrap();
}

/// `sys/block/<name>` as the kernel makes it: a link into `sys/devices`.
fn block_link(root: &Path, name: &str, device_dir: &str) {
    fs::create_dir_all(root.join("sys/block")).unwrap();
    std::os::unix::fs::symlink(
        format!("../devices/{device_dir}"),
        root.join("sys/block").join(name),
    )
    .unwrap();
}

/// A live system booted from a USB stick elsewhere: nothing mounted from the NVMe drive.
fn proc_files(root: &Path) {
    put(
        root,
        "proc/self/mountinfo",
        "22 1 0:21 / / rw,relatime - overlay overlay rw\n",
    );
    put(
        root,
        "proc/swaps",
        "Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n",
    );
    put(root, "proc/cmdline", "BOOT_IMAGE=/live/vmlinuz boot=live\n");
}

/// One NVMe namespace reached over native multipath, on a system that uses nothing of it.
fn nvme_multipath_tree(root: &Path) {
    proc_files(root);
    let subsys = "virtual/nvme-subsystem/nvme-subsys0";
    let ctrl = "pci0000:00/0000:00:1d.0/0000:3d:00.0/nvme/nvme0";
    // The namespace node (what /dev/nvme0n1 opens) hangs below the subsystem.
    block_link(root, "nvme0n1", &format!("{subsys}/nvme0n1"));
    let ns = format!("sys/devices/{subsys}/nvme0n1");
    put(root, &format!("{ns}/dev"), "259:0\n");
    put(root, &format!("{ns}/size"), "2097152\n");
    put(root, &format!("{ns}/hidden"), "0\n");
    put(root, &format!("{ns}/ro"), "0\n");
    put(root, &format!("{ns}/queue/logical_block_size"), "512\n");
    put(root, &format!("{ns}/queue/rotational"), "0\n");
    put(root, &format!("{ns}/device/model"), "TABULA NVMe 1G\n");
    put(root, &format!("{ns}/device/serial"), "TNV0001\n");
    // The per-controller path to the same namespace: hidden, no device node.
    block_link(root, "nvme0c0n1", &format!("{ctrl}/nvme0c0n1"));
    let path = format!("sys/devices/{ctrl}/nvme0c0n1");
    put(root, &format!("{path}/size"), "2097152\n");
    put(root, &format!("{path}/hidden"), "1\n");
    put(root, &format!("{path}/ro"), "0\n");
    put(root, &format!("{path}/queue/logical_block_size"), "512\n");
    put(root, &format!("{path}/device/model"), "TABULA NVMe 1G\n");
    put(root, &format!("{path}/device/serial"), "TNV0001\n");
}

#[test]
fn nvme_multipath_lists_the_namespace_once_by_its_openable_node() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    nvme_multipath_tree(root);
    let drives = discover(root).unwrap();
    let names: Vec<&str> = drives.iter().map(|d| d.name.as_str()).collect();
    assert_eq!(names, ["nvme0n1"]);
    let d = &drives[0];
    assert_eq!(d.path, Path::new("/dev/nvme0n1"));
    assert_eq!(d.transport, Bus::Nvme);
    assert_eq!(d.serial.as_deref(), Some("TNV0001"));
    assert_eq!(d.size_bytes, 1 << 30);
    assert_eq!(d.verdict, Verdict::Wipeable);
}

#[test]
fn an_unreadable_usage_file_makes_no_drive_wipeable() {
    for missing in ["proc/self/mountinfo", "proc/swaps", "proc/cmdline"] {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        nvme_multipath_tree(root);
        fs::remove_file(root.join(missing)).unwrap();
        let drives = discover(root).unwrap();
        assert_eq!(drives.len(), 1, "{missing}");
        match &drives[0].verdict {
            Verdict::Excluded { .. } => {
                let reason = drives[0].verdict.reason().unwrap();
                assert!(
                    reason.contains(&format!("cannot read {}", root.join(missing).display()))
                        && reason.contains("no drive can be shown to be unused"),
                    "{missing}: {reason}"
                );
            }
            other => panic!("{missing} missing, yet the drive is {other:?}"),
        }
    }
}
