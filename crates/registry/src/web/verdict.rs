//! The certificate page's verdict, recomputed on every view: the signature against the
//! station's enrolled key, the stored receipt, and inclusion in the log's current tree.

use tabula_certificate::{Bundle, Certificate, Erasure, PublicKey, verify};
use tabula_tlog::{Receipt, leaf_hash, verify_inclusion};

use crate::error::ApiError;
use crate::state::AppState;
use crate::store::{CertificateRow, StationRow};

/// One line of the verdict: passed or not, and what was checked.
#[derive(Debug, Clone)]
pub struct Check {
    pub ok: bool,
    pub text: String,
}

#[derive(Debug, Clone)]
pub struct Verdict {
    pub signature: Check,
    pub log: Check,
    pub certificate: Option<Certificate>,
    /// The erasure verdict of the certificate, only when its signature verified: the claims of
    /// a certificate that does not verify prove nothing.
    pub erasure: Option<Erasure>,
}

impl Verdict {
    /// Signature and log both check out (says nothing about the erasure).
    pub fn ok(&self) -> bool {
        self.signature.ok && self.log.ok
    }

    /// Signature, log and erasure all check out: the only case shown green.
    pub fn all_ok(&self) -> bool {
        self.ok() && self.erasure.as_ref().is_some_and(Erasure::is_complete)
    }
}

/// The erasure verdict of a stored certificate for the result list, from its bundle (which the
/// registry verified on upload); `None` when the stored bundle cannot be read.
pub fn row_erasure(row: &CertificateRow) -> Option<Erasure> {
    let bundle = Bundle::from_slice(row.bundle.as_bytes()).ok()?;
    bundle.certificate().ok().map(|c| Erasure::of(&c))
}

pub async fn judge(
    state: &AppState,
    row: &CertificateRow,
    bundle_json: &serde_json::Value,
    station: Option<&StationRow>,
) -> Result<Verdict, ApiError> {
    let bundle: Option<Bundle> = serde_json::to_vec(bundle_json)
        .ok()
        .and_then(|b| Bundle::from_slice(&b).ok());
    let key = station
        .and_then(|s| s.public_key.as_deref())
        .and_then(|pem| PublicKey::from_pem(pem).ok());
    let (signature, certificate) = match (&bundle, &key) {
        (Some(b), Some(k)) => match verify(b, Some(k)) {
            Ok(v) => (
                Check {
                    ok: true,
                    text: format!(
                        "Signatur gültig, Schlüssel der Station {} / signature valid, key of station {} ({})",
                        station.map_or("?", |s| s.name.as_str()),
                        station.map_or("?", |s| s.name.as_str()),
                        v.fingerprint
                    ),
                },
                Some(v.certificate),
            ),
            Err(e) => (
                Check {
                    ok: false,
                    text: format!("Signatur ungültig / signature invalid: {e}"),
                },
                b.certificate().ok(),
            ),
        },
        _ => (
            Check {
                ok: false,
                text: "Zertifikat oder Stationsschlüssel nicht lesbar / certificate or station key unreadable".into(),
            },
            None,
        ),
    };
    let log = log_check(state, row, bundle.as_ref()).await?;
    let erasure = certificate
        .as_ref()
        .filter(|_| signature.ok)
        .map(Erasure::of);
    Ok(Verdict {
        signature,
        log,
        certificate,
        erasure,
    })
}

async fn log_check(
    state: &AppState,
    row: &CertificateRow,
    bundle: Option<&Bundle>,
) -> Result<Check, ApiError> {
    let fail = |text: String| Check { ok: false, text };
    let Some(bundle) = bundle else {
        return Ok(fail("Bündel nicht lesbar / bundle unreadable".into()));
    };
    let Ok(leaf) = bundle.envelope.leaf_bytes() else {
        return Ok(fail(
            "Umschlag nicht kanonisierbar / envelope cannot be canonicalised".into(),
        ));
    };
    let receipt: Receipt = match serde_json::from_str(&row.receipt) {
        Ok(r) => r,
        Err(e) => return Ok(fail(format!("Quittung unlesbar / receipt unreadable: {e}"))),
    };
    if let Err(e) = receipt.verify(&leaf, &state.signer.verifier()) {
        return Ok(fail(format!("Quittung ungültig / receipt invalid: {e}")));
    }
    let size = state.store.log_size().await?;
    let root = state.store.root(size).await?;
    let (stored_leaf, proof) = state.store.inclusion_proof(row.leaf_index, size).await?;
    if stored_leaf != leaf_hash(&leaf) {
        return Ok(fail(
            "Logeintrag gehört zu einem anderen Umschlag / log entry belongs to another envelope"
                .into(),
        ));
    }
    match verify_inclusion(row.leaf_index, size, &stored_leaf, &proof, &root) {
        Ok(()) => Ok(Check {
            ok: true,
            text: format!(
                "Im Transparenzlog enthalten: Eintrag #{} von {} / included in the transparency log: entry #{} of {}",
                row.leaf_index, size, row.leaf_index, size
            ),
        }),
        Err(e) => Ok(fail(format!(
            "Nicht im Log nachweisbar / inclusion not proven: {e}"
        ))),
    }
}
