//! `tabula --help` auf Deutsch.

use clap::error::ErrorKind;

pub const TEMPLATE: &str =
    "{before-help}{about-with-newline}\nAufruf: {usage}\n\n{all-args}{after-help}";
pub const COMMANDS: &str = "Befehle";
pub const COMMAND: &str = "BEFEHL";
pub const OPTIONS: &str = "Optionen";
pub const ARGUMENTS: &str = "Argumente";
pub const HELP_FLAG: &str = "Diese Hilfe anzeigen";
pub const SUGGESTED: &str = "meinten Sie";
pub const VALID: &str = "mögliche Werte";
pub const MORE: &str = "\nMehr mit '--help'.\n";
pub const POSSIBLE: &str = "mögliche Werte";
pub const DEFAULT: &str = "Vorgabe";
pub const ENV: &str = "Umgebungsvariable";
pub const VERSION_FLAG: &str = "Die Version anzeigen";

/// What went wrong on the command line (`arg`: the argument clap names, `value`: the value).
pub fn error(kind: ErrorKind, arg: &str, value: &str) -> Option<String> {
    Some(match kind {
        ErrorKind::InvalidValue => format!("ungültiger Wert '{value}' für {arg}"),
        ErrorKind::UnknownArgument => format!("unbekanntes Argument '{arg}'"),
        ErrorKind::InvalidSubcommand => format!("unbekannter Befehl '{arg}'"),
        ErrorKind::NoEquals => format!("{arg} braucht einen Wert mit ="),
        ErrorKind::ValueValidation => format!("ungültiger Wert '{value}' für {arg}"),
        ErrorKind::TooManyValues => format!("zu viele Werte für {arg}"),
        ErrorKind::TooFewValues => format!("zu wenige Werte für {arg}"),
        ErrorKind::WrongNumberOfValues => format!("falsche Anzahl Werte für {arg}"),
        ErrorKind::ArgumentConflict => format!("{arg} lässt sich nicht damit kombinieren"),
        ErrorKind::MissingRequiredArgument => {
            format!("nötige Argumente fehlen: {arg}")
        }
        ErrorKind::MissingSubcommand => "ein Befehl fehlt".to_owned(),
        ErrorKind::InvalidUtf8 => "ein Argument ist kein gültiges UTF-8".to_owned(),
        _ => return None,
    })
}

/// The German text of each place in the command tree (see the module's parent).
pub const HELP: &[(&str, &str)] = &[
    (
        "",
        "Die Tabula-Station: Laufwerke finden, löschen, den Rechner prüfen, Zertifikate und die Oberfläche für Technikerinnen und Techniker",
    ),
    (
        "devices",
        "Laufwerke mit ihrem Urteil auflisten (löschbar oder ausgeschlossen, und warum)",
    ),
    (
        "devices --json",
        "Die vollständigen Laufwerksdaten als JSON ausgeben",
    ),
    (
        "devices --all",
        "Auch auflisten, was für Technikerinnen und Techniker kein Laufwerk ist: Loop-Geräte ohne Datei, zram und Laufwerke ohne Medium",
    ),
    (
        "devices --root",
        "/sys und /proc unter diesem Verzeichnis lesen statt unter / (aufgezeichnete Bäume)",
    ),
    (
        "wipe",
        "Laufwerke mit einem Löschverfahren überschreiben, prüfen und darüber berichten",
    ),
    (
        "wipe --method",
        "Löschverfahren (`tabula wipe --list-methods`); auch nwipe-Namen wie dodshort oder ops2",
    ),
    (
        "wipe --verify",
        "Zurücklesen und vergleichen: none (nichts), last (den letzten Durchgang) oder all (alle Durchgänge). Vorgabe: die des Verfahrens",
    ),
    ("wipe --yes", "Nicht nach einer Bestätigung fragen"),
    (
        "wipe --json",
        "Die Ergebnisse als JSON auf die Standardausgabe schreiben",
    ),
    (
        "wipe --stall-timeout",
        "Ein Laufwerk nach so vielen Sekunden ohne Fortschritt als hängend melden",
    ),
    (
        "wipe --block-kib",
        "Größe einer Ein-/Ausgabe-Anfrage in KiB (eine Zweierpotenz, mindestens 4)",
    ),
    (
        "wipe --list-methods",
        "Die Löschverfahren auflisten und beenden",
    ),
    (
        "wipe --key",
        "Stationsschlüssel (station.key): auch den Rechner prüfen und das Zertifikat der Löschung signieren",
    ),
    (
        "wipe --out",
        "Mit --key: wohin das signierte Zertifikat kommt (`DIR/<id>.tabula.json`, `DIR/<id>.pdf`). Ohne: ein einfacher Bericht der Löschung (`DIR/wipe-<Zeit>.json` und `.txt`), unsigniert",
    ),
    (
        "wipe --organisation",
        "Die ausstellende Organisation des Zertifikats (mit --key; sonst $TABULA_ORGANISATION beim Signieren)",
    ),
    (
        "wipe --site",
        "Der Standort im Zertifikat (mit --key; sonst $TABULA_SITE beim Signieren)",
    ),
    (
        "wipe --operator",
        "Wer gelöscht hat, im Zertifikat (mit --key; sonst $TABULA_OPERATOR beim Signieren)",
    ),
    (
        "wipe <TARGETS>",
        "Laufwerke (/dev/sdX, /dev/disk/by-id/...) oder gewöhnliche Dateien, die gelöscht werden",
    ),
    (
        "run",
        "Der ganze Ablauf: Rechner prüfen, löschen, Zertifikat signieren, speichern und hochladen",
    ),
    (
        "run --unattended",
        "Jedes löschbare Laufwerk (oder die Liste für den unbeaufsichtigten Betrieb) ohne Rückfrage löschen; muss in tabula.toml erlaubt sein",
    ),
    (
        "run --config",
        "Konfigurationsdatei (Vorgabe: DATA/tabula.toml)",
    ),
    (
        "run --data",
        "Datenverzeichnis der Station (Schlüssel, Zertifikate, Postausgang, Journal, Protokolle)",
    ),
    (
        "run --operator",
        "Name oder Kennung der Technikerin oder des Technikers (Vorgabe aus tabula.toml)",
    ),
    (
        "run --organisation",
        "Die ausstellende Organisation der Zertifikate (Vorgabe aus tabula.toml)",
    ),
    (
        "run --site",
        "Der Standort in den Zertifikaten (Vorgabe aus tabula.toml)",
    ),
    ("run --method", "Löschverfahren (Vorgabe aus tabula.toml)"),
    (
        "run --yes",
        "Nicht nach einer Bestätigung fragen (beaufsichtigter Betrieb)",
    ),
    (
        "run <TARGETS>",
        "Laufwerke, die gelöscht werden (Vorgabe mit --unattended: alle löschbaren)",
    ),
    (
        "resume",
        "Durch einen Stromausfall unterbrochene Löschungen aus dem Journal fortsetzen",
    ),
    (
        "resume --config",
        "Konfigurationsdatei (Vorgabe: DATA/tabula.toml)",
    ),
    ("resume --data", "Datenverzeichnis der Station"),
    ("resume --yes", "Ohne Rückfrage fortsetzen"),
    (
        "enroll",
        "Den Schlüssel dieser Station bei einem Register anmelden (Einmal-Token)",
    ),
    (
        "enroll --registry",
        "Basis-URL des Registers, z. B. https://registry.example",
    ),
    (
        "enroll --token",
        "Das Einmal-Token zur Anmeldung aus `tabula-registry station add`",
    ),
    (
        "enroll --key",
        "Der Stationsschlüssel: station.key (privat) oder station.pem (öffentlich)",
    ),
    (
        "enroll --log-key-out",
        "Wohin der Prüfschlüssel des Protokolls kommt (Vorgabe: registry-log.vkey neben --key)",
    ),
    (
        "enroll --ca-file",
        "PEM-Datei mit den CA-Zertifikaten des TLS-Zertifikats des Registers. Sie legt fest: nur diesen CAs wird für das Register vertraut, nicht den eingebauten Web-Wurzeln",
    ),
    (
        "enroll --insecure-http",
        "Unverschlüsseltes http:// zu einem Register erlauben, das nicht auf diesem Rechner läuft (Token und Zertifikate gehen dann unverschlüsselt über das Netz)",
    ),
    (
        "upload",
        "Zertifikatsbündel zum Register hochladen und die Quittungen darin speichern",
    ),
    (
        "upload --registry",
        "Basis-URL des Registers (Vorgabe mit --data: `[registry] url` aus tabula.toml)",
    ),
    (
        "upload --log-key",
        "Der Prüfschlüssel des Protokolls (Text oder Datei, z. B. registry-log.vkey aus `tabula enroll`). Ohne ihn gilt der Schlüssel, den das Register nennt",
    ),
    (
        "upload <FILES>",
        "Zertifikatsbündel (`<id>.tabula.json`). Ohne Dateien wird der Postausgang der Station zugestellt",
    ),
    (
        "upload --data",
        "Datenverzeichnis der Station, dessen Postausgang zugestellt wird, wenn keine Dateien genannt sind",
    ),
    (
        "upload --config",
        "Konfiguration der Station (Vorgabe: DATA/tabula.toml)",
    ),
    (
        "upload --ca-file",
        "PEM-Datei mit den CA-Zertifikaten des TLS-Zertifikats des Registers. Sie legt fest: nur diesen CAs wird für das Register vertraut, nicht den eingebauten Web-Wurzeln",
    ),
    (
        "upload --insecure-http",
        "Unverschlüsseltes http:// zu einem Register erlauben, das nicht auf diesem Rechner läuft (Token und Zertifikate gehen dann unverschlüsselt über das Netz)",
    ),
    (
        "audit",
        "Die Hardware prüfen: Kennung, CPU, Arbeitsspeicher, Laufwerke mit SMART, Akku, Lizenz, Eignung",
    ),
    (
        "audit --json",
        "Das vollständige Prüfdokument als JSON ausgeben (Schema in docs/audit.md) statt des Berichts",
    ),
    (
        "audit --root",
        "/sys, /proc, Firmware-Tabellen und die Ausgabe von smartctl aus diesem aufgezeichneten Baum lesen statt aus /",
    ),
    (
        "audit --show-key",
        "Den vollständigen Windows-Produktschlüssel zeigen (sonst nur seine letzten fünf Zeichen)",
    ),
    (
        "audit --rules",
        "Eignungsregeln (TOML) statt der eingebauten",
    ),
    (
        "audit --capture",
        "Jede Datei, die die Prüfung liest, und die Ausgabe von smartctl je Laufwerk nach DIR kopieren; nichts wird bewertet",
    ),
    (
        "audit --smartctl",
        "Das smartctl-Programm, das aufgerufen wird (Prüfung des laufenden Rechners)",
    ),
    ("audit --no-smart", "Keine SMART-Daten sammeln"),
    (
        "keygen",
        "Einen Signierschlüssel für die Station erzeugen (station.key, 0600, und station.pem)",
    ),
    (
        "keygen --out",
        "Verzeichnis für station.key und station.pem (wird angelegt, wenn es fehlt; ein Verzeichnis mit einem Schlüssel wird abgelehnt, nie überschrieben)",
    ),
    (
        "verify",
        "Zertifikatsbündel prüfen: Signatur, kanonische Form, Schema-Version, Prüfsumme der Hardwareprüfung",
    ),
    ("verify <FILES>", "Zertifikatsbündel (`<id>.tabula.json`)"),
    (
        "verify --key",
        "Öffentlicher Schlüssel einer vertrauenswürdigen Station (SPKI-PEM). Ohne ihn gilt der im Bündel eingebettete Schlüssel: das beweist die Unversehrtheit, nicht die Herkunft",
    ),
    (
        "verify --registry",
        "Jede Quittung auch gegen das Transparenzprotokoll dieses Registers prüfen: Aufnahme, und dass der heutige Baum mit dem Baumkopf der Quittung übereinstimmt",
    ),
    (
        "verify --log-key",
        "Der Prüfschlüssel des Protokolls für --registry (Text oder Datei, z. B. registry-log.vkey); ohne ihn gilt der Schlüssel, den das Register nennt",
    ),
    (
        "verify --witness-policy",
        "Mit --registry: ein Quorum von Zeugen-Gegensignaturen auf dem Checkpoint des Registers verlangen (Zeilen `witness <Name> <vkey>` und `quorum <n>`; siehe docs/verify.md)",
    ),
    (
        "verify --state",
        "Mit --registry: wo der neueste gesehene Checkpoint jedes Protokolls bleibt; jeder Lauf prüft, dass das Protokoll des Registers ihn fortsetzt [Vorgabe: $XDG_STATE_HOME/tabula oder ~/.local/state/tabula]",
    ),
    (
        "verify --ca-file",
        "PEM-Datei mit den CA-Zertifikaten des TLS-Zertifikats des Registers. Sie legt fest: nur diesen CAs wird für das Register vertraut, nicht den eingebauten Web-Wurzeln",
    ),
    (
        "verify --insecure-http",
        "Unverschlüsseltes http:// zu einem Register erlauben, das nicht auf diesem Rechner läuft (Token und Zertifikate gehen dann unverschlüsselt über das Netz)",
    ),
    (
        "verify --signature-only",
        "Nur die Signatur prüfen: ein Zertifikat, dessen Laufwerke nicht alle gelöscht und geprüft sind (z. B. `interrupted`, `erased-with-errors`), endet trotzdem mit 0, wenn seine Signatur stimmt",
    ),
    (
        "cert",
        "Ein Zertifikat zeigen, als PDF ausgeben oder seine Teile für OpenSSL exportieren",
    ),
    (
        "cert show",
        "Ein Zertifikat lesbar ausgeben, mit dem Urteil über seine Signatur (eingebetteter Schlüssel)",
    ),
    ("cert show <FILE>", "Zertifikatsbündel (`<id>.tabula.json`)"),
    (
        "cert pdf",
        "Ein Zertifikat als A4-PDF ausgeben (Deutsch und Englisch) mit einem QR-Code zum Register",
    ),
    ("cert pdf <FILE>", "Zertifikatsbündel (`<id>.tabula.json`)"),
    ("cert pdf --out", "PDF-Datei, die geschrieben wird"),
    (
        "cert pdf --registry-url",
        "Basis-URL des Registers für den QR-Code, wenn keine Quittung im Bündel eines nennt",
    ),
    (
        "cert export",
        "cert.json, pae.bin, sig.bin, station.pem und audit.json schreiben, um allein mit OpenSSL zu prüfen (siehe docs/verify.md)",
    ),
    (
        "cert export <FILE>",
        "Zertifikatsbündel (`<id>.tabula.json`)",
    ),
    ("cert export --out", "Zielverzeichnis"),
    (
        "tui",
        "Die Bildschirme für Technikerinnen und Techniker (auch `tabula` ohne Argumente an einem Terminal)",
    ),
    (
        "tui --config",
        "Konfigurationsdatei (Vorgabe: DATA/tabula.toml)",
    ),
    (
        "tui --data",
        "Datenverzeichnis der Station (Schlüssel, Zertifikate, Postausgang, Journal, Protokolle)",
    ),
    (
        "tui --organisation",
        "Die ausstellende Organisation der Zertifikate (Vorgabe aus tabula.toml)",
    ),
    (
        "tui --site",
        "Der Standort in den Zertifikaten (Vorgabe aus tabula.toml)",
    ),
    (
        "tui --boot-medium",
        "DEVICE als Startmedium für die Ersteinrichtung nehmen (Tests und Prüfungen des Abbilds; sonst die Platte hinter /run/live/medium)",
    ),
    (
        "tui --keymap-console",
        "Die auf dem Einrichtungsbildschirm gewählte Tastaturbelegung sofort in diese virtuelle Konsole laden (`loadkeys -C`; der TUI-Dienst des Live-Abbilds setzt /dev/tty1); sonst wird sie nur in tabula.toml geschrieben",
    ),
    (
        "tui <TARGETS>",
        "Nur diese Geräte zeigen (ausdrücklich genannt, daher lassen sich Loop-Geräte darunter löschen); Vorgabe: jedes Laufwerk des Rechners",
    ),
];
