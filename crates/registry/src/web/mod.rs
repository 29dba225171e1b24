//! Server-rendered pages for auditors: search form, result list, certificate page with the
//! verdict (signature against the enrolled station key, inclusion in the transparency log),
//! drives, audit summary, the chain of an interrupted and resumed wipe, and links to the JSON,
//! the bundle and the PDF
//! (`/certificates/{id}/pdf`, rendered from the stored bundle by the certificate crate's PDF
//! renderer, the same as `tabula cert pdf`). Labels are German and English side by side. No
//! JavaScript, no front-end build.

mod chain;
mod pages;
mod verdict;

use axum::Form;
use axum::Router;
use axum::extract::rejection::QueryRejection;
use pages::Outcome;
use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::net::SocketAddr;

use axum::Extension;
use axum::extract::{ConnectInfo, Path, Query, State};
use axum::http::{HeaderMap, StatusCode, Uri, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use maud::Markup;
use serde::Deserialize;

use crate::api::{full_bundle, run_search};
use crate::auth::token_hash;
use crate::error::ApiError;
use crate::session::{SESSION_COOKIE, SESSION_LIFETIME};
use crate::state::Shared;
use crate::store::{CertificateFilter, StoreError};
use tabula_certificate::{Bundle, PdfOptions, render_pdf, verify};

pub fn router() -> Router<Shared> {
    Router::new()
        .route("/", get(search_page))
        .route("/login", get(login_page).post(login))
        .route("/log", get(log_page))
        .route("/certificates/{id}", get(certificate_page))
        .route("/certificates/{id}/pdf", get(certificate_pdf))
}

/// Errors on pages are pages too (with the API's status codes). A page that needs read access
/// asks for the token and comes back to `uri` afterwards.
fn error_page(err: ApiError, uri: &Uri) -> Response {
    let (status, _) = err.status_and_code();
    if status == StatusCode::UNAUTHORIZED {
        let next = uri.path_and_query().map(|p| p.as_str());
        return (status, pages::login(None, next)).into_response();
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

fn page(result: Result<impl IntoResponse, ApiError>, uri: &Uri) -> Response {
    match result {
        Ok(markup) => markup.into_response(),
        Err(e) => error_page(e, uri),
    }
}

/// Where to go after signing in: a path on this site only (`/certificates/...`), never another
/// site (`//evil.example`, `https://...`) or something that is no path.
fn local_target(next: Option<&str>) -> &str {
    match next {
        Some(n)
            if n.starts_with('/')
                && !n.starts_with("//")
                && !n.contains('\\')
                && !n.chars().any(char::is_control) =>
        {
            n
        }
        _ => "/",
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
    uri: Uri,
    query: Result<Query<CertificateFilter>, QueryRejection>,
) -> Response {
    page(
        async {
            state.access.require_read(&headers, &state.store).await?;
            let Query(mut filter) = query.map_err(|e| ApiError::InvalidInput(e.body_text()))?;
            if !blank_to_none(&mut filter) {
                return Ok(pages::search(&filter, Outcome::Form, &state.zone).into_response());
            }
            let page = match run_search(&state, &filter).await {
                Ok(page) => page,
                // A search the registry cannot run (a too short id prefix, a bad date) keeps
                // the form, with the reason above where the results would be.
                Err(ApiError::InvalidInput(problem)) => {
                    let markup = pages::search(&filter, Outcome::Refused(&problem), &state.zone);
                    return Ok((StatusCode::BAD_REQUEST, markup).into_response());
                }
                Err(e) => return Err(e),
            };
            let mut verdicts = Vec::new();
            let mut stations = HashMap::new();
            for row in &page.items {
                if let Entry::Vacant(slot) = stations.entry(row.station_id) {
                    slot.insert(state.store.station_by_id(row.station_id).await?);
                }
                let (bundle_json, _) = full_bundle(row)?;
                let station = stations.get(&row.station_id).and_then(Option::as_ref);
                verdicts.push(verdict::judge(&state, row, &bundle_json, station).await?);
            }
            Ok(
                pages::search(&filter, Outcome::Results(&page, &verdicts), &state.zone)
                    .into_response(),
            )
        }
        .await,
        &uri,
    )
}

#[derive(Debug, Deserialize)]
struct NextQuery {
    next: Option<String>,
}

async fn login_page(Query(q): Query<NextQuery>) -> Markup {
    pages::login(None, Some(local_target(q.next.as_deref())))
}

#[derive(Debug, Deserialize)]
struct LoginForm {
    token: String,
    #[serde(default)]
    next: Option<String>,
}

/// `GET /log`: the transparency log for people: size, the signed checkpoint, the key, and how
/// to check it. Public, as the log's API is.
async fn log_page(State(state): State<Shared>, uri: Uri) -> Response {
    page(
        async {
            let (cp, note) = state.store.checkpoint(&*state.signer).await?;
            let verifier = state.signer.verifier();
            let verified = tabula_tlog::Checkpoint::verify(&note, &verifier).is_ok();
            Ok(pages::log(&cp, &note, &verifier.to_vkey(), verified))
        }
        .await,
        &uri,
    )
}

/// Check a read (or the admin) token and sign in: the cookie gets a random session id, never the
/// token. Failed attempts are logged with the client's address and throttled per address.
async fn login(
    State(state): State<Shared>,
    client: Option<Extension<ConnectInfo<SocketAddr>>>,
    Form(form): Form<LoginForm>,
) -> Response {
    let client = client.map(|Extension(ConnectInfo(addr))| addr.ip());
    if let Some(wait) = client.and_then(|ip| state.throttle.blocked(ip)) {
        tracing::warn!(client = ?client, "sign-in refused: too many failed attempts");
        return (
            StatusCode::TOO_MANY_REQUESTS,
            [(header::RETRY_AFTER, wait.as_secs().max(1).to_string())],
            pages::login(
                Some(
                    "Zu viele Fehlversuche, bitte später erneut / too many failed sign-ins, try again later",
                ),
                form.next.as_deref(),
            ),
        )
            .into_response();
    }
    let token = form.token.trim().to_owned();
    let hash = token_hash(&token);
    let valid = if state.access.is_admin_hash(&hash) {
        true
    } else {
        match state.store.read_token_valid(&hash).await {
            Ok(valid) => valid,
            Err(e) => return error_page(e.into(), &Uri::from_static("/login")),
        }
    };
    if !valid || token.is_empty() {
        let failures = client.map(|ip| state.throttle.failed(ip));
        tracing::warn!(client = ?client, failures = ?failures, "failed sign-in");
        return (
            StatusCode::UNAUTHORIZED,
            pages::login(Some("Token ungültig / invalid token"), form.next.as_deref()),
        )
            .into_response();
    }
    if let Some(ip) = client {
        state.throttle.succeeded(ip);
    }
    let session = match state.access.sessions.create(hash) {
        Ok(id) => id,
        Err(e) => {
            return error_page(
                ApiError::Internal(format!("no random session id: {e}")),
                &Uri::from_static("/login"),
            );
        }
    };
    let secure = state
        .public_url
        .as_deref()
        .is_some_and(|u| u.starts_with("https://"));
    let cookie = format!(
        "{SESSION_COOKIE}={session}; HttpOnly; SameSite=Strict; Path=/; Max-Age={}{}",
        SESSION_LIFETIME.as_secs(),
        if secure { "; Secure" } else { "" }
    );
    (
        [(header::SET_COOKIE, cookie)],
        Redirect::to(local_target(form.next.as_deref())),
    )
        .into_response()
}

/// `GET /certificates/{id}/pdf`: the certificate's PDF, rendered from the stored bundle with its
/// receipt (the QR code links to the receipt's registry URL, else `--public-url`).
async fn certificate_pdf(
    State(state): State<Shared>,
    headers: HeaderMap,
    uri: Uri,
    Path(id): Path<String>,
) -> Response {
    let result = async {
        let row = crate::api::certificates::load(&state, &headers, &id).await?;
        let (bundle_json, _) = full_bundle(&row)?;
        let bytes = serde_json::to_vec(&bundle_json).map_err(StoreError::from)?;
        let bundle = Bundle::from_slice(&bytes)
            .map_err(|e| ApiError::Internal(format!("stored bundle {}: {e}", row.id)))?;
        // Verifying and rendering a certificate with thousands of drives takes CPU time: on the
        // blocking pool, so /healthz and uploads are not stalled behind it.
        let public_url = state.public_url.clone();
        let id = row.id.clone();
        let pdf =
            tokio::task::spawn_blocking(move || render_verified_pdf(&id, &bundle, public_url))
                .await
                .map_err(|e| ApiError::Internal(format!("the PDF renderer stopped: {e}")))??;
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
        Err(e) => error_page(e, &uri),
    }
}

/// As `tabula cert pdf`: never render a certificate that does not verify.
fn render_verified_pdf(
    id: &str,
    bundle: &Bundle,
    public_url: Option<String>,
) -> Result<Vec<u8>, ApiError> {
    let verified = verify(bundle, None)
        .map_err(|e| ApiError::Internal(format!("stored bundle {id} does not verify: {e}")))?;
    let options = PdfOptions::for_bundle(bundle, public_url.as_deref());
    render_pdf(&verified.certificate, &options)
        .map_err(|e| ApiError::Internal(format!("rendering the PDF of {id}: {e}")))
}

async fn certificate_page(
    State(state): State<Shared>,
    headers: HeaderMap,
    uri: Uri,
    Path(id): Path<String>,
) -> Response {
    page(
        async {
            let row = crate::api::certificates::load(&state, &headers, &id).await?;
            let (bundle_json, _) = full_bundle(&row)?;
            let station = state.store.station_by_id(row.station_id).await?;
            let verdict = verdict::judge(&state, &row, &bundle_json, station.as_ref()).await?;
            let chain = chain::of(&state.store, &row).await?;
            Ok(pages::certificate(
                &row,
                &bundle_json,
                station.as_ref(),
                &verdict,
                &chain,
                &state.zone,
            ))
        }
        .await,
        &uri,
    )
}
