//! The station: the job a technician does on every machine, from audit to uploaded certificate,
//! independent of the front end (CLI or TUI). See `docs/station.md`.
//!
//! audit -> choose drives and method -> wipe (all drives at once, journalled) -> verify -> sign
//! the certificate with the audit attached -> PDF -> data directory -> upload -> receipt.

pub mod certify;
pub mod config;
pub mod datadir;
pub mod job;
pub mod journal;
pub mod outbox;

pub use job::Station;

use std::path::PathBuf;

/// `--data` default: the live stick's data directory when booted from it, else /var/lib/tabula.
pub fn default_data_dir() -> PathBuf {
    let stick = PathBuf::from("/run/live/medium/tabula");
    if stick.is_dir() {
        stick
    } else {
        PathBuf::from("/var/lib/tabula")
    }
}
