//! Concrete patterns and their generation at any device offset.
//!
//! Every pattern is position-addressable: `fill(buf, offset)` produces exactly the bytes that
//! belong at `offset`, so a verify pass, a sector-by-sector retry or a resumed pass regenerates what
//! was (or should have been) written. The random stream is AES-128 in counter mode keyed per pass
//! from the OS (AES-NI where the CPU has it): unpredictable to anyone without the key, and
//! seekable to any byte.

use aes::Aes128;
use ctr::cipher::{KeyIvInit, StreamCipher, StreamCipherSeek};
use serde::{Deserialize, Serialize};

type Aes128Ctr = ctr::Ctr128BE<Aes128>;

/// Key and initial counter of one random pass. Never shown; kept only as long as the wipe
/// (and its resume journal) needs it.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StreamKey {
    #[serde(with = "hex_bytes")]
    pub key: [u8; 16],
    #[serde(with = "hex_bytes")]
    pub iv: [u8; 16],
}

impl std::fmt::Debug for StreamKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("StreamKey(..)")
    }
}

impl StreamKey {
    /// A fresh key from the operating system's CSPRNG.
    pub fn generate() -> Result<Self, getrandom::Error> {
        let mut seed = [0u8; 32];
        getrandom::fill(&mut seed)?;
        let (key, iv) = seed.split_at(16);
        let mut out = Self {
            key: [0; 16],
            iv: [0; 16],
        };
        out.key.copy_from_slice(key);
        out.iv.copy_from_slice(iv);
        Ok(out)
    }
}

/// What one pass writes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Pattern {
    /// Every byte the same.
    Constant { byte: u8 },
    /// A short byte sequence repeated from offset 0.
    Repeat {
        #[serde(with = "hex_vec")]
        bytes: Vec<u8>,
    },
    /// AES-128-CTR keystream.
    Random { stream: StreamKey },
}

impl Pattern {
    /// Fills `buf` with the bytes that belong at device offset `offset`.
    pub fn fill(&self, buf: &mut [u8], offset: u64) {
        match self {
            Self::Constant { byte } => buf.fill(*byte),
            Self::Repeat { bytes } => fill_repeating(buf, bytes, offset),
            Self::Random { stream } => {
                buf.fill(0);
                let mut cipher = Aes128Ctr::new(&stream.key.into(), &stream.iv.into());
                cipher.seek(offset);
                cipher.apply_keystream(buf);
            }
        }
    }

    /// Verification without a generated copy to compare with: turns `buf`, just read from
    /// device offset `offset`, into bytes that must all equal the returned byte wherever the
    /// pattern was read back intact. A constant is checked as it is; a random stream has its
    /// keystream XORed out in place (must become zero) - one pass over the buffer instead of
    /// generating the stream and comparing two buffers. `None` (a repeating pattern, whose
    /// filled buffer is cached): compare with a buffer [`Self::fill`]ed for the same offset.
    pub fn residue(&self, buf: &mut [u8], offset: u64) -> Option<u8> {
        match self {
            Self::Constant { byte } => Some(*byte),
            Self::Random { stream } => {
                let mut cipher = Aes128Ctr::new(&stream.key.into(), &stream.iv.into());
                cipher.seek(offset);
                cipher.apply_keystream(buf);
                Some(0)
            }
            Self::Repeat { .. } => None,
        }
    }

    /// Whether [`Self::residue`] verifies this pattern (so a verify pass needs no filled buffers).
    pub fn verifies_in_place(&self) -> bool {
        !matches!(self, Self::Repeat { .. })
    }

    /// Short description for reports: `0x00`, `92 49 24`, `random (AES-128-CTR)`.
    pub fn describe(&self) -> String {
        match self {
            Self::Constant { byte } => format!("0x{byte:02X}"),
            Self::Repeat { bytes } => bytes
                .iter()
                .map(|b| format!("{b:02X}"))
                .collect::<Vec<_>>()
                .join(" "),
            Self::Random { .. } => "random (AES-128-CTR)".to_owned(),
        }
    }

    /// The pattern's kind as the result record names it.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Constant { .. } => "constant",
            Self::Repeat { .. } => "repeat",
            Self::Random { .. } => "random",
        }
    }

    /// True if `buf` at `offset` holds exactly this pattern, without generating it where that can be avoided.
    pub fn matches(&self, buf: &[u8], offset: u64, scratch: &mut [u8]) -> bool {
        match self {
            Self::Constant { byte } => buf.iter().all(|b| b == byte),
            _ => {
                let expected = &mut scratch[..buf.len()];
                self.fill(expected, offset);
                expected == buf
            }
        }
    }
}

fn fill_repeating(buf: &mut [u8], pattern: &[u8], offset: u64) {
    if pattern.is_empty() || buf.is_empty() {
        return;
    }
    let period = pattern.len();
    // Phase of the first byte within the pattern; u64 % usize fits in usize.
    let phase = usize::try_from(offset % period as u64).unwrap_or(0);
    let first = (period - phase).min(buf.len());
    buf[..first].copy_from_slice(&pattern[phase..phase + first]);
    let mut filled = first;
    if filled < buf.len() {
        let take = period.min(buf.len() - filled);
        buf[filled..filled + take].copy_from_slice(&pattern[..take]);
        filled += take;
    }
    // From `first` on the buffer is period-aligned: double the filled part.
    while filled < buf.len() {
        let take = (filled - first).min(buf.len() - filled);
        buf.copy_within(first..first + take, filled);
        filled += take;
    }
}

mod hex_bytes {
    use serde::{Deserializer, Serializer, de::Error};

    pub fn serialize<S: Serializer>(bytes: &[u8; 16], s: S) -> Result<S::Ok, S::Error> {
        super::hex_vec::serialize(bytes, s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<[u8; 16], D::Error> {
        let v = super::hex_vec::deserialize(d)?;
        <[u8; 16]>::try_from(v.as_slice()).map_err(|_| D::Error::custom("expected 16 bytes"))
    }
}

/// True if every byte of `buf` is `byte`. Blocks of 64-bit words folded with OR, so the
/// compiler vectorises the loop; the answer for a block comes at its end, not at the first
/// differing byte (mismatches are rare and located per sector afterwards).
pub(crate) fn all_bytes_are(buf: &[u8], byte: u8) -> bool {
    let word = u64::from_ne_bytes([byte; 8]);
    let mut blocks = buf.chunks_exact(4096);
    let blocks_ok = blocks.by_ref().all(|block| {
        block
            .chunks_exact(8)
            .map(|w| <[u8; 8]>::try_from(w).map_or(!word, u64::from_ne_bytes))
            .fold(0, |acc, w| acc | (w ^ word))
            == 0
    });
    blocks_ok && blocks.remainder().iter().all(|&b| b == byte)
}

mod hex_vec {
    use serde::{Deserialize, Deserializer, Serializer, de::Error};

    pub fn serialize<S: Serializer>(bytes: &[u8], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&hex::encode(bytes))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<u8>, D::Error> {
        let s = String::deserialize(d)?;
        hex::decode(s).map_err(D::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn in_place_verification_finds_one_wrong_byte_anywhere() {
        let random = Pattern::Random {
            stream: StreamKey {
                key: [1; 16],
                iv: [2; 16],
            },
        };
        for pat in [Pattern::Constant { byte: 0xAA }, random] {
            // Whole blocks, a remainder, and lengths shorter than a block; odd offsets.
            for (len, offset) in [
                (0usize, 0u64),
                (1, 3),
                (7, 0),
                (4095, 512),
                (4096, 4096),
                (3 * 4096 + 513, 17),
            ] {
                let mut written = vec![0u8; len];
                pat.fill(&mut written, offset);
                let mut read = written.clone();
                let want = pat.residue(&mut read, offset).unwrap();
                assert!(all_bytes_are(&read, want), "{pat:?} len {len}");
                for at in [0, len / 2, len.saturating_sub(1)] {
                    if at >= len {
                        continue;
                    }
                    let mut read = written.clone();
                    read[at] ^= 0x01;
                    let want = pat.residue(&mut read, offset).unwrap();
                    assert!(!all_bytes_are(&read, want), "{pat:?} len {len}, byte {at}");
                }
            }
        }
        let repeat = Pattern::Repeat {
            bytes: vec![1, 2, 3],
        };
        assert!(!repeat.verifies_in_place());
        assert_eq!(repeat.residue(&mut [0; 16], 0), None);
    }

    #[test]
    fn repeating_pattern_is_phase_correct_at_any_offset() {
        let pat = Pattern::Repeat {
            bytes: vec![0x92, 0x49, 0x24],
        };
        let mut whole = vec![0u8; 1000];
        pat.fill(&mut whole, 0);
        for (i, b) in whole.iter().enumerate() {
            assert_eq!(*b, [0x92, 0x49, 0x24][i % 3]);
        }
        for off in [1usize, 2, 3, 511, 512, 997] {
            let mut part = vec![0u8; 1000 - off];
            pat.fill(&mut part, off as u64);
            assert_eq!(part, whole[off..]);
        }
    }

    #[test]
    fn random_stream_is_seekable_and_keyed() {
        let key = StreamKey::generate().unwrap();
        let pat = Pattern::Random {
            stream: key.clone(),
        };
        let mut whole = vec![0u8; 8192];
        pat.fill(&mut whole, 0);
        let mut tail = vec![0u8; 4096];
        pat.fill(&mut tail, 4096);
        assert_eq!(tail, whole[4096..]);
        let mut odd = vec![0u8; 100];
        pat.fill(&mut odd, 17);
        assert_eq!(odd, whole[17..117]);
        let other = Pattern::Random {
            stream: StreamKey::generate().unwrap(),
        };
        let mut diff = vec![0u8; 8192];
        other.fill(&mut diff, 0);
        assert_ne!(diff, whole);
        // Not trivially constant.
        assert!(whole.iter().any(|&b| b != whole[0]));
    }

    #[test]
    fn aes_ctr_matches_nist_sp800_38a_vector() {
        // NIST SP 800-38A F.5.1 CTR-AES128.Encrypt, block #1.
        let key = [
            0x2b, 0x7e, 0x15, 0x16, 0x28, 0xae, 0xd2, 0xa6, 0xab, 0xf7, 0x15, 0x88, 0x09, 0xcf,
            0x4f, 0x3c,
        ];
        let iv = [
            0xf0, 0xf1, 0xf2, 0xf3, 0xf4, 0xf5, 0xf6, 0xf7, 0xf8, 0xf9, 0xfa, 0xfb, 0xfc, 0xfd,
            0xfe, 0xff,
        ];
        let plain = [
            0x6b, 0xc1, 0xbe, 0xe2, 0x2e, 0x40, 0x9f, 0x96, 0xe9, 0x3d, 0x7e, 0x11, 0x73, 0x93,
            0x17, 0x2a,
        ];
        let cipher = [
            0x87, 0x4d, 0x61, 0x91, 0xb6, 0x20, 0xe3, 0x26, 0x1b, 0xef, 0x68, 0x64, 0x99, 0x0d,
            0xb6, 0xce,
        ];
        let pat = Pattern::Random {
            stream: StreamKey { key, iv },
        };
        let mut ks = [0u8; 16];
        pat.fill(&mut ks, 0);
        let out: Vec<u8> = ks.iter().zip(plain).map(|(k, p)| k ^ p).collect();
        assert_eq!(out, cipher);
    }

    #[test]
    fn serde_round_trip_keeps_key() {
        let pat = Pattern::Random {
            stream: StreamKey::generate().unwrap(),
        };
        let json = serde_json::to_string(&pat).unwrap();
        let back: Pattern = serde_json::from_str(&json).unwrap();
        assert_eq!(back, pat);
    }

    #[test]
    fn debug_output_never_shows_the_key() {
        // A known key, so the assertion can see it in any spelling (decimal as derived Debug
        // prints bytes, hex as serde does).
        let pat = Pattern::Random {
            stream: StreamKey {
                key: [0xAB; 16],
                iv: [0xCD; 16],
            },
        };
        let shown = format!("{pat:?} {pat:#?}");
        for secret in ["171", "205", "ab", "AB", "cd", "CD"] {
            assert!(!shown.contains(secret), "{secret} in {shown}");
        }
        assert_eq!(format!("{pat:?}"), "Random { stream: StreamKey(..) }");
    }
}
