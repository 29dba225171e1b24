//! The words people read on the station, in German and English: every screen and message of the
//! TUI and the CLI's human output (JSON output is not translated). One typed catalogue per
//! language ([`de`], [`en`]): a [`Text`] with one field per message, plain `&'static str` for
//! fixed words and `fn(..) -> String` for messages with arguments and plurals, so the compiler
//! checks that both languages have every message and every argument.
//!
//! The language is `[station] language` in `tabula.toml`, else the locale (`LC_ALL`,
//! `LC_MESSAGES`, `LANG`: the live image sets `de_DE.UTF-8`), else English. Times shown to people
//! are local ([`clock`]): `[station] timezone`, default Europe/Berlin.
//!
//! ```ignore
//! use crate::i18n::t;
//! let line = (t().common.passes)(3); // "3 Durchgänge" or "3 passes"
//! ```

pub mod audit;
pub mod certificate;
pub mod client;
pub mod clock;
pub mod commands;
mod de;
mod en;
pub mod engine;
pub mod faults;
pub mod help;
pub mod reasons;

use std::sync::atomic::{AtomicU8, Ordering};

use tabula_station::config::Config;
pub use tabula_station::config::Language;
use tabula_wipe::auto::Why;
use tabula_wipe::plan::VerifyMode;
use tabula_wipe::report::{VerifyOutcome, WipeStatus};

/// Every message, grouped by where it appears.
#[derive(Debug)]
pub struct Text {
    pub common: Common,
    /// `verify`, `cert`, `upload`, `enroll`, `keygen`, `audit` and errors at the edge.
    pub commands: commands::Commands,
    /// The library crates' typed reasons (drive exclusions).
    pub reasons: reasons::Reasons,
    /// `tabula cert show`: the certificate as text.
    pub certificate: tabula_certificate::text::Words,
    /// The certificate and audit crates' errors.
    pub faults: faults::Faults,
    pub app: App,
    pub confirm: Confirm,
    pub machine: Machine,
    pub method: MethodScreen,
    pub progress: Progress,
    pub result: ResultScreen,
    pub resume: Resume,
    pub cli: Cli,
    pub network: Network,
    pub setup: Setup,
    pub firmware: Firmware,
    /// The wipe engine's typed failures.
    pub engine: engine::Engine,
    /// The registry client's errors.
    pub client: client::Client,
}

/// Firmware erase and `auto` (issue 11): what `auto` will do per drive on the method screen, and
/// a firmware erase's progress in the TUI and the CLI.
#[derive(Debug)]
pub struct Firmware {
    /// Method screen: the title over the per-drive choices of `auto`.
    pub auto_title: &'static str,
    /// No drive chosen, or their capabilities not read yet.
    pub auto_none: &'static str,
    /// "/dev/nvme0n1: nvme-sanitize-crypto, the drive's estimate 0:02:00".
    pub auto_line: fn(path: &str, method: &str, estimate: Option<&str>) -> String,
    /// Why `auto` chose it.
    pub why: fn(&Why) -> String,
    /// Progress (after the operation's name): canaries are written before the drive's erase.
    pub canaries: &'static str,
    /// The drive reports its progress.
    pub erasing: fn(percent: u8) -> String,
    /// The drive works without reporting: elapsed time and its own estimate.
    pub waiting: fn(elapsed: &str, estimate: Option<&str>) -> String,
    pub checking: &'static str,
    /// After the check: canaries left of written, what the samples read as.
    pub checked: fn(survived: usize, canaries: usize, reads_as: &str) -> String,
}

/// Words used in several places (screens and CLI).
#[derive(Debug)]
pub struct Common {
    /// "1 pass", "3 passes".
    pub passes: fn(u64) -> String,
    /// "1 drive", "2 drives".
    pub drives: fn(usize) -> String,
    /// How much is read back: `[wipe] verify` none, last, all.
    pub verify_mode: fn(VerifyMode) -> &'static str,
    /// A method's label (`tabula_wipe::method`), translated where the catalogue knows it.
    pub method_label: fn(name: &str, label: &str) -> String,
    /// A drive's wipe status in plain words.
    pub status: fn(WipeStatus) -> &'static str,
    /// Verification outcome in plain words.
    pub verification: fn(VerifyOutcome) -> &'static str,
}

/// The TUI's frame: title bar, step names, key hints, fatal errors.
#[derive(Debug)]
pub struct App {
    pub auditing: &'static str,
    /// Below the smallest size: (needed width, height, this terminal's width, height).
    pub too_small: fn(u16, u16, u16, u16) -> String,
    pub cannot_continue: &'static str,
    pub step_loading: &'static str,
    pub step_resume: &'static str,
    pub step_machine: &'static str,
    pub step_method: &'static str,
    pub step_confirm: &'static str,
    pub step_progress: &'static str,
    pub step_result: &'static str,
    pub keys_fatal: &'static str,
    pub keys_loading: &'static str,
    pub keys_resume: &'static str,
    pub keys_machine: &'static str,
    pub keys_method: &'static str,
    pub keys_confirm: &'static str,
    pub keys_progress: &'static str,
    pub keys_result: &'static str,
    pub keys_wait: &'static str,
    /// Devices named on the command line that are not drives of this machine.
    pub not_a_drive: fn(&str) -> String,
    pub rescan_failed: fn(&str) -> String,
    pub wipe_thread_died: &'static str,
    pub no_plan: &'static str,
}

/// Screen 3: the drives about to be destroyed and the confirmation word.
#[derive(Debug)]
pub struct Confirm {
    pub title: &'static str,
    pub title_resume: &'static str,
    /// Column heads: device, model, serial, size.
    pub columns: [&'static str; 4],
    pub will_fail: fn(&str) -> String,
    pub method: &'static str,
    pub operator: &'static str,
    /// "zero (Zero fill), 1 pass, verify: last pass".
    pub method_line: fn(name: &str, label: &str, passes: u64, verify: &str) -> String,
    pub all_data_lost: fn(usize) -> String,
    pub type_word: fn(&str) -> String,
    pub not_confirmed: fn(&str) -> String,
}

/// Screen 1: the machine's summary and the drive table.
#[derive(Debug)]
pub struct Machine {
    pub title: &'static str,
    /// Summary labels: vendor, model, serial, grade, CPU, RAM, battery, licence.
    pub labels: [&'static str; 8],
    pub unknown_cpu: &'static str,
    /// The fitness grade below C.
    pub unfit: &'static str,
    /// "Intel ... (4 cores / 8 threads)".
    pub cpu: fn(model: &str, cores: Option<u64>, threads: u64) -> String,
    pub ram_unknown: &'static str,
    pub slots_used: fn(used: u64, slots: u64) -> String,
    pub battery_none: &'static str,
    pub battery_health: fn(f64) -> String,
    pub battery_unknown: fn(&str) -> String,
    pub licence_key: fn(&str) -> String,
    pub licence_none: &'static str,
    pub licence_malformed: &'static str,
    pub excluded: fn(&str) -> String,
    pub wipeable: &'static str,
    pub wipeable_named: &'static str,
    pub by_hand: fn(&str) -> String,
    pub kept_serial: &'static str,
    pub select_one: &'static str,
    pub cannot_select: fn(path: &str, why: &str) -> String,
    /// SMART cells: passed, failed, unknown, not applicable, no data, smartctl missing, error.
    pub smart: [&'static str; 7],
    pub power_on_hours: fn(u64) -> String,
    pub drives_title: fn(selected: usize) -> String,
    pub without_medium: fn(usize) -> String,
    pub not_named: fn(usize) -> String,
    /// Column heads: device, model, serial, size, type.
    pub columns: [&'static str; 5],
    pub no_drives: &'static str,
    pub loop_kind: &'static str,
    /// The summary's label of the network line.
    pub network: &'static str,
    /// Under a drive list longer than the screen: (first shown, last shown, total, more above,
    /// more below).
    pub scroll: fn(usize, usize, usize, bool, bool) -> String,
}

/// Screen 2: wipe method and operator.
#[derive(Debug)]
pub struct MethodScreen {
    pub title: &'static str,
    pub verify: &'static str,
    pub nist: fn(&str) -> String,
    pub bsi: fn(&str) -> String,
    pub operator_title: &'static str,
    pub operator_missing: &'static str,
}

/// Screen 4: one bar per drive.
#[derive(Debug)]
pub struct Progress {
    pub method: &'static str,
    /// "... verify: last pass   elapsed 0:01:02".
    pub elapsed: fn(&str) -> String,
    pub title: fn(usize) -> String,
    pub waiting: &'static str,
    pub write: &'static str,
    pub verify: &'static str,
    /// "pass 2/3 write zeros".
    pub pass: fn(pass: usize, passes: usize, phase: &str, pattern: &str) -> String,
    /// The engine's pattern description (`0x00`, `92 49 24`, `random (AES-128-CTR)`) in words.
    pub pattern: fn(&str) -> String,
    pub stalled: fn(u64) -> String,
    pub bad_ranges: fn(usize) -> String,
    /// More drives than rows: (drives above, drives below) the ones shown.
    pub more: fn(usize, usize) -> String,
    pub stopping: &'static str,
    pub ask_stop: &'static str,
    /// The ETA's label ("ETA", "Rest").
    pub eta: &'static str,
    pub file: &'static str,
}

/// Screen 5: the result.
#[derive(Debug)]
pub struct ResultScreen {
    pub uploading: &'static str,
    pub no_registry: &'static str,
    pub uploaded: fn(&str) -> String,
    pub log_entry: fn(u64) -> String,
    pub kept: fn(&str) -> String,
    pub rejected: fn(&str) -> String,
    pub not_attempted: &'static str,
    pub job_failed: fn(&str) -> String,
    pub all_verified: fn(usize) -> String,
    pub all_unverified: fn(usize) -> String,
    pub not_all: &'static str,
    pub title: &'static str,
    pub drive_line: fn(status: &str, verification: &str) -> String,
    /// Erased drives left out of the result list for want of rows (the certificate has all).
    pub more_erased: fn(usize) -> String,
    /// Labels: certificate, stored in, PDF, bundle, registry.
    pub labels: [&'static str; 5],
    pub interrupted_kept: fn(&str) -> String,
    pub offer_resume: &'static str,
    pub settled: &'static str,
    pub unsettled: &'static str,
    /// Outbox flush at start-up.
    pub outbox_sent: fn(usize) -> String,
    pub outbox_pending: fn(usize) -> String,
    pub outbox_rejected: fn(usize) -> String,
    pub warning: fn(&str) -> String,
    pub outbox_failed: fn(&str) -> String,
    pub journals_unreadable: fn(usize, &str) -> String,
}

/// The offer to resume interrupted wipes.
#[derive(Debug)]
pub struct Resume {
    pub title: &'static str,
    pub intro: [&'static str; 2],
    pub wipe_line: fn(id: &str, started: &str, operator: &str, method: &str) -> String,
    pub not_started: &'static str,
    pub was_at: fn(pass: usize, passes: usize) -> String,
}

/// The CLI's human output (`tabula wipe`, `run`, `resume`, `devices`; the progress lines).
#[derive(Debug)]
pub struct Cli {
    /// "Method: ..., 1 pass, verify: last pass" and the warning line, each ending in a newline.
    pub plan_head: fn(name: &str, label: &str, passes: u64, verify: &str) -> String,
    pub plan_drive: fn(path: &str, model: &str, serial: &str, size: &str) -> String,
    pub no_terminal: &'static str,
    pub type_to_destroy: fn(word: &str, targets: usize) -> String,
    pub not_confirmed: &'static str,
    /// Bad ranges in the summary: write error, read error, mismatch.
    pub errors: [&'static str; 3],
    pub io_error: &'static str,
    pub note: &'static str,
    pub finished_in: fn(&str) -> String,
    pub record: fn(json: &str, text: &str) -> String,
    pub record_title: &'static str,
    /// Labels of the record's times: started, finished.
    pub record_times: [&'static str; 2],
    pub certificate: fn(id: &str, bundle: &str, pdf: &str) -> String,
    pub queued: fn(&str) -> String,
    pub interrupted: fn(data: &str, journal: &str) -> String,
    pub nothing_to_wipe: &'static str,
    /// The machine's line before a run: (vendor and model, serial if known, grade).
    pub machine: fn(name: &str, serial: Option<&str>, grade: &str) -> String,
    /// The machine's name when the firmware names neither vendor nor model.
    pub unknown_machine: &'static str,
    pub upload: fn(&str) -> String,
    pub upload_failed: fn(&str) -> String,
    pub press_enter: &'static str,
    pub powering_off: &'static str,
    pub journal_unreadable: fn(path: &str, error: &str) -> String,
    pub nothing_to_resume: &'static str,
    pub interrupted_wipe: fn(id: &str, started: &str) -> String,
    pub resume_no_terminal: &'static str,
    /// `tabula devices` column heads: device, size, bus, model, serial, verdict.
    pub columns: [&'static str; 6],
    pub explicit_only: fn(&str) -> String,
    pub hidden: fn(usize) -> String,
    pub stalled: fn(u64) -> String,
    pub moving_again: &'static str,
    /// A write pass has sent all its data; the drive's cache is flushed before what comes next.
    pub flushing: &'static str,
    pub bad_range: fn(path: &str, what: &str, range: &str) -> String,
    pub ended: fn(status: &str, average: &str, took: &str) -> String,
    pub ended_early:
        fn(status: &str, percent: f64, pass: &str, average: &str, took: &str) -> String,
}

/// `value` with `places` decimals, with the decimal comma in German (`238,5`).
pub fn decimal(value: f64, places: usize) -> String {
    let text = format!("{value:.places$}");
    match language() {
        Language::De => text.replace('.', ","),
        Language::En => text,
    }
}

/// "1 pass", "3 passes": `one` for exactly one, `many` otherwise (German and English agree).
fn plural(n: u64, one: &str, many: &str) -> String {
    if n == 1 {
        format!("{n} {one}")
    } else {
        format!("{n} {many}")
    }
}

/// The network line of screen 1.
#[derive(Debug)]
pub struct Network {
    pub no_interface: &'static str,
    /// (interface, address).
    pub up: fn(&str, &str) -> String,
    pub up_no_address: fn(&str) -> String,
    pub down: fn(&str) -> String,
    pub no_registry: &'static str,
    pub checking: &'static str,
    pub answers: &'static str,
    pub no_answer: fn(&str) -> String,
}

/// The setup screens before screen 1 (first boot, missing answers, enrolment).
#[derive(Debug)]
pub struct Setup {
    pub offer_title: &'static str,
    pub form_title: &'static str,
    pub enrolled_title: &'static str,
    pub working_title: &'static str,
    pub offer_keys: &'static str,
    pub form_keys: &'static str,
    pub done_keys: &'static str,
    pub failed_keys: &'static str,
    pub no_partition: &'static str,
    /// (device, free space, partition number).
    pub offer: fn(&str, &str, u32) -> String,
    pub offer_safe: &'static str,
    pub creating: fn(&str) -> String,
    pub enrolling: &'static str,
    pub form_box: &'static str,
    pub form_intro: fn(&str) -> String,
    pub optional: &'static str,
    /// Under the keyboard layout's choice: how to change it.
    pub keymap_hint: &'static str,
    /// (layout) while it is loaded into the console, and once it is.
    pub keymap_loading: fn(&str) -> String,
    pub keymap_loaded: fn(&str) -> String,
    /// Labels: keyboard layout, organisation, site, operator, registry URL, enrolment token.
    pub labels: [&'static str; 6],
    pub must_not_be_empty: &'static str,
    pub one_line: &'static str,
    pub not_a_url: &'static str,
    pub not_a_keymap: &'static str,
    pub enrolled: &'static str,
    /// Labels: station name, key fingerprint, log.
    pub enrolled_labels: [&'static str; 3],
    pub compare: &'static str,
    pub enrol_failed: &'static str,
    pub enrol_later: &'static str,
}

/// The catalogue for `lang`.
pub fn text(lang: Language) -> &'static Text {
    match lang {
        Language::De => &de::DE,
        Language::En => &en::EN,
    }
}

/// The catalogue of the current language.
pub fn t() -> &'static Text {
    text(language())
}

const UNSET: u8 = 0;
const DE: u8 = 1;
const EN: u8 = 2;

/// The process's language; English until [`init`] has run (unit tests, early errors).
static LANGUAGE: AtomicU8 = AtomicU8::new(UNSET);

#[cfg(test)]
thread_local! {
    /// A test's own language, so tests in both languages run in parallel.
    static THREAD_LANGUAGE: std::cell::Cell<Option<Language>> = const { std::cell::Cell::new(None) };
}

/// The language in force.
pub fn language() -> Language {
    #[cfg(test)]
    if let Some(lang) = THREAD_LANGUAGE.with(std::cell::Cell::get) {
        return lang;
    }
    match LANGUAGE.load(Ordering::Relaxed) {
        DE => Language::De,
        _ => Language::En,
    }
}

/// Sets the language of this test's thread (other tests keep theirs).
#[cfg(test)]
pub fn set_thread_language(lang: Language) {
    THREAD_LANGUAGE.with(|l| l.set(Some(lang)));
}

/// Sets language and time zone from the configuration (if any) and the environment; called once
/// at start and again when a command has loaded its station's configuration.
pub fn init(config: Option<&Config>) {
    let station = config.map(|c| &c.station);
    let lang = station
        .and_then(|s| s.language)
        .unwrap_or_else(|| from_locale(&|name| std::env::var(name).ok()));
    LANGUAGE.store(
        match lang {
            Language::De => DE,
            Language::En => EN,
        },
        Ordering::Relaxed,
    );
    clock::set_zone(station.and_then(|s| s.timezone.as_deref()));
}

/// The language the locale asks for: the first non-empty of `LC_ALL`, `LC_MESSAGES`, `LANG`
/// (POSIX order); German if its language part is `de`, else English (`C`, `POSIX`, unset).
pub fn from_locale(var: &dyn Fn(&str) -> Option<String>) -> Language {
    let locale = ["LC_ALL", "LC_MESSAGES", "LANG"]
        .into_iter()
        .filter_map(var)
        .find(|v| !v.is_empty())
        .unwrap_or_default();
    let lang = locale
        .split(['_', '.', '@', '-'])
        .next()
        .unwrap_or_default();
    if lang.eq_ignore_ascii_case("de") {
        Language::De
    } else {
        Language::En
    }
}

/// The configuration a command without `--config` would use, for its language: the data
/// directory's `tabula.toml` (`$TABULA_DATA` or the default), if it exists and parses. A broken
/// file is reported by the commands that use it, not here.
pub fn probe_config() -> Option<Config> {
    let data = std::env::var_os("TABULA_DATA")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(tabula_station::default_data_dir);
    let path = data.join("tabula.toml");
    Config::load(&path).ok()
}

#[cfg(test)]
mod tests;
