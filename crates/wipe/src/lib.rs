//! The Tabula wipe engine.
//!
//! It owns everything between "which drives are there" and "what was written to them":
//! drive discovery and exclusion ([`device`], [`exclusion`]), wipe methods as data ([`method`]),
//! pattern generation ([`pattern`]), O_DIRECT block I/O ([`target`]), the multi-drive engine with
//! verification ([`engine`]), progress events ([`progress`]) and the serde result record
//! ([`report`]). It knows nothing about terminals, certificates or registries.
//!
//! ```no_run
//! use tabula_wipe::{device, method::Method, plan::{WipePlan, VerifyMode}};
//! let drives = device::discover(std::path::Path::new("/"))?;
//! let method = Method::by_name("bsi-vsitr").expect("known method");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub mod device;
pub mod engine;
pub mod exclusion;
pub mod identity;
pub mod method;
pub mod pattern;
pub mod plan;
pub mod progress;
pub mod ranges;
pub mod report;
pub mod retry;
pub mod target;

mod buffer;
mod loopback;
mod sys;

pub use device::{DiscoverError, Drive, Transport, capture_inputs, discover};
pub use exclusion::Verdict;
