//! SMBIOS: the input is split into an entry point and a table at a position taken from its first
//! byte; also parsed whole as a dmidecode dump. Must never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = tabula_audit::smbios::parse_dump(data);
    if let Some((&split, rest)) = data.split_first() {
        let split = usize::from(split).min(rest.len());
        let (entry, table) = rest.split_at(split);
        if let Ok(parsed) = tabula_audit::smbios::parse(entry, table) {
            let _ = parsed.installed_memory_bytes();
            let _ = parsed.empty_slots();
        }
    }
});
