//! smartctl JSON: parse and summarise arbitrary bytes; must never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = tabula_audit::disks::from_bytes(data);
});
