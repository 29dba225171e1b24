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
                    error: r.error.clone(),
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
        match self {
            Self::Running => ("uploading to the registry...".to_owned(), theme::warn()),
            Self::NoRegistry => (
                "no registry configured: kept in outbox/ for `tabula upload`".to_owned(),
                theme::warn(),
            ),
            Self::Uploaded(s) => (format!("uploaded: {s}"), theme::good()),
            Self::KeptInOutbox(why) => (
                format!("kept in outbox, will be retried: {why}"),
                theme::warn(),
            ),
            Self::Rejected(why) => (format!("NOT UPLOADED: {why}"), theme::bad()),
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
                        Upload::Uploaded(format!("log entry #{leaf_index}, receipt stored"))
                    }
                    Some((_, Delivery::Pending(why))) => Upload::KeptInOutbox(why.clone()),
                    Some((_, Delivery::Rejected(why))) => Upload::Rejected(why.clone()),
                    None => Upload::KeptInOutbox("not attempted".to_owned()),
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

impl Widget for &ResultView {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let [head, body, foot] = Layout::vertical([
            Constraint::Length(2),
            Constraint::Min(0),
            Constraint::Length(2),
        ])
        .areas(area);
        let drives: usize = self.certs.iter().map(|c| c.drives.len()).sum();
        let headline = if let Some(e) = &self.error {
            Line::styled(format!("The job failed: {e}"), theme::bad())
        } else if self.success() {
            let verified = self.certs.iter().all(|c| {
                c.drives
                    .iter()
                    .all(|d| d.verification == VerifyOutcome::Passed)
            });
            let how = if verified {
                "erased and verified"
            } else {
                "erased (not verified: verification was off)"
            };
            Line::styled(
                format!("All {drives} drive(s) {how}. Certificate signed and stored."),
                theme::good(),
            )
        } else {
            Line::styled(
                "NOT every drive was erased: see below. The certificate says so.",
                theme::bad(),
            )
        };
        Paragraph::new(headline)
            .wrap(Wrap { trim: true })
            .render(head, buf);
        let block = Block::bordered().title(" Result ");
        let inner = block.inner(body);
        block.render(body, buf);
        let label = |s: &'static str| Span::styled(s, theme::heading());
        let mut lines = Vec::new();
        for c in &self.certs {
            for d in &c.drives {
                let style = if d.status.is_success() {
                    theme::good()
                } else {
                    theme::bad()
                };
                let verify = serde_json::to_value(d.verification)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_owned))
                    .unwrap_or_default();
                let mut text = format!("{} (verification: {verify})", d.status);
                if let Some(e) = &d.error {
                    text.push_str(&format!(": {e}"));
                }
                lines.push(Line::from(vec![
                    Span::raw(fit(&d.path.display().to_string(), 14)),
                    Span::styled(text, style),
                ]));
            }
            lines.push(Line::from(vec![
                label("Certificate "),
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
                    label("Stored in   "),
                    Span::raw(d.display().to_string()),
                ]));
            }
            lines.push(Line::from(vec![
                label("PDF         "),
                Span::raw(rel(&c.pdf)),
            ]));
            lines.push(Line::from(vec![
                label("Bundle      "),
                Span::raw(rel(&c.bundle)),
            ]));
            let (upload, style) = c.upload.line();
            lines.push(Line::from(vec![
                label("Registry    "),
                Span::styled(upload, style),
            ]));
            if let Some(j) = &c.journal_kept {
                lines.push(Line::styled(
                    format!("Interrupted: progress kept in {};", rel(j)),
                    theme::warn(),
                ));
                lines.push(Line::styled(
                    "  the next start of tabula offers to resume (or `tabula resume`).",
                    theme::warn(),
                ));
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
            "Everything is written. Enter: finish (next machine)   P: power off"
        } else {
            "Uploading... please wait before removing the stick or powering off."
        };
        Paragraph::new(Line::styled(hint, theme::heading())).render(foot, buf);
    }
}
