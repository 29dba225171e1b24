//! Screen 2: the wipe method (from `tabula_wipe::method::METHODS`, default from `tabula.toml`)
//! and the operator's name, which goes into the certificate. With `auto` under the cursor, what
//! it will do to each chosen drive, why, and the drive's own time estimate.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Widget, Wrap};
use tabula_wipe::auto::Choice;
use tabula_wipe::method::{Erase, METHODS, Method};
use tabula_wipe::plan::VerifyMode;

use super::theme::{self, fit};
use crate::i18n::t;

/// Longest operator name accepted (it is printed on the certificate).
const OPERATOR_MAX: usize = 60;

/// What a key on this screen asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MethodAction {
    Continue,
    Back,
}

/// `auto`'s choice for one chosen drive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AutoRow {
    pub path: String,
    pub choice: Choice,
}

/// Method list and operator field.
#[derive(Debug, Clone)]
pub struct MethodForm {
    pub cursor: usize,
    pub operator: String,
    /// `[wipe] verify` from the configuration, overriding the methods' own.
    pub verify: Option<VerifyMode>,
    pub message: Option<String>,
    /// What `auto` will do to each chosen drive (read from the drives when the screen opens).
    pub auto: Vec<AutoRow>,
}

impl MethodForm {
    /// Starts on `default` (a method name or alias; the first method if unknown).
    pub fn new(default: &str, operator: Option<&str>, verify: Option<VerifyMode>) -> Self {
        let cursor = Method::by_name(default)
            .and_then(|m| METHODS.iter().position(|x| x.name == m.name))
            .unwrap_or(0);
        Self {
            cursor,
            operator: operator.unwrap_or_default().to_owned(),
            verify,
            message: None,
            auto: Vec::new(),
        }
    }

    pub fn method(&self) -> &'static Method {
        &METHODS[self.cursor.min(METHODS.len() - 1)]
    }

    pub fn key(&mut self, key: KeyEvent) -> Option<MethodAction> {
        self.message = None;
        let last = METHODS.len() - 1;
        match key.code {
            KeyCode::Up => self.cursor = self.cursor.saturating_sub(1),
            KeyCode::Down => self.cursor = (self.cursor + 1).min(last),
            KeyCode::Home | KeyCode::PageUp => self.cursor = 0,
            KeyCode::End | KeyCode::PageDown => self.cursor = last,
            KeyCode::Backspace => {
                self.operator.pop();
            }
            KeyCode::Char('u') if key.modifiers.contains(KeyModifiers::CONTROL) => {
                self.operator.clear();
            }
            KeyCode::Char(c)
                if !c.is_control()
                    && !key.modifiers.contains(KeyModifiers::CONTROL)
                    && self.operator.chars().count() < OPERATOR_MAX =>
            {
                self.operator.push(c);
            }
            KeyCode::Esc => return Some(MethodAction::Back),
            KeyCode::Enter => {
                if self.operator.trim().is_empty() {
                    self.message = Some(t().method.operator_missing.to_owned());
                } else {
                    return Some(MethodAction::Continue);
                }
            }
            _ => {}
        }
        None
    }

    fn verify_for(&self, m: &Method) -> VerifyMode {
        self.verify.unwrap_or(m.default_verify)
    }
}

impl Widget for &MethodForm {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let rows = u16::try_from(METHODS.len()).unwrap_or(u16::MAX);
        let auto = self.method().erase == Erase::Auto;
        // `auto` under the cursor: its per-drive lines get up to half the screen, the list
        // scrolls in the rest.
        let auto_rows = u16::try_from(self.auto.len().max(1) * 2 + 3).unwrap_or(u16::MAX);
        let (list_c, detail_c) = if auto {
            (
                Constraint::Min(3),
                Constraint::Length(auto_rows.min(area.height.saturating_sub(4) / 2)),
            )
        } else {
            (Constraint::Max(rows + 2), Constraint::Min(1))
        };
        let [list, detail, operator, foot] = Layout::vertical([
            list_c,
            detail_c,
            Constraint::Length(3),
            Constraint::Length(1),
        ])
        .areas(area);
        let tx = t();
        let block = Block::bordered().title(tx.method.title);
        let inner = block.inner(list);
        block.render(list, buf);
        // Room for every software method's name; the longest firmware ones are cut here and
        // named in full on the line under the list.
        let name_w = 20;
        // "verify: last pass" in the catalogue's words; the label takes what is left.
        let verify: Vec<String> = METHODS
            .iter()
            .map(|m| {
                format!(
                    "{} {}",
                    tx.method.verify,
                    (tx.common.verify_mode)(self.verify_for(m))
                )
            })
            .collect();
        let verify_w = verify.iter().map(|v| v.chars().count()).max().unwrap_or(0);
        let label_w = usize::from(inner.width).saturating_sub(name_w + 4 + verify_w);
        let lines: Vec<Line> = METHODS
            .iter()
            .enumerate()
            .map(|(i, m)| {
                let mark = if i == self.cursor { ">" } else { " " };
                let text = format!(
                    "{mark} {} {} {}",
                    fit(m.name, name_w),
                    fit(&(tx.common.method_label)(m.name, m.label), label_w),
                    verify[i]
                );
                let style = if i == self.cursor {
                    theme::cursor()
                } else {
                    ratatui::style::Style::new()
                };
                Line::styled(text, style)
            })
            .collect();
        // More methods than rows (80x25): the list scrolls so that the cursor stays in view.
        let visible = usize::from(inner.height).max(1);
        let first = self.cursor.saturating_sub(visible - 1);
        let first = u16::try_from(first).unwrap_or(u16::MAX);
        Paragraph::new(lines).scroll((first, 0)).render(inner, buf);
        let m = self.method();
        let mut about = format!("{}: {}", m.name, (tx.method.nist)(m.nist_category));
        if let Some(bsi) = m.bsi_name {
            about.push_str(&(tx.method.bsi)(bsi));
        }
        if auto {
            self.render_auto(about, detail, buf);
        } else {
            Paragraph::new(Line::styled(about, theme::dim()))
                .wrap(Wrap { trim: true })
                .render(detail, buf);
        }
        let block = Block::bordered().title(tx.method.operator_title);
        let inner = block.inner(operator);
        block.render(operator, buf);
        Paragraph::new(Line::from(vec![
            Span::raw(self.operator.clone()),
            Span::styled("_", theme::cursor()),
        ]))
        .render(inner, buf);
        if let Some(m) = &self.message {
            Paragraph::new(Line::styled(m.clone(), theme::warn())).render(foot, buf);
        }
    }
}

impl MethodForm {
    /// Per chosen drive: the method `auto` runs, the drive's estimate, and why.
    fn render_auto(&self, about: String, area: Rect, buf: &mut Buffer) {
        let tf = &t().firmware;
        let block = Block::bordered().title(format!(" {} ", tf.auto_title));
        let inner = block.inner(area);
        block.render(area, buf);
        let mut lines = vec![Line::styled(about, theme::dim())];
        if self.auto.is_empty() {
            lines.push(Line::raw(tf.auto_none));
        }
        for row in &self.auto {
            let estimate = row.choice.estimate_secs.map(theme::duration);
            lines.push(Line::raw((tf.auto_line)(
                &row.path,
                row.choice.method_name(),
                estimate.as_deref(),
            )));
            lines.push(Line::styled(
                format!("  {}", (tf.why)(&row.choice.why)),
                theme::dim(),
            ));
        }
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .render(inner, buf);
    }
}
