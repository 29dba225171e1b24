//! Certificate schema, version 1 (minor 2).
//!
//! The fields follow NIST SP 800-88 Rev. 1, Appendix G ("Certificate of Sanitization"): who
//! sanitised (operator, organisation, site), which tool (station, Tabula version, live image),
//! the media (one [`DriveRecord`] per drive), the method and its NIST category, the verification,
//! and the outcome. The BSI method name is recorded beside the NIST category where one applies.
//!
//! This module is the versioned contract that auditors read years later. Its rules:
//!
//! - `schema_version` is the major version: it changes (with the payload type) only when a field
//!   changes meaning or goes away. Readers refuse a major version they do not know.
//! - `schema_minor` counts additions: a new field is always optional (absent means what the
//!   older minor version said), and the minor version goes up by one. A v1.0 certificate has no
//!   `schema_minor` and still verifies; a reader refuses a minor version newer than its own,
//!   since it could not show the new fields.
//!
//! Every struct rejects unknown fields, so what `tabula cert show` prints is exactly what was
//! signed. Minor versions: 1.0 the first; 1.1 `continues` (a resumed wipe names the interrupted
//! certificate it continues) and `passes[].number` (passes numbered as the method does); 1.2
//! `drives[].firmware_erase` (the drive's own erase and its check), the NIST category `none`,
//! and `hidden_areas.before`/`.after` (the drive's sizes in sectors around the removal).

use chrono::{DateTime, SecondsFormat, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// The DSSE `payloadType` of a signed certificate.
pub const PAYLOAD_TYPE: &str = "application/vnd.tabula.wipe-certificate.v1+json";

/// The schema's major version: the one this crate writes and the only one it accepts.
pub const SCHEMA_VERSION: u32 = 1;

/// The schema's minor version this crate writes; it reads every minor version up to this one.
pub const SCHEMA_MINOR: u32 = 2;

/// A certificate of sanitisation for one machine and its drives (schema v1).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub struct Certificate {
    /// Always [`SCHEMA_VERSION`] for certificates this crate writes.
    pub schema_version: u32,
    /// The minor version ([`SCHEMA_MINOR`] when written); absent (0) in v1.0 certificates.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub schema_minor: u32,
    /// Unique id, a UUID v7 (time-ordered). Also the file name: `<id>.tabula.json`.
    pub id: Uuid,
    /// The issuing organisation (e.g. "Stadt Leipzig, Amt für Schule").
    pub organisation: String,
    /// The site where the wipe took place.
    pub site: String,
    /// The technician who ran the wipe (name or staff id).
    pub operator: String,
    /// The station (appliance) that wiped and signed.
    pub station: Station,
    /// When the first drive's wipe started (UTC, RFC 3339).
    #[serde(with = "rfc3339")]
    pub started: DateTime<Utc>,
    /// When the last drive's wipe finished (UTC, RFC 3339).
    #[serde(with = "rfc3339")]
    pub finished: DateTime<Utc>,
    /// The machine the drives came from.
    pub machine: Machine,
    /// One record per drive.
    pub drives: Vec<DriveRecord>,
    /// The overall result; see [`Status::overall`].
    pub result: Status,
    /// Free text from the operator (may be empty).
    pub remark: String,
    /// A resumed wipe: the id of the interrupted certificate it continues (since 1.1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub continues: Option<Uuid>,
}

impl Certificate {
    /// A new, empty certificate with a fresh UUID v7 id, the current schema version and both
    /// timestamps set to now (whole seconds). The caller fills in the rest.
    pub fn new() -> Self {
        let now = now_seconds();
        Self {
            schema_version: SCHEMA_VERSION,
            schema_minor: SCHEMA_MINOR,
            id: Uuid::now_v7(),
            organisation: String::new(),
            site: String::new(),
            operator: String::new(),
            station: Station::default(),
            started: now,
            finished: now,
            machine: Machine::default(),
            drives: Vec::new(),
            result: Status::Failed,
            remark: String::new(),
            continues: None,
        }
    }

    /// The transport file name of this certificate: `<id>.tabula.json`.
    pub fn file_name(&self) -> String {
        format!("{}.tabula.json", self.id)
    }
}

impl Default for Certificate {
    fn default() -> Self {
        Self::new()
    }
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}

/// The current time truncated to whole seconds, as certificates record it.
pub fn now_seconds() -> DateTime<Utc> {
    let now = Utc::now();
    DateTime::from_timestamp(now.timestamp(), 0).unwrap_or(now)
}

/// The wiping station.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub struct Station {
    /// Station id (e.g. host name or inventory number).
    pub id: String,
    /// `sha256:<hex>` of the station key's SPKI DER; see [`crate::PublicKey::fingerprint`].
    pub key_fingerprint: String,
    /// Version of the Tabula software that wiped.
    pub tabula_version: String,
    /// Id of the live image the station booted (e.g. its build id or digest).
    pub image_id: String,
}

/// The machine the drives were in.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub struct Machine {
    /// System vendor (SMBIOS type 1).
    pub vendor: String,
    /// Product name / model (SMBIOS type 1).
    pub model: String,
    /// System serial number (SMBIOS type 1).
    pub serial: String,
    /// System UUID (SMBIOS type 1), as text.
    pub uuid: String,
    /// Chassis type (SMBIOS type 3), e.g. "notebook", "desktop".
    pub chassis: String,
    /// `blake3:<hex>` over the RFC 8785 form of the full audit document; see
    /// [`crate::audit_digest`]. The audit travels beside the certificate in the bundle.
    pub audit_digest: String,
    /// Whether a Windows product key was found, with its digest. Never the key itself.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub windows_product_key: Option<ProductKeyNote>,
}

/// A Windows product key recorded by presence and digest only (never the key).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub struct ProductKeyNote {
    /// `blake3:<hex>` of the key's ASCII bytes (as the audit's `key_blake3` records it), so
    /// a known key can be matched without storing it.
    pub digest: String,
}

impl ProductKeyNote {
    /// Record a product key by its BLAKE3 digest (of the trimmed, upper-case key). The key
    /// itself is not kept.
    pub fn from_key(key: &str) -> Self {
        let normalised = key.trim().to_ascii_uppercase();
        Self::from_blake3_hex(blake3::hash(normalised.as_bytes()).to_hex().as_str())
    }

    /// Record a key by a BLAKE3 digest computed elsewhere (the audit's `key_blake3`, bare
    /// lower-case hex); adds the `blake3:` prefix unless it is there already.
    pub fn from_blake3_hex(hex: &str) -> Self {
        let hex = hex
            .trim()
            .trim_start_matches("blake3:")
            .to_ascii_lowercase();
        Self {
            digest: format!("blake3:{hex}"),
        }
    }
}

/// Status of one drive, and the overall result of a certificate.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    /// Every sector was overwritten (or purged) and verification passed.
    Erased,
    /// Erased, but some ranges could not be written or verified (see `error_ranges`).
    ErasedWithErrors,
    /// The wipe failed (also the default: nothing proven yet).
    #[default]
    Failed,
    /// The wipe was interrupted (power, operator, removal) before it finished.
    Interrupted,
}

impl Status {
    /// The kebab-case name used in the JSON (`erased`, `erased-with-errors`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Erased => "erased",
            Self::ErasedWithErrors => "erased-with-errors",
            Self::Failed => "failed",
            Self::Interrupted => "interrupted",
        }
    }

    /// The overall result of several drives: the worst of them. No drives at all is `failed`
    /// (nothing was proven). Order from best to worst: erased, erased-with-errors, interrupted,
    /// failed.
    pub fn overall<I: IntoIterator<Item = Status>>(statuses: I) -> Status {
        let mut worst: Option<Status> = None;
        for status in statuses {
            worst = Some(match worst {
                None => status,
                Some(current) if status.rank() > current.rank() => status,
                Some(current) => current,
            });
        }
        worst.unwrap_or(Status::Failed)
    }

    fn rank(self) -> u8 {
        match self {
            Self::Erased => 0,
            Self::ErasedWithErrors => 1,
            Self::Interrupted => 2,
            Self::Failed => 3,
        }
    }
}

impl std::fmt::Display for Status {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One drive: what it is, how it was sanitised, how that was verified, and the outcome.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub struct DriveRecord {
    /// Model string as reported by the drive.
    pub model: String,
    /// Serial number as reported by the drive.
    pub serial: String,
    /// Firmware revision.
    pub firmware: String,
    /// Capacity in bytes (the whole user-addressable area after any HPA/DCO was handled).
    pub size_bytes: u64,
    /// Media type: `hdd`, `ssd`, `nvme`, `flash`, or another short lower-case word.
    pub media_type: String,
    /// Transport: `sata`, `sas`, `nvme`, `usb`, `mmc`, `virtio`, or another short word.
    pub transport: String,
    /// The sanitisation method.
    pub method: Method,
    /// How the result was verified.
    pub verification: Verification,
    /// Byte ranges that could not be written or verified.
    pub error_ranges: Vec<ErrorRange>,
    /// Host Protected Area / Device Configuration Overlay state, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hidden_areas: Option<HiddenAreas>,
    /// The drive's own erase (NVMe Format/Sanitize, ATA SECURITY ERASE/SANITIZE, SCSI
    /// SANITIZE): the commands sent with the drive's status, and how it was checked. Absent
    /// when no firmware erase was planned (and in certificates from before it existed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub firmware_erase: Option<FirmwareErase>,
    /// One entry per pass, in order.
    pub passes: Vec<PassRecord>,
    /// Final status of this drive.
    pub status: Status,
}

impl DriveRecord {
    /// The passes with their numbers in the method: the recorded `number`, else (v1.0, where
    /// every wipe started at the first pass) the position.
    pub fn numbered_passes(&self) -> impl Iterator<Item = (u32, &PassRecord)> {
        self.passes.iter().enumerate().map(|(i, p)| {
            let position = u32::try_from(i + 1).unwrap_or(u32::MAX);
            (p.number.unwrap_or(position), p)
        })
    }

    /// How a pass is numbered for people: `5/7`, or `5` when the method has no pass count.
    pub fn pass_label(&self, number: u32) -> String {
        if self.method.passes > 0 {
            format!("{number}/{}", self.method.passes)
        } else {
            number.to_string()
        }
    }
}

/// The sanitisation method applied to a drive.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub struct Method {
    /// Tabula's method name (e.g. `zero`, `random`, `bsi-vsitr`, `nvme-sanitize-crypto`).
    pub name: String,
    /// Number of overwrite passes (0 for firmware commands such as block erase).
    pub passes: u32,
    /// The patterns in pass order (e.g. `0x00`, `random`, `0xff`).
    pub patterns: Vec<String>,
    /// The NIST SP 800-88 Rev. 1 category the method achieves for this media.
    pub nist_category: NistCategory,
    /// The BSI method name where one applies (e.g. "BSI-VSITR"), else absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bsi_method: Option<String>,
}

/// A firmware erase and its check.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub struct FirmwareErase {
    /// The operation by its method name (`nvme-sanitize-crypto`, `ata-secure-erase-enhanced`).
    pub operation: String,
    /// Every command sent, in order, with the drive's answer.
    pub commands: Vec<FirmwareCommand>,
    /// The drive's state read back afterwards confirmed the erase completed.
    pub confirmed: bool,
    /// The erase failed or was not confirmed by its check, and the drive was overwritten instead.
    pub fell_back_to_overwrite: bool,
    /// Random canary blocks written before the erase and read back after it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub canaries: Option<CanaryCheck>,
    /// The share of the drive read after the erase, and what it read as.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sampling: Option<Sampling>,
}

/// One firmware command and the drive's answer.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub struct FirmwareCommand {
    /// The command in the specification's words (`FORMAT NVM SES=1`).
    pub command: String,
    /// The drive's status in plain words (`success`, `Invalid Command Opcode (0x0001)`).
    pub status: String,
    /// The drive reported success.
    pub ok: bool,
}

/// Canaries: how many were written before the erase and how many survived it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub struct CanaryCheck {
    /// Canaries written (each `block_bytes` of random data at a sampled LBA).
    pub written: u32,
    /// Bytes per canary.
    pub block_bytes: u32,
    /// Canaries still there after the erase (0 for a drive that erased).
    pub survived: u32,
    /// Canaries that could not be read after the erase.
    pub unreadable: u32,
}

/// The sampling read after a firmware erase.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub struct Sampling {
    /// The share of the drive asked for, in parts per million (10000 = 1 %).
    pub share_ppm: u32,
    /// Samples read (evenly spread, random within their stretch of the drive).
    pub samples: u64,
    /// Bytes read.
    pub bytes_read: u64,
    /// What the samples read as: `zeros`, `ones`, `random`, `mixed` (of those three) or
    /// `data` (something else: leftover data or a pattern).
    pub reads_as: String,
    /// Samples that held something else than zeros, ones or random bytes.
    pub other: u64,
    /// Samples that could not be read.
    pub unreadable: u64,
}

/// NIST SP 800-88 Rev. 1 sanitisation category.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum NistCategory {
    /// Logical techniques on all user-addressable locations (e.g. overwrite).
    #[default]
    Clear,
    /// Physical or logical techniques that make recovery infeasible with state-of-the-art
    /// laboratory techniques (e.g. sanitize block/crypto erase, secure erase).
    Purge,
    /// No category was reached: the wipe failed, stopped, or its check found data.
    None,
}

impl NistCategory {
    /// The category's name as NIST writes it ("Clear", "Purge").
    pub fn label(self) -> &'static str {
        match self {
            Self::Clear => "Clear",
            Self::Purge => "Purge",
            Self::None => "none reached",
        }
    }
}

/// Verification of a drive after sanitisation.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub struct Verification {
    /// How much was read back.
    pub mode: VerificationMode,
    /// What the read-back found.
    pub outcome: VerificationOutcome,
    /// Bytes read back and compared.
    pub bytes_checked: u64,
}

/// How much of a drive was read back.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum VerificationMode {
    /// Not verified.
    #[default]
    None,
    /// A sample of the drive (NIST's "quick" or sampling verification).
    Sample,
    /// Every byte.
    Full,
}

impl VerificationMode {
    /// The JSON name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::None => "none",
            Self::Sample => "sample",
            Self::Full => "full",
        }
    }
}

/// Result of the verification read-back.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum VerificationOutcome {
    /// Everything read back matched.
    Passed,
    /// Some data did not match or could not be read.
    Failed,
    /// Verification did not run.
    #[default]
    NotRun,
}

impl VerificationOutcome {
    /// The JSON name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Passed => "passed",
            Self::Failed => "failed",
            Self::NotRun => "not-run",
        }
    }
}

/// A byte range that could not be written or verified.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub struct ErrorRange {
    /// Offset of the first byte.
    pub offset: u64,
    /// Length in bytes.
    pub length: u64,
    /// What went wrong (e.g. "write: EIO", "verify: mismatch").
    pub error: String,
}

/// State of the drive's hidden areas.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub struct HiddenAreas {
    /// Host Protected Area.
    pub hpa: HiddenAreaState,
    /// Device Configuration Overlay.
    pub dco: HiddenAreaState,
    /// 1.2: the drive's sizes before the wipe, when it was asked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub before: Option<HiddenSectors>,
    /// 1.2: the drive's sizes after the hidden areas were removed (or the wipe), when it was
    /// asked again.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub after: Option<HiddenSectors>,
}

impl HiddenAreas {
    /// The visible sizes before and after, for people: `sectors 976771055 before, 976773168
    /// after`.
    pub fn sectors_text(&self) -> Option<String> {
        let part =
            |when: &str, s: Option<HiddenSectors>| s.map(|s| format!("{} {when}", s.visible));
        let parts: Vec<String> = [part("before", self.before), part("after", self.after)]
            .into_iter()
            .flatten()
            .collect();
        (!parts.is_empty()).then(|| format!("sectors {}", parts.join(", ")))
    }
}

/// A drive's sizes as it reported them, in sectors (1.2).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub struct HiddenSectors {
    /// What the host could address (current max LBA + 1).
    pub visible: u64,
    /// The native max LBA + 1 (READ NATIVE MAX ADDRESS), when the drive answered; above
    /// `visible` while an HPA is set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub native: Option<u64>,
    /// The factory max LBA + 1 a DCO allows, when the drive answered; above `native` while a
    /// DCO hides sectors.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dco: Option<u64>,
}

/// State of one hidden area (HPA or DCO).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum HiddenAreaState {
    /// Could not be determined (e.g. not an ATA drive).
    #[default]
    Unknown,
    /// None configured.
    Absent,
    /// Was present and was removed before the wipe, so it was wiped too.
    Removed,
    /// Is present and was not wiped.
    Present,
}

impl HiddenAreaState {
    /// The JSON name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Unknown => "unknown",
            Self::Absent => "absent",
            Self::Removed => "removed",
            Self::Present => "present",
        }
    }
}

/// One pass over a drive.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub struct PassRecord {
    /// The pattern written (same notation as [`Method::patterns`]).
    pub pattern: String,
    /// When the pass started (UTC).
    #[serde(with = "rfc3339")]
    pub started: DateTime<Utc>,
    /// When the pass finished (UTC).
    #[serde(with = "rfc3339")]
    pub finished: DateTime<Utc>,
    /// Bytes written in this pass.
    pub bytes_written: u64,
    /// The pass's number in the method, from 1 (since 1.1): a resumed wipe's first pass may be
    /// pass 5 of 7. Absent in v1.0, where the position in `passes` is the number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub number: Option<u32>,
}

/// Lower-case hex of bytes.
pub(crate) fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(out, "{b:02x}");
    }
    out
}

/// RFC 3339 timestamps in UTC with a `Z` and whole seconds when there are no fractions.
pub(crate) mod rfc3339 {
    use super::{DateTime, SecondsFormat, Utc};
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(t: &DateTime<Utc>, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&t.to_rfc3339_opts(SecondsFormat::AutoSi, true))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<DateTime<Utc>, D::Error> {
        let text = String::deserialize(d)?;
        DateTime::parse_from_rfc3339(&text)
            .map(|t| t.with_timezone(&Utc))
            .map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn product_key_note_matches_the_audit_digest() {
        let key = "VK7JG-NPHTM-C97JM-9MPGT-3V66T";
        let audit_hex = blake3::hash(key.as_bytes()).to_hex().to_string();
        let note = ProductKeyNote::from_key(" vk7jg-nphtm-c97jm-9mpgt-3v66t\n");
        assert_eq!(note, ProductKeyNote::from_blake3_hex(&audit_hex));
        assert_eq!(
            note,
            ProductKeyNote::from_blake3_hex(&format!("blake3:{audit_hex}"))
        );
        assert!(!note.digest.contains("VK7JG"));
    }

    #[test]
    fn overall_status_is_the_worst() {
        use Status::*;
        assert_eq!(Status::overall([]), Failed);
        assert_eq!(Status::overall([Erased, Erased]), Erased);
        assert_eq!(
            Status::overall([Erased, ErasedWithErrors]),
            ErasedWithErrors
        );
        assert_eq!(
            Status::overall([Interrupted, ErasedWithErrors]),
            Interrupted
        );
        assert_eq!(Status::overall([Failed, Interrupted, Erased]), Failed);
    }

    #[test]
    fn statuses_use_kebab_case() {
        assert_eq!(
            serde_json::to_string(&Status::ErasedWithErrors).unwrap(),
            "\"erased-with-errors\""
        );
        assert_eq!(
            serde_json::to_string(&VerificationOutcome::NotRun).unwrap(),
            "\"not-run\""
        );
    }
}
