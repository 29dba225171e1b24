//! The stick's data partition on first boot: finds the boot medium (the disk holding the live
//! image, mounted at `/run/live/medium`), the free space behind its partitions, adds one partition
//! there with `sfdisk --append` (MBR of an ISO hybrid image or GPT alike) and makes it ext4
//! labelled `TABULA`. The image's own partitions are never written: the table is read back and
//! compared before the file system is made.

use std::io::{Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde::Deserialize;

use super::SetupError;
use crate::error::{Error, Result};

/// The file system label of the station's data partition (the image's fstab mounts it).
pub const LABEL: &str = "TABULA";

/// Less free space than this is not worth a data partition.
pub const MIN_FREE: u64 = 64 << 20;

/// Partitions start on 1 MiB boundaries.
const ALIGN: u64 = 1 << 20;

/// Where the data partition would go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Room {
    pub device: PathBuf,
    /// `dos` (MBR) or `gpt`.
    pub label: String,
    /// The new partition's number.
    pub number: u32,
    /// Byte offset and length on the device.
    pub start: u64,
    pub size: u64,
}

#[derive(Debug, Deserialize)]
struct Dump {
    partitiontable: Table,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
struct Table {
    label: String,
    #[serde(default = "sector")]
    sectorsize: u64,
    #[serde(default)]
    partitions: Vec<Partition>,
    /// GPT: the number of entries in the partition array (sfdisk prints it as a string).
    #[serde(rename = "table-length")]
    table_length: Option<String>,
}

impl Table {
    /// Bytes a GPT keeps at the end of the disk: the backup header (one sector) and the backup
    /// partition array (128 bytes per entry; 128 entries, 32 sectors, unless the table says
    /// otherwise: xorriso's hybrid ISOs have 248). Nothing for MBR.
    fn backup_bytes(&self, sector: u64) -> u64 {
        if self.label != "gpt" {
            return 0;
        }
        let entries = (self.table_length.as_deref())
            .and_then(|n| n.trim().parse::<u64>().ok())
            .unwrap_or(128);
        (1 + (entries * 128).div_ceil(sector)) * sector
    }
}

fn sector() -> u64 {
    512
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
struct Partition {
    node: String,
    start: u64,
    size: u64,
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    bootable: bool,
}

/// The whole disk that holds the live medium (`/run/live/medium` in `root`'s mount table), if
/// the system was booted from one.
pub fn boot_medium(root: &Path) -> Option<PathBuf> {
    let mountinfo = std::fs::read_to_string(root.join("proc/self/mountinfo")).ok()?;
    let devnum = mountinfo.lines().find_map(|line| {
        let fields: Vec<&str> = line.split(' ').collect();
        (fields.get(4) == Some(&"/run/live/medium"))
            .then(|| fields.get(2).map(|s| s.to_string()))?
    })?;
    // /sys/dev/block/MAJ:MIN links to the device; a partition's parent directory is its disk.
    let dev = std::fs::canonicalize(root.join("sys/dev/block").join(devnum)).ok()?;
    let disk = if dev.join("partition").exists() {
        dev.parent()?.to_owned()
    } else {
        dev
    };
    Some(Path::new("/dev").join(disk.file_name()?))
}

/// Whether any file system labelled `TABULA` is known to the system (`blkid -L`).
pub fn data_partition_exists() -> bool {
    Command::new("blkid")
        .args(["-L", LABEL])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// The free space behind the last partition of `device` (a disk or an image file), if there is
/// at least [`MIN_FREE`] of it and a partition slot left.
pub fn room(device: &Path) -> Result<Option<Room>> {
    let table = read_table(device)?;
    let length = std::fs::File::open(device)
        .and_then(|mut f| f.seek(SeekFrom::End(0)))
        .map_err(Error::io("measuring", device))?;
    let sector = table.sectorsize.max(512);
    let used_end = table
        .partitions
        .iter()
        .map(|p| (p.start + p.size) * sector)
        .max()
        .unwrap_or(ALIGN);
    let start = used_end.div_ceil(ALIGN) * ALIGN;
    let end = length.saturating_sub(table.backup_bytes(sector)) / sector * sector;
    let size = end.saturating_sub(start);
    let max_parts = if table.label == "gpt" { 128 } else { 4 };
    let number = (1..=max_parts).find(|n| {
        !table
            .partitions
            .iter()
            .any(|p| number_of(&p.node) == Some(*n))
    });
    Ok(match number {
        Some(number) if size >= MIN_FREE => Some(Room {
            device: device.to_owned(),
            label: table.label,
            number,
            start,
            size,
        }),
        _ => None,
    })
}

/// Adds the data partition in `room`, tells the kernel about it and makes the ext4 file system
/// labelled `TABULA`; returns the partition's device node. `device` must be a block device.
pub fn create(room: &Room) -> Result<PathBuf> {
    let device = &room.device;
    let before = read_table(device)?;
    let sector = before.sectorsize.max(512);
    let kind = if room.label == "gpt" {
        "0FC63DAF-8483-4772-8E79-3D69D8477DE4"
    } else {
        "83"
    };
    let script = format!(
        "start={}, size={}, type={kind}\n",
        room.start / sector,
        room.size / sector
    );
    run(
        "sfdisk",
        device,
        Command::new("sfdisk")
            .args(["--append", "--no-reread", "--no-tell-kernel", "--quiet"])
            .arg(device),
        Some(&script),
    )?;
    let after = read_table(device)?;
    let kept = before
        .partitions
        .iter()
        .all(|p| after.partitions.contains(p));
    if !kept || after.partitions.len() != before.partitions.len() + 1 {
        return Err(SetupError::PartitionsChanged {
            device: device.clone(),
        }
        .into());
    }
    let number = room.number.to_string();
    run(
        "partx",
        device,
        Command::new("partx")
            .args(["--update", "--nr", &number])
            .arg(device),
        None,
    )?;
    let node = partition_node(device, room.number)?;
    run(
        "mkfs.ext4",
        &node,
        Command::new("mkfs.ext4")
            .args(["-q", "-F", "-L", LABEL])
            .arg(&node),
        None,
    )?;
    Ok(node)
}

/// Mounts the data partition at the station's data directory.
pub fn mount(node: &Path, data: &Path) -> Result<()> {
    std::fs::create_dir_all(data).map_err(Error::io("creating", data))?;
    run(
        "mount",
        node,
        Command::new("mount")
            .args(["-t", "ext4"])
            .arg(node)
            .arg(data),
        None,
    )
}

/// The device node of partition `number` of the disk `device`, as the kernel names it.
fn partition_node(device: &Path, number: u32) -> Result<PathBuf> {
    let not_found = || SetupError::Tool {
        tool: "partx",
        device: device.to_owned(),
        detail: format!("partition {number} did not appear"),
    };
    let name = std::fs::canonicalize(device)
        .ok()
        .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
        .ok_or_else(not_found)?;
    let sys = Path::new("/sys/class/block").join(&name);
    for _ in 0..50 {
        let found = std::fs::read_dir(&sys).ok().and_then(|entries| {
            entries.filter_map(|e| e.ok()).find_map(|e| {
                let part = std::fs::read_to_string(e.path().join("partition")).ok()?;
                (part.trim() == number.to_string()).then(|| Path::new("/dev").join(e.file_name()))
            })
        });
        if let Some(node) = found.filter(|n| n.exists()) {
            return Ok(node);
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    Err(not_found().into())
}

fn read_table(device: &Path) -> Result<Table> {
    let out = run_output(
        "sfdisk",
        device,
        Command::new("sfdisk").arg("--json").arg(device),
        None,
    )?;
    let dump: Dump = serde_json::from_slice(&out).map_err(|source| SetupError::Table {
        device: device.to_owned(),
        source,
    })?;
    Ok(dump.partitiontable)
}

/// The partition number at the end of a node name (`/dev/sdb2`, `/dev/loop0p3`, `disk.img1`).
fn number_of(node: &str) -> Option<u32> {
    let digits = node.len() - node.trim_end_matches(|c: char| c.is_ascii_digit()).len();
    node[node.len() - digits..].parse().ok()
}

fn run(tool: &'static str, device: &Path, cmd: &mut Command, input: Option<&str>) -> Result<()> {
    run_output(tool, device, cmd, input).map(drop)
}

fn run_output(
    tool: &'static str,
    device: &Path,
    cmd: &mut Command,
    input: Option<&str>,
) -> Result<Vec<u8>> {
    let failed = |detail: String| -> Error {
        SetupError::Tool {
            tool,
            device: device.to_owned(),
            detail,
        }
        .into()
    };
    let mut child = cmd
        .stdin(if input.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| failed(format!("cannot run: {e}")))?;
    if let (Some(text), Some(mut stdin)) = (input, child.stdin.take()) {
        use std::io::Write;
        stdin
            .write_all(text.as_bytes())
            .map_err(|e| failed(format!("writing its input: {e}")))?;
    }
    let out = child
        .wait_with_output()
        .map_err(|e| failed(format!("waiting for it: {e}")))?;
    if !out.status.success() {
        let err = String::from_utf8_lossy(&out.stderr);
        return Err(failed(format!("{} ({})", err.trim(), out.status)));
    }
    Ok(out.stdout)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn partition_numbers_from_node_names() {
        assert_eq!(number_of("/dev/sdb2"), Some(2));
        assert_eq!(number_of("/dev/loop10p13"), Some(13));
        assert_eq!(number_of("/tmp/x/disk.img1"), Some(1));
        assert_eq!(number_of("/dev/sdb"), None);
    }

    #[test]
    fn the_boot_medium_is_the_disk_behind_run_live_medium() {
        let root = tempfile::tempdir().unwrap();
        let r = root.path();
        std::fs::create_dir_all(r.join("proc/self")).unwrap();
        std::fs::write(
            r.join("proc/self/mountinfo"),
            "22 1 0:21 / /proc rw - proc proc rw\n\
             30 22 8:17 / /run/live/medium ro,noatime - iso9660 /dev/sdb1 ro\n",
        )
        .unwrap();
        let part = r.join("sys/devices/pci/block/sdb/sdb1");
        std::fs::create_dir_all(&part).unwrap();
        std::fs::write(part.join("partition"), "1\n").unwrap();
        std::fs::create_dir_all(r.join("sys/dev/block")).unwrap();
        std::os::unix::fs::symlink(&part, r.join("sys/dev/block/8:17")).unwrap();
        assert_eq!(boot_medium(r), Some(PathBuf::from("/dev/sdb")));
        std::fs::write(
            r.join("proc/self/mountinfo"),
            "22 1 0:21 / /proc rw - proc proc rw\n",
        )
        .unwrap();
        assert_eq!(boot_medium(r), None);
    }
}
