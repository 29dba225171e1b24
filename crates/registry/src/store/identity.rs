//! Which certificate an upload is. A certificate's identity is its signed payload, held by the
//! enrolled station whose key signed it; its id is that payload's handle. So an upload whose id
//! is already held is:
//!
//! - the same certificate (a replay) when the same station holds the same payload, however the
//!   unsigned parts of the envelope differed (the handler stores only the normalised envelope,
//!   and rows written before normalisation are compared by payload too);
//! - refused when another station's certificate holds the id;
//! - an id collision when the same station holds a different payload under that id.

use serde::Deserialize;
use sha2::{Digest, Sha256};
use sqlx::Row as _;
use sqlx::any::AnyRow;

use super::StoreError;
use super::append::AppendOutcome;
use super::certs::NewCertificate;

/// The columns [`Holder::from_row`] reads.
pub(super) const HOLDER_COLUMNS: &str = "id, station_id, station_name, receipt, bundle";

/// SHA-256 (hex) of an envelope's `payload` text: the handle of a signed payload. The text is
/// canonical standard base64 (the decoder accepts no other spelling), so one payload has one
/// digest.
pub fn payload_digest(payload_base64: &str) -> String {
    hex::encode(Sha256::digest(payload_base64.as_bytes()))
}

/// The stored certificate holding an id, as far as judging another upload needs it.
#[derive(Debug, Clone)]
pub(super) struct Holder {
    pub station_id: i64,
    pub station_name: String,
    pub payload_sha256: String,
    pub receipt: String,
}

#[derive(Deserialize)]
struct StoredBundle {
    envelope: StoredEnvelope,
}

#[derive(Deserialize)]
struct StoredEnvelope {
    payload: String,
}

impl Holder {
    /// A row of [`HOLDER_COLUMNS`]: its id and holder.
    pub fn from_row(row: &AnyRow) -> Result<(String, Holder), StoreError> {
        let bundle: String = row.try_get("bundle")?;
        let stored: StoredBundle = serde_json::from_str(&bundle)?;
        Ok((
            row.try_get("id")?,
            Holder {
                station_id: row.try_get("station_id")?,
                station_name: row.try_get("station_name")?,
                payload_sha256: payload_digest(&stored.envelope.payload),
                receipt: row.try_get("receipt")?,
            },
        ))
    }

    /// What an upload of `new` under this holder's id is.
    pub fn judge(&self, new: &NewCertificate) -> Result<AppendOutcome, StoreError> {
        Ok(
            match verdict(
                new,
                self.station_id,
                &self.station_name,
                &self.payload_sha256,
            ) {
                Verdict::Same => AppendOutcome::Replay(serde_json::from_str(&self.receipt)?),
                Verdict::OtherStation(station) => AppendOutcome::HeldByOtherStation { station },
                Verdict::Collision => AppendOutcome::IdCollision,
            },
        )
    }
}

/// How an upload relates to the certificate already holding its id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Verdict {
    Same,
    OtherStation(String),
    Collision,
}

/// Compare `new` with what holds its id (a stored row or an earlier request of a batch).
pub(super) fn verdict(
    new: &NewCertificate,
    station_id: i64,
    station_name: &str,
    payload_sha256: &str,
) -> Verdict {
    if new.station_id != station_id {
        Verdict::OtherStation(station_name.to_owned())
    } else if new.payload_sha256 != payload_sha256 {
        Verdict::Collision
    } else {
        Verdict::Same
    }
}

/// What an upload of `new` is when `earlier`, a request of the same batch, claims its id.
pub(super) fn verdict_within_batch(new: &NewCertificate, earlier: &NewCertificate) -> Verdict {
    verdict(
        new,
        earlier.station_id,
        &earlier.station_name,
        &earlier.payload_sha256,
    )
}
