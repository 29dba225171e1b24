//! Station administration (admin token), enrolment (one-time token) and read tokens.

use axum::Json;
use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;

use super::read_body;
use crate::auth::{generate_token, token_hash};
use crate::error::ApiError;
use crate::request::{parse_enrolment, parse_name, valid_name};
use crate::state::Shared;
use crate::store::EnrolOutcome;

/// Create a station and its one-time enrolment token (shared by the API and the CLI).
pub async fn create_station(
    store: &crate::store::Store,
    name: &str,
) -> Result<(crate::store::StationRow, crate::auth::Secret), ApiError> {
    let name = valid_name(name)?;
    let token = generate_token()
        .map_err(|e| ApiError::Internal(format!("no randomness available: {e}")))?;
    let row = store
        .add_station(&name, &token_hash(token.expose()))
        .await?
        .ok_or(ApiError::StationExists(name))?;
    Ok((row, token))
}

/// Create a read token (shared by the API and the CLI).
pub async fn create_read_token(
    store: &crate::store::Store,
    name: &str,
) -> Result<crate::auth::Secret, ApiError> {
    let name = valid_name(name)?;
    let token = generate_token()
        .map_err(|e| ApiError::Internal(format!("no randomness available: {e}")))?;
    if !store
        .add_read_token(&name, &token_hash(token.expose()))
        .await?
    {
        return Err(ApiError::TokenExists(name));
    }
    Ok(token)
}

/// `POST /api/v1/stations {"name": ...}` (admin): the station and its enrolment token.
pub async fn add(
    State(state): State<Shared>,
    headers: HeaderMap,
    body: Body,
) -> Result<impl IntoResponse, ApiError> {
    state.access.require_admin(&headers)?;
    let name = parse_name(&read_body(body, state.max_body_bytes).await?)?;
    let (row, token) = create_station(&state.store, &name).await?;
    tracing::info!(station = %row.name, "station created");
    Ok((
        StatusCode::CREATED,
        Json(serde_json::json!({"station": row, "enrolment_token": token.expose()})),
    ))
}

/// `GET /api/v1/stations` (admin).
pub async fn list(
    State(state): State<Shared>,
    headers: HeaderMap,
) -> Result<impl IntoResponse, ApiError> {
    state.access.require_admin(&headers)?;
    Ok(Json(state.store.list_stations().await?))
}

/// `POST /api/v1/stations/{name}/revoke` (admin).
pub async fn revoke(
    State(state): State<Shared>,
    headers: HeaderMap,
    Path(name): Path<String>,
) -> Result<impl IntoResponse, ApiError> {
    state.access.require_admin(&headers)?;
    let name = valid_name(&name)?;
    let row = state
        .store
        .revoke_station(&name)
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("station {name:?}")))?;
    tracing::warn!(station = %row.name, "station revoked");
    Ok(Json(row))
}

/// `POST /api/v1/stations/enroll {"token", "public_key"}`: bind a station key to its
/// enrolment token. Answers with the station and the log's verifier key, so the station can pin
/// it for checking receipts.
pub async fn enroll(
    State(state): State<Shared>,
    body: Body,
) -> Result<impl IntoResponse, ApiError> {
    let enrolment = parse_enrolment(&read_body(body, state.max_body_bytes).await?)?;
    match state
        .store
        .enrol_station(
            &token_hash(enrolment.token.expose()),
            &enrolment.pem,
            &enrolment.key.fingerprint(),
        )
        .await?
    {
        EnrolOutcome::Enrolled(row) => {
            tracing::info!(station = %row.name, fingerprint = ?row.fingerprint, "station enrolled");
            Ok((
                StatusCode::CREATED,
                Json(serde_json::json!({
                    "station": row,
                    "log_origin": state.signer.name(),
                    "log_public_key": state.signer.verifier().to_vkey(),
                })),
            ))
        }
        EnrolOutcome::UnknownToken => Err(ApiError::UnknownEnrolToken),
        EnrolOutcome::AlreadyEnrolled => Err(ApiError::EnrolTokenUsed),
        EnrolOutcome::Revoked => Err(ApiError::EnrolRevoked),
        EnrolOutcome::KeyInUse => Err(ApiError::KeyInUse),
    }
}

/// `POST /api/v1/read-tokens {"name"}` (admin): a new read token for an auditor, shown once.
pub async fn add_read_token(
    State(state): State<Shared>,
    headers: HeaderMap,
    body: Body,
) -> Result<impl IntoResponse, ApiError> {
    state.access.require_admin(&headers)?;
    let name = parse_name(&read_body(body, state.max_body_bytes).await?)?;
    let token = create_read_token(&state.store, &name).await?;
    Ok((
        StatusCode::CREATED,
        Json(serde_json::json!({"name": name, "token": token.expose()})),
    ))
}

/// `POST /api/v1/read-tokens/{name}/revoke` (admin): the token stops working at once.
pub async fn revoke_read_token(
    State(state): State<Shared>,
    headers: HeaderMap,
    Path(name): Path<String>,
) -> Result<impl IntoResponse, ApiError> {
    state.access.require_admin(&headers)?;
    let name = valid_name(&name)?;
    if !state.store.revoke_read_token(&name).await? {
        return Err(ApiError::NotFound(format!("read token {name:?}")));
    }
    tracing::warn!(read_token = %name, "read token revoked");
    Ok(Json(serde_json::json!({"name": name, "revoked": true})))
}
