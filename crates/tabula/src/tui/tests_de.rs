//! The screens in German (`[station] language = "de"`, or `LANG=de_DE.UTF-8`): the same
//! render tests as [`super::tests`], asserted on the German a technician reads.

use crossterm::event::KeyCode;
use tabula_station::config::Config;

use super::app::{Action, Screen};
use super::tests::{line_with, plan, press, ready_app, screen, type_text};
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
