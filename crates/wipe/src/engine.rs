//! The wipe engine: one worker thread per drive, each with a pattern generator thread running
//! ahead of its I/O, and a supervisor that forwards progress, detects stalls and handles
//! cancellation so that one slow or hung drive never holds up the others or the display.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread;
use std::time::{Duration, Instant};

use chrono::Utc;
use crossbeam_channel::{Receiver, RecvTimeoutError, Sender, bounded, unbounded};

use crate::buffer::AlignedBuf;
use crate::pattern::{Pattern, all_bytes_are};
use crate::plan::{DrivePlan, PassPlan, ResumePoint, WipePlan};
use crate::progress::{Event, Phase};
use crate::ranges::RangeSet;
use crate::report::{DriveReport, PassReport};
use crate::target::Target;

/// Called after a write pass has been flushed, before its verification (drive index, pass number).
/// Tests use it to corrupt a device between write and verify.
pub type PassHook = Arc<dyn Fn(usize, usize) + Send + Sync>;

/// How the engine runs.
#[derive(Clone)]
#[non_exhaustive]
pub struct EngineOptions {
    /// Bytes per I/O request; a multiple of 4096.
    pub block_size: usize,
    /// A drive without progress for this long is reported as stalled.
    pub stall_after: Duration,
    /// Minimum interval between progress events per drive.
    pub progress_every: Duration,
    /// After cancellation, drives that have not stopped within this time are given up on.
    pub abandon_after: Duration,
    /// A pass with more bad sectors than this gives up on the drive (a dying drive).
    pub max_bad_sectors: u64,
    /// Set to stop all drives (SIGINT/SIGTERM handlers set it).
    pub cancel: Arc<AtomicBool>,
    pub after_write_pass: Option<PassHook>,
}

impl std::fmt::Debug for EngineOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EngineOptions")
            .field("block_size", &self.block_size)
            .field("stall_after", &self.stall_after)
            .field("max_bad_sectors", &self.max_bad_sectors)
            .finish_non_exhaustive()
    }
}

impl Default for EngineOptions {
    fn default() -> Self {
        Self {
            block_size: DEFAULT_BLOCK_SIZE,
            stall_after: Duration::from_secs(60),
            progress_every: Duration::from_millis(250),
            abandon_after: Duration::from_secs(10),
            max_bad_sectors: 1 << 20,
            cancel: Arc::new(AtomicBool::new(false)),
            after_write_pass: None,
        }
    }
}

/// 4 MiB requests: large enough that O_DIRECT runs at the device's pace (dd's `bs=4M`).
pub const DEFAULT_BLOCK_SIZE: usize = 4 << 20;
/// Buffers in flight between the generator and the writer when every chunk must be generated
/// (a random stream): one being filled while the other is written. Patterns whose buffer is
/// filled once and reused (constants, repeats) get one buffer: nothing to overlap, and one
/// 4 MiB buffer stays in the CPU cache where several would not (`make bench`: a fast target
/// loses 10-25% with three).
const GENERATED_DEPTH: usize = 2;
/// Buffers between the read-ahead thread and the verifier: the next read overlaps this
/// chunk's check.
const READ_DEPTH: usize = 2;

enum Msg {
    Event(Event),
    Done(usize),
}

struct Slot {
    report: Arc<Mutex<DriveReport>>,
    done: bool,
    last_progress: Instant,
    stalled: bool,
}

/// Runs the plan on all its drives at once and returns one report per drive, in plan order.
/// Events go to `events`; a closed receiver does not stop the wipe.
pub fn run(plan: &WipePlan, opts: &EngineOptions, events: &Sender<Event>) -> Vec<DriveReport> {
    let (tx, rx) = unbounded::<Msg>();
    let mut slots = Vec::with_capacity(plan.drives.len());
    for (index, drive_plan) in plan.drives.iter().enumerate() {
        let report = Arc::new(Mutex::new(DriveReport::new(
            &plan.method,
            plan.verify,
            drive_plan,
        )));
        let worker = Worker {
            index,
            plan: drive_plan.clone(),
            opts: opts.clone(),
            tx: tx.clone(),
            report: Arc::clone(&report),
        };
        let spawned = thread::Builder::new()
            .name(format!("wipe-{index}"))
            .spawn(move || worker.run());
        let done = if let Err(e) = spawned {
            let mut r = lock(&report);
            r.error = Some(format!("cannot start worker thread: {e}"));
            r.settle(drive_plan, false);
            true
        } else {
            false
        };
        slots.push(Slot {
            report,
            done,
            last_progress: Instant::now(),
            stalled: false,
        });
    }
    drop(tx);
    supervise(&rx, &mut slots, opts, events, plan);
    slots.iter().map(|s| lock(&s.report).clone()).collect()
}

fn supervise(
    rx: &Receiver<Msg>,
    slots: &mut [Slot],
    opts: &EngineOptions,
    events: &Sender<Event>,
    plan: &WipePlan,
) {
    let tick = Duration::from_millis(200).min(opts.stall_after);
    let mut cancelled_at: Option<Instant> = None;
    while slots.iter().any(|s| !s.done) {
        match rx.recv_timeout(tick) {
            Ok(Msg::Event(event)) => {
                let slot = &mut slots[event.drive()];
                if matches!(event, Event::Progress { .. } | Event::PassStarted { .. }) {
                    slot.last_progress = Instant::now();
                    if slot.stalled {
                        slot.stalled = false;
                        let _ = events.send(Event::Recovered {
                            drive: event.drive(),
                        });
                    }
                }
                let _ = events.send(event);
            }
            Ok(Msg::Done(index)) => slots[index].done = true,
            Err(RecvTimeoutError::Timeout) => {}
            Err(RecvTimeoutError::Disconnected) => break,
        }
        for (index, slot) in slots
            .iter_mut()
            .enumerate()
            .filter(|(_, s)| !s.done && !s.stalled)
        {
            let idle = slot.last_progress.elapsed();
            if idle >= opts.stall_after {
                slot.stalled = true;
                lock(&slot.report).notes.push(format!(
                    "stalled: no progress for {} s at {}",
                    idle.as_secs(),
                    Utc::now().to_rfc3339()
                ));
                let _ = events.send(Event::Stalled {
                    drive: index,
                    seconds: idle.as_secs(),
                });
            }
        }
        if opts.cancel.load(Ordering::Relaxed) {
            let since = *cancelled_at.get_or_insert_with(Instant::now);
            if since.elapsed() >= opts.abandon_after {
                for (index, slot) in slots.iter_mut().enumerate().filter(|(_, s)| !s.done) {
                    let mut r = lock(&slot.report);
                    r.notes
                        .push("did not stop after cancellation (hung in I/O); given up".into());
                    r.settle(&plan.drives[index], true);
                    let _ = events.send(Event::DriveFinished {
                        drive: index,
                        status: r.status,
                    });
                    slot.done = true;
                }
            }
        }
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

struct Worker {
    index: usize,
    plan: DrivePlan,
    opts: EngineOptions,
    tx: Sender<Msg>,
    report: Arc<Mutex<DriveReport>>,
}

impl Worker {
    fn run(self) {
        let interrupted = self.wipe();
        let status = {
            let mut r = lock(&self.report);
            r.settle(&self.plan, interrupted);
            r.status
        };
        self.send(Event::DriveFinished {
            drive: self.index,
            status,
        });
        let _ = self.tx.send(Msg::Done(self.index));
    }

    fn send(&self, event: Event) {
        let _ = self.tx.send(Msg::Event(event));
    }

    fn cancelled(&self) -> bool {
        self.opts.cancel.load(Ordering::Relaxed)
    }

    /// Runs all passes; returns true if interrupted.
    fn wipe(&self) -> bool {
        let target = match Target::open(&self.plan.path) {
            Ok(t) => t,
            Err(e) => {
                lock(&self.report).error = Some(e.to_string());
                return false;
            }
        };
        {
            let mut r = lock(&self.report);
            r.drive.size_bytes = target.size;
            r.drive.logical_sector_size = target.logical_sector;
            r.drive.physical_sector_size = target.physical_sector;
        }
        let passes = self.plan.passes.len();
        self.send(Event::DriveStarted {
            drive: self.index,
            path: target.path.clone(),
            size: target.size,
            passes,
        });
        let resume = self
            .plan
            .resume
            .unwrap_or(ResumePoint { pass: 1, offset: 0 });
        let mut interrupted = false;
        for pass in self.plan.passes.iter().filter(|p| p.number >= resume.pass) {
            let from = if pass.number == resume.pass {
                resume.offset.min(target.size)
            } else {
                0
            };
            let io = PassIo {
                worker: self,
                target: &target,
                pass,
                passes,
            };
            let outcome = io.run(Phase::Write, from);
            let stop = self.record(pass, Phase::Write, from, &outcome);
            if let Err(e) = target.sync() {
                lock(&self.report).error = Some(format!(
                    "flushing pass {} to the medium failed: {e}",
                    pass.number
                ));
                return false;
            }
            if outcome.interrupted || stop {
                interrupted = outcome.interrupted;
                break;
            }
            if let Some(hook) = &self.opts.after_write_pass {
                hook(self.index, pass.number);
            }
            if pass.verify {
                let _ = target.drop_caches();
                let outcome = io.run(Phase::Verify, 0);
                let stop = self.record(pass, Phase::Verify, 0, &outcome);
                if outcome.interrupted || stop {
                    interrupted = outcome.interrupted;
                    break;
                }
            }
        }
        if let Err(e) = target.drop_caches() {
            lock(&self.report)
                .notes
                .push(format!("could not drop the device's buffer cache: {e}"));
        }
        interrupted
    }

    /// Records a finished (or stopped) pass; returns true if the drive must be given up.
    fn record(&self, pass: &PassPlan, phase: Phase, from: u64, outcome: &PassOutcome) -> bool {
        let secs = outcome.elapsed.as_secs_f64();
        let mut r = lock(&self.report);
        r.passes.push(PassReport {
            number: pass.number,
            phase,
            pattern_kind: pass.pattern.kind().to_owned(),
            pattern: pass.pattern.describe(),
            from_offset: from,
            bytes: outcome.bytes,
            started: outcome.started,
            finished: Utc::now(),
            mb_per_s: if secs > 0.0 {
                outcome.bytes as f64 / secs / 1e6
            } else {
                0.0
            },
            bad_sectors: outcome.failed.blocks() + outcome.mismatched.blocks(),
            completed: !outcome.interrupted && outcome.gave_up.is_none(),
        });
        match phase {
            Phase::Write => r.write_errors.extend(&outcome.failed),
            Phase::Verify => {
                r.read_errors.extend(&outcome.failed);
                r.mismatches.extend(&outcome.mismatched);
            }
        }
        if outcome.interrupted {
            r.resume_from = Some(ResumePoint {
                pass: pass.number,
                offset: if phase == Phase::Write {
                    from + outcome.bytes
                } else {
                    0
                },
            });
        }
        if let Some(why) = &outcome.gave_up {
            r.error = Some(why.clone());
            return true;
        }
        false
    }
}

/// Result of one pass over the device.
struct PassOutcome {
    started: chrono::DateTime<Utc>,
    elapsed: Duration,
    bytes: u64,
    failed: RangeSet,
    mismatched: RangeSet,
    interrupted: bool,
    gave_up: Option<String>,
}

/// A buffer handed from the generator to the I/O loop.
struct Chunk {
    buf: AlignedBuf,
    /// (offset modulo pattern period, length) the buffer was last filled for; lets periodic
    /// patterns skip regeneration.
    filled_for: Option<(u64, usize)>,
    offset: u64,
    len: usize,
}

struct PassIo<'a> {
    worker: &'a Worker,
    target: &'a Target,
    pass: &'a PassPlan,
    passes: usize,
}

impl PassIo<'_> {
    /// Writes (or reads back and compares) the pass's pattern from `from` to the end.
    fn run(&self, phase: Phase, from: u64) -> PassOutcome {
        let w = self.worker;
        w.send(Event::PassStarted {
            drive: w.index,
            pass: self.pass.number,
            passes: self.passes,
            phase,
            pattern: self.pass.pattern.describe(),
        });
        let started = Utc::now();
        let clock = Instant::now();
        let mut out = PassOutcome {
            started,
            elapsed: Duration::ZERO,
            bytes: 0,
            failed: RangeSet::default(),
            mismatched: RangeSet::default(),
            interrupted: false,
            gave_up: None,
        };
        let size = self.target.size;
        let block = w.opts.block_size.max(self.target.logical_sector as usize);
        let pattern = &self.pass.pattern;
        // A verify that checks in place needs only the chunk offsets, not filled buffers.
        let fill = phase == Phase::Write || !pattern.verifies_in_place();
        let depth = if fill && matches!(pattern, Pattern::Random { .. }) {
            GENERATED_DEPTH
        } else {
            1
        };
        let (free_tx, free_rx) = bounded::<Chunk>(depth + 1);
        let (fill_tx, fill_rx) = bounded::<Chunk>(depth);
        for _ in 0..depth {
            let _ = free_tx.send(Chunk {
                buf: AlignedBuf::new(block),
                filled_for: None,
                offset: 0,
                len: 0,
            });
        }
        // Verify reads run on their own thread, so the next read overlaps this chunk's compare.
        let (rfree_tx, rfree_rx) = bounded::<ReadChunk>(READ_DEPTH + 1);
        let (rfull_tx, rfull_rx) = bounded::<ReadChunk>(READ_DEPTH);
        if phase == Phase::Verify {
            for _ in 0..READ_DEPTH {
                let _ = rfree_tx.send(ReadChunk {
                    buf: AlignedBuf::new(block),
                    offset: 0,
                    ok: false,
                });
            }
        }
        let mut last_event = Instant::now();
        let target = self.target;
        thread::scope(|scope| {
            scope.spawn(move || generate(pattern, fill, from, size, block, &free_rx, &fill_tx));
            if phase == Phase::Verify {
                scope.spawn(move || read_ahead(target, from, size, block, &rfree_rx, &rfull_tx));
            } else {
                drop((rfree_rx, rfull_tx));
            }
            for mut chunk in fill_rx.iter() {
                if w.cancelled() {
                    out.interrupted = true;
                    break;
                }
                let data = &chunk.buf[..chunk.len];
                if phase == Phase::Write {
                    self.write_chunk(data, chunk.offset, &mut out);
                } else {
                    let Ok(mut read) = rfull_rx.recv() else { break };
                    debug_assert_eq!(read.offset, chunk.offset);
                    self.verify_chunk(
                        data,
                        &mut read.buf[..chunk.len],
                        read.ok,
                        chunk.offset,
                        &mut out,
                    );
                    read.ok = false;
                    let _ = rfree_tx.send(read);
                }
                out.bytes += chunk.len as u64;
                let bad = out.failed.blocks() + out.mismatched.blocks();
                if bad > w.opts.max_bad_sectors {
                    out.gave_up = Some(format!(
                        "gave up: more than {} bad sectors in pass {} (a failing drive)",
                        w.opts.max_bad_sectors, self.pass.number
                    ));
                    break;
                }
                if last_event.elapsed() >= w.opts.progress_every
                    || chunk.offset + chunk.len as u64 >= size
                {
                    last_event = Instant::now();
                    let secs = clock.elapsed().as_secs_f64();
                    w.send(Event::Progress {
                        drive: w.index,
                        pass: self.pass.number,
                        passes: self.passes,
                        phase,
                        position: chunk.offset + chunk.len as u64,
                        size,
                        bytes_per_sec: if secs > 0.0 {
                            out.bytes as f64 / secs
                        } else {
                            0.0
                        },
                    });
                }
                chunk.offset = 0;
                let _ = free_tx.send(chunk);
            }
            // Closing our ends stops the generator and reader if we left early.
            drop((free_tx, fill_rx, rfree_tx, rfull_rx));
        });
        out.elapsed = clock.elapsed();
        out
    }

    fn write_chunk(&self, data: &[u8], offset: u64, out: &mut PassOutcome) {
        if self.target.write_all_at(data, offset).is_ok() {
            return;
        }
        // Retry sector by sector and record exactly which sectors refuse the write.
        let mut bad = RangeSet::default();
        for (lba, sector, sector_off) in self.sectors(data, offset) {
            if self.target.write_all_at(sector, sector_off).is_err() {
                bad.insert(lba, 1);
            }
        }
        self.report_bad(&bad, Phase::Write, false);
        out.failed.extend(&bad);
    }

    /// Checks what was read (when the read succeeded) against the pass's pattern; on a failed
    /// read, retries sector by sector to separate unreadable sectors from mismatching ones.
    /// `expected` is the filled pattern only for patterns that do not verify in place
    /// ([`Pattern::residue`]); `read` may be changed.
    fn verify_chunk(
        &self,
        expected: &[u8],
        read: &mut [u8],
        read_ok: bool,
        offset: u64,
        out: &mut PassOutcome,
    ) {
        let pattern = &self.pass.pattern;
        let ls = self.target.logical_sector as usize;
        if read_ok {
            let residue = pattern.residue(read, offset);
            let intact = |got: &[u8], want: &[u8]| match residue {
                Some(b) => all_bytes_are(got, b),
                None => got == want,
            };
            if intact(read, expected) {
                return;
            }
            let mut bad = RangeSet::default();
            for (i, (got, want)) in read.chunks(ls).zip(expected.chunks(ls)).enumerate() {
                if !intact(got, want) {
                    bad.insert(self.lba(offset) + i as u64, 1);
                }
            }
            self.report_bad(&bad, Phase::Verify, true);
            out.mismatched.extend(&bad);
            return;
        }
        let mut unreadable = RangeSet::default();
        let mut mismatched = RangeSet::default();
        let mut one = AlignedBuf::new(ls);
        for (lba, want, sector_off) in self.sectors(expected, offset) {
            match self.target.read_exact_at(&mut one, sector_off) {
                Ok(()) => {
                    let intact = match pattern.residue(&mut one, sector_off) {
                        Some(b) => all_bytes_are(&one, b),
                        None => *one == *want,
                    };
                    if !intact {
                        mismatched.insert(lba, 1);
                    }
                }
                Err(_) => unreadable.insert(lba, 1),
            }
        }
        self.report_bad(&unreadable, Phase::Verify, false);
        self.report_bad(&mismatched, Phase::Verify, true);
        out.failed.extend(&unreadable);
        out.mismatched.extend(&mismatched);
    }

    /// (LBA, sector bytes, byte offset) for each logical sector of `data` at `offset`.
    fn sectors<'d>(
        &self,
        data: &'d [u8],
        offset: u64,
    ) -> impl Iterator<Item = (u64, &'d [u8], u64)> + use<'d> {
        let ls = self.target.logical_sector as usize;
        let first = self.lba(offset);
        data.chunks(ls)
            .enumerate()
            .map(move |(i, s)| (first + i as u64, s, offset + (i * ls) as u64))
    }

    fn lba(&self, offset: u64) -> u64 {
        offset / u64::from(self.target.logical_sector)
    }

    fn report_bad(&self, set: &RangeSet, phase: Phase, mismatch: bool) {
        let w = self.worker;
        for range in set.ranges() {
            w.send(Event::BadRange {
                drive: w.index,
                pass: self.pass.number,
                phase,
                range: *range,
                mismatch,
            });
        }
    }
}

/// A buffer read from the device by the read-ahead thread.
struct ReadChunk {
    buf: AlignedBuf,
    offset: u64,
    /// False if the whole-chunk read failed (the verifier then retries sector by sector).
    ok: bool,
}

/// The read-ahead thread of a verify pass: reads successive chunks into free buffers.
fn read_ahead(
    target: &Target,
    from: u64,
    size: u64,
    block: usize,
    free: &Receiver<ReadChunk>,
    full: &Sender<ReadChunk>,
) {
    let mut offset = from;
    while offset < size {
        let Ok(mut chunk) = free.recv() else { return };
        let len = usize::try_from((size - offset).min(block as u64)).unwrap_or(block);
        chunk.ok = target.read_exact_at(&mut chunk.buf[..len], offset).is_ok();
        chunk.offset = offset;
        if full.send(chunk).is_err() {
            return;
        }
        offset += len as u64;
    }
}

/// The generator thread: fills free buffers with the pattern for successive offsets (or, with
/// `fill` false, only hands out the offsets).
fn generate(
    pattern: &Pattern,
    fill: bool,
    from: u64,
    size: u64,
    block: usize,
    free: &Receiver<Chunk>,
    filled: &Sender<Chunk>,
) {
    let period = match pattern {
        Pattern::Constant { .. } => Some(1u64),
        Pattern::Repeat { bytes } => Some(bytes.len().max(1) as u64),
        Pattern::Random { .. } => None,
    };
    let mut offset = from;
    while offset < size {
        let Ok(mut chunk) = free.recv() else { return };
        let len = usize::try_from((size - offset).min(block as u64)).unwrap_or(block);
        let key = period.map(|p| (offset % p, len));
        if !fill {
            chunk.filled_for = None;
        } else if key.is_none() || chunk.filled_for != key {
            pattern.fill(&mut chunk.buf[..len], offset);
            chunk.filled_for = key;
        }
        chunk.offset = offset;
        chunk.len = len;
        if filled.send(chunk).is_err() {
            return;
        }
        offset += len as u64;
    }
}
