//! Times for people: a certificate records UTC, its readers live in a time zone. The zone is an
//! IANA name (default Europe/Berlin) looked up in the tz database bundled into the binary, as
//! the live image may have no `/usr/share/zoneinfo`.

use chrono::{DateTime, Utc};
use jiff::tz::TimeZone;

/// The zone used when none is configured.
pub const DEFAULT_TIME_ZONE: &str = "Europe/Berlin";

/// A time zone by IANA name, for showing certificate times.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocalZone {
    name: String,
    zone: TimeZone,
}

/// The time zone name is not in the tz database.
#[derive(Debug, thiserror::Error)]
#[error("unknown time zone {name:?} (an IANA name such as Europe/Berlin)")]
pub struct UnknownTimeZone {
    /// The name given.
    pub name: String,
    #[source]
    source: jiff::Error,
}

impl LocalZone {
    /// The zone named `name` (e.g. `Europe/Berlin`).
    pub fn named(name: &str) -> Result<Self, UnknownTimeZone> {
        let name = name.trim();
        TimeZone::get(name)
            .map(|zone| Self {
                name: name.to_owned(),
                zone,
            })
            .map_err(|source| UnknownTimeZone {
                name: name.to_owned(),
                source,
            })
    }

    /// The zone's IANA name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Date and time the German way, which English readers read too: `06.12.2026 17:05:12 CET`.
    pub fn date_time(&self, t: &DateTime<Utc>) -> String {
        self.format(t, "%d.%m.%Y %H:%M:%S %Z")
    }

    /// The time of day alone: `17:05:12`.
    pub fn time(&self, t: &DateTime<Utc>) -> String {
        self.format(t, "%H:%M:%S")
    }

    /// The date alone, German way: `06.12.2026`.
    pub fn date(&self, t: &DateTime<Utc>) -> String {
        self.format(t, "%d.%m.%Y")
    }

    fn format(&self, t: &DateTime<Utc>, pattern: &str) -> String {
        match jiff::Timestamp::from_second(t.timestamp()) {
            Ok(ts) => ts
                .to_zoned_datetime(self.zone.clone())
                .strftime(pattern)
                .to_string(),
            // Outside jiff's range (years beyond ±9999): UTC as the JSON has it.
            Err(_) => t.format("%d.%m.%Y %H:%M:%S UTC").to_string(),
        }
    }
}

impl Default for LocalZone {
    /// Europe/Berlin; UTC should the bundled database lack it.
    fn default() -> Self {
        Self::named(DEFAULT_TIME_ZONE).unwrap_or_else(|_| Self {
            name: "UTC".to_owned(),
            zone: TimeZone::UTC,
        })
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn at(rfc3339: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(rfc3339).unwrap().to_utc()
    }

    #[test]
    fn berlin_in_winter_and_summer() {
        let berlin = LocalZone::default();
        assert_eq!(berlin.name(), "Europe/Berlin");
        assert_eq!(
            berlin.date_time(&at("2026-12-06T16:05:12Z")),
            "06.12.2026 17:05:12 CET"
        );
        assert_eq!(
            berlin.date_time(&at("2026-07-01T10:00:00Z")),
            "01.07.2026 12:00:00 CEST"
        );
        assert_eq!(berlin.time(&at("2026-12-06T16:05:12Z")), "17:05:12");
        assert_eq!(berlin.date(&at("2026-12-06T23:30:00Z")), "07.12.2026");
    }

    #[test]
    fn another_zone_and_an_unknown_one() {
        let ny = LocalZone::named("America/New_York").unwrap();
        assert_eq!(ny.time(&at("2026-12-06T16:05:12Z")), "11:05:12");
        let err = LocalZone::named("Europe/Leipzig").unwrap_err();
        assert!(err.to_string().contains("Europe/Leipzig"), "{err}");
    }
}
