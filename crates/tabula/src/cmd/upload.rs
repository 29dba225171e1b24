//! `tabula upload --registry URL FILE...`: upload certificate bundles; verify each receipt and
//! write it into the bundle atomically (a crash leaves the old file or the new one).

use std::path::PathBuf;

use anyhow::Context as _;
use tabula_certificate::Bundle;

use super::Outcome;
use crate::registry_client::{RegistryClient, load_log_key};

/// Upload certificate bundles to the registry and store the receipts in them.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Registry base URL (default with --data: `[registry] url` from tabula.toml).
    #[arg(long, value_name = "URL", env = "TABULA_REGISTRY")]
    pub registry: Option<String>,
    /// The log's verifier key (text or file, e.g. registry-log.vkey from `tabula enroll`).
    /// Without it the key the registry announces is used.
    #[arg(long, value_name = "KEY")]
    pub log_key: Option<String>,
    /// Certificate bundles (`<id>.tabula.json`). Without files, the station's outbox is delivered.
    #[arg(value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// Station data directory whose outbox is delivered when no files are named.
    #[arg(long, env = "TABULA_DATA", default_value_os_t = crate::station::default_data_dir())]
    pub data: PathBuf,
    /// Station configuration (default: DATA/tabula.toml).
    #[arg(long)]
    pub config: Option<PathBuf>,
}

pub fn run(args: Args) -> anyhow::Result<Outcome> {
    if args.files.is_empty() {
        return crate::station::outbox::deliver_command(
            &args.data,
            args.config.as_deref(),
            args.registry,
            args.log_key,
        );
    }
    let registry = args
        .registry
        .as_deref()
        .context("--registry URL is needed to upload named files")?;
    let client = RegistryClient::new(registry)?;
    let log_key = match &args.log_key {
        Some(k) => load_log_key(k)?,
        None => client.log_key()?,
    };
    let mut failed = 0usize;
    for file in &args.files {
        let result = (|| -> anyhow::Result<String> {
            let mut bundle = Bundle::read(file)?;
            let leaf = bundle.envelope.try_leaf_bytes()?;
            let mut upload = bundle.clone();
            upload.receipt = None;
            let answer = client.upload(upload.to_json())?;
            answer
                .receipt
                .verify(&leaf, &log_key)
                .context("the registry's receipt does not verify; bundle left unchanged")?;
            bundle.receipt = Some(serde_json::to_value(&answer.receipt)?);
            bundle
                .write_atomic(file)
                .with_context(|| format!("writing the receipt into {}", file.display()))?;
            Ok(format!(
                "{} log entry #{} (tree size {}){}",
                if answer.replay {
                    "already registered,"
                } else {
                    "registered,"
                },
                answer.receipt.leaf_index,
                answer.receipt.tree_size,
                if answer.replay {
                    ", receipt refreshed"
                } else {
                    ""
                }
            ))
        })();
        match result {
            Ok(line) => println!("OK      {}: {line}", file.display()),
            Err(e) => {
                failed += 1;
                println!("FAILED  {}: {e:#}", file.display());
            }
        }
    }
    if args.files.len() > 1 {
        println!("{} uploaded, {} failed", args.files.len() - failed, failed);
    }
    Ok(if failed == 0 {
        Outcome::Success
    } else {
        Outcome::Failure
    })
}
