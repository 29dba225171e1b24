//! The witness's key file: the signer key text (`PRIVATE+KEY+name+hash+base64(0x04||seed)`),
//! mode 0600, created atomically and never overwritten.

use std::io::Write as _;
use std::os::unix::fs::{OpenOptionsExt as _, PermissionsExt as _};
use std::path::{Path, PathBuf};

use tabula_tlog::{CosignatureSigner, NoteError};

/// Why a key file cannot be created or loaded.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum KeyFileError {
    #[error("key file {}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("key file {} already exists: refusing to overwrite a witness key", path.display())]
    Exists { path: PathBuf },
    #[error("key file {} is readable by others (mode {mode:o}): chmod 600 it", path.display())]
    Permissions { path: PathBuf, mode: u32 },
    #[error("key file {} does not hold a witness key", path.display())]
    Key {
        path: PathBuf,
        #[source]
        source: NoteError,
    },
}

/// Create a fresh witness key named `name` in `path` (mode 0600). The file appears complete or
/// not at all: it is written and fsynced under a temporary name, then hard-linked into place,
/// which fails if `path` exists.
pub fn init(path: &Path, name: &str) -> Result<CosignatureSigner, KeyFileError> {
    let io = |source| KeyFileError::Io {
        path: path.to_owned(),
        source,
    };
    let signer = CosignatureSigner::generate(name).map_err(|source| KeyFileError::Key {
        path: path.to_owned(),
        source,
    })?;
    if path.exists() {
        return Err(KeyFileError::Exists {
            path: path.to_owned(),
        });
    }
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let mut suffix = [0u8; 8];
    getrandom::fill(&mut suffix).map_err(|e| io(std::io::Error::other(e)))?;
    let tmp = dir.join(format!(".witness-key.{}.tmp", hex::encode(suffix)));
    let written = (|| {
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(&tmp)?;
        f.write_all(format!("{}\n", signer.to_skey()).as_bytes())?;
        f.sync_all()?;
        std::fs::hard_link(&tmp, path)
    })();
    let _ = std::fs::remove_file(&tmp);
    match written {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            return Err(KeyFileError::Exists {
                path: path.to_owned(),
            });
        }
        Err(e) => return Err(io(e)),
    }
    std::fs::File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(io)?;
    Ok(signer)
}

/// Load the witness key from `path`, which nobody but its owner may read.
pub fn load(path: &Path) -> Result<CosignatureSigner, KeyFileError> {
    let io = |source| KeyFileError::Io {
        path: path.to_owned(),
        source,
    };
    let mode = std::fs::metadata(path).map_err(io)?.permissions().mode();
    if mode & 0o077 != 0 {
        return Err(KeyFileError::Permissions {
            path: path.to_owned(),
            mode: mode & 0o777,
        });
    }
    let text = std::fs::read_to_string(path).map_err(io)?;
    CosignatureSigner::from_skey(&text).map_err(|source| KeyFileError::Key {
        path: path.to_owned(),
        source,
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // test code: a failed unwrap is a failed test
mod tests {
    use super::*;

    #[test]
    fn init_is_private_and_refuses_to_overwrite() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("witness.key");
        let signer = init(&path, "witness.example/w1").unwrap();
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
        assert_eq!(load(&path).unwrap().verifier(), signer.verifier());
        assert!(matches!(
            init(&path, "witness.example/w1"),
            Err(KeyFileError::Exists { .. })
        ));
        assert_eq!(load(&path).unwrap().verifier(), signer.verifier());
        // Only the key file is left in the directory (no temporary files).
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        assert!(matches!(load(&path), Err(KeyFileError::Permissions { .. })));
    }
}
