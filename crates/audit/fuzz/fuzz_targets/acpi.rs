//! ACPI MSDM and SLIC parsing of arbitrary bytes; must never panic, and a key that parses must mask.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(msdm) = tabula_audit::acpi::parse_msdm(data) {
        let masked = msdm.key.masked();
        assert_eq!(masked.len(), msdm.key.reveal().len());
        let _ = msdm.key.blake3_hex();
    }
    let _ = tabula_audit::acpi::parse_slic(data);
});
