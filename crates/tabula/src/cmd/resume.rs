//! `tabula resume`: continue wipes interrupted by a power loss or crash, from the journal.

use std::io::IsTerminal;
use std::path::PathBuf;

use anyhow::bail;

use super::Outcome;
use crate::bars::Bars;
use crate::cmd;
use crate::i18n::t;
use tabula_station::targets;
use tabula_station::{Station, default_data_dir};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Configuration file (default: DATA/tabula.toml).
    #[arg(long)]
    pub config: Option<PathBuf>,
    /// Station data directory.
    #[arg(long, env = "TABULA_DATA", default_value_os_t = default_data_dir())]
    pub data: PathBuf,
    /// Resume without asking.
    #[arg(long)]
    pub yes: bool,
}

pub fn run(args: Args) -> anyhow::Result<Outcome> {
    let station = Station::open(&args.data, args.config.as_deref())?;
    crate::i18n::init(Some(&station.config));
    let c = &t().cli;
    let listed = station.pending_journals()?;
    let pending = listed.journals;
    if pending.is_empty() {
        // Unreadable journals are kept and reported; with nothing else there is nothing to run.
        for (path, e) in &listed.unreadable {
            eprintln!(
                "{}",
                (c.journal_unreadable)(
                    &path.display().to_string(),
                    &tabula_station::outbox::chain(e)
                )
            );
        }
        if listed.unreadable.is_empty() {
            eprintln!("{}", c.nothing_to_resume);
            return Ok(Outcome::Success);
        }
        return Ok(Outcome::Failure);
    }
    for j in &pending {
        eprintln!(
            "{}",
            (c.interrupted_wipe)(&j.id, &crate::i18n::clock::date_time(j.started))
        );
        eprint!("{}", cmd::wipe::describe_plan(&j.plan));
        for (d, pos) in j.plan.drives.iter().zip(&j.positions) {
            if let Some(p) = pos {
                eprintln!(
                    "  {}: {}",
                    d.path.display(),
                    (t().resume.was_at)(p.pass, d.passes.len())
                );
            }
        }
    }
    if !args.yes {
        if !std::io::stdin().is_terminal() {
            bail!("{}", c.resume_no_terminal);
        }
        // Every journal's drives were listed above: the word covers them all.
        cmd::wipe::confirm_targets(pending.iter().map(|j| j.plan.drives.len()).sum())?;
    }
    let cancel = targets::cancel_on_signals()?;
    // The journals resume one after the other: bars for the one that is running.
    let mut bars: Option<(usize, Bars)> = None;
    let finished = station.resume(cancel, |index, e| {
        if bars.as_ref().is_none_or(|(i, _)| *i != index) {
            drop(bars.take());
            bars = pending
                .get(index)
                .map(|j| (index, Bars::new(&j.plan, std::io::stderr().is_terminal())));
        }
        if let Some((_, b)) = &bars {
            b.handle(e);
        }
    })?;
    drop(bars);
    let mut ok = finished.not_resumed.is_empty();
    for skipped in &finished.not_resumed {
        eprintln!("{}", crate::i18n::engine::not_resumed(skipped));
    }
    for f in &finished.finished {
        eprint!("{}", cmd::wipe::summary(&f.reports));
        eprintln!(
            "{}",
            (c.certificate)(
                &f.stored.id,
                &f.stored.bundle.display().to_string(),
                &f.stored.pdf.display().to_string()
            )
        );
        ok &= f.success();
    }
    cmd::run::flush_outbox(&station, cmd::run::key_policy(false));
    Ok(if ok {
        Outcome::Success
    } else {
        Outcome::Failure
    })
}
