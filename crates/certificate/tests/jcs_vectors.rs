//! RFC 8785 conformance: the canonicaliser against the published vectors
//! (`fixtures/jcs/README.md` says where they come from).
//!
//! - `reference_vectors`: input/X.json canonicalises to output/X.json, byte for byte.
//! - `number_vectors`: IEEE-754 doubles serialise as ECMAScript does (RFC 8785 Appendix B).
//! - `outputs_are_fixed_points`: canonical output is recognised as canonical.

#![allow(clippy::unwrap_used)]

use std::fs;
use std::path::PathBuf;

use tabula_certificate::jcs;

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/jcs")
}

const NAMES: [&str; 6] = [
    "arrays",
    "french",
    "structures",
    "unicode",
    "values",
    "weird",
];

#[test]
fn reference_vectors() {
    for name in NAMES {
        let input = fs::read(fixtures().join(format!("input/{name}.json"))).unwrap();
        let expected = fs::read(fixtures().join(format!("output/{name}.json"))).unwrap();
        let value: serde_json::Value = serde_json::from_slice(&input).unwrap();
        let got = jcs::canonicalize(&value).unwrap();
        assert_eq!(
            String::from_utf8_lossy(&got),
            String::from_utf8_lossy(&expected),
            "vector {name}"
        );
        assert_eq!(got, expected, "vector {name} (bytes)");
    }
}

#[test]
fn outputs_are_fixed_points() {
    for name in NAMES {
        let expected = fs::read(fixtures().join(format!("output/{name}.json"))).unwrap();
        assert!(jcs::is_canonical(&expected).unwrap(), "vector {name}");
        let input = fs::read(fixtures().join(format!("input/{name}.json"))).unwrap();
        assert!(
            !jcs::is_canonical(&input).unwrap(),
            "input {name} is not canonical"
        );
    }
}

#[test]
fn number_vectors() {
    let csv = fs::read_to_string(fixtures().join("numbers.csv")).unwrap();
    let mut count = 0;
    for line in csv.lines().filter(|l| !l.trim().is_empty()) {
        let (hex, expected) = line.split_once(',').unwrap();
        let bits = u64::from_str_radix(hex, 16).unwrap();
        let value = serde_json::Value::from(f64::from_bits(bits));
        let got = jcs::canonicalize(&value).unwrap();
        assert_eq!(String::from_utf8(got).unwrap(), expected, "ieee {hex}");
        // And parsing the expected text gives back the same double.
        assert_eq!(
            expected.parse::<f64>().unwrap().to_bits() & !(1 << 63),
            bits & !(1 << 63)
        );
        count += 1;
    }
    assert_eq!(count, 26);
}
