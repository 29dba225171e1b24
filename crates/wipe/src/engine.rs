//! The wipe engine: one worker thread per drive, each with a pattern generator thread running
//! ahead of its I/O, and a supervisor that forwards progress, detects stalls and handles
//! cancellation so that one slow or hung drive never holds up the others or the display.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread;
use std::time::{Duration, Instant};

use chrono::Utc;
use crossbeam_channel::{Receiver, RecvTimeoutError, Sender, bounded, unbounded};

use tabula_device::command::Transport;

use crate::buffer::AlignedBuf;
use crate::failure::Failure;
use crate::note::Note;
use crate::pattern::{Pattern, all_bytes_are};
use crate::plan::{DrivePlan, PassPlan, Preflight, ResumePoint, WipePlan};
use crate::progress::{Event, Phase};
use crate::ranges::{LbaRange, RangeSet};
use crate::report::{DriveReport, PassReport};
use crate::retry::{Isolated, RetryBudget, Search};
use crate::target::{Target, TargetError};

/// Called after a write pass has been flushed, before its verification (drive index, pass number).
/// Tests use it to corrupt a device between write and verify.
pub type PassHook = Arc<dyn Fn(usize, usize) + Send + Sync>;
/// See [`EngineOptions::on_event`].
pub type EventHook = Arc<dyn Fn(&Event) + Send + Sync>;
/// See [`EngineOptions::open_transport`].
pub type TransportOpener =
    Arc<dyn Fn(&DrivePlan) -> Result<Box<dyn Transport>, String> + Send + Sync>;

/// See [`EngineOptions::rescan`].
pub type Rescan = Arc<dyn Fn(&DrivePlan) -> Result<(), String> + Send + Sync>;

mod firmware_step;
mod hidden_step;
use firmware_step::StepEnd;

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
    /// Effort spent locating the bad sectors of one failed request.
    pub retry: RetryBudget,
    pub after_write_pass: Option<PassHook>,
    /// Called on the drive's worker thread with each event before it is sent. Tests use it to
    /// act at an exact moment (cancel when a retry starts).
    pub on_event: Option<EventHook>,
    /// Canaries planted before a firmware erase.
    pub canaries: usize,
    /// Share of the drive read after a firmware erase (0.01 = 1 %).
    pub sample_share: f64,
    /// How the firmware erase state machines poll, wait and unfreeze.
    pub firmware: crate::firmware::FirmwareOptions,
    /// Opens a drive's command path for a firmware erase, claiming it exclusively and checking
    /// it is the confirmed drive ([`linux_transport`]; tests put simulators here).
    pub open_transport: TransportOpener,
    /// Makes the kernel re-read a drive's capacity after its hidden areas were removed
    /// ([`linux_rescan`]; tests count the calls). The engine then measures the size again and
    /// writes nothing unless it is the size the drive reports.
    pub rescan: Rescan,
}

/// Asks the kernel to re-read the drive's capacity: `1` into `/sys/block/<name>/device/rescan`
/// (SCSI and libata disks revalidate there, synchronously).
pub fn linux_rescan(plan: &DrivePlan) -> Result<(), String> {
    let drive = plan
        .drive
        .as_ref()
        .ok_or_else(|| format!("{}: a file has no capacity to re-read", plan.path.display()))?;
    let path = std::path::Path::new("/sys/block")
        .join(&drive.name)
        .join("device/rescan");
    std::fs::write(&path, "1").map_err(|e| {
        format!(
            "asking the kernel to re-read the capacity ({}) failed: {e}",
            path.display()
        )
    })
}

/// The kernel's command path to a planned drive, opened for an erase (exclusive, identity
/// checked). Files and drives without a confirmed identity have none.
pub fn linux_transport(plan: &DrivePlan) -> Result<Box<dyn Transport>, String> {
    let drive = plan.drive.as_ref().ok_or_else(|| {
        format!(
            "{}: a file, not a drive: no firmware command reaches it",
            plan.path.display()
        )
    })?;
    let Some(Preflight::Passed { identity }) = &plan.preflight else {
        return Err(format!(
            "{}: not confirmed for writing",
            plan.path.display()
        ));
    };
    tabula_device::command::open_transport_as(drive, identity).map_err(|e| e.to_string())
}

impl std::fmt::Debug for EngineOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EngineOptions")
            .field("block_size", &self.block_size)
            .field("stall_after", &self.stall_after)
            .field("max_bad_sectors", &self.max_bad_sectors)
            .field("retry", &self.retry)
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
            retry: RetryBudget::default(),
            after_write_pass: None,
            on_event: None,
            canaries: crate::canary::DEFAULT_CANARIES,
            sample_share: crate::sampling::DEFAULT_SHARE,
            firmware: crate::firmware::FirmwareOptions::default(),
            open_transport: Arc::new(linux_transport),
            rescan: Arc::new(linux_rescan),
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
    /// A firmware erase is running: drives report no progress during some of them (ATA
    /// SECURITY ERASE UNIT), so silence is not a stall.
    in_firmware: bool,
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
            r.fail(Failure::Thread {
                error: e.to_string(),
            });
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
            in_firmware: false,
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
                match event {
                    Event::FirmwareStarted { .. } => slot.in_firmware = true,
                    Event::FirmwareChecked { .. } => slot.in_firmware = false,
                    _ => {}
                }
                if matches!(
                    event,
                    Event::Progress { .. }
                        | Event::PassStarted { .. }
                        | Event::FirmwareProgress { .. }
                        | Event::FirmwarePhase { .. }
                        | Event::FirmwareStarted { .. }
                ) {
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
            .filter(|(_, s)| !s.done && !s.stalled && !s.in_firmware)
        {
            let idle = slot.last_progress.elapsed();
            if idle >= opts.stall_after {
                slot.stalled = true;
                lock(&slot.report).notes.push(Note::Stalled {
                    seconds: idle.as_secs(),
                    at: Utc::now(),
                });
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
                    r.notes.push(Note::Abandoned);
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
        if let Some(hook) = &self.opts.on_event {
            hook(&event);
        }
        let _ = self.tx.send(Msg::Event(event));
    }

    fn cancelled(&self) -> bool {
        self.opts.cancel.load(Ordering::Relaxed)
    }

    /// Runs all passes; returns true if interrupted.
    fn wipe(&self) -> bool {
        let target = match open_confirmed(&self.plan) {
            Ok(t) => t,
            Err(e) => {
                lock(&self.report).fail(e);
                return false;
            }
        };
        // A resumed wipe found the hidden areas removed already (its size is the new one).
        let target = if self.plan.remove_hidden_areas && self.plan.resume.is_none() {
            match self.hidden_step(target) {
                Some(t) => t,
                None => return false,
            }
        } else {
            target
        };
        if let Err(e) =
            self.plan
                .check_alignment(self.opts.block_size, target.logical_sector, target.size)
        {
            lock(&self.report).fail(Failure::Misaligned {
                path: target.path.display().to_string(),
                error: e,
            });
            return false;
        }
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
        let mut target = target;
        // A resumed wipe continues its passes; the firmware erase is not repeated.
        if let Some(step) = self.plan.firmware.filter(|_| self.plan.resume.is_none()) {
            match self.firmware_step(step, target) {
                StepEnd::Done | StepEnd::Failed => return false,
                StepEnd::Overwrite(t) => target = t,
            }
        }
        // Checked above to lie on the drive.
        let resume = self
            .plan
            .resume
            .unwrap_or(ResumePoint { pass: 1, offset: 0 });
        let mut interrupted = false;
        for pass in self.plan.passes.iter().filter(|p| p.number >= resume.pass) {
            let from = if pass.number == resume.pass {
                resume.offset
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
                lock(&self.report).fail(Failure::Flush {
                    pass: pass.number,
                    error: e.to_string(),
                });
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
            lock(&self.report).notes.push(Note::CacheNotDropped {
                error: e.to_string(),
            });
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
            Phase::Write => {
                r.write_errors.extend(&outcome.failed);
                r.unwritten.extend(&outcome.untried);
            }
            Phase::Verify => {
                r.read_errors.extend(&outcome.failed);
                r.mismatches.extend(&outcome.mismatched);
                r.unverified.extend(&outcome.untried);
            }
        }
        r.notes.extend(outcome.notes.iter().cloned());
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
            r.fail(why.clone());
            return true;
        }
        false
    }
}

/// Opens a planned target for writing, only if its check before confirmation passed and it is
/// still the target that was confirmed.
fn open_confirmed(plan: &DrivePlan) -> Result<Target, Failure> {
    let error = match &plan.preflight {
        Some(Preflight::Passed { identity }) => match open_as_settled(&plan.path, identity) {
            Ok(t) => return Ok(t),
            Err(e) => e,
        },
        Some(Preflight::Failed { reason, error }) => {
            return Err(Failure::Refused {
                reason: reason.clone(),
                target: error.clone(),
            });
        }
        None => TargetError::NoIdentity {
            path: plan.path.clone(),
        },
    };
    Err(Failure::Open {
        error: error.to_string(),
        target: Some(error.into()),
    })
}

/// Opens the confirmed drive, trying again for a moment while it is busy: a drive the engine
/// has just closed (between a firmware erase's steps) may be claimed briefly by a prober such as
/// udev's blkid or another tool's device scan. A drive that stays busy (mounted, held) is refused.
fn open_as_settled(
    path: &std::path::Path,
    identity: &tabula_device::identity::Identity,
) -> Result<Target, TargetError> {
    let deadline = Instant::now() + Duration::from_secs(3);
    loop {
        match Target::open_as(path, identity) {
            Err(TargetError::Busy { .. }) if Instant::now() < deadline => {
                thread::sleep(Duration::from_millis(50));
            }
            other => return other,
        }
    }
}

/// Result of one pass over the device.
struct PassOutcome {
    started: chrono::DateTime<Utc>,
    elapsed: Duration,
    bytes: u64,
    failed: RangeSet,
    mismatched: RangeSet,
    /// Sectors a retry search did not get to: not known to be written (verified).
    untried: RangeSet,
    notes: Vec<Note>,
    interrupted: bool,
    gave_up: Option<Failure>,
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

/// When a pass started and when it last sent progress.
struct Meter {
    clock: Instant,
    last_event: Instant,
}

/// Free and filled chunk channels with `depth` buffers of `block` bytes in circulation.
fn chunk_pipeline(
    depth: usize,
    block: usize,
) -> (
    Sender<Chunk>,
    Receiver<Chunk>,
    Sender<Chunk>,
    Receiver<Chunk>,
) {
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
    (free_tx, free_rx, fill_tx, fill_rx)
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
        let mut out = PassOutcome {
            started: Utc::now(),
            elapsed: Duration::ZERO,
            bytes: 0,
            failed: RangeSet::default(),
            mismatched: RangeSet::default(),
            untried: RangeSet::default(),
            notes: Vec::new(),
            interrupted: false,
            gave_up: None,
        };
        let mut meter = Meter {
            clock: Instant::now(),
            last_event: Instant::now(),
        };
        match phase {
            Phase::Write => self.write_pass(from, &mut out, &mut meter),
            Phase::Verify => self.verify_pass(from, &mut out, &mut meter),
        }
        out.elapsed = meter.clock.elapsed();
        out
    }

    /// Bytes per request (a multiple of the logical sector, checked when the drive was opened).
    fn block(&self) -> usize {
        self.worker.opts.block_size
    }

    /// The write pass: the generator fills buffers ahead, this thread writes them.
    fn write_pass(&self, from: u64, out: &mut PassOutcome, meter: &mut Meter) {
        let (size, block, pattern) = (self.target.size, self.block(), &self.pass.pattern);
        let depth = if matches!(pattern, Pattern::Random { .. }) {
            GENERATED_DEPTH
        } else {
            1
        };
        let (free_tx, free_rx, fill_tx, fill_rx) = chunk_pipeline(depth, block);
        thread::scope(|scope| {
            scope.spawn(move || generate(pattern, true, from, size, block, &free_rx, &fill_tx));
            for mut chunk in fill_rx.iter() {
                if self.worker.cancelled() {
                    out.interrupted = true;
                    break;
                }
                if !self.write_chunk(&chunk.buf[..chunk.len], chunk.offset, out) {
                    out.interrupted = true;
                    break;
                }
                if !self.account(Phase::Write, chunk.offset, chunk.len, out, meter) {
                    break;
                }
                chunk.offset = 0;
                let _ = free_tx.send(chunk);
            }
            // Closing our ends stops the generator if we left early.
            drop((free_tx, fill_rx));
        });
    }

    /// The verify pass: a read-ahead thread reads chunks, this thread checks them (against
    /// generated buffers only for patterns that do not verify in place).
    fn verify_pass(&self, from: u64, out: &mut PassOutcome, meter: &mut Meter) {
        let (size, block, pattern) = (self.target.size, self.block(), &self.pass.pattern);
        let fill = !pattern.verifies_in_place();
        let (free_tx, free_rx, fill_tx, fill_rx) = chunk_pipeline(1, block);
        let (rfree_tx, rfree_rx) = bounded::<ReadChunk>(READ_DEPTH + 1);
        let (rfull_tx, rfull_rx) = bounded::<ReadChunk>(READ_DEPTH);
        for _ in 0..READ_DEPTH {
            let _ = rfree_tx.send(ReadChunk {
                buf: AlignedBuf::new(block),
                offset: 0,
                ok: false,
            });
        }
        let target = self.target;
        thread::scope(|scope| {
            scope.spawn(move || generate(pattern, fill, from, size, block, &free_rx, &fill_tx));
            scope.spawn(move || read_ahead(target, from, size, block, &rfree_rx, &rfull_tx));
            for mut chunk in fill_rx.iter() {
                if self.worker.cancelled() {
                    out.interrupted = true;
                    break;
                }
                let Ok(mut read) = rfull_rx.recv() else { break };
                debug_assert_eq!(read.offset, chunk.offset);
                let data = &chunk.buf[..chunk.len];
                let done =
                    self.verify_chunk(data, &mut read.buf[..chunk.len], read.ok, chunk.offset, out);
                read.ok = false;
                let _ = rfree_tx.send(read);
                if !done {
                    out.interrupted = true;
                    break;
                }
                if !self.account(Phase::Verify, chunk.offset, chunk.len, out, meter) {
                    break;
                }
                chunk.offset = 0;
                let _ = free_tx.send(chunk);
            }
            // Closing our ends stops the generator and reader if we left early.
            drop((free_tx, fill_rx, rfree_tx, rfull_rx));
        });
    }

    /// Counts a finished chunk, gives up on a failing drive, sends progress at most every
    /// `progress_every`. Returns false when the pass must stop.
    fn account(
        &self,
        phase: Phase,
        offset: u64,
        len: usize,
        out: &mut PassOutcome,
        meter: &mut Meter,
    ) -> bool {
        let w = self.worker;
        out.bytes += len as u64;
        let bad = out.failed.blocks() + out.mismatched.blocks();
        if bad > w.opts.max_bad_sectors {
            out.gave_up = Some(Failure::TooManyBadSectors {
                max: w.opts.max_bad_sectors,
                pass: self.pass.number,
            });
            return false;
        }
        let position = offset + len as u64;
        if meter.last_event.elapsed() >= w.opts.progress_every || position >= self.target.size {
            meter.last_event = Instant::now();
            let secs = meter.clock.elapsed().as_secs_f64();
            w.send(Event::Progress {
                drive: w.index,
                pass: self.pass.number,
                passes: self.passes,
                phase,
                position,
                size: self.target.size,
                bytes_per_sec: if secs > 0.0 {
                    out.bytes as f64 / secs
                } else {
                    0.0
                },
            });
        }
        true
    }

    /// Writes one chunk; when the request fails, bisects it to find the sectors that refuse the
    /// write. Returns false if cancelled while doing so.
    fn write_chunk(&self, data: &[u8], offset: u64, out: &mut PassOutcome) -> bool {
        if self.target.write_all_at(data, offset).is_ok() {
            return true;
        }
        let found = self.isolate(Phase::Write, offset, data.len(), |part, len| {
            let rel = (part - offset) as usize;
            self.target
                .write_all_at(&data[rel..rel + len], part)
                .is_ok()
        });
        self.report_bad(&found.failed, Phase::Write, false);
        out.failed.extend(&found.failed);
        self.record_untried(&found, Phase::Write, out)
    }

    /// Checks what was read (when the read succeeded) against the pass's pattern; on a failed
    /// read, bisects the request to separate unreadable sectors from mismatching ones.
    /// `expected` is the filled pattern only for patterns that do not verify in place
    /// ([`Pattern::residue`]); `read` may be changed. Returns false if cancelled meanwhile.
    fn verify_chunk(
        &self,
        expected: &[u8],
        read: &mut [u8],
        read_ok: bool,
        offset: u64,
        out: &mut PassOutcome,
    ) -> bool {
        if read_ok {
            let bad = self.mismatched_sectors(expected, read, offset);
            self.report_bad(&bad, Phase::Verify, true);
            out.mismatched.extend(&bad);
            return true;
        }
        let mut mismatched = RangeSet::default();
        let mut part_buf = AlignedBuf::new(read.len());
        let found = self.isolate(Phase::Verify, offset, read.len(), |part, len| {
            let rel = (part - offset) as usize;
            let buf = &mut part_buf[..len];
            if self.target.read_exact_at(buf, part).is_err() {
                return false;
            }
            mismatched.extend(&self.mismatched_sectors(&expected[rel..rel + len], buf, part));
            true
        });
        self.report_bad(&found.failed, Phase::Verify, false);
        self.report_bad(&mismatched, Phase::Verify, true);
        out.failed.extend(&found.failed);
        out.mismatched.extend(&mismatched);
        self.record_untried(&found, Phase::Verify, out)
    }

    /// The sectors of `read` (read from `offset`) that do not hold the pattern; `read` may be
    /// changed (see [`Pattern::residue`]).
    fn mismatched_sectors(&self, expected: &[u8], read: &mut [u8], offset: u64) -> RangeSet {
        let ls = self.target.logical_sector as usize;
        let residue = self.pass.pattern.residue(read, offset);
        let intact = |got: &[u8], want: &[u8]| match residue {
            Some(b) => all_bytes_are(got, b),
            None => got == want,
        };
        let mut bad = RangeSet::default();
        if intact(read, expected) {
            return bad;
        }
        for (i, (got, want)) in read.chunks(ls).zip(expected.chunks(ls)).enumerate() {
            if !intact(got, want) {
                bad.insert(self.lba(offset) + i as u64, 1);
            }
        }
        bad
    }

    /// Bisects a failed request of `len` bytes at `offset` within the retry budget.
    fn isolate(
        &self,
        phase: Phase,
        offset: u64,
        len: usize,
        attempt: impl FnMut(u64, usize) -> bool,
    ) -> Isolated {
        let w = self.worker;
        let sector = self.target.logical_sector as usize;
        w.send(Event::Retrying {
            drive: w.index,
            pass: self.pass.number,
            phase,
            range: LbaRange {
                first: self.lba(offset),
                count: (len / sector) as u64,
            },
        });
        let search = Search {
            offset,
            len,
            sector,
            budget: w.opts.retry,
        };
        search.run(|| w.cancelled(), attempt)
    }

    /// Records what a search left untried as unwritten or unverified, with a note when the budget
    /// ran out. Returns false if the search was cancelled.
    fn record_untried(&self, found: &Isolated, phase: Phase, out: &mut PassOutcome) -> bool {
        out.untried.extend(&found.untried);
        if found.exhausted {
            let budget = self.worker.opts.retry;
            let left: Vec<String> = found
                .untried
                .ranges()
                .iter()
                .map(|r| r.to_string())
                .collect();
            out.notes.push(Note::RetryBudgetSpent {
                pass: self.pass.number,
                commands: budget.commands,
                seconds: budget.time.as_secs(),
                phase,
                left,
            });
        }
        !found.cancelled
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
