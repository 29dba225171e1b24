//! indicatif front end for wipe events: one bar per drive.

use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};
use tabula_wipe::plan::WipePlan;
use tabula_wipe::progress::{Event, Phase};

/// One progress bar per drive of a plan.
#[derive(Debug)]
pub struct Bars {
    bars: Vec<ProgressBar>,
    _multi: MultiProgress,
}

impl Bars {
    pub fn new(plan: &WipePlan, visible: bool) -> Self {
        let target = if visible {
            ProgressDrawTarget::stderr()
        } else {
            ProgressDrawTarget::hidden()
        };
        let multi = MultiProgress::with_draw_target(target);
        let style = ProgressStyle::with_template(
            "{prefix:<14} [{bar:28}] {percent:>3}% {binary_bytes_per_sec:>11} ETA {eta:>4} {msg}",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .progress_chars("=> ");
        let bars = plan
            .drives
            .iter()
            .map(|d| {
                let bar = multi.add(ProgressBar::new(
                    d.drive.as_ref().map_or(0, |x| x.size_bytes),
                ));
                bar.set_style(style.clone());
                bar.set_prefix(d.path.display().to_string());
                bar
            })
            .collect();
        Self {
            bars,
            _multi: multi,
        }
    }

    pub fn handle(&self, event: &Event) {
        let Some(bar) = self.bars.get(event.drive()) else {
            return;
        };
        match event {
            Event::DriveStarted { size, .. } => bar.set_length(*size),
            Event::PassStarted {
                pass,
                passes,
                phase,
                pattern,
                ..
            } => {
                bar.reset();
                let verb = if *phase == Phase::Write {
                    "write"
                } else {
                    "verify"
                };
                bar.set_message(format!("pass {pass}/{passes} {verb} {pattern}"));
            }
            Event::Progress { position, .. } => bar.set_position(*position),
            Event::BadRange {
                range, mismatch, ..
            } => {
                let what = if *mismatch { "mismatch" } else { "I/O error" };
                bar.println(format!("{}: {what} at {range}", bar.prefix()));
            }
            Event::Stalled { seconds, .. } => {
                bar.set_message(format!("STALLED ({seconds} s without progress)"))
            }
            Event::Recovered { .. } => bar.set_message("moving again"),
            Event::DriveFinished { status, .. } => bar.finish_with_message(status.to_string()),
            _ => {}
        }
    }
}
