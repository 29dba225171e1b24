//! One module per subcommand. Each exposes `Args` (clap) and `run(Args) -> anyhow::Result<Outcome>`.

pub mod audit;
pub mod cert;
mod describe;
pub mod devices;
pub mod enroll;
pub mod issuer;
pub mod keygen;
pub mod resume;
pub mod run;
pub mod transport;
pub mod tui;
pub mod upload;
pub mod verify;
pub mod wipe;

use std::process::ExitCode;

pub use describe::{describe, preflight};

/// What a subcommand reports back: success, or a failure already explained to the user.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Success,
    /// The command ran but its result is not a success (e.g. a wipe with errors); exit code 1.
    Failure,
    /// `tabula verify`: every signature verifies, but not every drive was erased and
    /// verified; exit code 3.
    NotFullyErased,
}

/// The one place where outcomes and errors become exit codes: 0 success, 1 failed result, 2 error,
/// 3 signature valid but not fully erased.
pub fn exit(outcome: anyhow::Result<Outcome>) -> ExitCode {
    match outcome {
        Ok(Outcome::Success) => ExitCode::SUCCESS,
        Ok(Outcome::Failure) => ExitCode::from(1),
        Ok(Outcome::NotFullyErased) => ExitCode::from(3),
        Err(err) => {
            eprintln!(
                "tabula: {}: {}",
                crate::i18n::t().commands.errors.error,
                describe(err.as_ref())
            );
            ExitCode::from(2)
        }
    }
}
