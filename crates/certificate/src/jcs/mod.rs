//! RFC 8785 JSON Canonicalization Scheme (JCS).
//!
//! Objects are sorted by the UTF-16 code units of their keys, strings use the minimal
//! ECMAScript escaping, numbers are written as ECMAScript's `Number.prototype.toString` does
//! (RFC 8785 §3.2.2.3), and there is no whitespace. The work is done by the
//! `serde_json_canonicalizer` crate; this module pins the interface and the conformance tests
//! (`tests/jcs_vectors.rs`, the RFC author's vectors) keep it honest.

mod finite;

use serde::Serialize;

/// Errors of canonicalisation.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum JcsError {
    /// The value cannot be represented in canonical JSON (e.g. a non-finite number or a map
    /// with non-string keys).
    #[error("cannot write canonical JSON (RFC 8785): {0}")]
    Serialize(#[source] serde_json::Error),
    /// The value holds NaN or ±Infinity somewhere; RFC 8785 §3.2.2.3 forbids them at any depth.
    #[error("cannot write canonical JSON (RFC 8785): NaN and Infinity are not JSON numbers")]
    NonFinite,
    /// The bytes are not JSON at all.
    #[error("not JSON: {0}")]
    Parse(#[source] serde_json::Error),
}

/// The RFC 8785 canonical bytes of a JSON value.
pub fn canonicalize(value: &serde_json::Value) -> Result<Vec<u8>, JcsError> {
    serde_json_canonicalizer::to_vec(value).map_err(JcsError::Serialize)
}

/// The RFC 8785 canonical bytes of any serialisable value. A NaN or ±Infinity anywhere in it
/// is [`JcsError::NonFinite`] (serde_json alone would write `null` for a nested one).
pub fn to_vec<T: Serialize>(value: &T) -> Result<Vec<u8>, JcsError> {
    if let Err(finite::Walk::NonFinite) = finite::check(value) {
        return Err(JcsError::NonFinite);
    }
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

    /// Regression: a NaN or ±Infinity inside a struct, list, map or option came out as `null`.
    #[test]
    fn non_finite_numbers_are_errors_at_any_depth() {
        #[derive(Serialize)]
        struct Reading {
            label: &'static str,
            values: Vec<f64>,
            extra: Option<f32>,
            by_name: std::collections::BTreeMap<&'static str, f64>,
        }
        let ok = || Reading {
            label: "x",
            values: vec![1.5, 0.0],
            extra: Some(2.0),
            by_name: [("a", 3.0)].into(),
        };
        assert_eq!(
            to_vec(&ok()).unwrap(),
            br#"{"by_name":{"a":3},"extra":2,"label":"x","values":[1.5,0]}"#.to_vec()
        );
        let mut cases = Vec::new();
        for bad in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
            let mut r = ok();
            r.values.push(bad);
            cases.push(r);
            let mut r = ok();
            r.by_name.insert("b", bad);
            cases.push(r);
        }
        let mut r = ok();
        r.extra = Some(f32::NAN);
        cases.push(r);
        for case in &cases {
            assert!(matches!(to_vec(case), Err(JcsError::NonFinite)));
        }
        assert!(matches!(to_vec(&f64::NAN), Err(JcsError::NonFinite)));
        assert!(matches!(
            to_vec(&vec![vec![f64::INFINITY]]),
            Err(JcsError::NonFinite)
        ));
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
