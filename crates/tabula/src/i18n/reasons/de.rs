//! Die Gründe der Bibliotheken auf Deutsch.

use tabula_device::Exclusion;
use tabula_device::exclusion::VirtualKind;

use super::Reasons;

fn exclusion(e: &Exclusion) -> String {
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
            reasons.iter().map(exclusion).collect::<Vec<_>>().join("; ")
        ),
        Exclusion::Other { text } => text.clone(),
    }
}

pub const REASONS: Reasons = Reasons {
    exclusion,
    note: |n| tabula_station::remarks::note_de(n, &crate::i18n::clock::local_zone()),
};
