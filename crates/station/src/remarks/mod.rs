//! The engine's notes in the certificate's languages: German, then English, with times in the
//! station's zone (`17:05:09`, no fractions). The certificate's remark carries both; a front end
//! that speaks one language takes [`note_de`] or [`note_en`].

mod target;

pub use target::{exclusion_de, exclusions_de, identity_change_de, target_de, target_sentence_de};

use tabula_certificate::LocalZone;
use tabula_device::capabilities::FirmwareOp;
use tabula_wipe::note::Note;
use tabula_wipe::plan::AlignmentError;
use tabula_wipe::progress::Phase;
use tabula_wipe::report::{DriveReport, Failure, FirmwareFailure};

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
        Note::HiddenAreasUnchecked { error } => format!(
            "verborgene Bereiche nicht entfernt: {error}; hat das Laufwerk einen, ist es nicht \
             vollständig gelöscht"
        ),
        Note::FirmwareFellBack { method, reason } => format!(
            "{}; stattdessen überschrieben (nur NIST SP 800-88 Clear)",
            firmware_de(method, reason)
        ),
        Note::FirmwareFailed { method, reason } => firmware_de(method, reason),
        Note::Other { text } => text.clone(),
    }
}

/// Why a drive failed, in German.
pub fn failure_de(failure: &Failure) -> String {
    match failure {
        Failure::Firmware { method, reason } => firmware_de(method, reason),
        Failure::Open { error, target } => format!(
            "das Laufwerk ließ sich nicht zum Schreiben öffnen: {}",
            target
                .as_ref()
                .map_or_else(|| error.clone(), |t| target_de(&t.0))
        ),
        Failure::Refused { reason, target } => format!(
            "bei der Bestätigung abgelehnt: {}; nichts geschrieben",
            target
                .as_ref()
                .map_or_else(|| reason.clone(), |t| target_de(&t.0))
        ),
        Failure::Flush { pass, error } => {
            format!("Durchgang {pass} ließ sich nicht auf das Medium zurückschreiben: {error}")
        }
        Failure::TooManyBadSectors { max, pass } => format!(
            "aufgegeben: mehr als {max} defekte Sektoren in Durchgang {pass} (ein sterbendes \
             Laufwerk)"
        ),
        Failure::Thread { error } => {
            format!("der Arbeits-Thread des Laufwerks ließ sich nicht starten: {error}")
        }
        Failure::HiddenRescan { error } => format!(
            "die verborgenen Bereiche wurden entfernt, aber der Kernel hat die Größe nicht neu \
             eingelesen ({error}); nichts geschrieben"
        ),
        Failure::HiddenResize {
            size,
            error,
            target,
        } => format!(
            "nach dem Entfernen der verborgenen Bereiche meldet das Laufwerk {size} Bytes, aber \
             der Kernel zeigt nicht dasselbe Laufwerk mit dieser Größe ({}); nichts geschrieben",
            target
                .as_ref()
                .map_or_else(|| error.clone(), |t| target_de(&t.0))
        ),
        Failure::Misaligned { path, error } => {
            format!("{path}: {}; nichts geschrieben", alignment_de(error))
        }
        other => other.to_string(),
    }
}

/// Why the block size or the resume point does not fit the drive, in German.
fn alignment_de(error: &AlignmentError) -> String {
    match error {
        AlignmentError::BlockSize { block } => {
            format!("die Blockgröße {block} ist keine Zweierpotenz von mindestens 512 Bytes")
        }
        AlignmentError::BlockNotSectorMultiple { block, sector } => format!(
            "die Blockgröße {block} ist kein Vielfaches der {sector}-Byte-Sektoren des Laufwerks"
        ),
        AlignmentError::ResumePass { pass, passes } => format!(
            "der Fortsetzungspunkt nennt Durchgang {pass}, der Plan hat aber {passes} Durchgänge"
        ),
        AlignmentError::ResumeMisaligned { offset, sector } => format!(
            "der Fortsetzungspunkt (Byte {offset}) ist kein Vielfaches der {sector}-Byte-Sektoren \
             des Laufwerks"
        ),
        AlignmentError::ResumeBeyondEnd { offset, size } => format!(
            "der Fortsetzungspunkt (Byte {offset}) liegt hinter dem Ende des Laufwerks ({size} \
             Bytes)"
        ),
        other => other.to_string(),
    }
}

/// Why a drive failed, in English.
pub fn failure_en(failure: &Failure) -> String {
    failure.to_string()
}

/// "nvme-format: das Laufwerk hat das Löschen nicht bestätigt".
fn firmware_de(method: &str, reason: &FirmwareFailure) -> String {
    let text = match reason {
        FirmwareFailure::CapabilitiesUnknown => {
            "die Firmware-Fähigkeiten des Laufwerks sind unbekannt".to_owned()
        }
        FirmwareFailure::Unreachable { detail: None } => {
            "kein Firmware-Befehl erreicht dieses Laufwerk".to_owned()
        }
        FirmwareFailure::Unreachable {
            detail: Some(detail),
        } => format!("kein Firmware-Befehl erreicht dieses Laufwerk ({detail})"),
        FirmwareFailure::Unsupported { op } => {
            format!("das Laufwerk unterstützt {} nicht", op_de(*op))
        }
        FirmwareFailure::Frozen => FROZEN_DE.to_owned(),
        FirmwareFailure::CommandPath { error } => {
            format!("der Befehlsweg zum Laufwerk ließ sich nicht öffnen: {error}")
        }
        FirmwareFailure::Reopen { error } => {
            format!("das Laufwerk ließ sich zwischen den Schritten nicht wieder öffnen: {error}")
        }
        FirmwareFailure::Canaries { error } => {
            format!("die Kanarienblöcke vor dem Löschen ließen sich nicht schreiben: {error}")
        }
        FirmwareFailure::Command { error } => return format!("{method} fehlgeschlagen: {error}"),
        FirmwareFailure::NotConfirmed => "das Laufwerk hat das Löschen nicht bestätigt".to_owned(),
        FirmwareFailure::DataFound => "die Prüfung nach dem Löschen fand Daten \
             (Kanarienblöcke übrig oder Stichproben mit Daten)"
            .to_owned(),
        other => other.to_string(),
    };
    if reason.nothing_written() {
        format!("{method}: {text}; nichts geschrieben")
    } else {
        format!("{method}: {text}")
    }
}

/// The way out of a frozen drive (`tabula_wipe::firmware::FROZEN_ADVICE`) in German.
const FROZEN_DE: &str = "die Sicherheitsfunktionen des Laufwerks sind eingefroren (SECURITY \
     FREEZE LOCK, meist vom BIOS beim Start gesetzt): die Station in den Standby (Suspend to RAM) \
     schicken und wieder wecken (`rtcwake -m mem -s 10`, oder Tabula das tun lassen) oder den \
     SATA-Stromstecker des Laufwerks im Betrieb ab- und wieder anstecken, dann erneut versuchen";

/// A firmware operation in German (`tabula_wipe::auto::describe` in English).
pub fn op_de(op: FirmwareOp) -> &'static str {
    match op {
        FirmwareOp::NvmeFormat => "Format NVM mit Löschen der Nutzerdaten (SES=1)",
        FirmwareOp::NvmeFormatCrypto => "Format NVM mit kryptografischem Löschen (SES=2)",
        FirmwareOp::NvmeSanitizeBlock => "Sanitize mit Blocklöschung",
        FirmwareOp::NvmeSanitizeCrypto => "Sanitize mit kryptografischem Löschen",
        FirmwareOp::NvmeSanitizeOverwrite => "Sanitize mit Überschreiben",
        FirmwareOp::AtaSecureErase => "SECURITY ERASE UNIT (normal)",
        FirmwareOp::AtaSecureEraseEnhanced => "SECURITY ERASE UNIT (erweitert)",
        FirmwareOp::AtaSanitizeBlock | FirmwareOp::ScsiSanitizeBlock => {
            "SANITIZE mit Blocklöschung"
        }
        FirmwareOp::AtaSanitizeCrypto => "SANITIZE mit kryptografischem Verwürfeln",
        FirmwareOp::ScsiSanitizeCrypto => "SANITIZE mit kryptografischem Löschen",
        FirmwareOp::AtaSanitizeOverwrite | FirmwareOp::ScsiSanitizeOverwrite => {
            "SANITIZE mit Überschreiben"
        }
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

/// Why a drive failed, in both languages: typed when the report says why, else its words.
pub fn failed_both(report: &DriveReport) -> Option<String> {
    match (&report.failure, &report.error) {
        (Some(f), _) => Some(format!(
            "fehlgeschlagen: {} / failed: {}",
            failure_de(f),
            failure_en(f)
        )),
        (None, Some(error)) => Some(format!("fehlgeschlagen / failed: {error}")),
        (None, None) => None,
    }
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
        let unchecked = Note::HiddenAreasUnchecked {
            error: "/dev/sdb: no command path".into(),
        };
        assert_eq!(
            note_both(&unchecked, &zone),
            "verborgene Bereiche nicht entfernt: /dev/sdb: no command path; hat das Laufwerk \
             einen, ist es nicht vollständig gelöscht / hidden areas not removed: /dev/sdb: no \
             command path; the drive is not fully erased if it has one"
        );
        let other = Note::Other {
            text: "firmware words".into(),
        };
        assert_eq!(note_both(&other, &zone), "firmware words");
    }

    #[test]
    fn firmware_notes_and_failures_read_in_both_languages() {
        let zone = LocalZone::default();
        let fell_back = Note::FirmwareFellBack {
            method: "nvme-sanitize-crypto".into(),
            reason: FirmwareFailure::Command {
                error: "Invalid Command Opcode".into(),
            },
        };
        assert_eq!(
            note_both(&fell_back, &zone),
            "nvme-sanitize-crypto fehlgeschlagen: Invalid Command Opcode; stattdessen \
             überschrieben (nur NIST SP 800-88 Clear) / nvme-sanitize-crypto failed: Invalid \
             Command Opcode; overwritten instead (NIST SP 800-88 Clear only)"
        );
        let unsupported = Note::FirmwareFellBack {
            method: "auto".into(),
            reason: FirmwareFailure::Unsupported {
                op: FirmwareOp::NvmeSanitizeCrypto,
            },
        };
        assert!(
            note_de(&unsupported, &zone).starts_with(
                "auto: das Laufwerk unterstützt Sanitize mit kryptografischem Löschen nicht; \
                 nichts geschrieben; stattdessen überschrieben"
            ),
            "{}",
            note_de(&unsupported, &zone)
        );
        let mut report: DriveReport = serde_json::from_value(serde_json::json!({
            "tool": "t", "drive": {"path": "/dev/sdb", "name": null, "model": null,
            "serial": null, "firmware": null, "vendor": null, "transport": null,
            "rotational": null, "size_bytes": 0, "logical_sector_size": 512,
            "physical_sector_size": 512},
            "method": {"name": "ata-secure-erase", "label": "x", "nist_category": "purge", "bsi_name": null},
            "verify_mode": "last", "passes_planned": 0,
            "started": "2026-12-06T16:05:09Z", "finished": "2026-12-06T16:05:09Z",
            "passes": [], "verification": "incomplete", "write_errors": [], "read_errors": [],
            "mismatches": [], "status": "failed",
            "error": "ata-secure-erase: the drive's security is frozen; nothing written",
            "notes": [], "resume_from": null
        }))
        .unwrap();
        // A report from before the typed reason: its words, in both languages' frame.
        assert_eq!(
            failed_both(&report).unwrap(),
            "fehlgeschlagen / failed: ata-secure-erase: the drive's security is frozen; nothing \
             written"
        );
        report.failure = Some(Failure::Firmware {
            method: "ata-secure-erase".into(),
            reason: FirmwareFailure::Frozen,
        });
        let both = failed_both(&report).unwrap();
        assert!(
            both.starts_with(
                "fehlgeschlagen: ata-secure-erase: die Sicherheitsfunktionen des Laufwerks sind \
                 eingefroren"
            ) && both.contains("rtcwake")
                && both.contains("; nichts geschrieben / failed: ata-secure-erase: the drive's security is frozen"),
            "{both}"
        );
        report.failure = Some(Failure::TooManyBadSectors { max: 64, pass: 2 });
        assert_eq!(
            failure_de(report.failure.as_ref().unwrap()),
            "aufgegeben: mehr als 64 defekte Sektoren in Durchgang 2 (ein sterbendes Laufwerk)"
        );
    }

    #[test]
    fn hidden_area_and_alignment_failures_read_in_both_languages() {
        let rescan = Failure::HiddenRescan {
            error: "asking the kernel to re-read the capacity (/sys/block/sdb/device/rescan) \
                    failed: Permission denied (os error 13)"
                .into(),
        };
        assert_eq!(
            failure_de(&rescan),
            "die verborgenen Bereiche wurden entfernt, aber der Kernel hat die Größe nicht neu \
             eingelesen (asking the kernel to re-read the capacity (/sys/block/sdb/device/rescan) \
             failed: Permission denied (os error 13)); nichts geschrieben"
        );
        assert_eq!(
            failure_en(&rescan),
            "the hidden areas were removed, but asking the kernel to re-read the capacity \
             (/sys/block/sdb/device/rescan) failed: Permission denied (os error 13); nothing \
             written"
        );
        let changed = tabula_wipe::target::TargetError::IdentityChanged {
            path: "/dev/sdb".into(),
            changes: vec![tabula_device::identity::IdentityChange::Size {
                was: 1 << 30,
                now: 1 << 29,
            }],
        };
        let resize = Failure::HiddenResize {
            size: 1 << 30,
            error: changed.to_string(),
            target: Some(changed.into()),
        };
        assert_eq!(
            failure_de(&resize),
            "nach dem Entfernen der verborgenen Bereiche meldet das Laufwerk 1073741824 Bytes, \
             aber der Kernel zeigt nicht dasselbe Laufwerk mit dieser Größe (/dev/sdb: nicht das \
             bestätigte Laufwerk: Größe 1073741824 Bytes ist jetzt 536870912 Bytes; nichts \
             geschrieben); nichts geschrieben"
        );
        assert!(failure_en(&resize).starts_with(
            "after removing the hidden areas the drive reports 1073741824 bytes, but the kernel"
        ));
        let misaligned = Failure::Misaligned {
            path: "/dev/sdb".into(),
            error: AlignmentError::ResumeMisaligned {
                offset: 1000,
                sector: 512,
            },
        };
        assert_eq!(
            failure_de(&misaligned),
            "/dev/sdb: der Fortsetzungspunkt (Byte 1000) ist kein Vielfaches der \
             512-Byte-Sektoren des Laufwerks; nichts geschrieben"
        );
        assert_eq!(
            failure_en(&misaligned),
            "/dev/sdb: resume offset 1000 is not a multiple of the drive's 512-byte logical \
             sector; nothing written"
        );
        // The typed reason survives the report's JSON.
        let json = serde_json::to_value(&misaligned).unwrap();
        assert_eq!(json["kind"], "misaligned");
        assert_eq!(json["error"]["kind"], "resume-misaligned");
        assert_eq!(serde_json::from_value::<Failure>(json).unwrap(), misaligned);
    }
}
