//! Test-only helpers shared by the binary's unit tests (the TUI's screens, `cmd/`).

use std::path::PathBuf;

use tabula_device::{Bus, Drive, Verdict};

/// A loop drive `name` of `size` bytes with `verdict` and nothing else known.
pub fn drive(name: &str, size: u64, verdict: Verdict) -> Drive {
    Drive {
        name: name.to_owned(),
        path: PathBuf::from(format!("/dev/{name}")),
        model: None,
        serial: None,
        firmware: None,
        vendor: None,
        size_bytes: size,
        logical_sector_size: 512,
        physical_sector_size: 512,
        rotational: false,
        removable: false,
        transport: Bus::Loop,
        read_only: false,
        backing_file: None,
        partitions: Vec::new(),
        verdict,
    }
}
