//! Firmware methods and `auto` in the engine, on loop devices over files these tests create.
//!
//! - `auto` on a loop device overwrites and reaches Clear, never Purge;
//! - a firmware method on a loop device (or a drive that does not support it) is refused with
//!   a clear reason and not a byte changes;
//! - `auto` whose firmware erase fails falls back to overwrite and records that only Clear was
//!   reached; a firmware method whose erase fails fails the drive.

#![allow(clippy::unwrap_used)] // test code: a failed unwrap is a failed test

mod common;

use std::sync::Arc;

use common::LoopDev;
use common::fw::{checked, opts, run};
use tabula_device::capabilities::{Capabilities, CommandSet, FirmwareOp};
use tabula_device::command::{
    AtaCommand, AtaOutput, Data, NvmeAdmin, NvmeCompletion, ScsiCommand, ScsiOutput, Transport,
    TransportError,
};
use tabula_wipe::method::Method;
use tabula_wipe::plan::WipePlan;
use tabula_wipe::progress::Event;
use tabula_wipe::report::{NistLevel, VerifyOutcome, WipeStatus};

const MIB: u64 = 1 << 20;

/// A drive that receives no command at all.
struct Deaf;

impl Transport for Deaf {
    fn nvme_admin(&mut self, _: &NvmeAdmin, _: Data<'_>) -> Result<NvmeCompletion, TransportError> {
        Err(TransportError::Unsupported("deaf".into()))
    }
    fn ata(&mut self, _: &AtaCommand, _: Data<'_>) -> Result<AtaOutput, TransportError> {
        Err(TransportError::Unsupported("deaf".into()))
    }
    fn scsi(&mut self, _: &ScsiCommand, _: Data<'_>) -> Result<ScsiOutput, TransportError> {
        Err(TransportError::Unsupported("deaf".into()))
    }
}

fn nvme_format() -> Capabilities {
    Capabilities {
        command_set: CommandSet::Nvme,
        supported: vec![FirmwareOp::NvmeFormat],
        frozen: false,
        locked: false,
        affects_all_namespaces: false,
        estimate_secs: Some(5),
        hidden: None,
        unreachable: None,
    }
}

#[test]
fn auto_on_a_loop_device_overwrites_and_reaches_clear() {
    let dir = tempfile::tempdir().unwrap();
    let dev = LoopDev::new(dir.path(), "auto.img", 8 * MIB);
    let caps = Capabilities::unreachable("a loop device carries no firmware erase commands");
    let plan = WipePlan::new(
        Method::by_name("auto").unwrap(),
        None,
        vec![checked(&dev.dev, Some(caps))],
    )
    .unwrap();
    let d = &plan.drives[0];
    assert!(d.firmware.is_none());
    assert!(d.auto.as_ref().unwrap().reason.contains("loop device"));
    let before = dev.contents();
    let (r, _) = run(&plan, &opts());
    assert_eq!(r.status, WipeStatus::Completed, "{r:?}");
    assert_eq!(r.verification, VerifyOutcome::Passed);
    assert_eq!(r.nist_reached, Some(NistLevel::Clear));
    assert!(r.firmware.is_none());
    assert!(r.auto_reason.as_deref().unwrap().contains("Clear only"));
    assert_ne!(dev.contents(), before);
}

#[test]
fn a_firmware_method_on_a_loop_device_is_refused_untouched() {
    let dir = tempfile::tempdir().unwrap();
    for caps in [
        None,
        Some(Capabilities::unreachable(
            "a loop device carries no firmware erase commands",
        )),
        // Even a drive claiming support is refused when its command path does not open.
        Some(nvme_format()),
    ] {
        let dev = LoopDev::new(dir.path(), "refused.img", 4 * MIB);
        let before = dev.contents();
        let plan = WipePlan::new(
            Method::by_name("nvme-format").unwrap(),
            None,
            vec![checked(&dev.dev, caps.clone())],
        )
        .unwrap();
        // The real command path: a loop device has none.
        let (r, events) = run(&plan, &opts());
        assert_eq!(r.status, WipeStatus::Failed, "{caps:?}: {r:?}");
        assert_eq!(r.nist_reached, None);
        let error = r.error.as_deref().unwrap();
        assert!(error.contains("nvme-format"), "{error}");
        assert!(
            !events
                .iter()
                .any(|e| matches!(e, Event::FirmwareStarted { .. })),
            "{events:?}"
        );
        assert!(dev.contents() == before, "{caps:?}: bytes changed");
    }
}

#[test]
fn a_firmware_method_the_drive_does_not_support_is_refused_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let dev = LoopDev::new(dir.path(), "unsupported.img", 4 * MIB);
    let before = dev.contents();
    let plan = WipePlan::new(
        Method::by_name("nvme-sanitize-crypto").unwrap(),
        None,
        vec![checked(&dev.dev, Some(nvme_format()))],
    )
    .unwrap();
    let mut o = opts();
    o.open_transport = Arc::new(|_| Ok(Box::new(Deaf) as Box<dyn Transport>));
    let (r, _) = run(&plan, &o);
    assert_eq!(r.status, WipeStatus::Failed);
    assert!(
        r.error
            .as_deref()
            .unwrap()
            .contains("does not support Sanitize crypto erase"),
        "{r:?}"
    );
    assert!(dev.contents() == before);
}

#[test]
fn auto_falls_back_to_overwrite_when_the_firmware_erase_fails() {
    let dir = tempfile::tempdir().unwrap();
    let dev = LoopDev::new(dir.path(), "fallback.img", 8 * MIB);
    let plan = WipePlan::new(
        Method::by_name("auto").unwrap(),
        None,
        vec![checked(&dev.dev, Some(nvme_format()))],
    )
    .unwrap();
    // A loop device is no NVMe drive, so auto would overwrite; plan the firmware step as auto
    // plans it for an NVMe drive with Format NVM.
    let mut plan = plan;
    plan.drives[0].firmware = Some(tabula_wipe::plan::FirmwareStep {
        op: FirmwareOp::NvmeFormat,
        fallback: true,
    });
    let mut o = opts();
    o.open_transport = Arc::new(|_| Ok(Box::new(Deaf) as Box<dyn Transport>));
    let (r, events) = run(&plan, &o);
    assert_eq!(r.status, WipeStatus::Completed, "{r:?}");
    assert_eq!(r.nist_reached, Some(NistLevel::Clear));
    let fw = r.firmware.as_ref().unwrap();
    assert!(fw.fell_back);
    assert!(!fw.confirmed);
    // The canaries were planted, then found intact: the erase did nothing.
    assert_eq!(fw.canaries.as_ref().unwrap().survived.len(), 16);
    assert!(
        r.notes.iter().any(|n| n.to_string().contains("Clear only")),
        "{:?}",
        r.notes
    );
    assert!(
        events
            .iter()
            .any(|e| matches!(e, Event::FirmwareStarted { .. }))
    );
    assert!(
        events
            .iter()
            .any(|e| matches!(e, Event::FirmwareChecked { survived: 16, .. }))
    );
}

#[test]
fn a_firmware_method_whose_erase_fails_fails_the_drive() {
    let dir = tempfile::tempdir().unwrap();
    let dev = LoopDev::new(dir.path(), "failed.img", 4 * MIB);
    let plan = WipePlan::new(
        Method::by_name("nvme-format").unwrap(),
        None,
        vec![checked(&dev.dev, Some(nvme_format()))],
    )
    .unwrap();
    let mut o = opts();
    o.open_transport = Arc::new(|_| Ok(Box::new(Deaf) as Box<dyn Transport>));
    let (r, _) = run(&plan, &o);
    assert_ne!(r.status, WipeStatus::Completed, "{r:?}");
    assert_eq!(r.nist_reached, None);
    assert_ne!(r.verification, VerifyOutcome::Passed);
    assert!(!r.firmware.as_ref().unwrap().fell_back);
}
