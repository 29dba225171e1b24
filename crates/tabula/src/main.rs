//! `tabula`: the appliance binary. It parses the command line and hands each subcommand to a
//! module under `cmd/`; all real work lives in the library crates (`tabula-wipe`, ...).
#![forbid(unsafe_code)]

mod bars;
mod cmd;
mod firmware_progress;
mod human;
mod i18n;
#[cfg(test)]
mod test_support;
mod tui;

use std::process::ExitCode;

use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};

/// Tabula: wipe drives to BSI/NIST standards, audit the machine, and prove it with a signed certificate.
#[derive(Debug, Parser)]
#[command(name = "tabula", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// List drives with their wipe verdict (wipeable or excluded, and why).
    Devices(cmd::devices::Args),
    /// Overwrite drives with a wipe method, verify, and report.
    Wipe(cmd::wipe::Args),
    /// The whole job: audit, wipe, sign the certificate, store it, upload it.
    Run(cmd::run::Args),
    /// Continue wipes interrupted by a power loss, from the journal.
    Resume(cmd::resume::Args),
    /// Enrol this station's key with a registry (one-time token).
    Enroll(cmd::enroll::Args),
    /// Upload certificate bundles to the registry and store the receipts in them.
    Upload(cmd::upload::Args),
    /// Audit the hardware: identity, CPU, RAM, disks with SMART, battery, licence, fitness grade.
    Audit(cmd::audit::Args),
    /// Create a station signing key (station.key, 0600, and station.pem).
    Keygen(cmd::keygen::Args),
    /// Verify certificate bundles: signature, canonical form, schema version, audit digest.
    Verify(cmd::verify::Args),
    /// Show a certificate, render its PDF, or export its parts for OpenSSL.
    Cert(cmd::cert::Args),
    /// The technician's screens (also `tabula` with no arguments on a terminal).
    Tui(cmd::tui::Args),
    // (other subcommands are added here, one line each)
}

fn main() -> ExitCode {
    i18n::init(i18n::probe_config().as_ref());
    let cli = match parse() {
        Ok(cli) => cli,
        Err(e) => return exit_parse_error(&e),
    };
    let Some(command) = cli.command else {
        return cmd::tui::without_subcommand::<Cli>();
    };
    let outcome = match command {
        Command::Devices(args) => cmd::devices::run(args),
        Command::Wipe(args) => cmd::wipe::run(args),
        Command::Run(args) => cmd::run::run(args),
        Command::Resume(args) => cmd::resume::run(args),
        Command::Enroll(args) => cmd::enroll::run(args),
        Command::Upload(args) => cmd::upload::run(args),
        Command::Audit(args) => cmd::audit::run(args),
        Command::Keygen(args) => cmd::keygen::run(args),
        Command::Verify(args) => cmd::verify::run(args),
        Command::Cert(args) => cmd::cert::run(args),
        Command::Tui(args) => cmd::tui::run(args),
        // (one match arm per subcommand)
    };
    cmd::exit(outcome)
}

/// The command line, with help and errors in the chosen language.
fn parse() -> Result<Cli, clap::Error> {
    let matches = i18n::help::localized(Cli::command()).try_get_matches()?;
    Cli::from_arg_matches(&matches)
}

/// Help and version as clap prints them; a mistake on the command line in the chosen language,
/// with clap's details (the argument, a suggestion) after it.
fn exit_parse_error(e: &clap::Error) -> ExitCode {
    match i18n::help::error(e) {
        Some(text) if e.use_stderr() => {
            eprint!("{text}");
            ExitCode::from(2)
        }
        _ => e.exit(),
    }
}
