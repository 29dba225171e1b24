//! The engine end to end with simulated drives as the command path of a loop device: the
//! simulated drive's medium is the file behind the loop device, so its erase really changes the
//! bytes the engine's canaries and samples read back through the device.
//!
//! - a confirmed NVMe Format, NVMe Sanitize (under `auto`), ATA enhanced SECURITY ERASE and ATA
//!   SANITIZE: no canary survives, the samples hold no data, Purge;
//! - a lying drive (claims success, keeps the data): the canaries survive, never Purge; none for
//!   the firmware method, Clear for `auto` after its overwrite, and the report says why;
//! - a command that fails under `auto`: overwrite, Clear;
//! - a frozen drive: the security erase is refused with the way out, not a byte written; `auto`
//!   overwrites and says why.

#![allow(clippy::unwrap_used)] // test code: a failed unwrap is a failed test

mod common;

use common::LoopDev;
use common::fw::{checked, run, with_drive};
use tabula_device::capabilities::{Capabilities, FirmwareOp};
use tabula_device::command::Transport;
use tabula_device::device::Bus;
use tabula_device::probe::probe_bus;
use tabula_device::sim::{AtaConfig, Faults, Media, NvmeConfig, SimAta, SimNvme};
use tabula_wipe::method::Method;
use tabula_wipe::note::Note;
use tabula_wipe::plan::WipePlan;
use tabula_wipe::progress::{Event, FirmwarePhase};
use tabula_wipe::report::{
    DriveReport, Failure, FirmwareFailure, NistLevel, VerifyOutcome, WipeStatus,
};
use tabula_wipe::sampling::ReadsAs;

const MIB: u64 = 1 << 20;

/// A loop device of 8 MiB whose backing file is the simulated drive's medium, filled with the
/// simulator's user data.
fn device(dir: &std::path::Path, name: &str) -> (LoopDev, Media) {
    let dev = LoopDev::new(dir, name, 8 * MIB);
    let media = Media::on_file(&dev.file).unwrap();
    assert!(media.holds_user_data());
    (dev, media)
}

fn caps_of(drive: &mut dyn Transport, bus: Bus) -> Capabilities {
    probe_bus(drive, bus)
}

/// The plan for the loop device standing in for a flash drive (the kernel calls loop devices
/// rotational).
fn plan(method: &str, dev: &LoopDev, caps: Capabilities) -> WipePlan {
    let mut target = checked(&dev.dev, Some(caps));
    target.drive.as_mut().unwrap().rotational = false;
    WipePlan::new(Method::by_name(method).unwrap(), None, vec![target]).unwrap()
}

/// The firmware erase was confirmed and checked: Purge, nothing of the old data left.
fn assert_purged(r: &DriveReport, media: &Media, reads_as: ReadsAs) {
    assert_eq!(r.status, WipeStatus::Completed, "{r:#?}");
    assert_eq!(r.verification, VerifyOutcome::Passed);
    assert_eq!(r.nist_reached, Some(NistLevel::Purge), "{r:#?}");
    assert!(r.passes.is_empty(), "no overwrite after a firmware erase");
    let fw = r.firmware.as_ref().unwrap();
    assert!(
        fw.confirmed && fw.error.is_none() && !fw.fell_back,
        "{fw:#?}"
    );
    assert!(fw.commands.iter().any(|c| c.ok));
    let canaries = fw.canaries.as_ref().unwrap();
    assert_eq!((canaries.written, canaries.survived.len()), (16, 0));
    let sampling = fw.sampling.as_ref().unwrap();
    assert!(sampling.passed() && sampling.samples > 0, "{sampling:?}");
    assert_eq!(sampling.reads_as, reads_as);
    assert!(!media.holds_user_data(), "user data survived the erase");
}

fn fired(events: &[Event], what: fn(&Event) -> bool) -> bool {
    events.iter().any(what)
}

#[test]
fn a_confirmed_nvme_format_purges_the_device() {
    let dir = tempfile::tempdir().unwrap();
    let (dev, media) = device(dir.path(), "format.img");
    let drive = SimNvme::with_media(NvmeConfig::default(), media.clone());
    let caps = caps_of(&mut drive.clone(), Bus::Nvme);
    let (r, events) = run(&plan("nvme-format", &dev, caps), &with_drive(&drive));
    assert_purged(&r, &media, ReadsAs::Zeros);
    // Format SES=1 on this drive zeroes every byte, canaries included.
    assert!(dev.file_contents().iter().all(|&b| b == 0));
    assert!(fired(&events, |e| matches!(
        e,
        Event::FirmwareStarted { .. }
    )));
    let phases: Vec<FirmwarePhase> = events
        .iter()
        .filter_map(|e| match e {
            Event::FirmwarePhase { phase, .. } => Some(*phase),
            _ => None,
        })
        .collect();
    assert_eq!(
        phases,
        [
            FirmwarePhase::Canaries,
            FirmwarePhase::Erase,
            FirmwarePhase::Check
        ]
    );
    assert!(fired(&events, |e| matches!(
        e,
        Event::FirmwareProgress { percent: 100, .. }
    )));
    assert!(fired(&events, |e| matches!(
        e,
        Event::FirmwareChecked {
            confirmed: true,
            canaries: 16,
            survived: 0,
            ..
        }
    )));
}

#[test]
fn auto_on_an_nvme_drive_sanitizes_with_crypto_erase_and_purges() {
    let dir = tempfile::tempdir().unwrap();
    let (dev, media) = device(dir.path(), "sanitize.img");
    let drive = SimNvme::with_media(NvmeConfig::default(), media.clone());
    let caps = caps_of(&mut drive.clone(), Bus::Nvme);
    let plan = plan("auto", &dev, caps);
    assert_eq!(
        plan.drives[0].firmware.map(|f| f.op),
        Some(FirmwareOp::NvmeSanitizeCrypto)
    );
    let (r, events) = run(&plan, &with_drive(&drive));
    // A crypto erase leaves the old data read through a new key: aperiodic bytes.
    assert_purged(&r, &media, ReadsAs::Random);
    assert!(
        r.auto_reason
            .as_deref()
            .unwrap()
            .contains("Sanitize crypto erase"),
        "{:?}",
        r.auto_reason
    );
    let progress: Vec<u8> = events
        .iter()
        .filter_map(|e| match e {
            Event::FirmwareProgress { percent, .. } => Some(*percent),
            _ => None,
        })
        .collect();
    assert!(progress.len() > 2 && progress.is_sorted(), "{progress:?}");
}

#[test]
fn ata_enhanced_security_erase_and_sanitize_purge_the_device() {
    let dir = tempfile::tempdir().unwrap();
    for method in ["ata-secure-erase-enhanced", "ata-sanitize-block"] {
        let (dev, media) = device(dir.path(), &format!("{method}.img"));
        let drive = SimAta::with_media(AtaConfig::default(), media.clone());
        let caps = caps_of(&mut drive.clone(), Bus::Sata);
        let (r, _) = run(&plan(method, &dev, caps), &with_drive(&drive));
        let reads_as = if method == "ata-sanitize-block" {
            ReadsAs::Zeros
        } else {
            ReadsAs::Random
        };
        assert_purged(&r, &media, reads_as);
        // Never left locked or with Tabula's password.
        assert_eq!(drive.security(), (false, false, false), "{method}");
    }
}

#[test]
fn a_lying_drive_keeps_its_canaries_and_is_never_purged() {
    let dir = tempfile::tempdir().unwrap();
    // QEMU-like: no allocation report, so Format is confirmed by its completion alone, and the
    // drive answers success while erasing nothing.
    let liar = NvmeConfig {
        faults: Faults {
            ignores_erase: true,
            ..Faults::default()
        },
        ..NvmeConfig::qemu()
    };
    for method in ["nvme-format", "auto"] {
        let (dev, media) = device(dir.path(), &format!("liar-{method}.img"));
        let drive = SimNvme::with_media(liar.clone(), media.clone());
        let caps = caps_of(&mut drive.clone(), Bus::Nvme);
        let (r, _) = run(&plan(method, &dev, caps), &with_drive(&drive));
        let fw = r.firmware.as_ref().unwrap();
        assert!(fw.confirmed, "the drive's word alone: {fw:#?}");
        assert_eq!(fw.canaries.as_ref().unwrap().survived.len(), 16);
        assert_eq!(fw.sampling.as_ref().unwrap().reads_as, ReadsAs::Data);
        let why = "the check after the erase found data";
        assert!(
            r.notes.iter().any(|n| n.to_string().contains(why)),
            "{:?}",
            r.notes
        );
        // Typed, so the station and the front ends word it in their languages.
        let typed = r.notes.iter().find_map(|n| match n {
            Note::FirmwareFellBack { method, reason } | Note::FirmwareFailed { method, reason } => {
                Some((
                    method.as_str(),
                    reason,
                    matches!(n, Note::FirmwareFellBack { .. }),
                ))
            }
            _ => None,
        });
        assert_eq!(
            typed,
            Some((
                fw.method.as_str(),
                &FirmwareFailure::DataFound,
                method == "auto"
            )),
            "{:?}",
            r.notes
        );
        assert!(r.failure.is_none(), "{:?}", r.failure);
        if method == "auto" {
            // Overwritten after all: Clear, and every byte of the old data is gone.
            assert!(fw.fell_back);
            assert_eq!(r.status, WipeStatus::Completed, "{r:#?}");
            assert_eq!(r.verification, VerifyOutcome::Passed);
            assert_eq!(r.nist_reached, Some(NistLevel::Clear));
            assert!(r.notes.iter().any(|n| n.to_string().contains("Clear only")));
            assert!(!media.holds_user_data());
        } else {
            assert!(!fw.fell_back);
            assert_eq!(r.status, WipeStatus::CompletedWithErrors, "{r:#?}");
            assert_eq!(r.verification, VerifyOutcome::Failed);
            assert_eq!(r.nist_reached, None);
            assert!(media.holds_user_data());
        }
    }
}

#[test]
fn a_failing_command_under_auto_falls_back_to_overwrite_and_clear() {
    let dir = tempfile::tempdir().unwrap();
    let (dev, media) = device(dir.path(), "failing.img");
    let drive = SimNvme::with_media(NvmeConfig::default(), media.clone());
    let caps = caps_of(&mut drive.clone(), Bus::Nvme);
    // Reported at the probe, rejected when sent.
    drive.set_faults(Faults {
        sanitize_unsupported: true,
        ..Faults::default()
    });
    let (r, _) = run(&plan("auto", &dev, caps), &with_drive(&drive));
    let fw = r.firmware.as_ref().unwrap();
    assert!(!fw.confirmed && fw.fell_back, "{fw:#?}");
    let error = fw.error.as_deref().unwrap();
    assert!(error.contains("Invalid Command Opcode"), "{error}");
    assert!(
        fw.commands
            .iter()
            .any(|c| !c.ok && c.command.contains("SANITIZE"))
    );
    assert_eq!(r.status, WipeStatus::Completed, "{r:#?}");
    assert_eq!(r.verification, VerifyOutcome::Passed);
    assert_eq!(r.nist_reached, Some(NistLevel::Clear));
    assert_eq!(r.passes.len(), 2, "one random pass and its verification");
    assert!(r.notes.iter().any(|n| n.to_string().contains("Clear only")));
    let fell_back = r.notes.iter().find_map(|n| match n {
        Note::FirmwareFellBack {
            method,
            reason: FirmwareFailure::Command { error },
        } => Some((method.clone(), error.clone())),
        _ => None,
    });
    let (method, error) = fell_back.expect("a typed fall-back note");
    assert_eq!(method, fw.method);
    assert!(error.contains("Invalid Command Opcode"), "{error}");
    assert!(!media.holds_user_data());
}

#[test]
fn a_frozen_drive_is_refused_with_the_way_out_and_auto_overwrites() {
    let dir = tempfile::tempdir().unwrap();
    let frozen = AtaConfig {
        frozen: true,
        sanitize: false,
        ..AtaConfig::default()
    };
    let (dev, media) = device(dir.path(), "frozen.img");
    let drive = SimAta::with_media(frozen.clone(), media.clone());
    let caps = caps_of(&mut drive.clone(), Bus::Sata);
    assert!(caps.frozen);
    let before = dev.file_contents();
    let (r, events) = run(
        &plan("ata-secure-erase-enhanced", &dev, caps.clone()),
        &with_drive(&drive),
    );
    assert_eq!(r.status, WipeStatus::Failed);
    assert_eq!(r.nist_reached, None);
    let error = r.error.as_deref().unwrap();
    assert!(
        error.contains("frozen") && error.contains("rtcwake") && error.contains("nothing written"),
        "{error}"
    );
    assert_eq!(
        r.failure,
        Some(Failure::Firmware {
            method: "ata-secure-erase-enhanced".into(),
            reason: FirmwareFailure::Frozen
        })
    );
    assert_eq!(r.failure.as_ref().unwrap().to_string(), error);
    assert!(!fired(&events, |e| matches!(
        e,
        Event::FirmwareStarted { .. }
    )));
    assert!(
        dev.file_contents() == before,
        "a frozen drive was written to"
    );

    let plan = plan("auto", &dev, caps);
    let reason = plan.drives[0].auto.as_ref().unwrap().reason.clone();
    assert!(
        reason.contains("frozen") && reason.contains("suspend"),
        "{reason}"
    );
    let (r, _) = run(&plan, &with_drive(&drive));
    assert!(r.firmware.is_none());
    assert_eq!(r.nist_reached, Some(NistLevel::Clear), "{r:#?}");
    assert!(!media.holds_user_data());
}
