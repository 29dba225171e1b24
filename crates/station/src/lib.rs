//! `tabula-station`: the station flow as a library, so that the CLI and the TUI are thin front
//! ends over the same behaviour. See `docs/station.md`.
//!
//! audit -> choose drives and method -> plan and confirm -> wipe (all drives at once, journalled)
//! -> verify -> sign the certificate with the audit attached -> PDF -> data directory -> upload
//! -> receipt.
//!
//! It owns: target selection and the confirmation plan ([`targets`], [`Station::select_targets`]),
//! the journal that makes a wipe resumable after a power loss ([`journal`]), the mapping of wipe
//! results and audits into the certificate schema ([`certify`]), the station's data directory
//! ([`datadir`]), `tabula.toml` ([`config`]), the outbox and the registry client ([`outbox`],
//! [`client`]). Every failure is one typed [`Error`] that says whether it is permanent or worth a
//! retry. It does not own any terminal output: progress reaches the front end as
//! [`tabula_wipe::progress::Event`]s through a callback, results as values.
//!
//! ```no_run
//! # fn main() -> Result<(), tabula_station::Error> {
//! use std::path::Path;
//! use tabula_station::{Station, targets};
//!
//! let station = Station::open(Path::new("/var/lib/tabula"), None)?;
//! let audit = station.audit()?;
//! let drives = station.select_targets(&["/dev/loop7".into()], false)?;
//! let plan = station.plan(drives, Some("bsi-vsitr"))?;
//! let issuer = station.issuer(Some("A. Technician"))?;
//! let cancel = targets::cancel_on_signals()?;
//! let finished = station.wipe(&plan, issuer, (&audit.0, audit.1), cancel, |_event| {})?;
//! assert!(finished.success());
//! # Ok(()) }
//! ```
#![forbid(unsafe_code)]

pub mod certify;
pub mod client;
pub mod config;
pub mod cosigned;
pub mod datadir;
mod error;
pub mod job;
pub mod journal;
pub mod logview;
pub mod outbox;
pub mod remarks;
pub mod setup;
pub mod targets;
pub mod transport;

pub use error::{Error, Refusal, Result};
pub use job::{Finished, NotResumed, Resumed, Station, audit_machine};

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
