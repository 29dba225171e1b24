//! German / English wording of a certificate's values, as the PDF and the registry's pages show
//! them (`"gelöscht / erased"`).

use crate::erasure::Erasure;
use crate::schema::{HiddenAreaState, Status, VerificationMode, VerificationOutcome};

/// `"<de> / <en>"`.
pub fn both(de: &str, en: &str) -> String {
    if de == en {
        de.to_owned()
    } else {
        format!("{de} / {en}")
    }
}

/// The non-empty parts joined with ` · `: an unknown field leaves no stray separator.
pub(crate) fn joined<'a>(parts: impl IntoIterator<Item = &'a str>) -> String {
    parts
        .into_iter()
        .map(str::trim)
        .filter(|p| !p.is_empty() && *p != "-")
        .collect::<Vec<_>>()
        .join(" · ")
}

/// The result in large type: German line and English line.
pub(crate) fn status(status: Status) -> (&'static str, &'static str) {
    match status {
        Status::Erased => ("GELÖSCHT", "ERASED"),
        Status::ErasedWithErrors => ("GELÖSCHT MIT FEHLERN", "ERASED WITH ERRORS"),
        Status::Failed => ("FEHLGESCHLAGEN", "FAILED"),
        Status::Interrupted => ("ABGEBROCHEN", "INTERRUPTED"),
    }
}

/// RGB colour for a status.
pub(crate) fn status_rgb(status: Status) -> (f32, f32, f32) {
    match status {
        Status::Erased => (0.0, 0.45, 0.2),
        Status::ErasedWithErrors => (0.8, 0.42, 0.0),
        Status::Failed | Status::Interrupted => (0.75, 0.08, 0.08),
    }
}

/// RGB colour of the erasure verdict: green only when every drive was erased and verified.
pub(crate) fn erasure_rgb(erasure: &Erasure) -> (f32, f32, f32) {
    if erasure.is_complete() {
        status_rgb(Status::Erased)
    } else {
        status_rgb(Status::Failed)
    }
}

/// How a drive was read back: `"vollständig / full"`.
pub fn verification_mode(mode: VerificationMode) -> String {
    let (de, en) = mode_words(mode);
    both(de, en)
}

/// What the read-back found: `"bestanden / passed"`.
pub fn verification_outcome(outcome: VerificationOutcome) -> String {
    let (de, en) = outcome_words(outcome);
    both(de, en)
}

/// How a drive was read back and what that found: `"vollständig: bestanden / full: passed"`.
pub fn verification(mode: VerificationMode, outcome: VerificationOutcome) -> String {
    let ((mode_de, mode_en), (de, en)) = (mode_words(mode), outcome_words(outcome));
    both(&format!("{mode_de}: {de}"), &format!("{mode_en}: {en}"))
}

fn mode_words(mode: VerificationMode) -> (&'static str, &'static str) {
    match mode {
        VerificationMode::None => ("keine", "none"),
        VerificationMode::Sample => ("Stichprobe", "sample"),
        VerificationMode::Full => ("vollständig", "full"),
    }
}

fn outcome_words(outcome: VerificationOutcome) -> (&'static str, &'static str) {
    match outcome {
        VerificationOutcome::Passed => ("bestanden", "passed"),
        VerificationOutcome::Failed => ("fehlgeschlagen", "failed"),
        VerificationOutcome::NotRun => ("nicht durchgeführt", "not run"),
    }
}

pub(crate) fn hidden(state: HiddenAreaState) -> String {
    match state {
        HiddenAreaState::Unknown => both("unbekannt", "unknown"),
        HiddenAreaState::Absent => both("keiner", "none"),
        HiddenAreaState::Removed => both("entfernt und gelöscht", "removed and wiped"),
        HiddenAreaState::Present => both("vorhanden, nicht gelöscht", "present, not wiped"),
    }
}

/// A duration as `1 h 05 min` / `12 min 30 s` / `45 s`.
pub(crate) fn duration(seconds: i64) -> String {
    let s = seconds.max(0);
    if s >= 3600 {
        format!("{} h {:02} min", s / 3600, (s % 3600) / 60)
    } else if s >= 60 {
        format!("{} min {:02} s", s / 60, s % 60)
    } else {
        format!("{s} s")
    }
}
