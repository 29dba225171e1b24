//! Server-rendered pages for auditors: search form, result list, certificate page with the
//! verdict (signature against the enrolled station key, inclusion in the transparency log),
//! drives, audit summary, and links to the JSON, the bundle and the PDF. Labels are German and
//! English side by side. No JavaScript, no front-end build.

mod pages;
mod verdict;

use axum::Form;
use axum::Router;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use maud::Markup;
use serde::Deserialize;

use crate::api::{full_bundle, run_search};
use crate::auth::{READ_COOKIE, token_hash};
use crate::error::ApiError;
use crate::state::Shared;
use crate::store::CertificateFilter;

pub fn router() -> Router<Shared> {
    Router::new()
        .route("/", get(search_page))
        .route("/login", get(login_page).post(login))
        .route("/certificates/{id}", get(certificate_page))
}

/// Errors on pages are pages too (with the API's status codes).
fn error_page(err: ApiError) -> Response {
    let (status, _) = err.status_and_code();
    if status == StatusCode::UNAUTHORIZED {
        return (status, pages::login(None)).into_response();
    }
    let message = match &err {
        ApiError::Store(_) => "Interner Fehler / internal error".to_owned(),
        other => other.to_string(),
    };
    (status, pages::error(status.as_u16(), &message)).into_response()
}

fn page(result: Result<Markup, ApiError>) -> Response {
    match result {
        Ok(markup) => markup.into_response(),
        Err(e) => error_page(e),
    }
}

/// Form fields arrive as empty strings when left blank.
fn blank_to_none(f: &mut CertificateFilter) -> bool {
    let mut any = false;
    for field in [
        &mut f.id,
        &mut f.drive_serial,
        &mut f.machine_serial,
        &mut f.station,
        &mut f.organisation,
        &mut f.result,
        &mut f.from,
        &mut f.to,
    ] {
        if field.as_deref().is_some_and(|v| v.trim().is_empty()) {
            *field = None;
        }
        any |= field.is_some();
    }
    any
}

async fn search_page(
    State(state): State<Shared>,
    headers: HeaderMap,
    query: Result<Query<CertificateFilter>, QueryRejection>,
) -> Response {
    page(
        async {
            state.access.require_read(&headers, &state.store).await?;
            let Query(mut filter) = query.map_err(|e| ApiError::InvalidInput(e.body_text()))?;
            let results = if blank_to_none(&mut filter) {
                Some(run_search(&state, &filter).await?)
            } else {
                None
            };
            Ok(pages::search(&filter, results.as_ref()))
        }
        .await,
    )
}

async fn login_page() -> Markup {
    pages::login(None)
}

#[derive(Debug, Deserialize)]
struct LoginForm {
    token: String,
}

/// Check a read token and keep it in an HttpOnly cookie for the pages.
async fn login(State(state): State<Shared>, Form(form): Form<LoginForm>) -> Response {
    let token = form.token.trim().to_owned();
    let hash = token_hash(&token);
    let admin = state
        .access
        .admin_token_hash
        .as_deref()
        .is_some_and(|h| h == hash);
    let valid = admin || state.store.read_token_valid(&hash).await.unwrap_or(false);
    if !valid || token.is_empty() || !token.bytes().all(|b| b.is_ascii_graphic()) {
        return (
            StatusCode::UNAUTHORIZED,
            pages::login(Some("Token ungültig / invalid token")),
        )
            .into_response();
    }
    (
        [(
            header::SET_COOKIE,
            format!("{READ_COOKIE}={token}; HttpOnly; SameSite=Strict; Path=/"),
        )],
        Redirect::to("/"),
    )
        .into_response()
}

async fn certificate_page(
    State(state): State<Shared>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    page(
        async {
            state.access.require_read(&headers, &state.store).await?;
            let id = id.trim().to_lowercase();
            if uuid::Uuid::parse_str(&id).is_err() {
                return Err(ApiError::InvalidInput(format!(
                    "{id:?} ist keine Zertifikats-ID / is not a certificate id"
                )));
            }
            let row = state
                .store
                .certificate(&id)
                .await?
                .ok_or_else(|| ApiError::NotFound(format!("certificate {id}")))?;
            let (bundle_json, _) = full_bundle(&row)?;
            let station = state.store.station_by_id(row.station_id).await?;
            let verdict = verdict::judge(&state, &row, &bundle_json, station.as_ref()).await?;
            Ok(pages::certificate(
                &row,
                &bundle_json,
                station.as_ref(),
                &verdict,
            ))
        }
        .await,
    )
}
