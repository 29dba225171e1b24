//! `tabula-registry`: the central registry stations upload certificates to and auditors query.
//!
//! Owns: certificate upload (verified against enrolled, unrevoked station keys), storage on
//! SQLite or PostgreSQL through one set of queries ([`store`]), the append-only transparency
//! log (RFC 9162 hashing and C2SP checkpoints from `tabula-tlog`; leaves are the RFC 8785 bytes
//! of each certificate's DSSE envelope), the JSON API, the auditors' web pages, tokens, and
//! metrics, collecting witness cosignatures of its checkpoints ([`cosign`]), and a C2SP
//! `tlog-witness` server for other parties to run ([`witness`]). The binary (`src/main.rs`) only
//! parses flags and calls [`Registry`] or [`witness::Witness`].
//!
//! Does not own: the certificate format and its verification (`tabula-certificate`), Merkle
//! math (`tabula-tlog`), and anything about wiping or auditing machines: the audit document is
//! stored as opaque JSON and only a few summary fields are read by JSON pointer.
//!
//! ```no_run
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! use tabula_registry::{Config, Registry};
//! let registry = Registry::open(Config::new("sqlite://registry.db")).await?;
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:8440").await?;
//! registry.serve(listener, std::future::pending()).await?;
//! # Ok(()) }
//! ```
#![forbid(unsafe_code)]

mod api;
pub mod auth;
pub mod check;
pub mod cosign;
mod error;
pub mod log_key;
mod metrics;
pub mod request;
mod serve;
pub mod session;
mod state;
pub mod store;
pub mod summary;
mod web;
pub mod witness;

use std::future::Future;
use std::sync::Arc;

use axum::Router;
use tokio::net::TcpListener;
use tower_http::trace::TraceLayer;

pub use error::ApiError;
pub use log_key::{LogKeyError, LogKeySource};
pub use serve::Timeouts;
pub use state::{Config, DEFAULT_MAX_BODY, DEFAULT_ORIGIN};
pub use store::{Backend, Counts, Store, StoreError};

use crate::auth::{Access, token_hash};
use crate::metrics::Metrics;
use crate::session::Throttle;
use crate::state::{AppState, Shared};

/// An opened registry: database migrated, log key loaded.
#[derive(Debug, Clone)]
pub struct Registry {
    state: Shared,
}

impl Registry {
    /// Open the database (creating and migrating it if needed) and load the log key (see
    /// [`log_key`]: `log.key` beside an SQLite database is created on first start).
    pub async fn open(config: Config) -> Result<Self, OpenError> {
        let store = Store::open(&config.database_url, config.max_connections).await?;
        store.ensure_origin(&config.log_origin).await?;
        let signer = log_key::resolve(
            &store,
            &config.database_url,
            &config.log_key,
            &config.log_origin,
        )
        .await?;
        let access = Access {
            admin_token_hash: config.admin_token.as_ref().map(|t| token_hash(t.expose())),
            public_read: config.public_read,
            sessions: Arc::default(),
        };
        let state = Arc::new(AppState {
            store,
            signer,
            access,
            metrics: Arc::new(Metrics::new()),
            max_body_bytes: config.max_body_bytes,
            public_url: config
                .public_url
                .map(|u| u.trim().trim_end_matches('/').to_owned())
                .filter(|u| !u.is_empty()),
            throttle: Throttle::default(),
            timeouts: config.timeouts,
            zone: config.time_zone,
        });
        cosign::spawn(&state, &config.cosigning);
        Ok(Self { state })
    }

    /// The storage, for tools and tests.
    pub fn store(&self) -> &Store {
        &self.state.store
    }

    /// The log's note verifier key (`name+id+base64`).
    pub fn log_key(&self) -> String {
        self.state.signer.verifier().to_vkey()
    }

    /// The full HTTP application.
    pub fn router(&self) -> Router {
        let metrics = Arc::clone(&self.state.metrics);
        Router::new()
            .merge(api::router())
            .merge(web::router())
            .with_state(Arc::clone(&self.state))
            .layer(axum::middleware::from_fn_with_state(
                metrics,
                metrics::track,
            ))
            .layer(TraceLayer::new_for_http())
    }

    /// Serve on a bound listener until `shutdown` completes, then drain and close the pool.
    pub async fn serve(
        &self,
        listener: TcpListener,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        serve::serve(listener, self.router(), self.state.timeouts, shutdown).await;
        self.state.store.close().await;
        Ok(())
    }
}

/// Why a registry cannot be opened.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum OpenError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    LogKey(#[from] LogKeyError),
}

/// Create a station and return its one-time enrolment token (for `tabula-registry station add`).
pub async fn add_station(
    store: &Store,
    name: &str,
) -> Result<(store::StationRow, auth::Secret), ApiError> {
    api::create_station(store, name).await
}

/// Create a read token (for `tabula-registry read-token add`).
pub async fn add_read_token(store: &Store, name: &str) -> Result<auth::Secret, ApiError> {
    api::create_read_token(store, name).await
}
