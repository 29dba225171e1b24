//! A C2SP `tlog-witness` for Tabula registries (and any log that signs C2SP checkpoints with
//! Ed25519): `POST /add-checkpoint` verifies the log's signature and a consistency proof from
//! the last checkpoint it cosigned, records the new checkpoint durably, and answers with its
//! `cosignature/v1` line. It never cosigns a checkpoint that does not extend the one it holds,
//! so a log that rolls back or forks cannot collect its cosignature.
//!
//! Run by `tabula-registry witness`; see docs/registry.md ("Witnesses").

pub mod keyfile;
pub mod request;
pub mod state;

use std::collections::HashMap;
use std::future::Future;
use std::path::Path;
use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use tabula_tlog::{
    Checkpoint, CheckpointError, CosignatureSigner, NoteError, NoteVerifier, ProofError,
    verify_consistency,
};
use tokio::net::TcpListener;
use tokio::sync::Mutex;
use tower_http::trace::TraceLayer;

pub use request::AddCheckpoint;
pub use state::{LogHead, StateError, WitnessState};

/// Largest `add-checkpoint` body: 63 proof lines and a checkpoint with a few signatures.
const MAX_BODY: usize = 64 * 1024;

/// Why an `add-checkpoint` request is refused. Mapped to a status in [`AddError::into_response`]
/// and nowhere else.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum AddError {
    #[error("malformed request: {0}")]
    Malformed(String),
    #[error("unknown log origin {0:?}")]
    UnknownLog(String),
    #[error("the checkpoint's signature does not verify with the log's key")]
    BadLogSignature(#[source] CheckpointError),
    #[error("old size {old} does not match the latest cosigned size {latest}")]
    OldSizeMismatch { old: u64, latest: u64 },
    #[error("same size {size} as the latest cosigned checkpoint but another root hash")]
    RootMismatch { size: u64 },
    #[error("the consistency proof does not verify")]
    BadProof(#[source] ProofError),
    #[error("witness state")]
    State(#[from] StateError),
    #[error("cosigning")]
    Sign(#[source] NoteError),
}

impl IntoResponse for AddError {
    fn into_response(self) -> Response {
        let size_answer = |latest: u64| {
            (
                StatusCode::CONFLICT,
                [(header::CONTENT_TYPE, "text/x.tlog.size")],
                format!("{latest}\n"),
            )
                .into_response()
        };
        let status = match &self {
            Self::OldSizeMismatch { latest, .. } => return size_answer(*latest),
            Self::RootMismatch { size } => return size_answer(*size),
            Self::Malformed(_) => StatusCode::BAD_REQUEST,
            Self::UnknownLog(_) => StatusCode::NOT_FOUND,
            Self::BadLogSignature(_) => StatusCode::FORBIDDEN,
            Self::BadProof(_) => StatusCode::UNPROCESSABLE_ENTITY,
            Self::State(_) | Self::Sign(_) => {
                tracing::error!(error = %error_chain(&self), "witness failure");
                StatusCode::INTERNAL_SERVER_ERROR
            }
        };
        (
            status,
            [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
            format!("{}\n", error_chain(&self)),
        )
            .into_response()
    }
}

/// An error with its sources, `a: b: c`.
pub(crate) fn error_chain(e: &dyn std::error::Error) -> String {
    let mut s = e.to_string();
    let mut source = e.source();
    while let Some(err) = source {
        s.push_str(&format!(": {err}"));
        source = err.source();
    }
    s
}

/// A log the witness follows: `<origin> <vkey>` on the command line.
pub fn parse_log(arg: &str) -> Result<NoteVerifier, String> {
    let (origin, vkey) = arg
        .trim()
        .split_once(char::is_whitespace)
        .ok_or_else(|| format!("{arg:?}: expected \"<origin> <log vkey>\""))?;
    let key = NoteVerifier::from_vkey(vkey.trim())
        .map_err(|e| format!("{arg:?}: log key {:?}: {e}", vkey.trim()))?;
    if key.name() != origin {
        return Err(format!(
            "{arg:?}: the log key is named {:?}, not the origin {origin:?}",
            key.name()
        ));
    }
    Ok(key)
}

/// A witness: its key, the logs it follows, and its state.
#[derive(Debug, Clone)]
pub struct Witness {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    signer: CosignatureSigner,
    logs: HashMap<String, NoteVerifier>,
    /// Held from the old-size check to the persisted update: requests for one witness are
    /// checked and recorded one at a time, so none can roll another back.
    state: Mutex<WitnessState>,
}

impl Witness {
    /// A witness with key `signer` following `logs` (log verifier keys named by their origins),
    /// its state in `state_file` (created on the first cosignature).
    pub fn open(
        signer: CosignatureSigner,
        logs: Vec<NoteVerifier>,
        state_file: &Path,
    ) -> Result<Self, StateError> {
        let state = WitnessState::load(state_file)?;
        Ok(Self {
            inner: Arc::new(Inner {
                signer,
                logs: logs.into_iter().map(|k| (k.name().to_owned(), k)).collect(),
                state: Mutex::new(state),
            }),
        })
    }

    /// The witness's verifier key (`name+hash+base64(0x04||key)`).
    pub fn vkey(&self) -> String {
        self.inner.signer.verifier().to_vkey()
    }

    pub fn router(&self) -> Router {
        Router::new()
            .route("/add-checkpoint", post(add_checkpoint))
            .with_state(self.clone())
            .layer(TraceLayer::new_for_http())
    }

    /// Serve on a bound listener until `shutdown` completes, with the registry's connection
    /// timeouts (a witness is as exposed as the registry).
    pub async fn serve(
        &self,
        listener: TcpListener,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        crate::serve::serve(
            listener,
            self.router(),
            crate::Timeouts::default(),
            shutdown,
        )
        .await;
        Ok(())
    }

    /// Check a request and, if it passes, record the checkpoint and return the cosignature
    /// line(s).
    pub async fn add(&self, req: &AddCheckpoint, now: u64) -> Result<String, AddError> {
        let text = tabula_tlog::note::parse(&req.note)
            .map_err(|e| AddError::Malformed(format!("checkpoint note: {e}")))?
            .text;
        let body = Checkpoint::parse_body(text)
            .map_err(|e| AddError::Malformed(format!("checkpoint: {e}")))?;
        let log_key = self
            .inner
            .logs
            .get(&body.origin)
            .ok_or_else(|| AddError::UnknownLog(body.origin.clone()))?;
        let cp = Checkpoint::verify(&req.note, log_key).map_err(AddError::BadLogSignature)?;
        if req.old > cp.size {
            return Err(AddError::Malformed(format!(
                "old size {} is larger than the checkpoint's size {}",
                req.old, cp.size
            )));
        }
        let mut state = self.inner.state.lock().await;
        let latest = state.head(&cp.origin);
        let latest_size = latest.map_or(0, |h| h.size);
        if req.old != latest_size {
            return Err(AddError::OldSizeMismatch {
                old: req.old,
                latest: latest_size,
            });
        }
        match latest.filter(|h| h.size > 0) {
            None => {
                // Every tree extends the empty one: nothing to prove.
                if !req.proof.is_empty() {
                    return Err(AddError::BadProof(ProofError::WrongLength));
                }
            }
            Some(head) => {
                let root = head.root;
                if head.size == cp.size && root != cp.root {
                    tracing::warn!(origin = %cp.origin, note = %req.note, "fork: same size, other root");
                    return Err(AddError::RootMismatch { size: head.size });
                }
                if let Err(e) = verify_consistency(head.size, cp.size, &root, &cp.root, &req.proof)
                {
                    tracing::warn!(origin = %cp.origin, note = %req.note, error = %e, "inconsistent checkpoint");
                    return Err(AddError::BadProof(e));
                }
            }
        }
        let line = self
            .inner
            .signer
            .cosign(text, now)
            .map_err(AddError::Sign)?;
        state.commit(
            &cp.origin,
            LogHead {
                size: cp.size,
                root: cp.root,
                note: req.note.clone(),
            },
        )?;
        tracing::info!(origin = %cp.origin, size = cp.size, "cosigned");
        Ok(line)
    }
}

/// `POST /add-checkpoint`.
async fn add_checkpoint(State(witness): State<Witness>, body: Body) -> Result<String, AddError> {
    let bytes = axum::body::to_bytes(body, MAX_BODY)
        .await
        .map_err(|e| AddError::Malformed(format!("body: {e}")))?;
    let text =
        std::str::from_utf8(&bytes).map_err(|_| AddError::Malformed("body is not UTF-8".into()))?;
    let req = AddCheckpoint::parse(text).map_err(|e| AddError::Malformed(e.into()))?;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    witness.add(&req, now).await
}
