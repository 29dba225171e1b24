//! The plain export for auditors without Tabula: the signed bytes and the key as files that
//! `openssl pkeyutl -verify` reads.
//!
//! ```text
//! cert.json    the decoded DSSE payload, byte for byte as signed (RFC 8785 JSON)
//! pae.bin      DSSE PAE(payloadType, cert.json): the message the signature covers
//! sig.bin      the raw 64-byte Ed25519 signature
//! station.pem  the station's public key (SPKI PEM)
//! audit.json   the attached audit document (its BLAKE3 over RFC 8785 is in cert.json)
//! ```

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use crate::bundle::{Bundle, write_atomic};
use crate::dsse::DecodeError;

/// Errors writing an export.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ExportError {
    /// The envelope could not be decoded.
    #[error("malformed envelope: {0}")]
    Envelope(#[from] DecodeError),
    /// The audit document could not be written as JSON.
    #[error("cannot encode the audit document: {0}")]
    Audit(#[source] serde_json::Error),
    /// The envelope has no signature to export.
    #[error("malformed envelope: it has no signatures")]
    NoSignatures,
    /// Writing a file failed.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: io::Error,
    },
}

/// The files an export wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ExportedFiles {
    /// `cert.json`.
    pub cert: PathBuf,
    /// `pae.bin`.
    pub pae: PathBuf,
    /// `sig.bin`.
    pub sig: PathBuf,
    /// `station.pem`.
    pub station_key: PathBuf,
    /// `audit.json`.
    pub audit: PathBuf,
}

/// Write the plain parts of `bundle` into `dir` (created if needed). The first signature is
/// exported. Does not verify: export what is there, so an auditor can check it independently.
pub fn export(bundle: &Bundle, dir: &Path) -> Result<ExportedFiles, ExportError> {
    let payload = bundle.envelope.payload_bytes()?;
    let signatures = bundle.envelope.signature_bytes()?;
    let (_, sig) = signatures.first().ok_or(ExportError::NoSignatures)?;
    let pae = crate::dsse::pae(&bundle.envelope.payload_type, &payload);
    let mut audit = serde_json::to_vec_pretty(&bundle.audit).map_err(ExportError::Audit)?;
    audit.push(b'\n');
    fs::create_dir_all(dir).map_err(|source| ExportError::Io {
        path: dir.to_owned(),
        source,
    })?;
    let files = ExportedFiles {
        cert: dir.join("cert.json"),
        pae: dir.join("pae.bin"),
        sig: dir.join("sig.bin"),
        station_key: dir.join("station.pem"),
        audit: dir.join("audit.json"),
    };
    for (path, bytes) in [
        (&files.cert, payload.as_slice()),
        (&files.pae, pae.as_slice()),
        (&files.sig, sig.as_slice()),
        (&files.station_key, bundle.station_key.as_bytes()),
        (&files.audit, audit.as_slice()),
    ] {
        write_atomic(path, bytes).map_err(|source| ExportError::Io {
            path: path.clone(),
            source,
        })?;
    }
    Ok(files)
}
