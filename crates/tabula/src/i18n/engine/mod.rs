//! The wipe engine's typed failures in words: why a drive failed
//! (`tabula_wipe::report::Failure`, worded by the station, which writes it into certificates in
//! both languages), and why a wipe target did not open (`tabula_wipe::target::TargetError`).
//! A block of its own in both catalogues ([`de::ENGINE`], [`en::ENGINE`]).

pub mod de;
pub mod en;

use tabula_device::capabilities::FirmwareOp;
use tabula_wipe::report::{DriveReport, Failure};
use tabula_wipe::target::TargetError;

#[derive(Debug)]
pub struct Engine {
    /// Why a drive failed.
    pub failure: fn(&Failure) -> String,
    /// Why a wipe target did not open (the system's error text follows as the next cause).
    pub target: fn(&TargetError) -> String,
    /// A firmware erase operation's name ("Sanitize crypto erase").
    pub operation: fn(FirmwareOp) -> String,
    /// An interrupted wipe `resume` left for later: (wipe id, why).
    pub not_resumed: fn(id: &str, reason: &str) -> String,
}

/// An interrupted wipe left for later, in the current language.
pub fn not_resumed(n: &tabula_station::job::NotResumed) -> String {
    (super::t().engine.not_resumed)(&n.id, &n.reason)
}

/// Why the drive of `report` failed, in the current language: its typed reason, else the
/// engine's words (older reports, failures not typed yet); `None` when it did not fail.
pub fn drive_error(report: &DriveReport) -> Option<String> {
    match (&report.failure, &report.error) {
        (Some(f), _) => Some((super::t().engine.failure)(f)),
        (None, error) => error.clone(),
    }
}

/// A drive report that failed for `failure` (for tests of the screens that show it).
#[cfg(test)]
#[allow(clippy::unwrap_used)]
pub fn failed_report(path: &str, failure: Failure) -> DriveReport {
    let mut r: DriveReport = serde_json::from_value(serde_json::json!({
        "tool": "tabula-wipe test", "drive": {"path": path, "name": null, "model": null,
        "serial": null, "firmware": null, "vendor": null, "transport": null,
        "rotational": null, "size_bytes": 0, "logical_sector_size": 512,
        "physical_sector_size": 512},
        "method": {"name": "auto", "label": "auto", "nist_category": "purge", "bsi_name": null},
        "verify_mode": "last", "passes_planned": 0,
        "started": "2026-12-06T16:05:09Z", "finished": "2026-12-06T16:05:09Z",
        "passes": [], "verification": "incomplete", "write_errors": [], "read_errors": [],
        "mismatches": [], "status": "failed", "error": null, "notes": [], "resume_from": null
    }))
    .unwrap();
    r.error = Some(failure.to_string());
    r.failure = Some(failure);
    r
}

#[cfg(test)]
mod tests {
    use tabula_wipe::report::FirmwareFailure;

    use super::*;
    use crate::i18n::{Language, set_thread_language};

    #[test]
    fn a_typed_failure_reads_in_the_language_and_old_words_stay() {
        let failure = Failure::Firmware {
            method: "nvme-format".into(),
            reason: FirmwareFailure::NotConfirmed,
        };
        let mut report = failed_report("/dev/nvme0n1", failure);
        set_thread_language(Language::De);
        assert_eq!(
            drive_error(&report).unwrap(),
            "nvme-format: das Laufwerk hat das Löschen nicht bestätigt"
        );
        set_thread_language(Language::En);
        assert_eq!(
            drive_error(&report).unwrap(),
            "nvme-format: the drive did not confirm the erase"
        );
        report.failure = None;
        report.error = Some("older words".into());
        set_thread_language(Language::De);
        assert_eq!(drive_error(&report).unwrap(), "older words");
        let skipped = tabula_station::job::NotResumed {
            id: "0193".into(),
            reason: "the drive is gone".into(),
        };
        assert_eq!(
            not_resumed(&skipped),
            "Löschung 0193 nicht fortgesetzt: the drive is gone; ihr Journal bleibt für ein \
             späteres `tabula resume`"
        );
        set_thread_language(Language::En);
        assert_eq!(not_resumed(&skipped), skipped.to_string());
    }
}
