//! Both catalogues: complete (the compiler sees to the fields), no message left empty or
//! untranslated, plurals right.

use super::{Language, de::DE, en::EN, from_locale, text};

#[test]
fn plurals() {
    let de = text(Language::De);
    assert_eq!((de.common.passes)(1), "1 Durchgang");
    assert_eq!((de.common.passes)(3), "3 Durchgänge");
    assert_eq!((de.common.drives)(1), "1 Laufwerk");
    assert_eq!((de.common.drives)(2), "2 Laufwerke");
    let en = text(Language::En);
    assert_eq!((en.common.passes)(1), "1 pass");
    assert_eq!((en.common.passes)(3), "3 passes");
    assert_eq!((en.common.drives)(0), "0 drives");
}

/// Every `&'static str` of a catalogue, found through its `Debug` form (a typed table has no
/// other way to list its fields), with the field's name.
fn strings(debug: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for line in debug.lines() {
        let line = line.trim();
        if let Some((name, value)) = line.split_once(": \"") {
            let value = value.trim_end_matches(',').trim_end_matches('"');
            out.push((name.to_owned(), value.to_owned()));
        }
    }
    out
}

#[test]
fn no_message_is_empty_or_a_placeholder_and_german_is_german() {
    let de = strings(&format!("{DE:#?}"));
    let en = strings(&format!("{EN:#?}"));
    assert!(de.len() > 20, "{de:?}");
    assert_eq!(
        de.iter().map(|(n, _)| n).collect::<Vec<_>>(),
        en.iter().map(|(n, _)| n).collect::<Vec<_>>()
    );
    for (name, value) in de.iter().chain(&en) {
        assert!(!value.trim().is_empty(), "{name} is empty");
        for placeholder in ["TODO", "FIXME", "XXX", "TBD"] {
            assert!(!value.contains(placeholder), "{name}: {value}");
        }
    }
    // Words the same in both languages are few (units, product names, key names); a German
    // string equal to the English one is most likely an untranslated copy.
    let same: Vec<&String> = de
        .iter()
        .zip(&en)
        .filter(|((_, d), (_, e))| d == e && !SAME_IN_BOTH.contains(&d.as_str()))
        .map(|((n, _), _)| n)
        .collect();
    assert!(same.is_empty(), "untranslated German: {same:?}");
}

/// Messages that read the same in German and English.
const SAME_IN_BOTH: &[&str] = &["Start", "Status", "OK      "];

#[test]
fn key_hints_fit_an_80_column_line() {
    for lang in [Language::De, Language::En] {
        let a = &text(lang).app;
        for hint in [
            a.keys_fatal,
            a.keys_loading,
            a.keys_resume,
            a.keys_machine,
            a.keys_method,
            a.keys_confirm,
            a.keys_progress,
            a.keys_result,
            a.keys_wait,
            text(lang).setup.offer_keys,
            text(lang).setup.form_keys,
            text(lang).setup.done_keys,
            text(lang).setup.failed_keys,
        ] {
            assert!(hint.chars().count() < 80, "{lang:?}: {hint}");
        }
    }
}

#[test]
fn functions_in_both_languages_fill_in_their_arguments() {
    for lang in [Language::De, Language::En] {
        let t = text(lang);
        assert!((t.app.not_a_drive)("/dev/xyz").contains("/dev/xyz"));
        assert!((t.app.rescan_failed)("boom").contains("boom"));
        assert!((t.app.too_small)(80, 25, 70, 20).contains("80x25"));
        assert!((t.app.too_small)(80, 25, 70, 20).contains("70x20"));
        assert!((t.machine.scroll)(3, 8, 20, true, true).contains("3-8"));
        assert!((t.network.up)("ens3", "10.0.2.15").contains("10.0.2.15"));
        assert!((t.network.no_answer)("timeout").contains("timeout"));
        let offer = (t.setup.offer)("/dev/sdb", "3.5 GiB", 3);
        assert!(offer.contains("/dev/sdb") && offer.contains("3.5 GiB") && offer.contains('3'));
        assert!((t.setup.creating)("/dev/sdb").contains("/dev/sdb"));
        assert!((t.setup.form_intro)("/x/tabula.toml").contains("/x/tabula.toml"));
        assert!((t.setup.keymap_loading)("English (US) (us)").contains("(us)"));
        assert!((t.setup.keymap_loaded)("English (US) (us)").contains("(us)"));
    }
}

#[test]
fn language_from_the_locale() {
    let env = |pairs: &'static [(&'static str, &'static str)]| {
        move |name: &str| {
            pairs
                .iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| (*v).to_owned())
        }
    };
    assert_eq!(from_locale(&env(&[("LANG", "de_DE.UTF-8")])), Language::De);
    assert_eq!(from_locale(&env(&[("LANG", "de_AT")])), Language::De);
    assert_eq!(from_locale(&env(&[("LANG", "en_GB.UTF-8")])), Language::En);
    assert_eq!(from_locale(&env(&[])), Language::En);
    assert_eq!(
        from_locale(&env(&[("LANG", "de_DE.UTF-8"), ("LC_ALL", "C")])),
        Language::En
    );
    assert_eq!(
        from_locale(&env(&[
            ("LANG", "en_US.UTF-8"),
            ("LC_MESSAGES", "de_DE.UTF-8")
        ])),
        Language::De
    );
    assert_eq!(
        from_locale(&env(&[("LC_ALL", ""), ("LANG", "de_DE.UTF-8")])),
        Language::De
    );
    // "deu" is no language tag of German in a POSIX locale; "de" only.
    assert_eq!(from_locale(&env(&[("LANG", "dev")])), Language::En);
}

#[test]
fn every_method_has_a_german_label() {
    let de = text(Language::De);
    for m in tabula_wipe::method::METHODS {
        assert_ne!(
            (de.common.method_label)(m.name, m.label),
            m.label,
            "{} has no German label",
            m.name
        );
    }
}
