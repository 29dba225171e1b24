//! Wipe engine tests on real loop devices over files these tests create (never any other device).
//!
//! - methods: every method leaves exactly its passes' bytes on every byte of the device, after
//!   every pass, on a device whose size is not a multiple of the I/O size; 512 and 4096-byte sectors.
//! - verification: a sector corrupted between write and verify is found and reported by LBA.
//! - faults: real kernel EIO from a FUSE-backed loop device is recorded as LBA ranges, never success;
//!   a hung drive is reported as stalled and does not hold up the others.
//! - concurrency: two and four drives at once, each with its own stream.
//! - interruption: cancellation ends in `interrupted` with a resume point.

#![allow(clippy::unwrap_used)] // test code: a failed unwrap is a failed test

mod common;

use std::fs::OpenOptions;
use std::os::unix::fs::{FileExt, OpenOptionsExt};
use std::path::Path;
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::LoopDev;
use common::faultfs::{self, Fault, Gate};
use tabula_wipe::engine::{self, EngineOptions};
use tabula_wipe::method::{Erase, METHODS, Method};
use tabula_wipe::plan::{AlignmentError, Checked, Preflight, VerifyMode, WipePlan};
use tabula_wipe::progress::Event;
use tabula_wipe::report::{DriveReport, Failure, VerifyOutcome, WipeStatus};
use tabula_wipe::target::Target;

const MIB: u64 = 1 << 20;

fn opts(block: usize) -> EngineOptions {
    let mut o = EngineOptions::default();
    o.block_size = block;
    o
}

fn plan_for(method: &str, verify: Option<VerifyMode>, devs: &[&Path]) -> WipePlan {
    let m = Method::by_name(method).unwrap();
    WipePlan::new(m, verify, devs.iter().map(|d| checked(d)).collect()).unwrap()
}

/// A target as the check before confirmation leaves it: opened once, its identity recorded.
fn checked(path: &Path) -> Checked {
    Checked {
        path: path.to_path_buf(),
        drive: None,
        preflight: Preflight::Passed {
            identity: Target::open(path).unwrap().identity,
        },
        capabilities: None,
    }
}

fn run(plan: &WipePlan, opts: &EngineOptions) -> (Vec<DriveReport>, Vec<Event>) {
    let (tx, rx) = crossbeam_channel::unbounded();
    let reports = engine::run(plan, opts, &tx);
    drop(tx);
    (reports, rx.iter().collect())
}

/// Reads the whole device with O_DIRECT, so the medium is read, not a cache.
fn read_direct(dev: &Path, size: u64) -> Vec<u8> {
    let f = OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_DIRECT)
        .open(dev)
        .unwrap();
    let mut buf = AlignedVec::new(size as usize);
    f.read_exact_at(buf.as_mut(), 0).unwrap();
    buf.as_ref().to_vec()
}

struct AlignedVec(Vec<u8>, usize, usize);
impl AlignedVec {
    fn new(len: usize) -> Self {
        let v = vec![0u8; len + 4096];
        let off = v.as_ptr().align_offset(4096);
        Self(v, off, len)
    }
    fn as_mut(&mut self) -> &mut [u8] {
        &mut self.0[self.1..self.1 + self.2]
    }
    fn as_ref(&self) -> &[u8] {
        &self.0[self.1..self.1 + self.2]
    }
}

fn expected(plan: &WipePlan, drive: usize, pass: usize, size: u64) -> Vec<u8> {
    let mut buf = vec![0u8; size as usize];
    plan.drives[drive].passes[pass - 1]
        .pattern
        .fill(&mut buf, 0);
    buf
}

/// Asserts equality without printing megabytes on failure.
fn assert_bytes_eq(got: &[u8], want: &[u8], what: &str) {
    assert_eq!(got.len(), want.len(), "{what}: length");
    if let Some(i) = got.iter().zip(want).position(|(a, b)| a != b) {
        panic!(
            "{what}: first difference at byte {i}: got {:#04x}, want {:#04x}",
            got[i], want[i]
        );
    }
}

#[test]
fn every_method_writes_every_pass_exactly() {
    let dir = tempfile::tempdir().unwrap();
    // 3 MiB + 3 sectors with 1 MiB requests: the last request is a partial one.
    let size = 3 * MIB + 3 * 512;
    // Firmware methods and auto have their own tests (tests/firmware.rs).
    for method in METHODS.iter().filter(|m| m.erase == Erase::Overwrite) {
        let lo = LoopDev::new(dir.path(), &format!("{}.img", method.name), size);
        let plan = plan_for(method.name, Some(VerifyMode::All), &[&lo.dev]);
        let checked = Arc::new(Mutex::new(Vec::new()));
        let mut o = opts(MIB as usize);
        let (p, dev, seen) = (plan.clone(), lo.dev.clone(), Arc::clone(&checked));
        o.after_write_pass = Some(Arc::new(move |drive, pass| {
            let got = read_direct(&dev, size);
            assert_bytes_eq(
                &got,
                &expected(&p, drive, pass, size),
                &format!("{} pass {pass}", p.method.name),
            );
            seen.lock().unwrap().push(pass);
        }));
        let (reports, _) = run(&plan, &o);
        let r = &reports[0];
        assert_eq!(
            r.status,
            WipeStatus::Completed,
            "{}: {:?}",
            method.name,
            r.error
        );
        assert_eq!(r.verification, VerifyOutcome::Passed);
        assert_eq!(
            *checked.lock().unwrap(),
            (1..=method.passes.len()).collect::<Vec<_>>(),
            "{}",
            method.name
        );
        let last = method.passes.len();
        assert_bytes_eq(&lo.contents(), &expected(&plan, 0, last, size), method.name);
        // Write and verify report per pass.
        assert_eq!(r.passes.len(), 2 * last);
        assert!(r.passes.iter().all(|p| p.completed && p.bytes == size));
    }
}

#[test]
fn sector_size_4096_and_odd_device_sizes() {
    let dir = tempfile::tempdir().unwrap();
    let size = 2 * MIB + 5 * 4096;
    let lo = LoopDev::with_args(dir.path(), "4k.img", size, &["--sector-size", "4096"]);
    for method in ["zero", "random", "gutmann"] {
        let plan = plan_for(method, Some(VerifyMode::Last), &[&lo.dev]);
        let (reports, _) = run(&plan, &opts(MIB as usize));
        assert_eq!(
            reports[0].status,
            WipeStatus::Completed,
            "{method}: {:?}",
            reports[0].error
        );
        assert_eq!(reports[0].drive.logical_sector_size, 4096);
        let last = plan.drives[0].passes.len();
        assert_bytes_eq(
            &read_direct(&lo.dev, size),
            &expected(&plan, 0, last, size),
            method,
        );
    }
}

#[test]
fn verification_finds_a_sector_corrupted_between_write_and_verify() {
    // A random stream (checked by XORing the keystream out) and a constant (checked as is).
    for method in ["random", "one"] {
        corrupted_sectors_are_found(method);
    }
}

fn corrupted_sectors_are_found(method: &str) {
    let dir = tempfile::tempdir().unwrap();
    let size = 4 * MIB;
    let lo = LoopDev::new(dir.path(), "corrupt.img", size);
    let plan = plan_for(method, Some(VerifyMode::Last), &[&lo.dev]);
    let mut o = opts(MIB as usize);
    let dev = lo.dev.clone();
    o.after_write_pass = Some(Arc::new(move |_, _| {
        // Another writer (no O_EXCL needed) flips data in LBAs 2049 and 5000-5001.
        let f = OpenOptions::new()
            .write(true)
            .custom_flags(libc::O_DIRECT)
            .open(&dev)
            .unwrap();
        let mut junk = AlignedVec::new(1024);
        junk.as_mut().fill(0xE7);
        f.write_all_at(&junk.as_ref()[..512], 2049 * 512).unwrap();
        f.write_all_at(junk.as_ref(), 5000 * 512).unwrap();
    }));
    let (reports, events) = run(&plan, &o);
    let r = &reports[0];
    assert_eq!(r.status, WipeStatus::CompletedWithErrors);
    assert_eq!(r.verification, VerifyOutcome::Failed);
    let ranges: Vec<(u64, u64)> = r
        .mismatches
        .ranges()
        .iter()
        .map(|x| (x.first, x.count))
        .collect();
    assert_eq!(ranges, vec![(2049, 1), (5000, 2)], "{method}");
    assert!(r.write_errors.is_empty() && r.read_errors.is_empty());
    assert!(
        events
            .iter()
            .any(|e| matches!(e, Event::BadRange { mismatch: true, .. }))
    );
}

#[test]
fn kernel_write_errors_are_recorded_as_lba_ranges() {
    let dir = tempfile::tempdir().unwrap();
    let size = 4 * MIB as usize;
    // Writes fail in [1 MiB + 8 KiB, +4 KiB): LBAs 2064..2072.
    let bad_start = MIB + 8192;
    let mount = faultfs::mount(dir.path(), size, vec![Fault::eio_on_write(bad_start, 4096)]);
    let lo = LoopDev::attach(&mount.file, &[]);
    let plan = plan_for("zero", Some(VerifyMode::None), &[&lo.dev]);
    let (reports, events) = run(&plan, &opts(MIB as usize));
    let r = &reports[0];
    assert_eq!(r.status, WipeStatus::CompletedWithErrors, "{:?}", r.error);
    assert!(!r.status.is_success());
    let ranges: Vec<(u64, u64)> = r
        .write_errors
        .ranges()
        .iter()
        .map(|x| (x.first, x.count))
        .collect();
    assert_eq!(ranges, vec![(bad_start / 512, 8)]);
    assert!(events.iter().any(|e| matches!(
        e,
        Event::BadRange {
            mismatch: false,
            ..
        }
    )));
    // Everything else is zero; the refused sectors kept their old content.
    let got = read_direct(&lo.dev, size as u64);
    for (i, b) in got.iter().enumerate() {
        let in_bad = (bad_start..bad_start + 4096).contains(&(i as u64));
        assert_eq!(*b, if in_bad { 0x3C } else { 0x00 }, "byte {i}");
    }
}

#[test]
fn unreadable_sectors_fail_verification() {
    // The readable sectors of a chunk whose read failed are checked one by one: at their own
    // offset in the random stream, and against the constant.
    for method in ["one", "random"] {
        unreadable_sectors_are_found(method);
    }
}

fn unreadable_sectors_are_found(method: &str) {
    let dir = tempfile::tempdir().unwrap();
    let size = 2 * MIB as usize;
    let mount = faultfs::mount(dir.path(), size, vec![Fault::eio_on_read_write(MIB, 1024)]);
    let lo = LoopDev::attach(&mount.file, &[]);
    let plan = plan_for(method, Some(VerifyMode::Last), &[&lo.dev]);
    let (reports, _) = run(&plan, &opts(512 * 1024));
    let r = &reports[0];
    assert_eq!(r.status, WipeStatus::CompletedWithErrors, "{method}");
    assert_eq!(r.verification, VerifyOutcome::Failed);
    assert!(r.mismatches.is_empty(), "{method}: {:?}", r.mismatches);
    let lba = MIB / 512;
    assert_eq!(
        r.write_errors
            .ranges()
            .iter()
            .map(|x| (x.first, x.count))
            .collect::<Vec<_>>(),
        vec![(lba, 2)]
    );
    assert_eq!(
        r.read_errors
            .ranges()
            .iter()
            .map(|x| (x.first, x.count))
            .collect::<Vec<_>>(),
        vec![(lba, 2)]
    );
}

#[test]
fn a_hung_drive_is_reported_stalled_and_does_not_hold_up_the_others() {
    let dir = tempfile::tempdir().unwrap();
    let size = 2 * MIB as usize;
    // The slow drive's write at 1 MiB hangs until the test opens the gate: once the stall is
    // reported and the fast drive is done. No sleeps, no race with the stall timer.
    let gate = Gate::default();
    let _release = gate.open_on_drop();
    let mount = faultfs::mount(dir.path(), size, vec![Fault::hang_write(MIB, &gate)]);
    let slow = LoopDev::attach(&mount.file, &[]);
    let fast = LoopDev::new(dir.path(), "fast.img", 2 * MIB);
    let plan = plan_for("zero", Some(VerifyMode::None), &[&slow.dev, &fast.dev]);
    let mut o = opts(256 * 1024);
    o.stall_after = Duration::from_secs(1);
    let (tx, rx) = crossbeam_channel::unbounded();
    let engine = std::thread::spawn(move || engine::run(&plan, &o, &tx));
    let deadline = std::time::Instant::now() + Duration::from_secs(120);
    let mut events = Vec::new();
    let (mut stalled, mut fast_done) = (false, false);
    loop {
        match rx.recv_deadline(deadline) {
            Ok(e) => {
                stalled |= matches!(e, Event::Stalled { drive: 0, .. });
                fast_done |= matches!(e, Event::DriveFinished { drive: 1, .. });
                events.push(e);
                if stalled && fast_done {
                    gate.open();
                }
            }
            Err(crossbeam_channel::RecvTimeoutError::Disconnected) => break,
            Err(crossbeam_channel::RecvTimeoutError::Timeout) => {
                panic!("no stall and finish within 120 s: {events:?}")
            }
        }
    }
    let reports = engine.join().unwrap();
    assert!(stalled, "no stall reported");
    assert!(
        !events
            .iter()
            .any(|e| matches!(e, Event::Stalled { drive: 1, .. }))
    );
    assert!(
        events
            .iter()
            .any(|e| matches!(e, Event::Recovered { drive: 0 }))
    );
    let finished: Vec<usize> = events
        .iter()
        .filter_map(|e| match e {
            Event::DriveFinished { drive, .. } => Some(*drive),
            _ => None,
        })
        .collect();
    assert_eq!(
        finished,
        vec![1, 0],
        "the fast drive must finish while the slow one hangs"
    );
    assert!(reports.iter().all(|r| r.status == WipeStatus::Completed));
    assert!(
        reports[0]
            .notes
            .iter()
            .any(|n| matches!(n, tabula_wipe::note::Note::Stalled { .. }))
    );
}

fn wipe_many(n: usize) {
    let dir = tempfile::tempdir().unwrap();
    let size = 3 * MIB + 512;
    let devs: Vec<LoopDev> = (0..n)
        .map(|i| LoopDev::new(dir.path(), &format!("m{i}.img"), size))
        .collect();
    let paths: Vec<&Path> = devs.iter().map(|d| d.dev.as_path()).collect();
    let plan = plan_for("hmg-is5-enhanced", None, &paths);
    let (reports, _) = run(&plan, &opts(MIB as usize));
    let mut contents = Vec::new();
    for (i, (r, d)) in reports.iter().zip(&devs).enumerate() {
        assert_eq!(r.status, WipeStatus::Completed, "drive {i}: {:?}", r.error);
        assert_eq!(r.drive.path, d.dev);
        let got = d.contents();
        assert_bytes_eq(&got, &expected(&plan, i, 3, size), &format!("drive {i}"));
        contents.push(got);
    }
    contents.dedup();
    assert_eq!(contents.len(), n, "every drive gets its own random stream");
}

#[test]
fn two_drives_at_once() {
    wipe_many(2);
}

#[test]
fn four_drives_at_once() {
    wipe_many(4);
}

#[test]
fn cancellation_ends_interrupted_with_a_resume_point() {
    let dir = tempfile::tempdir().unwrap();
    let lo = LoopDev::new(dir.path(), "int.img", 2 * MIB);
    let plan = plan_for("bsi-vsitr", None, &[&lo.dev]);
    let mut o = opts(MIB as usize);
    let cancel = Arc::clone(&o.cancel);
    o.after_write_pass = Some(Arc::new(move |_, pass| {
        if pass == 2 {
            cancel.store(true, Ordering::Relaxed);
        }
    }));
    let (reports, events) = run(&plan, &o);
    let r = &reports[0];
    assert_eq!(r.status, WipeStatus::Interrupted);
    assert_ne!(r.verification, VerifyOutcome::Passed);
    let resume = r.resume_from.expect("resume point");
    assert_eq!((resume.pass, resume.offset), (3, 0));
    assert!(events.iter().any(|e| matches!(
        e,
        Event::DriveFinished {
            status: WipeStatus::Interrupted,
            ..
        }
    )));
}

#[test]
fn resumed_plan_continues_at_its_pass_and_offset() {
    let dir = tempfile::tempdir().unwrap();
    let size = 2 * MIB;
    let lo = LoopDev::new(dir.path(), "res.img", size);
    let mut plan = plan_for("hmg-is5-enhanced", Some(VerifyMode::Last), &[&lo.dev]);
    // As if passes 1-2 and the first MiB of pass 3 were done before a power loss: the rest must be
    // written, and the full-device verify must then pass.
    let mut head = vec![0u8; MIB as usize];
    plan.drives[0].passes[2].pattern.fill(&mut head, 0);
    std::fs::OpenOptions::new()
        .write(true)
        .open(&lo.dev)
        .unwrap()
        .write_all_at(&head, 0)
        .unwrap();
    plan.drives[0].resume = Some(tabula_wipe::plan::ResumePoint {
        pass: 3,
        offset: MIB,
    });
    let (reports, _) = run(&plan, &opts(256 * 1024));
    let r = &reports[0];
    assert_eq!(r.status, WipeStatus::Completed, "{:?}", r.error);
    assert_eq!(r.passes[0].number, 3);
    assert_eq!(r.passes[0].from_offset, MIB);
    assert_eq!(r.passes[0].bytes, MIB);
    assert!(
        r.notes
            .iter()
            .any(|n| matches!(n, tabula_wipe::note::Note::Resumed { .. }))
    );
    assert_bytes_eq(&lo.contents(), &expected(&plan, 0, 3, size), "resumed");
}

#[test]
fn regular_file_targets_work() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("plain.img");
    common::write_junk(&file, MIB + 512);
    let plan = plan_for("one", None, &[&file]);
    let (reports, _) = run(&plan, &opts(256 * 1024));
    assert_eq!(
        reports[0].status,
        WipeStatus::Completed,
        "{:?}",
        reports[0].error
    );
    assert!(std::fs::read(&file).unwrap().iter().all(|&b| b == 0xFF));
}

#[test]
fn a_loop_name_reattached_to_another_file_after_confirmation_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let size = 2 * MIB;
    let other = dir.path().join("other.img");
    common::write_junk(&other, size);
    let junk = std::fs::read(&other).unwrap();
    // The plan is confirmed on one file's loop device; before the start the name is detached and
    // the same /dev/loopN attached to another file of the same size (a parallel test may take
    // the free name in between: then try again with a fresh device).
    let (lo, plan) = (0..20)
        .find_map(|i| {
            let mut lo = LoopDev::new(dir.path(), &format!("confirmed{i}.img"), size);
            let plan = plan_for("zero", Some(VerifyMode::None), &[&lo.dev]);
            lo.reattach(&other).then_some((lo, plan))
        })
        .expect("re-attach a loop device under its old name");
    let (reports, events) = run(&plan, &opts(MIB as usize));
    let r = &reports[0];
    assert_eq!(r.status, WipeStatus::Failed);
    let error = r.error.as_deref().unwrap();
    assert!(
        error.contains("not the drive that was confirmed") && error.contains("inode"),
        "{error}"
    );
    assert!(r.passes.is_empty(), "no pass may start");
    assert!(
        !events
            .iter()
            .any(|e| matches!(e, Event::DriveStarted { .. }))
    );
    assert_bytes_eq(
        &read_direct(&lo.dev, size),
        &junk,
        "the other file's device",
    );
    assert_bytes_eq(&std::fs::read(&other).unwrap(), &junk, "the other file");
}

#[test]
fn a_block_size_that_does_not_fit_fails_the_drive_typed_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("odd.img");
    common::write_junk(&file, MIB);
    let before = std::fs::read(&file).unwrap();
    let plan = plan_for("one", None, &[&file]);
    let (reports, _) = run(&plan, &opts(1000));
    assert_eq!(reports[0].status, WipeStatus::Failed);
    assert_eq!(
        reports[0].failure,
        Some(Failure::Misaligned {
            path: file.display().to_string(),
            error: AlignmentError::BlockSize { block: 1000 },
        })
    );
    assert_eq!(
        reports[0].error.as_deref(),
        Some(
            format!(
                "{}: block size 1000 is not a power of two of at least 512 bytes; nothing written",
                file.display()
            )
            .as_str()
        )
    );
    assert!(reports[0].passes.is_empty());
    assert!(
        std::fs::read(&file).unwrap() == before,
        "written despite the refusal"
    );
}

#[test]
fn a_drive_that_cannot_be_opened_fails_alone_and_the_other_is_wiped() {
    let dir = tempfile::tempdir().unwrap();
    let size = 2 * MIB;
    let held = LoopDev::new(dir.path(), "held.img", size);
    let free = LoopDev::new(dir.path(), "free.img", size);
    let plan = plan_for("zero", Some(VerifyMode::Last), &[&held.dev, &free.dev]);
    // After confirmation something else claims the first drive exclusively.
    let _claim = OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_EXCL)
        .open(&held.dev)
        .unwrap();
    let before = read_direct(&held.dev, size);
    let (reports, _) = run(&plan, &opts(MIB as usize));
    assert_eq!(reports[0].status, WipeStatus::Failed);
    let error = reports[0].error.as_deref().unwrap();
    assert!(error.contains("in use"), "{error}");
    assert!(reports[0].passes.is_empty());
    assert_bytes_eq(&read_direct(&held.dev, size), &before, "held drive");
    assert_eq!(
        reports[1].status,
        WipeStatus::Completed,
        "{:?}",
        reports[1].error
    );
    assert_bytes_eq(&free.contents(), &vec![0u8; size as usize], "free drive");
}

fn lba_ranges(set: &tabula_wipe::ranges::RangeSet) -> Vec<(u64, u64)> {
    set.ranges().iter().map(|x| (x.first, x.count)).collect()
}

#[test]
fn bisection_finds_exactly_the_bad_sectors_and_writes_their_neighbours() {
    let dir = tempfile::tempdir().unwrap();
    let size = 4 * MIB;
    // Two bad spots in one 4 MiB request: LBA 1027 alone, and LBAs 6000-6002.
    let faults = vec![
        Fault::eio_on_write(1027 * 512, 512),
        Fault::eio_on_write(6000 * 512, 3 * 512),
    ];
    let mount = faultfs::mount(dir.path(), size as usize, faults);
    let lo = LoopDev::attach(&mount.file, &[]);
    let plan = plan_for("one", Some(VerifyMode::None), &[&lo.dev]);
    let (reports, events) = run(&plan, &opts(4 * MIB as usize));
    let r = &reports[0];
    assert_eq!(r.status, WipeStatus::CompletedWithErrors, "{:?}", r.error);
    assert_eq!(lba_ranges(&r.write_errors), [(1027, 1), (6000, 3)]);
    assert!(r.unwritten.is_empty(), "{:?}", r.unwritten);
    assert!(events.iter().any(|e| matches!(e, Event::Retrying { .. })));
    let got = read_direct(&lo.dev, size);
    for (i, b) in got.iter().enumerate() {
        let lba = i as u64 / 512;
        let bad = lba == 1027 || (6000..6003).contains(&lba);
        assert_eq!(*b, if bad { 0x3C } else { 0xFF }, "byte {i} (LBA {lba})");
    }
}

#[test]
fn a_spent_retry_budget_leaves_the_rest_reported_unwritten() {
    let dir = tempfile::tempdir().unwrap();
    let size = 2 * MIB;
    // The whole second MiB refuses writes: 2048 sectors, far more than 16 commands can isolate.
    let mount = faultfs::mount(
        dir.path(),
        size as usize,
        vec![Fault::eio_on_write(MIB, MIB)],
    );
    let lo = LoopDev::attach(&mount.file, &[]);
    let plan = plan_for("zero", Some(VerifyMode::None), &[&lo.dev]);
    let mut o = opts(MIB as usize);
    o.retry.commands = 16;
    let (reports, _) = run(&plan, &o);
    let r = &reports[0];
    assert_eq!(r.status, WipeStatus::CompletedWithErrors, "{:?}", r.error);
    assert!(!r.unwritten.is_empty());
    // Every sector of the bad MiB is either a write error or unwritten; none is taken as good.
    let mut all = r.write_errors.clone();
    all.extend(&r.unwritten);
    assert_eq!(lba_ranges(&all), [(2048, 2048)]);
    assert!(
        r.notes
            .iter()
            .any(|n| n.to_string().contains("retry budget (16 commands")),
        "{:?}",
        r.notes
    );
}

#[test]
fn cancellation_stops_a_retry_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let size = 2 * MIB;
    let mount = faultfs::mount(
        dir.path(),
        size as usize,
        vec![Fault::eio_on_write(MIB, MIB)],
    );
    let lo = LoopDev::attach(&mount.file, &[]);
    let plan = plan_for("zero", Some(VerifyMode::None), &[&lo.dev]);
    let mut o = opts(MIB as usize);
    o.retry.commands = u32::MAX;
    o.retry.time = Duration::from_secs(3600);
    // The operator presses Ctrl-C the moment the retry starts.
    let cancel = Arc::clone(&o.cancel);
    o.on_event = Some(Arc::new(move |e| {
        if matches!(e, Event::Retrying { .. }) {
            cancel.store(true, Ordering::Relaxed);
        }
    }));
    let (reports, _) = run(&plan, &o);
    let r = &reports[0];
    assert_eq!(r.status, WipeStatus::Interrupted);
    // Not one sector of the failed request was tried again: all of it is unwritten.
    assert!(r.write_errors.is_empty(), "{:?}", r.write_errors);
    assert_eq!(lba_ranges(&r.unwritten), [(2048, 2048)]);
    let resume = r.resume_from.expect("resume point");
    assert_eq!(
        (resume.pass, resume.offset),
        (1, MIB),
        "resume at the failed request"
    );
}
