//! The CLI's human output in German and English: `LANG=de_DE.UTF-8` (as the live image sets)
//! makes it German, `[station] language` in the data directory's `tabula.toml` overrides the
//! locale, JSON stays as it is. Real loop devices over this test's files, the built binary.

#![allow(clippy::unwrap_used)] // test code: a failed unwrap is a failed test

mod support;

use std::path::Path;
use std::process::{Command, Output, Stdio};

use support::{BIN, LoopDev};

/// `tabula ARGS` with `LANG=lang` and the data directory `data` (which may hold a tabula.toml).
fn tabula_in(lang: &str, data: &Path, args: &[&str]) -> Output {
    Command::new(BIN)
        .args(args)
        .stdin(Stdio::null())
        .env("LANG", lang)
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env("TABULA_DATA", data)
        .output()
        .unwrap()
}

fn row<'a>(table: &'a str, device: &str) -> &'a str {
    table
        .lines()
        .find(|l| l.starts_with(device))
        .unwrap_or_else(|| panic!("{device} not listed:\n{table}"))
}

#[test]
fn devices_speak_the_locale_unless_the_configuration_says_otherwise() {
    let dir = tempfile::tempdir().unwrap();
    let a = LoopDev::new(dir.path(), "a.img", 1 << 20);
    let data = dir.path().join("data");
    std::fs::create_dir_all(&data).unwrap();

    let out = tabula_in("de_DE.UTF-8", &data, &["devices"]);
    assert!(out.status.success());
    let table = String::from_utf8_lossy(&out.stdout);
    let head = table.lines().next().unwrap();
    assert!(
        head.starts_with("GERÄT") && head.contains("GRÖSSE") && head.contains("URTEIL"),
        "{table}"
    );
    assert!(
        row(&table, a.path()).contains("nur wenn ausdrücklich genannt: "),
        "{table}"
    );

    std::fs::write(data.join("tabula.toml"), "[station]\nlanguage = \"en\"\n").unwrap();
    let out = tabula_in("de_DE.UTF-8", &data, &["devices"]);
    let table = String::from_utf8_lossy(&out.stdout);
    assert!(table.starts_with("DEVICE"), "{table}");
    assert!(row(&table, a.path()).contains("explicit only: "), "{table}");

    // And the other way round: German from the configuration on an English machine.
    std::fs::write(data.join("tabula.toml"), "[station]\nlanguage = \"de\"\n").unwrap();
    let out = tabula_in("en_GB.UTF-8", &data, &["devices"]);
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("GERÄT"));

    // JSON is for programs: the same keys and values in every language.
    let out = tabula_in("de_DE.UTF-8", &data, &["devices", "--json"]);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let listed = json
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["path"] == a.path())
        .unwrap();
    assert_eq!(listed["verdict"]["verdict"], "explicit-only", "{listed}");
}

#[test]
fn a_wipe_in_german_with_plurals_plain_words_and_german_times() {
    let dir = tempfile::tempdir().unwrap();
    let a = LoopDev::new(dir.path(), "a.img", 2 << 20);
    let data = dir.path().join("data");
    std::fs::create_dir_all(&data).unwrap();
    let record = dir.path().join("record");
    let out = tabula_in(
        "de_DE.UTF-8",
        &data,
        &[
            "wipe",
            "-m",
            "dod-3pass",
            "--yes",
            "--out",
            record.to_str().unwrap(),
            a.path(),
        ],
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    assert!(
        err.contains(
            "Verfahren: dod-3pass (DoD 5220.22-M (E), 3 Durchgänge), 3 Durchgänge, Prüfung: "
        ),
        "{err}"
    );
    assert!(
        err.contains("FOLGENDES WIRD UNWIDERRUFLICH GELÖSCHT:"),
        "{err}"
    );
    assert!(err.contains("Durchgang 1/3 schreiben"), "{err}");
    assert!(
        err.lines()
            .any(|l| l.contains(": gelöscht, im Mittel ") && l.contains(" MB/s")),
        "{err}"
    );
    assert!(
        err.contains(&format!("{}: gelöscht (Prüfung: bestanden)", a.path())),
        "{err}"
    );
    assert!(err.contains("fertig nach "), "{err}");
    assert!(err.contains("Protokoll (unsigniert): "), "{err}");
    // Progress lines carry the local time the German way: "6.12.2026 17:05:09 /dev/loop3: ...".
    let stamped = err
        .lines()
        .find(|l| l.contains(": gelöscht, im Mittel "))
        .unwrap();
    let stamp: String = stamped.split(' ').take(2).collect::<Vec<_>>().join(" ");
    assert!(
        chrono::NaiveDateTime::parse_from_str(&stamp, "%d.%m.%Y %H:%M:%S").is_ok(),
        "{stamped}"
    );
    // The unsigned record: German text, JSON unchanged (RFC 3339 UTC).
    let mut files: Vec<_> = std::fs::read_dir(&record)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&files[0]).unwrap()).unwrap();
    assert_eq!(json["drives"][0]["status"], "completed");
    assert!(json["started"].as_str().unwrap().ends_with('Z'), "{json}");
    let text = std::fs::read_to_string(&files[1]).unwrap();
    assert!(
        text.starts_with("Tabula-Löschprotokoll (unsigniert)\nBeginn "),
        "{text}"
    );
}

/// The device crate's typed exclusion reasons, worded by the catalogue: a read-only loop device
/// in `devices` and the refusal of `wipe`, in German and English.
#[test]
fn exclusion_reasons_in_the_chosen_language() {
    let dir = tempfile::tempdir().unwrap();
    let ro = LoopDev::new(dir.path(), "ro.img", 1 << 20);
    let _read_only = ReadOnly::set(ro.path());
    let data = dir.path().join("data");
    std::fs::create_dir_all(&data).unwrap();

    let out = tabula_in("de_DE.UTF-8", &data, &["devices", "--all"]);
    let table = String::from_utf8_lossy(&out.stdout);
    assert!(
        row(&table, ro.path()).contains("AUSGESCHLOSSEN: schreibgeschütztes Gerät"),
        "{table}"
    );
    let out = tabula_in("de_DE.UTF-8", &data, &["wipe", "--yes", ro.path()]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(&format!(
            "tabula: Fehler: {}: abgelehnt: schreibgeschütztes Gerät",
            ro.path()
        )),
        "{err}"
    );

    let out = tabula_in("C.UTF-8", &data, &["devices", "--all"]);
    let table = String::from_utf8_lossy(&out.stdout);
    assert!(
        row(&table, ro.path()).contains("read-only device"),
        "{table}"
    );
    let out = tabula_in("C.UTF-8", &data, &["wipe", "--yes", ro.path()]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(&format!("{}: refused: read-only device", ro.path())),
        "{err}"
    );
    // JSON keeps the English words and the typed reason.
    let out = tabula_in("de_DE.UTF-8", &data, &["devices", "--all", "--json"]);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let listed = json
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["path"] == ro.path())
        .unwrap();
    assert_eq!(listed["verdict"]["reason"], "read-only device", "{listed}");
    assert_eq!(
        listed["verdict"]["reasons"][0]["kind"], "read-only",
        "{listed}"
    );
}

/// A device set read-only for a test, writable again on drop (before the loop device is
/// detached: the flag would otherwise stay with the loop node for the next test to find).
struct ReadOnly(String);

impl ReadOnly {
    fn set(dev: &str) -> Self {
        let set = Command::new("blockdev")
            .args(["--setro", dev])
            .status()
            .unwrap();
        assert!(set.success());
        Self(dev.to_owned())
    }
}

impl Drop for ReadOnly {
    fn drop(&mut self) {
        let _ = Command::new("blockdev").args(["--setrw", &self.0]).status();
    }
}

/// A mistyped name from a fixed set gets the closest one, in German and English: the method
/// and `--verify` on the command line, and `[station] language`, `[wipe] method` and
/// `[wipe] verify` in tabula.toml (with the file and line). Nothing is written.
#[test]
fn typos_in_enumerated_options_get_a_suggestion_in_both_languages() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    std::fs::create_dir_all(&data).unwrap();
    let target = dir.path().join("never-written.img");
    let target = target.to_str().unwrap();
    let error = |lang: &str, args: &[&str]| {
        let out = tabula_in(lang, &data, args);
        assert_eq!(out.status.code(), Some(2), "{out:?}");
        String::from_utf8_lossy(&out.stderr).into_owned()
    };
    let wipe_verify = ["wipe", "--verify", "lats", "--yes", target];
    let wipe_method = ["wipe", "-m", "gutman", "--yes", target];
    assert!(error("de_DE.UTF-8", &wipe_verify).contains(
        "tabula: Fehler: --verify: unbekannter Wert 'lats' (meinten Sie last?); möglich: \
             none, last, all"
    ));
    assert!(error("C.UTF-8", &wipe_verify).contains(
        "tabula: error: --verify: unknown value 'lats' (did you mean last?); possible: none, \
         last, all"
    ));
    assert!(error("de_DE.UTF-8", &wipe_method).contains("(meinten Sie gutmann?)"));
    assert!(error("C.UTF-8", &wipe_method).contains("(did you mean gutmann?)"));

    let config = data.join("tabula.toml");
    let file = config.display().to_string();
    let run = ["run", "--data", data.to_str().unwrap(), target];
    let cases = [
        (
            "[station]\nlanguage = \"dee\"\n",
            format!(
                "{file}, Zeile 2: language: unbekannter Wert 'dee' (meinten Sie de?); möglich: de, en"
            ),
            format!(
                "{file}, line 2: language: unknown value 'dee' (did you mean de?); possible: de, en"
            ),
        ),
        (
            "[wipe]\nmethod = \"gutman\"\n",
            format!("{file}: unbekanntes Löschverfahren 'gutman' (meinten Sie gutmann?)"),
            format!("{file}: unknown wipe method 'gutman' (did you mean gutmann?)"),
        ),
        (
            "[wipe]\n\nverify = \"lats\"\n",
            format!("{file}, Zeile 3: verify: unbekannter Wert 'lats' (meinten Sie last?)"),
            format!("{file}, line 3: verify: unknown value 'lats' (did you mean last?)"),
        ),
        // A value of the wrong type names the option that sets it too.
        (
            "[station]\norganisation = \"Stadt Leipzig\"\nsite = 5\n",
            format!("{file}, Zeile 3: "),
            format!("{file}, line 3: "),
        ),
    ];
    for (toml, de, en) in cases {
        std::fs::write(&config, toml).unwrap();
        let said = error("de_DE.UTF-8", &run);
        assert!(said.contains(&de), "{said}");
        let said = error("C.UTF-8", &run);
        assert!(said.contains(&en), "{said}");
    }
    let said = error("de_DE.UTF-8", &run);
    assert!(
        said.contains("(auf der Befehlszeile stattdessen: --site)"),
        "{said}"
    );
    let said = error("C.UTF-8", &run);
    assert!(said.contains("(on the command line: --site)"), "{said}");
    assert!(!Path::new(target).exists());
}

/// The audit says what is missing in plain words, never an enum name: a machine without SMBIOS
/// tables and a station without smartctl, in German and English.
#[test]
fn the_audit_names_what_is_missing_in_plain_words() {
    let dir = tempfile::tempdir().unwrap();
    let vm = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/audit/vm");
    let args = [
        "audit",
        "--root",
        vm.to_str().unwrap(),
        "--smartctl",
        "/nonexistent/smartctl",
    ];
    let said = |lang: &str| {
        let out = tabula_in(lang, dir.path(), &args);
        assert!(out.status.success(), "{out:?}");
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let de = said("de_DE.UTF-8");
    for want in [
        "Herkunft: unbekannt, dieser Rechner hat keine SMBIOS-Tabellen",
        "SMART: smartctl ist nicht installiert",
    ] {
        assert!(de.contains(want), "{want:?} missing in\n{de}");
    }
    let en = said("C.UTF-8");
    for want in [
        "identity: unknown, no SMBIOS tables on this machine",
        "SMART: smartctl is not installed",
    ] {
        assert!(en.contains(want), "{want:?} missing in\n{en}");
    }
    assert!(!format!("{de}{en}").contains("NotInstalled"), "{de}{en}");
}
