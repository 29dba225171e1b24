//! `tabula run`: the whole job on this machine (audit, wipe, certificate, upload), attended or
//! unattended (Lecos batches).

use std::io::{BufRead, IsTerminal};
use std::path::PathBuf;

use super::Outcome;
use crate::bars::Bars;
use crate::cmd;
use crate::i18n::t;
use tabula_station::config::AfterRun;
use tabula_station::outbox::{KeyPolicy, Retry};
use tabula_station::targets;
use tabula_station::{Station, default_data_dir};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Wipe every wipeable drive (or the unattended allow-list) without asking; must be enabled in tabula.toml.
    #[arg(long)]
    pub unattended: bool,
    /// Configuration file (default: DATA/tabula.toml).
    #[arg(long)]
    pub config: Option<PathBuf>,
    /// Station data directory (keys, certificates, outbox, journal, logs).
    #[arg(long, env = "TABULA_DATA", default_value_os_t = default_data_dir())]
    pub data: PathBuf,
    /// Technician name or id (default from tabula.toml).
    #[arg(long)]
    pub operator: Option<String>,
    #[command(flatten)]
    pub issuer: cmd::issuer::IssuerArgs,
    /// Wipe method (default from tabula.toml).
    #[arg(long, short)]
    pub method: Option<String>,
    /// Do not ask for confirmation (attended runs).
    #[arg(long)]
    pub yes: bool,
    /// Drives to wipe (default with --unattended: all wipeable ones).
    pub targets: Vec<PathBuf>,
}

pub fn run(args: Args) -> anyhow::Result<Outcome> {
    let mut station = Station::open(&args.data, args.config.as_deref())?;
    args.issuer.apply(&mut station.config);
    crate::i18n::init(Some(&station.config));
    let policy = key_policy(args.unattended);
    flush_outbox(&station, policy);
    let (audit, audit_json) = station.audit()?;
    eprintln!("{}", audit_line(&audit));
    let targets = station.select_targets(&args.targets, args.unattended)?;
    if targets.is_empty() {
        eprintln!("{}", t().cli.nothing_to_wipe);
        return Ok(Outcome::Failure);
    }
    let issuer = station.issuer(args.operator.as_deref())?;
    let plan = station.plan(targets, args.method.as_deref())?;
    eprint!("{}", cmd::wipe::describe_plan(&plan));
    if !args.unattended && !args.yes {
        cmd::wipe::confirm(&plan)?;
    }
    let cancel = targets::cancel_on_signals()?;
    let bars = Bars::new(&plan, std::io::stderr().is_terminal());
    let finished = station.wipe(&plan, issuer, (&audit, audit_json), cancel, |e| {
        bars.handle(e)
    })?;
    drop(bars);
    eprint!("{}", cmd::wipe::summary(&finished.reports));
    eprintln!(
        "{}",
        (t().cli.certificate)(
            &finished.stored.id,
            &finished.stored.bundle.display().to_string(),
            &finished.stored.pdf.display().to_string()
        )
    );
    if let Some(queued) = &finished.stored.outbox {
        eprintln!("{}", (t().cli.queued)(&queued.display().to_string()));
    }
    if let Some(j) = &finished.journal_kept {
        eprintln!(
            "{}",
            (t().cli.interrupted)(&args.data.display().to_string(), &j.display().to_string())
        );
    }
    flush_outbox(&station, policy);
    if args.unattended {
        after_run(station.config.unattended.after)?;
    }
    Ok(if finished.success() {
        Outcome::Success
    } else {
        Outcome::Failure
    })
}

/// Unattended runs upload only with a pinned log key: nobody is there to read a warning.
pub fn key_policy(unattended: bool) -> KeyPolicy {
    if unattended {
        KeyPolicy::RequirePinned
    } else {
        KeyPolicy::WarnUnpinned
    }
}

/// Uploads what is waiting; an unreachable registry only leaves bundles in the outbox.
pub fn flush_outbox(station: &Station, policy: KeyPolicy) {
    match station.upload(Retry::default(), policy) {
        Ok(None) => {}
        Ok(Some(report)) => {
            for line in super::upload::report_lines(&report) {
                eprintln!("{}", (t().cli.upload)(&line));
            }
        }
        Err(e) => eprintln!("{}", (t().cli.upload_failed)(&crate::cmd::describe(&e))),
    }
}

fn audit_line(a: &tabula_audit::Audit) -> String {
    let s = &a.system;
    let c = &t().cli;
    let grade = match a.fitness.grade {
        tabula_audit::Grade::Unfit => t().machine.unfit.to_owned(),
        g => g.to_string(),
    };
    let name: Vec<&str> = [s.vendor.as_deref(), s.product.as_deref()]
        .into_iter()
        .flatten()
        .collect();
    let name = match name.join(" ") {
        n if n.is_empty() => c.unknown_machine.to_owned(),
        n => n,
    };
    (c.machine)(&name, s.serial.as_deref(), &grade)
}

fn after_run(after: AfterRun) -> anyhow::Result<()> {
    match after {
        AfterRun::Exit => Ok(()),
        AfterRun::Wait => {
            eprintln!("{}", t().cli.press_enter);
            let mut line = String::new();
            std::io::stdin().lock().read_line(&mut line)?;
            Ok(())
        }
        AfterRun::Poweroff => power_off(),
    }
}

/// Powers the machine off once every result is written. `--no-block` queues the shutdown and
/// returns, so the shutdown does not kill the command that asked for it (in the live image
/// that is the unattended service).
pub fn power_off() -> anyhow::Result<()> {
    eprintln!("{}", t().cli.powering_off);
    let status = std::process::Command::new("systemctl")
        .args(["--no-block", "poweroff"])
        .status()?;
    // Stopped by the shutdown it asked for (the service's processes get SIGTERM): under way.
    use std::os::unix::process::ExitStatusExt as _;
    let shutting_down = status.signal() == Some(signal_hook::consts::SIGTERM);
    anyhow::ensure!(
        status.success() || shutting_down,
        (t().commands.errors.poweroff_failed)(&status.to_string())
    );
    Ok(())
}
