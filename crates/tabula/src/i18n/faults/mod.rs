//! The errors of the certificate and audit crates in words: why a bundle does not read
//! (`tabula_certificate::BundleError`) or verify (`tabula_certificate::VerifyError`), why a key
//! file is refused (`tabula_certificate::KeyError`), why fitness rules do not load
//! (`tabula_audit::RulesError`). English is the crates' own `Display` (`None`
//! here); a worded error includes what its sources say. A block of its own.

pub mod de;

use tabula_audit::RulesError;
use tabula_certificate::{BundleError, KeyError, VerifyError};

/// Each returns `None` where the crate's own words stand.
#[derive(Debug)]
pub struct Faults {
    pub bundle: fn(&BundleError) -> Option<String>,
    pub verify: fn(&VerifyError) -> Option<String>,
    pub key: fn(&KeyError) -> Option<String>,
    pub rules: fn(&RulesError) -> Option<String>,
}

pub const EN: Faults = Faults {
    bundle: |_| None,
    verify: |_| None,
    key: |_| None,
    rules: |_| None,
};

/// An error of reading or verifying a bundle in the current language, with its sources.
pub fn certificate(err: &anyhow::Error) -> String {
    let f = &super::t().faults;
    err.downcast_ref::<VerifyError>()
        .and_then(f.verify)
        .or_else(|| err.downcast_ref::<BundleError>().and_then(f.bundle))
        .unwrap_or_else(|| err.to_string())
}

/// `cause` in the current language if the block words it (with its sources).
pub fn localized(cause: &(dyn std::error::Error + 'static)) -> Option<String> {
    let f = &super::t().faults;
    if let Some(e) = cause.downcast_ref::<VerifyError>() {
        return (f.verify)(e);
    }
    if let Some(e) = cause.downcast_ref::<BundleError>() {
        return (f.bundle)(e);
    }
    if let Some(e) = cause.downcast_ref::<KeyError>() {
        return (f.key)(e);
    }
    (f.rules)(cause.downcast_ref::<RulesError>()?)
}
