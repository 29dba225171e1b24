//! Request bodies of arbitrary bytes through every body parser of the registry (upload bundle,
//! station/read-token name, enrolment), an upload through the text checks and normalisation, and,
//! as text, the text check and the search's date bounds. Must never panic; an accepted name is
//! trimmed, printable and at most 200 bytes, text that passes the check has no control character
//! and keeps its limit, and an accepted bound is the stored form `YYYY-MM-DDTHH:MM:SSZ`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tabula_registry::request::{
    check_certificate_text, normalise, normalise_bound, parse_enrolment, parse_name, parse_upload,
    text_problem,
};

fuzz_target!(|data: &[u8]| {
    if let Ok(upload) = parse_upload(data) {
        let _ = check_certificate_text(&upload.certificate);
        let key = tabula_certificate::StationKey::from_seed(&[1; 32]).public();
        if let Ok(pem) = key.to_pem() {
            if let Ok(normal) = normalise(&upload.bundle, &key, &pem) {
                assert_eq!(normal.envelope.signatures.len(), 1);
                assert!(normal.receipt.is_none());
            }
        }
    }
    let _ = parse_enrolment(data);
    if let Ok(name) = parse_name(data) {
        assert!(!name.is_empty() && name.len() <= 200, "name length {}", name.len());
        assert_eq!(name.trim(), name, "name is not trimmed");
        assert!(!name.chars().any(char::is_control), "control character in {name:?}");
    }
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if text_problem(text, 64).is_none() {
        assert!(text.len() <= 64 && !text.chars().any(char::is_control), "{text:?}");
    }
    for end_of_day in [false, true] {
        if let Ok(Some(bound)) = normalise_bound(Some(text), end_of_day) {
            assert_eq!(bound.len(), 20, "bound {bound:?} is not YYYY-MM-DDTHH:MM:SSZ");
            assert!(bound.ends_with('Z') && bound.as_bytes()[10] == b'T', "bound {bound:?}");
        }
    }
});
