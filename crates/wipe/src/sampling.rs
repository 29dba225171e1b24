//! Sampling verification: read a share of the drive (evenly spread random samples, default
//! 1 %) and say what it reads as: zeros, ones (0xFF), an aperiodic random-looking pattern (what a
//! cryptographic erase leaves), or anything else (leftover data or a pattern), per sample and
//! overall.
//!
//! A sample is "random" when its byte entropy is within a few standard deviations of what true
//! random bytes of that length give, and it does not repeat with a period of a sector or more.
//! Compressed or encrypted user data looks the same; that is why canaries ([`crate::canary`]),
//! not sampling, decide whether data survived.

use serde::{Deserialize, Serialize};

use crate::buffer::AlignedBuf;
use crate::target::Target;

/// The share of the drive read unless the caller asks otherwise.
pub const DEFAULT_SHARE: f64 = 0.01;
/// Bytes per sample (clamped to the drive).
pub const SAMPLE_BYTES: u64 = 64 << 10;

/// What one sample (or the whole sampling) reads as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ReadsAs {
    Zeros,
    Ones,
    /// Aperiodic, random-looking bytes.
    Random,
    /// A mix of zeros, ones and random samples (e.g. a crypto erase with partly deallocated
    /// blocks): no sample holds anything else.
    Mixed,
    /// At least one sample holds something that is none of the above: leftover data or a pattern.
    Data,
}

impl ReadsAs {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Zeros => "zeros",
            Self::Ones => "ones",
            Self::Random => "random",
            Self::Mixed => "mixed",
            Self::Data => "data",
        }
    }
}

/// The result of sampling a drive.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SampleReport {
    /// The share of the drive asked for (0.01 = 1 %).
    pub share: f64,
    /// Bytes per sample.
    pub sample_bytes: u64,
    /// Samples read.
    pub samples: u64,
    pub bytes_read: u64,
    pub zeros: u64,
    pub ones: u64,
    pub random: u64,
    /// Samples that held something else (leftover data or a pattern).
    pub other: u64,
    /// Samples that could not be read.
    pub unreadable: u64,
    /// LBAs of the first few samples that held something else.
    pub other_lbas: Vec<u64>,
    /// What the samples read as, taken together.
    pub reads_as: ReadsAs,
}

impl SampleReport {
    /// Every sample was read and none held data.
    pub fn passed(&self) -> bool {
        self.samples > 0 && self.other == 0 && self.unreadable == 0
    }
}

/// Classifies one buffer.
pub fn classify(buf: &[u8]) -> ReadsAs {
    if buf.iter().all(|&b| b == 0) {
        return ReadsAs::Zeros;
    }
    if buf.iter().all(|&b| b == 0xFF) {
        return ReadsAs::Ones;
    }
    if looks_random(buf) && !periodic(buf) {
        ReadsAs::Random
    } else {
        ReadsAs::Data
    }
}

/// Shannon entropy of the bytes, in bits per byte, against what `n` random bytes give: the
/// expected shortfall below 8 bits is about 255 / (2 n ln 2); allow ten times that.
fn looks_random(buf: &[u8]) -> bool {
    if buf.len() < 256 {
        return false;
    }
    let mut counts = [0u64; 256];
    for &b in buf {
        counts[b as usize] += 1;
    }
    let n = buf.len() as f64;
    let entropy: f64 = counts
        .iter()
        .filter(|&&c| c > 0)
        .map(|&c| {
            let p = c as f64 / n;
            -p * p.log2()
        })
        .sum();
    let shortfall = 255.0 / (2.0 * n * std::f64::consts::LN_2);
    entropy >= 8.0 - 10.0 * shortfall
}

/// Repeats with a period of 512 bytes, a power-of-two multiple of it, up to half the buffer.
fn periodic(buf: &[u8]) -> bool {
    let mut period = 512;
    while period <= buf.len() / 2 {
        if buf[period..] == buf[..buf.len() - period] {
            return true;
        }
        period *= 2;
    }
    false
}

/// Where the samples go: the drive of `size` bytes is cut into slots of `len` bytes (the last one
/// ending at the drive's end), and `count` of them are read, one at a random slot in each of
/// `count` equal strata (`pick(n)` returns a number below `n`). A share of 100 % reads every slot.
fn positions(size: u64, len: u64, count: u64, mut pick: impl FnMut(u64) -> u64) -> Vec<u64> {
    let slots = size.div_ceil(len).max(1);
    let count = count.min(slots);
    (0..count)
        .map(|i| {
            let from = i * slots / count;
            let to = ((i + 1) * slots / count).max(from + 1);
            ((from + pick(to - from)) * len).min(size - len)
        })
        .collect()
}

/// Reads `share` of `target` in samples of [`SAMPLE_BYTES`] (evenly spread, random within their
/// stratum, O_DIRECT, caches dropped first) and classifies them.
pub fn sample(target: &Target, share: f64) -> Result<SampleReport, getrandom::Error> {
    let _ = target.drop_caches();
    let sector = u64::from(target.logical_sector);
    let len = SAMPLE_BYTES.min(target.size / sector * sector).max(sector);
    let share = share.clamp(0.0, 1.0);
    let wanted = ((target.size as f64 * share) / len as f64).ceil() as u64;
    let mut failed = None;
    let offsets = positions(target.size, len, wanted.max(1), |n| {
        getrandom::u64().map(|r| r % n).unwrap_or_else(|e| {
            failed = Some(e);
            0
        })
    });
    if let Some(e) = failed {
        return Err(e);
    }
    let mut report = SampleReport {
        share,
        sample_bytes: len,
        samples: 0,
        bytes_read: 0,
        zeros: 0,
        ones: 0,
        random: 0,
        other: 0,
        unreadable: 0,
        other_lbas: Vec::new(),
        reads_as: ReadsAs::Zeros,
    };
    let mut buf = AlignedBuf::new(usize::try_from(len).unwrap_or(4096));
    for offset in offsets {
        report.samples += 1;
        if target.read_exact_at(&mut buf, offset).is_err() {
            report.unreadable += 1;
            continue;
        }
        report.bytes_read += len;
        match classify(&buf) {
            ReadsAs::Zeros => report.zeros += 1,
            ReadsAs::Ones => report.ones += 1,
            ReadsAs::Random => report.random += 1,
            ReadsAs::Mixed | ReadsAs::Data => {
                report.other += 1;
                if report.other_lbas.len() < 16 {
                    report.other_lbas.push(offset / sector);
                }
            }
        }
    }
    report.reads_as = overall(&report);
    Ok(report)
}

fn overall(r: &SampleReport) -> ReadsAs {
    let read = r.zeros + r.ones + r.random;
    if r.other > 0 || read == 0 {
        ReadsAs::Data
    } else if r.zeros == read {
        ReadsAs::Zeros
    } else if r.ones == read {
        ReadsAs::Ones
    } else if r.random == read {
        ReadsAs::Random
    } else {
        ReadsAs::Mixed
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn random(len: usize) -> Vec<u8> {
        let mut v = vec![0u8; len];
        getrandom::fill(&mut v).unwrap_or_default();
        v
    }

    #[test]
    fn classifies_zeros_ones_random_and_data() {
        assert_eq!(classify(&[0; 4096]), ReadsAs::Zeros);
        assert_eq!(classify(&[0xFF; 4096]), ReadsAs::Ones);
        for len in [4096, 65536] {
            assert_eq!(classify(&random(len)), ReadsAs::Random, "{len}");
        }
        let text: Vec<u8> = b"Lorem ipsum dolor sit amet, consectetur adipiscing elit. "
            .iter()
            .copied()
            .cycle()
            .take(65536)
            .collect();
        assert_eq!(classify(&text), ReadsAs::Data);
        assert_eq!(classify(&[0xAA; 4096]), ReadsAs::Data);
        // One random sector repeated: random-looking bytes, but periodic.
        let sector = random(512);
        let repeated: Vec<u8> = sector.iter().copied().cycle().take(65536).collect();
        assert_eq!(classify(&repeated), ReadsAs::Data);
        // Zeros with a little data in one sector are data.
        let mut mostly = vec![0u8; 65536];
        mostly[1000..1010].copy_from_slice(b"secret pin");
        assert_eq!(classify(&mostly), ReadsAs::Data);
    }

    #[test]
    fn positions_are_aligned_spread_and_inside() {
        let size = 100 << 20;
        let pos = positions(size, 65536, 16, |n| n - 1);
        assert_eq!(pos.len(), 16);
        for (i, p) in pos.iter().enumerate() {
            assert_eq!(p % 65536, 0);
            assert_eq!(*p / (size / 16), i as u64, "{i}: {p}");
        }
        assert_eq!(positions(65536, 65536, 10, |_| 0), [0]);
        // Every slot when everything is asked for; the last one ends at the drive's end.
        let all = positions(3 * 65536 + 512, 65536, 100, |_| 0);
        assert_eq!(all, [0, 65536, 131072, 3 * 65536 + 512 - 65536]);
    }
}
