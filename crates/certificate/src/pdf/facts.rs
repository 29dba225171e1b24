//! What the PDF shows from the attached audit document: the fitness grade for school use and
//! why, and the Windows licence state. The audit crate's document is opaque JSON here (this
//! crate does not depend on it), so every value is read by its path and a missing one is
//! simply not shown.

use serde_json::Value;

use super::labels::both;

/// The fitness grade with its reasons: `("B", ["8 GiB RAM or more: 4.0 GiB (needs 8 GiB)"])`.
pub(crate) fn fitness(audit: &Value) -> Option<(String, Vec<String>)> {
    let fitness = audit.get("fitness")?;
    let grade = fitness.get("grade")?.as_str()?.to_owned();
    // The reasons are the rules that lowered the grade (those with a grade of their own).
    let reasons = fitness
        .get("rules")
        .and_then(Value::as_array)
        .map(|rules| {
            rules
                .iter()
                .filter(|r| r.get("grade").is_some_and(|g| !g.is_null()))
                .filter_map(|r| {
                    let detail = text(r, "detail");
                    let what = text(r, "description").or_else(|| text(r, "id"))?;
                    // German from the typed reason where the document has one; the detail is
                    // the English.
                    let german = r.get("reason").and_then(super::reasons::rule_de);
                    Some(match (german, detail) {
                        (Some(de), Some(en)) => format!("{what}: {}", both(&de, &en)),
                        (None, Some(d)) => format!("{what}: {d}"),
                        (_, None) => what,
                    })
                })
                .collect()
        })
        .unwrap_or_default();
    Some((grade, reasons))
}

/// The grade as people read it.
pub(crate) fn grade_label(grade: &str) -> String {
    match grade {
        "A" => format!("A · {}", both("gut geeignet", "well suited")),
        "B" => format!("B · {}", both("geeignet", "suited")),
        "C" => format!("C · {}", both("eingeschränkt geeignet", "of limited use")),
        "unfit" => both("ungeeignet", "unfit"),
        other => other.to_owned(),
    }
}

/// The Windows 11 recommendation, when the audit made one.
pub(crate) fn windows11(audit: &Value) -> Option<String> {
    let w = audit.pointer("/fitness/windows11")?;
    let meets = w.get("meets_floor")?.as_bool()?;
    Some(if meets {
        both("erfüllt die Mindestanforderungen", "meets the requirements")
    } else {
        let failed: Vec<String> = w
            .get("checks")
            .and_then(Value::as_array)
            .map(|checks| {
                checks
                    .iter()
                    .filter(|c| c.get("passed").and_then(Value::as_bool) == Some(false))
                    .filter_map(|c| c.get("name").and_then(Value::as_str))
                    .map(check_name)
                    .collect()
            })
            .unwrap_or_default();
        let mut text = both("nicht geeignet", "not suitable");
        if !failed.is_empty() {
            text.push_str(&format!(" ({})", failed.join(", ")));
        }
        text
    })
}

/// A Windows 11 check's name (`tpm-2.0` in the audit document) for people: German, English.
fn check_names(name: &str) -> Option<(&'static str, &'static str)> {
    Some(match name {
        "tpm-2.0" => ("TPM 2.0", "TPM 2.0"),
        "uefi" => ("UEFI", "UEFI"),
        "secure-boot-capable" => ("Secure Boot", "Secure Boot"),
        "cpu" => ("CPU-Generation", "CPU generation"),
        "64-bit" => ("64-Bit-CPU", "64-bit CPU"),
        "ram-4gib" => ("4 GiB RAM", "4 GiB RAM"),
        "storage-64gb" => ("64 GB Speicher", "64 GB storage"),
        _ => return None,
    })
}

/// A check's name in both languages (once where they agree); an unknown one as it stands.
pub(crate) fn check_name(name: &str) -> String {
    check_names(name).map_or_else(|| name.to_owned(), |(de, en)| both(de, en))
}

/// A check's German name, for the German half of a reason.
pub(crate) fn check_name_de(name: &str) -> String {
    check_names(name).map_or(name, |(de, _)| de).to_owned()
}

/// The OEM licence tables (MSDM for Windows 8 and later, SLIC for Windows 7 and earlier), as
/// one line: `MSDM: vorhanden / present (LENOVO) · SLIC: keine / none`.
pub(crate) fn licence(audit: &Value) -> Option<String> {
    let licence = audit.get("licence")?;
    let table = |name: &str| -> Option<String> {
        let t = licence.get(name)?;
        let status = t.get("status")?.as_str()?;
        let state = match status {
            "present" => both("vorhanden", "present"),
            "absent" => both("keine", "none"),
            "unusable" => both("unbrauchbar", "unusable"),
            "malformed" => both("fehlerhaft", "malformed"),
            other => other.to_owned(),
        };
        let oem = text(t, "oem_id").filter(|_| status == "present" || status == "unusable");
        Some(match oem {
            Some(oem) => format!("{name_upper}: {state} ({oem})", name_upper = upper(name)),
            None => format!("{}: {state}", upper(name)),
        })
    };
    let parts: Vec<String> = ["msdm", "slic"].into_iter().filter_map(table).collect();
    (!parts.is_empty()).then(|| parts.join(" · "))
}

fn upper(s: &str) -> String {
    s.to_ascii_uppercase()
}

fn text(v: &Value, key: &str) -> Option<String> {
    v.get(key)
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reasons_are_the_rules_that_lowered_the_grade() {
        let audit = json!({"fitness": {"grade": "C", "rules": [
            {"id": "ram-minimum", "description": "At least 4 GiB RAM", "detail": "8.0 GiB",
             "status": "pass", "grade": null},
            {"id": "battery-health", "description": "Battery at 50 %", "detail": "BAT0: 31.0 %",
             "status": "fail", "grade": "C"},
            {"id": "ssd", "detail": "sda is rotational", "status": "fail", "grade": "B"}
        ]}});
        let (grade, reasons) = fitness(&audit).unwrap();
        assert_eq!(grade, "C");
        assert_eq!(
            reasons,
            ["Battery at 50 %: BAT0: 31.0 %", "ssd: sda is rotational"]
        );
        assert_eq!(fitness(&json!({})), None);
        // With the typed reason: German / English.
        let audit = json!({"fitness": {"grade": "B", "rules": [
            {"id": "ram", "detail": "4.0 GiB (needs 8 GiB)", "status": "fail", "grade": "B",
             "reason": {"kind": "ram", "bytes": 4_294_967_296u64, "needs_gib": 8.0}}]}});
        assert_eq!(
            fitness(&audit).unwrap().1,
            ["ram: 4,0 GiB (mindestens 8 GiB) / 4.0 GiB (needs 8 GiB)"]
        );
    }

    #[test]
    fn licence_states() {
        let audit = json!({"licence": {
            "msdm": {"status": "present", "oem_id": "LENOVO", "key_masked": "XXXXX-3V66T"},
            "slic": {"status": "unusable", "oem_id": "DELL  ", "reason": "blank body"}}});
        assert_eq!(
            licence(&audit).unwrap(),
            "MSDM: vorhanden / present (LENOVO) · SLIC: unbrauchbar / unusable (DELL)"
        );
        let none = json!({"licence": {"msdm": {"status": "absent"}, "slic": {"status": "absent"}}});
        assert_eq!(
            licence(&none).unwrap(),
            "MSDM: keine / none · SLIC: keine / none"
        );
        assert_eq!(licence(&json!({"system": {}})), None);
    }

    #[test]
    fn windows11_names_what_is_missing() {
        let audit = json!({"fitness": {"windows11": {"meets_floor": false, "checks": [
            {"name": "tpm-2.0", "passed": false}, {"name": "uefi", "passed": true},
            {"name": "cpu", "passed": false}]}}});
        assert_eq!(
            windows11(&audit).unwrap(),
            "nicht geeignet / not suitable (TPM 2.0, CPU-Generation / CPU generation)"
        );
        assert_eq!(check_name("future-check"), "future-check");
        assert_eq!(check_name_de("storage-64gb"), "64 GB Speicher");
    }
}
