//! The witness's durable state: per log origin, the latest checkpoint it cosigned. Kept in a
//! JSON file that is replaced atomically (write a temporary file, fsync, rename, fsync the
//! directory), so a crash leaves either the old or the new state, never a torn one.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use tabula_tlog::Hash;

/// Why the state cannot be read or written.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StateError {
    #[error("witness state file {}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("witness state file {} is corrupt", path.display())]
    Corrupt {
        path: PathBuf,
        #[source]
        source: serde_json::Error,
    },
}

/// The latest cosigned checkpoint of one log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogHead {
    pub size: u64,
    pub root: Hash,
    /// The checkpoint note as submitted (kept as evidence).
    pub note: String,
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct File {
    logs: BTreeMap<String, LogHead>,
}

/// The state file and its contents in memory.
#[derive(Debug)]
pub struct WitnessState {
    path: PathBuf,
    file: File,
}

impl WitnessState {
    /// Load the state (a missing file is an empty state: nothing cosigned yet).
    pub fn load(path: &Path) -> Result<Self, StateError> {
        let file = match std::fs::read(path) {
            Ok(bytes) => serde_json::from_slice(&bytes).map_err(|source| StateError::Corrupt {
                path: path.to_owned(),
                source,
            })?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => File::default(),
            Err(source) => {
                return Err(StateError::Io {
                    path: path.to_owned(),
                    source,
                });
            }
        };
        Ok(Self {
            path: path.to_owned(),
            file,
        })
    }

    /// The latest cosigned checkpoint of `origin`, if any.
    pub fn head(&self, origin: &str) -> Option<&LogHead> {
        self.file.logs.get(origin)
    }

    /// Record `head` for `origin` and persist it before returning. The in-memory state changes
    /// only when the file was written.
    pub fn commit(&mut self, origin: &str, head: LogHead) -> Result<(), StateError> {
        let previous = self.file.logs.insert(origin.to_owned(), head);
        if let Err(e) = self.persist() {
            match previous {
                Some(p) => self.file.logs.insert(origin.to_owned(), p),
                None => self.file.logs.remove(origin),
            };
            return Err(e);
        }
        Ok(())
    }

    fn persist(&self) -> Result<(), StateError> {
        let io = |source| StateError::Io {
            path: self.path.clone(),
            source,
        };
        let bytes =
            serde_json::to_vec_pretty(&self.file).map_err(|source| StateError::Corrupt {
                path: self.path.clone(),
                source,
            })?;
        tabula_certificate::write_atomic(&self.path, &bytes).map_err(io)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // test code: a failed unwrap is a failed test
mod tests {
    use super::*;

    #[test]
    fn commit_survives_reload() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("witness-state.json");
        let mut s = WitnessState::load(&path).unwrap();
        assert!(s.head("log.example").is_none());
        let head = LogHead {
            size: 3,
            root: tabula_tlog::leaf_hash(b"x"),
            note: "n".into(),
        };
        s.commit("log.example", head.clone()).unwrap();
        let again = WitnessState::load(&path).unwrap();
        assert_eq!(again.head("log.example"), Some(&head));
        std::fs::write(&path, b"{not json").unwrap();
        assert!(matches!(
            WitnessState::load(&path),
            Err(StateError::Corrupt { .. })
        ));
    }
}
