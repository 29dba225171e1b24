//! Opening wipe targets: whole block devices (exclusively, with O_DIRECT) or regular files.
//!
//! Safety rules enforced here, before any byte is written: the target must be a known whole drive
//! whose verdict allows wiping it when named, or a regular file; the kernel must grant an exclusive
//! open (a mounted or otherwise claimed device is refused with EBUSY); O_DIRECT is required and
//! its failure is an error, never a silent fall-back to buffered I/O.

use std::fs::{self, File, OpenOptions};
use std::io;
use std::os::unix::fs::{FileExt, FileTypeExt, MetadataExt, OpenOptionsExt};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use tabula_device::device::Drive;
use tabula_device::identity::{Identity, IdentityChange};
use tabula_device::{loopback, sys};

/// Why a target cannot be wiped. Kept in reports and journals (tagged by `kind`; the system's
/// I/O error as its words), so a front end words a refusal read back in its own language.
#[derive(Debug, thiserror::Error, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
#[non_exhaustive]
pub enum TargetError {
    #[error("{path}: no such device or file")]
    NotFound { path: PathBuf },
    #[error("{path}: permission denied (run as root to wipe block devices)")]
    PermissionDenied { path: PathBuf },
    #[error("{path}: refused: {}", tabula_device::exclusion::join(reasons))]
    Excluded {
        path: PathBuf,
        reasons: Vec<tabula_device::Exclusion>,
    },
    #[error(
        "{path}: not a whole drive listed in /sys/block (partitions and unknown devices are refused)"
    )]
    UnknownDevice { path: PathBuf },
    #[error(
        "{path}: in use: the kernel refused an exclusive open (mounted, held by RAID/LVM, or opened exclusively elsewhere)"
    )]
    Busy { path: PathBuf },
    #[error(
        "{path}: in use: it backs {device}, which the kernel refused to open exclusively (mounted or held)"
    )]
    BacksBusyLoop { path: PathBuf, device: PathBuf },
    #[error("{path}: read-only device")]
    ReadOnly { path: PathBuf },
    #[error("{path}: not a block device or regular file")]
    NotWipeable { path: PathBuf },
    #[error("{path}: O_DIRECT is not supported here; Tabula never falls back to cached writes")]
    DirectIoUnsupported { path: PathBuf },
    #[error("{path}: too small to wipe ({size} bytes)")]
    TooSmall { path: PathBuf, size: u64 },
    #[error("{path}: size {size} is not a multiple of the {sector}-byte sector")]
    Misaligned {
        path: PathBuf,
        size: u64,
        sector: u32,
    },
    #[error("{path}: not the drive that was confirmed: {}; nothing written", join(.changes))]
    IdentityChanged {
        path: PathBuf,
        changes: Vec<IdentityChange>,
    },
    #[error("{path}: no identity was recorded when the wipe was confirmed; nothing written")]
    NoIdentity { path: PathBuf },
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        #[serde(with = "io_words")]
        source: io::Error,
    },
}

impl TargetError {
    /// The target the error is about.
    pub fn path(&self) -> &Path {
        match self {
            Self::NotFound { path }
            | Self::PermissionDenied { path }
            | Self::Excluded { path, .. }
            | Self::UnknownDevice { path }
            | Self::Busy { path }
            | Self::BacksBusyLoop { path, .. }
            | Self::ReadOnly { path }
            | Self::NotWipeable { path }
            | Self::DirectIoUnsupported { path }
            | Self::TooSmall { path, .. }
            | Self::Misaligned { path, .. }
            | Self::IdentityChanged { path, .. }
            | Self::NoIdentity { path }
            | Self::Io { path, .. } => path,
        }
    }
}

/// A [`TargetError`] that clones and compares (by its words), for plans and reports.
#[derive(Debug, Clone)]
pub struct TargetFault(pub Arc<TargetError>);

impl Serialize for TargetFault {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(s)
    }
}

impl<'de> Deserialize<'de> for TargetFault {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        TargetError::deserialize(d).map(Self::from)
    }
}

impl From<TargetError> for TargetFault {
    fn from(error: TargetError) -> Self {
        Self(Arc::new(error))
    }
}

impl PartialEq for TargetFault {
    fn eq(&self, other: &Self) -> bool {
        self.0.to_string() == other.0.to_string()
    }
}

impl Eq for TargetFault {}

/// An I/O error kept as its words (what a reader of the report can use of it).
mod io_words {
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(error: &std::io::Error, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(error)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<std::io::Error, D::Error> {
        String::deserialize(d).map(std::io::Error::other)
    }
}

/// What kind of thing the target is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TargetKind {
    BlockDevice,
    File,
}

/// An open, exclusively held wipe target with its geometry.
#[derive(Debug)]
pub struct Target {
    pub path: PathBuf,
    pub kind: TargetKind,
    pub size: u64,
    pub logical_sector: u32,
    pub physical_sector: u32,
    /// What was opened, measured on the descriptor.
    pub identity: Identity,
    file: File,
}

fn join(changes: &[IdentityChange]) -> String {
    changes
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("; ")
}

/// Checks that `path` may be wiped given the discovered drives: a regular file, or a whole drive
/// whose verdict allows an explicit wipe. Returns the drive record for block devices.
pub fn check_allowed(path: &Path, drives: &[Drive]) -> Result<Option<Drive>, TargetError> {
    let meta = fs::metadata(path).map_err(|e| map_open_error(path, e))?;
    let ft = meta.file_type();
    if ft.is_file() {
        refuse_backing_refused_loop(path, &meta, drives)?;
        return Ok(None);
    }
    if !ft.is_block_device() {
        return Err(TargetError::NotWipeable {
            path: path.to_owned(),
        });
    }
    let canonical = fs::canonicalize(path).map_err(|e| map_open_error(path, e))?;
    let name = canonical
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default();
    let drive =
        drives
            .iter()
            .find(|d| d.name == name)
            .ok_or_else(|| TargetError::UnknownDevice {
                path: path.to_owned(),
            })?;
    if !drive.verdict.allows_explicit() {
        return Err(TargetError::Excluded {
            path: path.to_owned(),
            reasons: drive.verdict.reasons().to_vec(),
        });
    }
    Ok(Some(drive.clone()))
}

/// A file behind a loop device that may not be wiped (mounted, swap, held) is refused with that
/// device's reason.
fn refuse_backing_refused_loop(
    path: &Path,
    meta: &fs::Metadata,
    drives: &[Drive],
) -> Result<(), TargetError> {
    let id = (meta.dev(), meta.ino());
    let refused = drives.iter().find(|d| {
        !d.verdict.allows_explicit()
            && d.backing_file
                .as_deref()
                .is_some_and(|b| loopback::is_file(b, id))
    });
    match refused {
        Some(d) => Err(TargetError::Excluded {
            path: path.to_owned(),
            reasons: vec![tabula_device::Exclusion::BacksRefused {
                device: d.path.clone(),
                reasons: d.verdict.reasons().to_vec(),
            }],
        }),
        None => Ok(()),
    }
}

/// The kernel's word on a file behind loop devices: each of those devices must be free for an
/// exclusive open (none mounted, none held), checked when the file is opened for writing.
fn refuse_backing_busy_loop(path: &Path, file: &File) -> Result<(), TargetError> {
    let meta = file.metadata().map_err(|e| map_open_error(path, e))?;
    for name in loopback::loops_backed_by(Path::new("/"), (meta.dev(), meta.ino())) {
        let device = Path::new("/dev").join(name);
        let claim = OpenOptions::new()
            .read(true)
            .custom_flags(libc::O_EXCL)
            .open(&device);
        if claim.is_err_and(|e| e.raw_os_error() == Some(libc::EBUSY)) {
            return Err(TargetError::BacksBusyLoop {
                path: path.to_owned(),
                device,
            });
        }
    }
    Ok(())
}

impl Target {
    /// Opens a target for writing and checks on the opened descriptor that it is still the one
    /// whose identity was recorded at confirmation; any difference is an error and nothing is
    /// written.
    pub fn open_as(path: &Path, expected: &Identity) -> Result<Self, TargetError> {
        let target = Self::open(path)?;
        let changes = expected.changes(&target.identity);
        if changes.is_empty() {
            Ok(target)
        } else {
            Err(TargetError::IdentityChanged {
                path: path.to_owned(),
                changes,
            })
        }
    }

    /// Opens a target for wiping: `O_RDWR | O_DIRECT`, plus `O_EXCL` for block devices.
    pub fn open(path: &Path) -> Result<Self, TargetError> {
        let meta = fs::metadata(path).map_err(|e| map_open_error(path, e))?;
        let ft = meta.file_type();
        let kind = if ft.is_block_device() {
            TargetKind::BlockDevice
        } else if ft.is_file() {
            TargetKind::File
        } else {
            return Err(TargetError::NotWipeable {
                path: path.to_owned(),
            });
        };
        let mut flags = libc::O_DIRECT;
        if kind == TargetKind::BlockDevice {
            // O_EXCL without O_CREAT on a block device: exclusive claim, EBUSY if mounted or claimed.
            flags |= libc::O_EXCL;
        }
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .custom_flags(flags)
            .open(path)
            .map_err(|e| map_open_error(path, e))?;
        let io_err = |source: nix::Error| TargetError::Io {
            path: path.to_owned(),
            source: source.into(),
        };
        if kind == TargetKind::File {
            refuse_backing_busy_loop(path, &file)?;
        }
        let (size, logical_sector, physical_sector) = match kind {
            TargetKind::BlockDevice => {
                if sys::read_only(&file).map_err(io_err)? {
                    return Err(TargetError::ReadOnly {
                        path: path.to_owned(),
                    });
                }
                (
                    sys::device_size(&file).map_err(io_err)?,
                    sys::logical_sector_size(&file).map_err(io_err)?,
                    sys::physical_sector_size(&file).map_err(io_err)?,
                )
            }
            TargetKind::File => (meta.len(), 512, 4096),
        };
        if size < u64::from(logical_sector) {
            return Err(TargetError::TooSmall {
                path: path.to_owned(),
                size,
            });
        }
        if size % u64::from(logical_sector) != 0 {
            return Err(TargetError::Misaligned {
                path: path.to_owned(),
                size,
                sector: logical_sector,
            });
        }
        let identity = Identity::of_open(&file, path, size).map_err(|source| TargetError::Io {
            path: path.to_owned(),
            source,
        })?;
        let target = Self {
            path: path.to_owned(),
            kind,
            size,
            logical_sector,
            physical_sector,
            identity,
            file,
        };
        target.probe_direct_io()?;
        Ok(target)
    }

    /// File systems without O_DIRECT support (tmpfs) accept the open and fail the first I/O
    /// with EINVAL: read one sector now so that shows up as a clear error before the wipe.
    fn probe_direct_io(&self) -> Result<(), TargetError> {
        let mut buf = crate::buffer::AlignedBuf::new(self.logical_sector as usize);
        match self.file.read_at(&mut buf, 0) {
            Err(e) if e.raw_os_error() == Some(libc::EINVAL) => {
                Err(TargetError::DirectIoUnsupported {
                    path: self.path.clone(),
                })
            }
            // Other read errors (a bad first sector) are the engine's to record, not a refusal.
            _ => Ok(()),
        }
    }

    /// Writes all of `buf` at `offset`.
    pub fn write_all_at(&self, buf: &[u8], offset: u64) -> io::Result<()> {
        self.file.write_all_at(buf, offset)
    }

    /// Reads exactly `buf.len()` bytes at `offset`.
    pub fn read_exact_at(&self, buf: &mut [u8], offset: u64) -> io::Result<()> {
        self.file.read_exact_at(buf, offset)
    }

    /// Flushes written data to the medium (fdatasync).
    pub fn sync(&self) -> io::Result<()> {
        self.file.sync_data()
    }

    /// Drops the kernel's buffer cache for a block device, so later readers see the medium.
    pub fn drop_caches(&self) -> io::Result<()> {
        match self.kind {
            TargetKind::BlockDevice => sys::flush_buffers(&self.file).map_err(io::Error::from),
            TargetKind::File => Ok(()),
        }
    }
}

fn map_open_error(path: &Path, e: io::Error) -> TargetError {
    let path = path.to_owned();
    match e.raw_os_error() {
        Some(libc::ENOENT) | Some(libc::ENXIO) | Some(libc::ENODEV) => {
            TargetError::NotFound { path }
        }
        Some(libc::EACCES) | Some(libc::EPERM) => TargetError::PermissionDenied { path },
        Some(libc::EBUSY) => TargetError::Busy { path },
        Some(libc::EROFS) => TargetError::ReadOnly { path },
        Some(libc::EINVAL) => TargetError::DirectIoUnsupported { path },
        _ => TargetError::Io { path, source: e },
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::plan::Preflight;
    use tabula_device::Exclusion;
    use tabula_device::identity::DevNum;

    /// A refusal survives a journal or a report: same kind, same fields, same words.
    #[test]
    fn refusals_keep_their_kind_and_words_through_json() {
        let errors = [
            TargetError::Excluded {
                path: "/dev/sdb".into(),
                reasons: vec![Exclusion::Mounted {
                    points: vec!["/mnt".into()],
                }],
            },
            TargetError::IdentityChanged {
                path: "/dev/sdb".into(),
                changes: vec![
                    IdentityChange::DeviceNumber {
                        was: DevNum {
                            major: 8,
                            minor: 16,
                        },
                        now: DevNum {
                            major: 8,
                            minor: 32,
                        },
                    },
                    IdentityChange::Kind,
                ],
            },
            TargetError::Io {
                path: "/dev/sdb".into(),
                source: io::Error::from_raw_os_error(5),
            },
        ];
        for error in errors {
            let json = serde_json::to_value(&error).unwrap();
            let back: TargetError = serde_json::from_value(json.clone()).unwrap();
            assert_eq!(back.to_string(), error.to_string());
            assert_eq!(
                std::mem::discriminant(&back),
                std::mem::discriminant(&error)
            );
            assert_eq!(back.path(), Path::new("/dev/sdb"));
            assert!(json["kind"].is_string(), "{json}");
        }
        let io = serde_json::to_value(TargetError::Io {
            path: "/dev/sdb".into(),
            source: io::Error::from_raw_os_error(5),
        })
        .unwrap();
        assert_eq!(io["kind"], "io");
        assert_eq!(io["source"], "Input/output error (os error 5)");

        // A journal's failed preflight keeps the typed refusal; an older one reads without it.
        let failed = Preflight::failed(TargetError::Busy {
            path: "/dev/sdc".into(),
        });
        let json = serde_json::to_value(&failed).unwrap();
        assert_eq!(json["error"]["kind"], "busy");
        assert_eq!(serde_json::from_value::<Preflight>(json).unwrap(), failed);
        let old = serde_json::json!({"preflight": "failed", "reason": "/dev/sdc: in use"});
        assert!(matches!(
            serde_json::from_value::<Preflight>(old).unwrap(),
            Preflight::Failed { error: None, .. }
        ));
    }
}
