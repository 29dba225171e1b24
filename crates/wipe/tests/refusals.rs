//! The engine refuses what it must never wipe, with the reason, before writing anything:
//! a mounted loop device, a read-only one, one opened exclusively elsewhere, partitions and
//! unknown devices. All devices here are loop devices over this test's own files.

#![allow(clippy::unwrap_used)] // test code: a failed unwrap is a failed test

mod common;

use std::fs::OpenOptions;
use std::os::unix::fs::OpenOptionsExt;
use std::path::Path;
use std::process::Command;

use common::LoopDev;
use tabula_device::{Verdict, discover};
use tabula_wipe::target::{Target, TargetError, check_allowed};

const MIB: u64 = 1 << 20;

fn verdict_of(dev: &Path) -> Verdict {
    let name = dev.file_name().unwrap().to_str().unwrap();
    let drives = discover(Path::new("/")).unwrap();
    drives
        .into_iter()
        .find(|d| d.name == name)
        .expect("loop device discovered")
        .verdict
}

fn run(cmd: &str, args: &[&str]) {
    let out = Command::new(cmd).args(args).output().unwrap();
    assert!(
        out.status.success(),
        "{cmd} {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn unmounted_loop_device_needs_to_be_named_but_is_allowed() {
    let dir = tempfile::tempdir().unwrap();
    let lo = LoopDev::new(dir.path(), "plain.img", 4 * MIB);
    assert!(matches!(verdict_of(&lo.dev), Verdict::ExplicitOnly { .. }));
    let drives = discover(Path::new("/")).unwrap();
    let drive = check_allowed(&lo.dev, &drives)
        .unwrap()
        .expect("block device has a drive record");
    assert_eq!(drive.size_bytes, 4 * MIB);
    assert_eq!(drive.backing_file.as_deref(), Some(lo.file.as_path()));
    assert!(Target::open(&lo.dev).is_ok());
}

#[test]
fn mounted_loop_device_is_refused_with_its_mount_point() {
    let dir = tempfile::tempdir().unwrap();
    let lo = LoopDev::new(dir.path(), "ext4.img", 16 * MIB);
    run("mkfs.ext4", &["-q", "-F", lo.dev.to_str().unwrap()]);
    let mnt = dir.path().join("mnt");
    std::fs::create_dir(&mnt).unwrap();
    run("mount", &[lo.dev.to_str().unwrap(), mnt.to_str().unwrap()]);
    let _unmount = Guard(|| {
        let _ = Command::new("umount").arg(&mnt).status();
    });
    match verdict_of(&lo.dev) {
        Verdict::Excluded { reasons } => assert!(
            reasons.contains(&tabula_device::Exclusion::Mounted {
                points: vec![mnt.display().to_string()]
            }),
            "{reasons:?}"
        ),
        other => panic!("mounted device not excluded: {other:?}"),
    }
    let drives = discover(Path::new("/")).unwrap();
    let err = check_allowed(&lo.dev, &drives).unwrap_err();
    assert!(matches!(err, TargetError::Excluded { .. }), "{err}");
    assert!(err.to_string().contains("mounted"));
    // The kernel refuses the exclusive open as well, whatever discovery said.
    assert!(matches!(
        Target::open(&lo.dev),
        Err(TargetError::Busy { .. })
    ));
}

#[test]
fn read_only_loop_device_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let lo = LoopDev::with_args(dir.path(), "ro.img", 4 * MIB, &["--read-only"]);
    match verdict_of(&lo.dev) {
        Verdict::Excluded { reasons } => assert!(
            reasons.contains(&tabula_device::Exclusion::ReadOnly),
            "{reasons:?}"
        ),
        other => panic!("read-only device not excluded: {other:?}"),
    }
    let drives = discover(Path::new("/")).unwrap();
    assert!(matches!(
        check_allowed(&lo.dev, &drives),
        Err(TargetError::Excluded { .. })
    ));
    assert!(matches!(
        Target::open(&lo.dev),
        Err(TargetError::ReadOnly { .. })
    ));
}

#[test]
fn device_held_exclusively_elsewhere_is_refused_by_the_kernel() {
    let dir = tempfile::tempdir().unwrap();
    let lo = LoopDev::new(dir.path(), "held.img", 4 * MIB);
    let _held = OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_EXCL)
        .open(&lo.dev)
        .unwrap();
    let err = Target::open(&lo.dev).unwrap_err();
    assert!(matches!(err, TargetError::Busy { .. }), "{err}");
    assert!(err.to_string().contains("in use"));
}

#[test]
fn partitions_and_unknown_paths_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let lo = LoopDev::with_args(dir.path(), "parted.img", 8 * MIB, &["--partscan"]);
    // One partition from sector 2048 to the end.
    let table = "label: dos\nstart=2048, type=83\n";
    let mut child = Command::new("sfdisk")
        .args(["-q", lo.dev.to_str().unwrap()])
        .stdin(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    std::io::Write::write_all(child.stdin.as_mut().unwrap(), table.as_bytes()).unwrap();
    assert!(child.wait().unwrap().success());
    // Not every kernel re-reads the table on sfdisk's request; partx adds the partition for sure.
    let _ = Command::new("partx")
        .args(["-a", lo.dev.to_str().unwrap()])
        .output();
    let part = std::path::PathBuf::from(format!("{}p1", lo.dev.display()));
    // udev creates the node asynchronously: wait for it, up to a deadline.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    while !part.exists() && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let drives = discover(Path::new("/")).unwrap();
    let name = lo.dev.file_name().unwrap().to_str().unwrap();
    let drive = drives.iter().find(|d| d.name == name).unwrap();
    assert_eq!(drive.partitions, vec![format!("{name}p1")]);
    assert!(
        part.exists(),
        "partition node {} did not appear",
        part.display()
    );
    assert!(matches!(
        check_allowed(&part, &drives),
        Err(TargetError::UnknownDevice { .. })
    ));
    assert!(matches!(
        check_allowed(Path::new("/dev/null"), &drives),
        Err(TargetError::NotWipeable { .. })
    ));
    assert!(matches!(
        check_allowed(Path::new("/nonexistent/disk"), &drives),
        Err(TargetError::NotFound { .. })
    ));
}

struct Guard<F: FnMut()>(F);
impl<F: FnMut()> Drop for Guard<F> {
    fn drop(&mut self) {
        (self.0)();
    }
}

#[test]
fn a_file_behind_a_mounted_loop_device_is_refused_like_the_device() {
    let dir = tempfile::tempdir().unwrap();
    let lo = LoopDev::new(dir.path(), "backing.img", 16 * MIB);
    run("mkfs.ext4", &["-q", "-F", lo.dev.to_str().unwrap()]);
    let mnt = dir.path().join("mnt");
    std::fs::create_dir(&mnt).unwrap();
    run("mount", &[lo.dev.to_str().unwrap(), mnt.to_str().unwrap()]);
    let _unmount = Guard(|| {
        let _ = Command::new("umount").arg(&mnt).status();
    });
    // Another name for the same file: found by device and inode, not by its path string.
    let alias = dir.path().join("alias.img");
    std::fs::hard_link(&lo.file, &alias).unwrap();
    let drives = discover(Path::new("/")).unwrap();
    for file in [&lo.file, &alias] {
        let err = check_allowed(file, &drives).unwrap_err();
        assert!(matches!(err, TargetError::Excluded { .. }), "{err}");
        let text = err.to_string();
        assert!(
            text.contains(&format!("it backs {}", lo.dev.display())) && text.contains("mounted"),
            "{text}"
        );
        // Opening it for writing asks the kernel about the loop device as well.
        let err = Target::open(file).unwrap_err();
        assert!(matches!(err, TargetError::BacksBusyLoop { .. }), "{err}");
    }
    // A file behind a loop device nobody uses is an ordinary file.
    let idle = LoopDev::new(dir.path(), "idle.img", 4 * MIB);
    let drives = discover(Path::new("/")).unwrap();
    assert!(matches!(check_allowed(&idle.file, &drives), Ok(None)));
    assert!(Target::open(&idle.file).is_ok());
}
