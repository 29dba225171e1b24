//! Test support: loop devices over files the test creates, and a FUSE file with injected faults.
//! Nothing here ever touches a device the test did not create.
#![allow(dead_code)]

pub mod faultfs;
pub mod fw;

use std::fs::{self, File};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

/// A loop device over a file of this test's; detached on drop.
pub struct LoopDev {
    pub dev: PathBuf,
    pub file: PathBuf,
    /// False once the device was detached and its name possibly taken by another test.
    attached: bool,
}

impl LoopDev {
    /// Creates `size` bytes of non-zero junk in `dir` and attaches it.
    pub fn new(dir: &Path, name: &str, size: u64) -> Self {
        Self::with_args(dir, name, size, &[])
    }

    pub fn with_args(dir: &Path, name: &str, size: u64, args: &[&str]) -> Self {
        let file = dir.join(name);
        write_junk(&file, size);
        Self::attach(&file, args)
    }

    /// Attaches an existing file.
    pub fn attach(file: &Path, args: &[&str]) -> Self {
        assert!(
            nix::unistd::Uid::effective().is_root(),
            "loop device tests must run as root (CI does)"
        );
        let out = Command::new("losetup")
            .args(["-f", "--show"])
            .args(args)
            .arg(file)
            .output()
            .expect("run losetup");
        assert!(
            out.status.success(),
            "losetup failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let dev = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim());
        assert!(
            dev.to_string_lossy().starts_with("/dev/loop"),
            "unexpected device {dev:?}"
        );
        Self {
            dev,
            file: file.to_owned(),
            attached: true,
        }
    }

    /// Detaches the device and attaches `file` under the same name: the same `/dev/loopN`, now
    /// another drive. Returns false if another test took the free name in between.
    pub fn reattach(&mut self, file: &Path) -> bool {
        let detached = Command::new("losetup")
            .arg("-d")
            .arg(&self.dev)
            .status()
            .expect("run losetup -d");
        assert!(detached.success(), "losetup -d {}", self.dev.display());
        self.attached = false;
        let attached = Command::new("losetup")
            .arg(&self.dev)
            .arg(file)
            .status()
            .expect("run losetup");
        if attached.success() {
            self.file = file.to_owned();
            self.attached = true;
        }
        self.attached
    }

    /// Every byte of the device, read through the block device (the engine drops its cache).
    pub fn contents(&self) -> Vec<u8> {
        fs::read(&self.dev).expect("read loop device")
    }

    /// The bytes of the file behind the device (what a simulated drive erasing that file left;
    /// the device's own page cache may still hold older bytes).
    pub fn file_contents(&self) -> Vec<u8> {
        fs::read(&self.file).expect("read backing file")
    }
}

impl Drop for LoopDev {
    fn drop(&mut self) {
        if !self.attached {
            return;
        }
        let _ = Command::new("losetup").arg("-d").arg(&self.dev).status();
    }
}

/// Deterministic non-zero, non-0xFF junk, so no method's output can be mistaken for it.
pub fn write_junk(path: &Path, size: u64) {
    let mut f = File::create(path).expect("create image");
    let mut block = vec![0u8; 1 << 20];
    for (i, b) in block.iter_mut().enumerate() {
        *b = (i as u8).wrapping_mul(31).wrapping_add(7) | 0x01;
        if *b == 0xFF {
            *b = 0x5A;
        }
    }
    let mut left = size;
    while left > 0 {
        let n = left.min(block.len() as u64) as usize;
        f.write_all(&block[..n]).expect("write image");
        left -= n as u64;
    }
    f.sync_all().expect("sync image");
}
