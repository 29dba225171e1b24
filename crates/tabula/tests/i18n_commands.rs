//! The subcommands around the wipe speak the chosen language: `keygen`, `verify`, `cert
//! show|pdf|export`, `audit --capture`, `upload`, and the errors at the command line's edge
//! (the station's refusals and configuration errors). Each runs with `LANG=de_DE.UTF-8` and
//! with `LANG=C.UTF-8`, and the output must carry real words of that language.

#![allow(clippy::unwrap_used)] // test code: a failed unwrap is a failed test

use std::path::{Path, PathBuf};
use std::process::Output;

use tabula_certificate::{Bundle, StationKey, sample};

mod support;

use support::{tabula_in as tabula, text};

const DE: &str = "de_DE.UTF-8";
const EN: &str = "C.UTF-8";

/// A key made by `tabula keygen` (in `lang`), a clean bundle and an interrupted one.
fn signed(dir: &Path, lang: &str) -> (Output, PathBuf, PathBuf) {
    let keygen = tabula(lang, dir, &["keygen", "--out", "keys"]);
    assert!(keygen.status.success(), "{}", text(&keygen));
    let key = StationKey::load(&dir.join("keys/station.key")).unwrap();
    let write = |cert: &tabula_certificate::Certificate, name: &str| {
        let path = dir.join(name);
        Bundle::sign(cert, sample::audit(), &key)
            .unwrap()
            .write_atomic(&path)
            .unwrap();
        path
    };
    let clean = write(&sample::erased_certificate(&key), "clean.tabula.json");
    let broken = write(&sample::interrupted_certificate(&key), "cut.tabula.json");
    (keygen, clean, broken)
}

#[test]
fn keygen_and_verify_in_german() {
    let dir = tempfile::tempdir().unwrap();
    let (keygen, clean, cut) = signed(dir.path(), DE);
    let out = text(&keygen);
    assert!(
        out.contains("privater Schlüssel     keys/station.key (geheim halten, Modus 0600)"),
        "{out}"
    );
    assert!(out.contains("Fingerabdruck          sha256:"), "{out}");
    let again = tabula(DE, dir.path(), &["keygen", "--out", "keys"]);
    assert!(!again.status.success());
    let out = text(&again);
    assert!(
        out.contains("gibt es schon; ein vorhandener Schlüssel wird nie überschrieben"),
        "{out}"
    );

    let out = tabula(
        DE,
        dir.path(),
        &["verify", clean.to_str().unwrap(), cut.to_str().unwrap()],
    );
    assert_eq!(out.status.code(), Some(3), "{}", text(&out));
    let out = text(&out);
    assert!(out.contains(": gelöscht und geprüft"), "{out}");
    assert!(
        out.contains("Signatur gültig: signiert mit dem mitgelieferten Schlüssel sha256:"),
        "{out}"
    );
    assert!(out.contains("NICHT VOLLSTÄNDIG GELÖSCHT  "), "{out}");
    assert!(out.contains("(abgebrochen): Laufwerk "), "{out}");
    assert!(
        out.contains("1 gelöscht und geprüft, 1 nicht vollständig gelöscht, 0 fehlerhaft"),
        "{out}"
    );
    assert!(!out.contains("erased and verified"), "{out}");

    // A file that is not a bundle: the German verdict word, exit 1.
    std::fs::write(dir.path().join("junk.json"), "{}").unwrap();
    let out = tabula(
        DE,
        dir.path(),
        &["verify", "junk.json", "--key", "keys/station.pem"],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out).starts_with("FEHLER  junk.json: "),
        "{}",
        text(&out)
    );
    // An unreadable --key is an error at the edge, in German.
    let out = tabula(
        DE,
        dir.path(),
        &["verify", "junk.json", "--key", "nope.pem"],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out).contains("tabula: Fehler: --key nope.pem lässt sich nicht lesen"),
        "{}",
        text(&out)
    );
}

#[test]
fn keygen_and_verify_in_english() {
    let dir = tempfile::tempdir().unwrap();
    let (keygen, clean, cut) = signed(dir.path(), EN);
    assert!(text(&keygen).contains("private key  keys/station.key (keep secret, mode 0600)"));
    let again = tabula(EN, dir.path(), &["keygen", "--out", "keys"]);
    assert!(!again.status.success());
    let out = text(&again);
    assert!(out.contains("already exists"), "{out}");
    assert!(!out.contains("gibt es schon"), "{out}");
    let out = tabula(
        EN,
        dir.path(),
        &["verify", clean.to_str().unwrap(), cut.to_str().unwrap()],
    );
    assert_eq!(out.status.code(), Some(3));
    let out = text(&out);
    assert!(out.contains(": erased and verified"), "{out}");
    assert!(out.contains("NOT FULLY ERASED  "), "{out}");
    assert!(out.contains("(interrupted): drive "), "{out}");
    assert!(
        out.contains("1 erased and verified, 1 not fully erased, 0 failed"),
        "{out}"
    );
    assert!(!out.contains("gelöscht"), "{out}");
}

#[test]
fn cert_show_pdf_and_export_in_both_languages() {
    let dir = tempfile::tempdir().unwrap();
    let (_, clean, _) = signed(dir.path(), EN);
    let file = clean.to_str().unwrap();

    let de = text(&tabula(DE, dir.path(), &["cert", "show", file]));
    assert!(
        de.starts_with("Löschung            gelöscht und geprüft\n"),
        "{de}"
    );
    assert!(
        de.contains("Signatur            gültig, signiert mit dem mitgelieferten Schlüssel"),
        "{de}"
    );
    assert!(
        de.contains("Zertifikatsregister noch nicht eingetragen"),
        "{de}"
    );
    let en = text(&tabula(EN, dir.path(), &["cert", "show", file]));
    assert!(
        en.starts_with("Erasure          erased and verified\n"),
        "{en}"
    );
    assert!(en.contains("Registry         not registered yet"), "{en}");

    let out = tabula(DE, dir.path(), &["cert", "pdf", file, "--out", "c.pdf"]);
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(text(&out), "geschrieben: c.pdf\n");
    assert!(dir.path().join("c.pdf").is_file());

    let out = tabula(DE, dir.path(), &["cert", "export", file, "--out", "x"]);
    let out = text(&out);
    assert!(out.contains("geschrieben: x/cert.json"), "{out}");
    assert!(out.contains("prüfen mit: openssl pkeyutl"), "{out}");
    let out = text(&tabula(
        EN,
        dir.path(),
        &["cert", "export", file, "--out", "y"],
    ));
    assert!(
        out.contains("wrote y/cert.json") && out.contains("check with: openssl"),
        "{out}"
    );

    // A bundle that does not verify is not rendered: said in German.
    let mut bundle = Bundle::read(&clean).unwrap();
    bundle.envelope.signatures[0].sig = "AAAA".into();
    bundle.write_atomic(&dir.path().join("bad.json")).unwrap();
    let out = tabula(
        DE,
        dir.path(),
        &["cert", "pdf", "bad.json", "--out", "b.pdf"],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out).contains(
            "bad.json: ein Zertifikat, dessen Signatur nicht stimmt, wird nicht als PDF ausgegeben"
        ),
        "{}",
        text(&out)
    );
}

#[test]
fn audit_capture_and_its_errors_in_both_languages() {
    let dir = tempfile::tempdir().unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/audit/laptop");
    let root = root.to_str().unwrap();
    let args = ["audit", "--root", root, "--no-smart", "--capture"];
    let de = tabula(DE, dir.path(), &[&args[..], &["de"]].concat());
    assert!(de.status.success(), "{}", text(&de));
    let de = text(&de);
    assert!(
        de.contains(" Dateien aufgezeichnet (0 smartctl-Ausgaben, "),
        "{de}"
    );
    assert!(
        de.contains("erneut auswerten mit: tabula audit --root de"),
        "{de}"
    );
    let en = text(&tabula(EN, dir.path(), &[&args[..], &["en"]].concat()));
    assert!(en.contains("replay with: tabula audit --root en"), "{en}");

    let out = tabula(DE, dir.path(), &["audit", "--rules", "missing.toml"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out).starts_with("tabula: Fehler: Regeln missing.toml lassen sich nicht laden: "),
        "{}",
        text(&out)
    );
    let out = tabula(EN, dir.path(), &["audit", "--rules", "missing.toml"]);
    assert!(text(&out).starts_with("tabula: error: loading rules missing.toml: "));
}

#[test]
fn the_audit_report_in_both_languages_json_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/audit/laptop");
    let args = ["audit", "--root", root.to_str().unwrap(), "--no-smart"];
    let de = tabula(DE, dir.path(), &args);
    assert!(de.status.success(), "{}", text(&de));
    let de = text(&de);
    for want in [
        "Rechner      LENOVO 20L5CTO1WW\n",
        "Speicher     8,0 GiB eingebaut, 7,6 GiB nutzbar, 1 von 2 Steckplätzen frei\n",
        "238,5 GiB SSD",
        "SMART: nicht erhoben (abgeschaltet)",
        "Akku         BAT0 72,0 % der Nennkapazität, 312 Ladezyklen\n",
        "Lizenz       Windows-Schlüssel XXXXX-XXXXX-XXXXX-XXXXX-3V66T (LENOVO); kein SLIC\n",
        "Windows 11   erfüllt die Hardware-Mindestanforderungen\n",
    ] {
        assert!(de.contains(want), "{want:?} missing in\n{de}");
    }
    let en = text(&tabula(EN, dir.path(), &args));
    assert!(en.contains("Machine      LENOVO 20L5CTO1WW\n"), "{en}");
    assert!(en.contains("8.0 GiB installed, 7.6 GiB usable"), "{en}");
    assert!(!en.contains("Rechner"), "{en}");
    // JSON is for programs: the same in both languages.
    let json = |lang| {
        let out = tabula(lang, dir.path(), &[&args[..], &["--json"]].concat());
        let mut v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        v["collected_at"] = serde_json::Value::Null;
        v
    };
    assert_eq!(json(DE), json(EN));
}

#[test]
fn refusals_and_configuration_errors_in_both_languages() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    std::fs::create_dir_all(&data).unwrap();
    // No registry configured: the station's typed refusal, worded by the catalogue.
    let out = tabula(DE, dir.path(), &["upload"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out).contains("tabula: Fehler: kein Zertifikatsregister: --registry URL angeben"),
        "{}",
        text(&out)
    );
    let out = tabula(EN, dir.path(), &["upload"]);
    assert!(text(&out).contains("tabula: error: no registry: give --registry URL"));
    // Named files without --registry.
    let out = tabula(DE, dir.path(), &["upload", "x.tabula.json"]);
    assert!(
        text(&out).contains("zum Hochladen genannter Dateien ist --registry URL nötig"),
        "{}",
        text(&out)
    );

    // A broken configuration: its path, line and the words around them in German.
    std::fs::write(
        data.join("tabula.toml"),
        "[station]\nsite = \"Grünau\"\n[wipe\n",
    )
    .unwrap();
    let out = tabula(DE, dir.path(), &["upload"]);
    let expected = format!(
        "tabula: Fehler: {}, Zeile 3: ",
        data.join("tabula.toml").display()
    );
    assert!(text(&out).starts_with(&expected), "{}", text(&out));
    let out = tabula(EN, dir.path(), &["upload"]);
    let expected = format!(
        "tabula: error: {}, line 3: ",
        data.join("tabula.toml").display()
    );
    assert!(text(&out).starts_with(&expected), "{}", text(&out));

    std::fs::write(
        data.join("tabula.toml"),
        "[station]\ntimezone = \"Mars/Olympus\"\n",
    )
    .unwrap();
    let out = text(&tabula(DE, dir.path(), &["upload"]));
    assert!(out.contains("unbekannte Zeitzone 'Mars/Olympus'"), "{out}");
}

#[test]
fn an_empty_outbox_says_so_in_the_configured_language() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    std::fs::create_dir_all(&data).unwrap();
    // The configuration's language wins over the locale; the registry is never reached, as
    // there is nothing to send.
    std::fs::write(
        data.join("tabula.toml"),
        "[station]\nlanguage = \"de\"\n[registry]\nurl = \"http://127.0.0.1:9\"\n",
    )
    .unwrap();
    let out = tabula(EN, dir.path(), &["upload"]);
    assert!(
        text(&out).contains("der Postausgang ist leer"),
        "{}",
        text(&out)
    );
}

/// A data directory whose outbox holds one bundle of its station, for a registry at `port`
/// (nobody listens there) in the configured `language`; the bundle's path.
fn outbox_for_a_registry_that_is_down(data: &Path, language: &str, port: u16) -> PathBuf {
    std::fs::create_dir_all(data.join("outbox")).unwrap();
    std::fs::write(
        data.join("tabula.toml"),
        format!(
            "[station]\nlanguage = \"{language}\"\n[registry]\nurl = \"http://127.0.0.1:{port}\"\n"
        ),
    )
    .unwrap();
    let key = tabula_station::datadir::DataDir::open(data)
        .unwrap()
        .station_key()
        .unwrap();
    let cert = sample::erased_certificate(&key);
    let path = data.join("outbox").join(format!("{}.tabula.json", cert.id));
    Bundle::sign(&cert, sample::audit(), &key)
        .unwrap()
        .write_atomic(&path)
        .unwrap();
    path
}

/// A port on this machine nobody listens on (bound, then closed).
fn closed_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

#[test]
fn a_registry_that_is_down_reads_german_and_the_bundle_stays_in_the_outbox() {
    for (language, locale, words, not) in [
        (
            "de",
            EN,
            "bleibt im Postausgang, neuer Versuch folgt: Zertifikatsregister nicht erreichbar (http://127.0.0.1:",
            "cannot reach",
        ),
        (
            "en",
            DE,
            "kept in outbox, will retry: cannot reach the registry at http://127.0.0.1:",
            "nicht erreichbar",
        ),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("data");
        let bundle = outbox_for_a_registry_that_is_down(&data, language, closed_port());
        let before = std::fs::read(&bundle).unwrap();
        let out = tabula(locale, dir.path(), &["upload"]);
        let said = text(&out);
        assert!(!out.status.success(), "{said}");
        assert!(said.contains(words), "{language}: {said}");
        assert!(!said.contains(not), "{language}: {said}");
        // The system's own words for the cause follow, without the HTTP library's layers.
        assert!(said.contains("refused"), "{language}: {said}");
        assert!(
            !said.contains("error sending request"),
            "{language}: {said}"
        );
        // Kept, untouched, for the next attempt.
        assert_eq!(std::fs::read(&bundle).unwrap(), before, "{language}");
    }
}
