//! Collecting witness cosignatures: after appends (debounced, off the upload path) one task per
//! configured witness sends the newest checkpoint with a consistency proof from the size the
//! witness last cosigned, verifies the cosignature against the witness's configured key and
//! stores it. `GET /api/v1/log/checkpoint/cosigned` serves the checkpoint with every stored
//! cosignature of it. A witness that is down is logged and retried; uploads never wait for it.

mod submit;

use std::sync::{Arc, Weak};
use std::time::Duration;

use tabula_tlog::{CosignatureVerifier, Sign};

pub use submit::SubmitError;

use crate::state::AppState;
use crate::store::{StoreError, StoredCosignature};

/// A witness the registry asks for cosignatures: `URL=VKEY` on the command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WitnessEndpoint {
    /// The witness's submission prefix (`/add-checkpoint` is appended).
    pub url: String,
    pub key: CosignatureVerifier,
}

impl WitnessEndpoint {
    /// Parse `URL=VKEY` (the URL ends at the first `=`).
    pub fn parse(arg: &str) -> Result<Self, String> {
        let (url, vkey) = arg
            .trim()
            .split_once('=')
            .ok_or_else(|| format!("{arg:?}: expected URL=VKEY"))?;
        if !(url.starts_with("http://") || url.starts_with("https://")) {
            return Err(format!(
                "{arg:?}: the witness URL must start with http(s)://"
            ));
        }
        let key = CosignatureVerifier::from_vkey(vkey)
            .map_err(|e| format!("{arg:?}: witness key {vkey:?}: {e}"))?;
        Ok(Self {
            url: url.trim_end_matches('/').to_owned(),
            key,
        })
    }
}

/// Which witnesses to ask, and how patiently.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Cosigning {
    pub witnesses: Vec<WitnessEndpoint>,
    /// Longest wait for one witness's answer.
    pub timeout: Duration,
    /// Quiet time after an append before asking (a burst of uploads makes one request).
    pub debounce: Duration,
    /// How often a witness that is behind (down, or refusing) is asked again.
    pub retry: Duration,
}

impl Default for Cosigning {
    fn default() -> Self {
        Self {
            witnesses: Vec::new(),
            timeout: Duration::from_secs(10),
            debounce: Duration::from_millis(500),
            retry: Duration::from_secs(30),
        }
    }
}

/// Start one collector task per witness. Each holds only a weak reference to the registry and
/// stops when the registry is dropped or its store closed.
pub(crate) fn spawn(state: &Arc<AppState>, cosigning: &Cosigning) {
    for witness in &cosigning.witnesses {
        let task = Collector {
            state: Arc::downgrade(state),
            witness: witness.clone(),
            timing: cosigning.clone(),
        };
        tokio::spawn(task.run());
    }
}

struct Collector {
    state: Weak<AppState>,
    witness: WitnessEndpoint,
    timing: Cosigning,
}

impl Collector {
    async fn run(self) {
        let Some(mut appends) = self.state.upgrade().map(|s| s.store.watch_appends()) else {
            return;
        };
        let http = match reqwest::Client::builder()
            .timeout(self.timing.timeout)
            .build()
        {
            Ok(c) => c,
            Err(e) => {
                tracing::error!(witness = %self.witness.url, error = %e, "no HTTP client for the witness");
                return;
            }
        };
        // The size this witness last cosigned, as far as this instance knows.
        let mut known = None;
        loop {
            {
                let Some(state) = self.state.upgrade() else {
                    return;
                };
                if state.store.is_closed() {
                    return;
                }
                if let Err(e) = self.round(&state, &http, &mut known).await {
                    tracing::warn!(
                        witness = %self.witness.url,
                        name = %self.witness.key.name(),
                        error = %crate::witness::error_chain(&e),
                        "witness did not cosign; will retry"
                    );
                }
            }
            match tokio::time::timeout(self.timing.retry, appends.changed()).await {
                Ok(Err(_)) => return, // the store is gone
                Ok(Ok(())) => {
                    tokio::time::sleep(self.timing.debounce).await;
                    appends.borrow_and_update();
                }
                Err(_) => {} // retry tick
            }
        }
    }

    /// Bring the witness up to the log's current checkpoint.
    async fn round(
        &self,
        state: &AppState,
        http: &reqwest::Client,
        known: &mut Option<u64>,
    ) -> Result<(), SubmitError> {
        let name = self.witness.key.name();
        let stored = match *known {
            Some(size) => size,
            None => state
                .store
                .cosignatures()
                .await?
                .iter()
                .find(|c| c.witness == name)
                .map_or(0, |c| c.size),
        };
        *known = Some(stored);
        let (cp, note) = state.store.checkpoint(&*state.signer).await?;
        if cp.size == 0 || cp.size == stored {
            return Ok(());
        }
        let mut old = stored;
        let mut retried = false;
        loop {
            if old > cp.size {
                return Err(SubmitError::WitnessAhead {
                    witness: old,
                    log: cp.size,
                });
            }
            let proof = if old == 0 || old == cp.size {
                Vec::new()
            } else {
                state.store.consistency_proof(old, cp.size).await?
            };
            match submit::submit(http, &self.witness, old, proof, &note).await {
                Ok(line) => {
                    state
                        .store
                        .record_cosignature(name, cp.size, &cp.body(), &line)
                        .await?;
                    *known = Some(cp.size);
                    tracing::info!(witness = %name, size = cp.size, "checkpoint cosigned");
                    return Ok(());
                }
                // The witness knows another size (another instance, or our record is behind):
                // try once more from there.
                Err(SubmitError::Conflict(size)) if !retried && size != old => {
                    retried = true;
                    old = size;
                }
                Err(e) => {
                    if let SubmitError::Conflict(size) = e {
                        *known = Some(size);
                    }
                    return Err(e);
                }
            }
        }
    }
}

/// The newest checkpoint any witness cosigned, signed by the log, with the cosignature lines of
/// every witness that cosigned that same checkpoint. `None` before the first cosignature.
pub fn cosigned_note(
    stored: &[StoredCosignature],
    signer: &dyn Sign,
) -> Result<Option<String>, StoreError> {
    let Some(newest) = stored.iter().max_by_key(|c| c.size) else {
        return Ok(None);
    };
    let mut note = tabula_tlog::sign_note(signer, &newest.body)?;
    for c in stored.iter().filter(|c| c.body == newest.body) {
        note.push_str(&c.line);
    }
    Ok(Some(note))
}
