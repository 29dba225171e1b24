//! The TUI as a technician uses it: `tabula tui` runs in a real terminal (a detached tmux session
//! of 80x25, the Linux console's size), keys arrive through `tmux send-keys`, and every assertion
//! is on the text `tmux capture-pane` reads off the screen - plus the bytes on the loop devices,
//! the certificate on the stick and the row in the registry afterwards.
//!
//! The drives are loop devices over this test's own files, named on the command line
//! (`tabula tui DEV...`), so the table lists nothing else of the machine and nothing else can be
//! selected.

#![allow(clippy::unwrap_used)] // test code: a failed unwrap is a failed test

mod support;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use support::{BIN, LoopDev, RunningRegistry, text};
use tabula_certificate::Bundle;

/// How long a screen may take to follow a key or a resize. Generous: the tests run in parallel
/// with each other and with builds, and a starved TUI can take seconds to redraw. A test never
/// waits this long when the screen comes (every wait polls for the state it asserts).
const SOON: Duration = Duration::from_secs(60);

/// True if `screen` has a line with `needle` that also holds `also`. A capture can catch a
/// redraw half done, so tests wait for every line they assert on, not only for a title.
fn has_line(screen: &str, needle: &str, also: &str) -> bool {
    screen
        .lines()
        .any(|l| l.contains(needle) && l.contains(also))
}

/// A tmux server of this test's own (its own socket), killed on drop.
struct Tmux {
    socket: PathBuf,
}

impl Tmux {
    fn start(dir: &Path, command: &str) -> Self {
        Self::start_sized(dir, (80, 25), command)
    }

    /// A session of `width` x `height` running `command`.
    fn start_sized(dir: &Path, (width, height): (usize, usize), command: &str) -> Self {
        let tmux = Self {
            socket: dir.join("tmux.sock"),
        };
        let out = tmux.run(&[
            "new-session",
            "-d",
            "-x",
            &width.to_string(),
            "-y",
            &height.to_string(),
            "-s",
            "bench",
            command,
        ]);
        assert!(out.status.success(), "tmux: {}", text(&out));
        tmux
    }

    fn run(&self, args: &[&str]) -> Output {
        Command::new("tmux")
            .arg("-S")
            .arg(&self.socket)
            .args(["-f", "/dev/null"])
            .args(args)
            .env_remove("TMUX")
            // The server (started by the first command) passes these to the TUI: English
            // unless a test's command sets LANG itself.
            .env("LANG", "C.UTF-8")
            .env_remove("LC_ALL")
            .env_remove("LC_MESSAGES")
            // never the host's console: a test that wants the keymap hook names a stand-in
            .env_remove("TABULA_KEYMAP_CONSOLE")
            .output()
            .expect("tmux is installed (.ci/apt-packages)")
    }

    /// Keys as `tmux send-keys` names them (`Enter`, `Space`, `-l` text ...).
    fn keys(&self, keys: &[&str]) {
        let mut args = vec!["send-keys", "-t", "bench"];
        args.extend_from_slice(keys);
        let out = self.run(&args);
        assert!(out.status.success(), "send-keys: {}", text(&out));
    }

    /// The pane's text, as the technician sees it.
    fn screen(&self) -> String {
        let out = self.run(&["capture-pane", "-p", "-t", "bench"]);
        assert!(out.status.success(), "capture-pane: {}", text(&out));
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    fn resize(&self, width: usize, height: usize) {
        let out = self.run(&[
            "resize-window",
            "-t",
            "bench",
            "-x",
            &width.to_string(),
            "-y",
            &height.to_string(),
        ]);
        assert!(out.status.success(), "{}", text(&out));
    }

    /// Waits until the screen shows `needle`, and returns that screen.
    fn wait_for(&self, needle: &str, timeout: Duration) -> String {
        self.wait_until(&format!("{needle:?}"), timeout, |s| s.contains(needle))
    }

    /// Waits until the screen shows every one of `needles`, and returns that screen.
    fn wait_for_all(&self, needles: &[&str], timeout: Duration) -> String {
        self.wait_until(&format!("{needles:?}"), timeout, |s| {
            needles.iter().all(|n| s.contains(n))
        })
    }

    /// Polls the screen until `ready` holds for it, and returns that screen once it has
    /// settled; fails after `timeout` naming `what` was awaited.
    fn wait_until(&self, what: &str, timeout: Duration, ready: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + timeout;
        loop {
            let screen = self.screen();
            if ready(&screen) {
                return self.settled(screen, &ready);
            }
            assert!(
                Instant::now() < deadline,
                "{what} did not appear within {timeout:?}; the screen:\n{screen}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

impl Tmux {
    /// `screen`, or a later capture once two in a row agree: the title can be drawn before the
    /// rest of a screen, and the lines a test asserts on come with the same redraw. A screen
    /// that keeps changing (a wipe's progress) is taken as it is after a second.
    fn settled(&self, mut screen: String, ready: &impl Fn(&str) -> bool) -> String {
        for _ in 0..10 {
            std::thread::sleep(Duration::from_millis(100));
            let again = self.screen();
            if again == screen {
                return screen;
            }
            if ready(&again) {
                screen = again;
            }
        }
        screen
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = self.run(&["kill-server"]);
    }
}

fn line_with<'a>(screen: &'a str, needle: &str) -> &'a str {
    screen
        .lines()
        .find(|l| l.contains(needle))
        .unwrap_or_else(|| panic!("no line with {needle:?} on\n{screen}"))
}

/// An enrolled station whose config asks for `method` and names Erika as the operator.
fn station(dir: &Path, reg: &RunningRegistry, method: &str) -> PathBuf {
    let data = dir.join("data");
    let log_key = support::keygen_and_enroll(&data, Some(reg));
    let config = format!(
        "[station]\norganisation = \"Stadt Leipzig\"\nsite = \"Bench 2\"\noperator = \"Erika\"\n\n\
         [registry]\nurl = \"{}\"\n{log_key}\n[wipe]\nmethod = \"{method}\"\n",
        reg.url
    );
    std::fs::write(data.join("tabula.toml"), config).unwrap();
    data
}

#[test]
fn a_technician_wipes_two_drives_through_the_tui() {
    let dir = tempfile::tempdir().unwrap();
    let reg = RunningRegistry::start(dir.path(), 0);
    // Big enough that the progress screen is on for a while (seven passes plus a verify).
    let drives = [
        LoopDev::new(dir.path(), "a.img", 384 << 20),
        LoopDev::new(dir.path(), "b.img", 256 << 20),
    ];
    let data = station(dir.path(), &reg, "bsi-vsitr");
    let command = format!(
        "{BIN} tui --data {} {} {}; echo \"tabula exited with $?\"; sleep 600",
        data.display(),
        drives[0].path(),
        drives[1].path()
    );
    let tmux = Tmux::start(dir.path(), &command);

    // Screen 1: the machine and exactly the two named drives, both selected.
    let screen = tmux.wait_until("screen 1 with both drives", Duration::from_secs(120), |s| {
        s.contains("1/5 Machine and drives")
            && s.contains("Drives: 2 selected")
            && drives.iter().all(|d| has_line(s, d.path(), "[x]"))
    });
    for d in &drives {
        let row = line_with(&screen, d.path());
        assert!(row.contains("[x]"), "named drives start selected: {row}");
        assert!(row.contains("loop"), "{row}");
    }
    assert!(line_with(&screen, drives[0].path()).contains("384.0 MiB"));
    assert!(line_with(&screen, drives[1].path()).contains("256.0 MiB"));
    assert!(screen.contains("Drives: 2 selected"), "{screen}");
    assert!(screen.contains("not named on the command line"), "{screen}");
    assert!(!screen.contains("/dev/vda") && !screen.contains("/dev/sda"));

    // Deselect and reselect the second drive with the space bar.
    tmux.keys(&["Down", "Space"]);
    tmux.wait_until("the second drive deselected", SOON, |s| {
        s.contains("Drives: 1 selected") && has_line(s, drives[1].path(), "[ ]")
    });
    tmux.keys(&["Space"]);
    tmux.wait_until("the second drive selected again", SOON, |s| {
        s.contains("Drives: 2 selected") && has_line(s, drives[1].path(), "[x]")
    });

    // Screen 2: the method from tabula.toml and the operator from it, then on.
    tmux.keys(&["Enter"]);
    let screen = tmux.wait_for_all(&["2/5", "> bsi-vsitr", "Erika"], SOON);
    assert!(
        line_with(&screen, "> bsi-vsitr").contains("7 passes"),
        "{screen}"
    );
    assert!(screen.contains("Erika"), "{screen}");
    tmux.keys(&["Enter"]);

    // Screen 3: every drive that will be destroyed, and the typed word.
    let screen = tmux.wait_for_all(
        &[
            "THE FOLLOWING DRIVES WILL BE DESTROYED",
            drives[0].path(),
            drives[1].path(),
            "Operator: Erika",
        ],
        SOON,
    );
    for d in &drives {
        line_with(&screen, d.path());
    }
    assert!(screen.contains("Operator: Erika"), "{screen}");
    tmux.keys(&["-l", "erase"]);
    tmux.keys(&["Enter"]);
    tmux.wait_for("not confirmed: type ERASE exactly", SOON);
    assert!(
        drives.iter().all(|d| d.all(0x5A)),
        "nothing written before the word"
    );
    tmux.keys(&["-l", "ERASE"]);
    tmux.keys(&["Enter"]);

    // Screen 4: a bar per drive; the screen survives a resize in the middle of the wipe.
    tmux.wait_for_all(&["4/5 Wiping", drives[0].path(), drives[1].path()], SOON);
    for (w, h) in [(100, 30), (60, 20), (80, 25)] {
        tmux.resize(w, h);
        if w < 80 {
            // Below the console's size the screen says what it needs, and the wipe goes on.
            tmux.wait_for("needs a terminal of at least 80x25", SOON);
            continue;
        }
        // Laid out anew for the new size: the frame's top right corner is in the last column
        // (a stale frame cut off by the smaller window has no corner there). 640 MiB written
        // eight times keep the wipe running far longer than these resizes take, so the
        // progress screen must still be the one on show.
        // The whole screen is awaited (a capture can fall between the frame and the bars).
        let framed = |s: &str| {
            s.lines()
                .any(|l| l.ends_with('\u{2510}') && l.chars().count() == w)
                && drives.iter().all(|d| s.contains(d.path()))
        };
        let screen = tmux.wait_until(&format!("a {w}-column frame"), SOON, framed);
        assert!(screen.contains("4/5 Wiping"), "{w}x{h}:\n{screen}");
    }

    // Screen 5: the result, the certificate, the upload.
    let screen = tmux.wait_until("the result, uploaded", Duration::from_secs(300), |s| {
        s.contains("uploaded: log entry #0")
            && s.contains("Certificate ")
            && drives
                .iter()
                .all(|d| has_line(s, d.path(), "erased (verification: passed)"))
    });
    assert!(
        screen.contains("All drives were erased and verified (2 drives)"),
        "{screen}"
    );
    for d in &drives {
        assert!(
            line_with(&screen, d.path()).contains("erased (verification: passed)"),
            "{screen}"
        );
    }
    let bundles: Vec<PathBuf> = std::fs::read_dir(data.join("certificates"))
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.to_string_lossy().ends_with(".tabula.json"))
        .collect();
    assert_eq!(bundles.len(), 1);
    let id = Bundle::read(&bundles[0]).unwrap().id().unwrap().to_string();
    assert!(screen.contains(&format!("Certificate {id}")), "{screen}");
    tmux.keys(&["Enter"]);
    tmux.wait_for("tabula exited with 0", SOON);

    // What the screens said is what happened.
    for d in &drives {
        assert!(d.all(0xAA), "{} does not hold VSITR's final 0xAA", d.path());
    }
    let bundle = Bundle::read(&bundles[0]).unwrap();
    assert!(bundle.receipt.is_some(), "receipt stored in the bundle");
    let cert = bundle.certificate().unwrap();
    assert_eq!(cert.operator, "Erika");
    assert_eq!(cert.result.as_str(), "erased");
    assert_eq!(cert.drives.len(), 2);
    for d in &cert.drives {
        assert_eq!(d.method.name, "bsi-vsitr");
        assert_eq!(d.verification.outcome.as_str(), "passed");
    }
    let (status, body) = reg.get(&format!("/api/v1/certificates/{id}"));
    assert_eq!(status, 200, "{body}");
}

/// The live image sets `LANG=de_DE.UTF-8`: every screen speaks German, with umlauts on the
/// console, plurals and local dates, and the wipe is the same.
#[test]
fn ein_techniker_loescht_ein_laufwerk_auf_deutsch() {
    let dir = tempfile::tempdir().unwrap();
    let reg = RunningRegistry::start(dir.path(), 0);
    let drive = LoopDev::new(dir.path(), "a.img", 64 << 20);
    let data = station(dir.path(), &reg, "dod-3pass");
    let command = format!(
        "env LANG=de_DE.UTF-8 {BIN} tui --data {} {}; echo \"tabula endete mit $?\"; sleep 600",
        data.display(),
        drive.path()
    );
    let tmux = Tmux::start(dir.path(), &command);

    // Every line asserted on is awaited: a capture can catch a redraw half done.
    tmux.wait_for_all(
        &[
            "1/5 Rechner und Laufwerke",
            "Laufwerke: 1 gewählt",
            "GERÄT",
            "GRÖSSE",
            "Hersteller",
            "Eignung",
            "löschbar (auf der Befehlszeile genannt)",
            "Leertaste wählen",
        ],
        Duration::from_secs(120),
    );
    tmux.keys(&["Space", "Enter"]);
    tmux.wait_for("mindestens ein Laufwerk wählen", SOON);
    tmux.keys(&["Space", "Enter"]);

    tmux.wait_until("the method screen in German", SOON, |s| {
        s.contains("2/5 Verfahren und Bearbeiter")
            && has_line(s, "> dod-3pass", "3 Durchgänge")
            && s.contains("Bearbeiter (Namen eintippen)")
    });
    tmux.keys(&["Enter"]);

    tmux.wait_for_all(
        &[
            "DIESE LAUFWERKE WERDEN UNWIDERRUFLICH GELÖSCHT",
            "3 Durchgänge, Prüfung:",
            "Bearbeiter: Erika",
            "diesem Laufwerk (1 Laufwerk)",
        ],
        SOON,
    );
    tmux.keys(&["-l", "loeschen"]);
    tmux.keys(&["Enter"]);
    tmux.wait_for("nicht bestätigt: genau ERASE eintippen", SOON);
    assert!(drive.all(0x5A), "nothing written before the word");
    tmux.keys(&["-l", "ERASE"]);
    tmux.keys(&["Enter"]);

    tmux.wait_until(
        "the German result, uploaded",
        Duration::from_secs(360),
        |s| {
            s.contains("Ergebnis")
                && s.contains("übertragen: Log-Eintrag #0")
                && s.contains("Das Laufwerk wurde gelöscht und geprüft (1 Laufwerk)")
                && has_line(s, drive.path(), "gelöscht (Prüfung: bestanden)")
                && s.contains("Zertifikat")
                && s.contains("Enter fertig (nächster Rechner)")
        },
    );
    tmux.keys(&["Enter"]);
    tmux.wait_for("tabula endete mit 0", SOON);
    // DoD 5220.22-M (E) ends with random data: not the 0x5A it started with.
    assert!(!drive.all(0x5A));
}

/// The terminal goes away in the middle of a wipe (the tmux server is killed, as an SSH session
/// or a serial console can end): the TUI stops the wipe as on SIGHUP, records it as interrupted,
/// and exits instead of spinning on the dead terminal.
#[test]
fn a_hung_up_terminal_stops_the_wipe_and_the_tui_exits() {
    let dir = tempfile::tempdir().unwrap();
    let reg = RunningRegistry::start(dir.path(), 0);
    let drive = LoopDev::new(dir.path(), "a.img", 512 << 20);
    let data = station(dir.path(), &reg, "bsi-vsitr");
    let pid_file = dir.path().join("tui.pid");
    let command = format!(
        "sh -c 'echo $$ > {}; exec {BIN} tui --data {} {}'",
        pid_file.display(),
        data.display(),
        drive.path()
    );
    let tmux = Tmux::start(dir.path(), &command);
    tmux.wait_for_all(
        &["1/5 Machine and drives", drive.path()],
        Duration::from_secs(120),
    );
    tmux.keys(&["Enter"]);
    tmux.wait_for_all(&["2/5", "> bsi-vsitr"], SOON);
    tmux.keys(&["Enter"]);
    tmux.wait_for_all(
        &["THE FOLLOWING DRIVES WILL BE DESTROYED", drive.path()],
        SOON,
    );
    tmux.keys(&["-l", "ERASE"]);
    tmux.keys(&["Enter"]);
    // The wipe is under way (a pass on screen), not only its screen up.
    tmux.wait_until("a pass writing", SOON, |s| {
        s.contains("4/5 Wiping") && has_line(s, drive.path(), "/7 write")
    });
    let pid = std::fs::read_to_string(&pid_file)
        .unwrap()
        .trim()
        .to_owned();
    assert!(Path::new(&format!("/proc/{pid}")).exists());

    drop(tmux);
    let deadline = std::time::Instant::now() + Duration::from_secs(120);
    while Path::new(&format!("/proc/{pid}")).exists() {
        let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
        if stat.split(' ').nth(2) == Some("Z") {
            break; // exited; its parent (the dead pane) never reaps it
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the TUI is still running two minutes after its terminal went away"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    // The wipe stopped early, and its signed certificate says so.
    let bundles: Vec<PathBuf> = std::fs::read_dir(data.join("certificates"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().ends_with(".tabula.json"))
        .collect();
    assert_eq!(bundles.len(), 1, "{bundles:?}");
    let bundle =
        tabula_certificate::Bundle::from_slice(&std::fs::read(&bundles[0]).unwrap()).unwrap();
    assert_eq!(bundle.certificate().unwrap().result.as_str(), "interrupted");
}

/// `tabula tui` on `data`, one loop drive named, then a line saying how it exited.
fn tui_command(data: &Path, extra: &str, drive: &support::LoopDev) -> String {
    format!(
        "{BIN} tui --data {} {extra} {}; echo \"tabula exited with $?\"; sleep 600",
        data.display(),
        drive.path()
    )
}

#[test]
fn missing_site_and_operator_are_asked_at_start_and_written_to_tabula_toml() {
    let dir = tempfile::tempdir().unwrap();
    let drive = LoopDev::new(dir.path(), "a.img", 16 << 20);
    let data = dir.path().join("data");
    support::keygen_and_enroll(&data, None);
    let admin = "# left by the administrator\n[station]\norganisation = \"Stadt Leipzig\" # town\n\n\
                 [wipe]\nmethod = \"zero\"   # quick\n";
    std::fs::write(data.join("tabula.toml"), admin).unwrap();
    let tmux = Tmux::start(dir.path(), &tui_command(&data, "", &drive));

    // The one form, before anything else, with just what is missing: first the keyboard (no
    // keymap in tabula.toml), German unless changed.
    let screen = tmux.wait_for("Station setup", Duration::from_secs(30));
    assert!(
        line_with(&screen, "> Keyboard").contains("< Deutsch (de) >"),
        "{screen}"
    );
    assert!(
        !line_with(&screen, "  Site").contains('_'),
        "the cursor is on the keyboard: {screen}"
    );
    assert!(screen.contains("Operator"), "{screen}");
    assert!(!screen.contains("Organisation"), "{screen}");
    assert!(
        !screen.contains("Registry URL"),
        "not a first boot: {screen}"
    );
    assert!(screen.contains("tabula.toml"), "names the file: {screen}");
    tmux.keys(&["Enter", "Enter", "Enter"]);
    tmux.wait_for("must not be empty", SOON);
    tmux.keys(&["-l", "Bench 9"]);
    tmux.keys(&["Down"]);
    tmux.keys(&["-l", "Erika"]);
    tmux.keys(&["Enter"]);

    // Then screen 1, with the new site in the header.
    let screen = tmux.wait_for("1/5 Machine and drives", Duration::from_secs(120));
    assert!(
        screen
            .lines()
            .next()
            .unwrap()
            .contains("Stadt Leipzig, Bench 9"),
        "{screen}"
    );
    let written = std::fs::read_to_string(data.join("tabula.toml")).unwrap();
    for kept in [
        "# left by the administrator",
        "organisation = \"Stadt Leipzig\" # town",
        "method = \"zero\"   # quick",
        "site = \"Bench 9\"",
        "operator = \"Erika\"",
        "keymap = \"de\"",
    ] {
        assert!(written.contains(kept), "{kept:?} not in\n{written}");
    }
    tmux.keys(&["q"]);
    tmux.wait_for("tabula exited with 0", SOON);
}

/// `[station] language = "de"` speaks from the first screen on, whatever `LANG` says (the
/// tmux server runs with `C.UTF-8`): the setup form too, not only the screens after it.
#[test]
fn the_setup_form_speaks_the_language_of_tabula_toml() {
    let dir = tempfile::tempdir().unwrap();
    let drive = LoopDev::new(dir.path(), "a.img", 16 << 20);
    let data = dir.path().join("data");
    support::keygen_and_enroll(&data, None);
    std::fs::write(
        data.join("tabula.toml"),
        "[station]\norganisation = \"Stadt Leipzig\"\nsite = \"Platz 1\"\nlanguage = \"de\"\n\
         keymap = \"de\"\n",
    )
    .unwrap();
    let tmux = Tmux::start(dir.path(), &tui_command(&data, "", &drive));

    let screen = tmux.wait_for_all(&["Station einrichten", "Bearbeiter", "tabula.toml"], SOON);
    assert!(!screen.contains("Operator"), "{screen}");
    assert!(!screen.contains("Station setup"), "{screen}");
    tmux.keys(&["Enter"]);
    tmux.wait_for("Bearbeiter: darf nicht leer sein", SOON);
    tmux.keys(&["-l", "Jana"]);
    tmux.keys(&["Enter"]);
    tmux.wait_for_all(
        &[
            "1/5 Rechner und Laufwerke",
            "Stadt Leipzig, Platz 1",
            drive.path(),
        ],
        Duration::from_secs(120),
    );
    let written = std::fs::read_to_string(data.join("tabula.toml")).unwrap();
    assert!(written.contains("operator = \"Jana\""), "{written}");
    tmux.keys(&["q"]);
    tmux.wait_for("tabula exited with 0", SOON);
}

#[test]
fn the_screens_fit_80x25_use_more_room_and_say_what_they_need_below() {
    let dir = tempfile::tempdir().unwrap();
    let drive = LoopDev::new(dir.path(), "a.img", 16 << 20);
    let reg = RunningRegistry::start(dir.path(), 0);
    let data = station(dir.path(), &reg, "zero");
    std::fs::write(
        data.join("tabula.toml"),
        std::fs::read_to_string(data.join("tabula.toml"))
            .unwrap()
            .replace(
                "site = \"Bench 2\"",
                "site = \"Aufbereitungswerkstatt im Keller, Platz 3 an der Fensterseite\"",
            ),
    )
    .unwrap();
    let tmux = Tmux::start_sized(dir.path(), (70, 20), &tui_command(&data, "", &drive));

    let screen = tmux.wait_for("at least 80x25", Duration::from_secs(30));
    assert!(screen.contains("this one is 70x20"), "{screen}");

    tmux.resize(80, 25);
    let screen = tmux.wait_for("1/5 Machine and drives", Duration::from_secs(120));
    let title = screen.lines().next().unwrap();
    assert!(
        title.starts_with(" Tabula  1/5 Machine and drives  Stadt Leipzig, Aufbereitung"),
        "the site is cut, not the title: {title}"
    );
    assert!(title.trim_end().ends_with('~'), "{title}");
    assert!(
        line_with(&screen, "Network").contains("registry answers"),
        "{screen}"
    );
    assert!(line_with(&screen, drive.path()).contains("[x]"), "{screen}");
    assert_eq!(screen.lines().count(), 25, "{screen}");

    tmux.resize(120, 40);
    let screen = tmux.wait_until("a 120-column frame", SOON, |s| {
        s.lines().next().is_some_and(|l| l.contains("Fensterseite"))
    });
    assert!(
        screen
            .lines()
            .any(|l| l.ends_with('\u{2510}') && l.chars().count() == 120),
        "{screen}"
    );
    assert!(line_with(&screen, "Network").contains("registry answers"));
    tmux.keys(&["q"]);
    tmux.wait_for("tabula exited with 0", SOON);
}

/// An ISO-hybrid-like stick: a 40 MiB "image" (MBR partition 1 from sector 0, an EFI partition
/// inside it) on a 200 MiB loop device.
fn stick(dir: &Path) -> (support::LoopDev, Vec<u8>) {
    let stick = LoopDev::new(dir, "stick.img", 200 << 20);
    let mut head = vec![0x33_u8; 446];
    for (boot, kind, start, size) in [(0x80_u8, 0x17_u8, 0_u32, 81920_u32), (0, 0xEF, 1000, 2000)] {
        head.extend([boot, 0, 0, 0, kind, 0, 0, 0]);
        head.extend(start.to_le_bytes());
        head.extend(size.to_le_bytes());
    }
    head.extend([0; 32]);
    head.extend([0x55, 0xAA]);
    let f = std::fs::OpenOptions::new()
        .write(true)
        .open(&stick.dev)
        .unwrap();
    std::os::unix::fs::FileExt::write_all_at(&f, &head, 0).unwrap();
    f.sync_all().unwrap();
    let image = std::fs::read(&stick.file).unwrap()[..40 << 20].to_vec();
    (stick, image)
}

#[test]
fn first_boot_makes_the_data_partition_asks_everything_and_enrols() {
    let dir = tempfile::tempdir().unwrap();
    let drive = LoopDev::new(dir.path(), "a.img", 16 << 20);
    let (stick, image) = stick(dir.path());
    let reg = RunningRegistry::start(dir.path(), 0);
    let token = reg.station_token("stick-1");
    let data = dir.path().join("mnt");
    std::fs::create_dir(&data).unwrap();
    // The keymap hook, pointed at a stand-in loadkeys (first on PATH) and a console that is a
    // plain file: it records each call instead of touching the host's keyboard.
    let bin = dir.path().join("bin");
    std::fs::create_dir(&bin).unwrap();
    let calls = dir.path().join("loadkeys.log");
    let fake = bin.join("loadkeys");
    std::fs::write(
        &fake,
        format!("#!/bin/sh\necho \"$*\" >>{}\n", calls.display()),
    )
    .unwrap();
    std::fs::set_permissions(&fake, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    let console = dir.path().join("console");
    let extra = format!(
        "--boot-medium {} --keymap-console {}",
        stick.path(),
        console.display()
    );
    let command = format!(
        "PATH={}:$PATH {}",
        bin.display(),
        tui_command(&data, &extra, &drive)
    );
    let tmux = Tmux::start(dir.path(), &command);

    let screen = tmux.wait_for("Set up this stick", Duration::from_secs(30));
    assert!(
        screen.contains("No data partition on this stick yet"),
        "{screen}"
    );
    assert!(screen.contains("160.0 MiB"), "the free space: {screen}");
    tmux.keys(&["Enter"]);

    // Partition made and mounted on the data directory: now every question.
    let screen = tmux.wait_for("Station setup", Duration::from_secs(60));
    for q in [
        "Keyboard",
        "Organisation",
        "Site",
        "Operator",
        "Registry URL",
        "Enrolment token",
    ] {
        line_with(&screen, q);
    }
    assert!(!calls.exists(), "nothing loaded before a choice");
    // Right to English (US), shown at each step; loaded once, when the cursor leaves it.
    let us = tabula_station::setup::keymap::layouts()
        .iter()
        .position(|l| l.name == "us")
        .unwrap();
    for _ in 0..us {
        tmux.keys(&["Right"]);
    }
    let screen = tmux.wait_for("English (US) (us)", SOON);
    assert!(
        line_with(&screen, "> Keyboard").contains("(us)"),
        "{screen}"
    );
    std::thread::sleep(Duration::from_millis(300));
    assert!(!calls.exists(), "stepping loads nothing");
    tmux.keys(&["Enter"]);
    let screen = tmux.wait_for("Keyboard layout English (US) (us) is active", SOON);
    assert!(
        line_with(&screen, "> Organisation").contains('_'),
        "{screen}"
    );
    let want = format!("-q -C {} us", console.display());
    assert_eq!(
        std::fs::read_to_string(&calls).unwrap(),
        format!("{want}\n")
    );
    for answer in ["Lecos GmbH", "Halle 2", "Erika", &reg.url, &token] {
        tmux.keys(&["-l", answer]);
        tmux.keys(&["Enter"]);
    }
    let screen = tmux.wait_for("Key fingerprint", Duration::from_secs(30));
    let pem = std::fs::read_to_string(data.join("keys/station.pem")).unwrap();
    let fingerprint = tabula_certificate::PublicKey::from_pem(&pem)
        .unwrap()
        .fingerprint();
    assert!(screen.contains(&fingerprint), "{screen}");
    assert!(
        line_with(&screen, "Station name").contains("stick-1"),
        "{screen}"
    );
    tmux.keys(&["Enter"]);
    let screen = tmux.wait_for("1/5 Machine and drives", Duration::from_secs(120));
    assert!(
        screen
            .lines()
            .next()
            .unwrap()
            .contains("Lecos GmbH, Halle 2")
    );
    tmux.keys(&["q"]);
    tmux.wait_for("tabula exited with 0", SOON);

    // On the new partition: the answers (token used up), the key and the pinned log key.
    let config = std::fs::read_to_string(data.join("tabula.toml")).unwrap();
    assert!(config.contains("site = \"Halle 2\"") && config.contains(&reg.url));
    assert!(config.contains("keymap = \"us\""), "{config}");
    assert!(
        !config.contains(&token),
        "the used token is gone:\n{config}"
    );
    assert!(data.join("keys/registry-log.vkey").exists());
    let out = Command::new("umount").arg(&data).output().unwrap();
    assert!(
        out.status.success(),
        "the data dir was a mount: {}",
        text(&out)
    );
    assert!(!data.join("tabula.toml").exists());
    let table = Command::new("sfdisk")
        .arg("--json")
        .arg(&stick.dev)
        .output()
        .unwrap();
    let table: serde_json::Value = serde_json::from_slice(&table.stdout).unwrap();
    let parts = table["partitiontable"]["partitions"].as_array().unwrap();
    assert_eq!(parts.len(), 3, "{table}");
    assert_eq!(parts[2]["start"], 81920);
    assert_eq!(parts[2]["type"], "83");
    let node = parts[2]["node"].as_str().unwrap();
    let label = Command::new("blkid")
        .args(["-p", "-s", "LABEL", "-o", "value", node])
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&label.stdout).trim(), "TABULA");
    let _ = Command::new("partx")
        .arg("--delete")
        .arg(&stick.dev)
        .status();
    let after = std::fs::read(&stick.file).unwrap();
    assert_eq!(after[..478], image[..478]);
    assert_eq!(after[494..40 << 20], image[494..], "the image is untouched");
}
