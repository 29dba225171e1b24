//! SMART data from `smartctl --json=c -a` (smartmontools 6.7 to 7.5 JSON): serde types of our own
//! with every field optional and unknown fields ignored, and the summary the audit keeps.

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
    #[error("smartctl output has {path} of an unexpected shape")]
    Shape {
        path: String,
        #[source]
        source: serde_json::Error,
    },
    #[error("smartctl output is not a JSON object")]
    NotAnObject,
}

mod wear;

/// The parts of smartctl's JSON document the audit reads. A field the audit has always read
/// (health, attributes, NVMe log, hours) of another shape is an error naming the field, never a
/// guess; fields whose shape changed between smartctl 6.7 and 7.5 are read leniently (another
/// shape is absent), as are the list of messages and the elements of device statistics.
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
    #[serde(default, deserialize_with = "lenient")]
    pub ata_device_statistics: Option<DeviceStatistics>,
    /// smartctl 7.3+: `scsi_model_name`, `scsi_vendor`, `scsi_product`; 7.0 to 7.2: `model_name`,
    /// `vendor`, `product`.
    #[serde(default, deserialize_with = "lenient")]
    pub scsi_model_name: Option<String>,
    #[serde(default, deserialize_with = "lenient")]
    pub vendor: Option<String>,
    #[serde(default, deserialize_with = "lenient")]
    pub product: Option<String>,
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
    /// SAS SSDs: the solid-state media page's "Percentage used endurance indicator".
    #[serde(default, deserialize_with = "lenient")]
    pub scsi_percentage_used_endurance_indicator: Option<u64>,
    /// smartctl 7.5+: endurance used, whatever the protocol.
    #[serde(default, deserialize_with = "lenient")]
    pub endurance_used: Option<EnduranceUsed>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct EnduranceUsed {
    #[serde(default, deserialize_with = "lenient")]
    pub current_percent: Option<u64>,
}

/// A field that does not have the expected shape is treated as absent.
fn lenient<'de, D: Deserializer<'de>, T: DeserializeOwned>(d: D) -> Result<Option<T>, D::Error> {
    let value = serde_json::Value::deserialize(d)?;
    Ok(serde_json::from_value(value).ok())
}

/// A list whose elements are read one by one: an element of another shape is left out, the
/// others are kept (a non-list is absent).
fn lenient_list<'de, D: Deserializer<'de>, T: DeserializeOwned>(
    d: D,
) -> Result<Option<Vec<T>>, D::Error> {
    Ok(match serde_json::Value::deserialize(d)? {
        serde_json::Value::Array(items) => Some(
            items
                .into_iter()
                .filter_map(|item| serde_json::from_value(item).ok())
                .collect(),
        ),
        _ => None,
    })
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct DeviceStatistics {
    #[serde(default, deserialize_with = "lenient_list")]
    pub pages: Option<Vec<StatisticsPage>>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct StatisticsPage {
    #[serde(default, deserialize_with = "lenient_list")]
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
    #[serde(default, deserialize_with = "lenient")]
    pub current: Option<i64>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct SmartctlInfo {
    pub version: Option<Vec<u32>>,
    pub exit_status: Option<u32>,
    #[serde(default, deserialize_with = "lenient_list")]
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
    /// first. Without a decimal text (older documents, a hex format), a number beyond 32 bits
    /// is packed 16-bit counters and its first one (the most significant, as smartctl prints
    /// them) is read, never the whole as one huge count.
    pub fn count(&self) -> Option<u64> {
        let leading = self.string.as_deref().and_then(|t| {
            let digits: String = t
                .trim_start()
                .chars()
                .take_while(char::is_ascii_digit)
                .collect();
            let hex = t.trim_start()[digits.len()..].starts_with(['x', 'X']);
            digits.parse().ok().filter(|_| !hex)
        });
        leading.or(self.value.map(|v| {
            if v > u64::from(u32::MAX) {
                (v >> 32) & 0xFFFF
            } else {
                v
            }
        }))
    }

    /// A temperature in °C: the text's first number ("35 (Min/Max 20/45)"), else the lowest
    /// byte of the packed value (where smartctl's formats keep the current temperature).
    pub fn temperature(&self) -> Option<i64> {
        let text = self.string.as_deref().and_then(|t| {
            let t = t.trim_start();
            let end = t
                .char_indices()
                .find(|(i, c)| !(c.is_ascii_digit() || (*i == 0 && *c == '-')))
                .map_or(t.len(), |(i, _)| i);
            t[..end].parse().ok()
        });
        text.or(self.value.map(|v| i64::from(v.to_le_bytes()[0])))
            .filter(|t| (-40..=125).contains(t))
    }
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

/// Parses smartctl's JSON output. Fields may be missing or of another shape (they are then
/// absent); a document that is not JSON, is truncated, or is not an object is an error.
pub fn parse(bytes: &[u8]) -> Result<SmartctlJson, SmartError> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(SmartError::Empty);
    }
    let value: serde_json::Value = serde_json::from_slice(bytes).map_err(SmartError::Json)?;
    if !value.is_object() {
        return Err(SmartError::NotAnObject);
    }
    serde_path_to_error::deserialize(value).map_err(|e| SmartError::Shape {
        path: e.path().to_string(),
        source: e.into_inner(),
    })
}

/// What the names of ATA 187, 197 and 198 contain where they count errors (smartctl's defaults
/// Reported_Uncorrect, Current_Pending_Sector, Offline_Uncorrectable and the drive database's
/// variants such as Uncorrectable_Error_Cnt, Total_Unc_Read_Failures, Offline_UErr_Media_Scan).
/// Some SSDs use these ids for something else (198 Host_Reads_GiB, Read_Sectors_Tot_Ct,
/// Not_In_Use): those are not errors and must not fail a healthy drive.
const REPORTED_UNCORRECTABLE: &[&str] = &["Uncorr", "Unc_", "UE", "Read_Fail"];
const PENDING: &[&str] = &["Pending", "Unc_", "Read_Fail"];
const OFFLINE_UNCORRECTABLE: &[&str] = &["Offline_Unc", "Uncor", "UErr"];

/// smartctl's exit status bit 3: "SMART status check returned DISK FAILING".
const EXIT_DISK_FAILING: u32 = 1 << 3;

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
        // A counter by id, unless the drive database gives that id another meaning (the name
        // must contain one of `words`).
        let errors = |id: u32, words: &[&str]| {
            table
                .iter()
                .find(|a| a.id == Some(id))
                .filter(|a| {
                    a.name
                        .as_deref()
                        .is_none_or(|n| words.iter().any(|w| n.contains(w)))
                })
                .and_then(|a| a.raw.as_ref())
                .and_then(RawValue::count)
        };
        let nvme = j.nvme_smart_health_information_log.as_ref();
        let info = j.smartctl.as_ref();
        let exit_status = info.and_then(|i| i.exit_status);
        // Without a verdict in the document, an NVMe critical warning (smartctl's own rule) or
        // smartctl's exit status bit 3 ("SMART status check returned DISK FAILING") says it.
        let health = j
            .smart_status
            .as_ref()
            .and_then(|s| s.passed)
            .or(nvme.and_then(|n| n.critical_warning).map(|w| w == 0))
            .or(exit_status
                .filter(|e| e & EXIT_DISK_FAILING != 0)
                .map(|_| false))
            .map(|passed| {
                if passed {
                    Health::Passed
                } else {
                    Health::Failed
                }
            });
        let protocol = j
            .device
            .as_ref()
            .and_then(|d| d.protocol.as_ref())
            .map(|p| p.to_ascii_lowercase());
        Self {
            health,
            model: model(j),
            serial: j.serial_number.clone(),
            rotation_rate_rpm: j.rotation_rate,
            power_on_hours: j
                .power_on_time
                .as_ref()
                .and_then(|p| p.hours)
                .or(nvme.and_then(|n| n.power_on_hours))
                // Documents without `power_on_time`: attribute 9 where it counts hours
                // ("21544" or "21544h+05m+12.345s"), never one in minutes or half-minutes.
                .or_else(|| errors(9, &["Power_On_Hours"])),
            power_cycles: j
                .power_cycle_count
                .or(nvme.and_then(|n| n.power_cycles))
                .or_else(|| errors(12, &["Power_Cycle_Count"])),
            temperature_c: scsi_temperature(j)
                .or(j
                    .temperature
                    .as_ref()
                    .and_then(|t| t.current)
                    // SCSI drives without a temperature log page read 0.
                    .filter(|t| *t != 0 || protocol.as_deref() != Some("scsi")))
                .or(nvme.and_then(|n| n.temperature))
                .or_else(|| attribute_temperature(table)),
            reallocated_sectors: attr(5),
            grown_defects: j.scsi_grown_defect_list,
            uncorrected_errors: scsi_uncorrected(j),
            reported_uncorrectable: errors(187, REPORTED_UNCORRECTABLE),
            command_timeouts: attr(188),
            pending_sectors: errors(197, PENDING)
                .or(j.scsi_pending_defects.as_ref().and_then(|p| p.count)),
            offline_uncorrectable: errors(198, OFFLINE_UNCORRECTABLE),
            percentage_used: wear::percentage_used(j, table),
            available_spare_pct: nvme.and_then(|n| n.available_spare),
            media_errors: nvme.and_then(|n| n.media_errors),
            exit_status,
            messages: info
                .and_then(|i| i.messages.as_ref())
                .map(|m| m.iter().filter_map(|m| m.string.clone()).collect())
                .unwrap_or_default(),
            protocol,
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
    let vendor = clean(&j.scsi_vendor).or(clean(&j.vendor));
    match (vendor, clean(&j.scsi_product).or(clean(&j.product))) {
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

/// ATA 194 Temperature_Celsius, else 190 Airflow_Temperature_Cel (documents without
/// `temperature.current`).
fn attribute_temperature(table: &[AtaAttribute]) -> Option<i64> {
    [194, 190].into_iter().find_map(|id| {
        table
            .iter()
            .find(|a| a.id == Some(id))
            .and_then(|a| a.raw.as_ref())
            .and_then(RawValue::temperature)
    })
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

    fn raw(value: u64, string: Option<&str>) -> RawValue {
        RawValue {
            value: Some(value),
            string: string.map(str::to_owned),
        }
    }

    #[test]
    fn packed_raw_values_are_never_one_huge_count() {
        // Seagate Command_Timeout "2 2 2": raw.value 0x0002_0002_0002.
        assert_eq!(raw(8_590_065_666, Some("2 2 2")).count(), Some(2));
        assert_eq!(raw(8_590_065_666, None).count(), Some(2));
        assert_eq!(
            raw(0x0002_0002_0002, Some("0x000200020002")).count(),
            Some(2)
        );
        assert_eq!(raw(24, Some("24")).count(), Some(24));
        assert_eq!(raw(70_000, None).count(), Some(70_000));
        // Temperatures: "35 (Min/Max 20/45)" packs min and max above the current byte.
        let t = raw(0x2D_0014_0023, Some("35 (Min/Max 20/45)"));
        assert_eq!((t.count(), t.temperature()), (Some(35), Some(35)));
        assert_eq!(raw(0x2D_0014_0023, None).temperature(), Some(35));
        assert_eq!(raw(0, Some("-5")).temperature(), Some(-5));
        assert_eq!(raw(0, Some("255")).temperature(), None);
    }

    #[test]
    fn temperature_from_attributes_when_the_document_has_none() {
        let doc = br#"{"smartctl":{"version":[6,7]},"device":{"protocol":"ATA"},"ata_smart_attributes":{"table":[
            {"id":194,"name":"Temperature_Celsius","value":35,"raw":{"value":193274200099,"string":"35 (Min/Max 20/45)"}}]}}"#;
        assert_eq!(
            SmartSummary::from(&parse(doc).unwrap()).temperature_c,
            Some(35)
        );
        let doc = br#"{"device":{"protocol":"ATA"},"temperature":{"current":31},"ata_smart_attributes":{"table":[
            {"id":190,"name":"Airflow_Temperature_Cel","value":69,"raw":{"value":31,"string":"31"}}]}}"#;
        assert_eq!(
            SmartSummary::from(&parse(doc).unwrap()).temperature_c,
            Some(31)
        );
        // A SCSI drive without a temperature page reads 0: unknown, not 0 °C.
        let doc = br#"{"device":{"protocol":"SCSI"},"temperature":{"current":0}}"#;
        assert_eq!(SmartSummary::from(&parse(doc).unwrap()).temperature_c, None);
        let doc = br#"{"device":{"protocol":"SCSI"},"scsi_environmental_reports":{
            "temperature_1":{"parameter_code":0,"current":"<unknown>"},
            "temperature_2":{"parameter_code":1,"current":41}}}"#;
        assert_eq!(
            SmartSummary::from(&parse(doc).unwrap()).temperature_c,
            Some(41)
        );
    }

    #[test]
    fn exit_status_bit_3_fails_a_drive_without_a_verdict() {
        let s = |doc: &[u8]| SmartSummary::from(&parse(doc).unwrap()).health;
        assert_eq!(
            s(br#"{"smartctl":{"exit_status":8},"power_on_time":{"hours":5}}"#),
            Some(Health::Failed)
        );
        assert_eq!(s(br#"{"smartctl":{"exit_status":64}}"#), None);
        assert_eq!(
            s(br#"{"nvme_smart_health_information_log":{"critical_warning":4}}"#),
            Some(Health::Failed),
            "NVMe reliability degraded"
        );
        assert_eq!(
            s(br#"{"nvme_smart_health_information_log":{"critical_warning":0}}"#),
            Some(Health::Passed)
        );
        assert_eq!(
            s(br#"{"smartctl":{"exit_status":8},"smart_status":{"passed":true}}"#),
            Some(Health::Passed),
            "the document's own verdict wins"
        );
    }

    #[test]
    fn a_graded_field_of_another_shape_is_an_error_naming_it() {
        // An attribute table that is not a list of attributes cannot be graded: a clear error
        // (the drive's grade becomes "unknown"), never a healthy drive by omission.
        let err =
            parse(br#"{"smart_status":{"passed":true},"ata_smart_attributes":{"table":{"id":5}}}"#)
                .unwrap_err();
        assert_eq!(
            err.to_string(),
            "smartctl output has ata_smart_attributes.table of an unexpected shape"
        );
        let err = parse(br#"{"ata_smart_attributes":{"table":[{"id":5,"raw":{"value":0}},7]}}"#)
            .unwrap_err();
        assert!(
            err.to_string().contains("ata_smart_attributes.table[1]"),
            "{err}"
        );
        // Messages and the shape-changing fields are read leniently.
        let doc = br#"{"smart_status":{"passed":true},"smartctl":{"messages":[{"string":"ok"},3]},
            "scsi_grown_defect_list":"n/a","endurance_used":[]}"#;
        let s = SmartSummary::from(&parse(doc).unwrap());
        assert_eq!(s.health, Some(Health::Passed));
        assert_eq!(s.messages, vec!["ok".to_owned()]);
        assert_eq!(s.grown_defects, None);
        // A document that is not an object at all is an error, not an empty drive.
        assert!(matches!(parse(b"[1,2,3]"), Err(SmartError::NotAnObject)));
        assert!(matches!(parse(b"42"), Err(SmartError::NotAnObject)));
    }

    #[test]
    fn scsi_model_from_every_smartctl_version() {
        let model = |doc: &[u8]| SmartSummary::from(&parse(doc).unwrap()).model;
        assert_eq!(
            model(br#"{"scsi_vendor":"TABULA","scsi_product":"SAS900","scsi_model_name":"TABULA SAS900"}"#)
                .as_deref(),
            Some("TABULA SAS900")
        );
        assert_eq!(
            model(br#"{"vendor":"TABULA","product":"SAS700"}"#).as_deref(),
            Some("TABULA SAS700")
        );
        assert_eq!(
            model(br#"{"scsi_product":"SAS800 "}"#).as_deref(),
            Some("SAS800")
        );
    }

    #[test]
    fn error_ids_with_another_meaning_are_not_errors() {
        let doc = |id: u32, name: &str, raw: u64| {
            format!(
                r#"{{"ata_smart_attributes":{{"table":[{{"id":{id},"name":"{name}","value":100,"raw":{{"value":{raw},"string":"{raw}"}}}}]}}}}"#
            )
        };
        let s = |id, name, raw| SmartSummary::from(&parse(doc(id, name, raw).as_bytes()).unwrap());
        assert_eq!(s(198, "Host_Reads_GiB", 15_872).offline_uncorrectable, None);
        assert_eq!(
            s(198, "Read_Sectors_Tot_Ct", 9_000_000).offline_uncorrectable,
            None
        );
        assert_eq!(s(197, "Not_In_Use", 3).pending_sectors, None);
        assert_eq!(
            s(187, "Unknown_JMF_Attribute", 7).reported_uncorrectable,
            None
        );
        assert_eq!(
            s(198, "Offline_Uncorrectable", 4).offline_uncorrectable,
            Some(4)
        );
        assert_eq!(
            s(198, "Offline_UErr_Media_Scan", 2).offline_uncorrectable,
            Some(2)
        );
        assert_eq!(
            s(197, "Total_Unc_Read_Failures", 5).pending_sectors,
            Some(5)
        );
        assert_eq!(
            s(187, "Uncorrectable_Error_Cnt", 6).reported_uncorrectable,
            Some(6)
        );
        assert_eq!(
            s(187, "Reported_UE_Counts", 1).reported_uncorrectable,
            Some(1)
        );
    }

    #[test]
    fn hours_and_cycles_from_attributes_when_the_document_has_none() {
        let doc = br#"{"smartctl":{"version":[6,7]},"ata_smart_attributes":{"table":[
            {"id":9,"name":"Power_On_Hours","value":75,"raw":{"value":21544,"string":"21544h+05m+12.345s"}},
            {"id":12,"name":"Power_Cycle_Count","value":99,"raw":{"value":1893,"string":"1893"}}]}}"#;
        let s = SmartSummary::from(&parse(doc).unwrap());
        assert_eq!(
            (s.power_on_hours, s.power_cycles),
            (Some(21544), Some(1893))
        );
        let doc = br#"{"ata_smart_attributes":{"table":[
            {"id":9,"name":"Power_On_Minutes","value":75,"raw":{"value":90000,"string":"1500h+00m"}}]}}"#;
        assert_eq!(
            SmartSummary::from(&parse(doc).unwrap()).power_on_hours,
            None
        );
    }
}
