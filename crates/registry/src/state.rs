//! Shared server state and its configuration.

use std::sync::Arc;

use tabula_certificate::LocalZone;
use tabula_tlog::Sign;

use crate::auth::{Access, Secret};
use crate::log_key::LogKeySource;
use crate::metrics::Metrics;
use crate::serve::Timeouts;
use crate::session::Throttle;
use crate::store::Store;

/// Registry configuration (flags and environment variables are mapped onto this in `main.rs`).
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Config {
    /// `sqlite://FILE`, a plain path, or `postgres://...`.
    pub database_url: String,
    /// The admin token (enables the admin API).
    pub admin_token: Option<Secret>,
    /// Whether certificates and pages are readable without a read token.
    pub public_read: bool,
    /// Largest accepted request body.
    pub max_body_bytes: usize,
    /// The log's origin line and key name, fixed at first start.
    pub log_origin: String,
    /// The log's signing key (never stored in the database).
    pub log_key: LogKeySource,
    /// Database connection pool size.
    pub max_connections: u32,
    /// Public base URL of the registry (put into receipts; the PDF's QR code links there).
    pub public_url: Option<String>,
    /// Connection timeouts.
    pub timeouts: Timeouts,
    /// Witnesses to collect cosignatures from (none: no background task).
    pub cosigning: crate::cosign::Cosigning,
    /// The time zone of the dates and times on the web pages (default Europe/Berlin).
    pub time_zone: LocalZone,
}

/// Default log origin (a schema-less URL, per C2SP tlog-checkpoint).
pub const DEFAULT_ORIGIN: &str = "tabula.registry/log";
/// Default body limit: a bundle with a large audit document stays far below it.
pub const DEFAULT_MAX_BODY: usize = 2 * 1024 * 1024;

impl Config {
    pub fn new(database_url: impl Into<String>) -> Self {
        Self {
            database_url: database_url.into(),
            admin_token: None,
            public_read: false,
            max_body_bytes: DEFAULT_MAX_BODY,
            log_origin: DEFAULT_ORIGIN.to_owned(),
            log_key: LogKeySource::default(),
            max_connections: 8,
            public_url: None,
            timeouts: Timeouts::default(),
            cosigning: crate::cosign::Cosigning::default(),
            time_zone: LocalZone::default(),
        }
    }
}

/// What every handler sees.
#[derive(Debug)]
pub struct AppState {
    pub store: Store,
    pub signer: Arc<dyn Sign>,
    pub access: Access,
    pub metrics: Arc<Metrics>,
    pub max_body_bytes: usize,
    pub public_url: Option<String>,
    /// Failed web sign-ins per client address.
    pub throttle: Throttle,
    pub timeouts: Timeouts,
    /// The time zone of the web pages' dates and times.
    pub zone: LocalZone,
}

pub type Shared = Arc<AppState>;
