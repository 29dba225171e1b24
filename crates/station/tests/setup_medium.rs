//! The first-boot data partition on a stick-like loop device: a file with an ISO hybrid's MBR
//! (partition 1 from sector 0 over the whole image, an EFI partition inside it) and free space
//! behind. Checks the partition table and the ext4 label afterwards, and that not one byte of
//! the image changed apart from the new partition table entry.

#![allow(clippy::unwrap_used)] // test code: a failed unwrap is a failed test

use std::path::{Path, PathBuf};
use std::process::Command;

use tabula_station::setup::medium;

const IMAGE: u64 = 40 << 20;
const DISK: u64 = 256 << 20;

/// A loop device over `file`, detached on drop.
struct Loop(PathBuf);

impl Loop {
    fn new(file: &Path) -> Self {
        let out = Command::new("losetup")
            .args(["-f", "--show"])
            .arg(file)
            .output()
            .unwrap();
        assert!(out.status.success(), "losetup: {out:?}");
        Self(PathBuf::from(String::from_utf8(out.stdout).unwrap().trim()))
    }
}

impl Drop for Loop {
    fn drop(&mut self) {
        // Partitions added with partx stay in the kernel after a detach: remove them first.
        let _ = Command::new("partx").arg("--delete").arg(&self.0).status();
        let _ = Command::new("losetup").arg("-d").arg(&self.0).status();
    }
}

/// An ISO-hybrid-like image of `IMAGE` bytes at the start of a `disk`-byte file.
fn stick(path: &Path, disk: u64) -> Vec<u8> {
    let mut image = vec![0x5A_u8; IMAGE as usize];
    image[..446].fill(0x33);
    let entry = |boot: u8, kind: u8, start: u32, size: u32| {
        let mut e = vec![boot, 0, 0, 0, kind, 0, 0, 0];
        e.extend(start.to_le_bytes());
        e.extend(size.to_le_bytes());
        e
    };
    let mut table = entry(0x80, 0x17, 0, (IMAGE / 512) as u32);
    table.extend(entry(0, 0xEF, 1000, 2000));
    table.extend([0; 32]);
    table.extend([0x55, 0xAA]);
    image[446..512].copy_from_slice(&table);
    std::fs::write(path, &image).unwrap();
    let f = std::fs::OpenOptions::new().write(true).open(path).unwrap();
    f.set_len(disk).unwrap();
    image
}

fn output(cmd: &mut Command) -> String {
    let out = cmd.output().unwrap();
    assert!(out.status.success(), "{cmd:?}: {out:?}");
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn the_data_partition_goes_behind_the_image_and_leaves_it_alone() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("stick.img");
    let image = stick(&file, DISK);
    let dev = Loop::new(&file);

    let room = medium::room(&dev.0)
        .unwrap()
        .expect("free space behind the image");
    assert_eq!((room.label.as_str(), room.number), ("dos", 3));
    assert_eq!((room.start, room.size), (IMAGE, DISK - IMAGE));

    let node = medium::create(&room).unwrap();

    assert!(node.to_string_lossy().ends_with('3'), "{}", node.display());
    let label = output(
        Command::new("blkid")
            .args(["-p", "-s", "LABEL", "-o", "value"])
            .arg(&node),
    );
    assert_eq!(label.trim(), medium::LABEL);
    let table: serde_json::Value =
        serde_json::from_str(&output(Command::new("sfdisk").arg("--json").arg(&dev.0))).unwrap();
    let parts = table["partitiontable"]["partitions"].as_array().unwrap();
    let layout: Vec<(u64, u64, &str)> = parts
        .iter()
        .map(|p| {
            (
                p["start"].as_u64().unwrap(),
                p["size"].as_u64().unwrap(),
                p["type"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        layout,
        [
            (0, IMAGE / 512, "17"),
            (1000, 2000, "ef"),
            (IMAGE / 512, (DISK - IMAGE) / 512, "83")
        ]
    );
    drop(dev);
    let after = std::fs::read(&file).unwrap();
    // Only the third partition table entry (bytes 478..494) may differ within the image.
    assert_eq!(
        after[..478],
        image[..478],
        "boot code and the image's entries"
    );
    assert_eq!(
        after[494..IMAGE as usize],
        image[494..],
        "the image's bytes"
    );
    assert_ne!(after[478..494], image[478..494], "the new entry is there");
}

#[test]
fn a_stick_without_free_space_is_not_offered_a_partition() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("full.img");
    stick(&file, IMAGE + (16 << 20));
    assert_eq!(medium::room(&file).unwrap(), None, "16 MiB is too little");
}

/// The live ISO is a GPT hybrid whose table has 248 entries (xorriso) and whose backup table
/// sits at the end of the image, not of the stick: the room offered must end before the
/// backup table sfdisk writes at the stick's end (64 sectors there, not the usual 33), or
/// adding the partition fails ("the last usable GPT sector is ..., but ... is requested").
#[test]
fn on_a_gpt_stick_the_room_leaves_the_whole_backup_table_free() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("gpt.img");
    std::fs::File::create(&file)
        .unwrap()
        .set_len(IMAGE)
        .unwrap();
    let script = "label: gpt\ntable-length: 248\nstart=2048, size=10240, type=C12A7328-F81F-11D2-BA4B-00A0C93EC93B\n";
    let mut sfdisk = Command::new("sfdisk")
        .args(["--quiet", "--no-reread", "--no-tell-kernel"])
        .arg(&file)
        .stdin(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write as _;
    sfdisk
        .stdin
        .take()
        .unwrap()
        .write_all(script.as_bytes())
        .unwrap();
    assert!(sfdisk.wait().unwrap().success());
    std::fs::OpenOptions::new()
        .write(true)
        .open(&file)
        .unwrap()
        .set_len(DISK)
        .unwrap();

    let room = medium::room(&file).unwrap().expect("free space behind");
    assert_eq!((room.label.as_str(), room.number), ("gpt", 2));
    // 248 entries of 128 bytes: 62 sectors, and the backup header: 63 sectors at the end
    assert_eq!(room.start + room.size, DISK - 63 * 512);
    // sfdisk accepts exactly that partition (it moves the backup table to the end)
    let add = format!(
        "start={}, size={}, type=0FC63DAF-8483-4772-8E79-3D69D8477DE4\n",
        room.start / 512,
        room.size / 512
    );
    let mut sfdisk = Command::new("sfdisk")
        .args(["--append", "--quiet", "--no-reread", "--no-tell-kernel"])
        .arg(&file)
        .stdin(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    sfdisk
        .stdin
        .take()
        .unwrap()
        .write_all(add.as_bytes())
        .unwrap();
    let out = sfdisk.wait_with_output().unwrap();
    assert!(out.status.success(), "sfdisk --append: {out:?}");
}
