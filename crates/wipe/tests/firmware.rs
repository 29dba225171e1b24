//! Firmware erase state machines against the scripted drives of `tabula_device::sim` (never a
//! real device).
//!
//! - probe: capabilities read from each simulator (order `auto` prefers, frozen/locked, hidden
//!   areas, QEMU's NVMe limits, a bridge without pass-through).
//! - nvme: Format NVM SES=1/2 and Sanitize erase the data and are confirmed from re-read state;
//!   sanitize unsupported, power loss mid-sanitize and a drive that claims success are not.
//! - ata: SANITIZE with status polling; SECURITY ERASE UNIT's crash-safe sequence, frozen drives
//!   (refused with the rtcwake advice, or unfrozen by a suspend), power loss leaving the drive
//!   locked (unlocked again), a lying drive, a drive locked by someone else.
//! - scsi: SANITIZE with REQUEST SENSE polling, failure and a drive never seen sanitizing.
//! - hidden: HPA and DCO removal with before/after.

#![allow(clippy::unwrap_used)] // test code: a failed unwrap is a failed test

use std::time::Duration;

use tabula_device::Bus;
use tabula_device::capabilities::{Capabilities, CommandSet, FirmwareOp};
use tabula_device::command::Transport;
use tabula_device::probe::probe_bus;
use tabula_device::sim::{AtaConfig, Faults, NvmeConfig, ScsiConfig, SimAta, SimNvme, SimScsi};
use tabula_wipe::firmware::hidden::remove_hidden_areas;
use tabula_wipe::firmware::{FirmwareOptions, FirmwareOutcome, run_with, unfreeze};

fn fast() -> FirmwareOptions {
    FirmwareOptions {
        poll_interval: Duration::ZERO,
        max_wait: Some(Duration::from_secs(30)),
        ..FirmwareOptions::default()
    }
}

/// Probes the drive, then runs `op` with fast polling; returns the outcome and the progress
/// reported.
fn erase(t: &mut dyn Transport, bus: Bus, op: FirmwareOp) -> (FirmwareOutcome, Vec<u8>) {
    let caps = probe_bus(t, bus);
    erase_with(t, &caps, op, &fast())
}

fn erase_with(
    t: &mut dyn Transport,
    caps: &Capabilities,
    op: FirmwareOp,
    options: &FirmwareOptions,
) -> (FirmwareOutcome, Vec<u8>) {
    let mut progress = Vec::new();
    let outcome = run_with(op, t, caps, options, &mut |p| progress.push(p));
    (outcome, progress)
}

fn commands(o: &FirmwareOutcome) -> Vec<&str> {
    o.commands.iter().map(|c| c.command.as_str()).collect()
}

fn all(data: &[u8], byte: u8) -> bool {
    data.iter().all(|b| *b == byte)
}

// ---------------------------------------------------------------- probe

#[test]
fn probe_orders_operations_as_auto_prefers() {
    let mut nvme = SimNvme::new(NvmeConfig::default());
    let caps = probe_bus(&mut nvme, Bus::Nvme);
    assert_eq!(caps.command_set, CommandSet::Nvme);
    assert_eq!(
        caps.supported,
        vec![
            FirmwareOp::NvmeSanitizeCrypto,
            FirmwareOp::NvmeSanitizeBlock,
            FirmwareOp::NvmeFormatCrypto,
            FirmwareOp::NvmeFormat,
            FirmwareOp::NvmeSanitizeOverwrite,
        ]
    );
    assert_eq!(
        caps.estimate_secs,
        Some(2),
        "crypto erase estimate from log 81h"
    );

    let mut ata = SimAta::new(AtaConfig::default());
    let caps = probe_bus(&mut ata, Bus::Sata);
    assert_eq!(
        caps.supported,
        vec![
            FirmwareOp::AtaSanitizeCrypto,
            FirmwareOp::AtaSanitizeBlock,
            FirmwareOp::AtaSecureEraseEnhanced,
            FirmwareOp::AtaSecureErase,
            FirmwareOp::AtaSanitizeOverwrite,
        ]
    );
    assert!(!caps.frozen && !caps.locked);
    let hidden = caps.hidden.unwrap();
    assert!(!hidden.has_hpa() && !hidden.has_dco());

    // A SAS drive on the SCSI bus: ATA pass-through is refused, SCSI answers.
    let mut sas = SimScsi::new(ScsiConfig::default());
    let caps = probe_bus(&mut sas, Bus::Scsi);
    assert_eq!(caps.command_set, CommandSet::Scsi);
    assert_eq!(
        caps.supported,
        vec![
            FirmwareOp::ScsiSanitizeCrypto,
            FirmwareOp::ScsiSanitizeBlock,
            FirmwareOp::ScsiSanitizeOverwrite,
        ]
    );
}

#[test]
fn probe_reports_qemu_nvme_limits_and_ata_state() {
    let mut qemu = SimNvme::new(NvmeConfig::qemu());
    let caps = probe_bus(&mut qemu, Bus::Nvme);
    assert_eq!(caps.supported, vec![FirmwareOp::NvmeFormat]);
    assert_eq!(caps.estimate_secs, None);

    let mut frozen = SimAta::new(AtaConfig {
        frozen: true,
        sanitize: false,
        native_sectors: Some(80),
        dco_sectors: Some(96),
        ..AtaConfig::default()
    });
    let caps = probe_bus(&mut frozen, Bus::Sata);
    assert!(caps.frozen);
    assert_eq!(caps.estimate_secs, Some(120), "word 90 in 2-minute units");
    let hidden = caps.hidden.unwrap();
    assert_eq!(
        (
            hidden.current_sectors,
            hidden.native_sectors,
            hidden.dco_sectors
        ),
        (64, Some(80), Some(96))
    );
    assert!(hidden.has_hpa() && hidden.has_dco());

    let mut bridge = SimAta::new(AtaConfig {
        no_passthrough: true,
        ..AtaConfig::default()
    });
    let caps = probe_bus(&mut bridge, Bus::Usb);
    assert_eq!(caps.command_set, CommandSet::None);
    assert!(
        caps.unreachable
            .as_deref()
            .unwrap()
            .contains("attach the drive directly"),
        "{caps:?}"
    );
    // And a firmware method on it fails with that reason, sending nothing.
    let (o, _) = erase_with(&mut bridge, &caps, FirmwareOp::AtaSanitizeCrypto, &fast());
    assert!(!o.confirmed && o.commands.is_empty());
    assert!(o.error.unwrap().contains("attach the drive directly"));

    let loop_caps = probe_bus(&mut bridge, Bus::Loop);
    assert!(loop_caps.unreachable.unwrap().contains("loop"));
}

// ---------------------------------------------------------------- nvme

#[test]
fn nvme_format_erases_and_is_confirmed() {
    for (op, ses) in [
        (FirmwareOp::NvmeFormat, "SES=1"),
        (FirmwareOp::NvmeFormatCrypto, "SES=2"),
    ] {
        let drive = SimNvme::new(NvmeConfig::default());
        let (o, progress) = erase(&mut drive.clone(), Bus::Nvme, op);
        assert!(o.succeeded(), "{o:?}");
        assert!(commands(&o).iter().any(|c| c.contains(ses)), "{o:?}");
        assert!(!drive.media().holds_user_data());
        assert_eq!(progress.last(), Some(&100));
        if op == FirmwareOp::NvmeFormat {
            assert!(all(&drive.media().snapshot(), 0));
        }
    }
}

#[test]
fn nvme_format_on_qemu_is_confirmed_by_completion_and_crypto_is_refused() {
    let drive = SimNvme::new(NvmeConfig::qemu());
    let (o, _) = erase(&mut drive.clone(), Bus::Nvme, FirmwareOp::NvmeFormat);
    assert!(o.succeeded(), "{o:?}");
    assert!(o.notes.iter().any(|n| n.contains("THINP")), "{o:?}");
    assert!(all(&drive.media().snapshot(), 0));
    // QEMU would accept SES=2, but Identify does not offer it: nothing is sent.
    let drive = SimNvme::new(NvmeConfig::qemu());
    let (o, _) = erase(&mut drive.clone(), Bus::Nvme, FirmwareOp::NvmeFormatCrypto);
    assert!(!o.confirmed && o.commands.is_empty(), "{o:?}");
    assert!(drive.media().holds_user_data());
}

#[test]
fn nvme_format_that_leaves_data_is_not_confirmed() {
    let drive = SimNvme::new(NvmeConfig {
        faults: Faults {
            ignores_erase: true,
            ..Faults::default()
        },
        ..NvmeConfig::default()
    });
    let (o, _) = erase(&mut drive.clone(), Bus::Nvme, FirmwareOp::NvmeFormat);
    assert!(!o.confirmed, "{o:?}");
    assert!(o.error.unwrap().contains("in use"));
    assert!(drive.media().holds_user_data());
}

#[test]
fn nvme_sanitize_polls_to_completion() {
    for op in [
        FirmwareOp::NvmeSanitizeCrypto,
        FirmwareOp::NvmeSanitizeBlock,
        FirmwareOp::NvmeSanitizeOverwrite,
    ] {
        let drive = SimNvme::new(NvmeConfig::default());
        let (o, progress) = erase(&mut drive.clone(), Bus::Nvme, op);
        assert!(o.succeeded(), "{o:?}");
        assert!(!drive.media().holds_user_data());
        // Progress from SPROG while running (25, 50, 75), then 100.
        assert_eq!(progress, vec![0, 25, 50, 75, 100], "{op:?}");
        let polls = o.commands.iter().find(|c| {
            c.command
                .starts_with("GET LOG PAGE 81h (Sanitize Status) (sent")
        });
        assert!(polls.is_some(), "polling is summarised: {:?}", commands(&o));
        assert!(o.notes.iter().any(|n| n.contains("every namespace")));
    }
}

#[test]
fn nvme_sanitize_errors_are_not_confirmed() {
    // Unsupported: refused before any command.
    let drive = SimNvme::new(NvmeConfig::qemu());
    let (o, _) = erase(&mut drive.clone(), Bus::Nvme, FirmwareOp::NvmeSanitizeBlock);
    assert!(!o.confirmed && o.commands.is_empty());
    assert!(o.error.unwrap().contains("does not support"));

    // Capabilities that claim it, a drive that rejects the opcode: the status is recorded.
    let caps = Capabilities {
        supported: vec![FirmwareOp::NvmeSanitizeBlock],
        ..Capabilities::of(CommandSet::Nvme)
    };
    let drive = SimNvme::new(NvmeConfig {
        faults: Faults {
            sanitize_unsupported: true,
            ..Faults::default()
        },
        ..NvmeConfig::default()
    });
    let (o, _) = erase_with(
        &mut drive.clone(),
        &caps,
        FirmwareOp::NvmeSanitizeBlock,
        &fast(),
    );
    assert!(!o.confirmed);
    let sent = o
        .commands
        .iter()
        .find(|c| c.command.starts_with("SANITIZE"))
        .unwrap();
    assert_eq!(sent.status, "Invalid Command Opcode (0x0001)");
    assert!(!sent.ok);

    // Power loss half-way: Sanitize Status says failed, half the data is left.
    let drive = SimNvme::new(NvmeConfig {
        faults: Faults {
            power_loss_mid_erase: true,
            ..Faults::default()
        },
        ..NvmeConfig::default()
    });
    let (o, _) = erase(&mut drive.clone(), Bus::Nvme, FirmwareOp::NvmeSanitizeBlock);
    assert!(!o.confirmed);
    assert!(o.error.unwrap().contains("failed"));
    assert!(drive.media().holds_user_data());

    // Success claimed, nothing done: the log shows no sanitize.
    let drive = SimNvme::new(NvmeConfig {
        faults: Faults {
            ignores_erase: true,
            ..Faults::default()
        },
        ..NvmeConfig::default()
    });
    let (o, _) = erase(
        &mut drive.clone(),
        Bus::Nvme,
        FirmwareOp::NvmeSanitizeCrypto,
    );
    assert!(!o.confirmed, "{o:?}");
    assert!(drive.media().holds_user_data());

    // A second sanitize that the drive ignores: the log still shows the first one completed.
    let drive = SimNvme::new(NvmeConfig::default());
    assert!(
        erase(&mut drive.clone(), Bus::Nvme, FirmwareOp::NvmeSanitizeBlock)
            .0
            .succeeded()
    );
    drive.set_faults(Faults {
        ignores_erase: true,
        ..Faults::default()
    });
    let (o, _) = erase(&mut drive.clone(), Bus::Nvme, FirmwareOp::NvmeSanitizeBlock);
    assert!(!o.confirmed, "a stale completion must not confirm: {o:?}");
}

// ---------------------------------------------------------------- ata sanitize

#[test]
fn ata_sanitize_polls_to_completion() {
    for (op, check) in [
        (FirmwareOp::AtaSanitizeBlock, Some(0u8)),
        (FirmwareOp::AtaSanitizeCrypto, None),
        (FirmwareOp::AtaSanitizeOverwrite, Some(0u8)),
    ] {
        let drive = SimAta::new(AtaConfig::default());
        let (o, progress) = erase(&mut drive.clone(), Bus::Sata, op);
        assert!(o.succeeded(), "{o:?}");
        assert_eq!(progress, vec![0, 25, 50, 75, 100]);
        assert!(!drive.media().holds_user_data());
        if let Some(byte) = check {
            assert!(all(&drive.media().snapshot(), byte));
        }
    }
}

#[test]
fn ata_sanitize_errors_are_not_confirmed() {
    let faulty = |faults| {
        SimAta::new(AtaConfig {
            faults,
            ..AtaConfig::default()
        })
    };
    let drive = faulty(Faults {
        power_loss_mid_erase: true,
        ..Faults::default()
    });
    let (o, _) = erase(&mut drive.clone(), Bus::Sata, FirmwareOp::AtaSanitizeBlock);
    assert!(!o.confirmed);
    assert!(o.error.unwrap().contains("unsuccessful"));
    assert!(drive.media().holds_user_data());

    let drive = faulty(Faults {
        ignores_erase: true,
        ..Faults::default()
    });
    let (o, _) = erase(&mut drive.clone(), Bus::Sata, FirmwareOp::AtaSanitizeCrypto);
    assert!(!o.confirmed);
    assert!(o.error.unwrap().contains("no completed sanitize"));
    assert!(drive.media().holds_user_data());

    // Unsupported by the drive: probe leaves it out, run refuses without a command.
    let drive = faulty(Faults {
        sanitize_unsupported: true,
        ..Faults::default()
    });
    let (o, _) = erase(&mut drive.clone(), Bus::Sata, FirmwareOp::AtaSanitizeBlock);
    assert!(!o.confirmed && o.commands.is_empty());
}

// ---------------------------------------------------------------- ata security erase

#[test]
fn ata_security_erase_sequence() {
    for (op, enhanced) in [
        (FirmwareOp::AtaSecureErase, false),
        (FirmwareOp::AtaSecureEraseEnhanced, true),
    ] {
        let drive = SimAta::new(AtaConfig {
            erase_minutes: 10,
            ..AtaConfig::default()
        });
        let (o, _) = erase(&mut drive.clone(), Bus::Sata, op);
        assert!(o.succeeded(), "{o:?}");
        let unit = if enhanced {
            "SECURITY ERASE UNIT (enhanced)"
        } else {
            "SECURITY ERASE UNIT (normal)"
        };
        assert_eq!(
            commands(&o),
            vec![
                "IDENTIFY DEVICE",
                "SECURITY SET PASSWORD (user, temporary)",
                "SECURITY ERASE PREPARE",
                unit,
                "IDENTIFY DEVICE",
            ]
        );
        assert_eq!(drive.security(), (false, false, false));
        assert!(!drive.media().holds_user_data());
        // Above the drive's own estimate (10 minutes).
        assert!(drive.last_erase_timeout().unwrap() > Duration::from_secs(600));
    }
}

#[test]
fn ata_security_erase_refuses_a_frozen_drive_with_advice() {
    let drive = SimAta::new(AtaConfig {
        frozen: true,
        ..AtaConfig::default()
    });
    let (o, _) = erase(&mut drive.clone(), Bus::Sata, FirmwareOp::AtaSecureErase);
    assert!(!o.confirmed);
    assert!(o.error.as_deref().unwrap().contains("rtcwake -m mem"));
    assert_eq!(
        commands(&o),
        vec!["IDENTIFY DEVICE"],
        "nothing but IDENTIFY was sent"
    );
    assert_eq!(drive.security(), (false, false, true));
    assert!(drive.media().holds_user_data());

    // The unfreeze path: a suspend, then IDENTIFY shows it thawed, and the erase goes through.
    let mut t = drive.clone();
    let handle = drive.clone();
    assert!(
        unfreeze(&mut t, &mut || {
            handle.suspend_resume();
            Ok(())
        })
        .unwrap()
    );
    let (o, _) = erase(&mut drive.clone(), Bus::Sata, FirmwareOp::AtaSecureErase);
    assert!(o.succeeded(), "{o:?}");

    // A drive that stays frozen is reported as such.
    let stuck = SimAta::new(AtaConfig {
        frozen: true,
        unfreezes_on_resume: false,
        ..AtaConfig::default()
    });
    let handle = stuck.clone();
    assert!(
        !unfreeze(&mut stuck.clone(), &mut || {
            handle.suspend_resume();
            Ok(())
        })
        .unwrap()
    );
}

#[test]
fn ata_security_erase_power_loss_leaves_the_drive_unlocked() {
    let drive = SimAta::new(AtaConfig {
        faults: Faults {
            power_loss_mid_erase: true,
            ..Faults::default()
        },
        ..AtaConfig::default()
    });
    let (o, _) = erase(
        &mut drive.clone(),
        Bus::Sata,
        FirmwareOp::AtaSecureEraseEnhanced,
    );
    assert!(!o.confirmed);
    let error = o.error.clone().unwrap();
    assert!(error.contains("not locked"), "{error}");
    assert_eq!(drive.security(), (false, false, false), "password removed");
    let sent = commands(&o);
    assert!(
        sent.contains(&"SECURITY UNLOCK (user, temporary password)"),
        "{sent:?}"
    );
    assert!(
        sent.contains(&"SECURITY DISABLE PASSWORD (user, temporary)"),
        "{sent:?}"
    );
    assert!(drive.media().holds_user_data());

    // A drive left locked with Tabula's password by a crash is unlocked and erased next time.
    let drive = SimAta::new(AtaConfig {
        locked_with: Some(b"tabula".to_vec()),
        ..AtaConfig::default()
    });
    let (o, _) = erase(&mut drive.clone(), Bus::Sata, FirmwareOp::AtaSecureErase);
    assert!(o.succeeded(), "{o:?}");
    // One locked with somebody else's password is refused and stays as it was.
    let drive = SimAta::new(AtaConfig {
        locked_with: Some(b"owner".to_vec()),
        ..AtaConfig::default()
    });
    let (o, _) = erase(&mut drive.clone(), Bus::Sata, FirmwareOp::AtaSecureErase);
    assert!(o.error.unwrap().contains("does not know"));
    assert_eq!(drive.security(), (true, true, false));
}

#[test]
fn ata_security_erase_that_does_nothing_is_not_confirmed() {
    let drive = SimAta::new(AtaConfig {
        faults: Faults {
            ignores_erase: true,
            ..Faults::default()
        },
        ..AtaConfig::default()
    });
    let (o, _) = erase(&mut drive.clone(), Bus::Sata, FirmwareOp::AtaSecureErase);
    assert!(!o.confirmed);
    assert!(o.error.unwrap().contains("password is still set"));
    assert_eq!(
        drive.security(),
        (false, false, false),
        "password removed again"
    );
    assert!(drive.media().holds_user_data());
}

// ---------------------------------------------------------------- scsi

#[test]
fn scsi_sanitize_polls_and_fails_honestly() {
    for op in [
        FirmwareOp::ScsiSanitizeBlock,
        FirmwareOp::ScsiSanitizeCrypto,
        FirmwareOp::ScsiSanitizeOverwrite,
    ] {
        let drive = SimScsi::new(ScsiConfig::default());
        let (o, progress) = erase(&mut drive.clone(), Bus::Scsi, op);
        assert!(o.succeeded(), "{o:?}");
        assert_eq!(progress, vec![0, 25, 50, 75, 100]);
        assert!(!drive.media().holds_user_data());
    }
    for (faults, words) in [
        (
            Faults {
                power_loss_mid_erase: true,
                ..Faults::default()
            },
            "SANITIZE COMMAND FAILED",
        ),
        (
            Faults {
                ignores_erase: true,
                ..Faults::default()
            },
            "never seen sanitizing",
        ),
    ] {
        let drive = SimScsi::new(ScsiConfig {
            faults,
            ..ScsiConfig::default()
        });
        let (o, _) = erase(&mut drive.clone(), Bus::Scsi, FirmwareOp::ScsiSanitizeBlock);
        assert!(!o.confirmed);
        assert!(o.error.unwrap().contains(words));
        assert!(drive.media().holds_user_data());
    }
}

// ---------------------------------------------------------------- hidden areas

#[test]
fn hidden_areas_are_removed_with_before_and_after() {
    let drive = SimAta::new(AtaConfig {
        native_sectors: Some(80),
        dco_sectors: Some(96),
        ..AtaConfig::default()
    });
    let r = remove_hidden_areas(&mut drive.clone());
    assert!(r.clear(), "{r:?}");
    let before = r.before.unwrap();
    assert!(before.has_hpa() && before.has_dco());
    let after = r.after.unwrap();
    assert_eq!(after.current_sectors, 96);
    assert_eq!(drive.sizes(), (96, 96, 96));
    let sent: Vec<&str> = r.commands.iter().map(|c| c.command.as_str()).collect();
    assert!(
        sent.contains(&"SET MAX ADDRESS EXT (max LBA 79, non-volatile)"),
        "{sent:?}"
    );
    assert!(sent.contains(&"DEVICE CONFIGURATION RESTORE"), "{sent:?}");

    // A frozen drive refuses SET MAX ADDRESS: the HPA stays and that is said.
    let frozen = SimAta::new(AtaConfig {
        native_sectors: Some(80),
        frozen: true,
        ..AtaConfig::default()
    });
    let r = remove_hidden_areas(&mut frozen.clone());
    assert!(!r.clear());
    assert!(r.error.unwrap().contains("SET MAX ADDRESS EXT"));
    assert_eq!(frozen.sizes().0, 64);
}
