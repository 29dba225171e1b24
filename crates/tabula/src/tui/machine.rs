//! Screen 1: the machine's audit summary and the drive table with the selection.
//!
//! Excluded drives (boot medium, mounted, `[keep] serials`, ...) can never be selected; wipeable
//! drives start selected; drives wiped only when named (loop devices) can be selected by hand,
//! which is how a technician names them. Devices without a medium are counted, not listed.

use std::path::PathBuf;

use crossterm::event::{KeyCode, KeyEvent};
use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Widget};
use tabula_audit::disks::{Disk, SmartState};
use tabula_audit::smart::Health;
use tabula_audit::{Audit, MsdmStatus};
use tabula_device::{Drive, Verdict};

use super::network::NetState;
use super::theme::{self, fit, fit_right, printable};
use crate::human::bytes;
use crate::i18n::reasons::exclusions;
use crate::i18n::t;

/// The audit, boiled down to what a technician checks at a glance.
#[derive(Debug, Clone, Default)]
pub struct Summary {
    pub vendor: String,
    pub model: String,
    pub serial: String,
    pub cpu: String,
    pub ram: String,
    pub battery: String,
    pub licence: String,
    pub grade: String,
}

impl Summary {
    pub fn from_audit(a: &Audit) -> Self {
        let or_dash = |s: &Option<String>| printable(s.as_deref().unwrap_or("-"));
        let tm = &t().machine;
        let cpu = {
            let c = &a.cpu;
            (tm.cpu)(
                &printable(c.model.as_deref().unwrap_or(tm.unknown_cpu)),
                c.cores.map(u64::from),
                u64::from(c.threads),
            )
        };
        let m = &a.memory;
        let mut ram = m
            .effective_bytes()
            .map_or_else(|| tm.ram_unknown.to_owned(), bytes);
        if let (Some(slots), Some(empty)) = (m.slots, m.empty_slots) {
            ram.push_str(&(tm.slots_used)(
                u64::from(slots - empty.min(slots)),
                u64::from(slots),
            ));
        }
        let battery = match a.batteries.first() {
            None => tm.battery_none.to_owned(),
            Some(b) => match b.health_pct {
                Some(h) => (tm.battery_health)(h),
                None => (tm.battery_unknown)(&printable(&b.name)),
            },
        };
        let licence = match &a.licence.msdm {
            MsdmStatus::Present { key_masked, .. } => (tm.licence_key)(&printable(key_masked)),
            MsdmStatus::Absent => tm.licence_none.to_owned(),
            MsdmStatus::Malformed { .. } => tm.licence_malformed.to_owned(),
        };
        // Why the grade is not A, in the reader's words (as `tabula audit` says it), not the
        // rules' ids.
        let words = &t().commands.audit.report;
        let failed: Vec<String> = a
            .fitness
            .rules
            .iter()
            .filter(|r| r.grade.is_some())
            .map(|r| {
                r.reason
                    .as_ref()
                    .map_or_else(|| r.detail.clone(), words.rule_reason)
            })
            .collect();
        // Two rules can fail for one reason (no internal drive): said once.
        let failed: Vec<String> = failed
            .iter()
            .enumerate()
            .filter(|(i, r)| !failed[..*i].contains(r))
            .map(|(_, r)| r.clone())
            .collect();
        let mut grade = match a.fitness.grade {
            tabula_audit::Grade::Unfit => tm.unfit.to_owned(),
            g => g.to_string(),
        };
        if !failed.is_empty() {
            grade.push_str(&format!(" ({})", printable(&failed.join("; "))));
        }
        Self {
            vendor: or_dash(&a.system.vendor),
            model: or_dash(&a.system.product),
            serial: or_dash(&a.system.serial),
            cpu,
            ram,
            battery,
            licence,
            grade,
        }
    }
}

impl Summary {
    /// The summary with the network line under it.
    pub fn with_network<'a>(&'a self, net: &'a NetState) -> SummaryView<'a> {
        SummaryView { summary: self, net }
    }
}

/// The machine box: the audit summary and the network state.
#[derive(Debug)]
pub struct SummaryView<'a> {
    summary: &'a Summary,
    net: &'a NetState,
}

impl Widget for SummaryView<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let (summary, net) = (self.summary, self.net);
        let tm = &t().machine;
        let block = Block::bordered().title(tm.title);
        let inner = block.inner(area);
        block.render(area, buf);
        // Labels of the left column padded to the longest, those of the right to theirs.
        let [vendor, model, serial, grade, cpu, ram, battery, licence] = tm.labels;
        let left_w = [vendor, serial, grade, cpu, ram, licence]
            .iter()
            .map(|l| l.chars().count())
            .max()
            .unwrap_or(0)
            + 1;
        let right_w = [model, battery]
            .iter()
            .map(|l| l.chars().count())
            .max()
            .unwrap_or(0)
            + 1;
        let left = |s: &str| Span::styled(fit(s, left_w), theme::heading());
        let right = |s: &str| Span::styled(format!("  {}", fit(s, right_w)), theme::heading());
        let half = usize::from(inner.width / 2).saturating_sub(left_w + 2);
        // What the right column and the full-width lines have, cut (marked) rather than clipped.
        let right_room = usize::from(inner.width).saturating_sub(left_w + half + 2 + right_w);
        let full_room = usize::from(inner.width).saturating_sub(left_w);
        let value = |s: &str, room: usize| fit(s, room).trim_end().to_owned();
        let lines = vec![
            Line::from(vec![
                left(vendor),
                Span::raw(fit(&summary.vendor, half)),
                right(model),
                Span::raw(value(&summary.model, right_room)),
            ]),
            Line::from(vec![
                left(serial),
                Span::raw(value(&summary.serial, full_room)),
            ]),
            Line::from(vec![left(cpu), Span::raw(value(&summary.cpu, full_room))]),
            Line::from(vec![
                left(ram),
                Span::raw(fit(&summary.ram, half)),
                right(battery),
                Span::raw(value(&summary.battery, right_room)),
            ]),
            // The grade and why, on a line of its own: the reasons need the room.
            Line::from(vec![
                left(grade),
                Span::styled(value(&summary.grade, full_room), theme::heading()),
            ]),
            Line::from(vec![
                left(licence),
                Span::raw(value(&summary.licence, full_room)),
            ]),
            Line::from(vec![
                left(tm.network),
                Span::raw(fit(
                    &net.line(),
                    usize::from(inner.width).saturating_sub(left_w),
                )),
            ]),
        ];
        Paragraph::new(lines).render(inner, buf);
    }
}

/// One drive in the table.
#[derive(Debug, Clone)]
pub struct DriveRow {
    pub drive: Drive,
    /// `PASSED`, `FAILED`, `n/a` ...
    pub smart: String,
    /// `, 1234 power-on hours` or empty.
    pub hours: String,
    /// Why the drive cannot be selected, if it cannot.
    pub refusal: Option<String>,
    /// Named on the command line (`tabula tui DEV...`): counts as chosen explicitly.
    pub named: bool,
    pub selected: bool,
}

impl DriveRow {
    fn verdict(&self) -> (String, ratatui::style::Style) {
        let tm = &t().machine;
        if let Some(why) = &self.refusal {
            return ((tm.excluded)(why), theme::bad());
        }
        match &self.drive.verdict {
            Verdict::Wipeable => (tm.wipeable.to_owned(), theme::good()),
            Verdict::ExplicitOnly { .. } if self.named => {
                (tm.wipeable_named.to_owned(), theme::good())
            }
            Verdict::ExplicitOnly { reasons } => (
                (tm.by_hand)(&printable(&exclusions(reasons))),
                theme::warn(),
            ),
            Verdict::Excluded { reasons } => (
                (tm.excluded)(&printable(&exclusions(reasons))),
                theme::bad(),
            ),
        }
    }

    fn kind(&self) -> String {
        let d = &self.drive;
        match d.transport {
            tabula_device::Bus::Loop => t().machine.loop_kind.to_owned(),
            t => format!("{t} {}", if d.rotational { "HDD" } else { "SSD" }),
        }
    }
}

/// What a key on this screen asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MachineAction {
    Continue,
    Rescan,
    Quit,
}

/// The drive table with cursor and selection.
#[derive(Debug, Clone, Default)]
pub struct DriveTable {
    pub rows: Vec<DriveRow>,
    pub cursor: usize,
    /// Devices without a medium (empty loop devices, card readers), not listed.
    pub hidden: usize,
    /// Drives left out because the command line named others (`tabula tui TARGET...`).
    pub not_named: usize,
    /// Why the last Enter did nothing.
    pub message: Option<String>,
}

impl DriveTable {
    /// Builds the table from discovered drives, joining SMART data from the audit by kernel name.
    /// When `only` names devices, the table holds just those, and they count as named explicitly
    /// (loop devices among them start selected too).
    pub fn new(drives: Vec<Drive>, disks: &[Disk], keep: &[String], only: &[PathBuf]) -> Self {
        let mut hidden = 0;
        let mut not_named = 0;
        let mut rows = Vec::new();
        for drive in drives {
            let named = only.iter().any(|p| p == &drive.path);
            if !only.is_empty() && !named {
                not_named += 1;
                continue;
            }
            if !named && !crate::cmd::devices::shown_by_default(&drive) {
                hidden += 1;
                continue;
            }
            let disk = disks.iter().find(|d| d.drive.name == drive.name);
            let (smart, hours) = smart_cells(disk);
            let kept = drive.serial.as_ref().is_some_and(|s| keep.contains(s));
            let refusal = kept.then(|| t().machine.kept_serial.to_owned());
            let mut row = DriveRow {
                drive,
                smart,
                hours,
                refusal,
                named,
                selected: false,
            };
            row.selected = row.preselected();
            rows.push(row);
        }
        // loop2 before loop10, as a person counts.
        rows.sort_by_cached_key(|r| natural_key(&r.drive.path.to_string_lossy()));
        Self {
            rows,
            cursor: 0,
            hidden,
            not_named,
            message: None,
        }
    }

    /// Keeps the selection of drives that are still there (after a rescan).
    pub fn keep_selection_from(&mut self, old: &DriveTable) {
        for row in &mut self.rows {
            if let Some(o) = old.rows.iter().find(|o| o.drive.path == row.drive.path) {
                row.selected = o.selected && row.selectable();
            }
        }
    }

    pub fn selected_paths(&self) -> Vec<PathBuf> {
        self.rows
            .iter()
            .filter(|r| r.selected)
            .map(|r| r.drive.path.clone())
            .collect()
    }

    pub fn key(&mut self, key: KeyEvent) -> Option<MachineAction> {
        self.message = None;
        match key.code {
            KeyCode::Up | KeyCode::Char('k') => self.cursor = self.cursor.saturating_sub(1),
            KeyCode::Down | KeyCode::Char('j') => {
                self.cursor = (self.cursor + 1).min(self.rows.len().saturating_sub(1));
            }
            KeyCode::Home => self.cursor = 0,
            KeyCode::End => self.cursor = self.rows.len().saturating_sub(1),
            KeyCode::Char(' ') | KeyCode::Char('x') => self.toggle(),
            KeyCode::Char('a') => {
                for r in &mut self.rows {
                    r.selected = r.preselected();
                }
            }
            KeyCode::Char('n') => self.rows.iter_mut().for_each(|r| r.selected = false),
            KeyCode::Char('r') => return Some(MachineAction::Rescan),
            KeyCode::Char('q') | KeyCode::Esc => return Some(MachineAction::Quit),
            KeyCode::Enter => {
                if self.rows.iter().any(|r| r.selected) {
                    return Some(MachineAction::Continue);
                }
                self.message = Some(t().machine.select_one.to_owned());
            }
            _ => {}
        }
        None
    }

    fn toggle(&mut self) {
        let Some(row) = self.rows.get_mut(self.cursor) else {
            return;
        };
        if row.selectable() {
            row.selected = !row.selected;
        } else {
            let (why, _) = row.verdict();
            self.message = Some((t().machine.cannot_select)(
                &row.drive.path.display().to_string(),
                &why,
            ));
        }
    }
}

impl DriveRow {
    pub fn selectable(&self) -> bool {
        self.refusal.is_none() && self.drive.verdict.allows_explicit()
    }

    /// What "all" selects: wipeable drives, and named ones that may be wiped when named.
    fn preselected(&self) -> bool {
        self.refusal.is_none()
            && (self.drive.verdict == Verdict::Wipeable
                || (self.named && self.drive.verdict.allows_explicit()))
    }
}

/// `name` in runs of digits (compared as numbers) and of other characters (compared as text).
fn natural_key(name: &str) -> Vec<(String, u64)> {
    let mut key = Vec::new();
    let mut rest = name;
    while !rest.is_empty() {
        let digits = rest.len() - rest.trim_start_matches(|c: char| c.is_ascii_digit()).len();
        if digits > 0 {
            let number = rest[..digits].parse().unwrap_or(u64::MAX);
            key.push((String::new(), number));
            rest = &rest[digits..];
        } else {
            let text = rest.len() - rest.trim_start_matches(|c: char| !c.is_ascii_digit()).len();
            key.push((rest[..text].to_owned(), 0));
            rest = &rest[text..];
        }
    }
    key
}

fn smart_cells(disk: Option<&Disk>) -> (String, String) {
    let Some(disk) = disk else {
        return ("-".to_owned(), String::new());
    };
    let s = &disk.smart;
    let tm = &t().machine;
    let [
        passed,
        failed,
        unknown,
        not_applicable,
        no_data,
        missing,
        error,
    ] = tm.smart;
    let health = match s.state {
        SmartState::Ok => match s.data.as_ref().and_then(|d| d.health) {
            Some(Health::Passed) => passed,
            Some(Health::Failed) => failed,
            _ => unknown,
        },
        SmartState::NotApplicable => not_applicable,
        SmartState::NoData => no_data,
        SmartState::SmartctlMissing => missing,
        SmartState::Skipped | SmartState::NotCaptured => "-",
        SmartState::Error => error,
    };
    let hours = s
        .data
        .as_ref()
        .and_then(|d| d.power_on_hours)
        .map_or_else(String::new, tm.power_on_hours);
    (health.to_owned(), hours)
}

/// Column widths for a table `width` columns wide: model and serial take what is left.
fn columns(width: usize) -> [usize; 6] {
    let rest = width.saturating_sub(3 + 12 + 9 + 10 + 5).max(20);
    [3, 12, rest - rest * 2 / 5, rest * 2 / 5, 9, 10]
}

impl Widget for &DriveTable {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let selected = self.rows.iter().filter(|r| r.selected).count();
        let tm = &t().machine;
        let mut title = (tm.drives_title)(selected);
        if self.hidden > 0 {
            title.push_str(&(tm.without_medium)(self.hidden));
        }
        if self.not_named > 0 {
            title.push_str(&(tm.not_named)(self.not_named));
        }
        // Two lines per drive under the column heads (and the message line, if any).
        let rows_height = area
            .height
            .saturating_sub(3 + u16::from(self.message.is_some()));
        let visible = usize::from(rows_height / 2).max(1);
        let first = (self.cursor + 1).saturating_sub(visible);
        let mut block = Block::bordered().title(title);
        if self.rows.len() > visible {
            let last = (first + visible).min(self.rows.len());
            block = block.title_bottom((t().machine.scroll)(
                first + 1,
                last,
                self.rows.len(),
                first > 0,
                last < self.rows.len(),
            ));
        }
        let inner = block.inner(area);
        block.render(area, buf);
        let [head, body, foot] = Layout::vertical([
            Constraint::Length(1),
            Constraint::Min(0),
            Constraint::Length(u16::from(self.message.is_some())),
        ])
        .areas(inner);
        let w = columns(usize::from(inner.width));
        let cells = |c: [&str; 6]| -> String {
            let mut s = String::new();
            for (i, (text, width)) in c.iter().zip(w).enumerate() {
                if i > 0 {
                    s.push(' ');
                }
                if i == 4 {
                    s.push_str(&fit_right(text, width));
                } else {
                    s.push_str(&fit(text, width));
                }
            }
            s
        };
        Paragraph::new(Line::styled(
            cells([
                "",
                tm.columns[0],
                tm.columns[1],
                tm.columns[2],
                tm.columns[3],
                tm.columns[4],
            ]),
            theme::heading(),
        ))
        .render(head, buf);
        if self.rows.is_empty() {
            Paragraph::new(tm.no_drives).render(body, buf);
        }
        let mut lines = Vec::new();
        for (i, row) in self.rows.iter().enumerate().skip(first).take(visible) {
            let mark = if row.selected {
                "[x]"
            } else if row.selectable() {
                "[ ]"
            } else {
                " - "
            };
            let d = &row.drive;
            let text = cells([
                mark,
                &d.path.display().to_string(),
                // a loop device's backing file, as `tabula devices` shows it
                &printable(&crate::cmd::devices::model_column(d)),
                &printable(d.serial.as_deref().unwrap_or("-")),
                &bytes(d.size_bytes),
                &row.kind(),
            ]);
            let style = if i == self.cursor {
                theme::cursor()
            } else {
                ratatui::style::Style::new()
            };
            lines.push(Line::styled(text, style));
            let (verdict, vstyle) = row.verdict();
            let width = usize::from(body.width).saturating_sub(4);
            let health = format!("SMART {}{}  ", row.smart, row.hours);
            let rest = width.saturating_sub(health.chars().count());
            lines.push(Line::from(vec![
                Span::raw("    "),
                Span::raw(health),
                Span::styled(fit(&verdict, rest).trim_end().to_owned(), vstyle),
            ]));
        }
        Paragraph::new(lines).render(body, buf);
        if let Some(m) = &self.message {
            Paragraph::new(Line::styled(m.clone(), theme::warn())).render(foot, buf);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::natural_key;

    #[test]
    fn drives_are_ordered_as_a_person_counts() {
        let mut names = [
            "/dev/loop10",
            "/dev/sdb",
            "/dev/loop2",
            "/dev/nvme0n1",
            "/dev/loop1",
        ];
        names.sort_by_cached_key(|n| natural_key(n));
        assert_eq!(
            names,
            [
                "/dev/loop1",
                "/dev/loop2",
                "/dev/loop10",
                "/dev/nvme0n1",
                "/dev/sdb"
            ]
        );
    }
}
