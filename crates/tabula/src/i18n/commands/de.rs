//! Die deutschen Wörter der Befehle rund um das Löschen.

use tabula_certificate::Status;

use super::{Audit, Cert, Commands, Enroll, Errors, Keygen, Upload, Verify};
use crate::i18n::plural;

/// " (meinten Sie X?)" nach einem vertippten Namen.
fn hint(suggestion: Option<&str>) -> String {
    suggestion
        .map(|s| format!(" (meinten Sie {s}?)"))
        .unwrap_or_default()
}

fn head(origin: &str, size: u64, previous: Option<u64>, witnesses: &[String]) -> String {
    let seen = match previous {
        Some(p) => format!("passt zu den {p} Einträgen, die zuvor gesehen wurden"),
        None => "zum ersten Mal gesehen, gespeichert".to_owned(),
    };
    let cosigned = if witnesses.is_empty() {
        String::new()
    } else {
        format!(", gegengezeichnet von {}", witnesses.join(", "))
    };
    let entries = plural(size, "Eintrag", "Einträge");
    format!("Log {origin}: {entries}, {seen}{cosigned}")
}

/// The audit report's words.
const REPORT: tabula_audit::Words = tabula_audit::Words {
    sections: [
        "Rechner",
        "CPU",
        "Speicher",
        "Laufwerke",
        "Akku",
        "Lizenz",
        "Plattform",
        "Eignung",
        "Windows 11",
        "Problem",
    ],
    machine: ["Seriennr.", "UUID", "Bauform", "Herkunft:", "BIOS"],
    source: [
        "SMBIOS-Tabellen",
        "die DMI-Sicht des Kernels (keine SMBIOS-Rohdaten)",
        "unbekannt, dieser Rechner hat keine SMBIOS-Tabellen",
    ],
    smart: [
        "gelesen",
        "keine Daten",
        "nicht erhoben (abgeschaltet)",
        "keine bei dieser Art Laufwerk",
        "smartctl ist nicht installiert",
        "nicht in der Aufzeichnung",
        "ließ sich nicht lesen",
    ],
    health: ["bestanden", "NICHT BESTANDEN", "unbekannt"],
    smart_line: |health, hours, realloc, wear| {
        format!("SMART {health}, {hours} Betriebsstunden, umgelagert {realloc}, Verschleiß {wear}")
    },
    worn: [
        "schwebend",
        "offline nicht korrigierbar",
        "gemeldet nicht korrigierbar",
        "nicht korrigiert",
        "Medienfehler",
    ],
    cores_threads: |cores, threads| format!("{cores} Kerne / {threads} Threads"),
    max_mhz: |m| format!(", höchstens {m} MHz"),
    bits64: ", 64 Bit",
    memory: |installed, usable, empty, slots| {
        format!("{installed} eingebaut, {usable} nutzbar, {empty} von {slots} Steckplätzen frei")
    },
    battery: |name, health, cycles| {
        format!("{name} {health} der Nennkapazität, {cycles} Ladezyklen")
    },
    no_msdm: "keine MSDM-Tabelle",
    windows_key: |key, oem| format!("Windows-Schlüssel {key} ({oem})"),
    malformed: "FEHLERHAFT",
    no_slic: "kein SLIC",
    unusable: "UNBRAUCHBAR",
    unknown: "unbekannt",
    boot: ["UEFI", "Legacy-BIOS"],
    secure_boot: ["an", "aus", "unbekannt", "nicht verfügbar (Legacy-Start)"],
    platform: |boot, sb, tpm, gpus, nics| {
        format!(
            "Start {boot}, Secure Boot {sb}, TPM {tpm}, {}, {}",
            crate::i18n::plural(gpus as u64, "GPU", "GPUs"),
            crate::i18n::plural(nics as u64, "Netzwerkkarte", "Netzwerkkarten")
        )
    },
    tpm_none: "keins",
    wireless: "Funk",
    grades: ["A", "B", "C", "ungeeignet"],
    marks: ["ok  ", "NEIN", "??  ", "n/a "],
    windows11_meets: "erfüllt die Hardware-Mindestanforderungen",
    windows11_not: "nein: Linux installieren",
    missing: "fehlt",
    decimal_comma: true,
    rule_reason: crate::i18n::audit::de::rule_reason,
    check_reason: crate::i18n::audit::de::check_reason,
    check_name: crate::i18n::audit::de::check_name,
    problem: crate::i18n::audit::de::problem,
    acpi_error: crate::i18n::audit::de::acpi_error,
    slic_defect: crate::i18n::audit::de::slic_defect,
};

pub const COMMANDS: Commands = Commands {
    verify: Verify {
        ok: "OK      ",
        failed: "FEHLER  ",
        not_fully_erased: "NICHT VOLLSTÄNDIG GELÖSCHT  ",
        registry_log: "Log des Zertifikatsregisters",
        head,
        receipt: |origin, entry, receipt_size, current_size| {
            format!(
                "im Log {origin} als Eintrag #{entry} (Baumgröße der Quittung {receipt_size}), die heutige Baumgröße {current_size} passt dazu"
            )
        },
        origin: "Herkunft: das Zertifikatsregister nimmt nur Zertifikate auf, die eine bei ihm angemeldete Station signiert hat",
        unpinned_key: |u| {
            let (vkey, registry) = (&u.vkey, &u.registry);
            format!(
                "der Log-Schlüssel {vkey} stammt von {registry} selbst (Vertrauen beim ersten Kontakt): seine Quittungen beweisen nicht die Aufnahme in das Log, bei dem diese Station angemeldet ist; den Schlüssel mit `tabula enroll` oder --log-key festhalten"
            )
        },
        erased: |path, id| format!("{path}: Zertifikat {id}: gelöscht und geprüft"),
        not_erased: |path, id, result, reasons| {
            format!("{path}: Zertifikat {id} ({result}): {reasons}")
        },
        signature_only: |path, id, result, key| {
            format!("{path}: Zertifikat {id} ({result}), {key}")
        },
        signature_valid: |key| format!("Signatur gültig: {key}"),
        signed_given: |fp| format!("signiert mit dem angegebenen Schlüssel {fp}"),
        signed_embedded: |fp| {
            format!(
                "signiert mit dem mitgelieferten Schlüssel {fp} (beweist die Unversehrtheit, nicht die Herkunft, bis das Zertifikatsregister für die Station bürgt)"
            )
        },
        result: |s| match s {
            Status::Erased => "gelöscht",
            Status::ErasedWithErrors => "gelöscht mit Fehlern",
            Status::Failed => "fehlgeschlagen",
            Status::Interrupted => "abgebrochen",
        },
        drive_shortfall: |serial, why| match serial {
            "" => format!("Laufwerk ohne Seriennummer: {why}"),
            serial => format!("Laufwerk {serial}: {why}"),
        },
        verification_failed: "Prüfung nicht bestanden",
        not_verified: "nicht geprüft",
        no_drives: "keine Laufwerke",
        overall: |result| format!("Gesamtergebnis {result}"),
        summary: |ok, not_erased, failed| {
            format!(
                "{ok} gelöscht und geprüft, {not_erased} nicht vollständig gelöscht, {failed} fehlerhaft"
            )
        },
        summary_signature: |ok, failed| format!("{ok} gültig, {failed} fehlerhaft"),
        reading_key: |path| format!("--key {path} lässt sich nicht lesen"),
        reading_policy: |path| format!("--witness-policy {path} lässt sich nicht lesen"),
        no_state_dir: "kein Zustandsverzeichnis: HOME oder XDG_STATE_HOME setzen oder --state VERZ angeben",
    },
    cert: Cert {
        labels: ["Löschung", "Signatur", "Zertifikatsregister"],
        valid: |key| format!("gültig, {key}"),
        not_valid: |e| format!("UNGÜLTIG: {e}"),
        receipt_attached: "Quittung liegt bei",
        not_registered: "noch nicht eingetragen",
        decoding: "das Zertifikat lässt sich nicht lesen",
        refuse_pdf: |path| {
            format!(
                "{path}: ein Zertifikat, dessen Signatur nicht stimmt, wird nicht als PDF ausgegeben"
            )
        },
        wrote: |path| format!("geschrieben: {path}"),
        writing: |path| format!("{path} lässt sich nicht schreiben"),
        check_with: "prüfen mit: openssl pkeyutl -verify -pubin -inkey station.pem -rawin -in pae.bin -sigfile sig.bin",
    },
    upload: Upload {
        flags_for_files: "--ca-file und --insecure-http gelten für genannte DATEIen; der Postausgang nimmt ca_file und insecure_http unter [registry] in tabula.toml",
        registry_needed: "zum Hochladen genannter Dateien ist --registry URL nötig",
        left_unchanged: "Bündel unverändert",
        writing_receipt: |path| format!("die Quittung lässt sich nicht in {path} schreiben"),
        registered: |entry, size, replay| {
            if replay {
                format!(
                    "schon eingetragen, Log-Eintrag #{entry} (Baumgröße {size}), Quittung erneuert"
                )
            } else {
                format!("eingetragen, Log-Eintrag #{entry} (Baumgröße {size})")
            }
        },
        cosigned: |size, path| {
            format!("gegengezeichneter Prüfpunkt (Baumgröße {size}) gespeichert in {path}")
        },
        no_cosigned: |e| format!("kein gegengezeichneter Prüfpunkt gespeichert: {e}"),
        summary: |ok, failed| format!("{ok} hochgeladen, {failed} fehlgeschlagen"),
        outbox_empty: "der Postausgang ist leer",
        warning: |w| format!("WARNUNG: {w}"),
        delivered: |name, entry, replay| {
            let what = if replay {
                "schon eingetragen"
            } else {
                "hochgeladen"
            };
            format!("{name}: {what} (Log-Eintrag #{entry}), Quittung gespeichert")
        },
        pending: |name, why| format!("{name}: bleibt im Postausgang, neuer Versuch folgt: {why}"),
        rejected: |name, why| {
            format!("{name}: NICHT HOCHGELADEN, verschoben nach outbox/rejected: {why}")
        },
    },
    enroll: Enroll {
        reading_key: |path| format!("Stationsschlüssel {path} lässt sich nicht lesen"),
        not_ed25519: |path| format!("{path} ist kein Ed25519-Schlüssel"),
        enrolled: |name, fp| format!("angemeldet als Station {name:?} (Schlüssel {fp})"),
        pinned: |origin, path| format!("Schlüssel des Logs {origin} festgehalten in {path}"),
    },
    keygen: Keygen {
        generating: "der Stationsschlüssel lässt sich nicht erzeugen",
        private: |path| format!("privater Schlüssel     {path} (geheim halten, Modus 0600)"),
        public: |path| format!("öffentlicher Schlüssel {path}"),
        fingerprint: |fp| format!("Fingerabdruck          {fp}"),
    },
    audit: Audit {
        report: REPORT,
        loading_rules: |path| format!("Regeln {path} lassen sich nicht laden"),
        capturing: "Aufzeichnen fehlgeschlagen",
        auditing: "Prüfen des Rechners fehlgeschlagen",
        captured: |files, smartctl, skipped, dir| {
            format!(
                "{files} Dateien aufgezeichnet ({smartctl} smartctl-Ausgaben, {skipped} übersprungen) in {dir}"
            )
        },
        key_redacted: "der Windows-Produktschlüssel in MSDM wurde geschwärzt (bis auf die letzten fünf Zeichen)",
        replay: |dir| format!("erneut auswerten mit: tabula audit --root {dir}"),
    },
    errors: Errors {
        error: "Fehler",
        unknown_method: |name, suggestion, known| {
            format!(
                "unbekanntes Löschverfahren '{name}'{}; bekannte Verfahren: {known}",
                hint(suggestion)
            )
        },
        unknown_value: |what, value, suggestion, known| {
            format!(
                "{what}: unbekannter Wert '{value}'{}; möglich: {known}",
                hint(suggestion)
            )
        },
        no_targets: "keine Ziele angegeben: die zu löschenden Laufwerke nennen (siehe `tabula devices`)",
        no_targets_named: "keine Ziele genannt (Laufwerke nennen oder --unattended mit einer Konfiguration, die es erlaubt)",
        named_twice: |path| format!("{path} ist doppelt genannt"),
        unattended_disabled: "unbeaufsichtigtes Löschen ist ausgeschaltet: `enabled = true` unter [unattended] in tabula.toml erlaubt es",
        not_allow_listed: |path| {
            format!("{path} steht nicht in der Liste targets unter [unattended]")
        },
        kept: |path| format!("{path}: abgelehnt: seine Seriennummer steht unter [keep] serials"),
        missing_issuer: |what, config| {
            let word = match what {
                "organisation" => "keine Organisation",
                "site" => "kein Standort",
                "operator" => "kein Bearbeiter",
                other => other,
            };
            format!(
                "{word} für das Zertifikat: [station] {what} in {config} setzen oder --{what} angeben"
            )
        },
        no_registry: "kein Zertifikatsregister: --registry URL angeben oder [registry] url in tabula.toml setzen",
        unpinned_log_key: "unbeaufsichtigtes Hochladen braucht einen festgehaltenen Log-Schlüssel: `tabula enroll` ausführen (es legt keys/registry-log.vkey ab) oder [registry] log_key in tabula.toml setzen",
        drive_gone: |path, serial| {
            format!(
                "Laufwerk {path} (Seriennummer {}) aus dem Journal ist nicht mit derselben Größe vorhanden; keine Fortsetzung",
                serial.unwrap_or("unbekannt")
            )
        },
        drive_excluded: |path, reason| format!("{path}: abgelehnt: {reason}"),
        config_read: |path| format!("{path} lässt sich nicht lesen"),
        config_invalid: |path, line, message| format!("{path}, Zeile {line}: {message}"),
        config_option: |error, option| {
            format!("{error} (auf der Befehlszeile stattdessen: {option})")
        },
        config_method: |path, method, suggestion| {
            format!(
                "{path}: unbekanntes Löschverfahren '{method}'{}",
                hint(suggestion)
            )
        },
        config_timezone: |path, name| {
            format!(
                "{path}: [station] timezone: unbekannte Zeitzone '{name}' (ein IANA-Name wie Europe/Berlin)"
            )
        },
        config_fitness: |path| format!("{path}: [fitness]"),
        terminal_setup: "das Terminal lässt sich nicht einrichten",
        signal_handler: "der Signal-Handler lässt sich nicht einrichten",
        discovering: "die Laufwerke lassen sich nicht ermitteln",
        creating: |path| format!("{path} lässt sich nicht anlegen"),
        block_kib: "--block-kib muss eine Zweierpotenz von mindestens 4 sein",
        tui_needs_terminal: "die Bildschirmführung braucht ein Terminal; in Skripten `tabula run` verwenden",
        poweroff_failed: |status| {
            format!("systemctl poweroff fehlgeschlagen ({status}); bitte von Hand ausschalten")
        },
        signing_needs: |flag, var| {
            format!("--key signiert ein Zertifikat, dafür ist --{flag} nötig (oder {var})")
        },
    },
};
