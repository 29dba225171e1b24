//! The setup screens before screen 1: the first-boot offer to make the stick's data partition,
//! one form for whatever the station still lacks (organisation, site, operator; on first boot
//! also the registry URL and enrolment token; first of all, unless `tabula.toml` names one, the
//! keyboard layout, a choice that is loaded into the console at once), and the enrolment's result
//! with the station key's fingerprint. What an administrator already put into `tabula.toml` is
//! not asked.
//!
//! [`SetupView`] is the state and the keys (tested on `TestBackend`); [`run`] does the work with
//! the station library (`tabula_station::setup`) between the screens.

use std::path::{Path, PathBuf};

use crossterm::event::{self, Event as TermEvent, KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout};
use ratatui::text::Line;
use ratatui::widgets::{Block, Paragraph, Wrap};

use super::chrome;
use super::terminal::TerminalGuard;
use super::theme::{self, fit, printable};
use crate::cmd::issuer::IssuerArgs;
use crate::human::bytes;
use crate::i18n::t;
use tabula_station::datadir::DataDir;
use tabula_station::outbox::{LOG_KEY_FILE, chain};
use tabula_station::setup::enrol::{Enrolled, enrol_station};
use tabula_station::setup::keymap::{self, ConsoleKeymap, Keymap};
use tabula_station::setup::medium::{self, Room};
use tabula_station::setup::{Answer, Question, answers};

/// The label of a question on the form.
fn label(q: Question) -> &'static str {
    let [keyboard, organisation, site, operator, url, token] = t().setup.labels;
    match q {
        Question::Keymap => keyboard,
        Question::Organisation => organisation,
        Question::Site => site,
        Question::Operator => operator,
        Question::RegistryUrl => url,
        Question::EnrolToken => token,
    }
}

/// Why an answer cannot be used, in the reader's language.
fn problem(e: &tabula_station::setup::SetupError) -> String {
    use tabula_station::setup::{AnswerProblem, SetupError};
    let ts = &t().setup;
    match e {
        SetupError::BadAnswer { problem, .. } => match problem {
            AnswerProblem::Empty => ts.must_not_be_empty.to_owned(),
            AnswerProblem::NotOneLine => ts.one_line.to_owned(),
            AnswerProblem::NotAUrl => ts.not_a_url.to_owned(),
            AnswerProblem::NotAKeymap => ts.not_a_keymap.to_owned(),
            other => other.to_string(),
        },
        other => other.to_string(),
    }
}

/// What a key on the setup screens asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SetupAction {
    CreatePartition,
    /// A keyboard layout was chosen and the cursor left it: load it now, so the next answers are
    /// typed on it.
    Keymap(Keymap),
    Skip,
    Save(Vec<Answer>),
    RetryEnrol,
    Continue,
    Quit,
}

/// Which setup screen is up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SetupView {
    /// First boot: free space on the stick and no `TABULA` file system.
    Offer {
        room: Room,
        error: Option<String>,
    },
    Form(Form),
    /// A slow step (mkfs, enrolment) is running.
    Working(String),
    Enrolled(Enrolled),
    EnrolFailed(String),
}

/// The form of missing answers (`Debug` masks a typed enrolment token).
#[derive(Clone, PartialEq, Eq)]
pub struct Form {
    pub questions: Vec<Question>,
    pub values: Vec<String>,
    pub cursor: usize,
    /// Where the answers are written.
    pub path: PathBuf,
    pub message: Option<String>,
    /// The layout the console has (the boot's, or the last one loaded from this form).
    pub keymap_loaded: String,
}

impl std::fmt::Debug for Form {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let values: Vec<&str> = (self.questions.iter().zip(&self.values))
            .map(|(q, v)| q.shown(v))
            .collect();
        f.debug_struct("Form")
            .field("questions", &self.questions)
            .field("values", &values)
            .field("cursor", &self.cursor)
            .field("path", &self.path)
            .field("message", &self.message)
            .finish()
    }
}

impl Form {
    pub fn new(questions: Vec<Question>, path: PathBuf) -> Self {
        Self {
            values: (questions.iter())
                .map(|q| match q {
                    Question::Keymap => keymap::default().name.to_owned(),
                    _ => String::new(),
                })
                .collect(),
            questions,
            cursor: 0,
            path,
            message: None,
            keymap_loaded: keymap::default().name.to_owned(),
        }
    }

    fn optional(q: Question) -> bool {
        matches!(q, Question::RegistryUrl | Question::EnrolToken)
    }

    fn key(&mut self, key: KeyEvent) -> Option<SetupAction> {
        let last = self.questions.len().saturating_sub(1);
        let was = self.cursor;
        let choosing = self.questions.get(self.cursor) == Some(&Question::Keymap);
        match key.code {
            // Stepping only shows the layout (loading one takes a while); it is loaded when the
            // cursor leaves the choice.
            KeyCode::Left | KeyCode::Right if choosing => {
                let step = if key.code == KeyCode::Left { -1 } else { 1 };
                self.values[self.cursor] = keymap::step(&self.values[self.cursor], step)
                    .name
                    .to_owned();
            }
            KeyCode::Backspace | KeyCode::Char(_) if choosing => {}
            KeyCode::Up | KeyCode::BackTab => self.cursor = self.cursor.saturating_sub(1),
            KeyCode::Down | KeyCode::Tab => self.cursor = (self.cursor + 1).min(last),
            KeyCode::Backspace => {
                self.values[self.cursor].pop();
            }
            KeyCode::Char(c)
                if !c.is_control() && self.values[self.cursor].chars().count() < 200 =>
            {
                self.values[self.cursor].push(c);
            }
            KeyCode::Enter if self.cursor < last => self.cursor += 1,
            KeyCode::Enter => {
                let mut given = Vec::new();
                for (q, v) in self.questions.iter().zip(&self.values) {
                    let answer = Answer::new(*q, v);
                    if answer.value.is_empty() && Self::optional(*q) {
                        continue;
                    }
                    if let Err(e) = answer.check() {
                        self.message = Some(format!("{}: {}", label(*q), problem(&e)));
                        self.cursor = self.questions.iter().position(|x| x == q).unwrap_or(0);
                        return None;
                    }
                    given.push(answer);
                }
                return Some(SetupAction::Save(given));
            }
            _ => {}
        }
        self.message = None;
        if !choosing || self.cursor == was {
            return None;
        }
        let layout = keymap::find(self.values.get(was)?)?;
        if layout.name == self.keymap_loaded {
            return None;
        }
        self.keymap_loaded = layout.name.to_owned();
        Some(SetupAction::Keymap(layout))
    }
}

impl SetupView {
    pub fn key(&mut self, key: KeyEvent) -> Option<SetupAction> {
        if key.code == KeyCode::Char('c') && key.modifiers.contains(KeyModifiers::CONTROL) {
            return Some(SetupAction::Quit);
        }
        match self {
            Self::Offer { .. } => match key.code {
                KeyCode::Enter => Some(SetupAction::CreatePartition),
                KeyCode::Char('s') | KeyCode::Esc => Some(SetupAction::Skip),
                _ => None,
            },
            Self::Form(form) => form.key(key),
            Self::Working(_) => None,
            Self::Enrolled(_) => (key.code == KeyCode::Enter).then_some(SetupAction::Continue),
            Self::EnrolFailed(_) => match key.code {
                KeyCode::Char('r') => Some(SetupAction::RetryEnrol),
                KeyCode::Enter => Some(SetupAction::Continue),
                _ => None,
            },
        }
    }

    pub fn draw(&self, frame: &mut Frame) {
        let ts = &t().setup;
        let (title, keys) = match self {
            Self::Offer { .. } => (ts.offer_title, ts.offer_keys),
            Self::Form(_) => (ts.form_title, ts.form_keys),
            Self::Working(_) => (ts.working_title, ""),
            Self::Enrolled(_) => (ts.enrolled_title, ts.done_keys),
            Self::EnrolFailed(_) => (ts.enrolled_title, ts.failed_keys),
        };
        let Some(body) = chrome::draw(frame, title, "", keys) else {
            return;
        };
        let lines: Vec<Line> = match self {
            Self::Offer { room, error } => {
                let mut l = vec![
                    Line::styled(ts.no_partition, theme::heading()),
                    Line::raw(""),
                    Line::raw((ts.offer)(
                        &room.device.display().to_string(),
                        &bytes(room.size),
                        room.number,
                    )),
                    Line::raw(""),
                    Line::raw(ts.offer_safe),
                ];
                if let Some(e) = error {
                    l.extend([Line::raw(""), Line::styled(e.clone(), theme::bad())]);
                }
                l
            }
            Self::Form(form) => return form.draw(frame, body),
            Self::Working(what) => vec![Line::raw(what.clone())],
            Self::Enrolled(e) => {
                let [name, fingerprint, log] = ts.enrolled_labels;
                let width = [name, fingerprint, log]
                    .iter()
                    .map(|l| l.chars().count())
                    .max()
                    .unwrap_or(0)
                    + 3;
                let row = |label: &str, value: &str| {
                    Line::raw(format!(
                        "{}{}",
                        fit(&format!("{label}:"), width),
                        printable(value)
                    ))
                };
                vec![
                    Line::styled(ts.enrolled, theme::good()),
                    Line::raw(""),
                    row(name, &e.name),
                    row(fingerprint, &e.fingerprint),
                    row(log, &e.log_origin),
                    Line::raw(""),
                    Line::raw(ts.compare),
                ]
            }
            Self::EnrolFailed(e) => vec![
                Line::styled(ts.enrol_failed, theme::bad()),
                Line::raw(e.clone()),
                Line::raw(""),
                Line::raw(ts.enrol_later),
            ],
        };
        frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: true }), body);
    }
}

impl Form {
    fn draw(&self, frame: &mut Frame, area: ratatui::layout::Rect) {
        let ts = &t().setup;
        let block = Block::bordered().title(ts.form_box);
        let inner = block.inner(area);
        frame.render_widget(block, area);
        let [intro, fields, foot] = Layout::vertical([
            Constraint::Length(3),
            Constraint::Min(0),
            Constraint::Length(2),
        ])
        .areas(inner);
        frame.render_widget(
            Paragraph::new((ts.form_intro)(&self.path.display().to_string()))
                .wrap(Wrap { trim: true }),
            intro,
        );
        let width = usize::from(fields.width).saturating_sub(27);
        let mut lines = Vec::new();
        for (i, (q, v)) in self.questions.iter().zip(&self.values).enumerate() {
            let mark = if i == self.cursor { ">" } else { " " };
            let shown = match q {
                Question::EnrolToken => "*".repeat(v.chars().count()),
                Question::Keymap => match keymap::find(v) {
                    Some(l) => format!("< {} ({}) >", l.label, l.name),
                    None => format!("< {v} >"),
                },
                _ => v.clone(),
            };
            let cursor = if i == self.cursor && *q != Question::Keymap {
                "_"
            } else {
                ""
            };
            let style = if i == self.cursor {
                theme::cursor()
            } else {
                ratatui::style::Style::new()
            };
            lines.push(Line::from(vec![
                ratatui::text::Span::styled(
                    format!("{mark} {}", fit(label(*q), 24)),
                    theme::heading(),
                ),
                ratatui::text::Span::styled(fit(&format!("{shown}{cursor}"), width), style),
            ]));
            if Self::optional(*q) {
                lines.push(Line::styled(format!("  {}", ts.optional), theme::dim()));
            }
            if *q == Question::Keymap {
                lines.push(Line::styled(format!("  {}", ts.keymap_hint), theme::dim()));
            }
        }
        frame.render_widget(Paragraph::new(lines), fields);
        if let Some(m) = &self.message {
            frame.render_widget(
                Paragraph::new(Line::styled(m.clone(), theme::warn())).wrap(Wrap { trim: true }),
                foot,
            );
        }
    }
}

/// Where the setup looks for the stick.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// The configuration file given with `--config`.
    pub config: Option<PathBuf>,
    /// `--boot-medium`: the device to treat as the boot medium (tests); else the disk behind
    /// `/run/live/medium`.
    pub boot_medium: Option<PathBuf>,
    pub issuer: IssuerArgs,
    /// Where a keyboard layout chosen on the form is loaded at once (the live image's console),
    /// or nowhere.
    pub keymap_console: ConsoleKeymap,
}

/// Runs the setup screens as needed; `false` when the technician quit.
pub fn run(guard: &mut TerminalGuard, data: &Path, opts: &Options) -> anyhow::Result<bool> {
    let mut first_boot = false;
    if let Some(room) = offer(opts) {
        let mut view = SetupView::Offer { room, error: None };
        loop {
            match next(guard, &mut view)? {
                SetupAction::Quit => return Ok(false),
                SetupAction::CreatePartition => {
                    let SetupView::Offer { room, .. } = &view else {
                        continue;
                    };
                    let room = room.clone();
                    show(
                        guard,
                        &SetupView::Working((t().setup.creating)(
                            &room.device.display().to_string(),
                        )),
                    )?;
                    match medium::create(&room).and_then(|node| medium::mount(&node, data)) {
                        Ok(()) => {
                            first_boot = true;
                            break;
                        }
                        Err(e) => {
                            view = SetupView::Offer {
                                room,
                                error: Some(chain(&e)),
                            }
                        }
                    }
                }
                _ => break,
            }
        }
    }
    let dir = DataDir::open(data)?;
    let path = dir.config_path(opts.config.as_deref());
    let mut config = dir.config(opts.config.as_deref())?;
    opts.issuer.apply(&mut config);
    // `[station] language` speaks from the form on, not only from screen 1.
    crate::i18n::init(Some(&config));
    let enrolled = dir.keys().join(LOG_KEY_FILE).exists();
    let enrolling = !enrolled && (first_boot || config.registry.enrol_token.is_some());
    let missing = answers::missing(&config, enrolling);
    if !missing.is_empty() {
        let mut view = SetupView::Form(Form::new(missing, path.clone()));
        loop {
            match next(guard, &mut view)? {
                SetupAction::Quit => return Ok(false),
                SetupAction::Keymap(layout) => load_keymap(guard, &mut view, opts, layout)?,
                SetupAction::Save(given) => match answers::write(&path, &given) {
                    Ok(()) => break,
                    Err(e) => {
                        if let SetupView::Form(f) = &mut view {
                            f.message = Some(chain(&e));
                        }
                    }
                },
                _ => {}
            }
        }
        config = dir.config(opts.config.as_deref())?;
    }
    let can_enrol = Question::RegistryUrl.current(&config).is_some()
        && Question::EnrolToken.current(&config).is_some();
    if enrolling && can_enrol {
        loop {
            show(guard, &SetupView::Working(t().setup.enrolling.to_owned()))?;
            let mut view = match enrol_station(&dir, &path, &config) {
                Ok(e) => SetupView::Enrolled(e),
                Err(e) => SetupView::EnrolFailed(chain(&e)),
            };
            match next(guard, &mut view)? {
                SetupAction::Quit => return Ok(false),
                SetupAction::RetryEnrol => continue,
                _ => break,
            }
        }
    }
    Ok(true)
}

/// Loads `layout` into the console (when on it), saying so on the form meanwhile and after.
fn load_keymap(
    guard: &mut TerminalGuard,
    view: &mut SetupView,
    opts: &Options,
    layout: Keymap,
) -> anyhow::Result<()> {
    let SetupView::Form(form) = view else {
        return Ok(());
    };
    if opts.keymap_console == ConsoleKeymap::Off {
        return Ok(());
    }
    let ts = &t().setup;
    let shown = format!("{} ({})", layout.label, layout.name);
    form.message = Some((ts.keymap_loading)(&shown));
    show(guard, view)?;
    let result = opts.keymap_console.apply(layout);
    if let SetupView::Form(form) = view {
        form.message = Some(match result {
            Ok(()) => (ts.keymap_loaded)(&shown),
            Err(e) => chain(&e),
        });
    }
    Ok(())
}

/// The first-boot offer: a boot medium with room and no `TABULA` file system anywhere.
fn offer(opts: &Options) -> Option<Room> {
    let device = opts
        .boot_medium
        .clone()
        .or_else(|| medium::boot_medium(Path::new("/")))?;
    if medium::data_partition_exists() {
        return None;
    }
    medium::room(&device).ok().flatten()
}

fn show(guard: &mut TerminalGuard, view: &SetupView) -> anyhow::Result<()> {
    guard.terminal.draw(|f| view.draw(f))?;
    Ok(())
}

/// Draws `view` and waits for a key that asks for something.
fn next(guard: &mut TerminalGuard, view: &mut SetupView) -> anyhow::Result<SetupAction> {
    loop {
        show(guard, view)?;
        match event::read()? {
            TermEvent::Key(key) if key.kind != KeyEventKind::Release => {
                if let Some(action) = view.key(key) {
                    return Ok(action);
                }
            }
            TermEvent::Resize(..) => guard.terminal.clear()?,
            _ => {}
        }
    }
}
