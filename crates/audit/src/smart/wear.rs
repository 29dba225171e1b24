//! How much of a solid-state drive's rated endurance is used, from whichever place smartctl put
//! it: NVMe's health log, smartctl 7.5's `endurance_used`, the SCSI solid-state media page, ATA
//! device statistics, or a vendor's wear attribute (names from smartmontools' drive database).

use super::{AtaAttribute, SmartctlJson};

/// ATA attributes whose normalised value is the percentage of rated life left (the same id means
/// different things at different vendors, so they are known by name). Compared without case.
const LIFE_LEFT: &[&str] = &[
    "Media_Wearout_Indicator",
    "Wear_Leveling_Count",
    "SSD_Life_Left",
    "SSD_LifeLeft",
    "SSD_Life_Left_Perc",
    "Lifetime_Left",
    "Percent_Lifetime_Remain",
    "Percent_Life_Remaining",
    "PCT_Life_Remaining",
    "Perc_Rated_Life_Remain",
    "Remaining_Lifetime_Perc",
    "Remaining_Life",
    "SSD_Remaining_Life_Perc",
    "Life_Remaining_Percent",
    "Lifetime_Remaining%",
    "Drive_Life_Remaining%",
    "DriveLife_Remaining%",
];

/// ATA attributes whose raw value is the percentage of rated life used (Micron, Kingston).
const LIFE_USED: &[&str] = &[
    "Percent_Lifetime_Used",
    "Perc_Rated_Life_Used",
    "Percent_Life_Used",
    "Drive_Life_Used%",
    "DriveLife_Used%",
];

/// A used percentage above this is a misread raw value, not wear (drives report up to 255).
const MAX_PLAUSIBLE: u64 = 1000;

/// Percentage of rated endurance used (may exceed 100), the most direct source first.
pub(super) fn percentage_used(j: &SmartctlJson, table: &[AtaAttribute]) -> Option<u64> {
    j.nvme_smart_health_information_log
        .as_ref()
        .and_then(|n| n.percentage_used)
        .or(j.scsi_percentage_used_endurance_indicator)
        .or_else(|| statistics_used(j))
        .or(j.endurance_used.as_ref().and_then(|e| e.current_percent))
        .or_else(|| attribute_used(table))
        .filter(|p| *p <= MAX_PLAUSIBLE)
}

fn statistics_used(j: &SmartctlJson) -> Option<u64> {
    j.ata_device_statistics
        .as_ref()?
        .pages
        .as_ref()?
        .iter()
        .filter_map(|p| p.table.as_ref())
        .flatten()
        .find(|s| {
            s.name
                .as_deref()
                .is_some_and(|n| n.eq_ignore_ascii_case("Percentage Used Endurance Indicator"))
        })
        .and_then(|s| s.value)
        .and_then(|v| u64::try_from(v).ok())
}

/// The most worn of the wear attributes the drive has.
fn attribute_used(table: &[AtaAttribute]) -> Option<u64> {
    let named = |a: &AtaAttribute, names: &[&str]| {
        a.name
            .as_deref()
            .is_some_and(|n| names.iter().any(|w| w.eq_ignore_ascii_case(n.trim())))
    };
    table
        .iter()
        .filter_map(|a| {
            if named(a, LIFE_LEFT) {
                a.value.filter(|v| *v <= 100).map(|left| 100 - left)
            } else if named(a, LIFE_USED) {
                a.raw
                    .as_ref()
                    .and_then(super::RawValue::count)
                    .filter(|v| *v <= MAX_PLAUSIBLE)
            } else {
                None
            }
        })
        .max()
}

#[cfg(test)]
mod tests {
    use super::super::{SmartSummary, parse};

    fn used(doc: &str) -> Option<u64> {
        SmartSummary::from(&parse(doc.as_bytes()).unwrap()).percentage_used
    }

    fn attribute(id: u32, name: &str, value: u64, raw: u64) -> String {
        format!(
            r#"{{"id":{id},"name":"{name}","value":{value},"worst":{value},"thresh":0,"raw":{{"value":{raw},"string":"{raw}"}}}}"#
        )
    }

    fn ata(attributes: &[String]) -> String {
        format!(
            r#"{{"device":{{"protocol":"ATA"}},"smart_status":{{"passed":true}},"ata_smart_attributes":{{"revision":16,"table":[{}]}}}}"#,
            attributes.join(",")
        )
    }

    #[test]
    fn every_vendor_wear_attribute_is_read() {
        for (id, name) in [
            (233, "Media_Wearout_Indicator"),
            (177, "Wear_Leveling_Count"),
            (202, "Percent_Lifetime_Remain"),
            (231, "SSD_Life_Left"),
            (169, "Remaining_Lifetime_Perc"),
            (248, "Lifetime_Remaining%"),
        ] {
            assert_eq!(
                used(&ata(&[attribute(id, name, 7, 1234)])),
                Some(93),
                "{name}"
            );
        }
        // Micron/Kingston count the used percentage in the raw value.
        assert_eq!(
            used(&ata(&[attribute(202, "Percent_Lifetime_Used", 100, 88)])),
            Some(88)
        );
        // The most worn attribute counts; one without a percentage is not wear.
        assert_eq!(
            used(&ata(&[
                attribute(177, "Wear_Leveling_Count", 90, 412),
                attribute(233, "Media_Wearout_Indicator", 20, 0),
                attribute(173, "Ave_Block-Erase_Count", 1, 2900),
            ])),
            Some(80)
        );
        assert_eq!(
            used(&ata(&[attribute(173, "Ave_Block-Erase_Count", 1, 2900)])),
            None
        );
        // A normalised value above 100 is no percentage.
        assert_eq!(
            used(&ata(&[attribute(177, "Wear_Leveling_Count", 200, 5)])),
            None
        );
    }

    #[test]
    fn statistics_sas_and_smartctl_7_5_fields_are_read() {
        let stats = r#"{"ata_device_statistics":{"pages":[{"number":7,"name":"Solid State Device Statistics","table":[{"offset":8,"name":"Percentage Used Endurance Indicator","size":1,"value":41,"flags":{"valid":true}}]}]}}"#;
        assert_eq!(used(stats), Some(41));
        assert_eq!(
            used(r#"{"scsi_percentage_used_endurance_indicator":12}"#),
            Some(12)
        );
        assert_eq!(
            used(r#"{"endurance_used":{"current_percent":140}}"#),
            Some(140)
        );
        assert_eq!(used(r#"{"endurance_used":{"current_percent":"?"}}"#), None);
    }
}
