//! What every screen has: the title bar (step and screen name left, organisation and site right,
//! never running into each other), the key hints at the bottom, and the notice when the terminal
//! is smaller than the 80x25 of the Linux console, the smallest size every screen is laid out for.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use super::theme::{self, fit};
use crate::i18n::t;

/// The smallest terminal the screens are laid out for (the Linux console).
pub const MIN_WIDTH: u16 = 80;
pub const MIN_HEIGHT: u16 = 25;

/// Draws the title bar and the key hints; returns the body's area, or `None` (having said what
/// size is needed) when the terminal is too small.
pub fn draw(frame: &mut Frame, title: &str, station: &str, hints: &str) -> Option<Rect> {
    let area = frame.area();
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        let text = (t().app.too_small)(MIN_WIDTH, MIN_HEIGHT, area.width, area.height);
        frame.render_widget(Paragraph::new(text).wrap(Wrap { trim: true }), area);
        return None;
    }
    let [top, body, keys] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(0),
        Constraint::Length(1),
    ])
    .areas(area);
    frame.render_widget(
        Paragraph::new(Line::styled(
            title_bar(title, station, usize::from(top.width)),
            theme::title(),
        )),
        top,
    );
    frame.render_widget(
        Paragraph::new(Span::styled(format!(" {hints}"), theme::keys())),
        keys,
    );
    Some(body)
}

/// ` Tabula  TITLE` on the left, `STATION ` on the right, `width` columns in all: the station
/// is cut (marked `~`) so that at least two blanks stay between the two.
pub fn title_bar(title: &str, station: &str, width: usize) -> String {
    let left = fit(&format!(" Tabula  {title}"), width);
    let left = left.trim_end();
    let room = width.saturating_sub(left.chars().count() + 2 + 1);
    let right = if station.chars().count() <= room {
        station.to_owned()
    } else {
        fit(station, room)
    };
    let right = format!("{right} ");
    let pad = width.saturating_sub(left.chars().count() + right.chars().count());
    format!("{left}{}{right}", " ".repeat(pad))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_site_is_cut_before_it_reaches_the_title() {
        let bar = title_bar(
            "1/5 Machine and drives",
            "Stadtverwaltung Leipzig, Refurbishing bench in the basement",
            80,
        );
        assert_eq!(bar.chars().count(), 80);
        assert!(
            bar.starts_with(" Tabula  1/5 Machine and drives  "),
            "{bar}"
        );
        assert!(bar.ends_with("~ "), "{bar}");
        let bar = title_bar("2/5 Method", "Lecos, Bench 1", 80);
        assert!(bar.ends_with("  Lecos, Bench 1 "), "{bar}");
        assert_eq!(bar.chars().count(), 80);
    }
}
