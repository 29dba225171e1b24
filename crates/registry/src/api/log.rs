//! The transparency log's public endpoints: checkpoint, key, inclusion and consistency proofs.
//! They reveal only hashes, so they need no token: anyone may monitor the log. What names a
//! certificate follows the certificate endpoints' read access (unless public read is on): an
//! inclusion proof looked up by `id` needs read access, and the `id` of the certificate at a
//! leaf index is in the answer only for readers.

use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, header};
use axum::response::IntoResponse;
use serde::Deserialize;
use tabula_tlog::Hash;

use crate::error::ApiError;
use crate::state::Shared;

/// `GET /api/v1/log/checkpoint`: the current signed checkpoint (C2SP tlog-checkpoint), as text.
pub async fn checkpoint(State(state): State<Shared>) -> Result<impl IntoResponse, ApiError> {
    let (cp, note) = state.store.checkpoint(&*state.signer).await?;
    state.metrics.set_log_size(cp.size);
    Ok(([(header::CONTENT_TYPE, "text/plain; charset=utf-8")], note))
}

/// `GET /api/v1/log/checkpoint/cosigned`: the newest checkpoint witnesses cosigned, with their
/// cosignature lines (C2SP tlog-cosignature), as text; 404 before the first cosignature.
pub async fn cosigned(State(state): State<Shared>) -> Result<impl IntoResponse, ApiError> {
    let stored = state.store.cosignatures().await?;
    let note = crate::cosign::cosigned_note(&stored, &*state.signer)?.ok_or_else(|| {
        ApiError::NotFound("cosigned checkpoint: no witness has cosigned the log yet".into())
    })?;
    Ok(([(header::CONTENT_TYPE, "text/plain; charset=utf-8")], note))
}

/// `GET /api/v1/log/key`: the log's note verifier key (`name+id+base64`), as text.
pub async fn key(State(state): State<Shared>) -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        format!("{}\n", state.signer.verifier().to_vkey()),
    )
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InclusionQuery {
    leaf_index: Option<u64>,
    id: Option<String>,
    tree_size: Option<u64>,
}

#[derive(Debug, serde::Serialize)]
struct InclusionProof {
    leaf_index: u64,
    tree_size: u64,
    leaf_hash: Hash,
    proof: Vec<Hash>,
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<String>,
}

/// `GET /api/v1/log/proof/inclusion?leaf_index=N|id=UUID[&tree_size=M]` (M defaults to the
/// current size).
pub async fn inclusion(
    State(state): State<Shared>,
    headers: HeaderMap,
    query: Result<Query<InclusionQuery>, QueryRejection>,
) -> Result<impl IntoResponse, ApiError> {
    let Query(q) = query.map_err(|e| ApiError::InvalidInput(e.body_text()))?;
    let current = state.store.log_size().await?;
    let (leaf_index, id) = match (q.leaf_index, q.id) {
        (Some(i), None) => {
            let id = if state.access.may_read(&headers, &state.store).await? {
                state.store.certificate_id_at(i).await?
            } else {
                None
            };
            (i, id)
        }
        (None, Some(id)) => {
            // Whether an id is in the log is certificate information.
            state.access.require_read(&headers, &state.store).await?;
            let id = crate::request::certificate_id(&id)?;
            let row = state
                .store
                .certificate(&id)
                .await?
                .ok_or_else(|| ApiError::NotFound(format!("certificate {id}")))?;
            (row.leaf_index, Some(id))
        }
        _ => {
            return Err(ApiError::InvalidInput(
                "give exactly one of leaf_index and id".into(),
            ));
        }
    };
    let tree_size = q.tree_size.unwrap_or(current);
    if tree_size > current || leaf_index >= tree_size {
        return Err(ApiError::InvalidInput(format!(
            "need leaf_index < tree_size <= {current} (the log's size), got leaf_index {leaf_index}, tree_size {tree_size}"
        )));
    }
    let (leaf_hash, proof) = state.store.inclusion_proof(leaf_index, tree_size).await?;
    Ok(Json(InclusionProof {
        leaf_index,
        tree_size,
        leaf_hash,
        proof,
        id,
    }))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConsistencyQuery {
    first: u64,
    second: Option<u64>,
}

/// `GET /api/v1/log/proof/consistency?first=N[&second=M]` (M defaults to the current size).
pub async fn consistency(
    State(state): State<Shared>,
    query: Result<Query<ConsistencyQuery>, QueryRejection>,
) -> Result<impl IntoResponse, ApiError> {
    let Query(q) = query.map_err(|e| ApiError::InvalidInput(e.body_text()))?;
    let current = state.store.log_size().await?;
    let second = q.second.unwrap_or(current);
    if q.first == 0 || q.first > second || second > current {
        return Err(ApiError::InvalidInput(format!(
            "need 0 < first <= second <= {current} (the log's size), got first {}, second {second}",
            q.first
        )));
    }
    let proof = state.store.consistency_proof(q.first, second).await?;
    Ok(Json(serde_json::json!({
        "first": q.first,
        "second": second,
        "proof": proof,
    })))
}
