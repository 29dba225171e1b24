//! NVMe Format NVM (SES=1/2) and Sanitize (block, crypto, overwrite), NVMe Base 2.0 sections
//! 5.23 and 5.24 (Format NVM, Sanitize) and 8.21 (sanitize operations).

use tabula_device::command::nvme::{
    self, IdentifyController, IdentifyNamespace, SanitizeAction, SanitizeState, SanitizeStatus,
    SecureErase,
};
use tabula_device::command::{Data, Transport};

use super::record::plain;
use super::{Ctx, Step};

fn identify_namespace(ctx: &mut Ctx<'_, '_>, nsid: u32) -> Result<IdentifyNamespace, String> {
    let mut buf = vec![0u8; nvme::IDENTIFY_LEN];
    let done = ctx
        .t
        .nvme_admin(&nvme::identify_namespace(nsid), Data::In(&mut buf))
        .map_err(|e| plain(&e))?;
    if !done.is_success() {
        return Err(format!(
            "Identify Namespace failed: {}",
            nvme::status_text(done.status)
        ));
    }
    IdentifyNamespace::decode(&buf).ok_or_else(|| "Identify Namespace: unusable answer".to_owned())
}

fn identify_controller(ctx: &mut Ctx<'_, '_>) -> Result<IdentifyController, String> {
    let mut buf = vec![0u8; nvme::IDENTIFY_LEN];
    let done = ctx
        .t
        .nvme_admin(&nvme::identify_controller(), Data::In(&mut buf))
        .map_err(|e| plain(&e))?;
    if !done.is_success() {
        return Err(format!(
            "Identify Controller failed: {}",
            nvme::status_text(done.status)
        ));
    }
    IdentifyController::decode(&buf)
        .ok_or_else(|| "Identify Controller: unusable answer".to_owned())
}

fn sanitize_status(ctx: &mut Ctx<'_, '_>) -> Result<SanitizeStatus, String> {
    let mut buf = vec![0u8; nvme::SANITIZE_LOG_LEN];
    let done = ctx
        .t
        .nvme_admin(&nvme::get_sanitize_log(), Data::In(&mut buf))
        .map_err(|e| plain(&e))?;
    if !done.is_success() {
        return Err(format!(
            "reading the Sanitize Status log failed: {}",
            nvme::status_text(done.status)
        ));
    }
    SanitizeStatus::decode(&buf).ok_or_else(|| "Sanitize Status log: unusable answer".to_owned())
}

/// Format NVM with `ses` on the drive's namespace, keeping its LBA format. Confirmed by
/// re-reading Identify Namespace: still there with the same size and format, and on a
/// thin-provisioned namespace (NSFEAT THINP) no block in use any more.
pub(crate) fn format(ctx: &mut Ctx<'_, '_>, ses: SecureErase) -> Step {
    let nsid = ctx
        .t
        .nvme_namespace()
        .ok_or_else(|| "the NVMe namespace of the drive is unknown".to_owned())?;
    let id = identify_controller(ctx)?;
    if ses == SecureErase::Crypto && !id.format_crypto() {
        // Some controllers (QEMU's) accept SES=2 without offering it: never send it then.
        return Err(
            "the controller does not offer cryptographic erase by Format NVM (FNA bit 2)"
                .to_owned(),
        );
    }
    if id.format_all_namespaces() || (ses != SecureErase::None && id.erase_all_namespaces()) {
        ctx.notes.push(format!(
            "Format NVM applies to every namespace of this controller ({} namespaces), not only \
             namespace {nsid} (FNA)",
            id.namespaces
        ));
    }
    let before = identify_namespace(ctx, nsid)?;
    (ctx.progress)(0);
    let cmd = nvme::format_nvm(nsid, before.lba_format, ses, ctx.max_wait());
    let done = ctx.t.nvme_admin(&cmd, Data::None).map_err(|e| {
        format!(
            "Format NVM did not complete: {}; the namespace may be partly erased: run the \
             erase again",
            plain(&e)
        )
    })?;
    if !done.is_success() {
        return Err(format!(
            "the drive refused Format NVM: {}",
            nvme::status_text(done.status)
        ));
    }
    let after = identify_namespace(ctx, nsid)?;
    if (after.size_blocks, after.lba_format) != (before.size_blocks, before.lba_format) {
        return Err(format!(
            "after Format NVM the namespace changed ({} blocks, format {} were {} blocks, format {})",
            after.size_blocks, after.lba_format, before.size_blocks, before.lba_format
        ));
    }
    if after.thin {
        if after.used_blocks != 0 {
            return Err(format!(
                "the drive reported Format NVM as successful but still has {} blocks in use \
                 (NUSE): not erased",
                after.used_blocks
            ));
        }
        ctx.notes
            .push("confirmed: the namespace reports no block in use after the format".to_owned());
    } else {
        ctx.notes.push(
            "the namespace does not report allocation (NSFEAT THINP clear): the format is \
             confirmed by its completion and the namespace read back; the data itself is \
             checked by verification"
                .to_owned(),
        );
    }
    Ok(())
}

/// Sanitize with `action`, polled through the Sanitize Status log until it completes or fails.
/// Confirmed when the log says this sanitize (its command dword 10) completed, having seen it
/// run or having seen no earlier completed sanitize before it.
pub(crate) fn sanitize(ctx: &mut Ctx<'_, '_>, action: SanitizeAction) -> Step {
    let id = identify_controller(ctx)?;
    let offered = match action {
        SanitizeAction::BlockErase => id.sanitize_block(),
        SanitizeAction::CryptoErase => id.sanitize_crypto(),
        SanitizeAction::Overwrite => id.sanitize_overwrite(),
        SanitizeAction::ExitFailureMode => false,
    };
    if !offered {
        return Err("the controller does not offer this sanitize action (SANICAP)".to_owned());
    }
    let no_dealloc = ctx.options.no_dealloc;
    if no_dealloc && id.no_dealloc_inhibited() {
        return Err(
            "the controller does not allow No-Deallocate After Sanitize (SANICAP NDI)".to_owned(),
        );
    }
    let before = sanitize_status(ctx)?;
    if before.state == SanitizeState::InProgress {
        return Err("a sanitize is already running on this controller".to_owned());
    }
    ctx.notes.push(
        "Sanitize affects every namespace of the controller and all of its caches".to_owned(),
    );
    let cmd = nvme::sanitize(
        action,
        ctx.options.ause,
        no_dealloc,
        ctx.options.overwrite_pattern,
    );
    (ctx.progress)(0);
    let done = ctx.t.nvme_admin(&cmd, Data::None).map_err(|e| plain(&e))?;
    if !done.is_success() {
        return Err(format!(
            "the drive refused Sanitize: {}",
            nvme::status_text(done.status)
        ));
    }
    let mut seen_running = false;
    loop {
        ctx.wait_poll()?;
        let status = sanitize_status(ctx)?;
        match status.state {
            SanitizeState::InProgress => {
                seen_running = true;
                (ctx.progress)(status.percent().min(99));
            }
            SanitizeState::Failed => {
                return Err(
                    "the sanitize failed (Sanitize Status: failed, e.g. after a power loss); the \
                     drive stays in its sanitize failure state until a sanitize completes: run \
                     the erase again"
                        .to_owned(),
                );
            }
            SanitizeState::Completed | SanitizeState::CompletedDeallocated => {
                let ours = status.cdw10 & 0x7 == cmd.cdw10 & 0x7;
                let fresh = seen_running
                    || !matches!(
                        before.state,
                        SanitizeState::Completed | SanitizeState::CompletedDeallocated
                    );
                if !(ours && fresh) {
                    return Err(
                        "the Sanitize Status log shows an earlier sanitize, not this one: not \
                         confirmed"
                            .to_owned(),
                    );
                }
                if status.global_data_erased {
                    ctx.notes
                        .push("the drive reports Global Data Erased after the sanitize".to_owned());
                }
                return Ok(());
            }
            SanitizeState::NeverSanitized | SanitizeState::Reserved(_) => {
                return Err(
                    "the drive accepted Sanitize but its Sanitize Status log shows no sanitize \
                     operation: not erased"
                        .to_owned(),
                );
            }
        }
    }
}
