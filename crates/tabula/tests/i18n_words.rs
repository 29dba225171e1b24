//! `tabula cert show` and the audit's rule and Windows 11 reasons in the chosen language
//! (issue 13): German with `LANG=de_DE.UTF-8`, English with `[station] language = "en"` in the
//! data directory's `tabula.toml` (which overrides the locale), on real signed certificates and
//! the audit fixtures.

#![allow(clippy::unwrap_used)] // test code: a failed unwrap is a failed test

use std::path::Path;
use std::process::Output;

use tabula_certificate::{Bundle, StationKey, sample};

mod support;

/// `tabula ARGS` in `dir` with `LANG=de_DE.UTF-8`, the data directory `dir/data`.
fn tabula(dir: &Path, args: &[&str]) -> Output {
    support::tabula_in("de_DE.UTF-8", dir, args)
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

#[test]
fn the_audit_report_words_rules_and_windows_11_checks_in_german() {
    let dir = tempfile::tempdir().unwrap();
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/audit");
    // The laptop (8 GiB RAM, battery at 72 %) against stricter rules: RAM and battery fail.
    std::fs::write(
        dir.path().join("rules.toml"),
        "[[rule]]\nid = \"battery\"\ncheck = \"battery_health\"\nmin_pct = 80\non_fail = \"C\"\n\
         [[rule]]\nid = \"ram\"\ncheck = \"min_ram_gib\"\ngib = 16\non_fail = \"B\"\n",
    )
    .unwrap();
    let laptop = fixtures.join("laptop");
    let args = [
        "audit",
        "--root",
        laptop.to_str().unwrap(),
        "--no-smart",
        "--rules",
        "rules.toml",
    ];
    let out = tabula(dir.path(), &args);
    assert!(out.status.success(), "{out:?}");
    let de = stdout(&out);
    for want in [
        "Eignung      C\n",
        "  NEIN battery            BAT0: 72,0 % (mindestens 80 %)\n",
        "  NEIN ram                8,0 GiB (mindestens 16 GiB)\n",
        "Plattform    Start UEFI, Secure Boot aus, TPM 2.0, 1 GPU, 2 Netzwerkkarten\n",
    ] {
        assert!(de.contains(want), "{want:?} missing in\n{de}");
    }
    assert!(!de.contains("needs"), "{de}");
    // The JSON keeps the English detail and adds the typed reason, in every language.
    let json = tabula(dir.path(), &[&args[..], &["--json"]].concat());
    let v: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    let battery = &v["fitness"]["rules"][0];
    assert_eq!(battery["detail"], "BAT0: 72.0 % (needs 80 %)");
    assert_eq!(battery["reason"]["kind"], "batteries");
    assert_eq!(battery["reason"]["needs_pct"], 80.0);

    // A virtual machine misses Windows 11's floor on every count; 2 GiB of RAM is unfit.
    let vm = fixtures.join("vm");
    let out = tabula(dir.path(), &["audit", "--root", vm.to_str().unwrap()]);
    let de = stdout(&out);
    for want in [
        "  NEIN ram-minimum        2,0 GiB (mindestens 4 GiB)\n",
        "  ??   storage-healthy    vda: keine SMART-Daten\n",
        "  NEIN ssd                nur Festplatten mit drehenden Scheiben\n",
        "Windows 11   nein: Linux installieren\n",
        "  fehlt TPM 2.0              kein TPM sichtbar",
        "  fehlt UEFI                 nur Legacy-BIOS\n",
        "  fehlt CPU-Generation       die Generation von \"QEMU Virtual CPU version 2.5+\" ist nicht zu beurteilen\n",
        "  fehlt 4 GiB RAM            2,0 GiB\n",
        "  fehlt 64 GB Speicher       größtes eingebautes Laufwerk 21 GB\n",
    ] {
        assert!(de.contains(want), "{want:?} missing in\n{de}");
    }
    assert!(!de.contains("legacy BIOS only"), "{de}");
    // A rule on Windows 11's floor names what is missing by the checks' German names.
    std::fs::write(
        dir.path().join("win11.toml"),
        "[[rule]]\nid = \"win11\"\ncheck = \"windows11\"\non_fail = \"C\"\n",
    )
    .unwrap();
    let vm_args = [
        "audit",
        "--root",
        vm.to_str().unwrap(),
        "--rules",
        "win11.toml",
    ];
    let de = stdout(&tabula(dir.path(), &vm_args));
    assert!(
        de.contains("  NEIN win11              es fehlt: TPM 2.0, UEFI, Secure Boot, CPU-Generation, 4 GiB RAM, 64 GB Speicher\n"),
        "{de}"
    );

    // English from the configuration: the audit's own words.
    english(dir.path());
    let en = stdout(&tabula(dir.path(), &args));
    assert!(
        en.contains("  FAIL battery            BAT0: 72.0 % (needs 80 %)\n"),
        "{en}"
    );
    let en = stdout(&tabula(dir.path(), &vm_args));
    assert!(
        en.contains("  FAIL win11              misses: TPM 2.0, UEFI, Secure Boot, CPU generation, 4 GiB RAM, 64 GB storage\n"),
        "{en}"
    );
    assert!(
        en.contains("  missing 64 GB storage        largest internal drive 21 GB\n"),
        "{en}"
    );
}

#[test]
fn certificate_and_rules_errors_in_german() {
    let dir = tempfile::tempdir().unwrap();
    let key = StationKey::generate().unwrap();
    let mut bundle = Bundle::sign(&sample::certificate(&key), sample::audit(), &key).unwrap();
    bundle.envelope.signatures[0].sig = "AAAA".into();
    bundle.write_atomic(&dir.path().join("bad.json")).unwrap();

    let out = tabula(dir.path(), &["verify", "bad.json"]);
    assert_eq!(out.status.code(), Some(1));
    let de = stdout(&out);
    assert!(
        de.contains(
            "bad.json: Signatur stimmt nicht: das Zertifikat wurde nach dem Signieren verändert"
        ),
        "{de}"
    );
    let out = tabula(dir.path(), &["cert", "show", "bad.json"]);
    assert_eq!(out.status.code(), Some(1));
    let de = stdout(&out);
    assert!(de.contains("UNGÜLTIG: Signatur stimmt nicht"), "{de}");
    std::fs::write(dir.path().join("empty.json"), "").unwrap();
    let de = stdout(&tabula(dir.path(), &["verify", "empty.json"]));
    assert!(
        de.contains("empty.json: leere Datei: kein Tabula-Zertifikat"),
        "{de}"
    );

    // A rules file with an id twice: refused at the edge, in German.
    std::fs::write(
        dir.path().join("rules.toml"),
        "[[rule]]\nid = \"a\"\ncheck = \"cpu_64bit\"\non_fail = \"B\"\n\
         [[rule]]\nid = \"a\"\ncheck = \"ssd_present\"\non_fail = \"C\"\n",
    )
    .unwrap();
    let out = tabula(dir.path(), &["audit", "--rules", "rules.toml"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("rules.toml lassen sich nicht laden: die Regel-ID \"a\" kommt zweimal vor"),
        "{err}"
    );

    english(dir.path());
    let en = stdout(&tabula(dir.path(), &["verify", "bad.json"]));
    assert!(en.contains("bad.json: signature does not verify"), "{en}");
}

/// A root holding only the given firmware files.
fn firmware_root(files: &[(&str, Vec<u8>)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (rel, bytes) in files {
        let path = dir.path().join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, bytes).unwrap();
    }
    dir
}

#[test]
fn the_audit_report_words_problems_and_licence_tables_in_german() {
    use tabula_audit::acpi::{build_table, msdm_body};
    let dir = tempfile::tempdir().unwrap();
    // An MSDM whose checksum does not add up, a SLIC with a blank body (as 13 of 185 real
    // ones), and SMBIOS files without an entry point anchor.
    let mut msdm = build_table(
        b"MSDM",
        b"LENOVO",
        b"TP-N24  ",
        &msdm_body("TABUL-AAAAA-BBBBB-CCCCC-3V66T"),
    );
    msdm[60] ^= 0x20;
    let root = firmware_root(&[
        ("sys/firmware/acpi/tables/MSDM", msdm),
        (
            "sys/firmware/acpi/tables/SLIC",
            build_table(b"SLIC", b"DELL  ", b"PE_SC3  ", &[0xff; 338]),
        ),
        ("sys/firmware/dmi/tables/smbios_entry_point", vec![0; 31]),
        ("sys/firmware/dmi/tables/DMI", vec![0; 16]),
    ]);
    let args = [
        "audit",
        "--root",
        root.path().to_str().unwrap(),
        "--no-smart",
    ];
    let out = tabula(dir.path(), &args);
    assert!(out.status.success(), "{out:?}");
    let de = stdout(&out);
    for want in [
        "MSDM FEHLERHAFT: die Prüfsumme ergibt nicht null (Summe 0x",
        "SLIC DELL/PE_SC3 UNBRAUCHBAR: leerer Inhalt (alle Bytes 0x00 oder 0xFF)\n",
        "Problem      SMBIOS-Tabellen nicht verwendet: kein SMBIOS-Einstiegspunkt (_SM_ oder \
         _SM3_)\n",
        "Problem      Laufwerke ließen sich nicht ermitteln: ",
        "Problem      ACPI-Tabelle MSDM ist fehlerhaft: die Prüfsumme ergibt nicht null",
    ] {
        assert!(de.contains(want), "{want:?} missing in\n{de}");
    }
    for english in ["malformed", "blank body", "ignored", "checksum", "anchor"] {
        assert!(!de.contains(english), "{english:?} in\n{de}");
    }
    // The JSON keeps its English strings and adds the data, in every language.
    let json = tabula(dir.path(), &[&args[..], &["--json"]].concat());
    let v: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(
        v["licence"]["slic"]["reason"],
        "blank body (all bytes 0x00 or 0xFF)"
    );
    assert_eq!(v["licence"]["slic"]["defect"], "blank");
    assert_eq!(v["problem_reasons"][2]["kind"], "acpi_malformed");
    assert_eq!(v["problem_reasons"][0]["error"]["error"], "no_anchor");
    assert!(v["problems"][2].as_str().unwrap().contains("checksum"));

    english(dir.path());
    let en = stdout(&tabula(dir.path(), &args));
    assert!(
        en.contains("SLIC DELL/PE_SC3 UNUSABLE: blank body (all bytes 0x00 or 0xFF)\n"),
        "{en}"
    );
    assert!(
        en.contains("Problem      SMBIOS tables ignored: no SMBIOS entry point anchor"),
        "{en}"
    );
}

#[test]
fn less_common_certificate_errors_in_german_with_their_detail() {
    let dir = tempfile::tempdir().unwrap();
    let key = StationKey::generate().unwrap();
    let good = Bundle::sign(&sample::certificate(&key), sample::audit(), &key).unwrap();
    let write = |name: &str, b: &Bundle| b.write_atomic(&dir.path().join(name)).unwrap();
    // Tampered: a signature that is not even base64.
    let mut b = good.clone();
    b.envelope.signatures[0].sig = "!!not base64!!".into();
    write("sig.json", &b);
    // The embedded station key is not a key.
    let mut b = good.clone();
    b.station_key = "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n".into();
    write("key.json", &b);
    // Signed by the right key, canonical JSON, but not a certificate.
    let mut b = good.clone();
    b.envelope = tabula_certificate::Envelope::sign(
        tabula_certificate::PAYLOAD_TYPE,
        br#"{"schema_version":1}"#,
        &key,
    );
    write("payload.json", &b);
    // Truncated: half a file.
    let text = std::fs::read(dir.path().join("sig.json")).unwrap();
    std::fs::write(dir.path().join("cut.json"), &text[..text.len() / 2]).unwrap();

    for (file, want, detail) in [
        (
            "sig.json",
            "sig.json: fehlerhafter Umschlag: Signatur 0 ist kein gültiges Base64: ",
            "Invalid",
        ),
        (
            "key.json",
            "key.json: fehlerhafter Umschlag: der mitgelieferte Stationsschlüssel ist unbrauchbar: kein öffentlicher Ed25519-Schlüssel (SPKI-PEM): ",
            "",
        ),
        (
            "payload.json",
            "payload.json: der signierte Inhalt ist kein gültiges Zertifikat der Version 1: ",
            "missing field",
        ),
        (
            "cut.json",
            "cut.json: abgeschnittene Datei: das JSON endet vorzeitig in Zeile",
            "",
        ),
    ] {
        let out = tabula(dir.path(), &["verify", file]);
        assert_eq!(out.status.code(), Some(1), "{out:?}");
        let de = stdout(&out);
        assert!(de.contains(want), "{want:?} missing in\n{de}");
        // The technical detail follows the German words.
        assert!(de.contains(detail), "{detail:?} missing in\n{de}");
        for english in ["malformed envelope", "not a valid", "truncated", "unusable"] {
            assert!(!de.contains(english), "{english:?} in\n{de}");
        }
    }
    let de = stdout(&tabula(dir.path(), &["cert", "show", "key.json"]));
    assert!(
        de.contains("der mitgelieferte Stationsschlüssel ist unbrauchbar"),
        "{de}"
    );

    english(dir.path());
    let en = stdout(&tabula(dir.path(), &["verify", "sig.json"]));
    assert!(
        en.contains("sig.json: malformed envelope: signature 0 is not valid base64"),
        "{en}"
    );
}

/// An SMBIOS 3 entry point for a `table_len`-byte table (checksum filled in).
fn smbios3_entry_point(table_len: u32) -> Vec<u8> {
    let mut ep = b"_SM3_".to_vec();
    ep.extend([0, 0x18, 3, 2, 0, 1, 0]);
    ep.extend(table_len.to_le_bytes());
    ep.extend(0u64.to_le_bytes());
    let sum = ep.iter().fold(0u8, |s, b| s.wrapping_add(*b));
    ep[5] = 0u8.wrapping_sub(sum);
    ep
}

#[test]
fn a_broken_smbios_structure_is_worded_in_german() {
    let dir = tempfile::tempdir().unwrap();
    // A type 1 structure that declares 2 bytes, less than its own header.
    let table = vec![1, 2, 0, 0, 0, 0];
    let root = firmware_root(&[
        (
            "sys/firmware/dmi/tables/smbios_entry_point",
            smbios3_entry_point(table.len() as u32),
        ),
        ("sys/firmware/dmi/tables/DMI", table),
    ]);
    let args = [
        "audit",
        "--root",
        root.path().to_str().unwrap(),
        "--no-smart",
    ];
    let de = stdout(&tabula(dir.path(), &args));
    assert!(
        de.contains(
            "Problem      SMBIOS-Tabelle nur bis zu einem Fehler gelesen: die SMBIOS-Struktur \
             bei Byte 0 nennt die Länge 2 (kleiner als 4)\n"
        ),
        "{de}"
    );
    let json = tabula(dir.path(), &[&args[..], &["--json"]].concat());
    let v: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    let reason = &v["problem_reasons"][0];
    assert_eq!(reason["kind"], "smbios_table");
    assert_eq!(reason["error"]["error"], "structure_length");
    assert_eq!(reason["error"]["length"], 2);
    assert_eq!(
        v["problems"][0],
        "SMBIOS structure at offset 0 declares length 2 (< 4)"
    );
    english(dir.path());
    let en = stdout(&tabula(dir.path(), &args));
    assert!(
        en.contains("Problem      SMBIOS structure at offset 0 declares length 2 (< 4)\n"),
        "{en}"
    );
}
