//! `tabula cert show` and the audit's rule and Windows 11 reasons in the chosen language
//! (issue 13): German with `LANG=de_DE.UTF-8`, English with `[station] language = "en"` in the
//! data directory's `tabula.toml` (which overrides the locale), on real signed certificates and
//! the audit fixtures.

#![allow(clippy::unwrap_used)] // test code: a failed unwrap is a failed test

use std::path::Path;
use std::process::{Command, Output, Stdio};

use tabula_certificate::{Bundle, StationKey, sample};

/// `tabula ARGS` in `dir` with `LANG=de_DE.UTF-8`, the data directory `dir/data`.
fn tabula(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tabula"))
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .env("LANG", "de_DE.UTF-8")
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env_remove("TABULA_REGISTRY")
        .env_remove("TABULA_REGISTRY_URL")
        .env("TABULA_DATA", dir.join("data"))
        .output()
        .unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// A data directory whose `tabula.toml` says `language = "en"` (else the locale's German).
fn english(dir: &Path) {
    let data = dir.join("data");
    std::fs::create_dir_all(&data).unwrap();
    std::fs::write(data.join("tabula.toml"), "[station]\nlanguage = \"en\"\n").unwrap();
}

#[test]
fn cert_show_in_german_and_english() {
    let dir = tempfile::tempdir().unwrap();
    let key = StationKey::generate().unwrap();
    let mut cert = sample::certificate(&key);
    cert.drives[0].firmware_erase = Some(sample::firmware_erase());
    let path = dir.path().join("c.tabula.json");
    Bundle::sign(&cert, sample::audit(), &key)
        .unwrap()
        .write_atomic(&path)
        .unwrap();
    let file = path.to_str().unwrap();

    let out = tabula(dir.path(), &["cert", "show", file]);
    assert!(out.status.success(), "{out:?}");
    let de = stdout(&out);
    // Started 2026-11-18T11:06:40Z: 12:06:40 in Berlin (CET), written the German way.
    for want in [
        "Zertifikatsregister noch nicht eingetragen\n",
        "Ergebnis            GELÖSCHT MIT FEHLERN\n",
        "Bearbeiter          Jürgen Weiß (T-042)\n",
        "Beginn              18.11.2026 12:06:40\n",
        "Ende                18.11.2026 13:41:40\n",
        "Laufwerke           2\n",
        "  #2 WDC WD5000LPVX-22V0TT0 GELÖSCHT MIT FEHLERN\n",
        "    Kapazität            465,8 GiB (500107862016 Bytes)\n",
        "    Art                  hdd über usb\n",
        "    Verfahren            bsi-vsitr, 7 Durchgänge: 0x00 0xff",
        "    Verifikation         vollständig, NICHT BESTANDEN, 465,8 GiB (500107862016 Bytes) geprüft\n",
        "    Versteckte Bereiche  HPA entfernt, DCO unbekannt\n",
        "    Firmware-Löschung    ata-secure-erase-enhanced, vom Laufwerk bestätigt\n",
        "    Kanarienblöcke       64 geschrieben (je 4096 Bytes), 0 überlebt\n",
        "    Stichprobe           1 % des Laufwerks, 38157 Stichproben (2,3 GiB (2500657152 Bytes)): liest sich als random\n",
        "    Fehlerbereich        ab Byte 1048576, Länge 4096: write: EIO\n",
        "    Durchgang 7/7        0xaa 18.11.2026 13:23:40 bis 18.11.2026 13:35:40 (720 s, 465,8 GiB (500107862016 Bytes))\n",
    ] {
        assert!(de.contains(want), "{want:?} missing in\n{de}");
    }
    for english in [
        "Operator",
        "Started",
        "pass(es)",
        "bytes",
        "T11:06:40Z",
        "ERASED",
    ] {
        assert!(!de.contains(english), "{english:?} in\n{de}");
    }

    english(dir.path());
    let out = tabula(dir.path(), &["cert", "show", file]);
    assert!(out.status.success(), "{out:?}");
    let en = stdout(&out);
    for want in [
        "Erasure          ",
        "Result           ERASED-WITH-ERRORS\n",
        "Started          2026-11-18 12:06:40\n",
        "    Size                 465.8 GiB (500107862016 bytes)\n",
        "    Method               bsi-vsitr, 7 pass(es): 0x00",
        "    Pass 7/7             0xaa 2026-11-18 13:23:40 .. 2026-11-18 13:35:40 (720 s,",
    ] {
        assert!(en.contains(want), "{want:?} missing in\n{en}");
    }
    assert!(!en.contains("Beginn") && !en.contains("Durchgang"), "{en}");
}
