//! Colours and text helpers shared by the screens. Only the eight basic ANSI colours and bold /
//! reverse are used, so every screen reads the same on the Linux VT, in tmux and over serial.
//! Text is ASCII apart from the box-drawing characters of the borders (the VT fonts have those).

use ratatui::style::{Color, Modifier, Style};

pub fn title() -> Style {
    Style::new().fg(Color::Black).bg(Color::Cyan)
}

pub fn heading() -> Style {
    Style::new().add_modifier(Modifier::BOLD)
}

pub fn cursor() -> Style {
    Style::new().add_modifier(Modifier::REVERSED)
}

pub fn good() -> Style {
    Style::new().fg(Color::Green)
}

pub fn warn() -> Style {
    Style::new().fg(Color::Yellow)
}

pub fn bad() -> Style {
    Style::new().fg(Color::Red).add_modifier(Modifier::BOLD)
}

pub fn dim() -> Style {
    Style::new().fg(Color::Blue)
}

pub fn keys() -> Style {
    Style::new().fg(Color::Black).bg(Color::White)
}

/// `text` cut or padded to exactly `width` columns; a cut is marked with `~`.
pub fn fit(text: &str, width: usize) -> String {
    let count = text.chars().count();
    if count <= width {
        format!("{text:<width$}")
    } else if width == 0 {
        String::new()
    } else {
        let mut cut: String = text.chars().take(width - 1).collect();
        cut.push('~');
        cut
    }
}

/// Like [`fit`], right-aligned (numbers).
pub fn fit_right(text: &str, width: usize) -> String {
    if text.chars().count() <= width {
        format!("{text:>width$}")
    } else {
        fit(text, width)
    }
}

/// Only printable characters, so a hostile model string cannot move the cursor or switch modes.
pub fn printable(text: &str) -> String {
    text.chars().filter(|c| !c.is_control()).collect()
}

/// `h:mm:ss` for an ETA or elapsed time.
pub fn duration(secs: u64) -> String {
    format!("{}:{:02}:{:02}", secs / 3600, secs / 60 % 60, secs % 60)
}

/// Decimal megabytes per second, as disk vendors quote speeds.
pub fn rate(bytes_per_sec: f64) -> String {
    format!("{} MB/s", crate::i18n::decimal(bytes_per_sec / 1e6, 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fit_pads_and_cuts() {
        assert_eq!(fit("abc", 5), "abc  ");
        assert_eq!(fit("abcdef", 4), "abc~");
        assert_eq!(fit("abc", 0), "");
        assert_eq!(fit_right("12", 4), "  12");
        assert_eq!(fit_right("12345", 4), "123~");
    }

    #[test]
    fn control_characters_are_dropped() {
        assert_eq!(printable("WDC\x1b[2J\tX"), "WDC[2JX");
    }

    #[test]
    fn durations_and_rates() {
        assert_eq!(duration(3725), "1:02:05");
        assert_eq!(rate(123_456_789.0), "123.5 MB/s");
    }
}
