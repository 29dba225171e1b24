//! Drive discovery from sysfs: identity, geometry and transport of every block device in `/sys/block`,
//! each with a wipe [`Verdict`] from [`crate::exclusion`].
//!
//! Everything is read below a root directory (`/` on a live system, or a captured tree in tests and
//! audit replays), so discovery never needs to open a device.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::exclusion::{SystemState, Verdict};

/// The bus a drive is attached by (serialised as `transport`, the word lsblk uses).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum Bus {
    Sata,
    Nvme,
    Usb,
    Virtio,
    Scsi,
    Mmc,
    Loop,
    Other,
}

impl std::fmt::Display for Bus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let s = match self {
            Self::Sata => "sata",
            Self::Nvme => "nvme",
            Self::Usb => "usb",
            Self::Virtio => "virtio",
            Self::Scsi => "scsi",
            Self::Mmc => "mmc",
            Self::Loop => "loop",
            Self::Other => "other",
        };
        f.write_str(s)
    }
}

/// One whole block device (never a partition) as the kernel describes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Drive {
    /// Kernel name, e.g. `sda`, `nvme0n1`, `loop3`.
    pub name: String,
    /// Device node, `/dev/<name>`.
    pub path: PathBuf,
    pub model: Option<String>,
    pub serial: Option<String>,
    pub firmware: Option<String>,
    pub vendor: Option<String>,
    pub size_bytes: u64,
    pub logical_sector_size: u32,
    pub physical_sector_size: u32,
    pub rotational: bool,
    pub removable: bool,
    pub transport: Bus,
    pub read_only: bool,
    /// For loop devices: the file behind it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub backing_file: Option<PathBuf>,
    /// Partition names (`sda1`, ...).
    #[serde(default)]
    pub partitions: Vec<String>,
    pub verdict: Verdict,
}

impl Drive {
    /// A block device that is no drive of the machine: a loop device with no file behind it,
    /// or compressed RAM (zram). Lists for people leave it out; the wipe verdict is unaffected.
    pub fn is_virtual_noise(&self) -> bool {
        let unattached_loop = self.name.starts_with("loop") && self.backing_file.is_none();
        unattached_loop || self.name.starts_with("zram")
    }
}

/// Discovery failed as a whole (a single unreadable attribute only leaves a field empty).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DiscoverError {
    #[error("cannot list block devices in {path}")]
    ListBlock {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
}

/// Lists every block device below `root/sys/block`, sorted by name, each with its verdict.
/// Hidden nodes are left out: an NVMe namespace reached over several controllers (native
/// multipath) shows one `nvme0c0n1` per path, marked `hidden`, without a `/dev` node; the
/// namespace is listed once, as the node a person can open (`nvme0n1`).
pub fn discover(root: &Path) -> Result<Vec<Drive>, DiscoverError> {
    let block = root.join("sys/block");
    let entries = fs::read_dir(&block).map_err(|source| DiscoverError::ListBlock {
        path: block.clone(),
        source,
    })?;
    let mut names: Vec<String> = entries
        .filter_map(Result::ok)
        .filter_map(|e| e.file_name().into_string().ok())
        .filter(|name| !is_hidden(&block.join(name)))
        .collect();
    names.sort();
    // Fails closed: when what the system uses cannot be read, every drive is excluded with the
    // reason (naming the file), and discovery still lists them.
    let state = SystemState::read(root, &names);
    Ok(names
        .iter()
        .map(|name| {
            let mut drive = read_drive(root, name);
            drive.verdict = match &state {
                Ok(state) => state.verdict(&drive),
                Err(unreadable) => Verdict::Excluded {
                    reasons: vec![unreadable.exclusion()],
                },
            };
            drive
        })
        .collect())
}

/// A block device the kernel hides from user space (`hidden` = 1: no device node).
fn is_hidden(dir: &Path) -> bool {
    read_attr(&dir.join("hidden")).as_deref() == Some("1")
}

/// The files [`discover`] reads, for `tabula audit --capture`.
pub fn capture_inputs(root: &Path) -> Vec<PathBuf> {
    const DRIVE_FILES: &[&str] = &[
        "dev",
        "hidden",
        "size",
        "ro",
        "removable",
        "serial",
        "queue/rotational",
        "queue/logical_block_size",
        "queue/physical_block_size",
        "device/model",
        "device/vendor",
        "device/serial",
        "device/rev",
        "device/firmware_rev",
        "device/vpd_pg80",
        "loop/backing_file",
    ];
    let mut files = vec![
        root.join("proc/self/mountinfo"),
        root.join("proc/swaps"),
        root.join("proc/cmdline"),
    ];
    let Ok(entries) = fs::read_dir(root.join("sys/block")) else {
        return files;
    };
    for entry in entries.filter_map(Result::ok) {
        let dir = entry.path();
        files.push(dir.clone());
        files.extend(DRIVE_FILES.iter().map(|f| dir.join(f)));
        files.extend(list_dir(&dir.join("holders")).map(|h| dir.join("holders").join(h)));
        if let Some(dev) = read_attr(&dir.join("dev")) {
            files.push(root.join(format!("run/udev/data/b{dev}")));
        }
        for part in partition_names(&dir) {
            files.push(dir.join(&part).join("dev"));
            files.push(dir.join(&part).join("partition"));
            files.extend(
                list_dir(&dir.join(&part).join("holders"))
                    .map(|h| dir.join(&part).join("holders").join(h)),
            );
        }
    }
    files.retain(|f| f.exists() || f.is_symlink());
    files
}

pub(crate) fn read_drive(root: &Path, name: &str) -> Drive {
    let dir = root.join("sys/block").join(name);
    let attr = |rel: &str| read_attr(&dir.join(rel));
    let num = |rel: &str| attr(rel).and_then(|s| s.parse::<u64>().ok());
    let transport = transport_of(name, &dir);
    let udev = attr("dev").map(|dev| UdevData::read(&root.join(format!("run/udev/data/b{dev}"))));
    let serial = udev
        .as_ref()
        .and_then(|u| u.get("ID_SERIAL_SHORT"))
        .or_else(|| attr("device/serial"))
        .or_else(|| attr("serial"))
        .or_else(|| vpd_serial(&dir.join("device/vpd_pg80")));
    let vendor = attr("device/vendor").filter(|v| v != "ATA");
    let mut model = attr("device/model");
    if model.is_none() {
        model = udev.as_ref().and_then(|u| u.get("ID_MODEL"));
    }
    Drive {
        name: name.to_owned(),
        path: PathBuf::from("/dev").join(name),
        model,
        serial,
        firmware: attr("device/firmware_rev").or_else(|| attr("device/rev")),
        vendor,
        size_bytes: num("size").unwrap_or(0).saturating_mul(512),
        logical_sector_size: num("queue/logical_block_size")
            .and_then(|n| u32::try_from(n).ok())
            .unwrap_or(512),
        physical_sector_size: num("queue/physical_block_size")
            .and_then(|n| u32::try_from(n).ok())
            .unwrap_or(512),
        rotational: num("queue/rotational") == Some(1),
        removable: num("removable") == Some(1),
        transport,
        read_only: num("ro") == Some(1),
        backing_file: attr("loop/backing_file").map(PathBuf::from),
        partitions: partition_names(&dir),
        verdict: Verdict::Wipeable,
    }
}

/// Transport from the kernel name and the sysfs device path (`../devices/.../usb2/...`).
fn transport_of(name: &str, dir: &Path) -> Bus {
    let link = fs::read_link(dir)
        .map(|p| p.to_string_lossy().into_owned())
        .unwrap_or_default();
    if name.starts_with("loop") {
        Bus::Loop
    } else if link.contains("/usb") {
        Bus::Usb
    } else if name.starts_with("nvme") {
        Bus::Nvme
    } else if name.starts_with("vd") || link.contains("/virtio") {
        Bus::Virtio
    } else if name.starts_with("mmcblk") {
        Bus::Mmc
    } else if link.contains("/ata") {
        Bus::Sata
    } else if name.starts_with("sd") {
        Bus::Scsi
    } else {
        Bus::Other
    }
}

/// Names of the partition subdirectories of a drive's sysfs directory.
pub(crate) fn partition_names(dir: &Path) -> Vec<String> {
    let mut parts: Vec<String> = list_dir(dir)
        .filter(|n| dir.join(n).join("partition").exists())
        .collect();
    parts.sort();
    parts
}

pub(crate) fn list_dir(dir: &Path) -> impl Iterator<Item = String> {
    fs::read_dir(dir)
        .into_iter()
        .flatten()
        .filter_map(Result::ok)
        .filter_map(|e| e.file_name().into_string().ok())
}

/// A sysfs attribute, trimmed; `None` when absent, unreadable or empty.
pub(crate) fn read_attr(path: &Path) -> Option<String> {
    let raw = fs::read(path).ok()?;
    let text = String::from_utf8_lossy(&raw);
    let text = text.trim_matches(|c: char| c.is_whitespace() || c == '\0');
    (!text.is_empty()).then(|| text.to_owned())
}

/// SCSI VPD page 0x80 (unit serial number): 4-byte header, then ASCII.
fn vpd_serial(path: &Path) -> Option<String> {
    let raw = fs::read(path).ok()?;
    let len = usize::from(*raw.get(3)?);
    let body = raw.get(4..4 + len.min(raw.len().saturating_sub(4)))?;
    let text = String::from_utf8_lossy(body).trim().to_owned();
    (!text.is_empty()).then_some(text)
}

/// Properties udev recorded for a device (`E:KEY=VALUE` lines in `/run/udev/data/b<maj>:<min>`).
struct UdevData(Vec<(String, String)>);

impl UdevData {
    fn read(path: &Path) -> Self {
        let text = fs::read_to_string(path).unwrap_or_default();
        Self(
            text.lines()
                .filter_map(|l| l.strip_prefix("E:"))
                .filter_map(|kv| kv.split_once('='))
                .map(|(k, v)| (k.to_owned(), v.to_owned()))
                .collect(),
        )
    }

    fn get(&self, key: &str) -> Option<String> {
        self.0
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.trim().to_owned())
            .filter(|v| !v.is_empty())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vpd_page_serial_skips_header() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("vpd");
        fs::write(&p, b"\x00\x80\x00\x0a  WD-12345").unwrap();
        assert_eq!(vpd_serial(&p).as_deref(), Some("WD-12345"));
        fs::write(&p, b"\x00\x80").unwrap();
        assert_eq!(vpd_serial(&p), None);
    }
}
