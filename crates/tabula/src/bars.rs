//! The CLI's progress: one bar per drive on a terminal (indicatif), timestamped lines otherwise
//! (batches, the image's unattended service, `| tee`).
//!
//! Both show the whole wipe, every pass and the verify, as one span: the percentage, the speed
//! and the ETA are over all of it, so a new pass neither resets the bar nor starts at "0 B/s ETA
//! 0s". Speed and ETA are shown only once there is something to measure, and in MB/s (decimal,
//! as in the TUI and the PDF). A drive that ends early keeps its bar where it stopped, with its
//! real average speed; only a completed drive shows 100 %.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};
use tabula_wipe::plan::{ResumePoint, WipePlan};
use tabula_wipe::progress::{Event, Phase};
use tabula_wipe::report::WipeStatus;

use crate::firmware_progress::FirmwareProgress;
use crate::i18n::t;
use crate::tui::theme::{duration, rate};

/// How often a line is printed per drive without a terminal (besides every pass boundary).
const LINE_INTERVAL: Duration = Duration::from_secs(10);

/// Where one drive's wipe stands.
#[derive(Debug, Clone)]
struct DriveState {
    path: String,
    size: u64,
    /// Every write and verify of the plan, in order: each is one `size` of work.
    spans: Vec<(usize, Phase)>,
    passes: usize,
    pass: usize,
    phase: Phase,
    /// Bytes done over all passes (earlier passes counted whole).
    done: u64,
    /// `done` when this run began (a resumed wipe starts with earlier passes done).
    base: Option<u64>,
    /// Where a resumed wipe continues: its earlier work is not this run's speed.
    resume: Option<ResumePoint>,
    started: Instant,
    last_line: Option<Instant>,
    /// The drive's own erase, when one runs.
    firmware: Option<FirmwareProgress>,
}

impl DriveState {
    fn total(&self) -> u64 {
        self.size.saturating_mul(self.spans.len().max(1) as u64)
    }

    /// Work done before `position` of `pass`'s `phase`.
    fn done_at(&self, pass: usize, phase: Phase, position: u64) -> u64 {
        let before = self
            .spans
            .iter()
            .position(|s| *s == (pass, phase))
            .unwrap_or(0);
        self.size
            .saturating_mul(before as u64)
            .saturating_add(position)
    }

    /// A resumed wipe: the work before the resume point is done, and is where this run's speed
    /// is measured from (the engine's first progress already counts the resume offset).
    fn resumed(&mut self) {
        if let Some(r) = self.resume {
            self.done = self.done_at(r.pass, Phase::Write, r.offset);
            self.base = Some(self.done);
        }
    }

    fn percent(&self) -> f64 {
        if self.total() == 0 {
            return 0.0;
        }
        self.done as f64 * 100.0 / self.total() as f64
    }

    /// Average bytes per second of this run, once there is a second and a byte to measure.
    fn speed(&self) -> Option<f64> {
        let secs = self.started.elapsed().as_secs_f64();
        let bytes = self.done.saturating_sub(self.base.unwrap_or(self.done));
        (secs >= 1.0 && bytes > 0).then(|| bytes as f64 / secs)
    }

    fn speed_text(&self) -> String {
        self.speed().map_or_else(|| "-- MB/s".to_owned(), rate)
    }

    /// The average of this run at its end (also under a second).
    fn average_text(&self) -> String {
        let secs = self.started.elapsed().as_secs_f64();
        let bytes = self.done.saturating_sub(self.base.unwrap_or(self.done));
        if secs > 0.0 && bytes > 0 {
            rate(bytes as f64 / secs)
        } else {
            "-- MB/s".to_owned()
        }
    }

    fn eta_text(&self) -> String {
        match self.speed() {
            Some(s) => duration((self.total().saturating_sub(self.done) as f64 / s) as u64),
            None => "--".to_owned(),
        }
    }

    fn pass_text(&self) -> String {
        let tp = &t().progress;
        let verb = if self.phase == Phase::Write {
            tp.write
        } else {
            tp.verify
        };
        (tp.pass)(self.pass.max(1), self.passes.max(1), verb, "")
            .trim_end()
            .to_owned()
    }

    fn ended(&self, status: WipeStatus) -> String {
        let took = duration(self.started.elapsed().as_secs());
        let c = &t().cli;
        let word = (t().common.status)(status);
        if status == WipeStatus::Completed {
            (c.ended)(word, &self.average_text(), &took)
        } else {
            (c.ended_early)(
                word,
                self.percent(),
                &self.pass_text(),
                &self.average_text(),
                &took,
            )
        }
    }
}

/// Progress output for one plan.
#[derive(Debug)]
pub struct Bars {
    drives: Mutex<Vec<DriveState>>,
    /// On a terminal: one bar per drive; else `None` and lines are printed.
    bars: Option<(MultiProgress, Vec<ProgressBar>)>,
}

impl Bars {
    pub fn new(plan: &WipePlan, terminal: bool) -> Self {
        let drives: Vec<DriveState> = plan
            .drives
            .iter()
            .map(|d| DriveState {
                path: d.path.display().to_string(),
                // A file's length too: a bar of length 0 would read 100 % before the start.
                size: d.identity().2,
                spans: d
                    .passes
                    .iter()
                    .flat_map(|p| {
                        std::iter::once((p.number, Phase::Write))
                            .chain(p.verify.then_some((p.number, Phase::Verify)))
                    })
                    .collect(),
                passes: d.passes.len().max(1),
                pass: 0,
                phase: Phase::Write,
                done: 0,
                base: None,
                resume: d.resume,
                started: Instant::now(),
                last_line: None,
                firmware: None,
            })
            .collect();
        let bars = terminal.then(|| {
            let multi = MultiProgress::with_draw_target(ProgressDrawTarget::stderr());
            // The spinner turns while the numbers wait (a flush, a stall): ASCII, for the
            // Linux console's font.
            let style = ProgressStyle::with_template(
                "{spinner} {prefix:<14} [{bar:28}] {percent:>3}% {msg}",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> ")
            .tick_chars("|/-\\ ");
            let bars = drives
                .iter()
                .map(|d| {
                    let bar = multi.add(ProgressBar::new(d.total().max(1)));
                    bar.set_style(style.clone());
                    bar.set_prefix(d.path.clone());
                    bar.enable_steady_tick(Duration::from_millis(250));
                    bar
                })
                .collect();
            (multi, bars)
        });
        Self {
            drives: Mutex::new(drives),
            bars,
        }
    }

    pub fn handle(&self, event: &Event) {
        let Ok(mut drives) = self.drives.lock() else {
            return;
        };
        let Some(d) = drives.get_mut(event.drive()) else {
            return;
        };
        let bar = self.bars.as_ref().and_then(|(_, b)| b.get(event.drive()));
        if FirmwareProgress::apply(&mut d.firmware, event) {
            self.firmware(d, bar, event);
            return;
        }
        // What to say now, if anything (a line without a terminal, a message on the bar).
        let mut say: Option<String> = None;
        let mut line_due = false;
        match event {
            Event::DriveStarted { size, passes, .. } => {
                d.size = *size;
                d.passes = (*passes).max(1);
                d.started = Instant::now();
                d.resumed();
                if let Some(bar) = bar {
                    bar.set_length(d.total());
                    bar.set_position(d.done);
                }
            }
            Event::PassStarted {
                pass,
                passes,
                phase,
                pattern,
                ..
            } => {
                d.pass = *pass;
                d.passes = (*passes).max(1);
                d.phase = *phase;
                // A resumed pass starts where it stopped, not at its beginning.
                d.done = d.done_at(*pass, *phase, 0).max(d.base.unwrap_or(0));
                if d.base.is_none() {
                    d.base = Some(d.done);
                    d.started = Instant::now();
                }
                say = Some(format!("{} {pattern}", d.pass_text()));
                line_due = true;
            }
            Event::Progress {
                pass,
                phase,
                position,
                ..
            } => {
                d.done = d.done_at(*pass, *phase, *position);
                if d.base.is_none() {
                    d.base = Some(d.done);
                }
                // All of a write pass is sent: the flush that follows can take a while (a
                // drive's cache, a loop device's file), and must not look like a frozen bar.
                let flushing = *phase == Phase::Write && *position >= d.size;
                say = Some(if flushing {
                    format!("{}: {}", d.pass_text(), t().cli.flushing)
                } else {
                    format!(
                        "{} {} {} {}",
                        d.pass_text(),
                        d.speed_text(),
                        t().progress.eta,
                        d.eta_text()
                    )
                });
                // (A log gets the pass boundaries from `PassStarted`, not a line per flush.)
                line_due = !flushing && d.last_line.is_none_or(|t| t.elapsed() >= LINE_INTERVAL);
            }
            Event::BadRange {
                range, mismatch, ..
            } => {
                let c = &t().cli;
                let what = if *mismatch { c.errors[2] } else { c.io_error };
                self.print(bar, &(c.bad_range)(&d.path, what, &range.to_string()));
            }
            Event::Stalled { seconds, .. } => {
                say = Some((t().cli.stalled)(*seconds));
                line_due = true;
            }
            Event::Recovered { .. } => {
                say = Some(t().cli.moving_again.to_owned());
                line_due = true;
            }
            Event::DriveFinished { status, .. } => {
                let text = d.ended(*status);
                match bar {
                    Some(bar) if *status == WipeStatus::Completed => bar.finish_with_message(text),
                    // Where it stopped, never 100 %.
                    Some(bar) => bar.abandon_with_message(text),
                    None => eprintln!("{} {}: {text}", now(), d.path),
                }
                return;
            }
            _ => {}
        }
        match (bar, say) {
            (Some(bar), Some(text)) => {
                bar.set_position(d.done);
                bar.set_message(text);
            }
            (Some(bar), None) => bar.set_position(d.done),
            (None, Some(text)) if line_due => {
                d.last_line = Some(Instant::now());
                eprintln!(
                    "{} {}: {} % {text}",
                    now(),
                    d.path,
                    crate::i18n::decimal(d.percent(), 1)
                );
            }
            (None, _) => {}
        }
    }

    /// A firmware erase's step on the bar, or as a line: each new stage at once, the drive's
    /// percent at most every [`LINE_INTERVAL`].
    fn firmware(&self, d: &mut DriveState, bar: Option<&ProgressBar>, event: &Event) {
        let Some(fw) = &d.firmware else { return };
        let text = fw.text();
        match bar {
            Some(bar) => {
                bar.set_position((fw.fraction() * d.total() as f64) as u64);
                bar.set_message(text);
            }
            None => {
                let percent_only = matches!(event, Event::FirmwareProgress { .. });
                if !percent_only || d.last_line.is_none_or(|t| t.elapsed() >= LINE_INTERVAL) {
                    d.last_line = Some(Instant::now());
                    eprintln!("{} {}: {text}", now(), d.path);
                }
            }
        }
    }

    fn print(&self, bar: Option<&ProgressBar>, text: &str) {
        match bar {
            Some(bar) => bar.println(text),
            None => eprintln!("{} {text}", now()),
        }
    }
}

/// Local time for people reading the log of a batch.
fn now() -> String {
    crate::i18n::clock::timestamp(chrono::Utc::now())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn state(size: u64, passes: usize) -> DriveState {
        DriveState {
            path: "/dev/x".into(),
            size,
            spans: (1..=passes).map(|p| (p, Phase::Write)).collect(),
            passes,
            pass: 1,
            phase: Phase::Write,
            done: 0,
            base: None,
            resume: None,
            started: Instant::now() - Duration::from_secs(10),
            last_line: None,
            firmware: None,
        }
    }

    #[test]
    fn nothing_measured_shows_no_speed_and_no_eta() {
        let d = state(1000, 2);
        assert_eq!(
            (d.speed_text().as_str(), d.eta_text().as_str()),
            ("-- MB/s", "--")
        );
    }

    #[test]
    fn percent_speed_and_eta_cover_every_pass() {
        // Pass 2 of 4 half done: 1.5 of 4 sizes; 10 s for 1.5e9 bytes from the start.
        let mut d = state(1_000_000_000, 4);
        d.base = Some(0);
        d.pass = 2;
        d.done = 1_500_000_000;
        assert!((d.percent() - 37.5).abs() < 1e-9);
        assert_eq!(d.speed_text(), "150.0 MB/s");
        // 2.5e9 bytes left at 150 MB/s: about 16.7 s.
        assert!(matches!(d.eta_text().as_str(), "0:00:16" | "0:00:17"));
    }

    #[test]
    fn a_resumed_wipe_measures_only_its_own_bytes() {
        let mut d = state(1_000_000_000, 7);
        d.base = Some(4_000_000_000);
        d.done = 4_000_000_000;
        assert_eq!(d.speed_text(), "-- MB/s", "earlier passes are not speed");
        d.done = 4_500_000_000;
        assert_eq!(d.speed_text(), "50.0 MB/s");
    }

    /// A wipe interrupted at 60 % of pass 3 of 4 resumes there: the engine's first progress
    /// of the pass already counts the 600 MB written before, which are not this run's speed
    /// (they read as 70 MB/s instead of 10 MB/s, and as an absurd speed when a drive resumes
    /// late in a pass and its first progress comes a moment after the start).
    #[test]
    fn a_wipe_resumed_inside_a_pass_measures_from_its_resume_point() {
        let mut d = state(1_000_000_000, 4);
        d.resume = Some(ResumePoint {
            pass: 3,
            offset: 600_000_000,
        });
        let bars = Bars {
            drives: Mutex::new(vec![d]),
            bars: None,
        };
        let events = [
            Event::DriveStarted {
                drive: 0,
                path: "/dev/x".into(),
                size: 1_000_000_000,
                passes: 4,
            },
            Event::PassStarted {
                drive: 0,
                pass: 3,
                passes: 4,
                phase: Phase::Write,
                pattern: "0x00".into(),
            },
        ];
        for e in &events {
            bars.handle(e);
        }
        let percent = |bars: &Bars| bars.drives.lock().unwrap()[0].percent();
        assert!(
            (percent(&bars) - 65.0).abs() < 1e-9,
            "starts where it stopped"
        );
        bars.drives.lock().unwrap()[0].started = Instant::now() - Duration::from_secs(10);
        bars.handle(&Event::Progress {
            drive: 0,
            pass: 3,
            passes: 4,
            phase: Phase::Write,
            position: 700_000_000,
            size: 1_000_000_000,
            bytes_per_sec: 0.0,
        });
        let d = bars.drives.lock().unwrap()[0].clone();
        assert_eq!(d.speed_text(), "10.0 MB/s");
        assert!((d.percent() - 67.5).abs() < 1e-9);
        assert!(
            d.ended(WipeStatus::Interrupted)
                .contains("at 67.5 % (pass 3/4 write), 10.0 MB/s average")
        );
    }

    /// A file's bar starts at 0 % of all its passes (a bar of length 0 reads 100 %), and the
    /// end of a write pass says that the cache is being flushed instead of an ETA that waits.
    #[test]
    fn a_bar_starts_empty_and_says_when_it_flushes() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("disk.img");
        std::fs::write(&file, vec![0x5a; 4096]).unwrap();
        let target = tabula_wipe::plan::Checked {
            path: file,
            drive: None,
            preflight: tabula_wipe::plan::Preflight::Failed {
                reason: "not opened in this test".into(),
                error: None,
            },
            capabilities: None,
        };
        let method = tabula_wipe::method::Method::by_name("dodshort").unwrap();
        let plan = WipePlan::new(method, None, vec![target]).unwrap();
        let bars = Bars::new(&plan, true);
        let bar = bars.bars.as_ref().unwrap().1[0].clone();
        // Three writes and the verify of the last.
        assert_eq!((bar.length(), bar.position()), (Some(4 * 4096), 0));
        bars.handle(&Event::Progress {
            drive: 0,
            pass: 1,
            passes: 3,
            phase: Phase::Write,
            position: 4096,
            size: 4096,
            bytes_per_sec: 0.0,
        });
        assert_eq!(bar.position(), 4096);
        assert_eq!(bar.message(), "pass 1/3 write: flushing the drive's cache");
    }

    #[test]
    fn a_verify_is_a_span_of_its_own() {
        let mut d = state(100, 2);
        d.spans = vec![(1, Phase::Write), (2, Phase::Write), (2, Phase::Verify)];
        assert_eq!(d.done_at(2, Phase::Verify, 50), 250);
        assert_eq!(d.total(), 300);
    }

    #[test]
    fn an_interrupted_drive_says_where_it_stopped() {
        let mut d = state(1000, 4);
        d.base = Some(0);
        d.pass = 2;
        d.done = 1500;
        let text = d.ended(WipeStatus::Interrupted);
        assert!(text.contains("at 37.5 % (pass 2/4 write)"), "{text}");
    }
}
