//! Das Zertifikat als Text auf Deutsch (`tabula cert show`).

use tabula_certificate::text::{Words, human_bytes_de, share_percent};
use tabula_certificate::{HiddenAreaState, VerificationMode, VerificationOutcome};

use crate::i18n::plural;

fn verification(mode: VerificationMode, outcome: VerificationOutcome, checked: &str) -> String {
    let mode = match mode {
        VerificationMode::None => "keine",
        VerificationMode::Sample => "Stichprobe",
        VerificationMode::Full => "vollständig",
    };
    let outcome = match outcome {
        VerificationOutcome::Passed => "bestanden",
        VerificationOutcome::Failed => "NICHT BESTANDEN",
        VerificationOutcome::NotRun => "nicht durchgeführt",
    };
    format!("{mode}, {outcome}, {checked} geprüft")
}

fn sampling(s: &tabula_certificate::Sampling, share: &str, read: &str) -> String {
    let mut text = format!(
        "{share} % des Laufwerks, {} ({read}): liest sich als {}",
        plural(s.samples, "Stichprobe", "Stichproben"),
        s.reads_as
    );
    if s.other > 0 {
        text.push_str(&format!(
            ", {} mit Daten",
            plural(s.other, "Stichprobe", "Stichproben")
        ));
    }
    if s.unreadable > 0 {
        text.push_str(&format!(", {} unlesbar", s.unreadable));
    }
    text
}

pub const WORDS: Words = Words {
    // "Zertifikatsregister", the line `cert show` puts before the text.
    width: 19,
    labels: [
        "Zertifikat",
        "Ergebnis",
        "Schema",
        "Setzt fort",
        "Organisation",
        "Standort",
        "Bearbeiter",
        "Beginn",
        "Ende",
        "Station",
        "Stationsschlüssel",
        "Rechner",
        "Seriennummer",
        "System-UUID",
        "Audit-Prüfsumme",
        "Windows-Lizenz",
        "Bemerkung",
        "Laufwerke",
    ],
    drive_labels: [
        "Seriennummer",
        "Firmware",
        "Kapazität",
        "Art",
        "Verfahren",
        "NIST SP 800-88",
        "BSI-Verfahren",
        "Verifikation",
        "Versteckte Bereiche",
        "Firmware-Löschung",
        "Befehl",
        "Kanarienblöcke",
        "Stichprobe",
        "Fehlerbereich",
    ],
    status: |s| (crate::i18n::commands::de::COMMANDS.verify.result)(s).to_uppercase(),
    continues: |id| format!("{id} (abgebrochene Löschung)"),
    station: |id, version, image| format!("{id} (Tabula {version}, Abbild {image})"),
    windows_key: |digest| format!("Schlüssel vorhanden (nur Prüfsumme), {digest}"),
    media: |media, transport| format!("{media} über {transport}"),
    method: |name, passes| {
        format!(
            "{name}, {}",
            plural(u64::from(passes), "Durchgang", "Durchgänge")
        )
    },
    verification,
    hidden_state: |s| match s {
        HiddenAreaState::Unknown => "unbekannt",
        HiddenAreaState::Absent => "keiner",
        HiddenAreaState::Removed => "entfernt",
        HiddenAreaState::Present => "vorhanden",
    },
    hidden_sectors: |h| {
        let parts: Vec<String> = [("vorher", h.before), ("nachher", h.after)]
            .into_iter()
            .filter_map(|(when, s)| s.map(|s| format!("{when} {}", s.visible)))
            .collect();
        (!parts.is_empty()).then(|| format!("Sektoren {}", parts.join(", ")))
    },
    firmware_erase: |operation, confirmed, fell_back| {
        format!(
            "{operation}, {}{}",
            if confirmed {
                "vom Laufwerk bestätigt"
            } else {
                "nicht bestätigt"
            },
            if fell_back {
                ", stattdessen überschrieben"
            } else {
                ""
            }
        )
    },
    canaries: |c| {
        let mut text = format!(
            "{} geschrieben (je {} Bytes), {} überlebt",
            c.written, c.block_bytes, c.survived
        );
        if c.unreadable > 0 {
            text.push_str(&format!(", {} unlesbar", c.unreadable));
        }
        text
    },
    sampling,
    error_range: |offset, length, error| format!("ab Byte {offset}, Länge {length}: {error}"),
    pass: |number| format!("Durchgang {number}"),
    pass_line: |pattern, started, finished, secs, bytes| {
        format!("{pattern} {started} bis {finished} ({secs} s, {bytes})")
    },
    bytes: human_bytes_de,
    time: |t| crate::i18n::clock::timestamp(*t),
    percent: |ppm| share_percent(ppm).replace('.', ","),
};
