//! Why a drive is not wiped, in German: a wipe target refused or not opened
//! (`tabula_wipe::target::TargetError`), the reasons a drive is excluded
//! (`tabula_device::Exclusion`) and how a drive changed since it was confirmed
//! (`tabula_device::identity::IdentityChange`). English is their `Display`.

use tabula_device::Exclusion;
use tabula_device::exclusion::VirtualKind;
use tabula_device::identity::{FileIdentity, IdentityChange};
use tabula_wipe::target::TargetError;

/// Why a wipe target was refused or did not open, the system's words included.
pub fn target_de(e: &TargetError) -> String {
    match e {
        TargetError::Io { source, .. } => format!("{}: {source}", target_sentence_de(e)),
        other => target_sentence_de(other),
    }
}

/// [`target_de`] without the system's words of an I/O error (a front end that prints an
/// error's causes one after the other adds them).
pub fn target_sentence_de(e: &TargetError) -> String {
    let p = e.path().display();
    match e {
        TargetError::NotFound { .. } => format!("{p}: Gerät oder Datei nicht gefunden"),
        TargetError::PermissionDenied { .. } => {
            format!("{p}: Zugriff verweigert (Laufwerke lassen sich nur als root löschen)")
        }
        TargetError::Excluded { reasons, .. } => {
            format!("{p}: abgelehnt: {}", exclusions_de(reasons))
        }
        TargetError::UnknownDevice { .. } => format!(
            "{p}: kein ganzes Laufwerk aus /sys/block (Partitionen und unbekannte Geräte werden \
             abgelehnt)"
        ),
        TargetError::Busy { .. } => format!(
            "{p}: in Gebrauch: der Kernel verweigert das exklusive Öffnen (eingehängt, von \
             RAID/LVM belegt oder anderswo exklusiv geöffnet)"
        ),
        TargetError::BacksBusyLoop { device, .. } => format!(
            "{p}: in Gebrauch: liegt unter {}, das der Kernel nicht exklusiv öffnen lässt \
             (eingehängt oder belegt)",
            device.display()
        ),
        TargetError::ReadOnly { .. } => format!("{p}: schreibgeschütztes Gerät"),
        TargetError::NotWipeable { .. } => format!("{p}: weder Blockgerät noch gewöhnliche Datei"),
        TargetError::DirectIoUnsupported { .. } => {
            format!("{p}: O_DIRECT wird hier nicht unterstützt; Tabula schreibt nie über den Cache")
        }
        TargetError::TooSmall { size, .. } => format!("{p}: zu klein zum Löschen ({size} Bytes)"),
        TargetError::Misaligned { size, sector, .. } => {
            format!("{p}: die Größe {size} ist kein Vielfaches des {sector}-Byte-Sektors")
        }
        TargetError::IdentityChanged { changes, .. } => format!(
            "{p}: nicht das bestätigte Laufwerk: {}; nichts geschrieben",
            changes
                .iter()
                .map(identity_change_de)
                .collect::<Vec<_>>()
                .join("; ")
        ),
        TargetError::NoIdentity { .. } => format!(
            "{p}: bei der Bestätigung wurde keine Identität festgehalten; nichts geschrieben"
        ),
        TargetError::Io { .. } => format!("{p}: Ein-/Ausgabefehler"),
        other => other.to_string(),
    }
}

/// Reasons a drive is excluded, joined with "; ".
pub fn exclusions_de(reasons: &[Exclusion]) -> String {
    reasons
        .iter()
        .map(exclusion_de)
        .collect::<Vec<_>>()
        .join("; ")
}

/// One reason a drive is excluded (or wiped only when named).
pub fn exclusion_de(e: &Exclusion) -> String {
    match e {
        Exclusion::RootFileSystem => "Startmedium: trägt das Wurzeldateisystem /".to_owned(),
        Exclusion::LiveMedium => {
            "Startmedium: das Live-System läuft davon (/run/live/medium)".to_owned()
        }
        Exclusion::KernelRoot { spec } => {
            format!("Startmedium: als Wurzelgerät in der Kernel-Befehlszeile genannt (root={spec})")
        }
        Exclusion::Mounted { points } => format!("eingehängt unter {}", points.join(", ")),
        Exclusion::Swap { areas } => {
            format!("Auslagerungsspeicher in Gebrauch auf {}", areas.join(", "))
        }
        Exclusion::Held { holders } => format!(
            "belegt von {} (Device-Mapper, LVM oder md-RAID)",
            holders.join(", ")
        ),
        Exclusion::ReadOnly => "schreibgeschütztes Gerät".to_owned(),
        Exclusion::Virtual { device } => {
            let what = match device {
                VirtualKind::Zram => "komprimierte RAM-Disk",
                VirtualKind::RamDisk => "RAM-Disk",
                VirtualKind::DeviceMapper => "Device-Mapper-Volume",
                VirtualKind::MdRaid => "md-RAID-Verbund",
                VirtualKind::Optical => "optisches Laufwerk",
                VirtualKind::Floppy => "Diskettenlaufwerk",
            };
            format!("{what}, kein Datenträger zum Löschen")
        }
        Exclusion::NoMedium => "kein Medium eingelegt (Größe 0)".to_owned(),
        Exclusion::Loop => "Loop-Gerät".to_owned(),
        Exclusion::Unreadable { path, error } => format!(
            "{} lässt sich nicht lesen, daher kann kein Laufwerk als unbenutzt gelten: {error}",
            path.display()
        ),
        Exclusion::BacksRefused { device, reasons } => format!(
            "liegt unter {}, das abgelehnt ist: {}",
            device.display(),
            exclusions_de(reasons)
        ),
        Exclusion::Other { text } => text.clone(),
    }
}

/// How a drive differs from the one that was confirmed.
pub fn identity_change_de(change: &IdentityChange) -> String {
    let opt = |v: &Option<String>| v.clone().unwrap_or_else(|| "keine".to_owned());
    let file = |v: &Option<FileIdentity>| match v {
        Some(i) => format!(
            "{} (Inode {}, Gerät {})",
            i.path.display(),
            i.inode,
            i.device
        ),
        None => "keine".to_owned(),
    };
    match change {
        IdentityChange::Kind => "die Art wechselte zwischen Blockgerät und Datei".to_owned(),
        IdentityChange::DeviceNumber { was, now } => {
            format!("Gerätenummer {was} ist jetzt {now}")
        }
        IdentityChange::Serial { was, now } => {
            format!("Seriennummer {} ist jetzt {}", opt(was), opt(now))
        }
        IdentityChange::Model { was, now } => {
            format!("Modell {} ist jetzt {}", opt(was), opt(now))
        }
        IdentityChange::Size { was, now } => {
            format!("Größe {was} Bytes ist jetzt {now} Bytes")
        }
        IdentityChange::File { was, now } => {
            format!("Datei {} ist jetzt {}", file(was), file(now))
        }
        other => other.to_string(),
    }
}
