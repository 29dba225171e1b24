//! Canaries: random blocks written at sampled LBAs across the whole drive before a firmware
//! erase, and read back after it. A firmware erase that really erased leaves none of them; one
//! that survived proves the drive kept data, whatever its commands answered.
//!
//! Placement is stratified: the drive is cut into as many equal strata as there are canaries and
//! each gets one at a random block inside it, except that the first and the last block of the
//! drive always get one (partition tables and backup GPT headers live there). Each canary's
//! content comes from the OS CSPRNG and only its BLAKE3 digest is kept.

use serde::{Deserialize, Serialize};

use crate::buffer::AlignedBuf;
use crate::target::Target;

/// Canaries written unless the caller asks otherwise.
pub const DEFAULT_CANARIES: usize = 64;

/// Why canaries could not be planted.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CanaryError {
    #[error("the operating system's random number generator failed")]
    Random(#[source] getrandom::Error),
    #[error("writing the canary at LBA {lba} failed")]
    Write {
        lba: u64,
        #[source]
        source: std::io::Error,
    },
    #[error("flushing the canaries to the medium failed")]
    Sync(#[source] std::io::Error),
    #[error("the canary at LBA {lba} did not read back as written: the drive does not keep writes")]
    NotKept { lba: u64 },
    #[error("reading the canary at LBA {lba} back failed")]
    Read {
        lba: u64,
        #[source]
        source: std::io::Error,
    },
}

/// One canary: where it is (first logical sector) and the BLAKE3 digest of its content.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Canary {
    pub lba: u64,
    /// Lower-case hex BLAKE3 of the block as written.
    pub blake3: String,
}

/// The canaries planted on one drive.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Canaries {
    /// Bytes per canary (the drive's physical sector, at least 4096).
    pub block: u32,
    pub canaries: Vec<Canary>,
}

/// What reading the canaries back after the erase found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CanaryCheck {
    /// Bytes per canary.
    pub block: u32,
    /// Canaries that were written (and read back as written) before the erase.
    pub written: usize,
    /// LBAs whose canary was still there after the erase.
    pub survived: Vec<u64>,
    /// LBAs that could not be read after the erase (nothing is known about them).
    pub unreadable: Vec<u64>,
}

impl CanaryCheck {
    /// Every canary was read and none survived.
    pub fn passed(&self) -> bool {
        self.written > 0 && self.survived.is_empty() && self.unreadable.is_empty()
    }
}

/// The canary size for a target: its physical sector, at least 4096 bytes (a multiple of the
/// logical sector either way, and of O_DIRECT's alignment).
fn block_size(target: &Target) -> u64 {
    u64::from(target.physical_sector.max(4096))
}

/// The LBAs of `count` canaries of `block` bytes on a drive of `size` bytes with `sector`-byte
/// logical sectors: the first and the last block, and one at a random block in each stratum
/// between them. `pick(n)` returns a number below `n` (random in use, fixed in tests).
fn placement(
    size: u64,
    block: u64,
    sector: u64,
    count: usize,
    mut pick: impl FnMut(u64) -> u64,
) -> Vec<u64> {
    let blocks = size / block;
    let count = (count as u64).min(blocks);
    let mut chosen: Vec<u64> = (0..count)
        .map(|i| match i {
            0 => 0,
            i if i + 1 == count => blocks - 1,
            i => {
                let from = i * blocks / count;
                let to = ((i + 1) * blocks / count).max(from + 1);
                from + pick(to - from)
            }
        })
        .collect();
    chosen.dedup();
    chosen.iter().map(|b| b * block / sector).collect()
}

/// A uniform random number below `n` (n > 0) from the OS CSPRNG.
fn random_below(n: u64) -> Result<u64, getrandom::Error> {
    Ok(getrandom::u64()? % n.max(1))
}

/// Writes `count` random canaries across `target`, flushes them, and reads each back to make
/// sure the drive kept it (a drive that drops writes would otherwise pass the check for free).
pub fn plant(target: &Target, count: usize) -> Result<Canaries, CanaryError> {
    let block = block_size(target);
    let sector = u64::from(target.logical_sector);
    let mut failed = None;
    let lbas = placement(target.size, block, sector, count, |n| {
        random_below(n).unwrap_or_else(|e| {
            failed = Some(e);
            0
        })
    });
    if let Some(e) = failed {
        return Err(CanaryError::Random(e));
    }
    let len = usize::try_from(block).unwrap_or(4096);
    let mut buf = AlignedBuf::new(len);
    let mut canaries = Vec::with_capacity(lbas.len());
    for lba in lbas {
        getrandom::fill(&mut buf).map_err(CanaryError::Random)?;
        target
            .write_all_at(&buf, lba * sector)
            .map_err(|source| CanaryError::Write { lba, source })?;
        canaries.push(Canary {
            lba,
            blake3: blake3::hash(&buf).to_hex().to_string(),
        });
    }
    target.sync().map_err(CanaryError::Sync)?;
    let _ = target.drop_caches();
    for canary in &canaries {
        target
            .read_exact_at(&mut buf, canary.lba * sector)
            .map_err(|source| CanaryError::Read {
                lba: canary.lba,
                source,
            })?;
        if blake3::hash(&buf).to_hex().as_str() != canary.blake3 {
            return Err(CanaryError::NotKept { lba: canary.lba });
        }
    }
    Ok(Canaries {
        block: u32::try_from(block).unwrap_or(u32::MAX),
        canaries,
    })
}

/// Reads every canary back (O_DIRECT, caches dropped first) and reports which survived.
pub fn check(target: &Target, planted: &Canaries) -> CanaryCheck {
    let _ = target.drop_caches();
    let sector = u64::from(target.logical_sector);
    let mut buf = AlignedBuf::new(planted.block as usize);
    let mut out = CanaryCheck {
        block: planted.block,
        written: planted.canaries.len(),
        survived: Vec::new(),
        unreadable: Vec::new(),
    };
    for canary in &planted.canaries {
        match target.read_exact_at(&mut buf, canary.lba * sector) {
            Err(_) => out.unreadable.push(canary.lba),
            Ok(()) if blake3::hash(&buf).to_hex().as_str() == canary.blake3 => {
                out.survived.push(canary.lba);
            }
            Ok(()) => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placement_covers_both_ends_and_every_stratum() {
        let (size, block) = (1000 * 4096, 4096);
        let lbas = placement(size, block, 512, 10, |n| n - 1);
        assert_eq!(lbas.len(), 10);
        assert_eq!(lbas[0], 0);
        assert_eq!(*lbas.last().unwrap_or(&0), 999 * 8);
        for (i, lba) in lbas.iter().enumerate().skip(1).take(8) {
            let b = lba / 8;
            assert!(
                (i as u64 * 100..(i as u64 + 1) * 100).contains(&b),
                "{i}: {b}"
            );
        }
        assert!(lbas.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn placement_on_a_tiny_drive_uses_each_block_at_most_once() {
        let lbas = placement(3 * 4096, 4096, 4096, 64, |_| 0);
        assert_eq!(lbas, [0, 1, 2]);
        assert!(placement(4096, 4096, 512, 64, |_| 0) == [0]);
    }
}
