//! Bundle files (`<id>.tabula.json`) of arbitrary bytes: parsing, decoding the certificate and
//! verifying with the embedded key must never panic; a bundle that parses must survive its own
//! writer (`to_json` then `from_slice` gives the same bundle) and have a leaf (RFC 8785 envelope).
#![no_main]

use libfuzzer_sys::fuzz_target;
use tabula_certificate::{Bundle, find_product_key, verify};

fuzz_target!(|data: &[u8]| {
    let Ok(bundle) = Bundle::from_slice(data) else {
        return;
    };
    let _ = bundle.certificate();
    let _ = verify(&bundle, None);
    let _ = find_product_key(&bundle.audit);
    let leaf = bundle.envelope.leaf_bytes();
    assert!(leaf.is_ok(), "a parsed envelope has no RFC 8785 form: {leaf:?}");
    let written = match bundle.to_json() {
        Ok(w) => w,
        Err(e) => panic!("a parsed bundle cannot be written: {e}"),
    };
    match Bundle::from_slice(&written) {
        Ok(again) => assert_eq!(again, bundle, "bundle changed through to_json"),
        Err(e) => panic!("to_json wrote a bundle that does not parse: {e}"),
    }
});
