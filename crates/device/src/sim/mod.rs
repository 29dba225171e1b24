//! Scripted drives behind the [`Transport`](crate::command::Transport) trait, for tests of the
//! probes and of the firmware-erase state machines (feature `sim`). Each answers as its
//! specification says (the ATA drive's registers even travel through the same SAT sense
//! encoding as a real `SG_IO` answer), keeps its data in a shared [`Media`] buffer so an erase
//! really clears it, and has knobs for the failures the state machines must survive: frozen or
//! locked security, sanitize unsupported, power loss in the middle of an erase, a command that
//! claims success and leaves the data, a USB bridge without ATA pass-through, hidden areas.
//!
//! A simulator is `Clone`: clones share one drive, so a test keeps a handle to inspect the drive
//! while the state machine owns another.

use std::fs::{File, OpenOptions};
use std::os::unix::fs::FileExt;
use std::path::Path;
use std::sync::{Arc, Mutex, MutexGuard};

mod ata;
mod nvme;
mod scsi;

pub use ata::{AtaConfig, SimAta};
pub use nvme::{NvmeConfig, SimNvme};
pub use scsi::{ScsiConfig, SimScsi};

/// Failures every simulated drive can be told to show.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Faults {
    /// The power fails half-way through the next erase: half the data is left, the sanitize
    /// status says failed, an ATA drive comes back locked, the command itself errors.
    pub power_loss_mid_erase: bool,
    /// Erase commands return success and do nothing (the data stays, and the drive's own state
    /// shows no completed erase).
    pub ignores_erase: bool,
    /// The sanitize commands are not implemented (rejected as an unknown command).
    pub sanitize_unsupported: bool,
}

/// Bytes per simulated sector.
pub const SECTOR: usize = 512;

/// A simulated drive's storage, shared between clones: bytes in memory, or a file (the file
/// behind a loop device, so that an engine test reads through a real block device what the
/// simulated erase left).
#[derive(Debug, Clone)]
pub struct Media(Arc<Mutex<Store>>);

#[derive(Debug)]
enum Store {
    Memory(Vec<u8>),
    File { file: File, len: usize },
}

/// Bytes per request when a file-backed medium is erased or filled.
const CHUNK: usize = 1 << 20;

impl Store {
    fn len(&self) -> usize {
        match self {
            Self::Memory(m) => m.len(),
            Self::File { len, .. } => *len,
        }
    }

    /// Reads `len` bytes at `offset` (clipped to the medium; a failed file read gives nothing).
    fn read(&self, offset: usize, len: usize) -> Vec<u8> {
        let end = offset.saturating_add(len).min(self.len());
        if offset >= end {
            return Vec::new();
        }
        match self {
            Self::Memory(m) => m[offset..end].to_vec(),
            Self::File { file, .. } => {
                let mut buf = vec![0u8; end - offset];
                match file.read_exact_at(&mut buf, offset as u64) {
                    Ok(()) => buf,
                    Err(_) => Vec::new(),
                }
            }
        }
    }

    /// Writes `data` at `offset` (clipped). A file write that fails leaves the bytes as they
    /// were, which the tests then see as an erase that did not happen.
    fn write(&mut self, offset: usize, data: &[u8]) {
        let end = offset.saturating_add(data.len()).min(self.len());
        if offset >= end {
            return;
        }
        match self {
            Self::Memory(m) => m[offset..end].copy_from_slice(&data[..end - offset]),
            Self::File { file, .. } => {
                let _ = file.write_all_at(&data[..end - offset], offset as u64);
            }
        }
    }

    /// Fills `from..end` chunk by chunk with `byte_at(absolute offset)`.
    fn fill(&mut self, from: usize, end: usize, mut byte_at: impl FnMut(usize) -> u8) {
        let mut offset = from;
        while offset < end {
            let n = CHUNK.min(end - offset);
            let chunk: Vec<u8> = (offset..offset + n).map(&mut byte_at).collect();
            self.write(offset, &chunk);
            offset += n;
        }
    }
}

impl Media {
    /// `sectors` sectors of recognisable user data (every byte nonzero).
    pub fn with_user_data(sectors: u64) -> Self {
        let len = usize::try_from(sectors).unwrap_or(0) * SECTOR;
        Self(Arc::new(Mutex::new(Store::Memory(
            (0..len).map(user_byte).collect(),
        ))))
    }

    /// The file at `path` as the medium (its length, rounded down to whole sectors), filled with
    /// the same recognisable user data. Engine tests pass the file behind a loop device: the
    /// engine's canaries and checks go through the loop device, the simulated erase changes the
    /// file under it.
    pub fn on_file(path: &Path) -> std::io::Result<Self> {
        let file = OpenOptions::new().read(true).write(true).open(path)?;
        let len = usize::try_from(file.metadata()?.len()).map_err(std::io::Error::other)? / SECTOR
            * SECTOR;
        let mut store = Store::File { file, len };
        store.fill(0, len, user_byte);
        if let Store::File { file, .. } = &store {
            file.sync_all()?;
        }
        Ok(Self(Arc::new(Mutex::new(store))))
    }

    /// A file-backed medium grows to `len` bytes, the new ones user data: the sectors a hidden
    /// area kept from the host become part of the file a loop device can show.
    pub fn grow(&self, len: usize) -> std::io::Result<()> {
        let mut m = self.lock();
        let old = m.len();
        if let Store::File { file, len: now } = &mut *m
            && len > old
        {
            file.set_len(len as u64)?;
            *now = len;
        }
        m.fill(old, len, user_byte);
        Ok(())
    }

    fn lock(&self) -> MutexGuard<'_, Store> {
        self.0.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Whole sectors of the medium.
    pub fn sectors(&self) -> u64 {
        (self.len() / SECTOR) as u64
    }

    /// A copy of all bytes.
    pub fn snapshot(&self) -> Vec<u8> {
        let s = self.lock();
        s.read(0, s.len())
    }

    /// Writes `data` at byte `offset` (clipped to the media).
    pub fn write(&self, offset: usize, data: &[u8]) {
        self.lock().write(offset, data);
    }

    /// Reads `len` bytes at `offset` (clipped).
    pub fn read(&self, offset: usize, len: usize) -> Vec<u8> {
        self.lock().read(offset, len)
    }

    pub fn len(&self) -> usize {
        self.lock().len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Whether any whole sector still holds the user data it was created with.
    pub fn holds_user_data(&self) -> bool {
        self.snapshot()
            .chunks(SECTOR)
            .enumerate()
            .any(|(n, sector)| {
                sector
                    .iter()
                    .enumerate()
                    .all(|(j, b)| *b == user_byte(n * SECTOR + j))
            })
    }

    /// Fills the first `eighths` / 8 of the media with `fill`.
    fn erase(&self, fill: Fill, eighths: usize) {
        let mut m = self.lock();
        let end = m.len() * eighths.min(8) / 8;
        let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
        m.fill(0, end, |i| match fill {
            Fill::Zeros => 0,
            Fill::Pattern(p) => p.to_be_bytes()[i % 4],
            Fill::Random => {
                // xorshift64: an aperiodic stand-in for data under a discarded key.
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                state as u8
            }
        });
    }
}

/// The user data byte at `offset`: nonzero, and not periodic with any power of two.
fn user_byte(offset: usize) -> u8 {
    (offset % 251) as u8 | 0x01
}

/// What an erase leaves on the medium.
#[derive(Debug, Clone, Copy)]
enum Fill {
    Zeros,
    Pattern(u32),
    /// Crypto erase: the old data read through a new key.
    Random,
}

/// How far an erase gets before a power loss: half the medium.
const HALF: usize = 4;
const ALL: usize = 8;

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}
