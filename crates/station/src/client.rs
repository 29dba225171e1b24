//! HTTP client for the Tabula registry (`tabula enroll`, `tabula upload`,
//! `tabula verify --registry`): enrolment, upload, the log's checkpoint, key and proofs.
//! Error answers of the registry (`{"error": code, "message": ...}`) become [`Refused`].

use std::path::{Path, PathBuf};

use crate::transport::{TlsProblem, Transport, TransportError, tls_problem};
use serde::Deserialize;
use tabula_tlog::{CheckpointError, Hash, NoteError, NoteVerifier, Receipt, ReceiptError};

/// What talking to the registry, or checking what it answered, can fail with.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ClientError {
    #[error(transparent)]
    Transport(#[from] TransportError),
    #[error("cannot reach the registry at {base}")]
    Unreachable {
        base: String,
        #[source]
        source: reqwest::Error,
    },
    /// The registry did not answer in time (connecting or reading its answer).
    #[error("the registry at {base} did not answer in time")]
    Timeout {
        base: String,
        #[source]
        source: reqwest::Error,
    },
    #[error("TLS with the registry at {base}: {problem}")]
    Tls {
        base: String,
        problem: TlsProblem,
        #[source]
        source: reqwest::Error,
    },
    #[error(transparent)]
    Refused(#[from] Refused),
    #[error("registry answered {status}: {body}")]
    Unexpected { status: u16, body: String },
    #[error("reading the {what} from the registry")]
    Answer {
        what: &'static str,
        #[source]
        source: reqwest::Error,
    },
    #[error("{what:?} is not a log verifier key")]
    LogKey {
        what: String,
        #[source]
        source: NoteError,
    },
    #[error("reading log key file {}", path.display())]
    LogKeyFile {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("the bundle has no receipt: upload it with `tabula upload` first")]
    NoReceipt,
    #[error("the bundle's receipt is malformed")]
    MalformedReceipt(#[source] serde_json::Error),
    #[error("the registry's receipt does not verify")]
    Receipt(#[source] ReceiptError),
    #[error("the registry's current checkpoint does not verify with the log key")]
    Checkpoint(#[source] CheckpointError),
    #[error(
        "ROLLBACK: the registry's current tree (size {now}) is smaller than the receipt's tree head (size {then}): the log was rolled back or forked"
    )]
    Rollback { now: u64, then: u64 },
    #[error(
        "the registry's current tree is NOT consistent with the receipt's tree head (log rewritten?)"
    )]
    Inconsistent(#[source] ReceiptError),
    #[error("the certificate's signed payload cannot be read")]
    Leaf(#[source] tabula_certificate::jcs::JcsError),
}

impl ClientError {
    /// The registry read the request and said no in a way asking again will not change.
    pub fn is_permanent(&self) -> bool {
        match self {
            Self::Refused(r) => r.is_permanent(),
            Self::Unreachable { .. }
            | Self::Timeout { .. }
            | Self::Unexpected { .. }
            | Self::Answer { .. }
            | Self::Tls { .. } => false,
            _ => true,
        }
    }

    /// The network or the registry failed in a way that may pass: unreachable, a server error,
    /// a timeout or a rate limit.
    pub fn is_retryable(&self) -> bool {
        match self {
            Self::Unreachable { .. } | Self::Timeout { .. } | Self::Answer { .. } => true,
            Self::Refused(r) => !r.is_permanent(),
            Self::Unexpected { status, .. } => *status >= 500 || *status == 408 || *status == 429,
            _ => false,
        }
    }
}

type Result<T, E = ClientError> = std::result::Result<T, E>;

/// A registry at a base URL (`https://registry.example` or `http://127.0.0.1:8440`).
#[derive(Debug, Clone)]
pub struct RegistryClient {
    base: String,
    http: reqwest::blocking::Client,
}

/// What enrolment returns.
#[derive(Debug, Clone, Deserialize)]
pub struct Enrolment {
    pub station: EnrolledStation,
    pub log_origin: String,
    pub log_public_key: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct EnrolledStation {
    pub name: String,
    pub fingerprint: Option<String>,
}

/// An upload's answer.
#[derive(Debug, Clone)]
pub struct Uploaded {
    pub receipt: Receipt,
    /// The registry already had this certificate (same receipt as before).
    pub replay: bool,
}

#[derive(Debug, Deserialize)]
struct ProofAnswer {
    proof: Vec<Hash>,
}

impl RegistryClient {
    /// A client for the registry at `base`, connected as `transport` says (see
    /// [`crate::transport`]). The one client builder of `tabula enroll`, `tabula upload`,
    /// `tabula verify --registry` and the outbox.
    pub fn new(base: &str, transport: &Transport) -> Result<Self> {
        let (base, http) = transport.client(base)?;
        Ok(Self { base, http })
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    fn send(&self, req: reqwest::blocking::RequestBuilder) -> Result<reqwest::blocking::Response> {
        let resp = req.send().map_err(|source| {
            let base = self.base.clone();
            match tls_problem(&source) {
                Some(problem) => ClientError::Tls {
                    base,
                    problem,
                    source,
                },
                None if source.is_timeout() => ClientError::Timeout { base, source },
                None => ClientError::Unreachable { base, source },
            }
        })?;
        if resp.status().is_success() {
            return Ok(resp);
        }
        let status = resp.status();
        let body = resp.text().unwrap_or_default();
        #[derive(Deserialize)]
        struct ErrorBody {
            error: String,
            message: String,
        }
        match serde_json::from_str::<ErrorBody>(&body) {
            Ok(e) => Err(Refused {
                status: status.as_u16(),
                code: e.error,
                message: e.message,
            }
            .into()),
            Err(_) => Err(ClientError::Unexpected {
                status: status.as_u16(),
                body: body.chars().take(300).collect(),
            }),
        }
    }

    /// Enrol a station key with a one-time enrolment token.
    pub fn enroll(&self, token: &str, public_key_pem: &str) -> Result<Enrolment> {
        let resp = self.send(
            self.http
                .post(self.url("/api/v1/stations/enroll"))
                .json(&serde_json::json!({"token": token, "public_key": public_key_pem})),
        )?;
        resp.json().map_err(answer("enrolment answer"))
    }

    /// Whether the registry answers and its database is up (`/healthz`): the cheap request the
    /// TUI repeats in the background.
    pub fn health(&self) -> Result<()> {
        self.send(self.http.get(self.url("/healthz"))).map(drop)
    }

    /// Upload a bundle file's bytes.
    pub fn upload(&self, bundle_json: Vec<u8>) -> Result<Uploaded> {
        let resp = self.send(
            self.http
                .post(self.url("/api/v1/certificates"))
                .header(reqwest::header::CONTENT_TYPE, "application/json")
                .body(bundle_json),
        )?;
        let replay = resp.status() == reqwest::StatusCode::OK;
        let receipt = resp.json().map_err(answer("receipt"))?;
        Ok(Uploaded { receipt, replay })
    }

    /// The log's current signed checkpoint (note text).
    pub fn checkpoint(&self) -> Result<String> {
        self.send(self.http.get(self.url("/api/v1/log/checkpoint")))?
            .text()
            .map_err(answer("checkpoint"))
    }

    /// The newest checkpoint witnesses cosigned (note text with cosignature lines), or `None`
    /// when the registry has none (no witness configured or none answered yet).
    pub fn cosigned_checkpoint(&self) -> Result<Option<String>> {
        match self.send(self.http.get(self.url("/api/v1/log/checkpoint/cosigned"))) {
            Ok(resp) => resp.text().map(Some).map_err(answer("cosigned checkpoint")),
            Err(ClientError::Refused(r)) if r.status == 404 => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// The log's verifier key as the registry announces it.
    pub fn log_key(&self) -> Result<NoteVerifier> {
        let text = self
            .send(self.http.get(self.url("/api/v1/log/key")))?
            .text()
            .map_err(answer("log key"))?;
        NoteVerifier::from_vkey(text.trim()).map_err(|source| ClientError::LogKey {
            what: "the registry's log key".to_owned(),
            source,
        })
    }

    /// Consistency proof between two tree sizes.
    pub fn consistency(&self, first: u64, second: u64) -> Result<Vec<Hash>> {
        let a: ProofAnswer = self
            .send(self.http.get(self.url(&format!(
                "/api/v1/log/proof/consistency?first={first}&second={second}"
            ))))?
            .json()
            .map_err(answer("consistency proof"))?;
        Ok(a.proof)
    }
}

/// Where the log key that checks receipts came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum KeyTrust {
    /// Pinned by the station (`tabula enroll`, `[registry] log_key`, `--log-key`): a receipt
    /// that verifies with it proves inclusion in the log this station enrolled with.
    Pinned,
    /// Fetched from the same registry that issued the receipt (trust on first use): a receipt
    /// that verifies with it proves nothing against a registry that lies.
    FromRegistry,
}

/// A log verifier key and how far it can be trusted.
#[derive(Debug, Clone)]
pub struct LogKey {
    pub key: NoteVerifier,
    pub trust: KeyTrust,
}

impl LogKey {
    /// What a front end shows (and a station logs) when the key was not pinned.
    pub fn unpinned(&self, registry: &str) -> Option<Unpinned> {
        (self.trust == KeyTrust::FromRegistry).then(|| Unpinned {
            vkey: self.key.to_vkey(),
            registry: registry.to_owned(),
        })
    }
}

/// A log key fetched from the registry itself, not pinned (trust on first use); `Display` is
/// the English notice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unpinned {
    pub vkey: String,
    pub registry: String,
}

impl std::fmt::Display for Unpinned {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "the log key {} was fetched from {} itself (trust on first use): its receipts do not \
             prove inclusion in the log this station enrolled with; pin the key with `tabula \
             enroll` or --log-key",
            self.vkey, self.registry
        )
    }
}

/// The log key to check receipts with: the pinned one (`--log-key`: text or file) if given,
/// else the key the registry serves, trusted on first use ([`LogKey::unpinned`] says so).
pub fn resolve_log_key(client: &RegistryClient, pinned: Option<&str>) -> Result<LogKey> {
    Ok(match pinned {
        Some(k) => LogKey {
            key: load_log_key(k)?,
            trust: KeyTrust::Pinned,
        },
        None => LogKey {
            key: client.log_key()?,
            trust: KeyTrust::FromRegistry,
        },
    })
}

/// A log key given as `--log-key`: the verifier key text itself, or a file holding it.
pub fn load_log_key(arg: &str) -> Result<NoteVerifier> {
    let text = if Path::new(arg).is_file() {
        std::fs::read_to_string(arg).map_err(|source| ClientError::LogKeyFile {
            path: arg.into(),
            source,
        })?
    } else {
        arg.to_owned()
    };
    NoteVerifier::from_vkey(text.trim()).map_err(|source| ClientError::LogKey {
        what: arg.to_owned(),
        source,
    })
}

fn answer(what: &'static str) -> impl FnOnce(reqwest::Error) -> ClientError {
    move |source| ClientError::Answer { what, source }
}

/// The registry answered with one of its error documents (`{"error": code, "message": ...}`).
#[derive(Debug, thiserror::Error)]
#[error("registry refused ({status}, {code}): {message}")]
pub struct Refused {
    pub status: u16,
    pub code: String,
    pub message: String,
}

impl Refused {
    /// A client error that asking again will not change (a revoked station, a forged
    /// signature, an id collision); timeouts and rate limits are worth a retry.
    pub fn is_permanent(&self) -> bool {
        (400..500).contains(&self.status) && self.status != 408 && self.status != 429
    }
}

/// The outcome of checking a bundle's receipt against the registry's current tree.
#[derive(Debug, Clone)]
pub struct LogVerdict {
    pub leaf_index: u64,
    pub receipt_size: u64,
    pub current_size: u64,
}

/// Verify a receipt for `leaf_bytes` with `log_key`, then fetch the current checkpoint and a
/// consistency proof and check the current tree extends the receipt's tree head.
pub fn verify_receipt_online(
    client: &RegistryClient,
    receipt: &Receipt,
    leaf_bytes: &[u8],
    log_key: &NoteVerifier,
) -> Result<LogVerdict> {
    let old = receipt
        .verify(leaf_bytes, log_key)
        .map_err(ClientError::Receipt)?;
    let note = client.checkpoint()?;
    let now = tabula_tlog::Checkpoint::verify(&note, log_key).map_err(ClientError::Checkpoint)?;
    if now.size < old.size {
        // No consistency proof can exist (and the registry would refuse first > second).
        return Err(ClientError::Rollback {
            now: now.size,
            then: old.size,
        });
    }
    let proof = if now.size == old.size {
        Vec::new()
    } else {
        client.consistency(old.size, now.size)?
    };
    receipt
        .verify_consistent_with(&old, &now, &proof)
        .map_err(ClientError::Inconsistent)?;
    Ok(LogVerdict {
        leaf_index: receipt.leaf_index,
        receipt_size: old.size,
        current_size: now.size,
    })
}

/// `tabula verify --registry`: the registry connection and the log key to check receipts with.
#[derive(Debug)]
pub struct LogCheck {
    client: RegistryClient,
    log_key: LogKey,
}

impl LogCheck {
    /// Connect to `registry` as `transport` says; the log key is `--log-key` if given, else
    /// the one the registry announces (trust on first use: [`Self::unpinned`] says so).
    pub fn new(registry: &str, log_key: Option<&str>, transport: &Transport) -> Result<Self> {
        let client = RegistryClient::new(registry, transport)?;
        let log_key = resolve_log_key(&client, log_key)?;
        Ok(Self { client, log_key })
    }

    /// The key and the registry it came from, when the key was not pinned (trust on first
    /// use), for the front end's notice.
    pub fn unpinned(&self) -> Option<Unpinned> {
        self.log_key.unpinned(&self.client.base)
    }

    /// Check the registry's checkpoint (the cosigned one, with `policy`) against this client's
    /// view of the log in `state_dir`, and advance the view ([`crate::logview`]).
    pub fn check_head(
        &self,
        policy: Option<&tabula_tlog::WitnessPolicy>,
        state_dir: &Path,
    ) -> std::result::Result<crate::logview::HeadVerdict, crate::logview::LogViewError> {
        crate::logview::check_and_advance(&self.client, &self.log_key.key, policy, state_dir)
    }

    /// Check a bundle's receipt: inclusion in its tree head, and that the registry's current
    /// tree is consistent with that head.
    pub fn check(&self, bundle: &tabula_certificate::Bundle) -> Result<ReceiptCheck> {
        let receipt: Receipt =
            serde_json::from_value(bundle.receipt.clone().ok_or(ClientError::NoReceipt)?)
                .map_err(ClientError::MalformedReceipt)?;
        let leaf = bundle.envelope.leaf_bytes().map_err(ClientError::Leaf)?;
        let v = verify_receipt_online(&self.client, &receipt, &leaf, &self.log_key.key)?;
        Ok(ReceiptCheck {
            origin: receipt.log_origin,
            log: v,
        })
    }
}

/// A receipt that checked out: its log's origin and what was found there.
#[derive(Debug, Clone)]
pub struct ReceiptCheck {
    pub origin: String,
    pub log: LogVerdict,
}
