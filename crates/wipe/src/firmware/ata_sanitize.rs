//! ATA SANITIZE DEVICE: CRYPTO SCRAMBLE EXT, BLOCK ERASE EXT or OVERWRITE EXT, then SANITIZE
//! STATUS EXT polling (ACS-4 7.32).

use tabula_device::command::ata::{self, SanitizeKind, SanitizeStatus};
use tabula_device::command::{Data, Transport};
use tabula_device::probe::identify_device;

use super::record::plain;
use super::{Ctx, Step};

fn status(ctx: &mut Ctx<'_, '_>) -> Result<SanitizeStatus, String> {
    let out = ctx
        .t
        .ata(&ata::sanitize_status(false), Data::None)
        .map_err(|e| plain(&e))?;
    Ok(SanitizeStatus::decode(&out))
}

fn failure(reason: u8) -> String {
    let why = match reason {
        1 => "the sanitize operation was unsuccessful (e.g. a power loss)",
        2 => "the drive does not support this sanitize command",
        3 => "the drive is in the Sanitize Frozen state",
        4 => "SANITIZE ANTIFREEZE LOCK is in effect",
        _ => "reason not given",
    };
    format!(
        "the sanitize failed: {why}; the drive stays in its sanitize failure state until a \
         sanitize completes: run the erase again"
    )
}

/// Runs one sanitize `kind`. Confirmed when SANITIZE STATUS EXT reports "completed without
/// error" for it: seen running, or with no completed sanitize reported before it started.
pub(crate) fn run(ctx: &mut Ctx<'_, '_>, kind: SanitizeKind) -> Step {
    let id = identify_device(&mut ctx.t).map_err(|e| plain(&e))?;
    let offered = match kind {
        SanitizeKind::CryptoScramble => id.sanitize_crypto,
        SanitizeKind::BlockErase => id.sanitize_block,
        SanitizeKind::Overwrite(_) => id.sanitize_overwrite,
    };
    if !offered {
        return Err("the drive does not offer this SANITIZE command (IDENTIFY word 59)".to_owned());
    }
    if id.security.locked {
        return Err("the drive is locked by an ATA password: unlock it first".to_owned());
    }
    let before = status(ctx)?;
    if before.in_progress {
        return Err("a sanitize is already running on this drive".to_owned());
    }
    if before.frozen {
        return Err(
            "the drive is in the Sanitize Frozen state (SANITIZE FREEZE LOCK, set by the \
             firmware at boot): a power cycle of the drive, or a suspend to RAM, lifts it"
                .to_owned(),
        );
    }
    (ctx.progress)(0);
    let out = ctx
        .t
        .ata(&ata::sanitize(kind), Data::None)
        .map_err(|e| plain(&e))?;
    if out.failed() {
        return Err(format!(
            "the drive refused SANITIZE: {}",
            ata::status_text(&out)
        ));
    }
    let mut seen_running = false;
    loop {
        ctx.wait_poll()?;
        let now = status(ctx)?;
        if let Some(reason) = now.failure_reason {
            return Err(failure(reason));
        }
        if now.in_progress {
            seen_running = true;
            (ctx.progress)(now.percent().min(99));
            continue;
        }
        if !now.completed_without_error {
            return Err(
                "the drive accepted SANITIZE but reports no completed sanitize operation: not \
                 erased"
                    .to_owned(),
            );
        }
        if !seen_running && before.completed_without_error {
            return Err(
                "SANITIZE STATUS EXT still reports an earlier completed sanitize and this one \
                 was never seen running: not confirmed"
                    .to_owned(),
            );
        }
        ctx.notes
            .push("confirmed: SANITIZE STATUS EXT reports completed without error".to_owned());
        return Ok(());
    }
}
