//! Screen 5: what happened to each drive, the certificate id, where bundle and PDF are, and
//! whether the registry has the certificate. Enter finishes (next machine) once every result is
//! written; the TUI never powers the machine off by itself.

use std::path::{Path, PathBuf};

use crossterm::event::{KeyCode, KeyEvent};
use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Widget, Wrap};
use tabula_wipe::report::{VerifyOutcome, WipeStatus};

use super::theme::{self, fit};
use crate::i18n::t;

use tabula_station::job::Finished;
use tabula_station::outbox::{Delivery, FlushReport};

/// One drive's outcome.
#[derive(Debug, Clone)]
pub struct DriveOutcome {
    pub path: PathBuf,
    pub status: WipeStatus,
    pub verification: VerifyOutcome,
    pub error: Option<String>,
}

/// One certificate made by this run.
#[derive(Debug, Clone)]
pub struct CertView {
    pub id: String,
    pub bundle: PathBuf,
    pub pdf: PathBuf,
    pub journal_kept: Option<PathBuf>,
    pub drives: Vec<DriveOutcome>,
    pub upload: Upload,
}

impl From<&Finished> for CertView {
    fn from(f: &Finished) -> Self {
        Self {
            id: f.stored.id.clone(),
            bundle: f.stored.bundle.clone(),
            pdf: f.stored.pdf.clone(),
            journal_kept: f.journal_kept.clone(),
            drives: f
                .reports
                .iter()
                .map(|r| DriveOutcome {
                    path: r.drive.path.clone(),
                    status: r.status,
                    verification: r.verification,
                    error: crate::i18n::engine::drive_error(r),
                })
                .collect(),
            upload: Upload::Running,
        }
    }
}

/// Where the certificate is with respect to the registry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Upload {
    Running,
    NoRegistry,
    Uploaded(String),
    KeptInOutbox(String),
    Rejected(String),
}

impl Upload {
    fn line(&self) -> (String, ratatui::style::Style) {
        let tr = &t().result;
        match self {
            Self::Running => (tr.uploading.to_owned(), theme::warn()),
            Self::NoRegistry => (tr.no_registry.to_owned(), theme::warn()),
            Self::Uploaded(s) => ((tr.uploaded)(s), theme::good()),
            Self::KeptInOutbox(why) => ((tr.kept)(why), theme::warn()),
            Self::Rejected(why) => ((tr.rejected)(why), theme::bad()),
        }
    }
}

/// The result of the run.
#[derive(Debug, Clone, Default)]
pub struct ResultView {
    pub certs: Vec<CertView>,
    /// The wipe or the certificate failed as a whole (nothing stored).
    pub error: Option<String>,
    /// Interrupted wipes a resume left for later, with why.
    pub not_resumed: Vec<String>,
}

impl ResultView {
    pub fn success(&self) -> bool {
        self.error.is_none()
            && self.not_resumed.is_empty()
            && !self.certs.is_empty()
            && self
                .certs
                .iter()
                .all(|c| !c.drives.is_empty() && c.drives.iter().all(|d| d.status.is_success()))
    }

    /// Everything that will be written is written: certificates stored, upload attempted.
    pub fn settled(&self) -> bool {
        self.certs.iter().all(|c| c.upload != Upload::Running)
    }

    /// Records the outbox flush: each certificate finds its bundle by file name.
    pub fn uploaded(&mut self, report: Option<&FlushReport>, error: Option<&str>) {
        for cert in &mut self.certs {
            let name = cert.bundle.file_name();
            cert.upload = match (report, error) {
                (_, Some(e)) => Upload::KeptInOutbox(e.to_owned()),
                (None, None) => Upload::NoRegistry,
                (Some(r), None) => match r.items.iter().find(|(p, _)| p.file_name() == name) {
                    Some((_, Delivery::Registered { leaf_index, .. })) => {
                        Upload::Uploaded((t().result.log_entry)(*leaf_index))
                    }
                    Some((_, Delivery::Pending(why))) => {
                        Upload::KeptInOutbox(crate::cmd::describe(why.as_ref()))
                    }
                    Some((_, Delivery::Rejected(why))) => Upload::Rejected(why.clone()),
                    None => Upload::KeptInOutbox(t().result.not_attempted.to_owned()),
                },
            };
        }
    }

    /// Enter or q finishes, p powers the machine off; both only once everything is written.
    pub fn key(&mut self, key: KeyEvent) -> Option<ResultAction> {
        if !self.settled() {
            return None;
        }
        match key.code {
            KeyCode::Enter | KeyCode::Char('q') => Some(ResultAction::Finish),
            KeyCode::Char('p') | KeyCode::Char('P') => Some(ResultAction::PowerOff),
            _ => None,
        }
    }
}

/// What a key on the result screen asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResultAction {
    Finish,
    PowerOff,
}

impl ResultView {
    /// Which drives get a line of their own in `area`: all when they fit with the certificate
    /// lines; else every drive that was not erased, and erased ones while room is left (the
    /// others are counted on one line). The rows a certificate's other lines take are counted
    /// generously (a long upload line wraps).
    fn drives_shown(&self, area: Rect) -> impl FnMut(&DriveOutcome) -> bool + use<> {
        let drives: usize = self.certs.iter().map(|c| c.drives.len()).sum();
        let other: usize = self
            .certs
            .iter()
            .map(|c| 7 + if c.journal_kept.is_some() { 2 } else { 0 })
            .sum::<usize>()
            + self.not_resumed.len();
        let rows = usize::from(area.height).saturating_sub(other);
        let failed = self
            .certs
            .iter()
            .flat_map(|c| &c.drives)
            .filter(|d| !d.status.is_success())
            .count();
        let all = drives <= rows;
        // One row per certificate is kept for the count of the erased drives left out.
        let mut erased_room = rows.saturating_sub(failed + self.certs.len());
        move |d| {
            if all || !d.status.is_success() {
                return true;
            }
            let room = erased_room > 0;
            erased_room = erased_room.saturating_sub(1);
            room
        }
    }
}

impl Widget for &ResultView {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let [head, body, foot] = Layout::vertical([
            Constraint::Length(2),
            Constraint::Min(0),
            Constraint::Length(2),
        ])
        .areas(area);
        let tr = &t().result;
        let drives: usize = self.certs.iter().map(|c| c.drives.len()).sum();
        let headline = if let Some(e) = &self.error {
            Line::styled((tr.job_failed)(e), theme::bad())
        } else if self.success() {
            let verified = self.certs.iter().all(|c| {
                c.drives
                    .iter()
                    .all(|d| d.verification == VerifyOutcome::Passed)
            });
            let text = if verified {
                (tr.all_verified)(drives)
            } else {
                (tr.all_unverified)(drives)
            };
            Line::styled(text, theme::good())
        } else {
            Line::styled(tr.not_all, theme::bad())
        };
        Paragraph::new(headline)
            .wrap(Wrap { trim: true })
            .render(head, buf);
        let block = Block::bordered().title(tr.title);
        let inner = block.inner(body);
        block.render(body, buf);
        let label_w = tr
            .labels
            .iter()
            .map(|l| l.chars().count())
            .max()
            .unwrap_or(0)
            + 1;
        let label = |s: &str| Span::styled(fit(s, label_w), theme::heading());
        let [certificate, stored, pdf, bundle, registry] = tr.labels;
        let mut lines = Vec::new();
        let mut shown = self.drives_shown(inner);
        for c in &self.certs {
            let mut left_out = 0;
            for d in &c.drives {
                if !shown(d) {
                    left_out += 1;
                    continue;
                }
                let style = if d.status.is_success() {
                    theme::good()
                } else {
                    theme::bad()
                };
                let mut text = (tr.drive_line)(
                    (t().common.status)(d.status),
                    (t().common.verification)(d.verification),
                );
                if let Some(e) = &d.error {
                    text.push_str(&format!(": {e}"));
                }
                lines.push(Line::from(vec![
                    Span::raw(fit(&d.path.display().to_string(), 14)),
                    Span::styled(text, style),
                ]));
            }
            if left_out > 0 {
                lines.push(Line::styled((tr.more_erased)(left_out), theme::good()));
            }
            lines.push(Line::from(vec![
                label(certificate),
                Span::raw(c.id.clone()),
            ]));
            // Paths relative to the data directory fit an 80-column line.
            let data = c.bundle.parent().and_then(Path::parent);
            let rel = |p: &Path| {
                data.and_then(|d| p.strip_prefix(d).ok())
                    .unwrap_or(p)
                    .display()
                    .to_string()
            };
            if let Some(d) = data {
                lines.push(Line::from(vec![
                    label(stored),
                    Span::raw(d.display().to_string()),
                ]));
            }
            lines.push(Line::from(vec![label(pdf), Span::raw(rel(&c.pdf))]));
            lines.push(Line::from(vec![label(bundle), Span::raw(rel(&c.bundle))]));
            let (upload, style) = c.upload.line();
            lines.push(Line::from(vec![
                label(registry),
                Span::styled(upload, style),
            ]));
            if let Some(j) = &c.journal_kept {
                lines.push(Line::styled((tr.interrupted_kept)(&rel(j)), theme::warn()));
                lines.push(Line::styled(tr.offer_resume, theme::warn()));
            }
            lines.push(Line::default());
        }
        for note in &self.not_resumed {
            lines.push(Line::styled(note.clone(), theme::bad()));
        }
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .render(inner, buf);
        let hint = if self.settled() {
            tr.settled
        } else {
            tr.unsettled
        };
        Paragraph::new(Line::styled(hint, theme::heading())).render(foot, buf);
    }
}
