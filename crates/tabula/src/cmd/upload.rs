//! `tabula upload --registry URL FILE...`: upload certificate bundles; verify each receipt and
//! write it into the bundle atomically (a crash leaves the old file or the new one).

use std::path::PathBuf;

use anyhow::{Context as _, bail};
use tabula_certificate::Bundle;

use super::Outcome;
use crate::registry_client::{RegistryClient, resolve_log_key};

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
    /// PEM file with the CA certificate(s) to trust for named FILEs (default: `[registry]
    /// ca_file` from the configuration, if there is one). The outbox uses `[registry] ca_file`.
    #[arg(long, value_name = "FILE")]
    pub ca_file: Option<PathBuf>,
}

/// The CA file for named files: `--ca-file`, else `[registry] ca_file` of `--config` (which must
/// exist) or of DATA/tabula.toml (if it exists).
fn ca_file(args: &Args) -> anyhow::Result<Option<PathBuf>> {
    if let Some(f) = &args.ca_file {
        return Ok(Some(f.clone()));
    }
    let path = match &args.config {
        Some(p) => p.clone(),
        None => {
            let p = args.data.join("tabula.toml");
            if !p.is_file() {
                return Ok(None);
            }
            p
        }
    };
    Ok(crate::station::config::Config::load(&path)?
        .registry
        .ca_file)
}

pub fn run(args: Args) -> anyhow::Result<Outcome> {
    if args.files.is_empty() {
        if args.ca_file.is_some() {
            bail!(
                "--ca-file applies to named FILEs; the outbox uses [registry] ca_file in tabula.toml"
            );
        }
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
    let client = RegistryClient::with_ca(registry, ca_file(&args)?.as_deref())?;
    let log_key = resolve_log_key(&client, args.log_key.as_deref())?;
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
