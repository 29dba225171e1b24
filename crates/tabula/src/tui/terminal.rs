//! The terminal guard: raw mode and the alternate screen for as long as the TUI runs, and the
//! technician's shell back afterwards, also when the TUI returns an error or panics.

use std::io::{self, Stdout};
use std::sync::OnceLock;
use std::thread::{self, ThreadId};

use crossterm::cursor::{Hide, Show};
use crossterm::execute;
use crossterm::terminal::{
    EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode,
};
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;

/// Owns the terminal while the TUI runs; dropping it restores the terminal.
#[derive(Debug)]
pub struct TerminalGuard {
    pub terminal: Terminal<CrosstermBackend<Stdout>>,
}

impl TerminalGuard {
    /// Switches to raw mode and the alternate screen. A panic hook restores the terminal before
    /// the panic message is printed, so the message lands on the normal screen and is readable.
    pub fn enter() -> io::Result<Self> {
        install_panic_hook();
        enable_raw_mode()?;
        if let Err(e) = execute!(io::stdout(), EnterAlternateScreen, Hide) {
            restore();
            return Err(e);
        }
        // Cleared once in full: the Linux console has no alternate screen, and whatever the
        // getty or the kernel printed before would otherwise show between the widgets.
        match Terminal::new(CrosstermBackend::new(io::stdout())).and_then(|mut terminal| {
            terminal.clear()?;
            Ok(terminal)
        }) {
            Ok(terminal) => Ok(Self { terminal }),
            Err(e) => {
                restore();
                Err(e)
            }
        }
    }
}

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        restore();
    }
}

/// Leaves raw mode and the alternate screen and shows the cursor. Safe to call more than once.
pub fn restore() {
    let _ = disable_raw_mode();
    let _ = execute!(io::stdout(), LeaveAlternateScreen, Show);
}

/// The thread that drives the screen; only its panics restore the terminal (a worker's panic
/// is reported by the UI, which then leaves through the guard).
static UI_THREAD: OnceLock<ThreadId> = OnceLock::new();

fn install_panic_hook() {
    if UI_THREAD.set(thread::current().id()).is_err() {
        return;
    }
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if UI_THREAD.get() == Some(&thread::current().id()) {
            restore();
        }
        previous(info);
    }));
}
