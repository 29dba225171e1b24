//! A firmware erase's progress, from the engine's events, in words and as a fraction of the
//! bar: shared by the TUI's bars and the CLI's, so that neither looks frozen while the drive
//! works (canaries written, the drive's percent or "waiting for the drive" with the time so far
//! against its own estimate, then the check).

use std::time::Instant;

use tabula_wipe::progress::{Event, FirmwarePhase};

use crate::i18n::t;
use crate::tui::theme::duration;

/// Where one drive's firmware erase stands.
#[derive(Debug, Clone)]
pub struct FirmwareProgress {
    /// The operation in the specification's words.
    pub operation: String,
    pub estimate_secs: Option<u64>,
    pub phase: FirmwarePhase,
    /// The drive's own percent, once it reported one.
    pub percent: Option<u8>,
    /// When the erase itself began.
    erase_started: Option<Instant>,
    /// After the check: (canaries left, canaries written, what the samples read as).
    checked: Option<(usize, usize, String)>,
}

impl FirmwareProgress {
    /// Applies a firmware event to `state` (started by `FirmwareStarted`); false for any other
    /// event.
    pub fn apply(state: &mut Option<Self>, event: &Event) -> bool {
        match event {
            Event::FirmwareStarted {
                operation,
                op,
                estimate_secs,
                ..
            } => {
                *state = Some(Self {
                    operation: op.map_or_else(
                        || operation.clone(),
                        |op| (crate::i18n::t().engine.operation)(op),
                    ),
                    estimate_secs: *estimate_secs,
                    phase: FirmwarePhase::Canaries,
                    percent: None,
                    erase_started: None,
                    checked: None,
                });
            }
            Event::FirmwarePhase { phase, .. } => {
                if let Some(s) = state {
                    s.phase = *phase;
                    if *phase == FirmwarePhase::Erase {
                        s.erase_started = Some(Instant::now());
                    }
                }
            }
            Event::FirmwareProgress { percent, .. } => {
                if let Some(s) = state {
                    s.percent = Some(*percent);
                }
            }
            Event::FirmwareChecked {
                canaries,
                survived,
                reads_as,
                ..
            } => {
                if let Some(s) = state {
                    s.checked = Some((*survived, *canaries, reads_as.clone()));
                }
            }
            _ => return false,
        }
        true
    }

    /// How far along the bar is: canaries 0, the erase by the drive's percent, the check all.
    pub fn fraction(&self) -> f64 {
        match self.phase {
            FirmwarePhase::Canaries => 0.0,
            FirmwarePhase::Erase => f64::from(self.percent.unwrap_or(0).min(100)) / 100.0,
            FirmwarePhase::Check => 1.0,
        }
    }

    /// What the drive is doing, in the station's language (without the operation's name).
    pub fn status(&self) -> String {
        let tf = &t().firmware;
        if let Some((survived, canaries, reads_as)) = &self.checked {
            return (tf.checked)(*survived, *canaries, reads_as);
        }
        match self.phase {
            FirmwarePhase::Canaries => tf.canaries.to_owned(),
            // A drive that reports 0 % and nothing more works without reporting.
            FirmwarePhase::Erase => match self.percent.filter(|p| *p > 0) {
                Some(p) => (tf.erasing)(p),
                None => {
                    let elapsed = self.erase_started.map_or(0, |s| s.elapsed().as_secs());
                    let estimate = self.estimate_secs.map(duration);
                    (tf.waiting)(&duration(elapsed), estimate.as_deref())
                }
            },
            FirmwarePhase::Check => tf.checking.to_owned(),
        }
    }

    /// The operation and what the drive is doing: one line for the CLI.
    pub fn text(&self) -> String {
        format!("{}: {}", self.operation, self.status())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::{Language, set_thread_language};

    fn events() -> Vec<Event> {
        vec![
            Event::FirmwareStarted {
                drive: 0,
                operation: "Sanitize crypto erase".into(),
                op: Some(tabula_device::capabilities::FirmwareOp::NvmeSanitizeCrypto),
                estimate_secs: Some(120),
            },
            Event::FirmwarePhase {
                drive: 0,
                phase: FirmwarePhase::Canaries,
            },
            Event::FirmwarePhase {
                drive: 0,
                phase: FirmwarePhase::Erase,
            },
        ]
    }

    #[test]
    fn every_stage_says_what_the_drive_does() {
        set_thread_language(Language::En);
        let mut state = None;
        let mut texts = Vec::new();
        for e in events() {
            assert!(FirmwareProgress::apply(&mut state, &e));
            texts.push(state.as_ref().unwrap().text());
        }
        assert_eq!(texts[0], "Sanitize crypto erase: writing canaries");
        assert_eq!(
            texts[2],
            "Sanitize crypto erase: waiting for the drive, 0:00:00 of about 0:02:00"
        );
        let s = state.as_mut().unwrap();
        assert_eq!(s.fraction(), 0.0);
        let progress = Event::FirmwareProgress {
            drive: 0,
            percent: 40,
        };
        assert!(FirmwareProgress::apply(&mut state, &progress));
        let s = state.as_ref().unwrap();
        assert_eq!(s.status(), "erasing, 40 % by the drive");
        assert!((s.fraction() - 0.4).abs() < 1e-9);
        for e in [
            Event::FirmwarePhase {
                drive: 0,
                phase: FirmwarePhase::Check,
            },
            Event::FirmwareChecked {
                drive: 0,
                confirmed: true,
                canaries: 64,
                survived: 0,
                reads_as: "random".into(),
            },
        ] {
            FirmwareProgress::apply(&mut state, &e);
        }
        let s = state.as_ref().unwrap();
        assert_eq!(
            s.status(),
            "checked: 0 of 64 canaries left, samples read as random"
        );
        assert_eq!(s.fraction(), 1.0);
        assert!(!FirmwareProgress::apply(
            &mut state,
            &Event::Recovered { drive: 0 }
        ));
    }

    #[test]
    fn in_german_too() {
        set_thread_language(Language::De);
        let mut state = None;
        for e in events() {
            FirmwareProgress::apply(&mut state, &e);
        }
        assert_eq!(
            state.unwrap().text(),
            "Sanitize mit kryptografischem Löschen: warte auf das Laufwerk, 0:00:00 von etwa \
             0:02:00"
        );
        // An event stream from before the operation was typed keeps its English words.
        let mut state = None;
        let old: Event = serde_json::from_value(serde_json::json!({"event": "firmware-started",
            "drive": 0, "operation": "Sanitize crypto erase", "estimate_secs": null}))
        .unwrap();
        FirmwareProgress::apply(&mut state, &old);
        assert!(state.unwrap().text().starts_with("Sanitize crypto erase: "));
    }
}
