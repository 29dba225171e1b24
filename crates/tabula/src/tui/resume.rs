//! Shown first when the journal holds wipes that a power loss or crash interrupted: resume them
//! (the certificate records the interruption and the resume) or go on to this machine.

use crossterm::event::{KeyCode, KeyEvent};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Block, Paragraph, Widget, Wrap};
use tabula_wipe::plan::WipePlan;

use super::theme;
use crate::i18n::t;
use tabula_station::journal::Journal;

/// One interrupted wipe.
#[derive(Debug, Clone)]
pub struct Pending {
    pub id: String,
    pub started: String,
    pub operator: String,
    pub plan: WipePlan,
    /// Per drive: the pass it had reached, if it had started.
    pub reached: Vec<Option<usize>>,
}

impl From<&Journal> for Pending {
    fn from(j: &Journal) -> Self {
        Self {
            id: j.id.clone(),
            started: crate::i18n::clock::date_time(j.started),
            operator: j.issuer.operator.clone(),
            plan: j.plan.clone(),
            reached: j.positions.iter().map(|p| p.map(|p| p.pass)).collect(),
        }
    }
}

/// What a key on this screen asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ResumeAction {
    Resume,
    Skip,
}

/// The offer.
#[derive(Debug, Clone, Default)]
pub struct ResumeOffer {
    pub pending: Vec<Pending>,
}

impl ResumeOffer {
    pub fn key(&self, key: KeyEvent) -> Option<ResumeAction> {
        match key.code {
            KeyCode::Char('r') | KeyCode::Enter => Some(ResumeAction::Resume),
            KeyCode::Char('s') | KeyCode::Esc => Some(ResumeAction::Skip),
            _ => None,
        }
    }
}

impl Widget for &ResumeOffer {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let tr = &t().resume;
        let block = Block::bordered()
            .title(tr.title)
            .border_style(theme::warn());
        let inner = block.inner(area);
        block.render(area, buf);
        let mut lines = vec![
            Line::raw(tr.intro[0]),
            Line::raw(tr.intro[1]),
            Line::default(),
        ];
        for p in &self.pending {
            lines.push(Line::styled(
                (tr.wipe_line)(
                    &p.id,
                    &p.started,
                    if p.operator.is_empty() {
                        "-"
                    } else {
                        &p.operator
                    },
                    &p.plan.method.name,
                ),
                theme::heading(),
            ));
            for (d, reached) in p.plan.drives.iter().zip(&p.reached) {
                let at = reached.map_or_else(
                    || tr.not_started.to_owned(),
                    |pass| (tr.was_at)(pass, d.passes.len()),
                );
                lines.push(Line::raw(format!("  {}: {at}", d.path.display())));
            }
            lines.push(Line::default());
        }
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .render(inner, buf);
    }
}
