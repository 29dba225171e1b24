//! The transport file `<id>.tabula.json`: the signed envelope, the station's public key, the
//! audit document the certificate's digest binds, and (later) the registry's receipt.

use std::fs::{self, File};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::dsse::{DecodeError, Envelope};
use crate::jcs::{self, JcsError};
use crate::key::StationKey;
use crate::schema::{Certificate, PAYLOAD_TYPE, SCHEMA_VERSION, hex};

/// The value of [`Bundle::format`].
pub const BUNDLE_FORMAT: &str = "tabula-bundle/1";

/// The transport file of one certificate.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub struct Bundle {
    /// Always [`BUNDLE_FORMAT`].
    pub format: String,
    /// The DSSE envelope whose payload is the certificate's RFC 8785 JSON.
    pub envelope: Envelope,
    /// The station's public key, SPKI PEM.
    pub station_key: String,
    /// The full audit document; `machine.audit_digest` in the certificate binds it.
    pub audit: serde_json::Value,
    /// The registry's receipt, opaque here (the `tlog` crate defines it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub receipt: Option<serde_json::Value>,
}

/// Errors reading a bundle file or building one.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BundleError {
    /// The file could not be read.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: io::Error,
    },
    /// The file is empty.
    #[error("empty file: not a Tabula certificate")]
    Empty,
    /// The JSON ends early: the file was cut off (incomplete copy or download).
    #[error(
        "truncated file: the JSON ends early at line {line}, column {column} (incomplete copy?)"
    )]
    Truncated {
        /// Line where the input ended.
        line: usize,
        /// Column where the input ended.
        column: usize,
        /// The parser's error.
        #[source]
        source: serde_json::Error,
    },
    /// The file is not JSON at all.
    #[error("not JSON: {source}")]
    NotJson {
        /// The parser's error.
        #[source]
        source: serde_json::Error,
    },
    /// JSON, but not shaped like a bundle (missing or mistyped fields).
    #[error("JSON, but not a Tabula certificate bundle: {source}")]
    NotABundle {
        /// The parser's error.
        #[source]
        source: serde_json::Error,
    },
    /// A bundle of a format this version does not know.
    #[error("unknown bundle format {found:?} (this Tabula reads {BUNDLE_FORMAT:?})")]
    UnknownFormat {
        /// The `format` field found.
        found: String,
    },
    /// The audit document contains what looks like a Windows product key.
    #[error(
        "the audit document contains a Windows product key at {pointer}; record only its presence and digest"
    )]
    ProductKeyInAudit {
        /// JSON pointer to the offending string.
        pointer: String,
    },
    /// A certificate field (e.g. the remark) contains what looks like a Windows product key.
    #[error(
        "the certificate contains a Windows product key at {pointer}; record only its presence and digest"
    )]
    ProductKeyInCertificate {
        /// JSON pointer to the offending string.
        pointer: String,
    },
    /// The certificate to sign is not of the schema version this crate writes.
    #[error(
        "cannot sign schema version {found}: this Tabula writes schema version {SCHEMA_VERSION}"
    )]
    SchemaVersion {
        /// The certificate's `schema_version`.
        found: u32,
    },
    /// The certificate claims another audit document than the one given.
    #[error(
        "the certificate's audit digest {claimed} does not match the audit document ({actual})"
    )]
    AuditDigest {
        /// `machine.audit_digest` of the certificate.
        claimed: String,
        /// Digest of the given audit document.
        actual: String,
    },
    /// The certificate's station fingerprint is not the signing key's.
    #[error("the certificate names station key {claimed} but is signed with {actual}")]
    StationKey {
        /// `station.key_fingerprint` of the certificate.
        claimed: String,
        /// Fingerprint of the signing key.
        actual: String,
    },
    /// Canonicalisation failed.
    #[error(transparent)]
    Jcs(#[from] JcsError),
    /// A key could not be encoded.
    #[error(transparent)]
    Key(#[from] crate::key::KeyError),
    /// The envelope's base64 is broken.
    #[error("malformed envelope: {0}")]
    Envelope(#[from] DecodeError),
    /// The payload is not a v1 certificate.
    #[error("the payload is not a valid certificate: {0}")]
    Payload(#[source] serde_json::Error),
    /// The bundle could not be written as JSON.
    #[error("cannot encode the bundle as JSON: {0}")]
    Encode(#[source] serde_json::Error),
}

/// `blake3:<hex>` over the RFC 8785 form of the audit document. A document that cannot be
/// canonicalised is an error, never the digest of nothing.
pub fn audit_digest(audit: &serde_json::Value) -> Result<String, JcsError> {
    let bytes = jcs::canonicalize(audit)?;
    Ok(format!("blake3:{}", blake3::hash(&bytes).to_hex()))
}

/// The JSON pointer of the first string in `value` that looks like a Windows product key
/// (five groups of five letters or digits separated by dashes), if any.
pub fn find_product_key(value: &serde_json::Value) -> Option<String> {
    fn walk(value: &serde_json::Value, pointer: &mut String) -> bool {
        match value {
            serde_json::Value::String(s) => looks_like_product_key(s),
            serde_json::Value::Array(items) => items.iter().enumerate().any(|(i, item)| {
                let len = pointer.len();
                pointer.push_str(&format!("/{i}"));
                let found = walk(item, pointer);
                if !found {
                    pointer.truncate(len);
                }
                found
            }),
            serde_json::Value::Object(map) => map.iter().any(|(key, item)| {
                let len = pointer.len();
                pointer.push('/');
                pointer.push_str(&key.replace('~', "~0").replace('/', "~1"));
                let found = walk(item, pointer);
                if !found {
                    pointer.truncate(len);
                }
                found
            }),
            _ => false,
        }
    }
    let mut pointer = String::new();
    walk(value, &mut pointer).then_some(pointer)
}

/// Five dash-separated groups of five letters/digits with at least one digit, none of them a
/// mask such as `XXXXX` (the audit's `key_masked` form `XXXXX-XXXXX-XXXXX-XXXXX-3V66T` is fine).
fn looks_like_product_key(s: &str) -> bool {
    s.split(|c: char| !(c.is_ascii_alphanumeric() || c == '-'))
        .any(|word| {
            let groups: Vec<&str> = word.split('-').collect();
            groups.len() == 5
                && groups
                    .iter()
                    .all(|g| g.len() == 5 && g.bytes().all(|b| b.is_ascii_alphanumeric()))
                && groups.iter().any(|g| g.bytes().any(|b| b.is_ascii_digit()))
                && !groups.iter().any(|g| g.eq_ignore_ascii_case("XXXXX"))
        })
}

impl Bundle {
    /// Sign `cert` with `key` and bundle it with `audit`.
    ///
    /// Checks first that `cert.machine.audit_digest` is the digest of `audit`, that
    /// `cert.station.key_fingerprint` names `key`, and that `audit` holds no Windows product
    /// key; the certificate is then written in RFC 8785 form and wrapped in a DSSE envelope.
    pub fn sign(
        cert: &Certificate,
        audit: serde_json::Value,
        key: &StationKey,
    ) -> Result<Bundle, BundleError> {
        if cert.schema_version != SCHEMA_VERSION {
            return Err(BundleError::SchemaVersion {
                found: cert.schema_version,
            });
        }
        let actual = audit_digest(&audit)?;
        if cert.machine.audit_digest != actual {
            return Err(BundleError::AuditDigest {
                claimed: cert.machine.audit_digest.clone(),
                actual,
            });
        }
        let public = key.public();
        if cert.station.key_fingerprint != public.fingerprint() {
            return Err(BundleError::StationKey {
                claimed: cert.station.key_fingerprint.clone(),
                actual: public.fingerprint(),
            });
        }
        if let Some(pointer) = find_product_key(&audit) {
            return Err(BundleError::ProductKeyInAudit { pointer });
        }
        let value =
            serde_json::to_value(cert).map_err(|e| BundleError::Jcs(JcsError::Serialize(e)))?;
        if let Some(pointer) = find_product_key(&value) {
            return Err(BundleError::ProductKeyInCertificate { pointer });
        }
        let payload = jcs::to_vec(cert)?;
        Ok(Bundle {
            format: BUNDLE_FORMAT.to_owned(),
            envelope: Envelope::sign(PAYLOAD_TYPE, &payload, key),
            station_key: public.to_pem()?,
            audit,
            receipt: None,
        })
    }

    /// Parse a bundle, with a distinct error for empty, truncated, non-JSON and
    /// wrongly shaped input.
    pub fn from_slice(bytes: &[u8]) -> Result<Bundle, BundleError> {
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Err(BundleError::Empty);
        }
        let bundle: Bundle = serde_json::from_slice(bytes).map_err(|source| {
            use serde_json::error::Category;
            match source.classify() {
                Category::Eof => BundleError::Truncated {
                    line: source.line(),
                    column: source.column(),
                    source,
                },
                Category::Syntax | Category::Io => BundleError::NotJson { source },
                Category::Data => BundleError::NotABundle { source },
            }
        })?;
        if bundle.format != BUNDLE_FORMAT {
            return Err(BundleError::UnknownFormat {
                found: bundle.format,
            });
        }
        Ok(bundle)
    }

    /// Read and parse a bundle file.
    pub fn read(path: &Path) -> Result<Bundle, BundleError> {
        let bytes = fs::read(path).map_err(|source| BundleError::Io {
            path: path.to_owned(),
            source,
        })?;
        Self::from_slice(&bytes)
    }

    /// The bundle as pretty JSON text with a final newline (the envelope inside keeps its
    /// exact base64).
    pub fn to_json_string(&self) -> Result<String, BundleError> {
        let mut out = serde_json::to_string_pretty(self).map_err(BundleError::Encode)?;
        out.push('\n');
        Ok(out)
    }

    /// As [`Bundle::to_json_string`], as bytes.
    pub fn to_json(&self) -> Result<Vec<u8>, BundleError> {
        self.to_json_string().map(String::into_bytes)
    }

    /// Write the bundle atomically: a temporary file in the same directory, fsync, rename
    /// over `path`, fsync the directory. A crash leaves either the old file or the new one.
    pub fn write_atomic(&self, path: &Path) -> Result<(), BundleError> {
        write_atomic(path, &self.to_json()?).map_err(|source| BundleError::Io {
            path: path.to_owned(),
            source,
        })
    }

    /// Write the bundle atomically as `dir/<id>.tabula.json` and return that path.
    pub fn write_into(&self, dir: &Path) -> Result<PathBuf, BundleError> {
        let path = dir.join(self.file_name()?);
        self.write_atomic(&path)?;
        Ok(path)
    }

    /// The certificate in the payload (decoded, not verified: use [`crate::verify`]).
    pub fn certificate(&self) -> Result<Certificate, BundleError> {
        let payload = self.envelope.payload_bytes()?;
        serde_json::from_slice(&payload).map_err(BundleError::Payload)
    }

    /// The certificate id (decoded, not verified).
    pub fn id(&self) -> Result<Uuid, BundleError> {
        Ok(self.certificate()?.id)
    }

    /// The transport file name `<id>.tabula.json`.
    pub fn file_name(&self) -> Result<String, BundleError> {
        Ok(self.certificate()?.file_name())
    }

    /// The SHA-256 of the envelope's RFC 8785 bytes, lower-case hex (a stable handle).
    pub fn envelope_sha256(&self) -> Result<String, BundleError> {
        use sha2::Digest;
        Ok(hex(&sha2::Sha256::digest(self.envelope.leaf_bytes()?)))
    }
}

/// Write `bytes` to `path` atomically (temporary file, fsync, rename, fsync directory).
pub fn write_atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_owned(),
        _ => PathBuf::from("."),
    };
    let name = path
        .file_name()
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "path has no file name"))?;
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let mut tmp_name = std::ffi::OsString::from(".");
    tmp_name.push(name);
    tmp_name.push(format!(
        ".tmp{}-{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    ));
    let tmp = dir.join(tmp_name);
    let result = (|| {
        let mut file = File::create(&tmp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        drop(file);
        fs::rename(&tmp, path)?;
        File::open(&dir)?.sync_all()
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}

/// The process id in the name of a temporary file [`write_atomic`] makes
/// (`.<name>.tmp<pid>-<n>`), or `None` if `path` is not named like one. A kill or power loss
/// between creating and renaming such a file leaves it behind; the owner's id tells whether it
/// is still being written.
pub fn atomic_temp_owner(path: &Path) -> Option<u32> {
    let name = path.file_name()?.to_str()?;
    let (_, tail) = name.strip_prefix('.')?.rsplit_once(".tmp")?;
    let (pid, n) = tail.split_once('-')?;
    n.parse::<u64>().ok()?;
    pid.parse().ok()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn product_keys_are_found() {
        let audit = json!({"os": {"notes": ["x", "key: ABCDE-12345-FGHIJ-67890-KLMNO"]}});
        assert_eq!(find_product_key(&audit).as_deref(), Some("/os/notes/1"));
        let clean = json!({"uuid": "4c4c4544-0042-3510-8052-b4c04f4a4e32", "serial": "ABCDE"});
        assert_eq!(find_product_key(&clean), None);
        let masked = json!({"licence": {"key_masked": "XXXXX-XXXXX-XXXXX-XXXXX-3V66T"}});
        assert_eq!(find_product_key(&masked), None);
    }

    #[test]
    fn audit_digest_ignores_key_order() {
        let a = json!({"a": 1, "b": [1, 2]});
        let b: serde_json::Value = serde_json::from_str(r#"{ "b": [1,2], "a": 1.0 }"#).unwrap();
        assert_eq!(audit_digest(&a).unwrap(), audit_digest(&b).unwrap());
        assert!(audit_digest(&a).unwrap().starts_with("blake3:"));
        assert_ne!(
            audit_digest(&a).unwrap(),
            audit_digest(&json!({"a": 2, "b": [1, 2]})).unwrap()
        );
    }

    #[test]
    fn file_errors_are_distinct() {
        assert!(matches!(Bundle::from_slice(b""), Err(BundleError::Empty)));
        assert!(matches!(
            Bundle::from_slice(br#"{"format": "tabula-bundle/1", "env"#),
            Err(BundleError::Truncated { .. })
        ));
        assert!(matches!(
            Bundle::from_slice(b"%PDF-1.7"),
            Err(BundleError::NotJson { .. })
        ));
        assert!(matches!(
            Bundle::from_slice(br#"{"hello": 1}"#),
            Err(BundleError::NotABundle { .. })
        ));
    }

    #[test]
    fn temp_files_name_their_owner() {
        let owner = |name: &str| atomic_temp_owner(Path::new(name));
        assert_eq!(owner("dir/.x.tabula.json.tmp4711-3"), Some(4711));
        assert_eq!(owner(".tabula.toml.tmp1-0"), Some(1));
        for other in [
            "x.tabula.json",
            ".x.tmp",
            ".x.tmp12",
            ".x.tmpab-1",
            "x.tmp12-1",
        ] {
            assert_eq!(owner(other), None, "{other}");
        }
    }

    #[test]
    fn write_atomic_replaces() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.json");
        write_atomic(&path, b"one").unwrap();
        write_atomic(&path, b"two").unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"two");
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
    }
}
