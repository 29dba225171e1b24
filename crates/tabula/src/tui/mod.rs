//! The technician's TUI (`tabula` on a terminal, `tabula tui`): the same job as `tabula run` -
//! audit, choose drives and method, confirm, wipe, certificate, upload - as five keyboard-only
//! screens readable on an 80x25 Linux console.
//!
//! It owns the screens (one widget per file: [`machine`], [`method`], [`confirm`], [`progress`],
//! [`result`], [`resume`]), the state machine that connects them ([`app`]), the background
//! workers ([`worker`]) and the terminal guard ([`terminal`]). It does not own the job itself:
//! targets, plans, journal, certificates and uploads are the station's (`tabula_station`), so
//! the CLI and the TUI cannot drift apart. It powers the machine off only when the technician
//! presses P on the result screen, once everything is written.

pub mod app;
pub mod chrome;
pub mod confirm;
pub mod input;
pub mod machine;
pub mod method;
pub mod network;
pub mod progress;
pub mod result;
pub mod resume;
pub mod setup;
pub mod terminal;
pub mod theme;
pub mod worker;

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_de;
#[cfg(test)]
mod tests_firmware;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::Duration;

use anyhow::Context;
use crossbeam_channel::{Receiver, Sender};
use crossterm::event::{self, Event as TermEvent, KeyEventKind};

use self::app::{Action, App, Msg, Screen};
use self::confirm::ConfirmForm;
use self::terminal::TerminalGuard;
use crate::cmd::Outcome;
use crate::i18n::t;
use tabula_station::Station;

/// How often the screen is redrawn when nothing is typed (progress, clocks).
const TICK: Duration = Duration::from_millis(100);

/// Runs the TUI on the controlling terminal until the technician finishes or quits. When `only`
/// names devices, the drive table lists just those.
pub fn run(
    data: &std::path::Path,
    opts: &setup::Options,
    only: Vec<std::path::PathBuf>,
) -> anyhow::Result<Outcome> {
    let mut guard =
        TerminalGuard::enter().context(crate::i18n::t().commands.errors.terminal_setup)?;
    // The setup screens first: the stick's data partition, the answers the station lacks.
    if !setup::run(&mut guard, data, opts)? {
        return Ok(Outcome::Failure);
    }
    let mut station = match Station::open(data, opts.config.as_deref()) {
        Ok(s) => s,
        Err(e) => {
            drop(guard);
            return Err(e.into());
        }
    };
    opts.issuer.apply(&mut station.config);
    crate::i18n::init(Some(&station.config));
    let station = Arc::new(station);
    // SIGTERM / SIGHUP (terminal gone): stop a running wipe cleanly, or quit.
    let signalled = Arc::new(AtomicBool::new(false));
    for signal in [signal_hook::consts::SIGTERM, signal_hook::consts::SIGHUP] {
        signal_hook::flag::register(signal, Arc::clone(&signalled))
            .context(crate::i18n::t().commands.errors.signal_handler)?;
    }
    let (tx, rx) = crossbeam_channel::unbounded();
    let mut app = App::new(&station.config);
    app.only = only;
    let _start = worker::start(Arc::clone(&station), tx.clone());
    let _network = network::watch(Arc::clone(&station), tx.clone());
    let mut ui = Ui {
        station,
        tx,
        rx,
        cancel: Arc::new(AtomicBool::new(false)),
        signalled,
        job: None,
    };
    let outcome = ui.event_loop(&mut guard, &mut app);
    drop(guard);
    match (outcome, &app.fatal) {
        (Ok(_), Some(fatal)) => anyhow::bail!("{fatal}"),
        (Ok(Exit::PowerOff(outcome)), None) => {
            crate::cmd::run::power_off()?;
            Ok(outcome)
        }
        (Ok(Exit::Quit(outcome)), None) => Ok(outcome),
        (Err(e), _) => Err(e),
    }
}

/// How the event loop ended.
enum Exit {
    Quit(Outcome),
    /// Power off once the terminal is restored.
    PowerOff(Outcome),
}

struct Ui {
    station: Arc<Station>,
    tx: Sender<Msg>,
    rx: Receiver<Msg>,
    /// Tells the engine to stop every drive.
    cancel: Arc<AtomicBool>,
    signalled: Arc<AtomicBool>,
    /// The wipe or resume thread, while one runs.
    job: Option<JoinHandle<()>>,
}

impl Ui {
    fn event_loop(&mut self, guard: &mut TerminalGuard, app: &mut App) -> anyhow::Result<Exit> {
        // Once the terminal is gone nothing is drawn or read; a running wipe is stopped as on
        // SIGHUP and the loop ends when it has stopped.
        let mut hung_up = false;
        loop {
            if hung_up {
                std::thread::sleep(TICK);
            } else {
                // The terminal can go between the poll and the draw: a draw or read that fails
                // is a hang-up too, never a return that would kill a running wipe unrecorded.
                match self.terminal_turn(guard, app) {
                    Ok(Some(outcome)) => return Ok(outcome),
                    Ok(None) => {}
                    Err(_) => {
                        hung_up = true;
                        self.signalled.store(true, Ordering::Relaxed);
                    }
                }
            }
            for msg in self.rx.try_iter() {
                app.message(msg);
            }
            if app.screen == Screen::Progress {
                if self.signalled.load(Ordering::Relaxed) && !app.progress.stopping {
                    app.progress.stopping = true;
                    self.cancel.store(true, Ordering::Relaxed);
                }
                if self.job.as_ref().is_some_and(|j| j.is_finished()) && self.rx.is_empty() {
                    // The thread ended without reporting: it panicked.
                    self.job = None;
                    app.fatal = Some(t().app.wipe_thread_died.to_owned());
                }
            } else if self.signalled.load(Ordering::Relaxed) {
                return Ok(Exit::Quit(Outcome::Failure));
            }
        }
    }

    /// Draws the screen and handles what the terminal has within a tick; `Err` when the
    /// terminal is gone (hung up, or it failed to draw or read).
    fn terminal_turn(
        &mut self,
        guard: &mut TerminalGuard,
        app: &mut App,
    ) -> std::io::Result<Option<Exit>> {
        guard.terminal.draw(|f| app.draw(f))?;
        match input::wait(TICK)? {
            input::Input::Event => match event::read()? {
                TermEvent::Key(key) if key.kind != KeyEventKind::Release => {
                    if let Some(action) = app.key(key) {
                        return Ok(self.perform(action, app));
                    }
                }
                // A full clear, so no glyph of the old layout stays behind; the next draw lays
                // the screen out for the new size.
                TermEvent::Resize(..) => guard.terminal.clear()?,
                _ => {}
            },
            input::Input::Idle => {}
            input::Input::HungUp => {
                return Err(std::io::Error::from(std::io::ErrorKind::BrokenPipe));
            }
        }
        Ok(None)
    }

    /// Carries out an action; `Some` ends the TUI.
    fn perform(&mut self, action: Action, app: &mut App) -> Option<Exit> {
        match action {
            Action::Quit(outcome) => return Some(Exit::Quit(outcome)),
            Action::PowerOff(outcome) => return Some(Exit::PowerOff(outcome)),
            Action::Rescan => match tabula_device::discover(&self.station.root) {
                Ok(drives) => app.rescanned(drives),
                Err(e) => app.drives.message = Some((t().app.rescan_failed)(&e.to_string())),
            },
            Action::Capabilities(paths) => {
                // Read-only questions, and only to the drives of the running system.
                let live = self.station.root == std::path::Path::new("/");
                app.method.auto = paths
                    .iter()
                    .map(|path| {
                        let drive = app
                            .drives
                            .rows
                            .iter()
                            .map(|r| &r.drive)
                            .find(|d| &d.path == path);
                        let caps = drive
                            .filter(|_| live)
                            .map(tabula_device::probe::capabilities_of);
                        method::AutoRow {
                            path: path.display().to_string(),
                            choice: tabula_wipe::auto::choose(drive, caps.as_ref()),
                        }
                    })
                    .collect();
            }
            Action::Prepare {
                paths,
                method,
                operator,
            } => {
                let planned = self
                    .station
                    .issuer(Some(&operator))
                    .and_then(|_| self.station.select_targets(&paths, false))
                    .and_then(|targets| self.station.plan(targets, Some(method)));
                match planned {
                    Ok(plan) => {
                        app.confirm = ConfirmForm::new(vec![plan], operator, false);
                        app.screen = Screen::Confirm;
                    }
                    Err(e) => app.method.message = Some(crate::cmd::describe(&e)),
                }
            }
            Action::Wipe => {
                let (Some(plan), Some(audit)) = (app.confirm.plans.first(), app.audit.clone())
                else {
                    app.fatal = Some(t().app.no_plan.to_owned());
                    return None;
                };
                let issuer = match self.station.issuer(Some(&app.confirm.operator)) {
                    Ok(issuer) => issuer,
                    Err(e) => {
                        app.fatal = Some(crate::cmd::describe(&e));
                        return None;
                    }
                };
                self.job = Some(worker::wipe(
                    Arc::clone(&self.station),
                    plan.clone(),
                    issuer,
                    audit,
                    Arc::clone(&self.cancel),
                    self.tx.clone(),
                ));
            }
            Action::Resume => {
                self.job = Some(worker::resume(
                    Arc::clone(&self.station),
                    Arc::clone(&self.cancel),
                    self.tx.clone(),
                ));
            }
            Action::Stop => self.cancel.store(true, Ordering::Relaxed),
        }
        None
    }
}
