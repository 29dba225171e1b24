//! SMART data from `smartctl --json=c -a` (smartmontools 7.x JSON): serde types of our own with
//! every field optional and unknown fields ignored, and the summary the audit keeps.

use serde::{Deserialize, Serialize};

/// Why smartctl output could not be used.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SmartError {
    #[error("smartctl printed nothing")]
    Empty,
    #[error("smartctl output is not valid JSON")]
    Json(#[source] serde_json::Error),
}

/// The parts of smartctl's JSON document the audit reads.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct SmartctlJson {
    pub smartctl: Option<SmartctlInfo>,
    pub device: Option<DeviceInfo>,
    pub model_name: Option<String>,
    pub serial_number: Option<String>,
    pub firmware_version: Option<String>,
    pub rotation_rate: Option<u64>,
    pub smart_status: Option<SmartStatus>,
    pub power_on_time: Option<PowerOnTime>,
    pub power_cycle_count: Option<u64>,
    pub temperature: Option<Temperature>,
    pub ata_smart_attributes: Option<AtaAttributes>,
    pub nvme_smart_health_information_log: Option<NvmeHealth>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct SmartctlInfo {
    pub version: Option<Vec<u32>>,
    pub exit_status: Option<u32>,
    pub messages: Option<Vec<Message>>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct Message {
    pub string: Option<String>,
    pub severity: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct DeviceInfo {
    pub name: Option<String>,
    #[serde(rename = "type")]
    pub kind: Option<String>,
    pub protocol: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct SmartStatus {
    pub passed: Option<bool>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct PowerOnTime {
    pub hours: Option<u64>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct Temperature {
    pub current: Option<i64>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct AtaAttributes {
    pub table: Option<Vec<AtaAttribute>>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct AtaAttribute {
    pub id: Option<u32>,
    pub name: Option<String>,
    pub raw: Option<RawValue>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct RawValue {
    pub value: Option<u64>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct NvmeHealth {
    pub critical_warning: Option<u64>,
    pub temperature: Option<i64>,
    pub available_spare: Option<u64>,
    pub available_spare_threshold: Option<u64>,
    pub percentage_used: Option<u64>,
    pub power_cycles: Option<u64>,
    pub power_on_hours: Option<u64>,
    pub media_errors: Option<u64>,
}

/// Parses smartctl's JSON output. Fields may be missing or of unexpected shape only where serde
/// allows (`Option`); a document that is not JSON, or is truncated, is an error.
pub fn parse(bytes: &[u8]) -> Result<SmartctlJson, SmartError> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(SmartError::Empty);
    }
    serde_json::from_slice(bytes).map_err(SmartError::Json)
}

/// The overall SMART verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Health {
    Passed,
    Failed,
    Unknown,
}

/// What the audit keeps of one drive's SMART data.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SmartSummary {
    /// `ata`, `nvme`, `scsi` (smartctl's protocol, lower case).
    pub protocol: Option<String>,
    pub health: Option<Health>,
    pub model: Option<String>,
    pub serial: Option<String>,
    pub rotation_rate_rpm: Option<u64>,
    pub power_on_hours: Option<u64>,
    pub power_cycles: Option<u64>,
    pub temperature_c: Option<i64>,
    /// ATA 5 Reallocated_Sector_Ct.
    pub reallocated_sectors: Option<u64>,
    /// ATA 187 Reported_Uncorrect.
    pub reported_uncorrectable: Option<u64>,
    /// ATA 188 Command_Timeout.
    pub command_timeouts: Option<u64>,
    /// ATA 197 Current_Pending_Sector.
    pub pending_sectors: Option<u64>,
    /// ATA 198 Offline_Uncorrectable.
    pub offline_uncorrectable: Option<u64>,
    /// NVMe percentage of rated endurance used (may exceed 100).
    pub percentage_used: Option<u64>,
    /// NVMe available spare, percent.
    pub available_spare_pct: Option<u64>,
    pub media_errors: Option<u64>,
    /// smartctl's exit status bit mask (bit 0: bad command line, 1: device open failed, 2: a SMART
    /// command failed, 3: disk failing...).
    pub exit_status: Option<u32>,
    /// smartctl's messages (e.g. "Unknown USB bridge").
    pub messages: Vec<String>,
}

impl SmartSummary {
    /// Whether smartctl could read SMART data at all (not the case behind most USB bridges).
    pub fn has_data(&self) -> bool {
        self.health.is_some()
            || self.power_on_hours.is_some()
            || self.percentage_used.is_some()
            || self.reallocated_sectors.is_some()
    }
}

impl From<&SmartctlJson> for SmartSummary {
    fn from(j: &SmartctlJson) -> Self {
        let attr = |id: u32| {
            j.ata_smart_attributes
                .as_ref()
                .and_then(|a| a.table.as_ref())
                .and_then(|t| t.iter().find(|a| a.id == Some(id)))
                .and_then(|a| a.raw.as_ref())
                .and_then(|r| r.value)
        };
        let nvme = j.nvme_smart_health_information_log.as_ref();
        let health = j
            .smart_status
            .as_ref()
            .and_then(|s| s.passed)
            .map(|passed| {
                if passed {
                    Health::Passed
                } else {
                    Health::Failed
                }
            });
        let info = j.smartctl.as_ref();
        Self {
            protocol: j
                .device
                .as_ref()
                .and_then(|d| d.protocol.as_ref())
                .map(|p| p.to_ascii_lowercase()),
            health,
            model: j.model_name.clone(),
            serial: j.serial_number.clone(),
            rotation_rate_rpm: j.rotation_rate,
            power_on_hours: j
                .power_on_time
                .as_ref()
                .and_then(|p| p.hours)
                .or(nvme.and_then(|n| n.power_on_hours)),
            power_cycles: j.power_cycle_count.or(nvme.and_then(|n| n.power_cycles)),
            temperature_c: j
                .temperature
                .as_ref()
                .and_then(|t| t.current)
                .or(nvme.and_then(|n| n.temperature)),
            reallocated_sectors: attr(5),
            reported_uncorrectable: attr(187),
            command_timeouts: attr(188),
            pending_sectors: attr(197),
            offline_uncorrectable: attr(198),
            percentage_used: nvme.and_then(|n| n.percentage_used),
            available_spare_pct: nvme.and_then(|n| n.available_spare),
            media_errors: nvme.and_then(|n| n.media_errors),
            exit_status: info.and_then(|i| i.exit_status),
            messages: info
                .and_then(|i| i.messages.as_ref())
                .map(|m| m.iter().filter_map(|m| m.string.clone()).collect())
                .unwrap_or_default(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_fields_and_wrong_shapes_of_unread_fields_are_fine() {
        let j = parse(br#"{"new_field":{"x":[1,2]},"power_cycle_count":12,"ata_smart_attributes":{"table":[{"id":5}]}}"#)
            .unwrap();
        let s = SmartSummary::from(&j);
        assert_eq!(s.power_cycles, Some(12));
        assert_eq!(s.reallocated_sectors, None);
        assert_eq!(s.health, None);
        assert!(!s.has_data());
    }

    #[test]
    fn truncated_and_garbage_are_clear_errors() {
        assert!(matches!(parse(b""), Err(SmartError::Empty)));
        assert!(matches!(parse(b" \n"), Err(SmartError::Empty)));
        let err = parse(br#"{"smartctl":{"version":[7,3]"#).unwrap_err();
        assert!(
            matches!(err, SmartError::Json(ref e) if e.is_eof()),
            "{err:?}"
        );
        let err = parse(b"\x00\xffgarbage").unwrap_err();
        assert!(matches!(err, SmartError::Json(ref e) if e.is_syntax()));
        assert_eq!(err.to_string(), "smartctl output is not valid JSON");
    }
}
