//! The Linux transports: NVMe admin commands on the controller's char device (`/dev/nvmeN`,
//! found from the namespace's sysfs directory), ATA PASS-THROUGH(16) and SCSI commands through
//! `SG_IO` on the block device. Which one a drive gets is decided by its bus; buses that carry
//! no firmware command (loop, virtio, MMC) are refused with the reason.

use std::fs::{File, OpenOptions};
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

use super::{
    AtaCommand, AtaOutput, Data, NvmeAdmin, NvmeCompletion, ScsiCommand, ScsiOutput, Transport,
    TransportError, ata, sat,
};
use crate::device::{Bus, Drive, read_attr};
use crate::identity::{Identity, IdentityChange};
use crate::sys;

/// A transport could not be opened for a drive.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum OpenError {
    /// No firmware command can reach this drive; the reason is meant for the technician.
    #[error("{name}: {reason}")]
    NoCommandPath { name: String, reason: String },
    #[error("cannot open {path}")]
    Open {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// The drive behind the name is not the one confirmed; nothing was sent.
    #[error("{path} is no longer the confirmed drive: {}", .changes.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "))]
    IdentityChanged {
        path: PathBuf,
        changes: Vec<IdentityChange>,
    },
}

#[derive(Debug)]
enum Channel {
    /// The controller's char device and the namespace's identifier.
    Nvme { controller: File, nsid: u32 },
    /// The block device, for SG_IO.
    Sg(File),
}

/// A drive reached through the kernel. Holds the block device open (exclusively when opened
/// for an erase) for as long as it lives.
#[derive(Debug)]
struct LinuxTransport {
    channel: Channel,
    _block: Option<File>,
}

impl Transport for LinuxTransport {
    fn nvme_admin(
        &mut self,
        cmd: &NvmeAdmin,
        data: Data<'_>,
    ) -> Result<NvmeCompletion, TransportError> {
        match &self.channel {
            Channel::Nvme { controller, .. } => {
                let done = sys::nvme_admin(controller, cmd, data);
                trace(|| format!("NVMe admin {cmd:?} -> {done:?}"));
                done
            }
            Channel::Sg(_) => Err(TransportError::Unsupported(
                "not an NVMe drive: NVMe admin commands do not apply".to_owned(),
            )),
        }
    }

    fn ata(&mut self, cmd: &AtaCommand, data: Data<'_>) -> Result<AtaOutput, TransportError> {
        let Channel::Sg(file) = &self.channel else {
            return Err(TransportError::Unsupported(
                "an NVMe drive takes no ATA commands".to_owned(),
            ));
        };
        let cdb = sat::cdb(cmd);
        let out = sys::sg_io(file, &cdb, data, cmd.timeout);
        trace(|| format!("ATA PASS-THROUGH(16) {} -> {out:?}", hex(&cdb)));
        let out = out?;
        sat::answer(cmd, out.status, &out.sense)
    }

    fn scsi(&mut self, cmd: &ScsiCommand, data: Data<'_>) -> Result<ScsiOutput, TransportError> {
        match &self.channel {
            Channel::Sg(file) => {
                let out = sys::sg_io(file, &cmd.cdb, data, cmd.timeout);
                trace(|| format!("SCSI {} -> {out:?}", hex(&cmd.cdb)));
                out
            }
            Channel::Nvme { .. } => Err(TransportError::Unsupported(
                "an NVMe drive is not reached with SCSI commands here".to_owned(),
            )),
        }
    }

    fn nvme_namespace(&self) -> Option<u32> {
        match self.channel {
            Channel::Nvme { nsid, .. } => Some(nsid),
            Channel::Sg(_) => None,
        }
    }
}

/// With `TABULA_TRACE_COMMANDS` set in the environment, every command sent and the kernel's
/// answer (status, sense bytes) go to stderr: for troubleshooting a controller or bridge.
fn trace(line: impl FnOnce() -> String) {
    if std::env::var_os("TABULA_TRACE_COMMANDS").is_some() {
        eprintln!("tabula-device: {}", line());
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Opens the command path to `drive` for reading its capabilities (no exclusive claim). A USB
/// drive is asked for IDENTIFY DEVICE first: a bridge that does not pass ATA commands is
/// refused with the advice to attach the drive directly.
pub fn open_transport(drive: &Drive) -> Result<Box<dyn Transport>, OpenError> {
    refuse_without_path(drive)?;
    let block = open_block(&drive.path, false)?;
    open_channel(drive, block)
}

/// Opens the command path to `drive` for an erase: the block device is claimed exclusively
/// (`O_EXCL`: refused while mounted or held) and its identity measured on the open descriptor
/// must be `expected`, as for every open for writing; the claim lasts as long as the transport.
pub fn open_transport_as(
    drive: &Drive,
    expected: &Identity,
) -> Result<Box<dyn Transport>, OpenError> {
    refuse_without_path(drive)?;
    let block = open_block(&drive.path, true)?;
    let open_err = |source| OpenError::Open {
        path: drive.path.clone(),
        source,
    };
    let size = sys::device_size(&block).map_err(|e| open_err(e.into()))?;
    let now = Identity::of_open(&block, &drive.path, size).map_err(open_err)?;
    let changes = expected.changes(&now);
    if !changes.is_empty() {
        return Err(OpenError::IdentityChanged {
            path: drive.path.clone(),
            changes,
        });
    }
    open_channel(drive, block)
}

fn open_channel(drive: &Drive, block: File) -> Result<Box<dyn Transport>, OpenError> {
    if drive.transport == Bus::Nvme {
        let (controller_path, nsid) = nvme_controller(Path::new("/"), &drive.name)
            .ok_or_else(|| no_path(drive, "its NVMe controller was not found in sysfs"))?;
        let controller = OpenOptions::new()
            .read(true)
            .write(true)
            .open(&controller_path)
            .map_err(|source| OpenError::Open {
                path: controller_path,
                source,
            })?;
        return Ok(Box::new(LinuxTransport {
            channel: Channel::Nvme { controller, nsid },
            _block: Some(block),
        }));
    }
    let mut transport = LinuxTransport {
        channel: Channel::Sg(block),
        _block: None,
    };
    if drive.transport == Bus::Usb {
        let mut buf = [0u8; 512];
        if let Err(TransportError::Unsupported(reason)) =
            transport.ata(&ata::identify(), Data::In(&mut buf))
        {
            return Err(no_path(drive, &reason));
        }
    }
    Ok(Box::new(transport))
}

fn refuse_without_path(drive: &Drive) -> Result<(), OpenError> {
    let reason = match drive.transport {
        Bus::Loop => "a loop device is a file, not a drive: it has no firmware commands",
        Bus::Virtio => "a virtio disk does not pass NVMe, ATA or SCSI commands to a drive",
        Bus::Mmc => "SD/eMMC cards are not reached with NVMe, ATA or SCSI erase commands",
        Bus::Other => "the bus of this device carries no firmware erase commands Tabula knows",
        _ => return Ok(()),
    };
    Err(no_path(drive, reason))
}

fn no_path(drive: &Drive, reason: &str) -> OpenError {
    OpenError::NoCommandPath {
        name: drive.name.clone(),
        reason: reason.to_owned(),
    }
}

fn open_block(path: &Path, exclusive: bool) -> Result<File, OpenError> {
    let mut flags = libc::O_NONBLOCK;
    if exclusive {
        flags |= libc::O_EXCL;
    }
    OpenOptions::new()
        .read(true)
        .write(true)
        .custom_flags(flags)
        .open(path)
        .map_err(|source| OpenError::Open {
            path: path.to_owned(),
            source,
        })
}

/// The controller node and namespace identifier of the NVMe namespace `name` below `root`:
/// `sys/block/<name>/device` is the controller (`nvme0`), or with native multipath the
/// subsystem (`nvme-subsys0`), whose first `nvmeN` entry is taken; `nsid` is read from sysfs.
pub(crate) fn nvme_controller(root: &Path, name: &str) -> Option<(PathBuf, u32)> {
    let dir = root.join("sys/block").join(name);
    let nsid = read_attr(&dir.join("nsid"))
        .and_then(|s| s.parse().ok())
        .or_else(|| name.rsplit_once('n')?.1.parse().ok())?;
    let device = std::fs::read_link(dir.join("device")).ok()?;
    let device_name = device.file_name()?.to_str()?.to_owned();
    let controller = if device_name.starts_with("nvme-subsys") {
        let mut ctrls: Vec<String> = crate::device::list_dir(&dir.join("device"))
            .filter(|n| is_controller_name(n))
            .collect();
        ctrls.sort();
        ctrls.into_iter().next()?
    } else if is_controller_name(&device_name) {
        device_name
    } else {
        return None;
    };
    Some((PathBuf::from("/dev").join(controller), nsid))
}

fn is_controller_name(n: &str) -> bool {
    n.strip_prefix("nvme")
        .is_some_and(|d| !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::symlink;

    #[test]
    fn nvme_controller_from_sysfs() {
        let root = tempfile::tempdir().unwrap();
        let sys = root.path().join("sys");
        let ctrl = sys.join("devices/pci0000:00/0000:00:04.0/nvme/nvme0");
        std::fs::create_dir_all(&ctrl).unwrap();
        let ns = sys.join("block/nvme0n1");
        std::fs::create_dir_all(&ns).unwrap();
        symlink(&ctrl, ns.join("device")).unwrap();
        std::fs::write(ns.join("nsid"), "1\n").unwrap();
        assert_eq!(
            nvme_controller(root.path(), "nvme0n1"),
            Some((PathBuf::from("/dev/nvme0"), 1))
        );
        // Native multipath: the namespace's device is the subsystem, listing its controllers.
        let subsys = sys.join("devices/virtual/nvme-subsystem/nvme-subsys1");
        std::fs::create_dir_all(subsys.join("nvme3")).unwrap();
        std::fs::create_dir_all(subsys.join("nvme2")).unwrap();
        std::fs::create_dir_all(subsys.join("nvme1n2")).unwrap();
        let ns = sys.join("block/nvme1n2");
        std::fs::create_dir_all(&ns).unwrap();
        symlink(&subsys, ns.join("device")).unwrap();
        assert_eq!(
            nvme_controller(root.path(), "nvme1n2"),
            Some((PathBuf::from("/dev/nvme2"), 2))
        );
        assert_eq!(nvme_controller(root.path(), "sda"), None);
    }
}
