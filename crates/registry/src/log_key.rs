//! The log's signing key. It never lives in the database: whoever can read a table could
//! otherwise re-sign a rewritten history. It is a key file (the C2SP signed-note signer key text,
//! mode 0600, written by `tabula-registry log-key init`) or an external signer that implements
//! [`Sign`]. An embedded SQLite registry with no key given keeps `log.key` beside its database
//! file and creates it on first start; a PostgreSQL registry (several instances on one database)
//! must be given the file, so that every instance signs with the same key.
//!
//! Upgrade: registries before this module kept the key in `log_config`. On the first start with
//! a key file at hand, that key is written to the file (or compared with it) and deleted from the
//! table. Deleting does not make a key secret again if the database was ever exposed: rotate it
//! then (docs/registry.md, "Rotating the log key").

use std::path::{Path, PathBuf};
use std::sync::Arc;

use tabula_certificate::{KeyError, read_secret_file, write_secret_file};
use tabula_tlog::{NoteError, NoteSigner, Sign};

use crate::store::{Backend, Store, StoreError, sqlite_file};

/// File name of the key beside an SQLite database.
pub const DEFAULT_KEY_FILE: &str = "log.key";

/// Where the log's signing key comes from.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub enum LogKeySource {
    /// `log.key` beside the SQLite database file (created on first start); refused for
    /// PostgreSQL, which needs [`LogKeySource::File`].
    #[default]
    BesideDatabase,
    /// A key file written by `tabula-registry log-key init` (must exist, mode 0600).
    File(PathBuf),
    /// An external signer; its name must be the log's origin.
    Signer(Arc<dyn Sign>),
}

/// Why the log key cannot be used.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum LogKeyError {
    #[error("log key file: {0}")]
    File(#[from] KeyError),
    #[error("log key file {}: not a signer key (PRIVATE+KEY+...): {source}", path.display())]
    Malformed {
        path: PathBuf,
        #[source]
        source: NoteError,
    },
    #[error(
        "a PostgreSQL registry needs its log key as a file: create one with \
         `tabula-registry log-key init --key FILE --database URL` and pass --log-key FILE"
    )]
    NeedsKeyFile,
    #[error(
        "the database still holds the log key of an older version: move it out with \
         `tabula-registry log-key init --key FILE --database URL`, then pass --log-key FILE"
    )]
    KeyInDatabase,
    #[error(
        "log key file {} is not the key the database held (key ids {file:08x} and {database:08x}); \
         refusing to sign this log with another key",
        path.display()
    )]
    DifferentKey {
        path: PathBuf,
        file: u32,
        database: u32,
    },
    #[error("the log key is named {key:?} but the log's origin is {origin:?}")]
    WrongName { key: String, origin: String },
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// `log.key` beside the database file of an SQLite URL (`None` for PostgreSQL and `:memory:`).
pub fn default_key_path(database_url: &str) -> Option<PathBuf> {
    let file = sqlite_file(database_url)?;
    let dir = match file.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_owned(),
        _ => PathBuf::from("."),
    };
    Some(dir.join(DEFAULT_KEY_FILE))
}

/// Read a key file (refused if group or others may read it).
pub fn read_key_file(path: &Path) -> Result<NoteSigner, LogKeyError> {
    let text = read_secret_file(path)?;
    NoteSigner::from_skey(&text).map_err(|source| LogKeyError::Malformed {
        path: path.to_owned(),
        source,
    })
}

/// Write `signer` to a new key file (0600, atomic, fsynced; never overwrites).
pub fn write_key_file(path: &Path, signer: &NoteSigner) -> Result<(), LogKeyError> {
    let text = zeroize::Zeroizing::new(format!("{}\n", signer.to_skey()));
    Ok(write_secret_file(path, text.as_bytes())?)
}

/// `tabula-registry log-key init`: create the key file for `origin` at `path`. If the database
/// still holds an older version's key, that key is moved into the file (so the log keeps its
/// identity) and deleted from the table; otherwise a fresh key is generated. Returns the signer.
pub async fn init_key_file(
    store: Option<&Store>,
    path: &Path,
    origin: &str,
) -> Result<NoteSigner, LogKeyError> {
    let legacy = match store {
        Some(s) => s.legacy_log_key().await?,
        None => None,
    };
    let signer = match legacy {
        Some(skey) => NoteSigner::from_skey(&skey).map_err(|_| StoreError::Corrupt {
            what: "log signing key",
        })?,
        None => NoteSigner::generate(origin).map_err(StoreError::from)?,
    };
    if signer.name() != origin {
        return Err(LogKeyError::WrongName {
            key: signer.name().to_owned(),
            origin: origin.to_owned(),
        });
    }
    write_key_file(path, &signer)?;
    if let Some(s) = store {
        s.forget_legacy_log_key().await?;
    }
    Ok(signer)
}

/// The signer for a registry on `store` with origin `origin`: from `source`, moving an older
/// version's key out of the database where that can be done safely.
pub async fn resolve(
    store: &Store,
    database_url: &str,
    source: &LogKeySource,
    origin: &str,
) -> Result<Arc<dyn Sign>, LogKeyError> {
    let signer: Arc<dyn Sign> = match source {
        LogKeySource::Signer(s) => {
            if store.legacy_log_key().await?.is_some() {
                return Err(LogKeyError::KeyInDatabase);
            }
            Arc::clone(s)
        }
        LogKeySource::File(path) => Arc::new(from_file(store, path).await?),
        LogKeySource::BesideDatabase => {
            let path = match (store.backend(), default_key_path(database_url)) {
                (Backend::Sqlite, Some(p)) => p,
                _ if store.legacy_log_key().await?.is_some() => {
                    return Err(LogKeyError::KeyInDatabase);
                }
                _ => return Err(LogKeyError::NeedsKeyFile),
            };
            if path.exists() {
                Arc::new(from_file(store, &path).await?)
            } else {
                Arc::new(init_key_file(Some(store), &path, origin).await?)
            }
        }
    };
    if signer.name() != origin {
        return Err(LogKeyError::WrongName {
            key: signer.name().to_owned(),
            origin: origin.to_owned(),
        });
    }
    Ok(signer)
}

/// Load a key file; if the database still holds a key, it must be the same one, and is then
/// deleted from the table.
async fn from_file(store: &Store, path: &Path) -> Result<NoteSigner, LogKeyError> {
    let signer = read_key_file(path)?;
    if let Some(skey) = store.legacy_log_key().await? {
        let held = NoteSigner::from_skey(&skey).map_err(|_| StoreError::Corrupt {
            what: "log signing key",
        })?;
        if held.verifier() != signer.verifier() {
            return Err(LogKeyError::DifferentKey {
                path: path.to_owned(),
                file: signer.verifier().key_id(),
                database: held.verifier().key_id(),
            });
        }
        store.forget_legacy_log_key().await?;
    }
    Ok(signer)
}
