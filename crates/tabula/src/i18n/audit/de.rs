//! Die Gründe des Audits auf Deutsch: Eignungsregeln, Windows-11-Prüfungen, Probleme beim
//! Erheben und fehlerhafte Lizenztabellen.

use tabula_audit::acpi::{AcpiError, SlicDefect};
use tabula_audit::problem::Problem;
use tabula_audit::reason::{CheckReason, CpuFamily, RuleReason, StorageProblem, gib};
use tabula_audit::smbios::SmbiosError;
use tabula_audit::win11::{CheckId, check_name as named};

use crate::i18n::plural;

/// A number with the decimal comma: one decimal (`4,0`), or as the rule wrote it (`8`, `4,5`).
fn one(value: f64) -> String {
    format!("{value:.1}").replace('.', ",")
}

fn as_written(value: f64) -> String {
    value.to_string().replace('.', ",")
}

pub fn rule_reason(r: &RuleReason) -> String {
    match r {
        RuleReason::Ram { bytes, needs_gib } => format!(
            "{} GiB (mindestens {} GiB)",
            one(gib(*bytes)),
            as_written(*needs_gib)
        ),
        RuleReason::RamUnknown => "Größe des Arbeitsspeichers unbekannt".into(),
        RuleReason::Cpu64 { x86_64: true } => "64-Bit-CPU".into(),
        RuleReason::Cpu64 { x86_64: false } => "CPU nur mit 32 Bit".into(),
        RuleReason::CpuUnknown => "CPU unbekannt".into(),
        RuleReason::Threads { threads, needs } => {
            format!("{threads} Threads (mindestens {needs})")
        }
        RuleReason::ThreadsUnknown => "Zahl der Threads unbekannt".into(),
        RuleReason::NoInternalDrive => "kein eingebautes Laufwerk".into(),
        RuleReason::HealthyDrive { drive, ssd } => format!(
            "{drive}: {}",
            if *ssd {
                "gesunde SSD"
            } else {
                "gesunde Festplatte"
            }
        ),
        RuleReason::UnhealthyDrives { drives } => drives
            .iter()
            .map(|d| {
                let problems: Vec<String> = d.problems.iter().map(storage_problem).collect();
                format!("{}: {}", d.drive, problems.join(", "))
            })
            .collect::<Vec<_>>()
            .join("; "),
        RuleReason::SolidState { drive } => format!("{drive} ist eine SSD"),
        RuleReason::OnlyRotational => "nur Festplatten mit drehenden Scheiben".into(),
        RuleReason::PortableWithoutBattery => "Mobilgerät ohne Akku".into(),
        RuleReason::NoBattery => "kein Akku".into(),
        RuleReason::Batteries {
            batteries,
            needs_pct,
        } => batteries
            .iter()
            .map(|b| match b.health_pct {
                Some(h) if h >= *needs_pct => format!("{}: {} %", b.name, one(h)),
                Some(h) => format!(
                    "{}: {} % (mindestens {} %)",
                    b.name,
                    one(h),
                    as_written(*needs_pct)
                ),
                None => format!("{}: Kapazität unbekannt", b.name),
            })
            .collect::<Vec<_>>()
            .join("; "),
        RuleReason::Windows11 { misses } if misses.is_empty() => {
            "erfüllt die Mindestanforderungen".into()
        }
        RuleReason::Windows11 { misses } => {
            let names: Vec<String> = misses.iter().map(|m| named(m, check_name)).collect();
            format!("es fehlt: {}", names.join(", "))
        }
        // A reason newer than this catalogue: the audit's English words.
        other => other.to_string(),
    }
}

fn storage_problem(p: &StorageProblem) -> String {
    let (count, one, many, max) = match *p {
        StorageProblem::NoSmartData => return "keine SMART-Daten".into(),
        StorageProblem::SmartFailed => return "SMART-Gesamtzustand NICHT BESTANDEN".into(),
        StorageProblem::EnduranceUsed { percent, max } => {
            return format!("{percent} % der Nenn-Lebensdauer verbraucht (höchstens {max} %)");
        }
        StorageProblem::Reallocated { count, max } => {
            (count, "umgelagerter Sektor", "umgelagerte Sektoren", max)
        }
        StorageProblem::GrownDefects { count, max } => (
            count,
            "hinzugekommener Defekt",
            "hinzugekommene Defekte",
            max,
        ),
        StorageProblem::Pending { count, max } => {
            (count, "schwebender Sektor", "schwebende Sektoren", max)
        }
        StorageProblem::OfflineUncorrectable { count, max } => (
            count,
            "offline nicht korrigierbarer Sektor",
            "offline nicht korrigierbare Sektoren",
            max,
        ),
        StorageProblem::ReportedUncorrectable { count, max } => (
            count,
            "gemeldeter nicht korrigierbarer Fehler",
            "gemeldete nicht korrigierbare Fehler",
            max,
        ),
        StorageProblem::Uncorrected { count, max } => (
            count,
            "nicht korrigierter Lese-, Schreib- oder Prüffehler",
            "nicht korrigierte Lese-, Schreib- oder Prüffehler",
            max,
        ),
        StorageProblem::MediaErrors { count, max } => (count, "Medienfehler", "Medienfehler", max),
        // A problem newer than this catalogue: the audit's English words.
        other => return other.to_string(),
    };
    format!("{} (höchstens {max})", plural(count, one, many))
}

pub fn check_reason(c: &CheckReason) -> String {
    match c {
        CheckReason::Tpm { version: Some(v) } => format!("TPM {v}"),
        CheckReason::Tpm { version: None } => {
            "kein TPM sichtbar (vielleicht im Firmware-Setup abgeschaltet)".into()
        }
        CheckReason::Uefi { booted: true, .. } => "über UEFI gestartet".into(),
        CheckReason::Uefi {
            supported: true, ..
        } => "die Firmware kann UEFI (im Legacy-Modus gestartet)".into(),
        CheckReason::Uefi { .. } => "nur Legacy-BIOS".into(),
        CheckReason::SecureBoot { capable: true } => {
            "die Firmware bietet die Variable SecureBoot".into()
        }
        CheckReason::SecureBoot { capable: false } => {
            "keine Variable SecureBoot (Legacy-Start oder Firmware ohne Secure Boot)".into()
        }
        CheckReason::Cpu { cpu } => cpu_family(cpu),
        CheckReason::CpuModelUnknown => "CPU-Modell unbekannt".into(),
        CheckReason::LongMode { x86_64: true } => "x86-64".into(),
        CheckReason::LongMode { x86_64: false } => "kein 64-Bit-Modus (Long Mode)".into(),
        CheckReason::Ram { bytes: Some(b) } => format!("{} GiB", one(gib(*b))),
        CheckReason::Ram { bytes: None } => "unbekannt".into(),
        CheckReason::Storage {
            largest_bytes: Some(b),
        } => format!("größtes eingebautes Laufwerk {} GB", b / 1_000_000_000),
        CheckReason::Storage {
            largest_bytes: None,
        } => "kein eingebautes Laufwerk".into(),
        other => other.to_string(),
    }
}

fn cpu_family(c: &CpuFamily) -> String {
    const LIST: &str = "in Microsofts Liste unterstützter CPUs nachsehen";
    match c {
        CpuFamily::IntelCoreUltra => "Intel Core Ultra".into(),
        CpuFamily::IntelCoreN => "Intel Core i3-N-Serie (Alder Lake-N)".into(),
        CpuFamily::IntelCore { generation } if *generation >= 8 => {
            format!("Intel Core der {generation}. Generation")
        }
        CpuFamily::IntelCore { generation } => {
            format!("Intel Core der {generation}. Generation (die 8. oder neuer ist nötig)")
        }
        CpuFamily::IntelCoreUnreadable { model } => {
            format!("die Intel-Core-Generation ist aus \"{model}\" nicht abzulesen")
        }
        CpuFamily::IntelCoreSeries => "Intel Core (Serie 1 oder neuer)".into(),
        CpuFamily::IntelOld => "Intel-CPU älter als die 8. Generation".into(),
        CpuFamily::IntelOther => format!("Intel Pentium/Celeron/Xeon: {LIST}"),
        CpuFamily::AmdRyzenAi => "AMD Ryzen AI".into(),
        CpuFamily::AmdRyzen { series: 1 } => {
            "AMD Ryzen 1000er-Serie (Zen; Zen+ oder neuer ist nötig)".into()
        }
        CpuFamily::AmdRyzen { series } => {
            format!("AMD Ryzen {series}000er-Serie (Zen+ oder neuer)")
        }
        CpuFamily::AmdRyzenUnreadable { model } => {
            format!("die Ryzen-Serie ist aus \"{model}\" nicht abzulesen")
        }
        CpuFamily::AmdAthlonZen => "AMD Athlon (Zen-basiert, in Microsofts Liste)".into(),
        CpuFamily::AmdOld => "AMD-CPU älter als Zen+".into(),
        CpuFamily::AmdOther => format!("AMD-CPU unbekannter Generation: {LIST}"),
        CpuFamily::Unrecognised { model } => {
            format!("die Generation von \"{model}\" ist nicht zu beurteilen")
        }
        other => other.to_string(),
    }
}

/// A problem met while collecting: German words, the technical detail after them.
pub fn problem(p: &Problem) -> String {
    match p {
        Problem::SmbiosIgnored { detail, error } => format!(
            "SMBIOS-Tabellen nicht verwendet: {}",
            error.as_ref().map_or_else(|| detail.clone(), smbios_error)
        ),
        Problem::SmbiosUnreadable { detail } => {
            format!("SMBIOS-Tabellen lassen sich nicht lesen: {detail}")
        }
        Problem::SmbiosTable { detail, error } => format!(
            "SMBIOS-Tabelle nur bis zu einem Fehler gelesen: {}",
            error.as_ref().map_or_else(|| detail.clone(), smbios_error)
        ),
        Problem::DriveDiscovery { detail } => {
            format!("Laufwerke ließen sich nicht ermitteln: {detail}")
        }
        Problem::AcpiUnreadable { table, detail } => {
            format!("ACPI-Tabelle {table} lässt sich nicht lesen: {detail}")
        }
        Problem::AcpiMalformed { table, error } => {
            format!("ACPI-Tabelle {table} ist fehlerhaft: {}", acpi_error(error))
        }
        other => other.to_string(),
    }
}

/// What is wrong with the SMBIOS data.
fn smbios_error(e: &SmbiosError) -> String {
    match e {
        SmbiosError::NoAnchor => "kein SMBIOS-Einstiegspunkt (_SM_ oder _SM3_)".to_owned(),
        SmbiosError::EntryPointTruncated { len, needed } => {
            format!("SMBIOS-Einstiegspunkt abgeschnitten: {len} Bytes, {needed} nötig")
        }
        SmbiosError::EntryPointLength { declared, minimum } => format!(
            "der SMBIOS-Einstiegspunkt nennt die Länge {declared}, mindestens sind es {minimum}"
        ),
        SmbiosError::EntryPointChecksum => {
            "die Prüfsumme des SMBIOS-Einstiegspunkts ergibt nicht null".to_owned()
        }
        SmbiosError::IntermediateAnchor => "der Zwischen-Einstiegspunkt (_DMI_) von SMBIOS 2.x \
             fehlt oder seine Prüfsumme stimmt nicht"
            .to_owned(),
        SmbiosError::TableShort { declared, actual } => {
            format!("die SMBIOS-Tabelle hat {actual} Bytes, der Einstiegspunkt nennt {declared}")
        }
        SmbiosError::DumpTableOffset { offset, len } => format!(
            "SMBIOS-Abbild: der Tabellenanfang {offset} liegt außerhalb der {len} Bytes der Datei"
        ),
        SmbiosError::StructureOverrun {
            offset,
            needed,
            available,
        } => format!(
            "die SMBIOS-Struktur bei Byte {offset} reicht über das Tabellenende hinaus ({needed} \
             Bytes nötig, {available} übrig)"
        ),
        SmbiosError::StructureLength { offset, length } => format!(
            "die SMBIOS-Struktur bei Byte {offset} nennt die Länge {length} (kleiner als 4)"
        ),
        SmbiosError::UnterminatedStrings { offset } => {
            format!("den Zeichenketten der SMBIOS-Struktur bei Byte {offset} fehlt das Endezeichen")
        }
        other => other.to_string(),
    }
}

/// Why an MSDM or SLIC table is malformed.
pub fn acpi_error(e: &AcpiError) -> String {
    match e {
        AcpiError::Unreadable { detail } => format!("nicht lesbar: {detail}"),
        AcpiError::Truncated { len } => format!(
            "Tabelle abgeschnitten: {len} Bytes, der 36 Bytes lange ACPI-Kopf passt nicht hinein"
        ),
        AcpiError::Signature { expected, found } => {
            format!("Signatur ist {found:?}, erwartet {expected:?}")
        }
        AcpiError::Length { declared, actual } => {
            format!("der Kopf nennt {declared} Bytes, die Tabelle hat {actual}")
        }
        AcpiError::Checksum { sum } => {
            format!("die Prüfsumme ergibt nicht null (Summe {sum:#04x})")
        }
        AcpiError::MsdmData {
            declared,
            available,
        } => format!(
            "die MSDM-Datenlänge {declared} passt nicht in die {available} Bytes nach dem Kopf"
        ),
        AcpiError::KeyFormat => {
            "der MSDM-Produktschlüssel hat nicht die Form XXXXX-XXXXX-XXXXX-XXXXX-XXXXX".into()
        }
        AcpiError::BlankKey => {
            "die MSDM-Tabelle enthält keinen Produktschlüssel (das Schlüsselfeld ist leer)".into()
        }
        other => other.to_string(),
    }
}

/// Why a SLIC table cannot activate anything.
pub fn slic_defect(d: SlicDefect) -> String {
    match d {
        SlicDefect::HeaderOnly => "nur der Kopf: kein öffentlicher OEM-Schlüssel, keine SLIC-Marke",
        SlicDefect::Blank => "leerer Inhalt (alle Bytes 0x00 oder 0xFF)",
        SlicDefect::TooShort => "zu kurz für den öffentlichen OEM-Schlüssel und die SLIC-Marke",
        SlicDefect::NoPublicKey => {
            "kein öffentlicher OEM-Schlüssel (RSA1), wo die Tabelle einen braucht"
        }
        SlicDefect::NoMarker => "keine SLIC-Marke (WINDOWS), wo die Tabelle eine braucht",
        other => return other.to_string(),
    }
    .into()
}

/// A Windows 11 check's name.
pub fn check_name(c: CheckId) -> String {
    match c {
        CheckId::Tpm20 => "TPM 2.0",
        CheckId::Uefi => "UEFI",
        CheckId::SecureBootCapable => "Secure Boot",
        CheckId::Cpu => "CPU-Generation",
        CheckId::Bits64 => "64-Bit-CPU",
        CheckId::Ram4Gib => "4 GiB RAM",
        CheckId::Storage64Gb => "64 GB Speicher",
        other => return other.to_string(),
    }
    .into()
}
