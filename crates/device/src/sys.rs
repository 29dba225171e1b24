//! The only module of the workspace with `unsafe`: block-device ioctls through `nix`.
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
// <linux/loop.h>: LOOP_GET_STATUS64 0x4C05, a plain number, reading a `struct loop_info64`.
nix::ioctl_read_bad!(loop_get_status64, 0x4C05, LoopInfo64);

/// `struct loop_info64` from `<linux/loop.h>` (232 bytes).
#[repr(C)]
#[allow(dead_code)] // mirrors the kernel's struct; only device and inode are read
struct LoopInfo64 {
    lo_device: u64,
    lo_inode: u64,
    lo_rdevice: u64,
    lo_offset: u64,
    lo_sizelimit: u64,
    lo_number: u32,
    lo_encrypt_type: u32,
    lo_encrypt_key_size: u32,
    lo_flags: u32,
    lo_file_name: [u8; 64],
    lo_crypt_name: [u8; 64],
    lo_encrypt_key: [u8; 32],
    lo_init: [u64; 2],
}
const _: () = assert!(std::mem::size_of::<LoopInfo64>() == 232);

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

/// The backing file of a loop device as (device, inode) of that file (LOOP_GET_STATUS64);
/// `None` when no file is attached (ENXIO).
pub fn loop_backing(file: &File) -> nix::Result<Option<(u64, u64)>> {
    let mut info = LoopInfo64 {
        lo_device: 0,
        lo_inode: 0,
        lo_rdevice: 0,
        lo_offset: 0,
        lo_sizelimit: 0,
        lo_number: 0,
        lo_encrypt_type: 0,
        lo_encrypt_key_size: 0,
        lo_flags: 0,
        lo_file_name: [0; 64],
        lo_crypt_name: [0; 64],
        lo_encrypt_key: [0; 32],
        lo_init: [0; 2],
    };
    // SAFETY: valid open fd; the kernel writes one `struct loop_info64`, which `LoopInfo64`
    // matches field for field (size checked at compile time).
    match unsafe { loop_get_status64(file.as_raw_fd(), &mut info) } {
        Ok(_) => Ok(Some((info.lo_device, info.lo_inode))),
        Err(nix::Error::ENXIO) => Ok(None),
        Err(e) => Err(e),
    }
}
