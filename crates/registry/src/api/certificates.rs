//! Upload (verify, store, append, receipt), search and retrieval of certificates.

use axum::Json;
use axum::body::Body;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::IntoResponse;
use tabula_certificate::{Bundle, PublicKey, find_product_key, verify};
use tabula_tlog::{Receipt, leaf_hash};

use super::read_body;
use crate::error::ApiError;
use crate::request::{
    Upload, certificate_id, check_certificate_text, check_filter, normalise, normalise_bound,
    parse_upload,
};
use crate::state::{AppState, Shared};
use crate::store::{
    AppendOutcome, CertificateFilter, CertificateRow, NewCertificate, StoreError, now_text,
    payload_digest,
};
use crate::summary::Summary;

/// `POST /api/v1/certificates`: 201 with the receipt for a new certificate, 200 with the same
/// receipt for a replay: the same signed payload from the same station, however the parts
/// outside the signature (`keyid`, extra signatures, `station_key`, unknown fields, a receipt)
/// differ.
#[tracing::instrument(skip_all)]
pub async fn upload(
    State(state): State<Shared>,
    body: Body,
) -> Result<(StatusCode, Json<Receipt>), ApiError> {
    let outcome = accept(&state, body).await;
    let label = match &outcome {
        Ok((StatusCode::CREATED, _)) => "accepted",
        Ok(_) => "replay",
        Err(e) => e.status_and_code().1,
    };
    state.metrics.upload(label);
    match &outcome {
        Ok((status, receipt)) => tracing::info!(
            leaf_index = receipt.leaf_index,
            replay = *status == StatusCode::OK,
            "certificate accepted"
        ),
        Err(e) => tracing::warn!(error = %e, "upload refused"),
    }
    outcome.map(|(s, r)| (s, Json(r)))
}

async fn accept(state: &AppState, body: Body) -> Result<(StatusCode, Receipt), ApiError> {
    let Upload {
        bundle,
        certificate: cert,
    } = parse_upload(&read_body(body, state.max_body_bytes).await?)?;
    // Before any query: every value that reaches the database passes the text checks.
    check_certificate_text(&cert)?;
    let fingerprint = &cert.station.key_fingerprint;
    let station = state
        .store
        .station_by_fingerprint(fingerprint)
        .await?
        .ok_or_else(|| ApiError::UnknownStation {
            fingerprint: fingerprint.clone(),
        })?;
    if let Some(at) = &station.revoked_at {
        return Err(ApiError::StationRevoked {
            name: station.name,
            at: at.clone(),
        });
    }
    // Enrolment stores the key and its fingerprint together: a station found by fingerprint
    // without a usable key is a corrupt row, a registry fault, never a reason to guess.
    let (pem, key) = station
        .public_key
        .as_deref()
        .and_then(|pem| Some((pem, PublicKey::from_pem(pem).ok()?)))
        .ok_or(StoreError::Corrupt {
            what: "station public key",
        })?;
    // Only what the enrolled key signed decides which certificate this is: the stored bundle
    // and the log leaf are the normalised ones, so no copy altered outside the signature can
    // take the genuine upload's place.
    let bundle = normalise(&bundle, &key, pem)?;
    let cert = verify(&bundle, Some(&key))
        .map_err(ApiError::SignatureInvalid)?
        .certificate;
    if let Some(pointer) = find_product_key(&bundle.audit) {
        return Err(ApiError::ProductKeyInAudit { pointer });
    }
    let leaf = bundle
        .envelope
        .leaf_bytes()
        .map_err(|e| ApiError::InvalidInput(format!("envelope cannot be canonicalised: {e}")))?;
    let new = NewCertificate {
        id: cert.id.to_string(),
        leaf_hash: leaf_hash(&leaf),
        payload_sha256: payload_digest(&bundle.envelope.payload),
        station_id: station.id,
        // The enrolled station whose key signed it (authenticated), not the id the
        // certificate gives itself: auditors search by the name the registry vouches for.
        station_name: station.name.clone(),
        summary: Summary::of(&cert),
        bundle: bundle
            .to_json_string()
            .map_err(|e| ApiError::Internal(format!("encoding the bundle: {e}")))?,
    };
    match state
        .store
        .append_certificate(
            &new,
            &state.signer,
            &now_text(),
            state.public_url.as_deref(),
        )
        .await?
    {
        AppendOutcome::Appended(r) => Ok((StatusCode::CREATED, r)),
        AppendOutcome::Replay(r) => Ok((StatusCode::OK, r)),
        AppendOutcome::IdCollision => Err(ApiError::IdCollision { id: new.id }),
        AppendOutcome::HeldByOtherStation { station } => Err(ApiError::IdHeldByOtherStation {
            id: new.id,
            station,
        }),
    }
}

/// Run a search for the API and the web pages.
pub async fn run_search(
    state: &AppState,
    filter: &CertificateFilter,
) -> Result<crate::store::Page, ApiError> {
    check_filter(filter)?;
    let from = normalise_bound(filter.from.as_deref(), false)?;
    let to = normalise_bound(filter.to.as_deref(), true)?;
    let mut page = state.store.search(filter, from, to).await?;
    for row in &mut page.items {
        from_payload(row)?;
    }
    Ok(page)
}

/// `GET /api/v1/certificates?drive_serial=&machine_serial=&station=&organisation=&result=&from=&to=&limit=&cursor=`
pub async fn search(
    State(state): State<Shared>,
    headers: HeaderMap,
    query: Result<Query<CertificateFilter>, QueryRejection>,
) -> Result<impl IntoResponse, ApiError> {
    state.access.require_read(&headers, &state.store).await?;
    let Query(filter) = query.map_err(|e| ApiError::InvalidInput(e.body_text()))?;
    Ok(Json(run_search(&state, &filter).await?))
}

/// A stored certificate with its receipt put back into the bundle.
pub fn full_bundle(
    row: &CertificateRow,
) -> Result<(serde_json::Value, serde_json::Value), ApiError> {
    let mut bundle: serde_json::Value =
        serde_json::from_str(&row.bundle).map_err(crate::store::StoreError::from)?;
    let receipt: serde_json::Value =
        serde_json::from_str(&row.receipt).map_err(crate::store::StoreError::from)?;
    if let Some(obj) = bundle.as_object_mut() {
        obj.insert("receipt".into(), receipt.clone());
    }
    Ok((bundle, receipt))
}

/// Read access, then the stored certificate with id `id` (a UUID); the API and the web pages
/// both load certificates through here.
pub(crate) async fn load(
    state: &AppState,
    headers: &HeaderMap,
    id: &str,
) -> Result<CertificateRow, ApiError> {
    state.access.require_read(headers, &state.store).await?;
    let id = certificate_id(id)?;
    let mut row = state
        .store
        .certificate(&id)
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("certificate {id}")))?;
    from_payload(&mut row)?;
    Ok(row)
}

/// Show what the signed payload says, never what the summary columns say: replace the row's
/// summary with the payload's. Columns that disagree were changed behind the registry's back;
/// that is logged as an integrity alarm (`tabula-registry check` lists every such row). A
/// stored bundle that cannot be read is a corrupt row.
pub(crate) fn from_payload(row: &mut CertificateRow) -> Result<(), ApiError> {
    let cert = Bundle::from_slice(row.bundle.as_bytes())
        .and_then(|b| b.certificate())
        .map_err(|_| StoreError::Corrupt {
            what: "stored bundle",
        })?;
    let signed = Summary::of(&cert);
    let differ = signed.differences(&Summary::of_row(row));
    if !differ.is_empty() {
        tracing::error!(
            id = %row.id,
            columns = ?differ,
            "integrity alarm: stored summary columns differ from the signed payload"
        );
    }
    signed.apply_to(row);
    Ok(())
}

/// `GET /api/v1/certificates/{id}`: summary, station status, bundle (with receipt), receipt.
pub async fn detail(
    State(state): State<Shared>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<impl IntoResponse, ApiError> {
    let row = load(&state, &headers, &id).await?;
    let (bundle, receipt) = full_bundle(&row)?;
    let station = state.store.station_by_id(row.station_id).await?;
    Ok(Json(serde_json::json!({
        "certificate": row,
        "station": station.map(|s| serde_json::json!({
            "name": s.name, "fingerprint": s.fingerprint, "revoked_at": s.revoked_at,
        })),
        "receipt": receipt,
        "bundle": bundle,
    })))
}

/// `GET /api/v1/certificates/{id}/bundle`: the bundle file with its receipt, for `tabula verify`.
pub async fn bundle(
    State(state): State<Shared>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<impl IntoResponse, ApiError> {
    let row = load(&state, &headers, &id).await?;
    let (bundle, _) = full_bundle(&row)?;
    let mut body = serde_json::to_vec_pretty(&bundle).map_err(crate::store::StoreError::from)?;
    body.push(b'\n');
    Ok((
        [
            (header::CONTENT_TYPE, "application/json".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{}.tabula.json\"", row.id),
            ),
        ],
        body,
    ))
}
