//! Issue 11 on the screens: the method screen says per chosen drive what `auto` will do, why
//! and the drive's own estimate (English and German); the progress bar of a firmware erase moves
//! through canaries, the drive's percent or "waiting for the drive", and the check.

use std::path::PathBuf;

use crossterm::event::KeyCode;
use tabula_device::capabilities::{Capabilities, CommandSet, FirmwareOp};
use tabula_station::config::Config;
use tabula_wipe::auto::choose;
use tabula_wipe::progress::{Event, FirmwarePhase};

use super::app::{Msg, Screen};
use super::method::AutoRow;
use super::progress::ProgressView;
use super::tests::{drives, line_with, plan, press, ready_app, screen};
use crate::i18n::{Language, set_thread_language};

/// `auto` on the sample's SATA SSD (sanitize crypto, 2 min estimate) and its loop device.
fn auto_rows() -> Vec<AutoRow> {
    let d = drives();
    let caps = Capabilities {
        command_set: CommandSet::Ata,
        supported: vec![FirmwareOp::AtaSanitizeCrypto],
        frozen: false,
        locked: false,
        affects_all_namespaces: false,
        estimate_secs: Some(120),
        hidden: None,
        unreachable: None,
    };
    let loop_caps = Capabilities::unreachable("a loop device carries no firmware erase commands");
    let (ssd, loop0) = (&d[2], &d[0]);
    vec![
        AutoRow {
            path: ssd.path.display().to_string(),
            choice: choose(Some(ssd), Some(&caps)),
        },
        AutoRow {
            path: loop0.path.display().to_string(),
            choice: choose(Some(loop0), Some(&loop_caps)),
        },
    ]
}

fn method_screen_on_auto() -> super::app::App {
    let mut config = Config::default();
    config.wipe.method = "auto".to_owned();
    let mut app = ready_app(&config);
    press(&mut app, KeyCode::Enter);
    assert_eq!(app.screen, Screen::Method);
    app.method.auto = auto_rows();
    app
}

#[test]
fn the_method_screen_says_what_auto_does_per_drive() {
    set_thread_language(Language::En);
    let app = method_screen_on_auto();
    let text = screen(&app);
    assert!(text.contains("auto, per drive"), "{text}");
    assert!(
        line_with(&text, "/dev/sda:")
            .contains("ata-sanitize-crypto, the drive's own estimate 0:02:00"),
        "{text}"
    );
    assert!(text.contains("the drive's own erase, then canaries and sampling: Purge"));
    assert!(line_with(&text, "/dev/loop0:").contains("nist-800-88-clear"));
    assert!(
        text.contains("no firmware command reaches it (a loop device"),
        "{text}"
    );
    // Another method under the cursor: no auto lines.
    let mut app = app;
    press(&mut app, KeyCode::Down);
    assert!(!screen(&app).contains("auto, per drive"));
}

#[test]
fn the_method_screen_says_it_in_german() {
    set_thread_language(Language::De);
    let app = method_screen_on_auto();
    let text = screen(&app);
    assert!(text.contains("auto, je Laufwerk"), "{text}");
    assert!(
        line_with(&text, "/dev/sda:").contains("Schätzung des Laufwerks 0:02:00"),
        "{text}"
    );
    assert!(
        text.contains("Löschbefehl des Laufwerks, dann Kanarienblöcke"),
        "{text}"
    );
    assert!(
        text.contains("kein Firmware-Befehl erreicht es (a loop device"),
        "{text}"
    );
}

#[test]
fn a_firmware_erase_moves_the_bar_instead_of_freezing_it() {
    set_thread_language(Language::En);
    let mut app = ready_app(&Config::default());
    app.progress = ProgressView::new(&[plan("nvme-format")]);
    app.progress.started = None;
    app.screen = Screen::Progress;
    let bar_of = |text: &str| {
        text.lines()
            .skip_while(|l| !l.contains("/dev/sda"))
            .nth(1)
            .unwrap()
            .to_owned()
    };
    let send = |app: &mut super::app::App, e: Event| app.message(Msg::Event(e));
    send(
        &mut app,
        Event::DriveStarted {
            drive: 0,
            path: PathBuf::from("/dev/sda"),
            size: 256_060_514_304,
            passes: 0,
        },
    );
    send(
        &mut app,
        Event::FirmwareStarted {
            drive: 0,
            operation: "Format NVM with user data erase (SES=1)".into(),
            op: Some(tabula_device::capabilities::FirmwareOp::NvmeFormat),
            estimate_secs: Some(30),
        },
    );
    send(
        &mut app,
        Event::FirmwarePhase {
            drive: 0,
            phase: FirmwarePhase::Canaries,
        },
    );
    let text = screen(&app);
    assert!(
        line_with(&text, "/dev/sda").contains("Format NVM with user data erase (SES=1)"),
        "{text}"
    );
    assert!(bar_of(&text).contains("writing canaries"), "{text}");
    send(
        &mut app,
        Event::FirmwarePhase {
            drive: 0,
            phase: FirmwarePhase::Erase,
        },
    );
    let bar = bar_of(&screen(&app));
    assert!(
        bar.contains("waiting for the drive, 0:00:00 of about 0:00:30"),
        "{bar}"
    );
    send(
        &mut app,
        Event::FirmwareProgress {
            drive: 0,
            percent: 50,
        },
    );
    let bar = bar_of(&screen(&app));
    assert!(bar.contains(" 50% erasing, 50 % by the drive"), "{bar}");
    assert!(bar.contains("[#####"), "{bar}");
    send(
        &mut app,
        Event::FirmwarePhase {
            drive: 0,
            phase: FirmwarePhase::Check,
        },
    );
    assert!(bar_of(&screen(&app)).contains("checking: canaries and samples"));
}
