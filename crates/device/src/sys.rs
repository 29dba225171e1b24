//! The only module of the workspace with `unsafe`: block-device ioctls, the NVMe admin
//! pass-through and `SG_IO`, through `nix`.
//!
//! Each wrapper takes an open file and returns a plain value; callers never see raw pointers.

use std::fs::File;
use std::os::fd::AsRawFd;
use std::time::Duration;

use crate::command::{Data, NvmeAdmin, NvmeCompletion, ScsiOutput, TransportError};

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

/// `struct nvme_passthru_cmd` from `<linux/nvme_ioctl.h>` (72 bytes).
#[repr(C)]
#[derive(Default)]
struct NvmePassthruCmd {
    opcode: u8,
    flags: u8,
    rsvd1: u16,
    nsid: u32,
    cdw2: u32,
    cdw3: u32,
    metadata: u64,
    addr: u64,
    metadata_len: u32,
    data_len: u32,
    cdw10: u32,
    cdw11: u32,
    cdw12: u32,
    cdw13: u32,
    cdw14: u32,
    cdw15: u32,
    timeout_ms: u32,
    result: u32,
}
const _: () = assert!(std::mem::size_of::<NvmePassthruCmd>() == 72);
// NVME_IOCTL_ADMIN_CMD: _IOWR('N', 0x41, struct nvme_admin_cmd), the same struct.
nix::ioctl_readwrite!(nvme_ioctl_admin_cmd, b'N', 0x41, NvmePassthruCmd);

/// `struct sg_io_hdr` from `<scsi/sg.h>` (88 bytes on 64-bit targets).
#[repr(C)]
struct SgIoHdr {
    interface_id: libc::c_int,
    dxfer_direction: libc::c_int,
    cmd_len: u8,
    mx_sb_len: u8,
    iovec_count: u16,
    dxfer_len: u32,
    dxferp: *mut libc::c_void,
    cmdp: *const u8,
    sbp: *mut u8,
    timeout: u32,
    flags: u32,
    pack_id: libc::c_int,
    usr_ptr: *mut libc::c_void,
    status: u8,
    masked_status: u8,
    msg_status: u8,
    sb_len_wr: u8,
    host_status: u16,
    driver_status: u16,
    resid: libc::c_int,
    duration: u32,
    info: u32,
}
#[cfg(target_pointer_width = "64")]
const _: () = assert!(std::mem::size_of::<SgIoHdr>() == 88);
// SG_IO 0x2285, a plain number.
nix::ioctl_readwrite_bad!(sg_io_ioctl, 0x2285, SgIoHdr);

const SG_DXFER_NONE: libc::c_int = -1;
const SG_DXFER_TO_DEV: libc::c_int = -2;
const SG_DXFER_FROM_DEV: libc::c_int = -3;
/// `DID_TIME_OUT` in host_status, `DRIVER_TIMEOUT` in driver_status.
const DID_TIME_OUT: u16 = 0x03;
const DRIVER_TIMEOUT: u16 = 0x06;

fn millis(timeout: Duration) -> u32 {
    u32::try_from(timeout.as_millis()).unwrap_or(u32::MAX)
}

/// Pointer and length of a command's data buffer (null and 0 without data).
fn data_parts(data: &mut Data<'_>) -> Result<(*mut u8, u32), TransportError> {
    let (ptr, len) = match data {
        Data::None => (std::ptr::null_mut(), 0),
        Data::In(buf) => (buf.as_mut_ptr(), buf.len()),
        // The kernel only reads from an outgoing buffer.
        Data::Out(buf) => (buf.as_ptr().cast_mut(), buf.len()),
    };
    let len = u32::try_from(len)
        .map_err(|_| TransportError::Unsupported("data buffer above 4 GiB".to_owned()))?;
    Ok((ptr, len))
}

/// Sends an NVMe admin command through `NVME_IOCTL_ADMIN_CMD` on an NVMe controller (or
/// namespace) node. The ioctl's non-negative return value is the NVMe status.
pub fn nvme_admin(
    file: &File,
    cmd: &NvmeAdmin,
    mut data: Data<'_>,
) -> Result<NvmeCompletion, TransportError> {
    let (ptr, len) = data_parts(&mut data)?;
    let mut raw = NvmePassthruCmd {
        opcode: cmd.opcode,
        nsid: cmd.nsid,
        addr: ptr as u64,
        data_len: len,
        cdw10: cmd.cdw10,
        cdw11: cmd.cdw11,
        cdw12: cmd.cdw12,
        cdw13: cmd.cdw13,
        cdw14: cmd.cdw14,
        cdw15: cmd.cdw15,
        timeout_ms: millis(cmd.timeout),
        ..NvmePassthruCmd::default()
    };
    // SAFETY: valid open fd; `raw` matches `struct nvme_passthru_cmd` (size checked at compile
    // time); `addr`/`data_len` describe a buffer borrowed by `data` for this whole call, which
    // the kernel writes (data in) or reads (data out) within `data_len` bytes.
    match unsafe { nvme_ioctl_admin_cmd(file.as_raw_fd(), &mut raw) } {
        Ok(status) => Ok(NvmeCompletion {
            status: u16::try_from(status).unwrap_or(u16::MAX),
            result: raw.result,
        }),
        Err(nix::Error::ETIMEDOUT) | Err(nix::Error::EINTR) => {
            Err(TransportError::Timeout(cmd.timeout))
        }
        Err(e) => Err(TransportError::Io {
            context: format!("NVMe admin command {:#04x} failed", cmd.opcode),
            source: e.into(),
        }),
    }
}

/// Sends a SCSI CDB through `SG_IO` and returns the SCSI status and sense.
pub fn sg_io(
    file: &File,
    cdb: &[u8],
    mut data: Data<'_>,
    timeout: Duration,
) -> Result<ScsiOutput, TransportError> {
    let direction = match data {
        Data::None => SG_DXFER_NONE,
        Data::In(_) => SG_DXFER_FROM_DEV,
        Data::Out(_) => SG_DXFER_TO_DEV,
    };
    let (ptr, len) = data_parts(&mut data)?;
    let cmd_len = u8::try_from(cdb.len())
        .map_err(|_| TransportError::Unsupported("CDB longer than 255 bytes".to_owned()))?;
    let mut sense = [0u8; 64];
    let mut hdr = SgIoHdr {
        interface_id: libc::c_int::from(b'S'),
        dxfer_direction: direction,
        cmd_len,
        mx_sb_len: sense.len() as u8,
        iovec_count: 0,
        dxfer_len: len,
        dxferp: ptr.cast(),
        cmdp: cdb.as_ptr(),
        sbp: sense.as_mut_ptr(),
        timeout: millis(timeout),
        flags: 0,
        pack_id: 0,
        usr_ptr: std::ptr::null_mut(),
        status: 0,
        masked_status: 0,
        msg_status: 0,
        sb_len_wr: 0,
        host_status: 0,
        driver_status: 0,
        resid: 0,
        duration: 0,
        info: 0,
    };
    // SAFETY: valid open fd; `hdr` matches `struct sg_io_hdr` (size checked at compile time);
    // `cmdp`, `sbp` and `dxferp` point to buffers that outlive the call with the lengths given
    // in `cmd_len`, `mx_sb_len` and `dxfer_len`; SG_IO is synchronous.
    let res = unsafe { sg_io_ioctl(file.as_raw_fd(), &mut hdr) };
    res.map_err(|e| TransportError::Io {
        context: "SG_IO failed".to_owned(),
        source: e.into(),
    })?;
    if hdr.host_status == DID_TIME_OUT || hdr.driver_status & 0x0F == DRIVER_TIMEOUT {
        return Err(TransportError::Timeout(timeout));
    }
    if hdr.host_status != 0 {
        return Err(TransportError::Io {
            context: format!("SG_IO: host adapter status {:#06x}", hdr.host_status),
            source: std::io::Error::from_raw_os_error(libc::EIO),
        });
    }
    let written = usize::from(hdr.sb_len_wr).min(sense.len());
    Ok(ScsiOutput {
        status: hdr.status,
        sense: sense[..written].to_vec(),
    })
}
