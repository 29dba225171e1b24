//! Screen 4: one bar per drive with pass k/n, phase, pattern, MB/s and ETA; stalls and bad
//! sectors are shown as they happen. `q` asks before it stops the wipe.

use std::path::PathBuf;
use std::time::Instant;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Widget};
use tabula_wipe::plan::WipePlan;
use tabula_wipe::progress::{Event, Phase};
use tabula_wipe::report::WipeStatus;

use super::theme::{self, fit, printable};
use crate::firmware_progress::FirmwareProgress;
use crate::human::bytes;
use crate::i18n::t;

/// What a key on this screen asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProgressAction {
    /// The operator confirmed: stop every drive (the certificate will say interrupted).
    Stop,
}

/// One drive's bar.
#[derive(Debug, Clone)]
pub struct DriveBar {
    pub path: PathBuf,
    pub label: String,
    pub size: u64,
    /// Per pass: whether it is read back afterwards (for the ETA).
    pub verify_after: Vec<bool>,
    pub pass: usize,
    pub passes: usize,
    pub phase: Option<Phase>,
    pub pattern: String,
    pub position: u64,
    pub bytes_per_sec: f64,
    pub stalled: Option<u64>,
    pub bad_ranges: usize,
    pub status: Option<WipeStatus>,
    /// The drive's own erase, until a pass (`auto`'s fallback) takes over the bar.
    pub firmware: Option<FirmwareProgress>,
}

impl DriveBar {
    /// The firmware erase, while it is what the drive is doing.
    fn firmware_now(&self) -> Option<&FirmwareProgress> {
        self.firmware.as_ref().filter(|_| self.phase.is_none())
    }

    fn fraction(&self) -> f64 {
        if self.status.is_some_and(|s| s != WipeStatus::Interrupted) {
            return 1.0;
        }
        if let Some(fw) = self.firmware_now() {
            return fw.fraction();
        }
        if self.size == 0 {
            return 0.0;
        }
        (self.position as f64 / self.size as f64).clamp(0.0, 1.0)
    }

    /// Seconds until this drive is done at the current rate: the rest of this phase, the verify
    /// of this pass if one follows, and every later pass with its verify.
    pub fn eta(&self) -> Option<u64> {
        if self.bytes_per_sec <= 0.0 || self.status.is_some() || self.phase.is_none() {
            return None;
        }
        let size = self.size as f64;
        let mut left = size - self.position as f64;
        let verifies = |pass: usize| self.verify_after.get(pass.wrapping_sub(1)).copied();
        if self.phase == Some(Phase::Write) && verifies(self.pass) == Some(true) {
            left += size;
        }
        for later in self.pass + 1..=self.passes {
            left += size
                * if verifies(later) == Some(true) {
                    2.0
                } else {
                    1.0
                };
        }
        Some((left.max(0.0) / self.bytes_per_sec).round() as u64)
    }
}

/// Every drive of the running plan(s).
#[derive(Debug, Clone, Default)]
pub struct ProgressView {
    pub bars: Vec<DriveBar>,
    /// Engine drive index -> bar (re-bound on `DriveStarted`, so several plans can share it).
    index: Vec<(usize, usize)>,
    pub method: String,
    pub started: Option<Instant>,
    pub asking_stop: bool,
    pub stopping: bool,
    /// The first bar shown when there are more drives than rows (Up/Down scroll).
    pub first: usize,
}

impl ProgressView {
    pub fn new(plans: &[WipePlan]) -> Self {
        let mut bars = Vec::new();
        for plan in plans {
            for d in &plan.drives {
                let (label, size) = d.drive.as_ref().map_or_else(
                    || {
                        let len = std::fs::metadata(&d.path).map_or(0, |m| m.len());
                        (t().progress.file.to_owned(), len)
                    },
                    |x| {
                        let label = match (&x.model, &x.serial, &x.backing_file) {
                            // the file's name: its directory would crowd it out at 80 columns
                            (None, None, Some(file)) => format!(
                                "{} {}",
                                t().progress.file,
                                file.file_name().unwrap_or(file.as_os_str()).display()
                            ),
                            (model, serial, _) => format!(
                                "{} {}",
                                model.as_deref().unwrap_or("-"),
                                serial.as_deref().unwrap_or("-")
                            ),
                        };
                        (printable(&label), x.size_bytes)
                    },
                );
                bars.push(DriveBar {
                    path: d.path.clone(),
                    label,
                    size,
                    verify_after: d.passes.iter().map(|p| p.verify).collect(),
                    pass: 0,
                    passes: d.passes.len(),
                    phase: None,
                    pattern: String::new(),
                    position: 0,
                    bytes_per_sec: 0.0,
                    stalled: None,
                    bad_ranges: 0,
                    status: None,
                    firmware: None,
                });
            }
        }
        let method = plans
            .first()
            .map(|p| {
                format!(
                    "{} ({}), {} {}",
                    p.method.name,
                    (t().common.method_label)(&p.method.name, &p.method.label),
                    t().method.verify,
                    (t().common.verify_mode)(p.verify)
                )
            })
            .unwrap_or_default();
        let index = (0..plans.first().map_or(0, |p| p.drives.len()))
            .map(|i| (i, i))
            .collect();
        Self {
            bars,
            index,
            method,
            started: Some(Instant::now()),
            asking_stop: false,
            stopping: false,
            first: 0,
        }
    }

    fn bar(&mut self, drive: usize) -> Option<&mut DriveBar> {
        let i = self
            .index
            .iter()
            .find(|(d, _)| *d == drive)
            .map(|(_, b)| *b)?;
        self.bars.get_mut(i)
    }

    pub fn event(&mut self, event: &Event) {
        if let Event::DriveStarted {
            drive,
            path,
            size,
            passes,
            ..
        } = event
        {
            if let Some(b) = self.bars.iter().position(|b| &b.path == path) {
                self.index.retain(|(d, _)| d != drive);
                self.index.push((*drive, b));
                let bar = &mut self.bars[b];
                bar.size = *size;
                bar.passes = *passes;
                bar.status = None;
            }
            return;
        }
        let Some(bar) = self.bar(event.drive()) else {
            return;
        };
        if FirmwareProgress::apply(&mut bar.firmware, event) {
            return;
        }
        match event {
            Event::PassStarted {
                pass,
                passes,
                phase,
                pattern,
                ..
            } => {
                bar.pass = *pass;
                bar.passes = *passes;
                bar.phase = Some(*phase);
                bar.pattern = printable(&(t().progress.pattern)(pattern));
                bar.position = 0;
            }
            Event::Progress {
                pass,
                passes,
                phase,
                position,
                size,
                bytes_per_sec,
                ..
            } => {
                bar.pass = *pass;
                bar.passes = *passes;
                bar.phase = Some(*phase);
                bar.position = *position;
                bar.size = *size;
                bar.bytes_per_sec = *bytes_per_sec;
            }
            Event::BadRange { .. } => bar.bad_ranges += 1,
            Event::Stalled { seconds, .. } => bar.stalled = Some(*seconds),
            Event::Recovered { .. } => bar.stalled = None,
            Event::DriveFinished { status, .. } => {
                bar.status = Some(*status);
                bar.stalled = None;
            }
            _ => {}
        }
    }

    pub fn key(&mut self, key: KeyEvent) -> Option<ProgressAction> {
        let ctrl_c =
            key.code == KeyCode::Char('c') && key.modifiers.contains(KeyModifiers::CONTROL);
        // Scrolling works in every state: a long list stays readable while the wipe stops.
        match key.code {
            KeyCode::Up => self.first = self.first.saturating_sub(1),
            KeyCode::Down => self.first = (self.first + 1).min(self.bars.len().saturating_sub(1)),
            _ => {}
        }
        if self.stopping {
            return None;
        }
        if self.asking_stop {
            match key.code {
                // y(es), and j(a) for German
                KeyCode::Char('y' | 'Y' | 'j' | 'J') => {
                    self.asking_stop = false;
                    self.stopping = true;
                    return Some(ProgressAction::Stop);
                }
                KeyCode::Char('n') | KeyCode::Char('N') | KeyCode::Esc => self.asking_stop = false,
                _ => {}
            }
        } else if key.code == KeyCode::Char('q') || ctrl_c {
            self.asking_stop = true;
        }
        None
    }
}

impl Widget for &ProgressView {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let [head, body, foot] = Layout::vertical([
            Constraint::Length(1),
            Constraint::Min(0),
            Constraint::Length(2),
        ])
        .areas(area);
        let tp = &t().progress;
        let elapsed = self.started.map_or(0, |s| s.elapsed().as_secs());
        // The elapsed time always shows in full; the method's words give way.
        let elapsed = (tp.elapsed)(&theme::duration(elapsed));
        let room = usize::from(head.width)
            .saturating_sub(tp.method.chars().count() + elapsed.chars().count());
        Paragraph::new(Line::from(vec![
            Span::styled(tp.method, theme::heading()),
            Span::raw(fit(&self.method, room).trim_end().to_owned()),
            Span::raw(elapsed),
        ]))
        .render(head, buf);
        let block = Block::bordered().title((tp.title)(self.bars.len()));
        let inner = block.inner(body);
        block.render(body, buf);
        let per = if usize::from(inner.height) >= self.bars.len() * 3 {
            3
        } else {
            2
        };
        let w = usize::from(inner.width);
        let all = usize::from(inner.height) / per;
        // More drives than rows: one line is kept to say how many are above and below.
        let fits = if self.bars.len() > all.max(1) {
            (usize::from(inner.height).saturating_sub(1) / per).max(1)
        } else {
            all.max(1)
        };
        let first = self.first.min(self.bars.len().saturating_sub(fits));
        let mut lines = Vec::new();
        for bar in self.bars.iter().skip(first).take(fits) {
            lines.push(headline(bar, w));
            lines.push(bar_line(bar, w));
            if per == 3 {
                lines.push(Line::default());
            }
        }
        if self.bars.len() > fits {
            let below = self.bars.len() - first - fits.min(self.bars.len() - first);
            lines.push(Line::styled((tp.more)(first, below), theme::warn()));
        }
        Paragraph::new(lines).render(inner, buf);
        let hint = if self.stopping {
            Line::styled(tp.stopping, theme::warn())
        } else if self.asking_stop {
            Line::styled(tp.ask_stop, theme::bad())
        } else {
            Line::raw("")
        };
        Paragraph::new(hint)
            .wrap(ratatui::widgets::Wrap { trim: true })
            .render(foot, buf);
    }
}

fn headline(bar: &DriveBar, width: usize) -> Line<'static> {
    let tp = &t().progress;
    let firmware = bar.firmware_now().map(|f| f.operation.clone());
    let pass = match bar.phase {
        None => firmware.clone().unwrap_or_else(|| tp.waiting.to_owned()),
        Some(phase) => {
            let verb = if phase == Phase::Write {
                tp.write
            } else {
                tp.verify
            };
            (tp.pass)(bar.pass, bar.passes, verb, &bar.pattern)
        }
    };
    let mut alerts = Vec::new();
    if let Some(s) = bar.stalled {
        alerts.push(Span::styled((tp.stalled)(s), theme::bad()));
    }
    if bar.bad_ranges > 0 {
        alerts.push(Span::styled((tp.bad_ranges)(bar.bad_ranges), theme::bad()));
    }
    let taken: usize = alerts.iter().map(Span::width).sum();
    // Room for "Durchgang 2/3 schreiben 0xFF" and up to "Durchgang 2/3 schreiben Zufall
    // (AES-128-CTR)" (German is the longest), or for the name of a firmware erase ("Format NVM
    // with cryptographic erase (SES=2)").
    let pass_w = if firmware.is_some() {
        44
    } else {
        pass.chars().count().clamp(34, 44)
    };
    let label_w = width.saturating_sub(14 + pass_w + 1 + taken).max(4);
    let mut spans = vec![
        Span::styled(fit(&bar.path.display().to_string(), 13), theme::heading()),
        Span::raw(" "),
        Span::raw(fit(&bar.label, label_w)),
        Span::raw(" "),
        Span::raw(fit(&pass, pass_w)),
    ];
    spans.extend(alerts);
    Line::from(spans)
}

fn bar_line(bar: &DriveBar, width: usize) -> Line<'static> {
    let tail = match bar.status {
        Some(s) => {
            let style = if s.is_success() {
                theme::good()
            } else {
                theme::bad()
            };
            let status = (t().common.status)(s);
            return bar_with(bar, width, Span::styled(format!(" {status}"), style));
        }
        None if let Some(fw) = bar.firmware_now() => {
            format!(" {:>3.0}% {}", bar.fraction() * 100.0, fw.status())
        }
        None => {
            let eta = bar
                .eta()
                .map_or_else(|| "-:--:--".to_owned(), theme::duration);
            // The size right-aligned to one width, so every drive's bar has the same length.
            format!(
                " {:>3.0}% {:>11} {} {eta} {:>10}",
                bar.fraction() * 100.0,
                theme::rate(bar.bytes_per_sec),
                t().progress.eta,
                bytes(bar.size)
            )
        }
    };
    bar_with(bar, width, Span::raw(tail))
}

fn bar_with(bar: &DriveBar, width: usize, tail: Span<'static>) -> Line<'static> {
    let inner = width.saturating_sub(tail.width() + 2).clamp(10, 60);
    let done = ((bar.fraction() * inner as f64).round() as usize).min(inner);
    Line::from(vec![
        Span::raw("["),
        Span::styled("#".repeat(done), theme::good()),
        Span::raw(".".repeat(inner - done)),
        Span::raw("]"),
        tail,
    ])
}
