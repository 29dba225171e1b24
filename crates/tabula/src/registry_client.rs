//! HTTP client for the Tabula registry (`tabula enroll`, `tabula upload`,
//! `tabula verify --registry`): enrolment, upload, the log's checkpoint, key and proofs.
//! Error answers of the registry (`{"error": code, "message": ...}`) become readable errors.

use std::time::Duration;

use anyhow::{Context as _, Result, anyhow, bail};
use serde::Deserialize;
use tabula_tlog::{Hash, NoteVerifier, Receipt};

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
    /// A client that also trusts the CA certificate(s) in the PEM file `ca_file` (a registry
    /// behind a private CA, `[registry] ca_file` in tabula.toml or `--ca-file`). The one client
    /// builder of `tabula enroll`, `tabula upload`, `tabula verify --registry` and the outbox.
    pub fn with_ca(base: &str, ca_file: Option<&std::path::Path>) -> Result<Self> {
        let base = base.trim().trim_end_matches('/').to_owned();
        if !(base.starts_with("http://") || base.starts_with("https://")) {
            bail!("registry URL {base:?} must start with http:// or https://");
        }
        let mut builder = reqwest::blocking::Client::builder()
            .timeout(Duration::from_secs(60))
            .user_agent(concat!("tabula/", env!("CARGO_PKG_VERSION")));
        if let Some(path) = ca_file {
            let pem = std::fs::read(path)
                .with_context(|| format!("reading CA file {}", path.display()))?;
            for cert in reqwest::Certificate::from_pem_bundle(&pem)
                .with_context(|| format!("{} holds no PEM certificate", path.display()))?
            {
                builder = builder.add_root_certificate(cert);
            }
        }
        let http = builder.build().context("building the HTTP client")?;
        Ok(Self { base, http })
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    fn send(&self, req: reqwest::blocking::RequestBuilder) -> Result<reqwest::blocking::Response> {
        let resp = req
            .send()
            .with_context(|| format!("cannot reach the registry at {}", self.base))?;
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
            Err(_) => Err(anyhow!(
                "registry answered {status}: {}",
                body.chars().take(300).collect::<String>()
            )),
        }
    }

    /// Enrol a station key with a one-time enrolment token.
    pub fn enroll(&self, token: &str, public_key_pem: &str) -> Result<Enrolment> {
        let resp = self.send(
            self.http
                .post(self.url("/api/v1/stations/enroll"))
                .json(&serde_json::json!({"token": token, "public_key": public_key_pem})),
        )?;
        resp.json().context("reading the enrolment answer")
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
        let receipt = resp.json().context("reading the receipt")?;
        Ok(Uploaded { receipt, replay })
    }

    /// The log's current signed checkpoint (note text).
    pub fn checkpoint(&self) -> Result<String> {
        self.send(self.http.get(self.url("/api/v1/log/checkpoint")))?
            .text()
            .context("reading the checkpoint")
    }

    /// The log's verifier key as the registry announces it.
    pub fn log_key(&self) -> Result<NoteVerifier> {
        let text = self
            .send(self.http.get(self.url("/api/v1/log/key")))?
            .text()
            .context("reading the log key")?;
        NoteVerifier::from_vkey(text.trim()).context("the registry's log key is malformed")
    }

    /// Consistency proof between two tree sizes.
    pub fn consistency(&self, first: u64, second: u64) -> Result<Vec<Hash>> {
        let a: ProofAnswer = self
            .send(self.http.get(self.url(&format!(
                "/api/v1/log/proof/consistency?first={first}&second={second}"
            ))))?
            .json()
            .context("reading the consistency proof")?;
        Ok(a.proof)
    }
}

/// The log key to check receipts with: the pinned one (`--log-key`: text or file) if given,
/// else the key the registry serves, trusted on first use (a one-line notice on stderr says so).
pub fn resolve_log_key(client: &RegistryClient, pinned: Option<&str>) -> Result<NoteVerifier> {
    if let Some(k) = pinned {
        return load_log_key(k);
    }
    let key = client.log_key()?;
    eprintln!(
        "note: no --log-key given: trusting the log key {} served by {} (trust on first use)",
        key.to_vkey(),
        client.base
    );
    Ok(key)
}

/// A log key given as `--log-key`: the verifier key text itself, or a file holding it.
pub fn load_log_key(arg: &str) -> Result<NoteVerifier> {
    let text = if std::path::Path::new(arg).is_file() {
        std::fs::read_to_string(arg).with_context(|| format!("reading log key file {arg}"))?
    } else {
        arg.to_owned()
    };
    NoteVerifier::from_vkey(text.trim())
        .with_context(|| format!("{arg:?} is not a log verifier key"))
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
        .context("the receipt does not prove inclusion")?;
    let note = client.checkpoint()?;
    let now = tabula_tlog::Checkpoint::verify(&note, log_key)
        .context("the registry's current checkpoint does not verify with the log key")?;
    if now.size < old.size {
        // No consistency proof can exist (and the registry would refuse first > second).
        bail!(
            "ROLLBACK: the registry's current tree (size {}) is smaller than the receipt's tree head (size {}): the log was rolled back or forked",
            now.size,
            old.size
        );
    }
    let proof = if now.size == old.size {
        Vec::new()
    } else {
        client.consistency(old.size, now.size)?
    };
    receipt
        .verify_consistent_with(&old, &now, &proof)
        .context("the registry's current tree is NOT consistent with the receipt's tree head (log rewritten?)")?;
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
    log_key: NoteVerifier,
}

impl LogCheck {
    /// Connect to `registry` (trusting `ca_file` too); the log key is `--log-key` if given, else
    /// the one the registry announces (trust on first use: say so).
    pub fn new(
        registry: &str,
        log_key: Option<&str>,
        ca_file: Option<&std::path::Path>,
    ) -> Result<Self> {
        let client = RegistryClient::with_ca(registry, ca_file)?;
        let log_key = resolve_log_key(&client, log_key)?;
        Ok(Self { client, log_key })
    }

    /// Check a bundle's receipt: inclusion in its tree head, and that the registry's current
    /// tree is consistent with that head. Returns the verdict line.
    pub fn check(&self, bundle: &tabula_certificate::Bundle) -> Result<String> {
        let receipt: Receipt = serde_json::from_value(
            bundle
                .receipt
                .clone()
                .context("the bundle has no receipt: upload it with `tabula upload` first")?,
        )
        .context("the bundle's receipt is malformed")?;
        let leaf = bundle.envelope.try_leaf_bytes()?;
        let v = verify_receipt_online(&self.client, &receipt, &leaf, &self.log_key)?;
        Ok(format!(
            "in log {} as entry #{} (receipt tree size {}), current tree size {} is consistent with it",
            receipt.log_origin, v.leaf_index, v.receipt_size, v.current_size
        ))
    }
}
