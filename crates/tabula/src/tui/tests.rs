//! Render and key tests: every screen drawn on ratatui's `TestBackend` at 80x25 (the Linux
//! console) and asserted on the text a technician reads, plus the keys that move between them.

use std::path::PathBuf;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::style::Color;
use tabula_audit::disks::{Disk, Smart, SmartState};
use tabula_audit::smart::{Health, SmartSummary};
use tabula_audit::{Audit, MsdmStatus, SmartctlSource};
use tabula_device::{Bus, Drive, Exclusion, Verdict};
use tabula_wipe::method::Method;
use tabula_wipe::plan::{Checked, Preflight, WipePlan};
use tabula_wipe::progress::{Event, Phase};
use tabula_wipe::report::{VerifyOutcome, WipeStatus};

use super::app::{Action, App, Msg, Ready, Screen};
use super::progress::ProgressView;
use super::result::{CertView, DriveOutcome, Upload};
use super::resume::Pending;
use crate::cmd::Outcome;
use tabula_station::config::Config;
use tabula_station::outbox::{Delivery, FlushReport};

pub(super) use crate::test_support::drive;

/// A laptop with a SATA SSD, the boot disk, a loop device and an empty loop device.
pub(super) fn drives() -> Vec<Drive> {
    let mut sda = drive("sda", 256_060_514_304, Verdict::Wipeable);
    sda.model = Some("Samsung SSD 860 EVO".to_owned());
    sda.serial = Some("S3Z9NB0K123456".to_owned());
    sda.transport = Bus::Sata;
    let mut vda = drive(
        "vda",
        1 << 34,
        Verdict::Excluded {
            reasons: vec![Exclusion::RootFileSystem],
        },
    );
    vda.transport = Bus::Virtio;
    let mut loop0 = drive(
        "loop0",
        8 << 20,
        Verdict::ExplicitOnly {
            reasons: vec![Exclusion::Loop],
        },
    );
    loop0.backing_file = Some(PathBuf::from("/var/tmp/disk.img"));
    let loop7 = drive(
        "loop7",
        0,
        Verdict::Excluded {
            reasons: vec![Exclusion::NoMedium],
        },
    );
    vec![loop0, loop7, sda, vda]
}

pub(super) fn audit() -> Audit {
    let root = tempfile::tempdir().unwrap();
    let mut options = tabula_audit::Options::with_root(root.path());
    options.smartctl = SmartctlSource::Off;
    let mut a = tabula_audit::collect(&options).unwrap();
    a.system.vendor = Some("LENOVO".to_owned());
    a.system.product = Some("ThinkPad T480".to_owned());
    a.system.serial = Some("PF1ABCDE".to_owned());
    a.cpu.model = Some("Intel(R) Core(TM) i5-8350U CPU @ 1.70GHz".to_owned());
    a.cpu.cores = Some(4);
    a.cpu.threads = 8;
    a.memory.installed_bytes = Some(16 << 30);
    a.licence.msdm = MsdmStatus::Present {
        oem_id: "LENOVO".to_owned(),
        oem_table_id: "TP-N24".to_owned(),
        key_masked: "XXXXX-XXXXX-XXXXX-XXXXX-8Q4HJ".to_owned(),
        key_blake3: "00".repeat(32),
        key: None,
    };
    a.batteries = vec![tabula_audit::battery::Battery {
        name: "BAT0".to_owned(),
        manufacturer: None,
        model: None,
        serial: None,
        technology: None,
        basis: None,
        design_capacity: Some(57_000_000),
        full_capacity: Some(48_000_000),
        health_pct: Some(84.2),
        cycle_count: None,
        status: None,
    }];
    let sda = drives().remove(2);
    a.disks = vec![Disk {
        drive: sda,
        smart: Smart {
            state: SmartState::Ok,
            detail: None,
            data: Some(SmartSummary {
                health: Some(Health::Passed),
                power_on_hours: Some(12_345),
                ..SmartSummary::default()
            }),
        },
        capabilities: None,
    }];
    a
}

pub(super) fn ready_app(config: &Config) -> App {
    let mut app = App::new(config);
    audited(&mut app, drives());
    app
}

/// The start-up worker's report: the audit, `drives`, no interrupted wipes.
pub(super) fn audited(app: &mut App, drives: Vec<Drive>) {
    app.message(Msg::Ready(Box::new(Ready {
        audit: audit(),
        audit_json: serde_json::json!({}),
        drives,
        pending: Vec::new(),
    })));
}

fn row_names(app: &App) -> Vec<String> {
    app.drives
        .rows
        .iter()
        .map(|r| r.drive.name.clone())
        .collect()
}

pub(super) fn press(app: &mut App, code: KeyCode) -> Option<Action> {
    app.key(KeyEvent::new(code, KeyModifiers::NONE))
}

pub(super) fn type_text(app: &mut App, text: &str) {
    for c in text.chars() {
        assert_eq!(press(app, KeyCode::Char(c)), None, "typing {c:?}");
    }
}

pub(super) fn render(app: &App, width: u16, height: u16) -> (String, Terminal<TestBackend>) {
    let mut term = Terminal::new(TestBackend::new(width, height)).unwrap();
    term.draw(|f| app.draw(f)).unwrap();
    let buf = term.backend().buffer();
    let mut text = String::new();
    for y in 0..buf.area.height {
        for x in 0..buf.area.width {
            text.push_str(buf[(x, y)].symbol());
        }
        text.push('\n');
    }
    (text, term)
}

pub(super) fn screen(app: &App) -> String {
    let (text, term) = render(app, 80, 25);
    assert_basic_colours(&term);
    text
}

/// The Linux VT has eight colours: no RGB or 256-colour cells anywhere.
fn assert_basic_colours(term: &Terminal<TestBackend>) {
    let basic = |c: Color| {
        matches!(
            c,
            Color::Reset
                | Color::Black
                | Color::Red
                | Color::Green
                | Color::Yellow
                | Color::Blue
                | Color::Magenta
                | Color::Cyan
                | Color::White
        )
    };
    for cell in term.backend().buffer().content() {
        assert!(basic(cell.fg) && basic(cell.bg), "{cell:?}");
    }
}

pub(super) fn line_with<'a>(text: &'a str, needle: &str) -> &'a str {
    text.lines()
        .find(|l| l.contains(needle))
        .unwrap_or_else(|| panic!("no line with {needle:?} in\n{text}"))
}

#[test]
fn machine_screen_shows_the_audit_and_every_drive_with_its_verdict() {
    let app = ready_app(&Config::default());
    assert_eq!(app.screen, Screen::Machine);
    let text = screen(&app);
    for want in [
        "1/5 Machine and drives",
        "LENOVO",
        "ThinkPad T480",
        "PF1ABCDE",
        "Intel(R) Core(TM) i5-8350U CPU @ 1.70GHz (4 cores / 8 threads)",
        "16.0 GiB",
        "84 % of design capacity",
        "Windows key in firmware (XXXXX-XXXXX-XXXXX-XXXXX-8Q4HJ)",
        "(1 without medium not shown)",
    ] {
        assert!(text.contains(want), "{want:?} missing in\n{text}");
    }
    let sda = line_with(&text, "/dev/sda");
    assert!(sda.contains("[x]"), "wipeable drives start selected: {sda}");
    for want in ["Samsung SSD 8", "S3Z9NB0K12", "238.5 GiB", "sata SSD"] {
        assert!(sda.contains(want), "{want:?} missing in {sda}");
    }
    let detail = text
        .lines()
        .skip_while(|l| !l.contains("/dev/sda"))
        .nth(1)
        .unwrap();
    assert!(
        detail.contains("SMART PASSED, 12345 power-on hours  wipeable"),
        "{detail}"
    );
    assert!(line_with(&text, "boot medium").contains("SMART -  EXCLUDED"));
    assert!(line_with(&text, "/dev/loop0").contains("[ ]"));
    assert!(line_with(&text, "/dev/vda").contains(" - "));
    assert!(text.contains("EXCLUDED: boot medium: holds the root file system /"));
    assert!(text.contains("select by hand to wipe (loop device"));
    assert!(
        !text.contains("loop7"),
        "devices without medium are not listed"
    );
}

#[test]
fn excluded_and_kept_drives_cannot_be_selected_loop_devices_can() {
    let mut config = Config::default();
    config.keep.serials = vec!["S3Z9NB0K123456".to_owned()];
    let mut app = ready_app(&config);
    // Kept serial: not preselected, not selectable.
    assert!(app.drives.selected_paths().is_empty());
    assert_eq!(row_names(&app), ["loop0", "sda", "vda"]);
    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::Char(' '));
    assert!(app.drives.selected_paths().is_empty());
    let text = screen(&app);
    assert!(
        text.contains("/dev/sda cannot be selected: EXCLUDED: serial listed under [keep] serials"),
        "{text}"
    );
    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::Char(' '));
    assert!(
        app.drives.selected_paths().is_empty(),
        "the boot disk stays out"
    );
    assert_eq!(press(&mut app, KeyCode::Enter), None, "nothing selected");
    assert!(screen(&app).contains("select at least one drive"));
    press(&mut app, KeyCode::Home);
    press(&mut app, KeyCode::Char(' '));
    assert_eq!(app.drives.selected_paths(), [PathBuf::from("/dev/loop0")]);
    assert!(line_with(&screen(&app), "/dev/loop0").contains("[x]"));
    // The method screen opens and asks the chosen drives what `auto` can do with them.
    assert_eq!(
        press(&mut app, KeyCode::Enter),
        Some(Action::Capabilities(vec![PathBuf::from("/dev/loop0")]))
    );
    assert_eq!(app.screen, Screen::Method);
}

#[test]
fn method_screen_defaults_from_the_config_and_needs_an_operator() {
    let mut config = Config::default();
    config.wipe.method = "dodshort".to_owned();
    let mut app = ready_app(&config);
    press(&mut app, KeyCode::Enter);
    assert_eq!(app.screen, Screen::Method);
    let text = screen(&app);
    assert!(line_with(&text, "> dod-3pass").contains("DoD 5220.22-M (E), 3 passes"));
    assert!(text.contains("zero") && text.contains("gutmann") && text.contains("bsi-vsitr"));
    assert_eq!(press(&mut app, KeyCode::Enter), None);
    assert!(screen(&app).contains("type the operator's name"));
    press(&mut app, KeyCode::Home);
    type_text(&mut app, "Jana Q");
    press(&mut app, KeyCode::Backspace);
    press(&mut app, KeyCode::Backspace);
    let text = screen(&app);
    assert!(line_with(&text, "> zero").contains("verify: last"));
    assert!(text.contains("Jana_"), "{text}");
    assert_eq!(
        press(&mut app, KeyCode::Enter),
        Some(Action::Prepare {
            paths: vec![PathBuf::from("/dev/sda")],
            method: "zero",
            operator: "Jana".to_owned(),
        })
    );
    assert_eq!(press(&mut app, KeyCode::Esc), None);
    assert_eq!(app.screen, Screen::Machine);
}

pub(super) fn plan(method: &str) -> WipePlan {
    plan_failing(
        method,
        Preflight::Failed {
            reason: "not opened in this test".to_owned(),
            error: None,
        },
    )
}

/// A plan for two drives that both failed their checks with `preflight`.
pub(super) fn plan_failing(method: &str, preflight: Preflight) -> WipePlan {
    let d = drives();
    WipePlan::new(
        Method::by_name(method).unwrap(),
        None,
        [&d[2], &d[0]]
            .into_iter()
            .map(|d| Checked {
                path: d.path.clone(),
                drive: Some(d.clone()),
                preflight: preflight.clone(),
                capabilities: None,
            })
            .collect(),
    )
    .unwrap()
}

#[test]
fn confirmation_names_every_drive_and_needs_the_exact_word() {
    let mut app = ready_app(&Config::default());
    app.confirm = super::confirm::ConfirmForm::new(vec![plan("zero")], "Jana".to_owned(), false);
    app.screen = Screen::Confirm;
    let text = screen(&app);
    assert!(text.contains("THE FOLLOWING DRIVES WILL BE DESTROYED"));
    let sda = line_with(&text, "/dev/sda");
    assert!(sda.contains("Samsung SSD 860 EVO") && sda.contains("S3Z9NB0K123456"));
    assert!(sda.contains("238.5 GiB"), "{sda}");
    assert!(line_with(&text, "/dev/loop0").contains("8.0 MiB"));
    // A drive that failed its checks says so before anyone types the word.
    assert_eq!(
        text.matches("will fail, nothing written: not opened in this test")
            .count(),
        2,
        "{text}"
    );
    assert!(text.contains("zero (Zero fill (1 pass)), 1 pass, verify: last pass"));
    assert!(text.contains("Operator: Jana"));
    assert!(text.contains("Type ERASE and press Enter"));
    type_text(&mut app, "erase");
    assert_eq!(press(&mut app, KeyCode::Enter), None);
    assert!(screen(&app).contains("not confirmed: type ERASE exactly"));
    type_text(&mut app, "ERAS");
    assert_eq!(press(&mut app, KeyCode::Enter), None);
    type_text(&mut app, "ERASE");
    assert!(screen(&app).contains("ERASE_"));
    assert_eq!(press(&mut app, KeyCode::Enter), Some(Action::Wipe));
    assert_eq!(app.screen, Screen::Progress);
    assert_eq!(app.progress.bars.len(), 2);
}

pub(super) fn progress_app() -> App {
    let mut app = ready_app(&Config::default());
    app.progress = ProgressView::new(&[plan("dod-3pass")]);
    app.progress.started = None;
    app.screen = Screen::Progress;
    let size = 256_060_514_304;
    for e in [
        Event::DriveStarted {
            drive: 0,
            path: PathBuf::from("/dev/sda"),
            size,
            passes: 3,
        },
        Event::PassStarted {
            drive: 0,
            pass: 2,
            passes: 3,
            phase: Phase::Write,
            pattern: "complement".to_owned(),
        },
        Event::Progress {
            drive: 0,
            pass: 2,
            passes: 3,
            phase: Phase::Write,
            position: size / 2,
            size,
            bytes_per_sec: 500e6,
        },
        Event::Stalled {
            drive: 1,
            seconds: 65,
        },
    ] {
        app.message(Msg::Event(e));
    }
    app
}

#[test]
fn progress_shows_pass_rate_eta_and_stalls_and_survives_any_size() {
    let app = progress_app();
    let text = screen(&app);
    assert!(text.contains("4/5 Wiping"));
    assert!(line_with(&text, "/dev/sda").contains("pass 2/3 write complement"));
    let bar = text
        .lines()
        .skip_while(|l| !l.contains("/dev/sda"))
        .nth(1)
        .unwrap();
    // Half of pass 2, then pass 3 and the verify of pass 3: 2.5 x 256 GB at 500 MB/s.
    assert!(bar.contains(" 50%") && bar.contains("500.0 MB/s"), "{bar}");
    assert!(bar.contains("ETA 0:21:20"), "{bar}");
    assert!(bar.contains("[###"), "{bar}");
    assert!(line_with(&text, "/dev/loop0").contains("STALLED 65 s"));
    for (w, h) in [
        (120, 40),
        (79, 25),
        (80, 24),
        (60, 20),
        (40, 12),
        (20, 5),
        (80, 25),
    ] {
        let (text, _) = render(&app, w, h);
        let words = text.split_whitespace().collect::<Vec<_>>().join(" ");
        if w >= 80 && h >= 25 {
            assert!(text.contains("/dev/sda"), "{w}x{h}:\n{text}");
        } else if w >= 40 {
            assert!(
                words.contains(&format!(
                    "needs a terminal of at least 80x25; this one is {w}x{h}"
                )),
                "{w}x{h}:\n{text}"
            );
        } else {
            assert!(words.contains("needs a terminal"), "{w}x{h}:\n{text}");
        }
    }
}

#[test]
fn stopping_a_wipe_asks_first() {
    let mut app = progress_app();
    assert_eq!(press(&mut app, KeyCode::Char('q')), None);
    assert!(screen(&app).contains("Stop the wipe?"));
    assert_eq!(press(&mut app, KeyCode::Char('n')), None);
    assert!(!screen(&app).contains("Stop the wipe?"));
    let ctrl_c = KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL);
    assert_eq!(app.key(ctrl_c), None);
    assert_eq!(press(&mut app, KeyCode::Char('y')), Some(Action::Stop));
    assert!(screen(&app).contains("Stopping every drive"));
    app.message(Msg::Event(Event::DriveFinished {
        drive: 0,
        status: WipeStatus::Interrupted,
    }));
    assert!(line_with(&screen(&app), "interrupted").starts_with("│["));
}

pub(super) fn cert(status: WipeStatus) -> CertView {
    CertView {
        id: "01a2b3c4-0000-7000-8000-000000000001".to_owned(),
        bundle: PathBuf::from(
            "/data/certificates/01a2b3c4-0000-7000-8000-000000000001.tabula.json",
        ),
        pdf: PathBuf::from("/data/certificates/01a2b3c4-0000-7000-8000-000000000001.pdf"),
        journal_kept: None,
        drives: vec![DriveOutcome {
            path: PathBuf::from("/dev/sda"),
            status,
            verification: VerifyOutcome::Passed,
            error: None,
        }],
        upload: Upload::Running,
    }
}

#[test]
fn result_waits_for_the_upload_then_finishes() {
    let mut app = progress_app();
    app.message(Msg::Done(Ok(vec![cert(WipeStatus::Completed)])));
    assert_eq!(app.screen, Screen::Result);
    let text = screen(&app);
    assert!(text.contains("The drive was erased and verified (1 drive)"));
    assert!(line_with(&text, "/dev/sda").contains("erased (verification: passed)"));
    assert!(text.contains("Certificate 01a2b3c4-0000-7000-8000-000000000001"));
    assert!(text.contains("Stored in   /data"));
    assert!(text.contains("PDF         certificates/01a2b3c4-0000-7000-8000-000000000001.pdf"));
    assert!(text.contains("uploading to the registry"));
    assert_eq!(
        press(&mut app, KeyCode::Enter),
        None,
        "not before the upload"
    );
    assert_eq!(
        press(&mut app, KeyCode::Char('p')),
        None,
        "no power-off either"
    );
    let report = FlushReport {
        unpinned_key: None,
        cosigned: None,
        items: vec![(
            PathBuf::from("/data/outbox/01a2b3c4-0000-7000-8000-000000000001.tabula.json"),
            Delivery::Registered {
                leaf_index: 41,
                replay: false,
            },
        )],
    };
    app.message(Msg::Uploaded {
        report: Some(report),
        error: None,
    });
    let text = screen(&app);
    assert!(
        text.contains("uploaded: log entry #41, receipt stored"),
        "{text}"
    );
    assert!(text.contains("Enter: finish (next machine)   P: power off"));
    assert_eq!(
        press(&mut app, KeyCode::Char('p')),
        Some(Action::PowerOff(Outcome::Success))
    );
    assert_eq!(
        press(&mut app, KeyCode::Enter),
        Some(Action::Quit(Outcome::Success))
    );
}

#[test]
fn result_reports_failures_outbox_and_interruptions() {
    let mut app = ready_app(&Config::default());
    let mut c = cert(WipeStatus::Interrupted);
    c.journal_kept = Some(PathBuf::from("/data/journal/x.journal.json"));
    app.message(Msg::Done(Ok(vec![c])));
    app.message(Msg::Uploaded {
        report: None,
        error: None,
    });
    let text = screen(&app);
    assert!(text.contains("NOT every drive was erased"));
    assert!(text.contains("no registry configured: kept in outbox/"));
    assert!(text.contains("Interrupted: progress kept in journal/x.journal.json"));
    assert_eq!(
        press(&mut app, KeyCode::Enter),
        Some(Action::Quit(Outcome::Failure))
    );

    let mut app = ready_app(&Config::default());
    app.message(Msg::Done(Ok(vec![cert(WipeStatus::Completed)])));
    app.message(Msg::Uploaded {
        report: None,
        error: Some("connection refused".to_owned()),
    });
    assert!(screen(&app).contains("kept in outbox, will be retried: connection refused"));

    let mut app = ready_app(&Config::default());
    app.message(Msg::Done(Err("disk full".to_owned())));
    assert!(screen(&app).contains("The job failed: disk full"));
    assert_eq!(
        press(&mut app, KeyCode::Enter),
        Some(Action::Quit(Outcome::Failure))
    );
}

#[test]
fn interrupted_wipes_are_offered_for_resume_first() {
    let mut app = App::new(&Config::default());
    assert!(screen(&app).contains("Auditing this machine"));
    let p = plan("dod-3pass");
    app.message(Msg::Ready(Box::new(Ready {
        audit: audit(),
        audit_json: serde_json::json!({}),
        drives: drives(),
        pending: vec![Pending {
            id: "01a2-journal".to_owned(),
            started: "2026-11-25 10:00 UTC".to_owned(),
            operator: "Jana".to_owned(),
            plan: p,
            reached: vec![Some(2), None],
        }],
    })));
    assert_eq!(app.screen, Screen::Resume);
    let text = screen(&app);
    assert!(text.contains("Wipe 01a2-journal started 2026-11-25 10:00 UTC by Jana (dod-3pass)"));
    assert!(text.contains("/dev/sda: was at pass 2/3"));
    assert!(text.contains("/dev/loop0: not started"));
    assert_eq!(press(&mut app, KeyCode::Char('r')), None);
    assert_eq!(app.screen, Screen::Confirm);
    assert!(screen(&app).contains("RESUMING: THE FOLLOWING DRIVES WILL BE DESTROYED"));
    assert_eq!(press(&mut app, KeyCode::Esc), None);
    assert_eq!(app.screen, Screen::Resume);
    press(&mut app, KeyCode::Char('r'));
    type_text(&mut app, "ERASE");
    assert_eq!(press(&mut app, KeyCode::Enter), Some(Action::Resume));
    assert_eq!(app.screen, Screen::Progress);
}

#[test]
fn startup_failure_is_shown_and_quits_with_failure() {
    let mut app = App::new(&Config::default());
    app.message(Msg::Failed("auditing the machine: no /sys".to_owned()));
    let text = screen(&app);
    assert!(text.contains("Tabula cannot continue:") && text.contains("no /sys"));
    assert_eq!(
        press(&mut app, KeyCode::Char('q')),
        Some(Action::Quit(Outcome::Failure))
    );
}

#[test]
fn hostile_drive_strings_cannot_reach_the_terminal() {
    let mut app = App::new(&Config::default());
    let mut d = drives();
    d[2].model = Some("EVIL\x1b]0;owned\x07MODEL".to_owned());
    audited(&mut app, d);
    let text = screen(&app);
    assert!(!text.contains('\x1b') && !text.contains('\x07'));
    assert!(line_with(&text, "/dev/sda").contains("EVIL]0;owne"));
}

#[test]
fn named_targets_are_the_only_rows_and_named_loop_devices_start_selected() {
    let mut app = App::new(&Config::default());
    app.only = vec![PathBuf::from("/dev/loop0"), PathBuf::from("/dev/vda")];
    audited(&mut app, drives());
    assert_eq!(row_names(&app), ["loop0", "vda"]);
    // Named explicitly: the loop device may be wiped; the boot disk stays refused.
    assert_eq!(app.drives.selected_paths(), [PathBuf::from("/dev/loop0")]);
    let text = screen(&app);
    assert!(
        text.contains("Drives: 1 selected (2 not named on the command line)"),
        "{text}"
    );
    assert!(!text.contains("/dev/sda"), "{text}");
    assert!(line_with(&text, "/dev/vda").contains(" - "));
    assert!(
        text.contains("SMART -  wipeable (named on the command line)"),
        "{text}"
    );
    // A name that is no drive of the machine is said, not silently dropped.
    let mut app = App::new(&Config::default());
    app.only = vec![PathBuf::from("/dev/loop0"), PathBuf::from("/dev/sda1")];
    audited(&mut app, drives());
    assert!(
        screen(&app).contains("not a drive of this machine, not listed: /dev/sda1"),
        "{}",
        screen(&app)
    );
    // "none", then "all" brings the named loop device back.
    press(&mut app, KeyCode::Char('n'));
    assert!(app.drives.selected_paths().is_empty());
    press(&mut app, KeyCode::Char('a'));
    assert_eq!(app.drives.selected_paths(), [PathBuf::from("/dev/loop0")]);
}

#[test]
fn a_wipe_without_verification_is_not_called_verified() {
    let mut app = ready_app(&Config::default());
    let mut c = cert(WipeStatus::Completed);
    c.drives[0].verification = VerifyOutcome::NotRequested;
    app.message(Msg::Done(Ok(vec![c])));
    let text = screen(&app);
    assert!(
        text.contains("The drive was erased (1 drive; not verified: verification was off)"),
        "{text}"
    );
    assert!(!text.contains("erased and verified"), "{text}");
}

#[test]
fn a_wipe_that_could_not_be_resumed_is_named_and_fails_the_run() {
    let mut app = ready_app(&Config::default());
    app.message(Msg::NotResumed(vec![
        "wipe 01a2-journal not resumed: drive /dev/sdb is not present".to_owned(),
    ]));
    app.message(Msg::Done(Ok(vec![cert(WipeStatus::Completed)])));
    app.message(Msg::Uploaded {
        report: None,
        error: None,
    });
    let text = screen(&app);
    assert!(
        text.contains("wipe 01a2-journal not resumed: drive /dev/sdb is not present"),
        "{text}"
    );
    assert!(text.contains("NOT every drive was erased"), "{text}");
    assert_eq!(
        press(&mut app, KeyCode::Enter),
        Some(Action::Quit(Outcome::Failure))
    );
}

#[test]
fn the_header_never_runs_into_a_long_site_name() {
    let mut config = Config::default();
    config.station.organisation = Some("Stadtverwaltung Leipzig, Amt fuer Schulen".to_owned());
    config.station.site = Some("Aufbereitungswerkstatt im Keller, Platz 3".to_owned());
    let app = ready_app(&config);
    for (w, h) in [(80, 25), (120, 40)] {
        let (text, _) = render(&app, w, h);
        let title = text.lines().next().unwrap();
        assert!(
            title.starts_with(" Tabula  1/5 Machine and drives  "),
            "{w}x{h}: {title}"
        );
        assert!(title.contains("Stadtverwaltung"), "{title}");
        if w == 80 {
            assert!(title.trim_end().ends_with('~'), "cut, marked: {title}");
        } else {
            assert!(title.contains("Platz 3 "), "room for all of it: {title}");
        }
    }
}

#[test]
fn a_long_drive_list_scrolls_and_says_so() {
    let many: Vec<Drive> = (0..20)
        .map(|i| {
            drive(
                &format!("sd{}", (b'a' + i) as char),
                1 << 30,
                Verdict::Wipeable,
            )
        })
        .collect();
    let mut app = App::new(&Config::default());
    audited(&mut app, many);
    let text = screen(&app);
    assert!(
        text.contains("drives 1-5 of 20, more below: Up/Down scrolls"),
        "{text}"
    );
    assert!(text.contains("/dev/sda") && !text.contains("/dev/sdf"));
    press(&mut app, KeyCode::End);
    let text = screen(&app);
    assert!(text.contains("drives 16-20 of 20, more above"), "{text}");
    assert!(text.contains("/dev/sdt") && !text.contains("/dev/sda "));
    // A bigger terminal shows more of the list.
    press(&mut app, KeyCode::Home);
    let (text, _) = render(&app, 120, 40);
    assert!(text.contains("drives 1-13 of 20, more below"), "{text}");
    assert!(text.contains("/dev/sdm"), "{text}");
}

#[test]
fn the_machine_screen_shows_network_and_registry_state() {
    use super::network::{Link, NetState, Registry};
    let mut app = ready_app(&Config::default());
    assert!(line_with(&screen(&app), "Network").contains("registry: checking"));
    app.message(Msg::Network(NetState {
        links: vec![Link {
            name: "enp0s31f6".to_owned(),
            up: true,
            addresses: vec!["192.168.10.23".to_owned()],
        }],
        registry: Registry::NoAnswer("timed out".to_owned()),
    }));
    let text = screen(&app);
    assert!(
        line_with(&text, "Network")
            .contains("enp0s31f6 up 192.168.10.23; registry does not answer (timed out)"),
        "{text}"
    );
}

#[test]
fn the_setup_form_asks_only_what_is_missing_and_checks_answers() {
    use super::setup::{Form, SetupAction, SetupView};
    use tabula_station::setup::{Answer, Question};
    let mut view = SetupView::Form(Form::new(
        vec![Question::Site, Question::Operator, Question::RegistryUrl],
        PathBuf::from("/var/lib/tabula/tabula.toml"),
    ));
    let key = |v: &mut SetupView, code| v.key(KeyEvent::new(code, KeyModifiers::NONE));
    let typed = |v: &mut SetupView, text: &str| {
        for c in text.chars() {
            assert_eq!(key(v, KeyCode::Char(c)), None);
        }
    };
    // Site left empty: Enter walks to the end, then names what is missing.
    assert_eq!(key(&mut view, KeyCode::Enter), None);
    typed(&mut view, "Erika");
    assert_eq!(key(&mut view, KeyCode::Enter), None);
    assert_eq!(key(&mut view, KeyCode::Enter), None);
    let mut term = Terminal::new(TestBackend::new(80, 25)).unwrap();
    term.draw(|f| view.draw(f)).unwrap();
    let text = buffer_text(&term);
    for want in [
        "Station setup",
        "/var/lib/tabula/tabula.toml",
        "> Site",
        "Registry URL",
        "optional",
        "Site: must not be empty",
    ] {
        assert!(text.contains(want), "{want:?} missing in\n{text}");
    }
    assert!(line_with(&text, "Operator").contains("Erika"), "{text}");
    typed(&mut view, "Bench 2");
    key(&mut view, KeyCode::Down);
    key(&mut view, KeyCode::Down);
    typed(&mut view, "registry.example");
    assert_eq!(key(&mut view, KeyCode::Enter), None, "not a URL");
    for _ in 0..16 {
        key(&mut view, KeyCode::Backspace);
    }
    // The registry is optional: an empty answer is not written.
    assert_eq!(
        key(&mut view, KeyCode::Enter),
        Some(SetupAction::Save(vec![
            Answer::new(Question::Site, "Bench 2"),
            Answer::new(Question::Operator, "Erika"),
        ]))
    );
}

#[test]
fn the_setup_form_offers_the_keyboard_layouts_first_as_a_choice() {
    use super::setup::{Form, SetupAction, SetupView};
    use tabula_station::setup::keymap;
    use tabula_station::setup::{Answer, Question};
    let mut view = SetupView::Form(Form::new(
        vec![Question::Keymap, Question::Site],
        PathBuf::from("/var/lib/tabula/tabula.toml"),
    ));
    let key = |v: &mut SetupView, code| v.key(KeyEvent::new(code, KeyModifiers::NONE));
    let draw = |v: &SetupView| {
        let mut term = Terminal::new(TestBackend::new(80, 25)).unwrap();
        term.draw(|f| v.draw(f)).unwrap();
        buffer_text(&term)
    };
    let text = draw(&view);
    assert!(
        line_with(&text, "> Keyboard").contains("< Deutsch (de) >"),
        "German by default:\n{text}"
    );
    assert!(text.contains("Left/Right"), "{text}");
    // Not free text: letters and Backspace do nothing on the choice.
    for code in [KeyCode::Char('u'), KeyCode::Char('s'), KeyCode::Backspace] {
        assert_eq!(key(&mut view, code), None);
    }
    assert!(line_with(&draw(&view), "> Keyboard").contains("(de)"));
    // Left/Right step through the list (wrapping around both ways) and only show the layout.
    let all = keymap::layouts();
    assert_eq!(key(&mut view, KeyCode::Left), None);
    assert!(line_with(&draw(&view), "> Keyboard").contains(all.last().unwrap().name));
    assert_eq!(key(&mut view, KeyCode::Right), None);
    // Leaving the choice unchanged loads nothing (the console has German already).
    assert_eq!(key(&mut view, KeyCode::Down), None);
    assert_eq!(key(&mut view, KeyCode::Up), None);
    let us = all.iter().position(|l| l.name == "us").unwrap();
    for _ in 0..us {
        assert_eq!(key(&mut view, KeyCode::Right), None);
    }
    assert!(
        line_with(&draw(&view), "> Keyboard").contains("< English (US) (us) >"),
        "{}",
        draw(&view)
    );
    // Leaving it loads the chosen layout, once, before the next field is typed.
    assert_eq!(
        key(&mut view, KeyCode::Enter),
        Some(SetupAction::Keymap(keymap::find("us").unwrap()))
    );
    assert!(line_with(&draw(&view), "> Site").contains('_'));
    assert_eq!(key(&mut view, KeyCode::Right), None, "a text field");
    assert_eq!(key(&mut view, KeyCode::Up), None);
    assert_eq!(key(&mut view, KeyCode::Down), None, "us is loaded already");
    for c in "Bench 2".chars() {
        key(&mut view, KeyCode::Char(c));
    }
    assert_eq!(
        key(&mut view, KeyCode::Enter),
        Some(SetupAction::Save(vec![
            Answer::new(Question::Keymap, "us"),
            Answer::new(Question::Site, "Bench 2"),
        ]))
    );
}

#[test]
fn the_setup_form_keeps_a_typed_token_out_of_debug_output() {
    use super::setup::{Form, SetupView};
    use tabula_station::setup::Question;
    let mut view = SetupView::Form(Form::new(
        vec![Question::Site, Question::EnrolToken],
        PathBuf::from("/var/lib/tabula/tabula.toml"),
    ));
    for code in [KeyCode::Char('B'), KeyCode::Enter]
        .into_iter()
        .chain("tbl_0123abcd".chars().map(KeyCode::Char))
    {
        view.key(KeyEvent::new(code, KeyModifiers::NONE));
    }
    let shown = format!("{view:?}");
    assert!(!shown.contains("tbl_0123abcd"), "{shown}");
    assert!(shown.contains("\"B\"") && shown.contains("***"), "{shown}");
}

fn buffer_text(term: &Terminal<TestBackend>) -> String {
    let buf = term.backend().buffer();
    let mut text = String::new();
    for y in 0..buf.area.height {
        for x in 0..buf.area.width {
            text.push_str(buf[(x, y)].symbol());
        }
        text.push('\n');
    }
    text
}
