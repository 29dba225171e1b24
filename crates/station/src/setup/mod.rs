//! Setting a station up: the questions a new station must answer (organisation, site, operator,
//! registry, enrolment token) and where the answers go ([`answers`]: into `tabula.toml`, keeping
//! its comments), the stick's data partition on first boot ([`medium`]: found behind the live
//! image's own partitions, never touching them), enrolment with the registry ([`enrol`]), and the
//! console keyboard layout, chosen first and applied at once on the live console ([`keymap`]).
//!
//! It owns no screen: the TUI asks, this module checks and writes. Every answer can also come
//! from a `tabula.toml` an administrator put on the stick beforehand; then it is not asked.
//!
//! ```no_run
//! # fn main() -> Result<(), tabula_station::Error> {
//! use std::path::Path;
//! use tabula_station::config::Config;
//! use tabula_station::setup::{Answer, Question, answers};
//!
//! let path = Path::new("/var/lib/tabula/tabula.toml");
//! let config = Config::load(path)?;
//! let missing = answers::missing(&config, false);
//! let given: Vec<Answer> = (missing.iter())
//!     .map(|&q| match q {
//!         Question::Keymap => Answer::new(q, "us"),
//!         _ => Answer::new(q, "Bench 1"),
//!     })
//!     .collect();
//! answers::write(path, &given)?;
//! # Ok(()) }
//! ```

pub mod answers;
pub mod enrol;
pub mod keymap;
pub mod medium;

pub use answers::{Answer, Question};

/// What setting up can fail with (besides the station's own I/O and registry errors).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SetupError {
    /// `tabula.toml` is not valid TOML, so it cannot be edited without losing what it says.
    #[error("{}: not valid TOML, not changed", path.display())]
    Toml {
        path: std::path::PathBuf,
        #[source]
        source: toml_edit::TomlError,
    },
    /// A section that must be a table (`[station]`, `[registry]`) is something else.
    #[error("{}: `{section}` is not a table, not changed", path.display())]
    NotATable {
        path: std::path::PathBuf,
        section: &'static str,
    },
    /// An answer that cannot be used (empty, or not a URL).
    #[error("{question}: {problem}")]
    BadAnswer {
        /// The key in `tabula.toml`.
        question: &'static str,
        problem: AnswerProblem,
    },
    /// A tool (sfdisk, partx, mkfs.ext4, mount) could not be run or failed.
    #[error("{tool} {}: {detail}", device.display())]
    Tool {
        tool: &'static str,
        device: std::path::PathBuf,
        detail: String,
    },
    /// The device's partition table could not be read as sfdisk prints it.
    #[error("reading the partition table of {}", device.display())]
    Table {
        device: std::path::PathBuf,
        #[source]
        source: serde_json::Error,
    },
    /// After adding the data partition, the image's own partitions are not as they were.
    #[error("{}: the existing partitions changed; stopped before making a file system", device.display())]
    PartitionsChanged { device: std::path::PathBuf },
    /// No free space (or no free partition slot) behind the image's partitions.
    #[error("{}: no room for a data partition behind the existing partitions", device.display())]
    NoRoom { device: std::path::PathBuf },
}

/// What is wrong with an answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum AnswerProblem {
    #[error("must not be empty")]
    Empty,
    #[error("must be one line of text")]
    NotOneLine,
    #[error("must start with https:// (or http://)")]
    NotAUrl,
    #[error("not one of the keyboard layouts the stick offers")]
    NotAKeymap,
    #[error("missing: the enrolment token from `tabula-registry station add`")]
    NoToken,
}
