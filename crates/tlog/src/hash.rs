//! RFC 9162 §2.1.1 hashing: leaf and interior node hashes over SHA-256, and the `Hash` value type.

use std::fmt;
use std::str::FromStr;

use sha2::{Digest, Sha256};

/// Size of a SHA-256 digest in bytes.
pub const HASH_LEN: usize = 32;

/// A SHA-256 Merkle tree hash (leaf, node or root). Serialised as lowercase hex.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Hash(pub [u8; HASH_LEN]);

/// A string that is not a hex or base64 encoded 32-byte hash.
#[derive(Debug, thiserror::Error)]
#[error("not a 32-byte SHA-256 hash in {encoding}: {input:?}")]
pub struct ParseHashError {
    encoding: &'static str,
    input: String,
}

impl Hash {
    /// The bytes of the hash.
    pub fn as_bytes(&self) -> &[u8; HASH_LEN] {
        &self.0
    }

    /// Lowercase hex, as used in receipts and the JSON API.
    pub fn to_hex(&self) -> String {
        hex::encode(self.0)
    }

    /// Parse lowercase or uppercase hex.
    pub fn from_hex(s: &str) -> Result<Self, ParseHashError> {
        let mut out = [0u8; HASH_LEN];
        hex::decode_to_slice(s, &mut out).map_err(|_| ParseHashError {
            encoding: "hex",
            input: s.chars().take(80).collect(),
        })?;
        Ok(Self(out))
    }

    /// Standard base64 (with padding), as used in checkpoints.
    pub fn to_base64(&self) -> String {
        use base64::Engine as _;
        base64::engine::general_purpose::STANDARD.encode(self.0)
    }

    /// Parse standard base64 (with padding).
    pub fn from_base64(s: &str) -> Result<Self, ParseHashError> {
        use base64::Engine as _;
        let err = || ParseHashError {
            encoding: "base64",
            input: s.chars().take(80).collect(),
        };
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(s)
            .map_err(|_| err())?;
        let arr: [u8; HASH_LEN] = bytes.try_into().map_err(|_| err())?;
        Ok(Self(arr))
    }
}

impl fmt::Debug for Hash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Hash({})", self.to_hex())
    }
}

impl fmt::Display for Hash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_hex())
    }
}

impl FromStr for Hash {
    type Err = ParseHashError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::from_hex(s)
    }
}

impl serde::Serialize for Hash {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_hex())
    }
}

impl<'de> serde::Deserialize<'de> for Hash {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        Self::from_hex(&s).map_err(serde::de::Error::custom)
    }
}

fn sha256(parts: &[&[u8]]) -> Hash {
    let mut h = Sha256::new();
    for p in parts {
        h.update(p);
    }
    let mut out = [0u8; HASH_LEN];
    out.copy_from_slice(&h.finalize());
    Hash(out)
}

/// MTH({}) = SHA-256() — the root of the empty tree.
pub fn empty_root() -> Hash {
    sha256(&[])
}

/// Leaf hash: SHA-256(0x00 || data).
pub fn leaf_hash(data: &[u8]) -> Hash {
    sha256(&[&[0x00], data])
}

/// Interior node hash: SHA-256(0x01 || left || right).
pub fn node_hash(left: &Hash, right: &Hash) -> Hash {
    sha256(&[&[0x01], &left.0, &right.0])
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // test code: a failed unwrap is a failed test
mod tests {
    use super::*;

    #[test]
    fn empty_and_leaf_vectors() {
        // RFC 6962 reference values (transparency-dev/merkle testonly/constants.go).
        assert_eq!(
            empty_root().to_hex(),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        assert_eq!(
            leaf_hash(b"").to_hex(),
            "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d"
        );
    }

    #[test]
    fn hex_and_base64_round_trip_and_reject_garbage() {
        let h = leaf_hash(b"x");
        assert_eq!(Hash::from_hex(&h.to_hex()).unwrap(), h);
        assert_eq!(Hash::from_base64(&h.to_base64()).unwrap(), h);
        assert!(Hash::from_hex("abcd").is_err());
        assert!(Hash::from_base64("AAAA").is_err());
        assert!(Hash::from_hex(&"zz".repeat(32)).is_err());
    }
}
