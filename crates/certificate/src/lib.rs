//! `tabula-certificate`: the signed certificate of a wipe, from schema to PDF.
//!
//! This crate owns the versioned certificate schema (v1, after NIST SP 800-88 Rev. 1
//! Appendix G), station keys (Ed25519 in PKCS#8/SPKI PEM, as OpenSSL reads them), RFC 8785
//! canonical JSON, DSSE envelopes, the transport bundle `<id>.tabula.json`, verification, the
//! plain export for auditors without Tabula, and the human-readable PDF.
//!
//! It does not wipe, audit or talk to the registry: the station maps its wipe result and audit
//! document into a [`Certificate`]; the registry stores bundles and adds the receipt, which
//! stays opaque JSON here. It depends on neither `tabula-wipe` nor `tabula-audit`, so
//! certificates outlive the engine's internals.
//!
//! ```
//! use tabula_certificate::{Bundle, Certificate, StationKey, audit_digest, verify};
//!
//! let key = StationKey::generate()?;
//! let audit = serde_json::json!({"system": {"vendor": "LENOVO"}});
//! let mut cert = Certificate::new();
//! cert.organisation = "Stadt Leipzig".into();
//! cert.station.key_fingerprint = key.public().fingerprint();
//! cert.machine.audit_digest = audit_digest(&audit)?;
//! let bundle = Bundle::sign(&cert, audit, &key)?;
//! let verified = verify(&bundle, Some(&key.public()))?;
//! assert_eq!(verified.certificate, cert);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![forbid(unsafe_code)]

pub mod bilingual;
mod bundle;
pub mod dsse;
mod erasure;
mod export;
pub mod jcs;
mod key;
mod local;
mod pdf;
pub mod sample;
mod schema;
pub mod text;
mod verify;

pub use bundle::{
    BUNDLE_FORMAT, Bundle, BundleError, atomic_temp_owner, audit_digest, find_product_key,
    write_atomic,
};
pub use dsse::Envelope;
pub use erasure::{Erasure, Shortfall};
pub use export::{ExportError, ExportedFiles, export};
pub use key::{
    KeyError, PRIVATE_KEY_FILE, PUBLIC_KEY_FILE, PublicKey, StationKey, read_secret_file,
    write_secret_file,
};
pub use local::{DEFAULT_TIME_ZONE, LocalZone, UnknownTimeZone};
pub use pdf::{PdfError, PdfOptions, render_pdf};
pub use schema::{
    CanaryCheck, Certificate, DriveRecord, ErrorRange, FirmwareCommand, FirmwareErase,
    HiddenAreaState, HiddenAreas, HiddenSectors, Machine, Method, NistCategory, PAYLOAD_TYPE,
    PassRecord, ProductKeyNote, SCHEMA_MINOR, SCHEMA_VERSION, Sampling, Station, Status,
    Verification, VerificationMode, VerificationOutcome, now_seconds,
};
pub use text::{human_bytes, render_text, render_text_with};
pub use verify::{KeySource, Verified, VerifyError, verify};
