//! Tabula's view of block devices; the only crate of the workspace allowed `unsafe`.
//!
//! It owns drive discovery from sysfs ([`device`]), the fail-closed wipe verdicts ([`exclusion`]),
//! the identity of a drive re-checked at every open for writing ([`identity`]), which loop devices
//! a file backs ([`loopback`]) and the block-device ioctls behind safe functions ([`sys`]). It
//! writes nothing to any device.
//!
//! ```no_run
//! let drives = tabula_device::discover(std::path::Path::new("/"))?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub mod capabilities;
pub mod command;
pub mod device;
mod error_chain;
pub mod exclusion;
pub mod identity;
pub mod loopback;
pub mod probe;
#[cfg(feature = "sim")]
pub mod sim;
pub mod sys;

pub use device::{Bus, DiscoverError, Drive, capture_inputs, discover};
pub use error_chain::error_chain;
pub use exclusion::{Exclusion, Verdict};
