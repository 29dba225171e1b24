//! Station keys: Ed25519 (RFC 8032) in the standard containers that OpenSSL reads.
//!
//! The private key is stored as PKCS#8 PEM (`station.key`, mode 0600), the public key as SPKI
//! PEM (`station.pem`). The key fingerprint is `sha256:<hex>` of the SPKI DER encoding, so
//! `openssl pkey -pubin -in station.pem -outform DER | sha256sum` prints the same hex.
//!
//! Key files are written atomically and never overwritten: a temporary file in the same
//! directory (with the final mode), fsync, a hard link to the final name (which fails if that
//! name exists), removal of the temporary name, fsync of the directory. Seeds, DER and PEM
//! buffers of the private key are wiped on drop ([`zeroize`]).

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use ed25519_dalek::pkcs8::spki::der::pem::LineEnding;
use ed25519_dalek::pkcs8::{DecodePrivateKey, DecodePublicKey, EncodePublicKey};
use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use crate::schema::hex;

/// File name of the private key written by [`StationKey::write`].
pub const PRIVATE_KEY_FILE: &str = "station.key";
/// File name of the public key written by [`StationKey::write`].
pub const PUBLIC_KEY_FILE: &str = "station.pem";

/// Errors reading, writing or decoding keys.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum KeyError {
    /// The system random number generator failed.
    #[error("cannot get random bytes for a new key: {0}")]
    Random(getrandom::Error),
    /// Reading or writing a key file failed.
    #[error("{}: {source}", path.display())]
    Io {
        /// The key file.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// A key file already exists; keys are never overwritten.
    #[error("{}: already exists; refusing to overwrite an existing key", path.display())]
    Exists {
        /// The existing file.
        path: PathBuf,
    },
    /// The private key file can be read by others than its owner.
    #[error("{}: permissions {mode:04o} are too open; secret files must be 0600 (chmod 600)", path.display())]
    Permissions {
        /// The key file.
        path: PathBuf,
        /// Its permission bits.
        mode: u32,
    },
    /// The private key is not an Ed25519 PKCS#8 PEM.
    #[error("not an Ed25519 private key (PKCS#8 PEM): {0}")]
    PrivatePem(ed25519_dalek::pkcs8::Error),
    /// The public key is not an Ed25519 SPKI PEM.
    #[error("not an Ed25519 public key (SPKI PEM): {0}")]
    PublicPem(ed25519_dalek::pkcs8::spki::Error),
}

/// A station's Ed25519 signing key. `Debug` never shows the secret.
pub struct StationKey {
    signing: SigningKey,
}

impl std::fmt::Debug for StationKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StationKey")
            .field("public", &self.public().fingerprint())
            .finish_non_exhaustive()
    }
}

impl StationKey {
    /// A new key from the operating system's random number generator.
    pub fn generate() -> Result<Self, KeyError> {
        let mut seed = Zeroizing::new([0u8; 32]);
        getrandom::fill(seed.as_mut()).map_err(KeyError::Random)?;
        Ok(Self {
            signing: SigningKey::from_bytes(&seed),
        })
    }

    /// A key from its 32-byte RFC 8032 seed (for tests and fixtures).
    pub fn from_seed(seed: &[u8; 32]) -> Self {
        Self {
            signing: SigningKey::from_bytes(seed),
        }
    }

    /// Decode a PKCS#8 PEM private key (as written by [`StationKey::write`] or
    /// `openssl genpkey -algorithm ed25519`).
    pub fn from_pem(pem: &str) -> Result<Self, KeyError> {
        let signing = SigningKey::from_pkcs8_pem(pem).map_err(KeyError::PrivatePem)?;
        Ok(Self { signing })
    }

    /// Load a private key file. Refuses files that group or others may read.
    pub fn load(path: &Path) -> Result<Self, KeyError> {
        Self::from_pem(&read_secret_file(path)?)
    }

    /// The PKCS#8 PEM of the private key, in the RFC 8410 form (PKCS#8 v1, seed only) that
    /// every OpenSSL 3 reads; the v2 form with the public key embedded is not read by
    /// OpenSSL 3.0 (Debian 12).
    ///
    /// The text holds the secret; it is wiped when dropped.
    pub fn to_pem(&self) -> Zeroizing<String> {
        // SEQUENCE { INTEGER 0, SEQUENCE { OID 1.3.101.112 }, OCTET STRING { OCTET STRING seed } }
        const PREFIX: [u8; 16] = [
            0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22,
            0x04, 0x20,
        ];
        let seed = Zeroizing::new(self.signing.to_bytes());
        let mut der = Zeroizing::new([0u8; 48]);
        der[..16].copy_from_slice(&PREFIX);
        der[16..].copy_from_slice(seed.as_ref());
        let base64 = Zeroizing::new(STANDARD.encode(der.as_ref()));
        Zeroizing::new(format!(
            "-----BEGIN PRIVATE KEY-----\n{}\n-----END PRIVATE KEY-----\n",
            base64.as_str()
        ))
    }

    /// Write `DIR/station.key` (PKCS#8 PEM, 0600) and `DIR/station.pem` (SPKI PEM, 0644).
    /// Creates `DIR` if needed and never overwrites an existing file. Returns both paths.
    pub fn write(&self, dir: &Path) -> Result<(PathBuf, PathBuf), KeyError> {
        fs::create_dir_all(dir).map_err(|source| KeyError::Io {
            path: dir.to_owned(),
            source,
        })?;
        let private = dir.join(PRIVATE_KEY_FILE);
        let public = dir.join(PUBLIC_KEY_FILE);
        for path in [&private, &public] {
            if path.exists() {
                return Err(KeyError::Exists { path: path.clone() });
            }
        }
        write_new(&private, self.to_pem().as_bytes(), 0o600)?;
        write_new(&public, self.public().to_pem()?.as_bytes(), 0o644)?;
        Ok((private, public))
    }

    /// The public half.
    pub fn public(&self) -> PublicKey {
        PublicKey {
            verifying: self.signing.verifying_key(),
        }
    }

    /// Sign `message` (pure Ed25519, no pre-hash). Returns the 64-byte signature.
    pub fn sign(&self, message: &[u8]) -> [u8; 64] {
        self.signing.sign(message).to_bytes()
    }
}

/// Write `bytes` to the new file `path` atomically, without ever replacing an existing file:
/// a temporary file beside it (mode `mode`, fsynced), hard-linked to `path` (refused by the
/// kernel if `path` exists), then unlinked; finally the directory is fsynced. The temporary
/// name is removed on every path.
fn write_new(path: &Path, bytes: &[u8], mode: u32) -> Result<(), KeyError> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let tmp = temp_name(path);
    let result = write_temp(&tmp, bytes, mode).and_then(|()| fs::hard_link(&tmp, path));
    let removed = fs::remove_file(&tmp);
    match result {
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
            return Err(KeyError::Exists {
                path: path.to_owned(),
            });
        }
        Err(source) => {
            return Err(KeyError::Io {
                path: path.to_owned(),
                source,
            });
        }
        Ok(()) => {}
    }
    removed
        .and_then(|()| File::open(dir)?.sync_all())
        .map_err(|source| KeyError::Io {
            path: dir.to_owned(),
            source,
        })
}

/// Read a secret (a key, a token) from a file that nobody but its owner may read: a file that
/// group or others can read is refused with [`KeyError::Permissions`]. The text is wiped when
/// dropped.
pub fn read_secret_file(path: &Path) -> Result<Zeroizing<String>, KeyError> {
    let io = |source| KeyError::Io {
        path: path.to_owned(),
        source,
    };
    let mode = fs::metadata(path).map_err(io)?.permissions().mode() & 0o777;
    if mode & 0o077 != 0 {
        return Err(KeyError::Permissions {
            path: path.to_owned(),
            mode,
        });
    }
    Ok(Zeroizing::new(fs::read_to_string(path).map_err(io)?))
}

/// Write a secret to a new file, mode 0600, atomically and durably (see `write_new`); an
/// existing file is never replaced ([`KeyError::Exists`]).
pub fn write_secret_file(path: &Path, secret: &[u8]) -> Result<(), KeyError> {
    write_new(path, secret, 0o600)
}

/// `.<name>.tmp-<pid>-<n>` in the same directory as `path`.
fn temp_name(path: &Path) -> PathBuf {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let mut name = std::ffi::OsString::from(".");
    name.push(path.file_name().unwrap_or(path.as_os_str()));
    name.push(format!(
        ".tmp-{}-{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    ));
    path.with_file_name(name)
}

fn write_temp(tmp: &Path, bytes: &[u8], mode: u32) -> io::Result<()> {
    let mut file = OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(mode)
        .open(tmp)?;
    // The umask may have removed bits from `mode`; set them exactly.
    file.set_permissions(fs::Permissions::from_mode(mode))?;
    file.write_all(bytes)?;
    file.sync_all()
}

/// An Ed25519 public key.
#[derive(Clone, PartialEq, Eq)]
pub struct PublicKey {
    verifying: VerifyingKey,
}

impl std::fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("PublicKey")
            .field(&self.fingerprint())
            .finish()
    }
}

impl PublicKey {
    /// Decode an SPKI PEM (`-----BEGIN PUBLIC KEY-----`), as OpenSSL writes it.
    pub fn from_pem(pem: &str) -> Result<Self, KeyError> {
        let verifying = VerifyingKey::from_public_key_pem(pem).map_err(KeyError::PublicPem)?;
        Ok(Self { verifying })
    }

    /// Read an SPKI PEM file.
    pub fn load(path: &Path) -> Result<Self, KeyError> {
        let pem = fs::read_to_string(path).map_err(|source| KeyError::Io {
            path: path.to_owned(),
            source,
        })?;
        Self::from_pem(&pem)
    }

    /// The SPKI PEM encoding.
    pub fn to_pem(&self) -> Result<String, KeyError> {
        self.verifying
            .to_public_key_pem(LineEnding::LF)
            .map_err(KeyError::PublicPem)
    }

    /// The SPKI DER encoding (44 bytes for Ed25519).
    pub fn to_der(&self) -> Vec<u8> {
        // RFC 8410: SEQUENCE { SEQUENCE { OID 1.3.101.112 }, BIT STRING key }.
        const PREFIX: [u8; 12] = [
            0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00,
        ];
        let mut der = PREFIX.to_vec();
        der.extend_from_slice(self.verifying.as_bytes());
        der
    }

    /// The raw 32-byte key.
    pub fn as_bytes(&self) -> &[u8; 32] {
        self.verifying.as_bytes()
    }

    /// `sha256:<hex>` of the SPKI DER encoding.
    pub fn fingerprint(&self) -> String {
        format!("sha256:{}", hex(&Sha256::digest(self.to_der())))
    }

    /// Check a 64-byte Ed25519 signature over `message` (strict RFC 8032 checks).
    pub fn verify(&self, message: &[u8], signature: &[u8]) -> bool {
        let Ok(bytes) = <[u8; 64]>::try_from(signature) else {
            return false;
        };
        let signature = Signature::from_bytes(&bytes);
        self.verifying.verify_strict(message, &signature).is_ok()
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn der_matches_the_pkcs8_crate() {
        let key = StationKey::from_seed(&[7; 32]).public();
        let der = key.verifying.to_public_key_der().unwrap();
        assert_eq!(der.as_bytes(), key.to_der().as_slice());
    }

    #[test]
    fn private_pem_is_the_rfc8410_v1_form() {
        let key = StationKey::from_seed(&[7; 32]);
        let pem = key.to_pem();
        // What ed25519-dalek's own (v2) encoder would hold apart from the version and the
        // appended public key: same algorithm and seed.
        let body: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
        let der = STANDARD.decode(body).unwrap();
        assert_eq!(der.len(), 48);
        assert_eq!(&der[16..], &[7; 32]);
        assert_eq!(StationKey::from_pem(&pem).unwrap().public(), key.public());
    }

    #[test]
    fn pem_round_trip_and_signature() {
        let key = StationKey::generate().unwrap();
        let again = StationKey::from_pem(&key.to_pem()).unwrap();
        assert_eq!(key.public(), again.public());
        let public = PublicKey::from_pem(&key.public().to_pem().unwrap()).unwrap();
        let sig = again.sign(b"hello");
        assert!(public.verify(b"hello", &sig));
        assert!(!public.verify(b"hellp", &sig));
        assert!(!public.verify(b"hello", &sig[..63]));
    }

    #[test]
    fn write_sets_modes_and_refuses_overwrite() {
        let dir = tempfile::tempdir().unwrap();
        let key = StationKey::generate().unwrap();
        let (private, public) = key.write(dir.path()).unwrap();
        let mode = |p: &Path| fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&private), 0o600);
        assert_eq!(mode(&public), 0o644);
        assert_eq!(StationKey::load(&private).unwrap().public(), key.public());
        assert!(matches!(
            StationKey::generate().unwrap().write(dir.path()),
            Err(KeyError::Exists { .. })
        ));
        fs::set_permissions(&private, fs::Permissions::from_mode(0o644)).unwrap();
        assert!(matches!(
            StationKey::load(&private),
            Err(KeyError::Permissions { mode: 0o644, .. })
        ));
    }

    /// The names in `dir`, sorted.
    fn names(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    /// Atomic write: only the two key files remain (no temporary name), the private key is
    /// 0600, and an existing key file is never replaced, not even by a writer that got past
    /// the existence check.
    #[test]
    fn write_is_atomic_and_never_overwrites() {
        let dir = tempfile::tempdir().unwrap();
        let key = StationKey::from_seed(&[3; 32]);
        let (private, public) = key.write(dir.path()).unwrap();
        assert_eq!(names(dir.path()), ["station.key", "station.pem"]);
        assert_eq!(
            fs::metadata(&private).unwrap().permissions().mode() & 0o777,
            0o600
        );
        assert_eq!(fs::read_to_string(&private).unwrap(), *key.to_pem());
        assert_eq!(
            fs::read_to_string(&public).unwrap(),
            key.public().to_pem().unwrap()
        );

        // Only the private key exists (e.g. a half-finished earlier keygen): refused, kept.
        let dir = tempfile::tempdir().unwrap();
        let existing = dir.path().join(PRIVATE_KEY_FILE);
        fs::write(&existing, "old key").unwrap();
        assert!(matches!(
            key.write(dir.path()),
            Err(KeyError::Exists { .. })
        ));
        assert_eq!(fs::read_to_string(&existing).unwrap(), "old key");
        assert_eq!(names(dir.path()), ["station.key"]);

        // The final step itself refuses to replace a file that appeared after the check.
        assert!(matches!(
            write_new(&existing, b"new key", 0o600),
            Err(KeyError::Exists { .. })
        ));
        assert_eq!(fs::read_to_string(&existing).unwrap(), "old key");
        assert_eq!(names(dir.path()), ["station.key"], "no temporary file left");
    }

    #[test]
    fn garbage_is_an_error() {
        assert!(matches!(
            PublicKey::from_pem("nope"),
            Err(KeyError::PublicPem(_))
        ));
        assert!(matches!(
            StationKey::from_pem("nope"),
            Err(KeyError::PrivatePem(_))
        ));
    }
}
