//! C2SP checkpoints of arbitrary text: parsing a body and verifying a signed checkpoint must
//! never panic. A body that parses is written back byte for byte (so one tree head has one
//! signed form), and signing it then verifying gives the same checkpoint.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tabula_tlog::{Checkpoint, NoteSigner};

const ORIGIN: &str = "fuzz.example/log";

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(signer) = NoteSigner::from_seed(ORIGIN, &[7; 32]) else {
        panic!("fixed signer key is invalid");
    };
    let verifier = signer.verifier();
    if let Ok(cp) = Checkpoint::verify(text, &verifier) {
        assert!(text.starts_with(&cp.body()), "verified checkpoint is not the note's text");
    }
    let Ok(cp) = Checkpoint::parse_body(text) else {
        return;
    };
    assert_eq!(cp.body(), text, "checkpoint body does not round-trip");
    let mut ours = cp.clone();
    ours.origin = ORIGIN.to_owned();
    let note = match ours.sign(&signer) {
        Ok(note) => note,
        Err(e) => panic!("cannot sign a parsed checkpoint: {e}"),
    };
    match Checkpoint::verify(&note, &verifier) {
        Ok(back) => assert_eq!(back, ours, "signed checkpoint changed"),
        Err(e) => panic!("our own signed checkpoint does not verify: {e}"),
    }
});
