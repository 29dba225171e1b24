//! The outbox: certificates waiting for the registry. A bundle leaves the outbox only when the
//! registry's receipt has been verified against the log key and stored in the kept copy under
//! certificates/. A bundle that no longer verifies (tampered on the stick) is reported, moved to
//! outbox/rejected/ and never uploaded.

use std::path::{Path, PathBuf};
use std::thread;
use std::time::Duration;

use tabula_certificate::{Bundle, PublicKey, verify};
use tabula_tlog::NoteVerifier;

use crate::client::{ClientError, KeyTrust, LogKey, RegistryClient, Uploaded, load_log_key};
use crate::config::RegistrySection;
use crate::cosigned::store_cosigned;
use crate::datadir::{DataDir, append_line};
use crate::error::{Error, Refusal, Result};

/// File name of the log key `tabula enroll` pins beside the station key.
pub const LOG_KEY_FILE: &str = "registry-log.vkey";

/// What happened to one bundle.
#[derive(Debug)]
pub enum Delivery {
    /// Uploaded; receipt verified and stored.
    Registered { leaf_index: u64, replay: bool },
    /// Still in the outbox (registry unreachable, or refusing it); tried again on the next
    /// flush. Front ends word the error ([`chain`] gives it in English).
    Pending(Box<Error>),
    /// Does not verify any more: moved aside, not uploaded.
    Rejected(String),
}

/// The outcome for each bundle that was in the outbox.
#[derive(Debug, Default)]
pub struct FlushReport {
    pub items: Vec<(PathBuf, Delivery)>,
    /// Set when receipts were checked with a log key fetched from the registry itself rather than
    /// a pinned one: those receipts prove nothing against a lying registry. Front ends show it.
    pub unpinned_key: Option<crate::client::Unpinned>,
    /// Tree size of the cosigned checkpoint stored beside the kept bundles after this flush
    /// ([`crate::cosigned`]), when the registry served a newer one.
    pub cosigned: Option<u64>,
}

impl FlushReport {
    pub fn pending(&self) -> usize {
        self.items
            .iter()
            .filter(|(_, d)| matches!(d, Delivery::Pending(_)))
            .count()
    }
    pub fn rejected(&self) -> usize {
        self.items
            .iter()
            .filter(|(_, d)| matches!(d, Delivery::Rejected(_)))
            .count()
    }
}

/// Upload retry policy: attempts per bundle and the first back-off (doubled each time).
#[derive(Debug, Clone, Copy)]
pub struct Retry {
    pub attempts: u32,
    pub first_backoff: Duration,
}

impl Default for Retry {
    fn default() -> Self {
        Self {
            attempts: 3,
            first_backoff: Duration::from_millis(500),
        }
    }
}

/// Whether receipts may be checked with a log key fetched from the registry itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyPolicy {
    /// Attended: a fetched key is used, and the report (and `logs/upload.log`) says it proves
    /// nothing.
    WarnUnpinned,
    /// Unattended: nobody would read the warning, so without a pinned key nothing is uploaded.
    RequirePinned,
}

/// Tries to deliver every bundle in the outbox to `registry`.
pub fn flush(
    data: &DataDir,
    station: &PublicKey,
    registry: &RegistrySection,
    retry: Retry,
    policy: KeyPolicy,
) -> Result<FlushReport> {
    let mut report = FlushReport::default();
    let Some(url) = registry.url.as_deref() else {
        return Ok(report);
    };
    let bundles = data.outbox_bundles()?;
    if bundles.is_empty() {
        return Ok(report);
    }
    let pinned = pinned_log_key(data, registry)?;
    if pinned.is_none() && policy == KeyPolicy::RequirePinned {
        return Err(Refusal::UnpinnedLogKey.into());
    }
    let client = RegistryClient::new(url, &registry.transport())?;
    let mut log_key = pinned;
    for path in bundles {
        let delivery = match check_local(&path, station) {
            Err(why) => {
                reject(data, &path)?;
                Delivery::Rejected(chain(&why))
            }
            Ok(bundle) => {
                let key = match &log_key {
                    Some(k) => Ok(k.clone()),
                    None => client.log_key().map(|key| LogKey {
                        key,
                        trust: KeyTrust::FromRegistry,
                    }),
                };
                match key {
                    Err(e) => Delivery::Pending(Box::new(e.into())),
                    Ok(key) => {
                        if report.unpinned_key.is_none() {
                            report.unpinned_key = key.unpinned(url);
                        }
                        let d = deliver(&client, &key.key, data, &path, bundle, retry);
                        log_key = Some(key);
                        d.unwrap_or_else(|e| Delivery::Pending(Box::new(e)))
                    }
                }
            }
        };
        report.items.push((path, delivery));
    }
    let registered = report
        .items
        .iter()
        .any(|(_, d)| matches!(d, Delivery::Registered { .. }));
    if let (true, Some(key)) = (registered, &log_key) {
        // Best effort: the receipts are what counts; a missing cosigned checkpoint is fetched
        // again after the next upload.
        match store_cosigned(&client, &key.key, &data.certificates()) {
            Ok(size) => report.cosigned = size,
            Err(e) => append_line(
                &data.logs().join("upload.log"),
                &format!(
                    "{} note: no cosigned checkpoint stored: {}",
                    chrono::Utc::now().to_rfc3339(),
                    chain(&e)
                ),
            )?,
        }
    }
    if let Some(w) = &report.unpinned_key {
        let line = format!("{} WARNING: {w}", chrono::Utc::now().to_rfc3339());
        append_line(&data.logs().join("upload.log"), &line)?;
    }
    Ok(report)
}

/// The log key pinned in tabula.toml (text or a file, relative to the data directory), else the
/// one `tabula enroll` stored beside the station key; `None` when nothing is pinned.
fn pinned_log_key(data: &DataDir, registry: &RegistrySection) -> Result<Option<LogKey>> {
    let arg = match registry.log_key.as_deref() {
        Some(k) if Path::new(k).is_relative() && data.root.join(k).is_file() => {
            data.root.join(k).display().to_string()
        }
        Some(k) => k.to_owned(),
        None => {
            let enrolled = data.keys().join(LOG_KEY_FILE);
            if !enrolled.is_file() {
                return Ok(None);
            }
            enrolled.display().to_string()
        }
    };
    Ok(Some(LogKey {
        key: load_log_key(&arg)?,
        trust: KeyTrust::Pinned,
    }))
}

/// An error and its causes on one line, as the outbox report shows them (the drive layer's
/// [`tabula_device::error_chain`]).
pub use tabula_device::error_chain as chain;

/// The bundle must parse and verify against this station's own key before it leaves the stick.
fn check_local(path: &Path, station: &PublicKey) -> Result<Bundle> {
    let bundle = Bundle::read(path).map_err(|source| Error::Bundle {
        what: "reading the bundle",
        source,
    })?;
    verify(&bundle, Some(station))?;
    Ok(bundle)
}

fn reject(data: &DataDir, path: &Path) -> Result<()> {
    let dir = data.outbox().join("rejected");
    std::fs::create_dir_all(&dir).map_err(Error::io("creating", &dir))?;
    let name = path.file_name().unwrap_or(path.as_os_str());
    std::fs::rename(path, dir.join(name)).map_err(Error::io("moving aside", path))
}

/// Uploads `bundle` (without any receipt it already carries) and checks the receipt the
/// registry answers with against `log_key`; returns the bundle with the receipt attached. The
/// one upload path of the outbox and of `tabula upload FILE`.
pub fn register(
    client: &RegistryClient,
    log_key: &NoteVerifier,
    bundle: &Bundle,
    retry: Retry,
) -> Result<(Bundle, Uploaded)> {
    let leaf = bundle.envelope.leaf_bytes().map_err(ClientError::Leaf)?;
    let mut upload = bundle.clone();
    upload.receipt = None;
    let body = upload.to_json().map_err(|source| Error::Bundle {
        what: "encoding the bundle for upload",
        source,
    })?;
    let mut backoff = retry.first_backoff;
    let mut attempt = 1;
    let answer = loop {
        match client.upload(body.clone()) {
            Ok(answer) => break answer,
            // The registry read it and said no: asking again now would only wait.
            Err(e) if attempt >= retry.attempts || !e.is_retryable() => return Err(e.into()),
            Err(_) => {
                thread::sleep(backoff);
                backoff *= 2;
                attempt += 1;
            }
        }
    };
    answer
        .receipt
        .verify(&leaf, log_key)
        .map_err(ClientError::Receipt)?;
    let mut registered = bundle.clone();
    registered.receipt =
        Some(
            serde_json::to_value(&answer.receipt).map_err(|source| Error::Json {
                what: "storing the receipt",
                source,
            })?,
        );
    Ok((registered, answer))
}

fn deliver(
    client: &RegistryClient,
    log_key: &NoteVerifier,
    data: &DataDir,
    path: &Path,
    bundle: Bundle,
    retry: Retry,
) -> Result<Delivery> {
    let (bundle, answer) = register(client, log_key, &bundle, retry)?;
    // The kept copy gets the receipt first; only then does the outbox copy go.
    let kept = data
        .certificates()
        .join(path.file_name().unwrap_or(path.as_os_str()));
    bundle.write_atomic(&kept).map_err(|source| Error::Bundle {
        what: "storing the receipt in the kept copy",
        source,
    })?;
    let reread = Bundle::read(&kept).map_err(|source| Error::Bundle {
        what: "reading back the kept copy",
        source,
    })?;
    if reread.receipt.is_none() {
        return Err(Error::io("storing the receipt in", &kept)(
            std::io::Error::other("the receipt is not in the file after writing it"),
        ));
    }
    std::fs::remove_file(path).map_err(Error::io("removing from the outbox", path))?;
    Ok(Delivery::Registered {
        leaf_index: answer.receipt.leaf_index,
        replay: answer.replay,
    })
}
