//! `tabula upload --registry URL FILE...`: upload certificate bundles; verify each receipt and
//! write it into the bundle atomically (a crash leaves the old file or the new one).

use std::path::{Path, PathBuf};

use anyhow::{Context as _, bail};
use tabula_certificate::Bundle;
use tabula_station::Station;
use tabula_station::client::{RegistryClient, resolve_log_key};
use tabula_station::outbox::{KeyPolicy, Retry, register};

use super::Outcome;
use super::transport::TransportArgs;
use crate::i18n::t;
use tabula_station::outbox::{Delivery, FlushReport};
use tabula_station::transport::Transport;

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
    #[arg(long, env = "TABULA_DATA", default_value_os_t = tabula_station::default_data_dir())]
    pub data: PathBuf,
    /// Station configuration (default: DATA/tabula.toml).
    #[arg(long)]
    pub config: Option<PathBuf>,
    /// For named FILEs (default: `[registry]` of the configuration, if there is one); the
    /// outbox uses `[registry]` in tabula.toml.
    #[command(flatten)]
    pub transport: TransportArgs,
}

/// The transport for named files: the flags over `[registry]` of `--config` (which must exist)
/// or of DATA/tabula.toml (if it exists).
fn transport(args: &Args) -> anyhow::Result<Transport> {
    let path = match &args.config {
        Some(p) => p.clone(),
        None => {
            let p = args.data.join("tabula.toml");
            if !p.is_file() {
                return Ok(args.transport.transport());
            }
            p
        }
    };
    let configured = tabula_station::config::Config::load(&path)?
        .registry
        .transport();
    Ok(args.transport.over(configured))
}

pub fn run(args: Args) -> anyhow::Result<Outcome> {
    let tu = &t().commands.upload;
    if args.files.is_empty() {
        if args.transport.ca_file.is_some() || args.transport.insecure_http {
            bail!(tu.flags_for_files);
        }
        return deliver_outbox(args);
    }
    let registry = args.registry.as_deref().context(tu.registry_needed)?;
    let client = RegistryClient::new(registry, &transport(&args)?)?;
    let log_key = resolve_log_key(&client, args.log_key.as_deref())?;
    if let Some(unpinned) = log_key.unpinned(registry) {
        eprintln!(
            "{}: {}",
            t().cli.note,
            (t().commands.verify.unpinned_key)(&unpinned)
        );
    }
    let once = Retry {
        attempts: 1,
        ..Retry::default()
    };
    let mut failed = 0usize;
    for file in &args.files {
        let result = (|| -> anyhow::Result<String> {
            let bundle = Bundle::read(file)?;
            let (bundle, answer) =
                register(&client, &log_key.key, &bundle, once).context(tu.left_unchanged)?;
            bundle
                .write_atomic(file)
                .with_context(|| (tu.writing_receipt)(&file.display().to_string()))?;
            Ok((tu.registered)(
                answer.receipt.leaf_index,
                answer.receipt.tree_size,
                answer.replay,
            ))
        })();
        let tv = &t().commands.verify;
        match result {
            Ok(line) => {
                println!("{}{}: {line}", tv.ok, file.display());
                cosigned_beside(&client, &log_key.key, file);
            }
            Err(e) => {
                failed += 1;
                println!(
                    "{}{}: {}",
                    tv.failed,
                    file.display(),
                    super::describe(e.as_ref())
                );
            }
        }
    }
    if args.files.len() > 1 {
        println!("{}", (tu.summary)(args.files.len() - failed, failed));
    }
    Ok(if failed == 0 {
        Outcome::Success
    } else {
        Outcome::Failure
    })
}

/// Store the registry's cosigned checkpoint beside an uploaded bundle (best effort: a note on
/// failure, never a failed upload).
fn cosigned_beside(client: &RegistryClient, log_key: &tabula_tlog::NoteVerifier, file: &Path) {
    let dir = match file.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let tu = &t().commands.upload;
    match tabula_station::cosigned::store_cosigned(client, log_key, dir) {
        Ok(Some(size)) => println!(
            "        {}",
            (tu.cosigned)(
                size,
                &dir.join(tabula_station::cosigned::COSIGNED_FILE)
                    .display()
                    .to_string()
            )
        ),
        Ok(None) => {}
        Err(e) => eprintln!(
            "{}: {}",
            t().cli.note,
            (tu.no_cosigned)(&super::describe(&e))
        ),
    }
}

/// `tabula upload [--data DIR]`: deliver the outbox, retrying with back-off; exit 1 while bundles
/// remain (registry down) or were rejected.
fn deliver_outbox(args: Args) -> anyhow::Result<Outcome> {
    let mut station = Station::open(&args.data, args.config.as_deref())?;
    crate::i18n::init(Some(&station.config));
    if let Some(url) = args.registry {
        station.config.registry.url = Some(url);
    }
    if let Some(key) = args.log_key {
        station.config.registry.log_key = Some(key);
    }
    let retry = Retry {
        attempts: 5,
        ..Retry::default()
    };
    let Some(report) = station.upload(retry, KeyPolicy::WarnUnpinned)? else {
        bail!(tabula_station::Refusal::NoRegistry);
    };
    if report.items.is_empty() {
        println!("{}", t().commands.upload.outbox_empty);
    }
    for line in report_lines(&report) {
        println!("{line}");
    }
    Ok(if report.pending() + report.rejected() == 0 {
        Outcome::Success
    } else {
        Outcome::Failure
    })
}

/// The outbox's report, one line per bundle, after the warning about an unpinned log key.
pub fn report_lines(report: &FlushReport) -> Vec<String> {
    let tu = &t().commands.upload;
    let warning = report
        .unpinned_key
        .iter()
        .map(|u| (tu.warning)(&(t().commands.verify.unpinned_key)(u)));
    let items = report.items.iter().map(|(path, d)| {
        let name = path
            .file_name()
            .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
        match d {
            Delivery::Registered { leaf_index, replay } => {
                (tu.delivered)(&name, *leaf_index, *replay)
            }
            Delivery::Pending(why) => (tu.pending)(&name, &super::describe(why.as_ref())),
            Delivery::Rejected(why) => (tu.rejected)(&name, why),
        }
    });
    warning.chain(items).collect()
}
