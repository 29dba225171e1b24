//! The outbox: certificates waiting for the registry. A bundle leaves the outbox only when the
//! registry's receipt has been verified against the log key and stored in the kept copy under
//! certificates/. A bundle that no longer verifies (tampered on the stick) is reported, moved to
//! outbox/rejected/ and never uploaded.

use std::path::{Path, PathBuf};
use std::thread;
use std::time::Duration;

use anyhow::{Context, bail};
use tabula_certificate::{Bundle, PublicKey, verify};

use super::datadir::DataDir;
use crate::registry_client::{Refused, RegistryClient, load_log_key};

/// What happened to one bundle.
#[derive(Debug)]
pub enum Delivery {
    /// Uploaded; receipt verified and stored.
    Registered { leaf_index: u64, replay: bool },
    /// Still in the outbox (registry unreachable, or refusing it); tried again on the next
    /// flush.
    Pending(String),
    /// Does not verify any more: moved aside, not uploaded.
    Rejected(String),
}

/// The outcome for each bundle that was in the outbox.
#[derive(Debug, Default)]
pub struct FlushReport {
    pub items: Vec<(PathBuf, Delivery)>,
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
    pub fn lines(&self) -> Vec<String> {
        self.items
            .iter()
            .map(|(path, d)| {
                let name = path
                    .file_name()
                    .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
                match d {
                    Delivery::Registered { leaf_index, replay } => format!(
                        "{name}: {} (log entry #{leaf_index}), receipt stored",
                        if *replay {
                            "already registered"
                        } else {
                            "uploaded"
                        }
                    ),
                    Delivery::Pending(why) => format!("{name}: kept in outbox, will retry: {why}"),
                    Delivery::Rejected(why) => {
                        format!("{name}: NOT UPLOADED, moved to outbox/rejected: {why}")
                    }
                }
            })
            .collect()
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

/// Tries to deliver every bundle in the outbox to `registry`.
pub fn flush(
    data: &DataDir,
    station: &PublicKey,
    registry: &super::config::RegistrySection,
    retry: Retry,
) -> anyhow::Result<FlushReport> {
    let mut report = FlushReport::default();
    let Some(url) = registry.url.as_deref() else {
        return Ok(report);
    };
    // The log key pinned in tabula.toml, else the one `tabula enroll` stored beside the station
    // key (a relative path in tabula.toml is relative to the data directory).
    let pinned = data.keys().join(crate::cmd::enroll::LOG_KEY_FILE);
    let log_key = match registry.log_key.as_deref() {
        Some(k) if Path::new(k).is_relative() && data.root.join(k).is_file() => {
            Some(data.root.join(k).display().to_string())
        }
        Some(k) => Some(k.to_owned()),
        None => pinned.is_file().then(|| pinned.display().to_string()),
    };
    let log_key = log_key.as_deref();
    let bundles = data.outbox_bundles()?;
    if bundles.is_empty() {
        return Ok(report);
    }
    let client = RegistryClient::with_ca(url, registry.ca_file.as_deref())?;
    for path in bundles {
        let delivery = match check_local(&path, station) {
            Err(why) => {
                reject(data, &path)?;
                Delivery::Rejected(format!("{why:#}"))
            }
            Ok(bundle) => match deliver(&client, log_key, data, &path, bundle, retry) {
                Ok(d) => d,
                Err(e) => Delivery::Pending(format!("{e:#}")),
            },
        };
        report.items.push((path, delivery));
    }
    Ok(report)
}

/// The bundle must parse and verify against this station's own key before it leaves the stick.
fn check_local(path: &Path, station: &PublicKey) -> anyhow::Result<Bundle> {
    let bundle = Bundle::read(path)?;
    verify(&bundle, Some(station)).context("signature check failed")?;
    Ok(bundle)
}

fn reject(data: &DataDir, path: &Path) -> anyhow::Result<()> {
    let dir = data.outbox().join("rejected");
    std::fs::create_dir_all(&dir)?;
    let name = path.file_name().context("bundle path has no name")?;
    std::fs::rename(path, dir.join(name))
        .with_context(|| format!("moving {} aside", path.display()))
}

fn deliver(
    client: &RegistryClient,
    log_key: Option<&str>,
    data: &DataDir,
    path: &Path,
    mut bundle: Bundle,
    retry: Retry,
) -> anyhow::Result<Delivery> {
    let leaf = bundle.envelope.try_leaf_bytes()?;
    let mut upload = bundle.clone();
    upload.receipt = None;
    let body = upload.to_json();
    let mut backoff = retry.first_backoff;
    let mut attempt = 1;
    let answer = loop {
        match client.upload(body.clone()) {
            Ok(answer) => break answer,
            Err(e) if attempt >= retry.attempts => return Err(e),
            // The registry read it and said no: asking again now would only wait.
            Err(e)
                if e.downcast_ref::<Refused>()
                    .is_some_and(Refused::is_permanent) =>
            {
                return Err(e);
            }
            Err(_) => {
                thread::sleep(backoff);
                backoff *= 2;
                attempt += 1;
            }
        }
    };
    let key = match log_key {
        Some(k) => load_log_key(k)?,
        None => client.log_key()?,
    };
    answer
        .receipt
        .verify(&leaf, &key)
        .context("the registry's receipt does not verify; kept in outbox")?;
    bundle.receipt = Some(serde_json::to_value(&answer.receipt)?);
    // The kept copy gets the receipt first; only then does the outbox copy go.
    let kept = data
        .certificates()
        .join(path.file_name().context("bundle path has no name")?);
    bundle
        .write_atomic(&kept)
        .with_context(|| format!("storing the receipt in {}", kept.display()))?;
    if Bundle::read(&kept)?.receipt.is_none() {
        bail!("receipt did not reach {}", kept.display());
    }
    std::fs::remove_file(path)
        .with_context(|| format!("removing {} from the outbox", path.display()))?;
    Ok(Delivery::Registered {
        leaf_index: answer.receipt.leaf_index,
        replay: answer.replay,
    })
}

/// `tabula upload [--data DIR]`: deliver the outbox, retrying with back-off; exit 1 while bundles
/// remain (registry down) or were rejected.
pub fn deliver_command(
    data: &Path,
    config: Option<&Path>,
    registry: Option<String>,
    log_key: Option<String>,
) -> anyhow::Result<crate::cmd::Outcome> {
    let mut station = super::Station::open(data, config)?;
    if let Some(url) = registry {
        station.config.registry.url = Some(url);
    }
    if let Some(key) = log_key {
        station.config.registry.log_key = Some(key);
    }
    let Some(report) = station.upload(Retry {
        attempts: 5,
        ..Retry::default()
    })?
    else {
        bail!("no registry: give --registry URL or set [registry] url in tabula.toml");
    };
    if report.items.is_empty() {
        println!("outbox is empty");
    }
    for line in report.lines() {
        println!("{line}");
    }
    Ok(if report.pending() + report.rejected() == 0 {
        crate::cmd::Outcome::Success
    } else {
        crate::cmd::Outcome::Failure
    })
}
