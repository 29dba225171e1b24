//! The station's one error type. Front ends decide what to show and whether to retry from the
//! variant ([`Error::is_permanent`], [`Error::is_retryable`]), never by parsing a message.
//!
//! Messages name what failed but not the underlying cause: that is the error's `source()`, which
//! the front ends print as a chain (`anyhow`'s `{:#}`).

use std::path::PathBuf;

use tabula_certificate::{BundleError, KeyError, PdfError, VerifyError};

use crate::client::ClientError;
use crate::config::ConfigError;
use crate::setup::SetupError;

/// Everything a station operation can fail with.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A station file or directory could not be read or written.
    #[error("{action} {}", path.display())]
    Io {
        /// What was being done ("writing", "listing", ...).
        action: &'static str,
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// Setting the station up (answers, data partition) failed.
    #[error(transparent)]
    Setup(#[from] SetupError),
    #[error("station key {}", path.display())]
    Key {
        path: PathBuf,
        #[source]
        source: KeyError,
    },
    #[error("discovering drives")]
    Discover(#[from] tabula_device::DiscoverError),
    #[error(transparent)]
    Target(#[from] tabula_wipe::target::TargetError),
    #[error("planning the wipe")]
    Plan(#[from] tabula_wipe::plan::PlanError),
    #[error("auditing the machine")]
    Audit(#[from] tabula_audit::AuditError),
    /// Signing, storing or reading a certificate bundle.
    #[error("{what}")]
    Bundle {
        what: &'static str,
        #[source]
        source: BundleError,
    },
    /// A bundle on the stick does not verify against this station's key.
    #[error("signature check failed")]
    Verify(#[from] VerifyError),
    #[error("rendering the PDF")]
    Pdf(#[from] PdfError),
    #[error("{} is not a valid journal", path.display())]
    Journal {
        path: PathBuf,
        #[source]
        source: serde_json::Error,
    },
    #[error("{what}")]
    Json {
        what: &'static str,
        #[source]
        source: serde_json::Error,
    },
    /// The registry (or the network to it) failed.
    #[error(transparent)]
    Registry(#[from] ClientError),
    /// The station's rules refuse what was asked.
    #[error(transparent)]
    Refused(#[from] Refusal),
    /// The engine thread panicked: there is no evidence of what it wrote.
    #[error("the wipe engine crashed ({0}); nothing it did can be certified as erased")]
    EngineCrashed(String),
    /// The engine returned a different number of drive reports than the plan has drives.
    #[error(
        "the wipe engine reported {got} of {expected} drive(s); the wipe is not certified as complete"
    )]
    MissingReports { expected: usize, got: usize },
}

/// What the station's rules refuse, each with what to do instead.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Refusal {
    #[error("unknown wipe method '{name}'{}; known methods: {known}", suggestion.as_ref().map(|s| format!(" (did you mean {s}?)")).unwrap_or_default())]
    UnknownMethod {
        name: String,
        /// The closest accepted name, if the name looks like a typo of it.
        suggestion: Option<String>,
        known: String,
    },
    #[error("no targets given: name the drives to wipe (see `tabula devices`)")]
    NoTargets,
    #[error(
        "no targets named (name drives, or use --unattended with a configuration that enables it)"
    )]
    NoTargetsNamed,
    #[error("{} is named twice", .0.display())]
    NamedTwice(PathBuf),
    #[error(
        "unattended wiping is disabled: set `enabled = true` under [unattended] in tabula.toml to allow it"
    )]
    UnattendedDisabled,
    #[error("{} is not in the [unattended] targets allow-list", .0.display())]
    NotAllowListed(PathBuf),
    #[error("{}: refused: its serial is listed under [keep] serials", .0.display())]
    Kept(PathBuf),
    #[error(
        "no {what} for the certificate: set [station] {what} in {} or give --{what}",
        config.display()
    )]
    MissingIssuer {
        /// `organisation`, `site` or `operator`: the key under `[station]` and the option's name.
        what: &'static str,
        /// The configuration file that lacks it.
        config: PathBuf,
    },
    #[error("no registry: give --registry URL or set [registry] url in tabula.toml")]
    NoRegistry,
    #[error(
        "unattended uploads need a pinned log key: run `tabula enroll` (it pins keys/registry-log.vkey) or set [registry] log_key in tabula.toml"
    )]
    UnpinnedLogKey,
    #[error(
        "drive {} (serial {}) from the journal is not present with the same size; not resuming",
        path.display(),
        serial.as_deref().unwrap_or("unknown")
    )]
    DriveGone {
        path: PathBuf,
        serial: Option<String>,
    },
    #[error("{}: refused: {}", path.display(), tabula_device::exclusion::join(reasons))]
    DriveExcluded {
        path: PathBuf,
        reasons: Vec<tabula_device::Exclusion>,
    },
}

impl Error {
    /// Asking again, unchanged, can only fail again: a person must change something first (the
    /// configuration, the targets, the enrolment) or the data itself is bad.
    pub fn is_permanent(&self) -> bool {
        match self {
            Self::Registry(e) => e.is_permanent(),
            Self::Config(_)
            | Self::Setup(_)
            | Self::Refused(_)
            | Self::Verify(_)
            | Self::Journal { .. }
            | Self::Target(_) => true,
            Self::Key { source, .. } => !matches!(source, KeyError::Io { .. }),
            _ => false,
        }
    }

    /// A transient failure (registry unreachable, overloaded or timing out) that is worth trying
    /// again later, e.g. from the outbox.
    pub fn is_retryable(&self) -> bool {
        matches!(self, Self::Registry(e) if e.is_retryable())
    }

    pub(crate) fn io(
        action: &'static str,
        path: impl Into<PathBuf>,
    ) -> impl FnOnce(std::io::Error) -> Self {
        let path = path.into();
        move |source| Self::Io {
            action,
            path,
            source,
        }
    }
}

/// Results of the station library.
pub type Result<T, E = Error> = std::result::Result<T, E>;
