//! The JSON API (`/api/v1/...`), `/healthz` and `/metrics`. Handlers are plain async functions;
//! every failure is an [`ApiError`], mapped to a status in `error.rs`.

pub(crate) mod certificates;
mod log;
mod stations;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use axum::routing::{get, post};

use crate::error::ApiError;
use crate::state::Shared;

pub fn router() -> Router<Shared> {
    Router::new()
        .route(
            "/api/v1/certificates",
            post(certificates::upload).get(certificates::search),
        )
        .route("/api/v1/certificates/{id}", get(certificates::detail))
        .route(
            "/api/v1/certificates/{id}/bundle",
            get(certificates::bundle),
        )
        .route("/api/v1/log/checkpoint", get(log::checkpoint))
        .route("/api/v1/log/checkpoint/cosigned", get(log::cosigned))
        .route("/api/v1/log/key", get(log::key))
        .route("/api/v1/log/proof/inclusion", get(log::inclusion))
        .route("/api/v1/log/proof/consistency", get(log::consistency))
        .route("/api/v1/stations", post(stations::add).get(stations::list))
        .route("/api/v1/stations/enroll", post(stations::enroll))
        .route("/api/v1/stations/{name}/revoke", post(stations::revoke))
        .route("/api/v1/read-tokens", post(stations::add_read_token))
        .route(
            "/api/v1/read-tokens/{name}/revoke",
            post(stations::revoke_read_token),
        )
        .route("/healthz", get(healthz))
        .route("/metrics", get(metrics))
}

/// Read a request body up to `limit` bytes, with a JSON 413 when it is larger.
pub(crate) async fn read_body(body: Body, limit: usize) -> Result<Bytes, ApiError> {
    axum::body::to_bytes(body, limit).await.map_err(|e| {
        let mut source: Option<&(dyn std::error::Error + 'static)> = Some(&e);
        while let Some(err) = source {
            if err.to_string().contains("length limit exceeded") {
                return ApiError::BodyTooLarge { limit };
            }
            source = err.source();
        }
        ApiError::BodyUnreadable(e.to_string())
    })
}

async fn healthz(State(state): State<Shared>) -> Result<impl IntoResponse, ApiError> {
    state.store.ping().await?;
    Ok(axum::Json(serde_json::json!({"status": "ok"})))
}

async fn metrics(State(state): State<Shared>) -> Result<impl IntoResponse, ApiError> {
    state.metrics.set_log_size(state.store.log_size().await?);
    Ok((
        StatusCode::OK,
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        state.metrics.render(),
    ))
}

pub(crate) use certificates::{full_bundle, run_search};
pub(crate) use stations::{create_read_token, create_station};
