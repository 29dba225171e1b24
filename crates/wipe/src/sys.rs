//! The only module with `unsafe`: block-device ioctls through `nix`.
//!
//! Each wrapper takes an open file and returns a plain value; callers never see raw pointers.

use std::fs::File;
use std::os::fd::AsRawFd;

// <linux/fs.h>: BLKROGET _IO(0x12,94), BLKGETSIZE64 _IOR(0x12,114,size_t), BLKFLSBUF _IO(0x12,97),
// BLKSSZGET _IO(0x12,104), BLKPBSZGET _IO(0x12,123).
nix::ioctl_read!(blk_getsize64, 0x12, 114, u64);
nix::ioctl_none!(blk_flsbuf, 0x12, 97);
nix::ioctl_read_bad!(blk_sszget, nix::request_code_none!(0x12, 104), libc::c_int);
nix::ioctl_read_bad!(
    blk_pbszget,
    nix::request_code_none!(0x12, 123),
    libc::c_uint
);
nix::ioctl_read_bad!(blk_roget, nix::request_code_none!(0x12, 94), libc::c_int);

/// Size of a block device in bytes (BLKGETSIZE64).
pub fn device_size(file: &File) -> nix::Result<u64> {
    let mut size: u64 = 0;
    // SAFETY: the fd is open for the lifetime of `file`; the kernel writes one u64 into `size`.
    unsafe { blk_getsize64(file.as_raw_fd(), &mut size) }?;
    Ok(size)
}

/// Logical sector size in bytes (BLKSSZGET).
pub fn logical_sector_size(file: &File) -> nix::Result<u32> {
    let mut size: libc::c_int = 0;
    // SAFETY: valid open fd; the kernel writes one int into `size`.
    unsafe { blk_sszget(file.as_raw_fd(), &mut size) }?;
    u32::try_from(size).map_err(|_| nix::Error::EINVAL)
}

/// Physical sector size in bytes (BLKPBSZGET).
pub fn physical_sector_size(file: &File) -> nix::Result<u32> {
    let mut size: libc::c_uint = 0;
    // SAFETY: valid open fd; the kernel writes one unsigned int into `size`.
    unsafe { blk_pbszget(file.as_raw_fd(), &mut size) }?;
    Ok(size)
}

/// Whether the kernel marks the device read-only (BLKROGET).
pub fn read_only(file: &File) -> nix::Result<bool> {
    let mut ro: libc::c_int = 0;
    // SAFETY: valid open fd; the kernel writes one int into `ro`.
    unsafe { blk_roget(file.as_raw_fd(), &mut ro) }?;
    Ok(ro != 0)
}

/// Drop the device's buffer cache (BLKFLSBUF), so later buffered readers see the medium.
pub fn flush_buffers(file: &File) -> nix::Result<()> {
    // SAFETY: valid open fd; BLKFLSBUF takes no argument.
    unsafe { blk_flsbuf(file.as_raw_fd()) }?;
    Ok(())
}
