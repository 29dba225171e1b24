//! The Tabula wipe engine.
//!
//! It owns what is written to the drives `tabula-device` found and cleared: wipe methods as data
//! ([`method`]), pattern generation ([`pattern`]), O_DIRECT block I/O ([`target`]), the multi-drive engine with
//! verification ([`engine`]), progress events ([`progress`]) and the serde result record
//! ([`report`]). It knows nothing about terminals, certificates or registries.
//!
//! ```no_run
//! use tabula_wipe::{method::Method, plan::{WipePlan, VerifyMode}};
//! let drives = tabula_device::discover(std::path::Path::new("/"))?;
//! let method = Method::by_name("bsi-vsitr").expect("known method");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

#![forbid(unsafe_code)]

pub mod auto;
pub mod canary;
pub mod engine;
pub mod failure;
pub mod firmware;
pub mod method;
pub mod note;
pub mod pattern;
pub mod plan;
pub mod progress;
pub mod ranges;
pub mod report;
pub mod retry;
pub mod sampling;
pub mod target;

mod buffer;
