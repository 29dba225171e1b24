//! Hardware audit for Tabula: what is this machine, is it fit for a pupil, does it carry a Windows
//! licence.
//!
//! This crate owns the parsers (SMBIOS tables, ACPI `MSDM`/`SLIC`, smartctl JSON, `/proc/cpuinfo`,
//! power supplies, efivars, TPM and PCI sysfs), the versioned [`Audit`] document, the fitness rules
//! (TOML, grades `A`/`B`/`C`/`unfit`, Windows 11 floor) and `--capture`. It does not discover drives
//! (that is `tabula_device::device::discover`, used here) and does not sign or store anything.
//!
//! Everything is read through a root directory, so an audit replays from a captured tree:
//!
//! ```no_run
//! let mut options = tabula_audit::Options::with_root("tests/fixtures/audit/laptop");
//! options.show_key = false;
//! let audit = tabula_audit::collect(&options)?;
//! println!("{} {:?} grade {}", audit.vendor().unwrap_or("?"), audit.chassis_kind(), audit.grade());
//! # Ok::<(), tabula_audit::AuditError>(())
//! ```
#![forbid(unsafe_code)]
#![cfg_attr(test, allow(clippy::unwrap_used))]

pub mod acpi;
pub mod battery;
mod capture;
mod collect;
pub mod cpu;
pub mod disks;
mod document;
pub mod platform;
pub mod problem;
pub mod reason;
mod report;
pub mod root;
pub mod rules;
pub mod smart;
pub mod smbios;
pub mod win11;

pub use capture::{CaptureError, Manifest, capture};
pub use collect::{AuditError, Options, collect, collect_from};
pub use disks::SmartctlSource;
pub use document::{
    Audit, IdentitySource, Licence, Memory, MsdmStatus, SCHEMA_VERSION, SlicStatus, SystemIdentity,
};
pub use report::{ENGLISH, Words, render, render_with};
pub use rules::{Grade, Rules, RulesError};
