//! The screens in German (`[station] language = "de"`, or `LANG=de_DE.UTF-8`): the same
//! render tests as [`super::tests`], asserted on the German a technician reads.

use crossterm::event::KeyCode;
use tabula_station::config::Config;

use tabula_wipe::plan::Preflight;
use tabula_wipe::report::{VerifyOutcome, WipeStatus};
use tabula_wipe::target::TargetError;

use super::app::{Action, Msg, Screen};
use super::resume::Pending;
use super::tests::{
    cert, line_with, plan, plan_failing, press, progress_app, ready_app, screen, type_text,
};
use crate::i18n::{Language, set_thread_language};

#[test]
fn confirmation_in_german_with_plurals() {
    set_thread_language(Language::De);
    let mut app = ready_app(&Config::default());
    app.confirm = super::confirm::ConfirmForm::new(vec![plan("zero")], "Jana".to_owned(), false);
    app.screen = Screen::Confirm;
    let text = screen(&app);
    assert!(text.contains("3/5 Bestätigen"), "{text}");
    assert!(
        text.contains("DIESE LAUFWERKE WERDEN UNWIDERRUFLICH GELÖSCHT"),
        "{text}"
    );
    assert!(line_with(&text, "GERÄT").contains("SERIENNUMMER"));
    assert!(
        text.contains("zero (Mit Nullen füllen (1 Durchgang)), 1 Durchgang, Prüfung:"),
        "{text}"
    );
    assert!(text.contains("Bearbeiter: Jana"));
    assert!(text.contains("diesen Laufwerken (2 Laufwerke)"), "{text}");
    assert!(text.contains("ERASE eintippen und Enter drücken"));
    assert!(text.contains("Wort eintippen, Enter  Esc zurück"));
    type_text(&mut app, "erase");
    assert_eq!(press(&mut app, KeyCode::Enter), None);
    assert!(screen(&app).contains("nicht bestätigt: genau ERASE eintippen"));
    type_text(&mut app, "ERASE");
    assert_eq!(press(&mut app, KeyCode::Enter), Some(Action::Wipe));
}

#[test]
fn a_drive_that_failed_its_checks_reads_german_on_the_confirm_screen() {
    set_thread_language(Language::De);
    let busy = Preflight::failed(TargetError::Busy {
        path: "/dev/sda".into(),
    });
    let mut app = ready_app(&Config::default());
    app.confirm = super::confirm::ConfirmForm::new(
        vec![plan_failing("zero", busy)],
        "Jana".to_owned(),
        false,
    );
    app.screen = Screen::Confirm;
    let text = screen(&app);
    assert_eq!(
        text.matches("wird scheitern, nichts geschrieben: /dev/sda: in Gebrauch")
            .count(),
        2,
        "{text}"
    );
    assert!(!text.contains("in use"), "{text}");
}

#[test]
fn machine_screen_in_german() {
    set_thread_language(Language::De);
    let app = ready_app(&Config::default());
    let text = screen(&app);
    for want in [
        "1/5 Rechner und Laufwerke",
        "Hersteller LENOVO",
        "Seriennr.  PF1ABCDE",
        "(4 Kerne / 8 Threads)",
        "84 % der Nennkapazität",
        "Windows-Schlüssel in der Firmware (XXXXX-XXXXX-XXXXX-XXXXX-8Q4HJ)",
        "Laufwerke: 1 gewählt",
        "(1 ohne Medium nicht gezeigt)",
        "GERÄT",
        "GRÖSSE",
        "Leertaste wählen",
    ] {
        assert!(text.contains(want), "{want:?} missing in\n{text}");
    }
    assert!(
        text.contains("SMART OK, 12345 Betriebsstunden  löschbar"),
        "{text}"
    );
    assert!(
        text.contains("zum Löschen von Hand wählen (Loop-Gerät)"),
        "{text}"
    );
    assert!(
        text.contains("AUSGESCHLOSSEN: Startmedium: trägt das Wurzeldateisystem /"),
        "{text}"
    );
    assert!(
        text.contains("kein kabelgebundenes Netz; Zertifikatsregister: wird geprüft"),
        "{text}"
    );
}

#[test]
fn method_screen_in_german() {
    set_thread_language(Language::De);
    let mut app = ready_app(&Config::default());
    app.screen = Screen::Method;
    let text = screen(&app);
    assert!(text.contains("2/5 Verfahren und Bearbeiter"), "{text}");
    assert!(text.contains("Löschverfahren"), "{text}");
    assert!(
        line_with(&text, "> nist-800-88-clear").contains("Prüfung: alle"),
        "{text}"
    );
    assert!(line_with(&text, "gutmann").contains("Gutmann (35 Durchgänge)"));
    assert!(text.contains("Kategorie nach NIST SP 800-88: clear"));
    assert_eq!(press(&mut app, KeyCode::Enter), None);
    assert!(screen(&app).contains("Namen des Bearbeiters eintippen"));
}

#[test]
fn progress_and_stop_in_german() {
    set_thread_language(Language::De);
    let mut app = progress_app();
    let text = screen(&app);
    assert!(text.contains("4/5 Löschen"), "{text}");
    assert!(text.contains("2 Laufwerke werden gelöscht"), "{text}");
    assert!(line_with(&text, "/dev/sda").contains("Durchgang 2/3 schreiben complement"));
    let bar = text
        .lines()
        .skip_while(|l| !l.contains("/dev/sda"))
        .nth(1)
        .unwrap();
    assert!(bar.contains("500,0 MB/s Rest 0:21:20"), "{bar}");
    assert!(line_with(&text, "/dev/loop0").contains("HÄNGT SEIT 65 s"));
    assert_eq!(press(&mut app, KeyCode::Char('q')), None);
    assert!(screen(&app).contains("Löschen abbrechen?"));
    assert_eq!(press(&mut app, KeyCode::Char('y')), Some(Action::Stop));
    assert!(screen(&app).contains("Alle Laufwerke werden angehalten"));
}

#[test]
fn result_in_german() {
    set_thread_language(Language::De);
    let mut app = progress_app();
    app.message(Msg::Done(Ok(vec![cert(WipeStatus::Completed)])));
    let text = screen(&app);
    assert!(text.contains("5/5 Ergebnis"), "{text}");
    assert!(
        text.contains("Das Laufwerk wurde gelöscht und geprüft (1 Laufwerk)"),
        "{text}"
    );
    assert!(line_with(&text, "/dev/sda").contains("gelöscht (Prüfung: bestanden)"));
    assert!(
        text.contains("Zertifikat      01a2b3c4-0000-7000-8000-000000000001"),
        "{text}"
    );
    assert!(text.contains("wird an das Zertifikatsregister übertragen"));
    // The bundle's path fits beside its label at 80 columns.
    assert!(
        text.contains(
            "Bündel          certificates/01a2b3c4-0000-7000-8000-000000000001.tabula.json"
        ),
        "{text}"
    );
    assert!(text.contains("Übertragung läuft"));
    let mut failed = cert(WipeStatus::Interrupted);
    failed.drives[0].verification = VerifyOutcome::Incomplete;
    app.message(Msg::Done(Ok(vec![failed])));
    let text = screen(&app);
    assert!(
        text.contains("NICHT jedes Laufwerk wurde gelöscht"),
        "{text}"
    );
    assert!(line_with(&text, "/dev/sda").contains("unterbrochen (Prüfung: unvollständig)"));
}

#[test]
fn resume_offer_in_german_with_a_german_date() {
    set_thread_language(Language::De);
    let mut app = ready_app(&Config::default());
    let started = chrono::TimeZone::with_ymd_and_hms(&chrono::Utc, 2026, 11, 25, 10, 0, 0).unwrap();
    app.resume = super::resume::ResumeOffer {
        pending: vec![Pending {
            id: "01a2-journal".to_owned(),
            started: crate::i18n::clock::date_time(started),
            operator: "Jana".to_owned(),
            plan: plan("dod-3pass"),
            reached: vec![Some(2), None],
        }],
    };
    app.screen = Screen::Resume;
    let text = screen(&app);
    // 10:00 UTC is 11:00 in Berlin in November.
    assert!(
        text.contains("Löschung 01a2-journal, begonnen 25.11.2026, 11:00 von Jana (dod-3pass)"),
        "{text}"
    );
    assert!(text.contains("/dev/sda: war bei Durchgang 2/3"));
    assert!(text.contains("/dev/loop0: nicht begonnen"));
    assert!(text.contains("r fortsetzen"));
}

#[test]
fn a_failed_firmware_erase_reads_german_on_the_result_screen() {
    use tabula_station::certify::Stored;
    use tabula_station::job::Finished;
    use tabula_wipe::report::{Failure, FirmwareFailure};
    set_thread_language(Language::De);
    let report = crate::i18n::engine::failed_report(
        "/dev/sda",
        Failure::Firmware {
            method: "nvme-format".into(),
            reason: FirmwareFailure::NotConfirmed,
        },
    );
    let finished = Finished {
        reports: vec![report],
        stored: Stored {
            id: "01a2b3c4-0000-7000-8000-000000000002".into(),
            bundle: "/data/certificates/01a2b3c4-0000-7000-8000-000000000002.tabula.json".into(),
            pdf: "/data/certificates/01a2b3c4-0000-7000-8000-000000000002.pdf".into(),
            outbox: None,
        },
        journal_kept: None,
    };
    let mut app = progress_app();
    app.message(Msg::Done(Ok(vec![super::result::CertView::from(
        &finished,
    )])));
    let text = screen(&app);
    let joined: String = text
        .lines()
        .map(|l| l.trim_matches(|c: char| c == '│' || c.is_whitespace()))
        .collect::<Vec<_>>()
        .join(" ");
    assert!(
        joined.contains("nvme-format: das Laufwerk hat das Löschen nicht bestätigt"),
        "{text}"
    );
    assert!(!text.contains("did not confirm"), "{text}");
}
