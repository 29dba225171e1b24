//! Der deutsche Katalog.

use tabula_wipe::plan::VerifyMode;
use tabula_wipe::report::{VerifyOutcome, WipeStatus};

use super::{
    App, Cli, Common, Confirm, Firmware, Machine, MethodScreen, Network, Progress, ResultScreen,
    Resume, Setup, Text, plural,
};
use tabula_wipe::auto::Why;

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
        "auto" => "Automatisch: das Löschen der Firmware, sonst Überschreiben",
        "nvme-format" => "NVMe Format NVM, Löschen der Nutzdaten (SES=1)",
        "nvme-format-crypto" => "NVMe Format NVM, kryptografisches Löschen (SES=2)",
        "nvme-sanitize-block" => "NVMe Sanitize, Block Erase",
        "nvme-sanitize-crypto" => "NVMe Sanitize, Crypto Erase",
        "nvme-sanitize-overwrite" => "NVMe Sanitize, Überschreiben",
        "ata-secure-erase" => "ATA SECURITY ERASE UNIT, normaler Modus",
        "ata-secure-erase-enhanced" => "ATA SECURITY ERASE UNIT, erweitert (enhanced)",
        "ata-sanitize-block" => "ATA SANITIZE, Block Erase",
        "ata-sanitize-crypto" => "ATA SANITIZE, Crypto Scramble",
        "ata-sanitize-overwrite" => "ATA SANITIZE, Überschreiben",
        "scsi-sanitize-block" => "SCSI SANITIZE, Block Erase",
        "scsi-sanitize-crypto" => "SCSI SANITIZE, kryptografisches Löschen",
        "scsi-sanitize-overwrite" => "SCSI SANITIZE, Überschreiben",
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
            // Short: the method list has 80 columns for name, label and this.
            VerifyMode::Last => "am Ende",
            VerifyMode::All => "alle",
        },
        method_label,
        status: |s| match s {
            WipeStatus::Completed => "gelöscht",
            WipeStatus::CompletedWithErrors => "gelöscht mit Fehlern",
            WipeStatus::Failed => "fehlgeschlagen",
            WipeStatus::Interrupted => "unterbrochen",
        },
        verification: |v| match v {
            VerifyOutcome::NotRequested => "nicht verlangt",
            VerifyOutcome::Passed => "bestanden",
            VerifyOutcome::Failed => "NICHT BESTANDEN",
            VerifyOutcome::Incomplete => "unvollständig",
        },
    },
    commands: super::commands::de::COMMANDS,
    reasons: super::reasons::de::REASONS,
    certificate: super::certificate::de::WORDS,
    faults: super::faults::de::FAULTS,
    app: App {
        auditing: "Dieser Rechner wird geprüft (SMART-Daten können eine Minute dauern) ...",
        too_small: |mw, mh, w, h| {
            format!(
                "Tabula braucht ein Terminal von mindestens {mw}x{mh}; dieses hat {w}x{h}. Bitte das Fenster vergrößern (oder die Konsole nutzen)."
            )
        },
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
    machine: Machine {
        title: " Rechner ",
        labels: [
            "Hersteller",
            "Modell",
            "Seriennr.",
            "Eignung",
            "CPU",
            "RAM",
            "Akku",
            "Lizenz",
        ],
        unknown_cpu: "CPU unbekannt",
        unfit: "ungeeignet",
        cpu: |model, cores, threads| match cores {
            Some(c) => format!("{model} ({c} Kerne / {threads} Threads)"),
            None => format!("{model} ({threads} Threads)"),
        },
        ram_unknown: "unbekannt",
        slots_used: |used, slots| format!(", {used} von {slots} Steckplätzen belegt"),
        battery_none: "keiner",
        battery_health: |h| format!("{h:.0} % der Nennkapazität"),
        battery_unknown: |name| format!("{name} (Zustand unbekannt)"),
        licence_key: |key| format!("Windows-Schlüssel in der Firmware ({key})"),
        licence_none: "kein Windows-Schlüssel in der Firmware",
        licence_malformed: "MSDM-Tabelle fehlerhaft (nicht vertrauenswürdig)",
        excluded: |why| format!("AUSGESCHLOSSEN: {why}"),
        wipeable: "löschbar",
        wipeable_named: "löschbar (auf der Befehlszeile genannt)",
        by_hand: |why| format!("zum Löschen von Hand wählen ({why})"),
        kept_serial: "Seriennummer steht unter [keep] serials",
        select_one: "mindestens ein Laufwerk wählen (Leertaste)",
        cannot_select: |path, why| format!("{path} kann nicht gewählt werden: {why}"),
        smart: [
            "OK",
            "DEFEKT",
            "?",
            "entfällt",
            "keine Daten",
            "smartctl ist nicht installiert",
            "Fehler",
        ],
        power_on_hours: |h| format!(", {h} Betriebsstunden"),
        drives_title: |n| format!(" Laufwerke: {n} gewählt "),
        without_medium: |n| format!("({n} ohne Medium nicht gezeigt) "),
        not_named: |n| format!("({n} nicht auf der Befehlszeile genannt) "),
        columns: ["GERÄT", "MODELL", "SERIENNUMMER", "GRÖSSE", "TYP"],
        no_drives: "Keine Laufwerke gefunden. Laufwerk anschließen und r drücken.",
        loop_kind: "Loop",
        network: "Netzwerk",
        scroll: |first, last, total, above, below| {
            let more = match (above, below) {
                (true, true) => "weitere oben und unten",
                (true, false) => "weitere oben",
                _ => "weitere unten",
            };
            format!(" Laufwerke {first}-{last} von {total}, {more}: Auf/Ab blättert ")
        },
    },
    method: MethodScreen {
        title: " Löschverfahren (Hoch/Runter) ",
        verify: "Prüfung:",
        // NIST's names of the categories stay (German texts use them), with a word on what they mean
        nist: |c| {
            let c = match c {
                "clear" => "Clear (Überschreiben)",
                "purge" => "Purge (Löschbefehl des Laufwerks)",
                "per-drive" => "je nach Laufwerk",
                other => other,
            };
            format!("NIST SP 800-88: {c}")
        },
        bsi: |b| format!("; BSI: {b}"),
        operator_title: " Bearbeiter (Namen eintippen) ",
        operator_missing: "Namen des Bearbeiters eintippen (er steht im Zertifikat)",
    },
    progress: Progress {
        method: "Verfahren: ",
        elapsed: |t| format!("   seit {t}"),
        title: |n| format!(" {} werden gelöscht ", (DE.common.drives)(n)),
        waiting: "wartet",
        write: "schreiben",
        verify: "prüfen",
        pass: |pass, passes, phase, pattern| format!("Durchgang {pass}/{passes} {phase} {pattern}"),
        pattern: |p| match p.strip_prefix("random") {
            Some(rest) => format!("Zufall{rest}"),
            None => p.to_owned(),
        },
        stalled: |s| format!(" HÄNGT SEIT {s} s"),
        bad_ranges: |n| {
            if n == 1 {
                " 1 defekter Bereich".to_owned()
            } else {
                format!(" {n} defekte Bereiche")
            }
        },
        more: |above, below| {
            let mut parts = Vec::new();
            if above > 0 {
                parts.push(format!("{above} weitere ↑"));
            }
            if below > 0 {
                parts.push(format!("{below} weitere ↓"));
            }
            format!("{}  (Auf/Ab blättert)", parts.join("  "))
        },
        stopping: "Alle Laufwerke werden angehalten ... das Zertifikat hält die Unterbrechung fest.",
        ask_stop: "Löschen abbrechen? Die Laufwerke bleiben teilweise gelöscht; später mit `tabula resume` fortsetzen. j = abbrechen, n = weiter",
        eta: "Rest",
        file: "Datei",
    },
    result: ResultScreen {
        uploading: "wird an das Zertifikatsregister übertragen ...",
        no_registry: "kein Zertifikatsregister eingerichtet: bleibt in outbox/ für `tabula upload`",
        uploaded: |s| format!("übertragen: {s}"),
        log_entry: |i| format!("Log-Eintrag #{i}, Quittung gespeichert"),
        kept: |why| format!("bleibt in outbox, neuer Versuch folgt: {why}"),
        rejected: |why| format!("NICHT ÜBERTRAGEN: {why}"),
        not_attempted: "nicht versucht",
        job_failed: |e| format!("Der Auftrag ist fehlgeschlagen: {e}"),
        all_verified: |n| {
            let all = if n == 1 {
                "Das Laufwerk wurde"
            } else {
                "Alle Laufwerke wurden"
            };
            format!(
                "{all} gelöscht und geprüft ({}). Zertifikat signiert und gespeichert.",
                (DE.common.drives)(n)
            )
        },
        all_unverified: |n| {
            let all = if n == 1 {
                "Das Laufwerk wurde"
            } else {
                "Alle Laufwerke wurden"
            };
            format!(
                "{all} gelöscht ({}; nicht geprüft: Prüfung war aus). Zertifikat signiert und gespeichert.",
                (DE.common.drives)(n)
            )
        },
        not_all: "NICHT jedes Laufwerk wurde gelöscht: siehe unten. Das Zertifikat sagt es auch.",
        title: " Ergebnis ",
        more_erased: |n| {
            if n == 1 {
                "... und 1 weiteres Laufwerk gelöscht (alle im Zertifikat)".to_owned()
            } else {
                format!("... und {n} weitere Laufwerke gelöscht (alle im Zertifikat)")
            }
        },
        drive_line: |status, verification| format!("{status} (Prüfung: {verification})"),
        labels: [
            "Zertifikat",
            "Gespeichert in",
            "PDF",
            "Bündel",
            "Registereintrag",
        ],
        interrupted_kept: |j| format!("Unterbrochen: Fortschritt gespeichert in {j};"),
        offer_resume: "  beim nächsten Start bietet tabula das Fortsetzen an (oder `tabula resume`).",
        settled: "Alles ist geschrieben. Enter: fertig (nächster Rechner)   P: ausschalten",
        unsettled: "Übertragung läuft ... bitte warten, bevor der Stick gezogen oder ausgeschaltet wird.",
        outbox_sent: |n| format!("Outbox früherer Läufe: {n} übertragen"),
        outbox_pending: |n| format!(", {n} bleiben in der Outbox"),
        outbox_rejected: |n| {
            format!(", {n} ABGELEHNT (verfälscht, nach outbox/rejected verschoben)")
        },
        warning: |w| format!(". WARNUNG: {w}"),
        outbox_failed: |e| format!("Outbox nicht übertragen: {e}"),
        journals_unreadable: |n, list| {
            let wipes = if n == 1 {
                "unterbrochene Löschung kann"
            } else {
                "unterbrochene Löschungen können"
            };
            format!("{n} {wipes} nicht fortgesetzt werden, Journal unlesbar (aufbewahrt): {list}")
        },
    },
    resume: Resume {
        title: " Unterbrochene Löschung gefunden ",
        intro: [
            "Eine Löschung auf dieser Station wurde nicht beendet (Stromausfall, Absturz, Abbruch).",
            "Ihre Laufwerke enthalten noch Daten. Jetzt fortsetzen oder überspringen und später fortsetzen.",
        ],
        wipe_line: |id, started, operator, method| {
            format!("Löschung {id}, begonnen {started} von {operator} ({method})")
        },
        not_started: "nicht begonnen",
        was_at: |pass, passes| format!("war bei Durchgang {pass}/{passes}"),
    },
    cli: Cli {
        plan_head: |name, label, passes, verify| {
            format!(
                "Verfahren: {name} ({label}), {}, Prüfung: {verify}\nFOLGENDES WIRD UNWIDERRUFLICH GELÖSCHT:\n",
                (DE.common.passes)(passes)
            )
        },
        plan_drive: |path, model, serial, size| {
            format!("  {path}  {model}  Seriennr. {serial}  {size}\n")
        },
        no_terminal: "ohne Bestätigung wird nicht gelöscht: kein Terminal für die Rückfrage (--yes bestätigt im Voraus)",
        type_to_destroy: |word, n| {
            let targets = if n == 1 { "Ziel" } else { "Zielen" };
            format!("{word} eintippen, um alle Daten auf {n} {targets} zu vernichten: ")
        },
        not_confirmed: "nicht bestätigt; nichts wurde geschrieben",
        errors: ["Schreibfehler", "Lesefehler", "Abweichung"],
        io_error: "E/A-Fehler",
        note: "Hinweis",
        finished_in: |d| format!("fertig nach {d}"),
        record: |json, text| {
            format!("Protokoll (unsigniert): {json}\n                        {text}")
        },
        record_title: "Tabula-Löschprotokoll (unsigniert)",
        record_times: ["Beginn", "Ende  "],
        certificate: |id, bundle, pdf| {
            format!("Zertifikat {id}\n  Bündel: {bundle}\n  PDF:    {pdf}")
        },
        queued: |p| format!("  zur Übertragung vorgemerkt: {p}"),
        interrupted: |data, journal| {
            format!(
                "unterbrochen: fortsetzen mit `tabula resume --data {data}` (Journal {journal})"
            )
        },
        nothing_to_wipe: "nichts zu löschen: kein Laufwerk ist unter dieser Konfiguration löschbar",
        machine: |name, serial, grade| match serial {
            Some(serial) => format!("Rechner: {name} (Seriennr. {serial}), Eignung {grade}"),
            None => format!("Rechner: {name}, Eignung {grade}"),
        },
        unknown_machine: "unbekannt (keine Herstellerangaben)",
        upload: |line| format!("Übertragung: {line}"),
        upload_failed: |e| format!("Übertragung: nicht versucht: {e}"),
        press_enter: "alle Ergebnisse sind geschrieben; Enter beendet",
        powering_off: "alle Ergebnisse sind geschrieben; der Rechner wird ausgeschaltet",
        journal_unreadable: |path, e| {
            format!(
                "Journal {path} ist unlesbar, nicht fortgesetzt (die Datei bleibt erhalten): {e}"
            )
        },
        nothing_to_resume: "nichts fortzusetzen",
        interrupted_wipe: |id, started| format!("unterbrochene Löschung {id}, begonnen {started}"),
        resume_no_terminal: "ohne Bestätigung wird nicht fortgesetzt: kein Terminal für die Rückfrage (--yes)",
        columns: ["GERÄT", "GRÖSSE", "BUS", "MODELL", "SERIENNUMMER", "URTEIL"],
        explicit_only: |why| format!("nur wenn ausdrücklich genannt: {why}"),
        hidden: |n| {
            format!(
                "({n} weitere nicht gezeigt: Loop-Geräte ohne Datei, zram, Laufwerke ohne Medium; --all zeigt sie)"
            )
        },
        stalled: |s| format!("HÄNGT ({s} s ohne Fortschritt)"),
        moving_again: "läuft wieder",
        flushing: "Laufwerkscache wird geleert",
        bad_range: |path, what, range| format!("{path}: {what} bei {range}"),
        ended: |status, average, took| format!("{status}, im Mittel {average}, {took}"),
        ended_early: |status, percent, pass, average, took| {
            format!(
                "{status} bei {} % ({pass}), im Mittel {average}, {took}",
                super::decimal(percent, 1)
            )
        },
    },
    network: Network {
        no_interface: "kein kabelgebundenes Netz",
        up: |name, addr| format!("{name} verbunden, {addr}"),
        up_no_address: |name| format!("{name} verbunden, noch keine Adresse"),
        down: |name| format!("{name} getrennt (Kabel?)"),
        no_registry: "kein Zertifikatsregister eingerichtet",
        checking: "Zertifikatsregister: wird geprüft",
        answers: "Zertifikatsregister antwortet",
        no_answer: |why| format!("Zertifikatsregister antwortet nicht ({why})"),
    },
    setup: Setup {
        offer_title: "Stick einrichten",
        form_title: "Station einrichten",
        enrolled_title: "Anmeldung",
        working_title: "Bitte warten",
        offer_keys: "Enter Datenpartition anlegen   s überspringen   Strg-C beenden",
        form_keys: "tippen  Auf/Ab/Tab Feld  Enter weiter / speichern  Strg-C beenden",
        done_keys: "Enter weiter",
        failed_keys: "r erneut versuchen   Enter ohne weiter   Strg-C beenden",
        no_partition: "Auf diesem Stick gibt es noch keine Datenpartition.",
        offer: |dev, free, n| {
            format!(
                "{dev} hat hinter dem Tabula-Abbild {free} frei. Tabula kann dort seine Datenpartition anlegen (ext4, Bezeichnung TABULA, Partition {n}): Stationsschlüssel, Zertifikate, Postausgang und Protokolle bleiben dann auf dem Stick."
            )
        },
        offer_safe: "Die Partitionen des Abbilds bleiben unberührt. Ohne Datenpartition bleibt alles im Arbeitsspeicher und ist beim Ausschalten verloren.",
        creating: |dev| format!("Datenpartition auf {dev} wird angelegt ..."),
        enrolling: "Anmeldung beim Zertifikatsregister ...",
        form_box: " Diese Station braucht noch ",
        form_intro: |path| {
            format!("Jedes Zertifikat nennt diese Angaben. Sie werden in {path} gespeichert.")
        },
        optional: "(freiwillig: leer = kein Zertifikatsregister, Zertifikate bleiben auf dem Stick)",
        keymap_hint: "(Links/Rechts: Belegung wählen; sie gilt ab dem nächsten Feld)",
        keymap_loading: |layout| format!("Tastaturbelegung {layout} wird geladen ..."),
        keymap_loaded: |layout| format!("Tastaturbelegung {layout} ist aktiv."),
        labels: [
            "Tastatur",
            "Organisation",
            "Standort",
            "Bearbeiter",
            "Zertifikatsregister-URL",
            "Anmelde-Token",
        ],
        must_not_be_empty: "darf nicht leer sein",
        one_line: "muss eine Zeile Text sein",
        not_a_url: "muss mit https:// (oder http://) beginnen",
        not_a_keymap: "keine Belegung, die dieser Stick anbietet",
        enrolled: "Diese Station ist beim Zertifikatsregister angemeldet.",
        enrolled_labels: ["Stationsname", "Schlüssel-Fingerabdruck", "Protokoll"],
        compare: "Vor der ersten Löschung den Fingerabdruck mit der Stationsliste des Zertifikatsregisters vergleichen (tabula-registry station list).",
        enrol_failed: "Anmeldung fehlgeschlagen:",
        enrol_later: "Ohne Anmeldung warten Zertifikate im Postausgang; später mit `tabula enroll` anmelden.",
    },
    firmware: Firmware {
        auto_title: "auto, je Laufwerk",
        auto_none: "auto: kein Laufwerk gewählt",
        auto_line: |path, method, estimate| match estimate {
            Some(e) => format!("{path}: {method}, Schätzung des Laufwerks {e}"),
            None => format!("{path}: {method}"),
        },
        why: |why| {
            match why {
            Why::File => "eine Datei: überschreiben, nur Clear".to_owned(),
            Why::Unknown => "Fähigkeiten unbekannt: überschreiben, nur Clear".to_owned(),
            Why::Unreachable { detail } => {
                format!("kein Firmware-Befehl erreicht es ({detail}): überschreiben, nur Clear")
            }
            Why::Rotating => "Festplatte: versteckte Bereiche entfernt, ein Zufallsdurchgang, alles geprüft".to_owned(),
            Why::Locked => "mit ATA-Passwort gesperrt: überschreiben, nur Clear".to_owned(),
            Why::NoCommand { frozen: false } => {
                "kein Sanitize und kein Secure Erase: überschreiben, nur Clear".to_owned()
            }
            Why::NoCommand { frozen: true } => {
                "Secure Erase gesperrt, das Laufwerk ist eingefroren (Standby in den RAM kann es lösen): überschreiben, nur Clear".to_owned()
            }
            Why::Supported {
                all_namespaces: false,
            } => "Löschbefehl des Laufwerks, dann Kanarienblöcke und Stichproben: Purge".to_owned(),
            Why::Supported {
                all_namespaces: true,
            } => "Löschbefehl des Laufwerks (alle Namespaces des Controllers), dann Kanarienblöcke und Stichproben: Purge".to_owned(),
        }
        },
        canaries: "Kanarienblöcke schreiben",
        erasing: |percent| format!("löscht, {percent} % laut Laufwerk"),
        waiting: |elapsed, estimate| match estimate {
            Some(e) => format!("warte auf das Laufwerk, {elapsed} von etwa {e}"),
            None => format!("warte auf das Laufwerk, {elapsed}"),
        },
        checking: "Prüfung: Kanarienblöcke und Stichproben",
        checked: |survived, canaries, reads_as| {
            format!(
                "geprüft: {survived} von {canaries} Kanarienblöcken übrig, Stichproben lesen sich als {reads_as}"
            )
        },
    },
    engine: super::engine::de::ENGINE,
    client: super::client::de::CLIENT,
};
