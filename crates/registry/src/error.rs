//! API errors and the one place where they become HTTP statuses and JSON bodies.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use crate::store::StoreError;

/// Everything a request can fail with. Each variant has its own stable `error` code in the JSON
/// body (`{"error": "...", "message": "..."}`), so scripts need not parse messages.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ApiError {
    #[error("request body is larger than the limit of {limit} bytes")]
    BodyTooLarge { limit: usize },
    #[error("request body could not be read: {0}")]
    BodyUnreadable(String),
    #[error("malformed JSON: {0}")]
    MalformedJson(#[from] serde_json::Error),
    #[error("malformed JSON: {0}")]
    MalformedBundle(#[source] tabula_certificate::BundleError),
    #[error("not a Tabula certificate bundle: {0}")]
    NotABundle(#[source] tabula_certificate::BundleError),
    #[error(
        "the audit document contains what looks like a Windows product key (at {pointer}); remove it before upload"
    )]
    ProductKeyInAudit { pointer: String },
    #[error("invalid request: {0}")]
    InvalidInput(String),
    /// A text field of an uploaded certificate the registry will not store (see
    /// `request::check_certificate_text`).
    #[error("certificate field {field} {problem}")]
    InvalidField { field: String, problem: String },
    #[error("unknown station: no enrolled station has key {fingerprint}")]
    UnknownStation { fingerprint: String },
    #[error("station {name} was revoked at {at}: its uploads are refused")]
    StationRevoked { name: String, at: String },
    #[error("certificate does not verify against the enrolled station key: {0}")]
    SignatureInvalid(#[source] tabula_certificate::VerifyError),
    #[error("certificate id {id} is already taken by a different certificate")]
    IdCollision { id: String },
    #[error(
        "certificate id {id} belongs to another station ({station}): a station cannot upload a certificate under an id another station's certificate holds"
    )]
    IdHeldByOtherStation { id: String, station: String },
    #[error("enrolment token is unknown")]
    UnknownEnrolToken,
    #[error("enrolment token was already used")]
    EnrolTokenUsed,
    #[error("this station was revoked before it enrolled")]
    EnrolRevoked,
    #[error("this key is already enrolled for another station")]
    KeyInUse,
    #[error("station name {0:?} is already taken")]
    StationExists(String),
    #[error("read-token name {0:?} is already taken")]
    TokenExists(String),
    #[error("authentication required: send a read token as 'Authorization: Bearer <token>'")]
    Unauthorized,
    #[error("authentication required: send the admin token as 'Authorization: Bearer <token>'")]
    AdminUnauthorized,
    #[error("this operation needs the admin token")]
    Forbidden,
    #[error(
        "the admin API is disabled: start the registry with TABULA_ADMIN_TOKEN or --admin-token-file"
    )]
    AdminDisabled,
    #[error("not found: {0}")]
    NotFound(String),
    #[error("storage error")]
    Store(#[from] StoreError),
    /// A failure on the registry's side that is not storage (no randomness, PDF rendering).
    #[error("internal error: {0}")]
    Internal(String),
}

impl ApiError {
    /// The status and machine-readable code of each error.
    pub fn status_and_code(&self) -> (StatusCode, &'static str) {
        use ApiError::*;
        match self {
            BodyTooLarge { .. } => (StatusCode::PAYLOAD_TOO_LARGE, "body_too_large"),
            BodyUnreadable(_) => (StatusCode::BAD_REQUEST, "body_unreadable"),
            MalformedJson(_) | MalformedBundle(_) => (StatusCode::BAD_REQUEST, "malformed_json"),
            ProductKeyInAudit { .. } => (StatusCode::UNPROCESSABLE_ENTITY, "product_key_in_audit"),
            NotABundle(_) => (StatusCode::UNPROCESSABLE_ENTITY, "not_a_bundle"),
            InvalidInput(_) => (StatusCode::BAD_REQUEST, "invalid_input"),
            InvalidField { .. } => (StatusCode::UNPROCESSABLE_ENTITY, "invalid_field"),
            UnknownStation { .. } => (StatusCode::FORBIDDEN, "unknown_station"),
            StationRevoked { .. } => (StatusCode::FORBIDDEN, "station_revoked"),
            SignatureInvalid(_) => (StatusCode::UNPROCESSABLE_ENTITY, "signature_invalid"),
            IdCollision { .. } => (StatusCode::CONFLICT, "id_collision"),
            IdHeldByOtherStation { .. } => (StatusCode::CONFLICT, "id_held_by_other_station"),
            UnknownEnrolToken => (StatusCode::FORBIDDEN, "unknown_enrolment_token"),
            EnrolTokenUsed => (StatusCode::CONFLICT, "enrolment_token_used"),
            EnrolRevoked => (StatusCode::FORBIDDEN, "station_revoked"),
            KeyInUse => (StatusCode::CONFLICT, "key_in_use"),
            StationExists(_) => (StatusCode::CONFLICT, "station_exists"),
            TokenExists(_) => (StatusCode::CONFLICT, "token_exists"),
            Unauthorized | AdminUnauthorized => (StatusCode::UNAUTHORIZED, "unauthorized"),
            Forbidden => (StatusCode::FORBIDDEN, "forbidden"),
            AdminDisabled => (StatusCode::FORBIDDEN, "admin_disabled"),
            NotFound(_) => (StatusCode::NOT_FOUND, "not_found"),
            Store(_) | Internal(_) => (StatusCode::INTERNAL_SERVER_ERROR, "internal"),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, code) = self.status_and_code();
        let message = match &self {
            ApiError::Store(e) => {
                // Log the detail, tell the client only that it was on our side.
                tracing::error!(error = %e, "storage error");
                "internal storage error; see the registry log".to_owned()
            }
            ApiError::Internal(e) => {
                tracing::error!(error = %e, "internal error");
                self.to_string()
            }
            other => other.to_string(),
        };
        let mut response = (
            status,
            axum::Json(serde_json::json!({"error": code, "message": message})),
        )
            .into_response();
        if status == StatusCode::UNAUTHORIZED {
            response.headers_mut().insert(
                axum::http::header::WWW_AUTHENTICATE,
                axum::http::HeaderValue::from_static("Bearer"),
            );
        }
        response
    }
}
