//! DSSE envelopes (JSON) of arbitrary bytes: decoding payload and signatures and building the
//! PAE must never panic; an envelope that parses has an RFC 8785 form (the log's leaf) that is
//! canonical and parses back to the same envelope.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tabula_certificate::{Envelope, jcs};

fuzz_target!(|data: &[u8]| {
    let _ = jcs::is_canonical(data);
    let Ok(envelope) = serde_json::from_slice::<Envelope>(data) else {
        return;
    };
    let _ = envelope.payload_bytes();
    let _ = envelope.pae();
    let _ = envelope.signature_bytes();
    let leaf = match envelope.leaf_bytes() {
        Ok(leaf) => leaf,
        Err(e) => panic!("a parsed envelope has no RFC 8785 form: {e}"),
    };
    assert!(matches!(jcs::is_canonical(&leaf), Ok(true)), "leaf bytes are not canonical");
    match serde_json::from_slice::<Envelope>(&leaf) {
        Ok(again) => assert_eq!(again, envelope, "envelope changed through its leaf bytes"),
        Err(e) => panic!("leaf bytes do not parse as an envelope: {e}"),
    }
});
