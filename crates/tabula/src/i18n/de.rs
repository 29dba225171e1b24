//! Der deutsche Katalog.

use tabula_wipe::plan::VerifyMode;

use super::{App, Common, Confirm, Text};

fn plural(n: u64, one: &str, many: &str) -> String {
    if n == 1 {
        format!("{n} {one}")
    } else {
        format!("{n} {many}")
    }
}

/// The German label of a built-in method; a method the catalogue does not know keeps its own.
fn method_label(name: &str, label: &str) -> String {
    let german = match name {
        "zero" => "Mit Nullen füllen (1 Durchgang)",
        "one" => "Mit Einsen füllen, 0xFF (1 Durchgang)",
        "random" => "Zufallsdaten (1 Durchgang)",
        "bsi-vsitr" => "BSI VSITR (7 Durchgänge)",
        "dod-3pass" => "DoD 5220.22-M (E), 3 Durchgänge",
        "dod-ece-7pass" => "DoD 5220.22-M (ECE), 7 Durchgänge",
        "gutmann" => "Gutmann (35 Durchgänge)",
        "hmg-is5-baseline" => "HMG IS5 Baseline (1 Durchgang, geprüft)",
        "hmg-is5-enhanced" => "HMG IS5 Enhanced (3 Durchgänge, geprüft)",
        "schneier" => "Bruce Schneier (7 Durchgänge)",
        "rcmp-tssit-ops-ii" => "RCMP TSSIT OPS-II (7 Durchgänge, geprüft)",
        "nist-800-88-clear" => "NIST SP 800-88 Clear (1 Zufallsdurchgang, ganz geprüft)",
        _ => label,
    };
    german.to_owned()
}

pub static DE: Text = Text {
    common: Common {
        passes: |n| plural(n, "Durchgang", "Durchgänge"),
        drives: |n| plural(n as u64, "Laufwerk", "Laufwerke"),
        verify_mode: |v| match v {
            VerifyMode::None => "keine",
            VerifyMode::Last => "letzter Durchgang",
            VerifyMode::All => "jeder Durchgang",
        },
        method_label,
    },
    app: App {
        auditing: "Dieser Rechner wird geprüft (SMART-Daten können eine Minute dauern) ...",
        too_small: "Tabula: Das Terminal ist zu klein (nötig sind 80x25).",
        cannot_continue: "Tabula kann nicht weitermachen:",
        step_loading: "Start",
        step_resume: "Unterbrochene Löschung",
        step_machine: "Rechner und Laufwerke",
        step_method: "Verfahren und Bearbeiter",
        step_confirm: "Bestätigen",
        step_progress: "Löschen",
        step_result: "Ergebnis",
        keys_fatal: "q beenden",
        keys_loading: "Strg-C beenden",
        keys_resume: "r fortsetzen   s überspringen (später fortsetzen)   Strg-C beenden",
        keys_machine: "Pfeile  Leertaste wählen  a alle  n keine  r neu suchen  Enter weiter  q Ende",
        keys_method: "Hoch/Runter Verfahren  Name eintippen  Enter weiter  Esc zurück",
        keys_confirm: "Wort eintippen, Enter  Esc zurück",
        keys_progress: "q Löschen abbrechen (mit Rückfrage)",
        keys_result: "Enter fertig (nächster Rechner)  p ausschalten",
        keys_wait: "bitte warten",
        not_a_drive: |list| {
            format!(
                "kein Laufwerk dieses Rechners, nicht aufgeführt: {list} (Partitionen und Dateien: `tabula run`)"
            )
        },
        rescan_failed: |e| format!("Neue Suche fehlgeschlagen: {e}"),
        wipe_thread_died: "Das Löschen wurde unerwartet beendet; siehe das Protokoll in DATA/logs, fortsetzen mit `tabula resume`",
        no_plan: "interner Fehler: kein Plan oder keine Prüfung zum Löschen",
    },
    confirm: Confirm {
        title: " DIESE LAUFWERKE WERDEN UNWIDERRUFLICH GELÖSCHT ",
        title_resume: " FORTSETZEN: DIESE LAUFWERKE WERDEN UNWIDERRUFLICH GELÖSCHT ",
        columns: ["GERÄT", "MODELL", "SERIENNUMMER", "GRÖSSE"],
        will_fail: |why| format!("  wird scheitern, nichts geschrieben: {why}"),
        method: "Verfahren:  ",
        operator: "Bearbeiter: ",
        method_line: |name, label, passes, verify| {
            format!(
                "{name} ({label}), {}, Prüfung: {verify}",
                (DE.common.passes)(passes)
            )
        },
        all_data_lost: |n| {
            let these = if n == 1 {
                "diesem Laufwerk"
            } else {
                "diesen Laufwerken"
            };
            format!(
                "Alle Daten auf {these} ({}) werden überschrieben und sind nicht wiederherstellbar.",
                (DE.common.drives)(n)
            )
        },
        type_word: |w| format!(" {w} eintippen und Enter drücken "),
        not_confirmed: |w| {
            format!("nicht bestätigt: genau {w} eintippen (Großbuchstaben) oder Esc für zurück")
        },
    },
};
