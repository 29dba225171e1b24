//! Times shown to people: local time in the station's time zone (`[station] timezone`, default
//! Europe/Berlin, from the tz database bundled into the binary, as the live image may lack
//! /usr/share/zoneinfo), written the German way in German (`6.12.2026, 17:05`) and as
//! `2026-12-06 17:05` in English. JSON and certificates keep RFC 3339 UTC.

use std::sync::RwLock;

use jiff::tz::TimeZone;
use tabula_certificate::LocalZone;

use super::{Language, language};

/// The default zone: the stations run in Germany.
pub const DEFAULT_ZONE: &str = "Europe/Berlin";

static ZONE: RwLock<Option<TimeZone>> = RwLock::new(None);

/// The zone's name, for the station's [`LocalZone`] (remarks of certificates made here).
static ZONE_NAME: RwLock<Option<String>> = RwLock::new(None);

/// Sets the zone by IANA name (checked when the configuration was loaded); `None` or an unknown
/// name: Europe/Berlin.
pub fn set_zone(name: Option<&str>) {
    let zone = name.and_then(|n| TimeZone::get(n).ok());
    if let Ok(mut z) = ZONE_NAME.write() {
        *z = zone.as_ref().and(name).map(str::to_owned);
    }
    if let Ok(mut z) = ZONE.write() {
        *z = zone;
    }
}

/// The zone as the station's libraries take it (Europe/Berlin unless configured).
pub fn local_zone() -> LocalZone {
    ZONE_NAME
        .read()
        .ok()
        .and_then(|n| n.as_deref().and_then(|n| LocalZone::named(n).ok()))
        .unwrap_or_default()
}

fn zone() -> TimeZone {
    ZONE.read()
        .ok()
        .and_then(|z| z.clone())
        .or_else(|| TimeZone::get(DEFAULT_ZONE).ok())
        .unwrap_or(TimeZone::UTC)
}

/// Date and time to the minute, local: `6.12.2026, 17:05` / `2026-12-06 17:05`.
pub fn date_time(at: chrono::DateTime<chrono::Utc>) -> String {
    format(
        at,
        language(),
        &zone(),
        "%-d.%-m.%Y, %H:%M",
        "%Y-%m-%d %H:%M",
    )
}

/// Date and time to the second, local: `6.12.2026 17:05:09` / `2026-12-06 17:05:09`.
pub fn timestamp(at: chrono::DateTime<chrono::Utc>) -> String {
    format(
        at,
        language(),
        &zone(),
        "%-d.%-m.%Y %H:%M:%S",
        "%Y-%m-%d %H:%M:%S",
    )
}

fn format(
    at: chrono::DateTime<chrono::Utc>,
    lang: Language,
    zone: &TimeZone,
    de: &str,
    en: &str,
) -> String {
    let Ok(ts) = jiff::Timestamp::from_second(at.timestamp()) else {
        // Outside jiff's range (years beyond 9999): show the UTC value rather than nothing.
        return at.to_rfc3339();
    };
    let local = ts.to_zoned_datetime(zone.clone());
    let pattern = match lang {
        Language::De => de,
        Language::En => en,
    };
    local.strftime(pattern).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone as _;

    fn at(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> chrono::DateTime<chrono::Utc> {
        chrono::Utc.with_ymd_and_hms(y, mo, d, h, mi, 9).unwrap()
    }

    #[test]
    fn german_dates_in_berlin_time_winter_and_summer() {
        let berlin = TimeZone::get(DEFAULT_ZONE).unwrap();
        let f = |t| format(t, Language::De, &berlin, "%-d.%-m.%Y, %H:%M", "");
        // CET is UTC+1, CEST UTC+2.
        assert_eq!(f(at(2026, 12, 6, 16, 5)), "6.12.2026, 17:05");
        assert_eq!(f(at(2026, 7, 1, 22, 30)), "2.7.2026, 00:30");
    }

    #[test]
    fn english_dates_and_other_zones() {
        let ny = TimeZone::get("America/New_York").unwrap();
        let t = at(2026, 12, 6, 16, 5);
        assert_eq!(
            format(t, Language::En, &ny, "", "%Y-%m-%d %H:%M"),
            "2026-12-06 11:05"
        );
        assert_eq!(format(t, Language::De, &ny, "%H:%M:%S", ""), "11:05:09");
    }
}
