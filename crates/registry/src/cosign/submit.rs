//! One `add-checkpoint` exchange with a witness (C2SP tlog-witness, client side): send the
//! checkpoint with a consistency proof from the witness's last size, check the cosignature it
//! returns against the witness's configured key.

use reqwest::StatusCode;
use tabula_tlog::{CosignatureError, Hash};

use super::WitnessEndpoint;
use crate::witness::AddCheckpoint;

/// Why a witness did not cosign.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SubmitError {
    #[error("cannot reach the witness")]
    Unreachable(#[source] reqwest::Error),
    #[error("the witness last cosigned size {0}")]
    Conflict(u64),
    #[error("the witness answered {status}: {body}")]
    Refused { status: u16, body: String },
    #[error("the witness's answer has no valid cosignature by its configured key")]
    BadCosignature(#[source] CosignatureError),
    #[error(
        "the witness cosigned size {witness}, more than the log's {log}: the log was rolled back?"
    )]
    WitnessAhead { witness: u64, log: u64 },
    #[error("reading the log")]
    Store(#[from] crate::StoreError),
}

/// Send `note` (a signed checkpoint) with `proof` from `old`; return the witness's verified
/// cosignature line(s) for its configured key.
pub async fn submit(
    http: &reqwest::Client,
    witness: &WitnessEndpoint,
    old: u64,
    proof: Vec<Hash>,
    note: &str,
) -> Result<String, SubmitError> {
    let body = AddCheckpoint {
        old,
        proof,
        note: note.to_owned(),
    }
    .to_body();
    let resp = http
        .post(format!("{}/add-checkpoint", witness.url))
        .body(body)
        .send()
        .await
        .map_err(SubmitError::Unreachable)?;
    let status = resp.status();
    let text = resp.text().await.map_err(SubmitError::Unreachable)?;
    if status == StatusCode::CONFLICT
        && let Ok(size) = text.trim_end_matches('\n').parse()
    {
        return Err(SubmitError::Conflict(size));
    }
    if status != StatusCode::OK {
        return Err(SubmitError::Refused {
            status: status.as_u16(),
            body: text.chars().take(300).collect(),
        });
    }
    // Keep only this witness's lines (the spec says to ignore unknown keys), then verify them
    // as signatures on the checkpoint.
    let prefix = format!("\u{2014} {} ", witness.key.name());
    let lines: String = text
        .lines()
        .filter(|l| l.starts_with(&prefix))
        .map(|l| format!("{l}\n"))
        .collect();
    witness
        .key
        .verify(&format!("{note}{lines}"))
        .map_err(SubmitError::BadCosignature)?;
    Ok(lines)
}
