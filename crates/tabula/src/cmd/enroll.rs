//! `tabula enroll --registry URL --token T --key FILE`: register this station's public key with
//! the registry and pin the log's key next to the station key.

use std::path::{Path, PathBuf};

use anyhow::Context as _;
use tabula_certificate::{PublicKey, StationKey};

use super::Outcome;
use super::transport::TransportArgs;
use crate::i18n::t;
use tabula_station::setup::enrol::enrol_key;

use tabula_station::outbox::LOG_KEY_FILE;

/// Enrol this station with a registry using a one-time enrolment token.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[arg(
        long,
        value_name = "URL",
        env = "TABULA_REGISTRY",
        help = "Registry base URL, e.g. https://registry.example"
    )]
    pub registry: String,
    /// The one-time enrolment token from `tabula-registry station add`.
    #[arg(long, value_name = "T", env = "TABULA_ENROL_TOKEN")]
    pub token: String,
    /// The station key: station.key (private) or station.pem (public).
    #[arg(long, value_name = "FILE")]
    pub key: PathBuf,
    /// Where to store the log's verifier key (default: registry-log.vkey beside --key).
    #[arg(long, value_name = "FILE")]
    pub log_key_out: Option<PathBuf>,
    #[command(flatten)]
    pub transport: TransportArgs,
}

fn public_key(path: &Path) -> anyhow::Result<PublicKey> {
    let te = &t().commands.enroll;
    let shown = path.display().to_string();
    let text = std::fs::read_to_string(path).with_context(|| (te.reading_key)(&shown))?;
    if text.contains("PRIVATE KEY") {
        Ok(StationKey::load(path)?.public())
    } else {
        Ok(PublicKey::from_pem(&text).with_context(|| (te.not_ed25519)(&shown))?)
    }
}

pub fn run(args: Args) -> anyhow::Result<Outcome> {
    let key = public_key(&args.key)?;
    let out = args.log_key_out.unwrap_or_else(|| {
        args.key
            .parent()
            .unwrap_or_else(|| Path::new("."))
            .join(LOG_KEY_FILE)
    });
    let enrolled = enrol_key(
        &args.registry,
        &args.transport.transport(),
        &args.token,
        &key,
        &out,
    )?;
    let te = &t().commands.enroll;
    println!(
        "{}",
        (te.enrolled)(&enrolled.name, &enrolled.fingerprint.to_string())
    );
    println!(
        "{}",
        (te.pinned)(&enrolled.log_origin, &out.display().to_string())
    );
    Ok(Outcome::Success)
}
