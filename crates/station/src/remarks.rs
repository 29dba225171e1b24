//! The engine's notes in the certificate's languages: German, then English, with times in the
//! station's zone (`17:05:09`, no fractions). The certificate's remark carries both; a front end
//! that speaks one language takes [`note_de`] or [`note_en`].

use tabula_certificate::LocalZone;
use tabula_wipe::note::Note;
use tabula_wipe::progress::Phase;

/// A note in German.
pub fn note_de(note: &Note, zone: &LocalZone) -> String {
    match note {
        Note::Resumed { pass, offset } => {
            format!("fortgesetzt bei Durchgang {pass} ab Byte {offset}")
        }
        Note::Stalled { seconds, at } => format!(
            "hing: {seconds} s ohne Fortschritt, {} {}",
            zone.date(at),
            zone.time(at)
        ),
        Note::Abandoned => {
            "hielt nach dem Abbruch nicht an (in der Ein-/Ausgabe hängen geblieben); aufgegeben"
                .to_owned()
        }
        Note::CacheNotDropped { error } => {
            format!("der Puffer-Cache des Geräts ließ sich nicht leeren: {error}")
        }
        Note::RetryBudgetSpent {
            pass,
            commands,
            seconds,
            phase,
            left,
        } => format!(
            "Durchgang {pass}: Wiederholungsbudget ({commands} Befehle, {seconds} s) aufgebraucht; {}: {}",
            match phase {
                Phase::Write => "nicht geschrieben",
                Phase::Verify => "nicht geprüft",
            },
            left.join(", ")
        ),
        Note::HiddenAreaKept { error } => format!(
            "ein verborgener Bereich (HPA/DCO) ließ sich nicht entfernen: {error}; er ist nicht \
             überschrieben, das Laufwerk ist also nicht vollständig gelöscht"
        ),
        Note::Other { text } => text.clone(),
    }
}

/// A note in English, with local times.
pub fn note_en(note: &Note, zone: &LocalZone) -> String {
    match note {
        Note::Stalled { seconds, at } => format!(
            "stalled: no progress for {seconds} s, {} {}",
            zone.date(at),
            zone.time(at)
        ),
        other => other.to_string(),
    }
}

/// A note in both languages, "German / English" (once when they read the same).
pub fn note_both(note: &Note, zone: &LocalZone) -> String {
    let (de, en) = (note_de(note, zone), note_en(note, zone));
    if de == en { de } else { format!("{de} / {en}") }
}

/// Why a drive failed, in both languages.
pub fn failed_both(error: &str) -> String {
    format!("fehlgeschlagen / failed: {error}")
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn notes_read_in_both_languages_with_local_times() {
        let zone = LocalZone::default();
        let at = chrono::DateTime::parse_from_rfc3339("2026-12-06T16:05:09.123456789Z")
            .unwrap()
            .with_timezone(&chrono::Utc);
        let stalled = Note::Stalled { seconds: 65, at };
        assert_eq!(
            note_both(&stalled, &zone),
            "hing: 65 s ohne Fortschritt, 06.12.2026 17:05:09 / stalled: no progress for 65 s, 06.12.2026 17:05:09"
        );
        let spent = Note::RetryBudgetSpent {
            pass: 2,
            commands: 16,
            seconds: 30,
            phase: Phase::Write,
            left: vec!["2048+2048".into()],
        };
        assert!(note_both(&spent, &zone).starts_with(
            "Durchgang 2: Wiederholungsbudget (16 Befehle, 30 s) aufgebraucht; nicht geschrieben: 2048+2048 / pass 2: retry budget"
        ));
        let other = Note::Other {
            text: "firmware words".into(),
        };
        assert_eq!(note_both(&other, &zone), "firmware words");
    }
}
