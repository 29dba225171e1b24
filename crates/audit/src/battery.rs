//! Batteries from `/sys/class/power_supply/*` (kernel power supply class, `type` = `Battery`).

use serde::{Deserialize, Serialize};

use crate::root::Root;

/// One battery with its wear.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Battery {
    /// The power supply name (`BAT0`).
    pub name: String,
    pub manufacturer: Option<String>,
    pub model: Option<String>,
    pub serial: Option<String>,
    pub technology: Option<String>,
    /// `energy` (µWh counters) or `charge` (µAh counters): which pair the figures come from.
    pub basis: Option<String>,
    /// Design capacity in µWh or µAh (see `basis`).
    pub design_capacity: Option<u64>,
    /// Capacity when full now, same unit.
    pub full_capacity: Option<u64>,
    /// `full / design * 100`, one decimal.
    pub health_pct: Option<f64>,
    pub cycle_count: Option<u64>,
    pub status: Option<String>,
}

/// Every battery under `sys/class/power_supply` (devices with `scope` = `Device`, e.g. a mouse, are skipped).
pub fn collect(root: &Root) -> Vec<Battery> {
    let base = "sys/class/power_supply";
    root.list(base)
        .into_iter()
        .filter_map(|name| {
            let attr = |a: &str| root.attr(format!("{base}/{name}/{a}"));
            let num = |a: &str| root.attr_u64(format!("{base}/{name}/{a}"));
            if attr("type").as_deref() != Some("Battery")
                || attr("scope").as_deref() == Some("Device")
            {
                return None;
            }
            let energy = (num("energy_full_design"), num("energy_full"));
            let charge = (num("charge_full_design"), num("charge_full"));
            let (basis, (design, full)) = match (energy, charge) {
                ((Some(d), f), _) if d > 0 => (Some("energy"), (Some(d), f)),
                (_, (Some(d), f)) if d > 0 => (Some("charge"), (Some(d), f)),
                _ => (None, (None, None)),
            };
            let health_pct = match (design, full) {
                (Some(d), Some(f)) if d > 0 => {
                    Some(((f as f64 / d as f64) * 1000.0).round() / 10.0)
                }
                _ => None,
            };
            Some(Battery {
                manufacturer: attr("manufacturer"),
                model: attr("model_name"),
                serial: attr("serial_number"),
                technology: attr("technology"),
                basis: basis.map(str::to_string),
                design_capacity: design,
                full_capacity: full,
                health_pct,
                // Many firmwares report 0 cycles when they do not count; 0 is kept as reported.
                cycle_count: num("cycle_count"),
                status: attr("status"),
                name,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    #[test]
    fn energy_and_charge_batteries_and_non_batteries() {
        let dir = tempfile::tempdir().unwrap();
        let ps = dir.path().join("sys/class/power_supply");
        let put = |dev: &str, attrs: &[(&str, &str)]| {
            fs::create_dir_all(ps.join(dev)).unwrap();
            for (k, v) in attrs {
                fs::write(ps.join(dev).join(k), format!("{v}\n")).unwrap();
            }
        };
        put("AC", &[("type", "Mains"), ("online", "1")]);
        put(
            "BAT0",
            &[
                ("type", "Battery"),
                ("energy_full_design", "57000000"),
                ("energy_full", "41040000"),
                ("cycle_count", "312"),
            ],
        );
        put(
            "BAT1",
            &[
                ("type", "Battery"),
                ("charge_full_design", "4000000"),
                ("charge_full", "3000000"),
            ],
        );
        put(
            "hidpp_battery_0",
            &[("type", "Battery"), ("scope", "Device")],
        );
        let b = collect(&Root::new(dir.path()));
        assert_eq!(b.len(), 2);
        assert_eq!(
            (b[0].name.as_str(), b[0].health_pct, b[0].cycle_count),
            ("BAT0", Some(72.0), Some(312))
        );
        assert_eq!(b[0].basis.as_deref(), Some("energy"));
        assert_eq!(
            (b[1].basis.as_deref(), b[1].health_pct),
            (Some("charge"), Some(75.0))
        );
    }
}
