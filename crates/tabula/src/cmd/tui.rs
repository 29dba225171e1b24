//! `tabula tui` (and `tabula` with no arguments on a terminal): the technician's screens.

use std::io::IsTerminal;
use std::path::PathBuf;

use anyhow::{Context, bail};
use clap::{CommandFactory, Parser};

use super::Outcome;
use tabula_station::default_data_dir;
use tabula_station::setup::keymap::ConsoleKeymap;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Configuration file (default: DATA/tabula.toml).
    #[arg(long)]
    pub config: Option<PathBuf>,
    /// Station data directory (keys, certificates, outbox, journal, logs).
    #[arg(long, env = "TABULA_DATA", default_value_os_t = default_data_dir())]
    pub data: PathBuf,
    #[command(flatten)]
    pub issuer: super::issuer::IssuerArgs,
    /// Treat DEVICE as the boot medium for the first-boot setup (tests and image checks; by
    /// default the disk behind /run/live/medium).
    #[arg(long, value_name = "DEVICE", hide = true)]
    pub boot_medium: Option<PathBuf>,
    /// Load the keyboard layout chosen on the setup screen into this virtual console at once
    /// (`loadkeys -C`; the live image's TUI service sets /dev/tty1); by default it is only
    /// written to tabula.toml.
    #[arg(long, value_name = "TTY", env = "TABULA_KEYMAP_CONSOLE")]
    pub keymap_console: Option<PathBuf>,
    /// Show only these devices (named explicitly, so loop devices among them can be wiped);
    /// default: every drive of the machine.
    pub targets: Vec<PathBuf>,
}

pub fn run(args: Args) -> anyhow::Result<Outcome> {
    if !std::io::stdin().is_terminal() || !std::io::stdout().is_terminal() {
        bail!(crate::i18n::t().commands.errors.tui_needs_terminal);
    }
    // Match the kernel's names: a symlink such as /dev/disk/by-id/... names its device.
    let only = args
        .targets
        .iter()
        .map(|t| std::fs::canonicalize(t).with_context(|| format!("{}", t.display())))
        .collect::<anyhow::Result<Vec<_>>>()?;
    let opts = crate::tui::setup::Options {
        config: args.config,
        boot_medium: args.boot_medium,
        issuer: args.issuer,
        keymap_console: match args.keymap_console {
            Some(console) => ConsoleKeymap::Loadkeys { console },
            None => ConsoleKeymap::Off,
        },
    };
    crate::tui::run(&args.data, &opts, only)
}

/// `tabula` without a subcommand: the TUI on a terminal (with the defaults `tabula tui` has),
/// else the help on stderr and exit code 2.
pub fn without_subcommand<C: CommandFactory>() -> std::process::ExitCode {
    #[derive(Debug, Parser)]
    struct Defaults {
        #[command(flatten)]
        args: Args,
    }
    if std::io::stdin().is_terminal() && std::io::stdout().is_terminal() {
        let args = Defaults::parse_from(["tabula"]).args;
        return super::exit(run(args));
    }
    eprintln!(
        "{}",
        crate::i18n::help::localized(C::command()).render_help()
    );
    std::process::ExitCode::from(2)
}
