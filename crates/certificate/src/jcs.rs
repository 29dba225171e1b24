//! RFC 8785 JSON Canonicalization Scheme (JCS).
//!
//! Objects are sorted by the UTF-16 code units of their keys, strings use the minimal
//! ECMAScript escaping, numbers are written as ECMAScript's `Number.prototype.toString` does
//! (RFC 8785 §3.2.2.3), and there is no whitespace. The work is done by the
//! `serde_json_canonicalizer` crate; this module pins the interface and the conformance tests
//! (`tests/jcs_vectors.rs`, the RFC author's vectors) keep it honest.

use serde::Serialize;

/// Errors of canonicalisation.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum JcsError {
    /// The value cannot be represented in canonical JSON (e.g. a non-finite number or a map
    /// with non-string keys).
    #[error("cannot write canonical JSON (RFC 8785): {0}")]
    Serialize(#[source] serde_json::Error),
    /// The bytes are not JSON at all.
    #[error("not JSON: {0}")]
    Parse(#[source] serde_json::Error),
}

/// The RFC 8785 canonical bytes of a JSON value.
pub fn canonicalize(value: &serde_json::Value) -> Result<Vec<u8>, JcsError> {
    serde_json_canonicalizer::to_vec(value).map_err(JcsError::Serialize)
}

/// The RFC 8785 canonical bytes of any serialisable value.
pub fn to_vec<T: Serialize>(value: &T) -> Result<Vec<u8>, JcsError> {
    serde_json_canonicalizer::to_vec(value).map_err(JcsError::Serialize)
}

/// Whether `bytes` are JSON in RFC 8785 canonical form: parsing them and writing them again
/// gives the same bytes. Duplicate keys, whitespace, unsorted keys, `1.0` for `1`, needless
/// escapes all make this false.
pub fn is_canonical(bytes: &[u8]) -> Result<bool, JcsError> {
    let value: serde_json::Value = serde_json::from_slice(bytes).map_err(JcsError::Parse)?;
    Ok(canonicalize(&value)? == bytes)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn sorts_keys_by_utf16_and_drops_whitespace() {
        let v = json!({"b": 1, "a": [true, null], "\u{20ac}": "x", "\u{1f602}": 2.5});
        assert_eq!(
            canonicalize(&v).unwrap(),
            "{\"a\":[true,null],\"b\":1,\"\u{20ac}\":\"x\",\"\u{1f602}\":2.5}".as_bytes()
        );
    }

    #[test]
    fn canonical_check() {
        assert!(is_canonical(br#"{"a":1,"b":"x"}"#).unwrap());
        assert!(!is_canonical(br#"{"b":"x","a":1}"#).unwrap());
        assert!(!is_canonical(br#"{"a": 1}"#).unwrap());
        assert!(!is_canonical(br#"{"a":1.0}"#).unwrap());
        assert!(!is_canonical(br#"{"a":1,"a":1}"#).unwrap());
        assert!(!is_canonical(br#"{"a":"\u0041"}"#).unwrap());
        assert!(matches!(is_canonical(b"{"), Err(JcsError::Parse(_))));
    }
}
