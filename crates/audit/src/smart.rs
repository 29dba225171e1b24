//! SMART data from `smartctl --json=c -a` (smartmontools 7.x JSON): serde types of our own with
//! every field optional and unknown fields ignored, and the summary the audit keeps.

use std::collections::BTreeMap;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer, Serialize};

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
    // Read leniently: a field of another shape than expected is absent, not a broken document
    // (smartctl's JSON has changed between 6.7 and 7.5).
    #[serde(default, deserialize_with = "lenient")]
    pub ata_device_statistics: Option<DeviceStatistics>,
    /// smartctl 7.3+: `scsi_model_name`; before, only vendor and product.
    #[serde(default, deserialize_with = "lenient")]
    pub scsi_model_name: Option<String>,
    #[serde(default, deserialize_with = "lenient")]
    pub scsi_vendor: Option<String>,
    #[serde(default, deserialize_with = "lenient")]
    pub scsi_product: Option<String>,
    #[serde(default, deserialize_with = "lenient")]
    pub scsi_grown_defect_list: Option<u64>,
    #[serde(default, deserialize_with = "lenient")]
    pub scsi_pending_defects: Option<ScsiPending>,
    #[serde(default, deserialize_with = "lenient")]
    pub scsi_error_counter_log: Option<ScsiErrorLog>,
    /// smartctl 7.3+: `temperature_1` ... with `current` where `temperature.current` reads 0.
    #[serde(default, deserialize_with = "lenient")]
    pub scsi_environmental_reports: Option<BTreeMap<String, EnvironmentalReport>>,
}

/// A field that does not have the expected shape is treated as absent.
fn lenient<'de, D: Deserializer<'de>, T: DeserializeOwned>(d: D) -> Result<Option<T>, D::Error> {
    let value = serde_json::Value::deserialize(d)?;
    Ok(serde_json::from_value(value).ok())
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct DeviceStatistics {
    pub pages: Option<Vec<StatisticsPage>>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct StatisticsPage {
    pub table: Option<Vec<Statistic>>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct Statistic {
    pub name: Option<String>,
    pub value: Option<i64>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct ScsiPending {
    pub count: Option<u64>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct ScsiErrorLog {
    pub read: Option<ScsiErrorCounters>,
    pub write: Option<ScsiErrorCounters>,
    pub verify: Option<ScsiErrorCounters>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct ScsiErrorCounters {
    pub total_uncorrected_errors: Option<u64>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct EnvironmentalReport {
    pub current: Option<i64>,
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
    /// The normalised value (for wear attributes: percent of life left).
    #[serde(default, deserialize_with = "lenient")]
    pub value: Option<u64>,
    pub raw: Option<RawValue>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct RawValue {
    pub value: Option<u64>,
    #[serde(default, deserialize_with = "lenient")]
    pub string: Option<String>,
}

impl RawValue {
    /// The count a raw value stands for. Several vendors pack more than one counter into the
    /// 48-bit raw value (Seagate's Command_Timeout prints "2 2 2"; temperatures "36 (Min/Max
    /// 30/48)"): smartctl's text then starts with the count that matters, so that is read
    /// first; the packed number is only used when there is no text.
    pub fn count(&self) -> Option<u64> {
        let leading = self.string.as_deref().and_then(|t| {
            let digits: String = t
                .trim_start()
                .chars()
                .take_while(char::is_ascii_digit)
                .collect();
            digits.parse().ok()
        });
        leading.or(self.value)
    }
}

/// ATA attributes whose normalised value is the percentage of rated life left, by name (the
/// same id means different things at different vendors).
const WEAR_ATTRIBUTES: &[&str] = &[
    "Wear_Leveling_Count",
    "SSD_Life_Left",
    "Media_Wearout_Indicator",
    "Percent_Lifetime_Remain",
    "Remaining_Lifetime_Perc",
    "Percent_Life_Remaining",
];

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
    /// Percentage of rated endurance used (may exceed 100): NVMe's health log, else the ATA
    /// device statistics' "Percentage Used Endurance Indicator", else 100 minus the normalised
    /// value of a wear attribute.
    pub percentage_used: Option<u64>,
    /// SCSI grown defect list: sectors remapped since the factory.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grown_defects: Option<u64>,
    /// SCSI uncorrected read + write + verify errors.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uncorrected_errors: Option<u64>,
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
            || self.grown_defects.is_some()
    }
}

impl From<&SmartctlJson> for SmartSummary {
    fn from(j: &SmartctlJson) -> Self {
        let table = j
            .ata_smart_attributes
            .as_ref()
            .and_then(|a| a.table.as_deref())
            .unwrap_or_default();
        let attr = |id: u32| {
            table
                .iter()
                .find(|a| a.id == Some(id))
                .and_then(|a| a.raw.as_ref())
                .and_then(RawValue::count)
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
            model: model(j),
            serial: j.serial_number.clone(),
            rotation_rate_rpm: j.rotation_rate,
            power_on_hours: j
                .power_on_time
                .as_ref()
                .and_then(|p| p.hours)
                .or(nvme.and_then(|n| n.power_on_hours)),
            power_cycles: j.power_cycle_count.or(nvme.and_then(|n| n.power_cycles)),
            temperature_c: scsi_temperature(j)
                .or(j.temperature.as_ref().and_then(|t| t.current))
                .or(nvme.and_then(|n| n.temperature)),
            reallocated_sectors: attr(5),
            grown_defects: j.scsi_grown_defect_list,
            uncorrected_errors: scsi_uncorrected(j),
            reported_uncorrectable: attr(187),
            command_timeouts: attr(188),
            pending_sectors: attr(197).or(j.scsi_pending_defects.as_ref().and_then(|p| p.count)),
            offline_uncorrectable: attr(198),
            percentage_used: nvme
                .and_then(|n| n.percentage_used)
                .or_else(|| statistics_used(j))
                .or_else(|| attribute_used(table)),
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

/// The model: ATA and NVMe `model_name`; SCSI `scsi_model_name` (7.3+) or vendor and product.
fn model(j: &SmartctlJson) -> Option<String> {
    fn clean(s: &Option<String>) -> Option<&str> {
        s.as_deref().map(str::trim).filter(|s| !s.is_empty())
    }
    if let Some(m) = clean(&j.model_name).or(clean(&j.scsi_model_name)) {
        return Some(m.to_owned());
    }
    match (clean(&j.scsi_vendor), clean(&j.scsi_product)) {
        (Some(v), Some(p)) => Some(format!("{v} {p}")),
        (v, p) => v.or(p).map(str::to_owned),
    }
}

/// SCSI drives report temperature in the environmental reports page; smartctl's
/// `temperature.current` then reads 0.
fn scsi_temperature(j: &SmartctlJson) -> Option<i64> {
    j.scsi_environmental_reports
        .as_ref()?
        .iter()
        .filter(|(name, _)| name.starts_with("temperature"))
        .find_map(|(_, r)| r.current)
}

fn scsi_uncorrected(j: &SmartctlJson) -> Option<u64> {
    let log = j.scsi_error_counter_log.as_ref()?;
    [&log.read, &log.write, &log.verify]
        .into_iter()
        .filter_map(|c| c.as_ref().and_then(|c| c.total_uncorrected_errors))
        .reduce(u64::saturating_add)
}

fn statistics_used(j: &SmartctlJson) -> Option<u64> {
    j.ata_device_statistics
        .as_ref()?
        .pages
        .as_ref()?
        .iter()
        .filter_map(|p| p.table.as_ref())
        .flatten()
        .find(|s| s.name.as_deref() == Some("Percentage Used Endurance Indicator"))
        .and_then(|s| s.value)
        .and_then(|v| u64::try_from(v).ok())
}

fn attribute_used(table: &[AtaAttribute]) -> Option<u64> {
    table
        .iter()
        .find(|a| {
            a.name
                .as_deref()
                .is_some_and(|n| WEAR_ATTRIBUTES.contains(&n))
        })
        .and_then(|a| a.value)
        .filter(|v| *v <= 100)
        .map(|left| 100 - left)
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
