//! Storage: one set of SQL queries over `sqlx::Any`, run against SQLite (the embedded default)
//! or PostgreSQL (several registry instances on one database). Each backend has its own
//! migrations (`migrations/sqlite`, `migrations/postgres`); every query here is written in the
//! dialect both accept (`$n` placeholders, `RETURNING`, `ON CONFLICT`).
//!
//! Append-only discipline: nothing in this module updates or deletes a certificate or a log
//! node. The only updates are the log head (one counter row) and station enrolment/revocation.

mod append;
mod certs;
mod cosigned;
mod identity;
mod log;
mod stations;

use std::collections::HashMap;
use std::os::unix::fs::{OpenOptionsExt as _, PermissionsExt as _};
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::{Arc, RwLock};

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{AnyPool, Executor as _, Row as _};
use tabula_tlog::{Hash, NodeId};

pub use append::AppendOutcome;
pub use certs::{CertificateFilter, CertificateRow, DriveRow, NewCertificate, Page};
pub use cosigned::StoredCosignature;
pub use identity::payload_digest;
pub use stations::{EnrolOutcome, StationRow};

/// Which database a URL points at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Storage failures. Outcomes a client caused (unknown token, duplicate id) are not errors
/// here but values of the returned enums.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    #[error("unsupported database URL {0:?}: use sqlite://FILE or postgres://...")]
    UnsupportedUrl(String),
    #[error("database: {0}")]
    Database(#[from] sqlx::Error),
    #[error("database migration: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("log: {0}")]
    Tree(#[from] tabula_tlog::TreeError),
    #[error("log signing key: {0}")]
    Note(#[from] tabula_tlog::NoteError),
    #[error("log checkpoint: {0}")]
    Checkpoint(#[from] tabula_tlog::CheckpointError),
    #[error("the database holds log origin {stored:?}, not {requested:?}")]
    OriginMismatch { stored: String, requested: String },
    #[error("stored {what} is corrupt")]
    Corrupt { what: &'static str },
    #[error("stored JSON: {0}")]
    Json(#[from] serde_json::Error),
    #[error("append batch failed: {0}")]
    Batch(#[source] Arc<StoreError>),
    #[error("the log writer has stopped")]
    WriterStopped,
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

/// Perfect-subtree hashes never change once written, so any instance may cache them.
#[derive(Debug, Default)]
struct NodeCache {
    map: RwLock<HashMap<NodeId, Hash>>,
}

/// Upper bound on cached node hashes (~80 MB); the cache is simply emptied when it is reached.
const NODE_CACHE_MAX: usize = 1 << 20;

impl NodeCache {
    fn get_many(&self, ids: &[NodeId], out: &mut HashMap<NodeId, Hash>) {
        if let Ok(map) = self.map.read() {
            for id in ids {
                if let Some(h) = map.get(id) {
                    out.insert(*id, *h);
                }
            }
        }
    }

    fn insert_many(&self, nodes: impl IntoIterator<Item = (NodeId, Hash)>) {
        if let Ok(mut map) = self.map.write() {
            if map.len() > NODE_CACHE_MAX {
                map.clear();
            }
            map.extend(nodes);
        }
    }
}

/// The registry's database.
#[derive(Debug)]
pub struct Store {
    pool: AnyPool,
    backend: Backend,
    cache: Arc<NodeCache>,
    /// The log writer task: appends are batched, one transaction each (see `append.rs`).
    writer: tokio::sync::mpsc::Sender<append::AppendRequest>,
    /// The log size after each committed append batch (the witness collector watches it).
    appended: tokio::sync::watch::Sender<u64>,
}

/// Row counts, for tests and `/metrics`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct Counts {
    pub certificates: i64,
    pub drives: i64,
    pub log_nodes: i64,
    pub log_size: i64,
    pub stations: i64,
}

/// Normalise a database URL: a bare path means SQLite; SQLite files are created if missing.
pub fn normalise_url(url: &str) -> Result<(Backend, String), StoreError> {
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        return Ok((Backend::Postgres, url.to_owned()));
    }
    let sqlite = if url.starts_with("sqlite:") {
        url.to_owned()
    } else if url.contains("://") {
        return Err(StoreError::UnsupportedUrl(url.to_owned()));
    } else {
        format!("sqlite://{url}")
    };
    let sqlite = if sqlite.contains('?') || sqlite.contains(":memory:") {
        sqlite
    } else {
        format!("{sqlite}?mode=rwc")
    };
    Ok((Backend::Sqlite, sqlite))
}

/// The database file of an SQLite URL (`sqlite://FILE`, `sqlite:FILE`, a bare path), without
/// its query; `None` for PostgreSQL and in-memory databases.
pub fn sqlite_file(url: &str) -> Option<PathBuf> {
    let (Backend::Sqlite, url) = normalise_url(url).ok()? else {
        return None;
    };
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next().unwrap_or(rest);
    (!path.is_empty() && !path.contains(":memory:")).then(|| PathBuf::from(path))
}

/// Make an SQLite database private to its owner: create it mode 0600 if it is missing (SQLite
/// then creates its `-wal` and `-shm` files with the same mode), and take group and other
/// permissions away from existing files.
fn restrict_sqlite_files(path: &Path) -> Result<(), StoreError> {
    let io = |source| StoreError::Io {
        path: path.to_owned(),
        source,
    };
    match std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
    {
        Ok(_) => {}
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
        Err(e) => return Err(io(e)),
    }
    for suffix in ["", "-wal", "-shm"] {
        let mut name = path.as_os_str().to_owned();
        name.push(suffix);
        let file = PathBuf::from(name);
        let Ok(meta) = std::fs::metadata(&file) else {
            continue;
        };
        let mode = meta.permissions().mode() & 0o777;
        if mode & 0o077 != 0 {
            tracing::warn!(file = %file.display(), mode = format!("{mode:04o}"), "database file was readable by others; now 0600");
            std::fs::set_permissions(&file, std::fs::Permissions::from_mode(mode & 0o700))
                .map_err(|source| StoreError::Io {
                    path: file.clone(),
                    source,
                })?;
        }
    }
    Ok(())
}

impl Store {
    /// Connect, apply pending migrations, and return the store.
    pub async fn open(url: &str, max_connections: u32) -> Result<Self, StoreError> {
        sqlx::any::install_default_drivers();
        if let Some(file) = sqlite_file(url) {
            restrict_sqlite_files(&file)?;
        }
        let (backend, url) = normalise_url(url)?;
        let options = AnyConnectOptions::from_str(&url)?;
        let pool = AnyPoolOptions::new()
            .max_connections(max_connections.max(1))
            .after_connect(move |conn, _meta| {
                Box::pin(async move {
                    if backend == Backend::Sqlite {
                        // WAL: readers never block the writer. synchronous=FULL: a receipt is
                        // only handed out once its leaf survives power loss, so the log can
                        // never reassign an acknowledged index.
                        conn.execute(
                            "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; \
                             PRAGMA busy_timeout = 10000; PRAGMA foreign_keys = ON;",
                        )
                        .await?;
                    }
                    Ok(())
                })
            })
            .connect_with(options)
            .await?;
        match backend {
            Backend::Sqlite => SQLITE_MIGRATIONS.run(&pool).await?,
            Backend::Postgres => POSTGRES_MIGRATIONS.run(&pool).await?,
        }
        let cache = Arc::new(NodeCache::default());
        let (appended, _) = tokio::sync::watch::channel(0);
        let writer = append::spawn_writer(pool.clone(), Arc::clone(&cache), appended.clone());
        Ok(Self {
            pool,
            backend,
            cache,
            writer,
            appended,
        })
    }

    /// Watch the log size as this instance appends (changes after each committed batch).
    pub fn watch_appends(&self) -> tokio::sync::watch::Receiver<u64> {
        self.appended.subscribe()
    }

    /// Whether [`Store::close`] was called.
    pub fn is_closed(&self) -> bool {
        self.pool.is_closed()
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Check the database answers (for `/healthz`).
    pub async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    /// Row counts of the main tables.
    pub async fn counts(&self) -> Result<Counts, StoreError> {
        let row = sqlx::query(
            "SELECT (SELECT COUNT(*) FROM certificates), (SELECT COUNT(*) FROM drives), \
                    (SELECT COUNT(*) FROM log_nodes), (SELECT size FROM log_head WHERE id = 1), \
                    (SELECT COUNT(*) FROM stations)",
        )
        .fetch_one(&self.pool)
        .await?;
        Ok(Counts {
            certificates: row.try_get(0)?,
            drives: row.try_get(1)?,
            log_nodes: row.try_get(2)?,
            log_size: row.try_get(3)?,
            stations: row.try_get(4)?,
        })
    }

    /// Close the pool (waits for connections to be returned).
    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// Current time as stored: RFC 3339 UTC with whole seconds, so text order is time order.
pub fn now_text() -> String {
    chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string()
}
