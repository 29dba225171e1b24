//! Request bodies of arbitrary bytes through every body parser of the registry (upload bundle,
//! station/read-token name, enrolment) and, as text, the search's date bounds. Must never panic;
//! an accepted name is trimmed, printable and at most 200 bytes, and an accepted bound is the
//! stored form `YYYY-MM-DDTHH:MM:SSZ`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tabula_registry::request::{normalise_bound, parse_enrolment, parse_name, parse_upload};

fuzz_target!(|data: &[u8]| {
    let _ = parse_upload(data);
    let _ = parse_enrolment(data);
    if let Ok(name) = parse_name(data) {
        assert!(!name.is_empty() && name.len() <= 200, "name length {}", name.len());
        assert_eq!(name.trim(), name, "name is not trimmed");
        assert!(!name.chars().any(char::is_control), "control character in {name:?}");
    }
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    for end_of_day in [false, true] {
        if let Ok(Some(bound)) = normalise_bound(Some(text), end_of_day) {
            assert_eq!(bound.len(), 20, "bound {bound:?} is not YYYY-MM-DDTHH:MM:SSZ");
            assert!(bound.ends_with('Z') && bound.as_bytes()[10] == b'T', "bound {bound:?}");
        }
    }
});
