//! `tabula keygen --out DIR`: create a station's Ed25519 signing key.

use std::path::PathBuf;

use anyhow::Context;
use tabula_certificate::StationKey;

use super::Outcome;
use crate::i18n::t;

/// Create a station key: DIR/station.key (private, 0600) and DIR/station.pem (public, SPKI).
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Directory for station.key and station.pem (created if missing; a directory that already
    /// holds a key is refused, never overwritten).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
}

pub fn run(args: Args) -> anyhow::Result<Outcome> {
    let tk = &t().commands.keygen;
    let key = StationKey::generate().context(tk.generating)?;
    let (private, public) = key.write(&args.out)?;
    println!("{}", (tk.private)(&private.display().to_string()));
    println!("{}", (tk.public)(&public.display().to_string()));
    println!(
        "{}",
        (tk.fingerprint)(&key.public().fingerprint().to_string())
    );
    Ok(Outcome::Success)
}
