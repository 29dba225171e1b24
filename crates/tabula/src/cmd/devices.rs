//! `tabula devices`: the drive table with verdicts.

use std::path::PathBuf;

use anyhow::Context;
use tabula_device::{Drive, Verdict, discover};

use super::Outcome;
use crate::human::bytes;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Print the full drive records as JSON.
    #[arg(long)]
    json: bool,
    /// Read /sys and /proc below this directory instead of / (captured trees).
    #[arg(long, default_value = "/", hide = true)]
    root: PathBuf,
}

pub fn run(args: Args) -> anyhow::Result<Outcome> {
    let drives = discover(&args.root).context("discovering drives")?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&drives)?);
    } else {
        print!("{}", table(&drives));
    }
    Ok(Outcome::Success)
}

/// The drive table as technicians see it.
pub fn table(drives: &[Drive]) -> String {
    let mut out = format!(
        "{:<12} {:>9} {:<7} {:<24} {:<20} {}\n",
        "DEVICE", "SIZE", "BUS", "MODEL", "SERIAL", "VERDICT"
    );
    for d in drives {
        let verdict = match &d.verdict {
            Verdict::Wipeable => "wipeable".to_owned(),
            Verdict::ExplicitOnly { reason } => format!("explicit only: {reason}"),
            Verdict::Excluded { reason } => format!("EXCLUDED: {reason}"),
        };
        out.push_str(&format!(
            "{:<12} {:>9} {:<7} {:<24} {:<20} {}\n",
            d.path.display(),
            bytes(d.size_bytes),
            d.transport.to_string(),
            truncate(d.model.as_deref().unwrap_or("-"), 24),
            truncate(d.serial.as_deref().unwrap_or("-"), 20),
            verdict
        ));
    }
    out
}

fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_owned()
    } else {
        let mut t: String = s.chars().take(max - 1).collect();
        t.push('…');
        t
    }
}
