//! Server-rendered pages for auditors: search form, result list, certificate page with the
//! verdict (signature against the enrolled station key, inclusion in the transparency log),
//! drives, audit summary, and links to the JSON, the bundle and the PDF
//! (`/certificates/{id}/pdf`, rendered from the stored bundle by the certificate crate's PDF
//! renderer, the same as `tabula cert pdf`). Labels are German and English side by side. No
//! JavaScript, no front-end build.

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
use crate::store::{CertificateFilter, StoreError};
use tabula_certificate::{Bundle, PdfOptions, render_pdf, verify};

pub fn router() -> Router<Shared> {
    Router::new()
        .route("/", get(search_page))
        .route("/login", get(login_page).post(login))
        .route("/certificates/{id}", get(certificate_page))
        .route("/certificates/{id}/pdf", get(certificate_pdf))
}

/// Errors on pages are pages too (with the API's status codes).
fn error_page(err: ApiError) -> Response {
    let (status, _) = err.status_and_code();
    if status == StatusCode::UNAUTHORIZED {
        return (status, pages::login(None)).into_response();
    }
    let message = match &err {
        ApiError::Store(_) | ApiError::Internal(_) => {
            tracing::error!(error = %err, "page failed");
            "Interner Fehler / internal error".to_owned()
        }
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
    let valid = if state.access.is_admin_hash(&hash) {
        true
    } else {
        match state.store.read_token_valid(&hash).await {
            Ok(valid) => valid,
            Err(e) => return error_page(e.into()),
        }
    };
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

/// `GET /certificates/{id}/pdf`: the certificate's PDF, rendered from the stored bundle with its
/// receipt (the QR code links to the receipt's registry URL, else `--public-url`).
async fn certificate_pdf(
    State(state): State<Shared>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    let result = async {
        let row = crate::api::certificates::load(&state, &headers, &id).await?;
        let (bundle_json, _) = full_bundle(&row)?;
        let bytes = serde_json::to_vec(&bundle_json).map_err(StoreError::from)?;
        let bundle = Bundle::from_slice(&bytes)
            .map_err(|e| ApiError::Internal(format!("stored bundle {}: {e}", row.id)))?;
        // As `tabula cert pdf`: never render a certificate that does not verify.
        let verified = verify(&bundle, None).map_err(|e| {
            ApiError::Internal(format!("stored bundle {} does not verify: {e}", row.id))
        })?;
        let options = PdfOptions::for_bundle(&bundle, state.public_url.as_deref());
        let pdf = render_pdf(&verified.certificate, &options)
            .map_err(|e| ApiError::Internal(format!("rendering the PDF of {}: {e}", row.id)))?;
        Ok::<_, ApiError>((row.id, pdf))
    }
    .await;
    match result {
        Ok((id, pdf)) => (
            [
                (header::CONTENT_TYPE, "application/pdf".to_owned()),
                (
                    header::CONTENT_DISPOSITION,
                    format!("inline; filename=\"{id}.pdf\""),
                ),
            ],
            pdf,
        )
            .into_response(),
        Err(e) => error_page(e),
    }
}

async fn certificate_page(
    State(state): State<Shared>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    page(
        async {
            let row = crate::api::certificates::load(&state, &headers, &id).await?;
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
