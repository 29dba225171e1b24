//! Screen 3: names every drive that will be destroyed and waits for the operator to type the
//! confirmation word (`ERASE`, the same word `tabula wipe` asks for).

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Widget, Wrap};
use tabula_wipe::plan::{Preflight, WipePlan};

use super::theme::{self, fit, fit_right, printable};
use crate::cmd::preflight;
use crate::cmd::wipe::CONFIRM_WORD;
use crate::human::bytes;
use crate::i18n::t;

/// What a key on this screen asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConfirmAction {
    Confirmed,
    Back,
}

/// The plan(s) about to run and what the operator typed so far.
#[derive(Debug, Clone, Default)]
pub struct ConfirmForm {
    /// One plan for a new wipe; one per journal when resuming.
    pub plans: Vec<WipePlan>,
    pub operator: String,
    pub resume: bool,
    pub typed: String,
    pub message: Option<String>,
}

impl ConfirmForm {
    pub fn new(plans: Vec<WipePlan>, operator: String, resume: bool) -> Self {
        Self {
            plans,
            operator,
            resume,
            typed: String::new(),
            message: None,
        }
    }

    pub fn key(&mut self, key: KeyEvent) -> Option<ConfirmAction> {
        match key.code {
            KeyCode::Esc => return Some(ConfirmAction::Back),
            KeyCode::Backspace => {
                self.typed.pop();
            }
            KeyCode::Char(c)
                if !key.modifiers.contains(KeyModifiers::CONTROL) && self.typed.len() < 16 =>
            {
                self.typed.push(c);
            }
            KeyCode::Enter => {
                if self.typed.trim() == CONFIRM_WORD {
                    return Some(ConfirmAction::Confirmed);
                }
                self.message = Some((t().confirm.not_confirmed)(CONFIRM_WORD));
                self.typed.clear();
            }
            _ => {}
        }
        None
    }

    fn drive_count(&self) -> usize {
        self.plans.iter().map(|p| p.drives.len()).sum()
    }
}

impl Widget for &ConfirmForm {
    fn render(self, area: Rect, buf: &mut Buffer) {
        // A drive that already failed its checks takes a second line saying why.
        let failing = self
            .plans
            .iter()
            .flat_map(|p| &p.drives)
            .filter(|d| matches!(d.preflight, Some(Preflight::Failed { .. })))
            .count();
        let n = u16::try_from(self.drive_count() + failing).unwrap_or(u16::MAX);
        let [list, about, input, foot] = Layout::vertical([
            Constraint::Max(n.saturating_add(3)),
            Constraint::Min(3),
            Constraint::Length(3),
            Constraint::Length(2),
        ])
        .areas(area);
        let c = &t().confirm;
        let title = if self.resume { c.title_resume } else { c.title };
        let block = Block::bordered()
            .title(Span::styled(title, theme::bad()))
            .border_style(theme::bad());
        let inner = block.inner(list);
        block.render(list, buf);
        let w = usize::from(inner.width);
        let (model_w, serial_w) = (
            (w.saturating_sub(28)) / 2,
            (w.saturating_sub(28)) - (w.saturating_sub(28)) / 2,
        );
        let mut lines = vec![Line::styled(
            format!(
                "{} {} {} {}",
                fit(c.columns[0], 14),
                fit(c.columns[1], model_w),
                fit(c.columns[2], serial_w),
                fit_right(c.columns[3], 10)
            ),
            theme::heading(),
        )];
        for plan in &self.plans {
            for d in &plan.drives {
                let (model, serial, size) = d.identity();
                lines.push(Line::from(format!(
                    "{} {} {} {}",
                    fit(&d.path.display().to_string(), 14),
                    fit(&printable(model), model_w),
                    fit(&printable(serial), serial_w),
                    fit_right(&bytes(size), 10)
                )));
                if let Some(Preflight::Failed { reason, error }) = &d.preflight {
                    let why = preflight(reason, error.as_ref());
                    lines.push(Line::styled(
                        fit(&(c.will_fail)(&printable(&why)), w),
                        theme::warn(),
                    ));
                }
            }
        }
        Paragraph::new(lines).render(inner, buf);
        let mut text = Vec::new();
        if let Some(plan) = self.plans.first() {
            let passes = plan.drives.first().map_or(0, |d| d.passes.len());
            text.push(Line::from(vec![
                Span::styled(c.method, theme::heading()),
                Span::raw((c.method_line)(
                    &plan.method.name,
                    &(t().common.method_label)(&plan.method.name, &plan.method.label),
                    passes as u64,
                    (t().common.verify_mode)(plan.verify),
                )),
            ]));
        }
        text.push(Line::from(vec![
            Span::styled(c.operator, theme::heading()),
            Span::raw(self.operator.clone()),
        ]));
        text.push(Line::from((c.all_data_lost)(self.drive_count())));
        Paragraph::new(text)
            .wrap(Wrap { trim: true })
            .render(about, buf);
        let block = Block::bordered().title((c.type_word)(CONFIRM_WORD));
        let inner = block.inner(input);
        block.render(input, buf);
        Paragraph::new(Line::from(vec![
            Span::styled(self.typed.clone(), theme::bad()),
            Span::styled("_", theme::cursor()),
        ]))
        .render(inner, buf);
        if let Some(m) = &self.message {
            Paragraph::new(Line::styled(m.clone(), theme::warn()))
                .wrap(Wrap { trim: true })
                .render(foot, buf);
        }
    }
}
