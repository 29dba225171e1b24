//! What a wipe target is, measured on an open descriptor: recorded when the technician confirms
//! the plan and measured again on every open for writing, so that a device name that now belongs
//! to another drive (hot-plug, a loop device re-attached to another file) is never written to.
//!
//! A block device is its device number (`fstat` of the descriptor), the serial, model and size the
//! kernel reports for that number in sysfs, and for a loop device the file behind it (path from
//! sysfs, device and inode from `LOOP_GET_STATUS64`). A regular file is its file system's device,
//! its inode and its size.

use std::fs::File;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::device::read_drive;
use crate::sys;

/// The major number of loop devices (`LOOP_MAJOR` in `<linux/major.h>`).
const LOOP_MAJOR: u32 = 7;

/// A target's identity at one moment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Identity {
    BlockDevice(DeviceIdentity),
    File(FileIdentity),
}

/// A block device's identity.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceIdentity {
    /// Device number, `major:minor`.
    pub devnum: DevNum,
    /// Kernel name the device number had (for messages; the number decides).
    pub name: Option<String>,
    pub serial: Option<String>,
    pub model: Option<String>,
    pub size_bytes: u64,
    /// For a loop device: the file it reads and writes.
    pub backing_file: Option<FileIdentity>,
}

/// A regular file's identity (a wipe target or the file behind a loop device).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileIdentity {
    pub path: PathBuf,
    /// Device number of the file system holding it, as the kernel encodes it.
    pub device: u64,
    pub inode: u64,
    /// Length in bytes (0 for a loop device's backing file, whose size is the device's).
    pub size_bytes: u64,
}

/// `major:minor` of a block device.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct DevNum {
    pub major: u32,
    pub minor: u32,
}

impl std::fmt::Display for DevNum {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", self.major, self.minor)
    }
}

/// One way in which a target is no longer what was confirmed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "change", rename_all = "kebab-case")]
#[non_exhaustive]
pub enum IdentityChange {
    /// A block device became a file or the other way round.
    Kind,
    DeviceNumber {
        was: DevNum,
        now: DevNum,
    },
    Serial {
        was: Option<String>,
        now: Option<String>,
    },
    Model {
        was: Option<String>,
        now: Option<String>,
    },
    Size {
        was: u64,
        now: u64,
    },
    /// The file (a target, or behind a loop device) is another one, or gone.
    File {
        was: Option<FileIdentity>,
        now: Option<FileIdentity>,
    },
}

impl std::fmt::Display for IdentityChange {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let opt = |v: &Option<String>| v.clone().unwrap_or_else(|| "none".to_owned());
        let file = |v: &Option<FileIdentity>| match v {
            Some(i) => format!(
                "{} (inode {}, device {})",
                i.path.display(),
                i.inode,
                i.device
            ),
            None => "none".to_owned(),
        };
        match self {
            Self::Kind => f.write_str("kind changed between block device and file"),
            Self::DeviceNumber { was, now } => write!(f, "device number {was} is now {now}"),
            Self::Serial { was, now } => write!(f, "serial {} is now {}", opt(was), opt(now)),
            Self::Model { was, now } => write!(f, "model {} is now {}", opt(was), opt(now)),
            Self::Size { was, now } => write!(f, "size {was} bytes is now {now} bytes"),
            Self::File { was, now } => write!(f, "file {} is now {}", file(was), file(now)),
        }
    }
}

impl Identity {
    /// Measures the identity of the open `file` (opened from `path`).
    pub fn of_open(file: &File, path: &Path, size_bytes: u64) -> Result<Self, std::io::Error> {
        let meta = file.metadata()?;
        if !std::os::unix::fs::FileTypeExt::is_block_device(&meta.file_type()) {
            return Ok(Self::File(FileIdentity {
                path: path.to_owned(),
                device: meta.dev(),
                inode: meta.ino(),
                size_bytes,
            }));
        }
        let rdev = meta.rdev();
        let devnum = DevNum {
            major: libc::major(rdev),
            minor: libc::minor(rdev),
        };
        let name = kernel_name(devnum);
        let drive = name.as_deref().map(|n| read_drive(Path::new("/"), n));
        let backing_file = if devnum.major == LOOP_MAJOR {
            loop_backing(file, drive.as_ref().and_then(|d| d.backing_file.clone()))?
        } else {
            None
        };
        Ok(Self::BlockDevice(DeviceIdentity {
            devnum,
            name,
            serial: drive.as_ref().and_then(|d| d.serial.clone()),
            model: drive.as_ref().and_then(|d| d.model.clone()),
            size_bytes,
            backing_file,
        }))
    }

    /// Every way in which `now` differs from `self` (empty: the same target).
    pub fn changes(&self, now: &Identity) -> Vec<IdentityChange> {
        match (self, now) {
            (Self::BlockDevice(was), Self::BlockDevice(now)) => was.changes(now),
            (Self::File(was), Self::File(now)) => {
                let mut changes = Vec::new();
                if (was.device, was.inode) != (now.device, now.inode) {
                    changes.push(IdentityChange::File {
                        was: Some(was.clone()),
                        now: Some(now.clone()),
                    });
                }
                if was.size_bytes != now.size_bytes {
                    changes.push(IdentityChange::Size {
                        was: was.size_bytes,
                        now: now.size_bytes,
                    });
                }
                changes
            }
            _ => vec![IdentityChange::Kind],
        }
    }
}

impl DeviceIdentity {
    fn changes(&self, now: &DeviceIdentity) -> Vec<IdentityChange> {
        let mut changes = Vec::new();
        if self.devnum != now.devnum {
            changes.push(IdentityChange::DeviceNumber {
                was: self.devnum,
                now: now.devnum,
            });
        }
        if self.serial != now.serial {
            changes.push(IdentityChange::Serial {
                was: self.serial.clone(),
                now: now.serial.clone(),
            });
        }
        if self.model != now.model {
            changes.push(IdentityChange::Model {
                was: self.model.clone(),
                now: now.model.clone(),
            });
        }
        if self.size_bytes != now.size_bytes {
            changes.push(IdentityChange::Size {
                was: self.size_bytes,
                now: now.size_bytes,
            });
        }
        let same_file = match (&self.backing_file, &now.backing_file) {
            (Some(a), Some(b)) => (&a.path, a.device, a.inode) == (&b.path, b.device, b.inode),
            (None, None) => true,
            _ => false,
        };
        if !same_file {
            changes.push(IdentityChange::File {
                was: self.backing_file.clone(),
                now: now.backing_file.clone(),
            });
        }
        changes
    }
}

/// The kernel name of a block device number (`/sys/dev/block/M:m` links to its sysfs directory).
fn kernel_name(devnum: DevNum) -> Option<String> {
    let link = std::fs::read_link(format!("/sys/dev/block/{devnum}")).ok()?;
    link.file_name()?.to_str().map(str::to_owned)
}

/// The file behind an open loop device; `None` when no file is attached.
fn loop_backing(
    file: &File,
    path: Option<PathBuf>,
) -> Result<Option<FileIdentity>, std::io::Error> {
    match sys::loop_backing(file) {
        Ok(Some((device, inode))) => Ok(Some(FileIdentity {
            path: path.unwrap_or_default(),
            device,
            inode,
            size_bytes: 0,
        })),
        Ok(None) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn device(serial: &str, inode: u64) -> Identity {
        Identity::BlockDevice(DeviceIdentity {
            devnum: DevNum { major: 7, minor: 3 },
            name: Some("loop3".into()),
            serial: Some(serial.into()),
            model: None,
            size_bytes: 4096,
            backing_file: Some(FileIdentity {
                path: "/tmp/a.img".into(),
                device: 42,
                inode,
                size_bytes: 0,
            }),
        })
    }

    #[test]
    fn every_change_is_named() {
        let was = device("S1", 10);
        assert!(was.changes(&was).is_empty());
        let changes = was.changes(&device("S2", 11));
        assert_eq!(changes.len(), 2, "{changes:?}");
        assert!(matches!(changes[0], IdentityChange::Serial { .. }));
        assert!(
            changes[1].to_string().contains("inode 10"),
            "{}",
            changes[1]
        );
        let file = Identity::File(FileIdentity {
            path: "/x".into(),
            device: 1,
            inode: 2,
            size_bytes: 3,
        });
        assert_eq!(was.changes(&file), vec![IdentityChange::Kind]);
    }
}
