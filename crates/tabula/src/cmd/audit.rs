//! `tabula audit`: what is this machine, is it fit for a pupil, does it carry a Windows licence.

use std::path::PathBuf;

use anyhow::Context;
use tabula_audit::{Options, Rules, SmartctlSource};

use super::Outcome;
use crate::i18n::t;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Print the full audit document as JSON (schema in docs/audit.md) instead of the report.
    #[arg(long)]
    json: bool,
    /// Read /sys, /proc, firmware tables and smartctl output from this captured tree instead of /.
    #[arg(long, default_value = "/")]
    root: PathBuf,
    /// Show the full Windows product key (by default only its last five characters).
    #[arg(long)]
    show_key: bool,
    /// Fitness rules (TOML) instead of the built-in defaults.
    #[arg(long, value_name = "FILE")]
    rules: Option<PathBuf>,
    /// Copy every file the audit reads, and smartctl's output per drive, into DIR; nothing is graded.
    #[arg(long, value_name = "DIR", conflicts_with_all = ["json", "show_key"])]
    capture: Option<PathBuf>,
    /// The smartctl program to run (live audits).
    #[arg(long, value_name = "PATH", conflicts_with = "no_smart")]
    smartctl: Option<PathBuf>,
    /// Do not collect SMART data.
    #[arg(long)]
    no_smart: bool,
}

pub fn run(args: Args) -> anyhow::Result<Outcome> {
    let ta = &t().commands.audit;
    let mut options = Options::with_root(&args.root);
    options.show_key = args.show_key;
    if let Some(path) = &args.rules {
        options.rules = Some(
            Rules::from_file(path)
                .with_context(|| (ta.loading_rules)(&path.display().to_string()))?,
        );
    }
    options.smartctl = match (&args.smartctl, args.no_smart) {
        (_, true) => SmartctlSource::Off,
        (Some(program), false) => SmartctlSource::Program(program.clone()),
        (None, false) => SmartctlSource::Auto,
    };
    if let Some(dir) = &args.capture {
        let shown = dir.display().to_string();
        let manifest = tabula_audit::capture(&options, dir).context(ta.capturing)?;
        println!(
            "{}",
            (ta.captured)(
                manifest.files.len(),
                manifest.smartctl.len(),
                manifest.skipped.len(),
                &shown
            )
        );
        if manifest.msdm_key_redacted {
            println!("{}", ta.key_redacted);
        }
        println!("{}", (ta.replay)(&shown));
        return Ok(Outcome::Success);
    }
    let audit = tabula_audit::collect(&options).context(ta.auditing)?;
    if args.json {
        println!("{}", audit.to_json()?);
    } else {
        print!("{}", tabula_audit::render_with(&audit, &ta.report));
    }
    Ok(Outcome::Success)
}
