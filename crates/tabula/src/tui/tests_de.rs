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
    assert!(text.contains("nist-800-88-clear: NIST SP 800-88: Clear (Überschreiben)"));
    assert_eq!(press(&mut app, KeyCode::Enter), None);
    assert!(screen(&app).contains("Namen des Bearbeiters eintippen"));
    // Every method's name in full under the list (it is what `--method` takes).
    press(&mut app, KeyCode::Home);
    for (i, m) in tabula_wipe::method::METHODS.iter().enumerate() {
        if i > 0 {
            press(&mut app, KeyCode::Down);
        }
        assert_eq!(app.method.method().name, m.name);
        let text = screen(&app);
        assert!(
            text.contains(&format!("{}: NIST SP 800-88: ", m.name)),
            "{text}"
        );
    }
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

/// A plan for `n` loop drives (`/dev/loop1` ...) of 8 MiB each.
fn plan_of(n: usize) -> tabula_wipe::plan::WipePlan {
    use tabula_device::{Exclusion, Verdict};
    let drives: Vec<_> = (1..=n)
        .map(|i| {
            let mut d = super::tests::drive(
                &format!("loop{i}"),
                8 << 20,
                Verdict::ExplicitOnly {
                    reasons: vec![Exclusion::Loop],
                },
            );
            d.backing_file = Some(format!("/var/tmp/d{i}.img").into());
            d
        })
        .collect();
    tabula_wipe::plan::WipePlan::new(
        tabula_wipe::method::Method::by_name("random").unwrap(),
        None,
        drives
            .iter()
            .map(|d| tabula_wipe::plan::Checked {
                path: d.path.clone(),
                drive: Some(d.clone()),
                preflight: Preflight::Failed {
                    reason: "not opened in this test".to_owned(),
                    error: None,
                },
                capabilities: None,
            })
            .collect(),
    )
    .unwrap()
}

/// Twelve drives at 80x25: the time since the start is never cut, the random pattern reads
/// German, every bar is as long as the others, and the list scrolls and says how many are out
/// of sight on either side.
#[test]
fn twelve_drives_wiping_at_80x25_in_german() {
    use tabula_wipe::progress::{Event, Phase};
    set_thread_language(Language::De);
    let mut app = ready_app(&Config::default());
    app.progress = super::progress::ProgressView::new(&[plan_of(12)]);
    app.screen = Screen::Progress;
    for drive in 0..12 {
        app.message(Msg::Event(Event::PassStarted {
            drive,
            pass: 1,
            passes: 1,
            phase: Phase::Write,
            // what the engine's `Pattern::describe` says for its random pattern
            pattern: "random (AES-128-CTR)".to_owned(),
        }));
    }
    let text = screen(&app);
    let head = line_with(&text, "Verfahren:");
    assert!(head.trim_end().ends_with("seit 0:00:00"), "{head}");
    assert!(
        line_with(&text, "/dev/loop1 ").contains("Datei d1.img"),
        "{text}"
    );
    assert!(
        line_with(&text, "/dev/loop1 ").contains("Durchgang 1/1 schreiben Zufall (AES-128-CTR)"),
        "{text}"
    );
    assert!(!text.contains("random (AES"), "{text}");
    let bars: Vec<usize> = text.lines().filter_map(|l| l.find(']')).collect();
    assert!(bars.len() >= 8, "{text}");
    assert!(bars.iter().all(|&b| b == bars[0]), "ragged bars:\n{text}");
    assert!(text.contains("weitere ↓  (Auf/Ab blättert)"), "{text}");
    assert!(!text.contains("weitere ↑"), "{text}");
    assert!(!text.contains("/dev/loop12 "), "{text}");
    for _ in 0..12 {
        press(&mut app, KeyCode::Down);
    }
    let text = screen(&app);
    assert!(
        text.contains("/dev/loop12 "),
        "scrolled to the end:\n{text}"
    );
    assert!(text.contains("weitere ↑"), "{text}");
    assert!(!text.contains("weitere ↓"), "{text}");
    assert!(!text.contains("/dev/loop1 "), "{text}");
    // German keys for the question: j(a) stops.
    press(&mut app, KeyCode::Char('q'));
    assert!(screen(&app).contains("j = abbrechen"));
    assert_eq!(press(&mut app, KeyCode::Char('j')), Some(Action::Stop));
}

/// Twelve erased drives do not push the certificate's lines off the result screen.
#[test]
fn twelve_drives_erased_leave_room_for_the_certificate() {
    set_thread_language(Language::De);
    let mut app = ready_app(&Config::default());
    app.screen = Screen::Progress;
    let mut c = cert(WipeStatus::Completed);
    let one = c.drives[0].clone();
    c.drives = (1..=12)
        .map(|i| super::result::DriveOutcome {
            path: format!("/dev/loop{i}").into(),
            ..one.clone()
        })
        .collect();
    c.drives[11].status = WipeStatus::Failed;
    c.upload = super::result::Upload::NoRegistry;
    app.message(Msg::Done(Ok(vec![c])));
    let text = screen(&app);
    assert!(
        line_with(&text, "/dev/loop12").contains("fehlgeschlagen"),
        "{text}"
    );
    assert!(text.contains("/dev/loop1 "), "{text}");
    assert!(
        text.contains("weitere Laufwerke gelöscht (alle im Zertifikat)"),
        "{text}"
    );
    assert!(text.contains("Zertifikat      01a2b3c4"), "{text}");
    assert!(
        text.contains("`tabula upload`"),
        "the upload line in full:\n{text}"
    );
}

/// The grade's reasons read German, not the rules' ids.
#[test]
fn the_grade_says_why_in_german() {
    set_thread_language(Language::De);
    let app = ready_app(&Config::default());
    let text = screen(&app);
    let grade = line_with(&text, "Eignung");
    let audit = super::tests::audit();
    let failed: Vec<_> = audit
        .fitness
        .rules
        .iter()
        .filter(|r| r.grade.is_some())
        .collect();
    assert!(!failed.is_empty(), "the fixture fails a rule");
    for r in failed {
        assert!(!grade.contains(r.id.as_str()), "{grade}");
        let words =
            (crate::i18n::t().commands.audit.report.rule_reason)(r.reason.as_ref().unwrap());
        assert!(grade.contains(&words), "{words:?} not in {grade}");
    }
}
