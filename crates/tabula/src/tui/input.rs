//! Waiting for the technician's keys without hanging when the terminal goes away.
//!
//! crossterm (0.29) reads a hung-up terminal forever: `read` returns 0 at end of file and its
//! read loop only ends on `EAGAIN`, so `event::poll` never returns and the TUI spins at full
//! speed, deaf to SIGHUP (seen with `tmux kill-server`, a closed SSH session, a pulled serial
//! cable). So the descriptor is polled here first, and crossterm is asked only when there is
//! input and no hang-up.

use std::io;
use std::os::fd::AsFd as _;
use std::time::Duration;

use crossterm::event;
use nix::poll::{PollFd, PollFlags, PollTimeout, poll};

/// What the terminal has for the event loop.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Input {
    /// An event is ready: `event::read` returns it without blocking.
    Event,
    /// Nothing within the timeout.
    Idle,
    /// The terminal is gone: nobody is there to see the screen or press a key.
    HungUp,
}

const GONE: PollFlags = PollFlags::POLLHUP
    .union(PollFlags::POLLERR)
    .union(PollFlags::POLLNVAL);

/// The terminal's state now (`timeout` zero) or within `timeout`.
fn poll_terminal(timeout: Duration) -> io::Result<Option<PollFlags>> {
    let stdin = io::stdin();
    let mut fds = [PollFd::new(stdin.as_fd(), PollFlags::POLLIN)];
    let ms = PollTimeout::try_from(timeout).unwrap_or(PollTimeout::MAX);
    match poll(&mut fds, ms) {
        Ok(0) => Ok(None),
        Ok(_) => Ok(fds[0].revents()),
        Err(nix::errno::Errno::EINTR) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

/// Wait up to `timeout` for a key, a resize or a hang-up.
pub fn wait(timeout: Duration) -> io::Result<Input> {
    // Events crossterm has already read and parsed (a pasted word arrives in one read) come
    // first; asking for them is safe only while the terminal is still there.
    if poll_terminal(Duration::ZERO)?.is_some_and(|r| r.intersects(GONE)) {
        return Ok(Input::HungUp);
    }
    if event::poll(Duration::ZERO)? {
        return Ok(Input::Event);
    }
    match poll_terminal(timeout)? {
        None => Ok(Input::Idle),
        Some(r) if r.intersects(GONE) => Ok(Input::HungUp),
        Some(_) if event::poll(Duration::ZERO)? => Ok(Input::Event),
        Some(_) => Ok(Input::Idle),
    }
}
