//! Hidden areas before an overwrite, in the engine, with a simulated SATA disk whose medium is
//! the file behind a loop device. The loop device starts at the size the HPA leaves visible; the
//! test's "rescan" grows the file by the sectors the HPA hid (full of the drive's old data) and
//! has the kernel re-read the loop device's capacity (`losetup -c`), as a rescan does for a
//! real disk.
//!
//! - `auto` on a rotating disk, and an overwrite method with the station's policy: the HPA is
//!   removed, the kernel sees the whole disk, every byte is overwritten and verified;
//! - a DCO whose RESTORE the drive refuses: recorded, the visible sectors are overwritten, and
//!   the drive is not reported fully erased;
//! - the drive's command path does not open: a typed note, the visible sectors overwritten;
//! - the kernel does not see the size the drive reports, or is not asked to re-read it: nothing
//!   is written, and the report says why (typed `failure`).

#![allow(clippy::unwrap_used)] // test code: a failed unwrap is a failed test

mod common;

use std::process::Command;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use common::LoopDev;
use common::fw::{checked, run, with_drive};
use tabula_device::device::Bus;
use tabula_device::probe::probe_bus;
use tabula_device::sim::{AtaConfig, Media, SimAta};
use tabula_wipe::engine::EngineOptions;
use tabula_wipe::method::Method;
use tabula_wipe::note::Note;
use tabula_wipe::plan::WipePlan;
use tabula_wipe::report::{Failure, NistLevel, VerifyOutcome, WipeStatus};

const MIB: u64 = 1 << 20;
/// What the host sees before (6 MiB) and what the HPA hides above it (up to 8 MiB).
const VISIBLE: u64 = 6 * MIB / 512;
const NATIVE: u64 = 8 * MIB / 512;

/// A rotating SATA disk without security or sanitize, with an HPA, on a loop device.
fn disk(dir: &std::path::Path, name: &str, config: AtaConfig) -> (LoopDev, Media, SimAta) {
    let dev = LoopDev::new(dir, name, VISIBLE * 512);
    let media = Media::on_file(&dev.file).unwrap();
    let config = AtaConfig {
        sectors: VISIBLE,
        native_sectors: Some(NATIVE),
        sanitize: false,
        security: false,
        ..config
    };
    (dev, media.clone(), SimAta::with_media(config, media))
}

fn plan(method: &str, dev: &LoopDev, drive: &SimAta) -> WipePlan {
    let caps = probe_bus(&mut drive.clone(), Bus::Sata);
    assert!(caps.hidden.unwrap().has_hpa(), "{caps:?}");
    let mut target = checked(&dev.dev, Some(caps));
    target.drive.as_mut().unwrap().rotational = true;
    WipePlan::new(Method::by_name(method).unwrap(), None, vec![target]).unwrap()
}

/// Engine options whose rescan grows the medium to what the drive now reports and has the
/// kernel re-read the loop device's size (when `grow`); counts the calls.
fn options(
    dev: &LoopDev,
    media: &Media,
    drive: &SimAta,
    grow: bool,
) -> (EngineOptions, Arc<AtomicUsize>) {
    let mut o = with_drive(drive);
    let calls = Arc::new(AtomicUsize::new(0));
    let (counter, media, drive, path) = (
        Arc::clone(&calls),
        media.clone(),
        drive.clone(),
        dev.dev.clone(),
    );
    o.rescan = Arc::new(move |_| {
        counter.fetch_add(1, Ordering::SeqCst);
        if grow {
            let (current, _, _) = drive.sizes();
            media
                .grow(current as usize * 512)
                .map_err(|e| e.to_string())?;
            let ok = Command::new("losetup")
                .arg("-c")
                .arg(&path)
                .status()
                .unwrap();
            assert!(ok.success(), "losetup -c");
        }
        Ok(())
    });
    (o, calls)
}

#[test]
fn the_hpa_is_removed_and_the_whole_disk_overwritten() {
    let dir = tempfile::tempdir().unwrap();
    for method in ["auto", "nist-800-88-clear"] {
        let (dev, media, drive) = disk(dir.path(), &format!("{method}.img"), AtaConfig::default());
        let mut plan = plan(method, &dev, &drive);
        if method != "auto" {
            assert!(!plan.drives[0].remove_hidden_areas);
            // The station's policy for overwrite methods on ATA drives.
            plan.remove_hidden_areas_before_overwrite();
        }
        assert!(plan.drives[0].remove_hidden_areas, "{method}");
        let (o, calls) = options(&dev, &media, &drive, true);
        let (r, _) = run(&plan, &o);
        assert_eq!(calls.load(Ordering::SeqCst), 1);
        assert_eq!(r.status, WipeStatus::Completed, "{method}: {r:#?}");
        assert_eq!(r.verification, VerifyOutcome::Passed);
        assert_eq!(r.nist_reached, Some(NistLevel::Clear));
        let (before, after) = (r.hidden_before.unwrap(), r.hidden_after.unwrap());
        assert!(before.has_hpa() && !after.has_hpa(), "{before:?} {after:?}");
        assert_eq!(after.current_sectors, NATIVE);
        let removal = r.hidden_removal.as_ref().unwrap();
        assert!(removal.clear(), "{removal:?}");
        assert!(
            removal
                .commands
                .iter()
                .any(|c| c.command.contains("SET MAX ADDRESS") && c.ok)
        );
        // Every byte of the whole disk, the former HPA included, was written and read back.
        assert_eq!(r.drive.size_bytes, NATIVE * 512);
        assert_eq!(r.passes[0].bytes, NATIVE * 512);
        assert!(!media.holds_user_data(), "{method}: old data left");
        assert_eq!(drive.sizes().0, NATIVE);
    }
}

#[test]
fn a_refused_dco_restore_is_reported_and_the_drive_not_fully_erased() {
    let dir = tempfile::tempdir().unwrap();
    let config = AtaConfig {
        dco_sectors: Some(NATIVE + 2048),
        dco_frozen: true,
        ..AtaConfig::default()
    };
    let (dev, media, drive) = disk(dir.path(), "dco.img", config);
    let plan = plan("auto", &dev, &drive);
    let (o, _) = options(&dev, &media, &drive, true);
    let (r, _) = run(&plan, &o);
    let removal = r.hidden_removal.as_ref().unwrap();
    let error = removal.error.as_deref().unwrap();
    assert!(error.contains("DEVICE CONFIGURATION RESTORE"), "{error}");
    let after = r.hidden_after.unwrap();
    assert!(!after.has_hpa() && after.has_dco(), "{after:?}");
    assert!(
        r.notes
            .iter()
            .any(|n| matches!(n, tabula_wipe::note::Note::HiddenAreaKept { .. })),
        "{:?}",
        r.notes
    );
    // What the host could reach (the former HPA too) is overwritten, but not fully erased.
    assert_eq!(r.passes[0].bytes, NATIVE * 512);
    assert_eq!(r.status, WipeStatus::CompletedWithErrors, "{r:#?}");
    assert_ne!(r.nist_reached, Some(NistLevel::Purge));
    assert!(r.hidden_area_remains());
}

#[test]
fn a_size_the_kernel_does_not_see_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let (dev, media, drive) = disk(dir.path(), "stale.img", AtaConfig::default());
    let plan = plan("auto", &dev, &drive);
    let before = dev.file_contents();
    // The rescan "succeeds" but the kernel keeps the old size.
    let (o, calls) = options(&dev, &media, &drive, false);
    let (r, _) = run(&plan, &o);
    assert_eq!(calls.load(Ordering::SeqCst), 1);
    assert_eq!(r.status, WipeStatus::Failed);
    assert_eq!(r.nist_reached, None);
    let error = r.error.as_deref().unwrap();
    assert!(
        error.contains("reports 8388608 bytes") && error.contains("nothing written"),
        "{error}"
    );
    assert!(
        matches!(&r.failure, Some(Failure::HiddenResize { size, .. }) if *size == 8 * MIB),
        "{:?}",
        r.failure
    );
    assert!(r.passes.is_empty());
    assert!(
        dev.file_contents() == before,
        "written despite the size mismatch"
    );
}

#[test]
fn a_rescan_that_fails_writes_nothing_and_says_why() {
    let dir = tempfile::tempdir().unwrap();
    let (dev, media, drive) = disk(dir.path(), "norescan.img", AtaConfig::default());
    let plan = plan("auto", &dev, &drive);
    let before = dev.file_contents();
    let (mut o, _) = options(&dev, &media, &drive, false);
    o.rescan = Arc::new(|_| Err("the test's rescan is refused".to_owned()));
    let (r, _) = run(&plan, &o);
    assert_eq!(r.status, WipeStatus::Failed);
    assert_eq!(
        r.failure,
        Some(Failure::HiddenRescan {
            error: "the test's rescan is refused".into()
        })
    );
    assert_eq!(
        r.error.as_deref(),
        Some("the hidden areas were removed, but the test's rescan is refused; nothing written")
    );
    assert!(r.passes.is_empty());
    assert!(
        dev.file_contents() == before,
        "written despite the failed rescan"
    );
}

#[test]
fn a_command_path_that_does_not_open_leaves_a_typed_note_and_the_visible_sectors_overwritten() {
    let dir = tempfile::tempdir().unwrap();
    let (dev, media, drive) = disk(dir.path(), "nopath.img", AtaConfig::default());
    let plan = plan("auto", &dev, &drive);
    let (mut o, calls) = options(&dev, &media, &drive, true);
    o.open_transport = Arc::new(|_| Err("the test's command path is closed".to_owned()));
    let (r, _) = run(&plan, &o);
    assert_eq!(
        calls.load(Ordering::SeqCst),
        0,
        "no rescan without a removal"
    );
    assert!(
        r.notes.contains(&Note::HiddenAreasUnchecked {
            error: "the test's command path is closed".into()
        }),
        "{:?}",
        r.notes
    );
    assert_eq!(r.failure, None);
    // The sectors the host sees are overwritten; the drive still hides the rest.
    assert_eq!(r.drive.size_bytes, VISIBLE * 512);
    assert_eq!(r.passes[0].bytes, VISIBLE * 512);
    assert_eq!(drive.sizes().0, VISIBLE);
}
