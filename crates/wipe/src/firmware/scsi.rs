//! SCSI SANITIZE with IMMED (SBC-4 5.30 and 4.11), polled with REQUEST SENSE (SPC-5 5.12.3:
//! NOT READY, 04h/1Bh with a progress indication while it runs; 31h/03h after a failure).

use tabula_device::command::scsi::{self, SanitizeAction, Sense};
use tabula_device::command::{Data, Transport};

use super::record::plain;
use super::{Ctx, Step};

fn request_sense(ctx: &mut Ctx<'_, '_>) -> Result<Option<Sense>, String> {
    let mut buf = [0u8; 252];
    let out = ctx
        .t
        .scsi(&scsi::request_sense(), Data::In(&mut buf))
        .map_err(|e| plain(&e))?;
    if out.status != scsi::STATUS_GOOD {
        return Err(format!("REQUEST SENSE failed: {}", scsi::status_text(&out)));
    }
    Ok(Sense::decode(&buf))
}

/// Confirmed when the drive was seen sanitizing and then reports neither a running nor a failed
/// sanitize: SCSI keeps no completion record to read back afterwards, so a drive never seen
/// running is not taken at its word.
pub(crate) fn sanitize(ctx: &mut Ctx<'_, '_>, action: SanitizeAction) -> Step {
    if request_sense(ctx)?.is_some_and(|s| s.sanitize_in_progress()) {
        return Err("a sanitize is already running on this drive".to_owned());
    }
    let params = match action {
        SanitizeAction::Overwrite => scsi::overwrite_parameters(ctx.options.overwrite_pattern),
        _ => Vec::new(),
    };
    let cmd = scsi::sanitize(action, ctx.options.ause, params.len() as u16);
    let data = if params.is_empty() {
        Data::None
    } else {
        Data::Out(&params)
    };
    (ctx.progress)(0);
    let out = ctx.t.scsi(&cmd, data).map_err(|e| plain(&e))?;
    if out.status != scsi::STATUS_GOOD {
        return Err(format!(
            "the drive refused SANITIZE: {}",
            scsi::status_text(&out)
        ));
    }
    let mut seen_running = false;
    loop {
        ctx.wait_poll()?;
        let sense = request_sense(ctx)?;
        match sense {
            Some(s) if s.sanitize_in_progress() => {
                seen_running = true;
                let percent = s.progress.map_or(0, |p| (u32::from(p) * 100 / 65536) as u8);
                (ctx.progress)(percent.min(99));
            }
            Some(s) if s.sanitize_failed() => {
                return Err(
                    "the sanitize failed (SANITIZE COMMAND FAILED, e.g. after a power loss); the \
                     drive refuses media access until a sanitize completes: run the erase again"
                        .to_owned(),
                );
            }
            _ if !seen_running => {
                return Err(
                    "the drive accepted SANITIZE but was never seen sanitizing: not confirmed"
                        .to_owned(),
                );
            }
            _ => {
                ctx.notes.push(
                    "confirmed: the drive reported the sanitize running, then no sanitize in \
                     progress and no failure"
                        .to_owned(),
                );
                return Ok(());
            }
        }
    }
}
