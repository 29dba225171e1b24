//! `tabula keygen --out DIR`: create a station's Ed25519 signing key.

use std::path::PathBuf;

use anyhow::Context;
use tabula_certificate::StationKey;

use super::Outcome;

/// Create a station key: DIR/station.key (private, 0600) and DIR/station.pem (public, SPKI).
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Directory for station.key and station.pem (created if missing; a directory that already
    /// holds a key is refused, never overwritten).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
}

pub fn run(args: Args) -> anyhow::Result<Outcome> {
    let key = StationKey::generate().context("generating a station key")?;
    let (private, public) = key.write(&args.out)?;
    println!(
        "private key  {} (keep secret, mode 0600)",
        private.display()
    );
    println!("public key   {}", public.display());
    println!("fingerprint  {}", key.public().fingerprint());
    Ok(Outcome::Success)
}
