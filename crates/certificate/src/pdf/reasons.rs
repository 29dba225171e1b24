//! The audit's typed reason of a fitness rule (`fitness.rules[].reason`, see docs/audit.md) in
//! German, for the sheet's German half; the English half is the rule's `detail`. The audit
//! document is opaque JSON here, so the reason is read by its fields; a kind this crate does not
//! know, or a document made before reasons, gives `None` and the sheet shows the `detail` alone.

use serde_json::Value;

/// The German words of a rule's reason.
pub(crate) fn rule_de(reason: &Value) -> Option<String> {
    let u = |key: &str| reason.get(key).and_then(Value::as_u64);
    let f = |key: &str| reason.get(key).and_then(Value::as_f64);
    let s = |key: &str| reason.get(key).and_then(Value::as_str);
    Some(match reason.get("kind")?.as_str()? {
        "ram" => format!(
            "{} GiB (mindestens {} GiB)",
            one(u("bytes")? as f64 / GIB),
            comma(f("needs_gib")?)
        ),
        "ram_unknown" => "Größe des Arbeitsspeichers unbekannt".into(),
        "cpu64" => if reason.get("x86_64")?.as_bool()? {
            "64-Bit-CPU"
        } else {
            "CPU nur mit 32 Bit"
        }
        .into(),
        "cpu_unknown" => "CPU unbekannt".into(),
        "threads" => format!("{} Threads (mindestens {})", u("threads")?, u("needs")?),
        "threads_unknown" => "Zahl der Threads unbekannt".into(),
        "no_internal_drive" => "kein eingebautes Laufwerk".into(),
        "healthy_drive" => format!("{}: gesund", s("drive")?),
        "unhealthy_drives" => list(reason.get("drives")?, "; ", |d| {
            let problems = list(d.get("problems")?, ", ", storage_problem)?;
            Some(format!("{}: {problems}", d.get("drive")?.as_str()?))
        })?,
        "solid_state" => format!("{} ist eine SSD", s("drive")?),
        "only_rotational" => "nur Festplatten mit drehenden Scheiben".into(),
        "portable_without_battery" => "Mobilgerät ohne Akku".into(),
        "no_battery" => "kein Akku".into(),
        "batteries" => {
            let needs = f("needs_pct")?;
            list(reason.get("batteries")?, "; ", |b| {
                let name = b.get("name")?.as_str()?;
                Some(match b.get("health_pct").and_then(Value::as_f64) {
                    Some(h) if h >= needs => format!("{name}: {} %", one(h)),
                    Some(h) => format!("{name}: {} % (mindestens {} %)", one(h), comma(needs)),
                    None => format!("{name}: Kapazität unbekannt"),
                })
            })?
        }
        "windows11" => {
            let misses: Vec<String> = reason
                .get("misses")?
                .as_array()?
                .iter()
                .filter_map(Value::as_str)
                .map(super::facts::check_name_de)
                .collect();
            if misses.is_empty() {
                "erfüllt die Mindestanforderungen".into()
            } else {
                format!("es fehlt: {}", misses.join(", "))
            }
        }
        _ => return None,
    })
}

const GIB: f64 = 1024.0 * 1024.0 * 1024.0;

fn one(value: f64) -> String {
    format!("{value:.1}").replace('.', ",")
}

fn comma(value: f64) -> String {
    value.to_string().replace('.', ",")
}

/// Every element worded, joined; `None` if one cannot be.
fn list(items: &Value, sep: &str, word: impl Fn(&Value) -> Option<String>) -> Option<String> {
    let words: Option<Vec<String>> = items.as_array()?.iter().map(word).collect();
    Some(words?.join(sep))
}

fn storage_problem(p: &Value) -> Option<String> {
    let count = || p.get("count").and_then(Value::as_u64);
    let max = p.get("max").and_then(Value::as_u64);
    let (one, many) = match p.get("kind")?.as_str()? {
        "no_smart_data" => return Some("keine SMART-Daten".into()),
        "smart_failed" => return Some("SMART-Gesamtzustand NICHT BESTANDEN".into()),
        "endurance_used" => {
            return Some(format!(
                "{} % der Nenn-Lebensdauer verbraucht (höchstens {} %)",
                p.get("percent")?.as_u64()?,
                max?
            ));
        }
        "reallocated" => ("umgelagerter Sektor", "umgelagerte Sektoren"),
        "grown_defects" => ("hinzugekommener Defekt", "hinzugekommene Defekte"),
        "pending" => ("schwebender Sektor", "schwebende Sektoren"),
        "offline_uncorrectable" => (
            "offline nicht korrigierbarer Sektor",
            "offline nicht korrigierbare Sektoren",
        ),
        "reported_uncorrectable" => (
            "gemeldeter nicht korrigierbarer Fehler",
            "gemeldete nicht korrigierbare Fehler",
        ),
        "uncorrected" => (
            "nicht korrigierter Lese-, Schreib- oder Prüffehler",
            "nicht korrigierte Lese-, Schreib- oder Prüffehler",
        ),
        "media_errors" => ("Medienfehler", "Medienfehler"),
        _ => return None,
    };
    let n = count()?;
    let what = if n == 1 { one } else { many };
    Some(format!("{n} {what} (höchstens {})", max?))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn german_reasons_from_the_json() {
        assert_eq!(
            rule_de(&json!({"kind": "ram", "bytes": 4_294_967_296u64, "needs_gib": 8.0})).unwrap(),
            "4,0 GiB (mindestens 8 GiB)"
        );
        let battery = json!({"kind": "batteries", "needs_pct": 50.0,
            "batteries": [{"name": "BAT0", "health_pct": 41.0}]});
        assert_eq!(rule_de(&battery).unwrap(), "BAT0: 41,0 % (mindestens 50 %)");
        let drives = json!({"kind": "unhealthy_drives", "drives": [{"drive": "sda", "problems": [
            {"kind": "reallocated", "count": 1, "max": 0},
            {"kind": "media_errors", "count": 3, "max": 0}]}]});
        assert_eq!(
            rule_de(&drives).unwrap(),
            "sda: 1 umgelagerter Sektor (höchstens 0), 3 Medienfehler (höchstens 0)"
        );
        assert_eq!(
            rule_de(&json!({"kind": "windows11", "misses": ["tpm-2.0", "cpu"]})).unwrap(),
            "es fehlt: TPM 2.0, CPU-Generation"
        );
        assert_eq!(rule_de(&json!({"kind": "future"})), None);
        assert_eq!(rule_de(&json!({"kind": "ram"})), None);
    }
}
