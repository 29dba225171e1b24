//! The TUI's state machine: which screen is up, what each key does, and what the background
//! workers report. It owns no terminal and no station, so tests drive it with plain key events
//! and render it on ratatui's `TestBackend`; `tui::run` performs the [`Action`]s it returns.

use std::path::PathBuf;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Wrap};
use tabula_audit::Audit;
use tabula_audit::disks::Disk;
use tabula_device::Drive;
use tabula_wipe::progress::Event;

use super::confirm::{ConfirmAction, ConfirmForm};
use super::machine::{DriveTable, MachineAction, Summary};
use super::method::{MethodAction, MethodForm};
use super::network::NetState;
use super::progress::{ProgressAction, ProgressView};
use super::result::{CertView, ResultAction, ResultView};
use super::resume::{Pending, ResumeAction, ResumeOffer};
use super::{chrome, theme};
use crate::cmd::Outcome;
use crate::i18n::t;
use tabula_station::config::Config;
use tabula_station::outbox::FlushReport;

/// Which screen is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Screen {
    Loading,
    Resume,
    Machine,
    Method,
    Confirm,
    Progress,
    Result,
}

/// What the background workers report.
#[derive(Debug)]
pub enum Msg {
    /// The audit, the drives and the interrupted wipes are known.
    Ready(Box<Ready>),
    /// The start-up failed (no audit possible); the TUI can only quit.
    Failed(String),
    /// Outcome of flushing certificates left in the outbox by earlier runs.
    Outbox(String),
    Event(Event),
    /// The network's and the registry's state, again.
    Network(NetState),
    /// The wipe (or resume) ended: its certificates, or why there are none.
    Done(Result<Vec<CertView>, String>),
    /// Interrupted wipes a resume had to leave for later (before `Done`).
    NotResumed(Vec<String>),
    /// The upload after the wipe: the flush report (`None`: no registry) or an error.
    Uploaded {
        report: Option<FlushReport>,
        error: Option<String>,
    },
}

/// What the start-up worker found.
#[derive(Debug)]
pub struct Ready {
    pub audit: Audit,
    pub audit_json: serde_json::Value,
    pub drives: Vec<Drive>,
    pub pending: Vec<Pending>,
}

/// Work the front end asks of the station.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    Quit(Outcome),
    /// Quit, then power the machine off (everything is written by then).
    PowerOff(Outcome),
    Rescan,
    /// Read what the chosen drives' firmware can do, for `auto`'s lines on the method screen.
    Capabilities(Vec<PathBuf>),
    /// Check the chosen drives and build the plan for the confirmation screen.
    Prepare {
        paths: Vec<PathBuf>,
        method: &'static str,
        operator: String,
    },
    Wipe,
    Resume,
    Stop,
}

/// Everything the screens show.
#[derive(Debug)]
pub struct App {
    pub screen: Screen,
    pub loading: String,
    pub fatal: Option<String>,
    pub notice: Option<String>,
    pub station: String,
    pub summary: Summary,
    pub drives: DriveTable,
    pub method: MethodForm,
    pub confirm: ConfirmForm,
    pub progress: ProgressView,
    pub result: ResultView,
    pub resume: ResumeOffer,
    pub audit: Option<(Audit, serde_json::Value)>,
    pub network: NetState,
    keep: Vec<String>,
    /// From a resume, until its result arrives.
    not_resumed: Vec<String>,
    /// Devices named on the command line: when any are, the table lists only those.
    pub only: Vec<PathBuf>,
    disks: Vec<Disk>,
}

impl App {
    pub fn new(config: &Config) -> Self {
        let s = &config.station;
        let station = [s.organisation.as_deref(), s.site.as_deref()]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(", ");
        Self {
            screen: Screen::Loading,
            loading: t().app.auditing.to_owned(),
            fatal: None,
            notice: None,
            station: theme::printable(&station),
            summary: Summary::default(),
            drives: DriveTable::default(),
            method: MethodForm::new(
                &config.wipe.method,
                s.operator.as_deref(),
                config.wipe.verify,
            ),
            confirm: ConfirmForm::default(),
            progress: ProgressView::default(),
            result: ResultView::default(),
            resume: ResumeOffer::default(),
            audit: None,
            network: NetState::default(),
            keep: config.keep.serials.clone(),
            not_resumed: Vec::new(),
            only: Vec::new(),
            disks: Vec::new(),
        }
    }

    /// A worker's report.
    pub fn message(&mut self, msg: Msg) {
        match msg {
            Msg::Ready(ready) => {
                let Ready {
                    audit,
                    audit_json,
                    drives,
                    pending,
                } = *ready;
                self.summary = Summary::from_audit(&audit);
                self.disks = audit.disks.clone();
                let unknown: Vec<String> = self
                    .only
                    .iter()
                    .filter(|p| !drives.iter().any(|d| &d.path == *p))
                    .map(|p| p.display().to_string())
                    .collect();
                self.drives = DriveTable::new(drives, &self.disks, &self.keep, &self.only);
                if !unknown.is_empty() {
                    self.drives.message = Some((t().app.not_a_drive)(&unknown.join(", ")));
                }
                self.audit = Some((audit, audit_json));
                self.resume = ResumeOffer { pending };
                self.screen = if self.resume.pending.is_empty() {
                    Screen::Machine
                } else {
                    Screen::Resume
                };
            }
            Msg::Failed(e) => self.fatal = Some(e),
            Msg::Outbox(line) => self.notice = Some(line),
            Msg::NotResumed(notes) => self.not_resumed = notes,
            Msg::Event(e) => self.progress.event(&e),
            Msg::Network(state) => self.network = state,
            Msg::Done(Ok(certs)) => {
                self.result = ResultView {
                    certs,
                    error: None,
                    not_resumed: std::mem::take(&mut self.not_resumed),
                };
                self.screen = Screen::Result;
            }
            Msg::Done(Err(e)) => {
                self.result = ResultView {
                    certs: Vec::new(),
                    error: Some(e),
                    not_resumed: std::mem::take(&mut self.not_resumed),
                };
                self.screen = Screen::Result;
            }
            Msg::Uploaded { report, error } => {
                self.result.uploaded(report.as_ref(), error.as_deref());
            }
        }
    }

    /// Replaces the drive table after a rescan, keeping what was selected.
    pub fn rescanned(&mut self, drives: Vec<Drive>) {
        let mut table = DriveTable::new(drives, &self.disks, &self.keep, &self.only);
        table.keep_selection_from(&self.drives);
        table.cursor = self.drives.cursor.min(table.rows.len().saturating_sub(1));
        self.drives = table;
    }

    /// A key press.
    pub fn key(&mut self, key: KeyEvent) -> Option<Action> {
        let ctrl_c =
            key.code == KeyCode::Char('c') && key.modifiers.contains(KeyModifiers::CONTROL);
        if self.fatal.is_some() {
            return (ctrl_c
                || matches!(key.code, KeyCode::Char('q') | KeyCode::Esc | KeyCode::Enter))
            .then_some(Action::Quit(Outcome::Failure));
        }
        if ctrl_c && !matches!(self.screen, Screen::Progress | Screen::Result) {
            return Some(Action::Quit(Outcome::Failure));
        }
        match self.screen {
            Screen::Loading => None,
            Screen::Resume => match self.resume.key(key)? {
                ResumeAction::Resume => {
                    let plans = self.resume.pending.iter().map(|p| p.plan.clone()).collect();
                    let operator = self
                        .resume
                        .pending
                        .first()
                        .map(|p| p.operator.clone())
                        .unwrap_or_default();
                    self.confirm = ConfirmForm::new(plans, operator, true);
                    self.screen = Screen::Confirm;
                    None
                }
                ResumeAction::Skip => {
                    self.screen = Screen::Machine;
                    None
                }
            },
            Screen::Machine => match self.drives.key(key)? {
                MachineAction::Continue => {
                    self.screen = Screen::Method;
                    self.method.auto.clear();
                    Some(Action::Capabilities(self.drives.selected_paths()))
                }
                MachineAction::Rescan => Some(Action::Rescan),
                MachineAction::Quit => Some(Action::Quit(Outcome::Success)),
            },
            Screen::Method => match self.method.key(key)? {
                MethodAction::Back => {
                    self.screen = Screen::Machine;
                    None
                }
                MethodAction::Continue => Some(Action::Prepare {
                    paths: self.drives.selected_paths(),
                    method: self.method.method().name,
                    operator: self.method.operator.trim().to_owned(),
                }),
            },
            Screen::Confirm => match self.confirm.key(key)? {
                ConfirmAction::Back => {
                    self.screen = if self.confirm.resume {
                        Screen::Resume
                    } else {
                        Screen::Method
                    };
                    None
                }
                ConfirmAction::Confirmed => {
                    self.progress = ProgressView::new(&self.confirm.plans);
                    self.screen = Screen::Progress;
                    Some(if self.confirm.resume {
                        Action::Resume
                    } else {
                        Action::Wipe
                    })
                }
            },
            Screen::Progress => match self.progress.key(key)? {
                ProgressAction::Stop => Some(Action::Stop),
            },
            Screen::Result => {
                let outcome = if self.result.success() {
                    Outcome::Success
                } else {
                    Outcome::Failure
                };
                match self.result.key(key)? {
                    ResultAction::Finish => Some(Action::Quit(outcome)),
                    ResultAction::PowerOff => Some(Action::PowerOff(outcome)),
                }
            }
        }
    }

    /// Draws the current screen: title bar, body, key hints.
    pub fn draw(&self, frame: &mut Frame) {
        let a = &t().app;
        let (step, name) = match self.screen {
            Screen::Loading => ("", a.step_loading),
            Screen::Resume => ("", a.step_resume),
            Screen::Machine => ("1/5", a.step_machine),
            Screen::Method => ("2/5", a.step_method),
            Screen::Confirm => ("3/5", a.step_confirm),
            Screen::Progress => ("4/5", a.step_progress),
            Screen::Result => ("5/5", a.step_result),
        };
        let hints = if self.fatal.is_some() {
            a.keys_fatal
        } else {
            match self.screen {
                Screen::Loading => a.keys_loading,
                Screen::Resume => a.keys_resume,
                Screen::Machine => a.keys_machine,
                Screen::Method => a.keys_method,
                Screen::Confirm => a.keys_confirm,
                Screen::Progress => a.keys_progress,
                Screen::Result if self.result.settled() => a.keys_result,
                Screen::Result => a.keys_wait,
            }
        };
        let title = format!("{step} {name}");
        let Some(body) = chrome::draw(frame, title.trim_start(), &self.station, hints) else {
            return;
        };
        if let Some(e) = &self.fatal {
            frame.render_widget(
                Paragraph::new(vec![
                    Line::styled(a.cannot_continue, theme::bad()),
                    Line::raw(e.clone()),
                ])
                .wrap(Wrap { trim: true }),
                body,
            );
        } else {
            self.draw_body(frame, body);
        }
    }

    fn draw_body(&self, frame: &mut Frame, area: Rect) {
        match self.screen {
            Screen::Loading => frame.render_widget(Paragraph::new(self.loading.clone()), area),
            Screen::Resume => frame.render_widget(&self.resume, area),
            Screen::Machine => {
                let notice = u16::from(self.notice.is_some());
                let [summary, table, note] = Layout::vertical([
                    Constraint::Length(9),
                    Constraint::Min(0),
                    Constraint::Length(notice),
                ])
                .areas(area);
                frame.render_widget(self.summary.with_network(&self.network), summary);
                frame.render_widget(&self.drives, table);
                if let Some(n) = &self.notice {
                    frame
                        .render_widget(Paragraph::new(Line::styled(n.clone(), theme::dim())), note);
                }
            }
            Screen::Method => frame.render_widget(&self.method, area),
            Screen::Confirm => frame.render_widget(&self.confirm, area),
            Screen::Progress => frame.render_widget(&self.progress, area),
            Screen::Result => frame.render_widget(&self.result, area),
        }
    }
}
