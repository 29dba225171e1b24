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

/// A simulated drive's storage, shared between clones.
#[derive(Debug, Clone)]
pub struct Media(Arc<Mutex<Vec<u8>>>);

impl Media {
    /// `sectors` sectors of recognisable user data (every byte nonzero).
    pub fn with_user_data(sectors: u64) -> Self {
        let len = usize::try_from(sectors).unwrap_or(0) * SECTOR;
        Self(Arc::new(Mutex::new((0..len).map(user_byte).collect())))
    }

    fn lock(&self) -> MutexGuard<'_, Vec<u8>> {
        self.0.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// A copy of all bytes.
    pub fn snapshot(&self) -> Vec<u8> {
        self.lock().clone()
    }

    /// Writes `data` at byte `offset` (clipped to the media).
    pub fn write(&self, offset: usize, data: &[u8]) {
        let mut m = self.lock();
        let end = (offset + data.len()).min(m.len());
        if offset < end {
            m[offset..end].copy_from_slice(&data[..end - offset]);
        }
    }

    /// Reads `len` bytes at `offset` (clipped).
    pub fn read(&self, offset: usize, len: usize) -> Vec<u8> {
        let m = self.lock();
        let end = (offset + len).min(m.len());
        m.get(offset..end).map(<[u8]>::to_vec).unwrap_or_default()
    }

    pub fn len(&self) -> usize {
        self.lock().len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Whether any whole sector still holds the user data it was created with.
    pub fn holds_user_data(&self) -> bool {
        self.lock().chunks(SECTOR).enumerate().any(|(n, sector)| {
            sector
                .iter()
                .enumerate()
                .all(|(j, b)| *b == user_byte(n * SECTOR + j))
        })
    }

    /// Fills the first `fraction` (0..=1 in eighths: `eighths` / 8) of the media with `fill`.
    fn erase(&self, fill: Fill, eighths: usize) {
        let mut m = self.lock();
        let end = m.len() * eighths.min(8) / 8;
        let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
        for (i, b) in m[..end].iter_mut().enumerate() {
            *b = match fill {
                Fill::Zeros => 0,
                Fill::Pattern(p) => p.to_be_bytes()[i % 4],
                Fill::Random => {
                    // xorshift64: an aperiodic stand-in for data under a discarded key.
                    state ^= state << 13;
                    state ^= state >> 7;
                    state ^= state << 17;
                    state as u8
                }
            };
        }
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
