//! The words of the plain-text rendering ([`super::render_text_with`]): labels, fixed phrases,
//! sizes and times. [`ENGLISH`] is this crate's (the output of [`super::render_text`]); other
//! languages come from the front end's catalogue, so the crate stays language-free.

use chrono::{DateTime, Utc};

use crate::schema::{
    CanaryCheck, HiddenAreaState, HiddenAreas, Sampling, Status, VerificationMode,
    VerificationOutcome,
};

/// Everything the text rendering says in words. Labels must fit their column: [`Words::width`]
/// characters for the certificate's facts, 20 for a drive's.
#[derive(Debug)]
pub struct Words {
    /// The width of the certificate's label column (a caller's lines before the text use it too).
    pub width: usize,
    /// The certificate's labels: certificate, result, schema, continues, organisation, site,
    /// operator, started, finished, station, station key, machine, serial, system UUID, audit
    /// digest, Windows key, remark, drives.
    pub labels: [&'static str; 18],
    /// A drive's labels: serial, firmware, size, type, method, NIST SP 800-88, BSI method,
    /// verification, hidden areas, firmware erase, command, canaries, sampling, error range.
    pub drive_labels: [&'static str; 14],
    /// A result in capitals: the certificate's and each drive's.
    pub status: fn(Status) -> String,
    /// The interrupted certificate this one continues: (its id).
    pub continues: fn(&str) -> String,
    /// (station id, Tabula version, image id).
    pub station: fn(&str, &str, &str) -> String,
    /// A Windows key is recorded: (its digest).
    pub windows_key: fn(&str) -> String,
    /// (media type, transport).
    pub media: fn(&str, &str) -> String,
    /// (method name, passes).
    pub method: fn(&str, u32) -> String,
    /// (mode, outcome, size checked).
    pub verification: fn(VerificationMode, VerificationOutcome, &str) -> String,
    pub hidden_state: fn(HiddenAreaState) -> &'static str,
    /// Where a hidden area begins, in sectors.
    pub hidden_sectors: fn(&HiddenAreas) -> Option<String>,
    /// (operation, confirmed by the drive, overwritten instead).
    pub firmware_erase: fn(&str, bool, bool) -> String,
    pub canaries: fn(&CanaryCheck) -> String,
    /// (sampling, share in percent, size read).
    pub sampling: fn(&Sampling, &str, &str) -> String,
    /// (offset, length, error).
    pub error_range: fn(u64, u64, &str) -> String,
    /// A pass's label: (number, e.g. `5/7`).
    pub pass: fn(&str) -> String,
    /// (pattern, started, finished, seconds, size written).
    pub pass_line: fn(&str, &str, &str, i64, &str) -> String,
    /// A size with the exact byte count.
    pub bytes: fn(u64) -> String,
    /// A time as people read it.
    pub time: fn(&DateTime<Utc>) -> String,
    /// A share in percent ("0.25", "0,25").
    pub percent: fn(u32) -> String,
}

/// The words of [`super::render_text`]: English, times in RFC 3339 UTC as in the JSON.
pub const ENGLISH: Words = Words {
    width: 16,
    labels: [
        "Certificate",
        "Result",
        "Schema",
        "Continues",
        "Organisation",
        "Site",
        "Operator",
        "Started",
        "Finished",
        "Station",
        "Station key",
        "Machine",
        "Serial",
        "System UUID",
        "Audit digest",
        "Windows key",
        "Remark",
        "Drives",
    ],
    drive_labels: [
        "Serial",
        "Firmware",
        "Size",
        "Type",
        "Method",
        "NIST SP 800-88",
        "BSI method",
        "Verification",
        "Hidden areas",
        "Firmware erase",
        "Command",
        "Canaries",
        "Sampling",
        "Error range",
    ],
    status: |s| s.as_str().to_uppercase(),
    continues: |id| format!("{id} (interrupted wipe)"),
    station: |id, version, image| format!("{id} (Tabula {version}, image {image})"),
    windows_key: |digest| format!("present, {digest}"),
    media: |media, transport| format!("{media} via {transport}"),
    method: |name, passes| format!("{name}, {passes} pass(es)"),
    verification: |mode, outcome, checked| {
        format!("{}, {}, {checked} checked", mode.as_str(), outcome.as_str())
    },
    hidden_state: HiddenAreaState::as_str,
    hidden_sectors: HiddenAreas::sectors_text,
    firmware_erase: |operation, confirmed, fell_back| {
        format!(
            "{operation}, {}{}",
            if confirmed {
                "confirmed by the drive"
            } else {
                "not confirmed"
            },
            if fell_back {
                ", overwritten instead"
            } else {
                ""
            }
        )
    },
    canaries: |c| {
        let mut text = format!(
            "{} written ({} bytes each), {} survived",
            c.written, c.block_bytes, c.survived
        );
        if c.unreadable > 0 {
            text.push_str(&format!(", {} unreadable", c.unreadable));
        }
        text
    },
    sampling: |s, share, read| {
        let mut text = format!(
            "{share} % of the drive, {} samples ({read}): reads as {}",
            s.samples, s.reads_as
        );
        if s.other > 0 {
            text.push_str(&format!(", {} sample(s) held data", s.other));
        }
        if s.unreadable > 0 {
            text.push_str(&format!(", {} unreadable", s.unreadable));
        }
        text
    },
    error_range: |offset, length, error| format!("offset {offset} length {length}: {error}"),
    pass: |number| format!("Pass {number}"),
    pass_line: |pattern, started, finished, secs, bytes| {
        format!("{pattern} {started} .. {finished} ({secs} s, {bytes})")
    },
    bytes: super::human_bytes,
    time: super::timestamp,
    percent: super::share_percent,
};
