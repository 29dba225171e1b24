//! Die Fehler des Löschwerks auf Deutsch (die Wörter der Station, wie im Zertifikat).

use tabula_wipe::target::TargetError;

use super::Engine;
use crate::i18n::reasons::exclusions;

fn target(e: &TargetError) -> String {
    let p = |path: &std::path::Path| path.display().to_string();
    match e {
        TargetError::NotFound { path } => format!("{}: Gerät oder Datei nicht gefunden", p(path)),
        TargetError::PermissionDenied { path } => format!(
            "{}: Zugriff verweigert (Laufwerke lassen sich nur als root löschen)",
            p(path)
        ),
        TargetError::Excluded { path, reasons } => {
            format!("{}: abgelehnt: {}", p(path), exclusions(reasons))
        }
        TargetError::UnknownDevice { path } => format!(
            "{}: kein ganzes Laufwerk aus /sys/block (Partitionen und unbekannte Geräte werden \
             abgelehnt)",
            p(path)
        ),
        TargetError::Busy { path } => format!(
            "{}: in Gebrauch: der Kernel verweigert das exklusive Öffnen (eingehängt, von \
             RAID/LVM belegt oder anderswo exklusiv geöffnet)",
            p(path)
        ),
        TargetError::BacksBusyLoop { path, device } => format!(
            "{}: in Gebrauch: liegt unter {}, das der Kernel nicht exklusiv öffnen lässt \
             (eingehängt oder belegt)",
            p(path),
            p(device)
        ),
        TargetError::ReadOnly { path } => format!("{}: schreibgeschütztes Gerät", p(path)),
        TargetError::NotWipeable { path } => {
            format!("{}: weder Blockgerät noch gewöhnliche Datei", p(path))
        }
        TargetError::DirectIoUnsupported { path } => format!(
            "{}: O_DIRECT wird hier nicht unterstützt; Tabula schreibt nie über den Cache",
            p(path)
        ),
        TargetError::TooSmall { path, size } => {
            format!("{}: zu klein zum Löschen ({size} Bytes)", p(path))
        }
        TargetError::Misaligned { path, size, sector } => format!(
            "{}: die Größe {size} ist kein Vielfaches des {sector}-Byte-Sektors",
            p(path)
        ),
        TargetError::IdentityChanged { path, changes } => format!(
            "{}: nicht das bestätigte Laufwerk: {}; nichts geschrieben",
            p(path),
            changes
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("; ")
        ),
        TargetError::NoIdentity { path } => format!(
            "{}: bei der Bestätigung wurde keine Identität festgehalten; nichts geschrieben",
            p(path)
        ),
        // The system's words follow as the next cause.
        TargetError::Io { path, .. } => format!("{}: Ein-/Ausgabefehler", p(path)),
        other => other.to_string(),
    }
}

pub const ENGINE: Engine = Engine {
    failure: tabula_station::remarks::failure_de,
    target,
    operation: |op| tabula_station::remarks::op_de(op).to_owned(),
    not_resumed: |id, reason| {
        format!(
            "Löschung {id} nicht fortgesetzt: {reason}; ihr Journal bleibt für ein späteres \
             `tabula resume`"
        )
    },
};
