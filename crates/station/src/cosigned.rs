//! The registry's cosigned checkpoint (C2SP tlog-cosignature) kept beside the bundles: after an
//! upload the station fetches the newest checkpoint witnesses cosigned and stores it as
//! `cosigned-checkpoint.txt` in the bundle's directory — evidence, kept offline, of the log view
//! the witnesses vouched for. The signed certificate and its receipt are not changed.

use std::path::Path;

use tabula_tlog::{Checkpoint, NoteVerifier};

use crate::client::{ClientError, RegistryClient};
use crate::datadir::write_atomic;
use crate::error::Result;

/// File name of the stored cosigned checkpoint.
pub const COSIGNED_FILE: &str = "cosigned-checkpoint.txt";

/// Fetch the registry's cosigned checkpoint, check the log's signature with `log_key`, and store
/// it in `dir` unless the one stored there is as large. Returns the stored tree size, `None`
/// when the registry has none or nothing newer.
pub fn store_cosigned(
    client: &RegistryClient,
    log_key: &NoteVerifier,
    dir: &Path,
) -> Result<Option<u64>> {
    let Some(note) = client.cosigned_checkpoint()? else {
        return Ok(None);
    };
    let cp = Checkpoint::verify(&note, log_key).map_err(ClientError::Checkpoint)?;
    let path = dir.join(COSIGNED_FILE);
    let stored = std::fs::read_to_string(&path)
        .ok()
        .and_then(|text| Checkpoint::verify(&text, log_key).ok());
    if stored.is_some_and(|s| s.size >= cp.size) {
        return Ok(None);
    }
    write_atomic(&path, note.as_bytes())?;
    Ok(Some(cp.size))
}
