//! C2SP signed notes and key texts of arbitrary text: splitting a note, verifying it, and parsing
//! verifier and signer keys must never panic; a key that parses is written back to the same key.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tabula_tlog::note::{self, NoteSigner, NoteVerifier};

/// The Go reference verifier key (golang.org/x/mod/sumdb/note documentation).
const GO_VKEY: &str = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(parsed) = note::parse(text) {
        assert!(text.starts_with(parsed.text), "note text is not a prefix of the note");
        assert!(!parsed.signatures.is_empty(), "a parsed note without signatures");
    }
    let Ok(go) = NoteVerifier::from_vkey(GO_VKEY) else {
        panic!("reference verifier key does not parse");
    };
    if let Ok(verified) = go.verify(text) {
        assert!(text.starts_with(verified), "verified text is not a prefix of the note");
    }
    if let Ok(v) = NoteVerifier::from_vkey(text) {
        let again = NoteVerifier::from_vkey(&v.to_vkey());
        assert_eq!(again.as_ref(), Ok(&v), "verifier key does not round-trip");
        let _ = v.verify(text);
    }
    if let Ok(s) = NoteSigner::from_skey(text) {
        match NoteSigner::from_skey(&s.to_skey()) {
            Ok(again) => assert_eq!(again.verifier(), s.verifier(), "signer key does not round-trip"),
            Err(e) => panic!("written signer key does not parse: {e}"),
        }
    }
});
