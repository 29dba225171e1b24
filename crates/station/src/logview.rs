//! The client's own view of a registry's log (`tabula verify --registry`): the newest checkpoint
//! it verified, per log, in a state directory. Every run checks that the registry's checkpoint
//! extends that one (a consistency proof from the registry) before storing the newer one, so a
//! registry whose log was rolled back or forked — even re-signed with the right key — is caught.
//! With a witness policy the checkpoint must also carry a quorum of witness cosignatures.

use std::path::{Path, PathBuf};

use tabula_tlog::{
    Checkpoint, CheckpointError, NoteVerifier, PolicyError, ProofError, WitnessPolicy,
    verify_consistency,
};

use crate::client::{ClientError, RegistryClient};

/// Why the registry's checkpoint is refused or the view cannot be kept.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum LogViewError {
    #[error(transparent)]
    Client(#[from] ClientError),
    #[error("the registry serves no cosigned checkpoint (no witness has cosigned its log yet)")]
    NoCosignedCheckpoint,
    #[error("the registry's checkpoint does not verify with the log key")]
    Checkpoint(#[source] CheckpointError),
    #[error("the registry's checkpoint lacks the witness quorum")]
    Quorum(#[source] PolicyError),
    #[error("{} in the state directory", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("the checkpoint stored in {} does not verify with the log key", path.display())]
    Stored {
        path: PathBuf,
        #[source]
        source: CheckpointError,
    },
    #[error(
        "ROLLBACK: the registry's log has {now} entries, fewer than the {then} this client saw before (stored in {}): the log was rolled back or rebuilt",
        path.display()
    )]
    Rollback { now: u64, then: u64, path: PathBuf },
    #[error(
        "FORK: the registry's log of {now} entries does not extend the one of {then} entries this client saw before (stored in {}): the log was rewritten",
        path.display()
    )]
    Fork {
        now: u64,
        then: u64,
        path: PathBuf,
        #[source]
        source: ProofError,
    },
}

/// What a successful check found.
#[derive(Debug, Clone)]
pub struct HeadVerdict {
    pub origin: String,
    /// The size this client had seen before, if any.
    pub previous: Option<u64>,
    pub size: u64,
    /// Witnesses whose cosignature verified (with a policy).
    pub witnesses: Vec<String>,
}

/// `$XDG_STATE_HOME/tabula`, else `~/.local/state/tabula`.
pub fn default_state_dir() -> Option<PathBuf> {
    match std::env::var_os("XDG_STATE_HOME") {
        Some(d) if !d.is_empty() => Some(PathBuf::from(d).join("tabula")),
        _ => std::env::var_os("HOME")
            .filter(|h| !h.is_empty())
            .map(|h| PathBuf::from(h).join(".local/state/tabula")),
    }
}

/// The state file of a log: its origin (bytes other than `[A-Za-z0-9.-]` as `_XX`) and key id,
/// so two logs never share a file.
pub fn state_file(dir: &Path, log_key: &NoteVerifier) -> PathBuf {
    let mut name = String::new();
    for b in log_key.name().bytes() {
        if b.is_ascii_alphanumeric() || b == b'.' || b == b'-' {
            name.push(char::from(b));
        } else {
            name.push_str(&format!("_{b:02x}"));
        }
    }
    dir.join(format!("{name}+{:08x}.checkpoint", log_key.key_id()))
}

/// Fetch the registry's checkpoint (the cosigned one when `policy` is given), verify it, check it
/// extends the one stored in `dir`, and store it there (atomically) when it is newer.
pub fn check_and_advance(
    client: &RegistryClient,
    log_key: &NoteVerifier,
    policy: Option<&WitnessPolicy>,
    dir: &Path,
) -> Result<HeadVerdict, LogViewError> {
    let note = match policy {
        Some(_) => client
            .cosigned_checkpoint()?
            .ok_or(LogViewError::NoCosignedCheckpoint)?,
        None => client.checkpoint()?,
    };
    let now = Checkpoint::verify(&note, log_key).map_err(LogViewError::Checkpoint)?;
    let witnesses = policy
        .map(|p| p.check(&note))
        .transpose()
        .map_err(LogViewError::Quorum)?
        .unwrap_or_default();
    let path = state_file(dir, log_key);
    let io = |source| LogViewError::Io {
        path: path.clone(),
        source,
    };
    let previous = match std::fs::read_to_string(&path) {
        Ok(text) => {
            Some(
                Checkpoint::verify(&text, log_key).map_err(|source| LogViewError::Stored {
                    path: path.clone(),
                    source,
                })?,
            )
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => return Err(io(e)),
    };
    if let Some(then) = previous.as_ref().filter(|p| p.size > 0) {
        if now.size < then.size {
            return Err(LogViewError::Rollback {
                now: now.size,
                then: then.size,
                path,
            });
        }
        let proof = if now.size > then.size {
            client.consistency(then.size, now.size)?
        } else {
            Vec::new()
        };
        verify_consistency(then.size, now.size, &then.root, &now.root, &proof).map_err(
            |source| LogViewError::Fork {
                now: now.size,
                then: then.size,
                path: path.clone(),
                source,
            },
        )?;
    }
    if previous.as_ref().is_none_or(|p| now.size > p.size) {
        std::fs::create_dir_all(dir).map_err(io)?;
        // The note as served, cosignatures included (evidence of what the witnesses saw).
        tabula_certificate::write_atomic(&path, note.as_bytes()).map_err(io)?;
    }
    Ok(HeadVerdict {
        origin: now.origin,
        previous: previous.map(|p| p.size),
        size: now.size,
        witnesses,
    })
}
