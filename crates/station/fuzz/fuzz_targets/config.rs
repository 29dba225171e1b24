//! `tabula.toml` of arbitrary text: parsing (TOML, unknown keys, wipe method, fitness rules) must
//! never panic, and a syntax error names a line inside the file.
#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;
use tabula_station::config::{Config, ConfigError};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Err(ConfigError::Invalid { line, .. }) = Config::parse(text, Path::new("tabula.toml")) {
        assert!(line <= text.lines().count() + 1, "line {line} is past the end of the file");
    }
});
