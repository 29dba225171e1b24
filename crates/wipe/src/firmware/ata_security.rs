//! ATA SECURITY ERASE UNIT, normal or enhanced (ACS-4 7.29 to 7.31 and 4.20), in the crash-safe
//! sequence: refuse a frozen drive (or, when asked, suspend to RAM and re-read IDENTIFY); set
//! Tabula's documented temporary user password; ERASE PREPARE immediately followed by ERASE
//! UNIT, with a timeout above the drive's own estimate; re-read IDENTIFY, which must show
//! security no longer enabled. On any failure the password is taken off again (UNLOCK, DISABLE
//! PASSWORD), so a drive is never left locked.

use std::time::Duration;

use tabula_device::command::ata::{self, IdentifyDevice, TEMPORARY_PASSWORD, password_sector};
use tabula_device::command::{Data, Transport};
use tabula_device::probe::identify_device;

use super::record::plain;
use super::{Ctx, Step};

/// What a technician reads when a drive is frozen.
pub const FROZEN: &str = "the drive's security is frozen (SECURITY FREEZE LOCK, usually sent by the \
     BIOS at boot): suspend the station to RAM and wake it (`rtcwake -m mem -s 10`, or ask \
     Tabula to do it), or hot-plug the drive's SATA power, then try again";

/// How to unlock by hand a drive left with Tabula's password.
const BY_HAND: &str = "the drive still carries Tabula's temporary password \"tabula\": unlock \
     it with `hdparm --user-master u --security-unlock tabula /dev/sdX` and \
     `hdparm --user-master u --security-disable tabula /dev/sdX`";

/// Suspends the station to RAM for `seconds` with `rtcwake -m mem -s <seconds>`.
pub fn rtcwake_suspend(seconds: u32) -> std::io::Result<()> {
    let status = std::process::Command::new("rtcwake")
        .args(["-m", "mem", "-s", &seconds.to_string()])
        .status()?;
    if status.success() {
        Ok(())
    } else {
        Err(std::io::Error::other(format!(
            "rtcwake exited with {status}"
        )))
    }
}

/// Tries to lift a frozen security state: runs `suspend` (normally [`rtcwake_suspend`]), then
/// re-reads IDENTIFY DEVICE. `Ok(true)`: no longer frozen.
pub fn unfreeze(
    transport: &mut dyn Transport,
    suspend: &mut dyn FnMut() -> std::io::Result<()>,
) -> Result<bool, String> {
    suspend().map_err(|e| format!("suspend to RAM failed: {e}"))?;
    let id = identify_device(transport).map_err(|e| plain(&e))?;
    Ok(!id.security.frozen)
}

fn identify(ctx: &mut Ctx<'_, '_>) -> Result<IdentifyDevice, String> {
    identify_device(&mut ctx.t).map_err(|e| plain(&e))
}

/// Sends a password command with Tabula's temporary password; `Ok` when the drive accepted it.
fn with_password(
    ctx: &mut Ctx<'_, '_>,
    cmd: &tabula_device::command::AtaCommand,
    enhanced: bool,
) -> Result<(), String> {
    let sector = password_sector(TEMPORARY_PASSWORD, enhanced);
    let out = ctx.t.ata(cmd, Data::Out(&sector)).map_err(|e| plain(&e))?;
    if out.failed() {
        Err(ata::status_text(&out))
    } else {
        Ok(())
    }
}

/// The erase timeout: half as long again as the drive's estimate plus 30 minutes; 12 hours
/// when it gives none.
fn erase_timeout(estimate: Option<u64>) -> Duration {
    match estimate {
        Some(secs) => Duration::from_secs(secs + secs / 2 + 1800),
        None => Duration::from_secs(12 * 3600),
    }
}

pub(crate) fn erase(ctx: &mut Ctx<'_, '_>, enhanced: bool) -> Step {
    let mut id = identify(ctx)?;
    let sec = id.security;
    if !sec.supported {
        return Err("the drive does not support the ATA Security feature set".to_owned());
    }
    if enhanced && !sec.enhanced_erase {
        return Err("the drive does not support enhanced security erase".to_owned());
    }
    if sec.frozen {
        let Some(seconds) = ctx.options.unfreeze_by_suspend else {
            return Err(FROZEN.to_owned());
        };
        if !unfreeze(&mut ctx.t, &mut || rtcwake_suspend(seconds))? {
            return Err(format!("still frozen after a suspend to RAM: {FROZEN}"));
        }
        ctx.notes
            .push("the drive was frozen; a suspend to RAM lifted it".to_owned());
        id = identify(ctx)?;
    }
    if sec.count_expired {
        return Err(
            "the drive's password attempt counter has expired: power-cycle it first".to_owned(),
        );
    }
    if id.security.locked {
        // Perhaps left locked with Tabula's password by an interrupted erase.
        with_password(ctx, &ata::security_unlock(), false).map_err(|_| {
            "the drive is locked with a password Tabula does not know: unlock it with its \
             password first"
                .to_owned()
        })?;
        ctx.notes
            .push("the drive was locked with Tabula's temporary password; unlocked".to_owned());
    }
    with_password(ctx, &ata::security_set_password(), false)
        .map_err(|status| format!("the drive refused SECURITY SET PASSWORD: {status}"))?;
    // From here on the drive carries a password: every way out goes through `restore`.
    let estimate = if enhanced {
        id.enhanced_erase_secs
    } else {
        id.erase_secs
    };
    (ctx.progress)(0);
    if let Err(why) = prepare_and_erase(ctx, enhanced, erase_timeout(estimate)) {
        return Err(format!("{why}; {}", restore(ctx)));
    }
    let after = identify(ctx)?;
    if after.security.enabled || after.security.locked {
        return Err(format!(
            "the drive reported SECURITY ERASE UNIT as successful but its password is still \
             set, so the erase did not run: not erased; {}",
            restore(ctx)
        ));
    }
    ctx.notes.push(
        "confirmed: IDENTIFY DEVICE shows security no longer enabled after the erase".to_owned(),
    );
    Ok(())
}

/// ERASE PREPARE immediately followed by ERASE UNIT (ACS-4 7.30: the drive aborts ERASE UNIT
/// unless the previous command was ERASE PREPARE).
fn prepare_and_erase(ctx: &mut Ctx<'_, '_>, enhanced: bool, timeout: Duration) -> Step {
    let out = ctx
        .t
        .ata(&ata::security_erase_prepare(), Data::None)
        .map_err(|e| plain(&e))?;
    if out.failed() {
        return Err(format!(
            "the drive refused SECURITY ERASE PREPARE: {}",
            ata::status_text(&out)
        ));
    }
    match with_password(ctx, &ata::security_erase_unit(timeout), enhanced) {
        Ok(()) => Ok(()),
        Err(status) => Err(format!("SECURITY ERASE UNIT failed: {status}")),
    }
}

/// Takes Tabula's password off the drive after a failure (UNLOCK if locked, then DISABLE
/// PASSWORD) and says in plain words where the drive is left.
fn restore(ctx: &mut Ctx<'_, '_>) -> String {
    let result = (|| -> Result<(), String> {
        let id = identify(ctx)?;
        if id.security.locked {
            with_password(ctx, &ata::security_unlock(), false)?;
        }
        let id = identify(ctx)?;
        if id.security.enabled {
            with_password(ctx, &ata::security_disable_password(), false)?;
        }
        let id = identify(ctx)?;
        if id.security.enabled || id.security.locked {
            return Err("security is still enabled".to_owned());
        }
        Ok(())
    })();
    match result {
        Ok(()) => "the temporary password was removed: the drive is not locked".to_owned(),
        Err(why) => format!("removing the temporary password failed ({why}): {BY_HAND}"),
    }
}
