//! `tabula.toml`: the station's configuration. Unknown keys and bad values are errors that name
//! the line, so a typo never silently changes what gets wiped.

use std::path::{Path, PathBuf};

use serde::Deserialize;
use tabula_wipe::plan::VerifyMode;

/// The whole file.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    #[serde(default)]
    pub station: StationSection,
    #[serde(default)]
    pub registry: RegistrySection,
    #[serde(default)]
    pub wipe: WipeSection,
    #[serde(default)]
    pub unattended: UnattendedSection,
    #[serde(default)]
    pub keep: KeepSection,
    /// Fitness rules for the audit grade (`[[fitness.rule]]`, see docs/audit.md); built-in defaults if absent.
    #[serde(default)]
    pub fitness: Option<tabula_audit::Rules>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StationSection {
    pub organisation: Option<String>,
    pub site: Option<String>,
    /// Default operator (technician name or id); the TUI asks and `--operator` overrides.
    pub operator: Option<String>,
    /// Station id shown in certificates; default: derived from the key fingerprint.
    pub id: Option<String>,
    /// Console keymap the live image loads at boot (`de` when not set); the station itself
    /// does not use it.
    pub keymap: Option<String>,
    /// Language of the TUI and the CLI's human output; default: from `LC_ALL`, `LC_MESSAGES`
    /// or `LANG` (the live image sets German), else English.
    pub language: Option<Language>,
    /// IANA time zone for the times shown to people (default `Europe/Berlin`); checked on load.
    pub timezone: Option<String>,
}

/// The languages the station speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Language {
    De,
    En,
}

#[derive(Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RegistrySection {
    /// Base URL of the registry; without it certificates stay in the outbox.
    pub url: Option<String>,
    /// PEM file with the CA that signed the registry's TLS certificate: the only CA trusted
    /// for the registry when given.
    pub ca_file: Option<PathBuf>,
    /// Allow plain `http://` to a registry that is not on this machine.
    #[serde(default)]
    pub insecure_http: bool,
    /// The log's verifier key (signed-note format) pinned at enrolment.
    pub log_key: Option<String>,
    /// A one-time enrolment token an administrator left for the first boot; removed from the
    /// file once the station is enrolled.
    pub enrol_token: Option<String>,
}

/// The enrolment token is a secret until it is used: `Debug` (logs, error reports) shows only
/// whether there is one.
impl std::fmt::Debug for RegistrySection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RegistrySection")
            .field("url", &self.url)
            .field("ca_file", &self.ca_file)
            .field("insecure_http", &self.insecure_http)
            .field("log_key", &self.log_key)
            .field("enrol_token", &self.enrol_token.as_ref().map(|_| "***"))
            .finish()
    }
}

impl RegistrySection {
    /// How to connect to the registry under these settings.
    pub fn transport(&self) -> crate::transport::Transport {
        crate::transport::Transport {
            ca_file: self.ca_file.clone(),
            insecure_http: self.insecure_http,
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WipeSection {
    #[serde(default = "default_method")]
    pub method: String,
    /// none, last or all; default: the method's own.
    pub verify: Option<VerifyMode>,
    /// Seconds without progress before a drive is reported as stalled.
    #[serde(default = "default_stall")]
    pub stall_timeout: u64,
    /// Remove ATA hidden areas (HPA, DCO) before an overwrite method too (`auto` always does on
    /// rotating disks), so the overwrite reaches what they hid.
    #[serde(default)]
    pub remove_hidden_areas: bool,
}

impl Default for WipeSection {
    fn default() -> Self {
        Self {
            method: default_method(),
            verify: None,
            stall_timeout: default_stall(),
            remove_hidden_areas: false,
        }
    }
}

fn default_method() -> String {
    "nist-800-88-clear".to_owned()
}

fn default_stall() -> u64 {
    60
}

/// What to do once an unattended run has written everything.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AfterRun {
    /// Return (scripts, tests).
    #[default]
    Exit,
    /// Wait for a key press, then return.
    Wait,
    /// Power the machine off.
    Poweroff,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UnattendedSection {
    /// Unattended wiping happens only when this is explicitly true.
    #[serde(default)]
    pub enabled: bool,
    /// Allow-list of device paths or serial numbers; when present, nothing else is wiped.
    pub targets: Option<Vec<String>>,
    #[serde(default)]
    pub after: AfterRun,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KeepSection {
    /// Serial numbers of drives that are never wiped (e.g. the station's own disks).
    #[serde(default)]
    pub serials: Vec<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read {path}: {source}")]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}, line {line}: {message}")]
    Invalid {
        path: PathBuf,
        line: usize,
        /// The key on that line with its table (`station.site`), empty if the line has none.
        key: String,
        message: String,
    },
    /// A value outside a fixed set (`[station] language`, `[wipe] verify`...).
    #[error(transparent)]
    Choice(Box<UnknownValue>),
    #[error("{path}: unknown wipe method '{method}'{}", hint(suggestion.as_deref()))]
    Method {
        path: PathBuf,
        method: String,
        suggestion: Option<String>,
    },
    #[error(
        "{path}: [station] timezone: unknown time zone '{name}' (an IANA name such as Europe/Berlin)"
    )]
    Timezone { path: PathBuf, name: String },
    #[error("{path}: [fitness]: {source}")]
    Fitness {
        path: PathBuf,
        source: tabula_audit::RulesError,
    },
}

/// A value outside a fixed set, with the closest accepted one when it looks like a typo.
#[derive(Debug, thiserror::Error)]
#[error(
    "{path}, line {line}: {key}: unknown value '{value}'{}; possible: {}",
    hint(suggestion.as_deref()),
    expected.join(", ")
)]
pub struct UnknownValue {
    pub path: PathBuf,
    pub line: usize,
    /// The key as written on that line (`language`), empty if the line has none.
    pub key: String,
    pub value: String,
    pub expected: Vec<String>,
    pub suggestion: Option<String>,
}

impl Config {
    /// Reads and checks a config file; a missing file is an error (use `Config::default()` for none).
    pub fn load(path: &Path) -> Result<Self, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            path: path.to_owned(),
            source,
        })?;
        Self::parse(&text, path)
    }

    pub fn parse(text: &str, path: &Path) -> Result<Self, ConfigError> {
        let config: Config = toml::from_str(text).map_err(|e| {
            // 1-based line of the span's start: the newlines before it, plus one.
            let line = e.span().map_or(0, |s| {
                text.as_bytes()[..s.start.min(text.len())]
                    .iter()
                    .filter(|&&b| b == b'\n')
                    .count()
                    + 1
            });
            match unknown_variant(e.message()) {
                Some((value, expected)) => ConfigError::Choice(Box::new(UnknownValue {
                    path: path.to_owned(),
                    line,
                    key: key_on_line(text, line),
                    suggestion: tabula_wipe::method::closest(
                        &value,
                        expected.iter().map(String::as_str),
                    )
                    .map(str::to_owned),
                    value,
                    expected,
                })),
                None => ConfigError::Invalid {
                    path: path.to_owned(),
                    line,
                    key: dotted_key_on_line(text, line),
                    message: e.message().to_owned(),
                },
            }
        })?;
        let mut config = config;
        if let Some(rules) = config.fitness.take() {
            config.fitness = Some(rules.checked().map_err(|source| ConfigError::Fitness {
                path: path.to_owned(),
                source,
            })?);
        }
        if let Some(name) = &config.station.timezone
            && jiff::tz::TimeZone::get(name).is_err()
        {
            return Err(ConfigError::Timezone {
                path: path.to_owned(),
                name: name.clone(),
            });
        }
        if tabula_wipe::method::Method::by_name(&config.wipe.method).is_none() {
            return Err(ConfigError::Method {
                path: path.to_owned(),
                method: config.wipe.method.clone(),
                suggestion: tabula_wipe::method::Method::closest(&config.wipe.method)
                    .map(str::to_owned),
            });
        }
        Ok(config)
    }
}

/// " (did you mean X?)" when there is a suggestion.
fn hint(suggestion: Option<&str>) -> String {
    suggestion
        .map(|s| format!(" (did you mean {s}?)"))
        .unwrap_or_default()
}

/// The value and the accepted ones of serde's "unknown variant `dee`, expected `de` or `en`"
/// (also "expected one of `a`, `b`, `c`"), the error of every enumerated setting.
fn unknown_variant(message: &str) -> Option<(String, Vec<String>)> {
    let rest = message.trim().strip_prefix("unknown variant `")?;
    let (value, expected) = rest.split_once("`, expected ")?;
    let expected: Vec<String> = expected
        .split('`')
        .skip(1)
        .step_by(2)
        .map(str::to_owned)
        .collect();
    (!expected.is_empty()).then(|| (value.to_owned(), expected))
}

/// The key written on 1-based `line` of `text` (`language` of `language = "dee"`).
/// The key on `line` with the table it is in (`station.site`); empty if the line has no key.
fn dotted_key_on_line(text: &str, line: usize) -> String {
    let key = key_on_line(text, line);
    if key.is_empty() {
        return key;
    }
    let table = text
        .lines()
        .take(line.saturating_sub(1))
        .filter_map(|l| {
            let l = l.trim();
            l.strip_prefix('[')?.strip_suffix(']').map(str::trim)
        })
        .last();
    match table {
        Some(table) => format!("{table}.{key}"),
        None => key,
    }
}

fn key_on_line(text: &str, line: usize) -> String {
    text.lines()
        .nth(line.saturating_sub(1))
        .and_then(|l| l.split_once('='))
        .map(|(key, _)| key.trim().to_owned())
        .unwrap_or_default()
}

/// The example shipped in docs and written by `tabula run` into a new data directory.
pub const EXAMPLE: &str = r#"# Tabula station configuration (see docs/station.md)

[station]
# Every certificate names its organisation, site and operator: the TUI asks for the missing
# ones when it starts, or set them here.
# organisation = "Stadt Leipzig"
# site = "Refurbishing bench 1"
# operator = "technician"      # the TUI asks; `tabula run --operator NAME` overrides
# id = "bench-1"            # default: derived from the station key
# keymap = "us"             # the live stick's console keyboard (default "de")
# language = "de"          # de | en; default: from LANG (German on the live image)
# timezone = "Europe/Berlin"   # for the times shown on screen and in the PDF (JSON keeps UTC)

[registry]
# url = "https://registry.example"   # without it, certificates wait in outbox/
# ca_file = "/path/to/ca.pem"         # pins: only this CA is trusted for the registry
# insecure_http = false                # plain http:// only to this machine unless true
# log_key = "registry+abcd1234+AQ..."  # pinned at enrolment
# enrol_token = "..."                  # one-time token for the first boot; removed once used

[wipe]
method = "auto"   # per drive: firmware sanitize where it can (Purge), else overwrite (Clear); or any name from `tabula wipe --list-methods`
# verify = "last"              # none | last | all (default: the method's)
stall_timeout = 60
# remove_hidden_areas = false  # true: remove HPA/DCO before overwrite methods too (auto does on HDDs)

[unattended]
enabled = false                # must be true for `tabula run --unattended`
# targets = ["/dev/sdb", "WD-WCC4N0123456"]   # allow-list: paths or serials
after = "exit"                 # exit | wait | poweroff

[keep]
serials = []                   # drives never wiped
"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn example_parses() {
        let c = Config::parse(EXAMPLE, Path::new("tabula.toml")).unwrap();
        assert_eq!(
            c.wipe.method, "auto",
            "the example lets each drive get its strongest erase"
        );
        assert!(!c.unattended.enabled);
        assert_eq!(c.station.organisation, None, "the TUI asks for it");
    }

    #[test]
    fn debug_masks_the_enrolment_token() {
        let text = "[registry]\nurl = \"https://r.example\"\nenrol_token = \"tbl_0123abcd\"\n";
        let c = Config::parse(text, Path::new("t.toml")).unwrap();
        let shown = format!("{c:?}");
        assert!(!shown.contains("tbl_0123abcd"), "{shown}");
        assert!(shown.contains("enrol_token: Some(\"***\")"), "{shown}");
        assert!(shown.contains("https://r.example"), "{shown}");
    }

    #[test]
    fn language_and_timezone() {
        let text = "[station]\nlanguage = \"de\"\ntimezone = \"America/New_York\"\n";
        let c = Config::parse(text, Path::new("t.toml")).unwrap();
        assert_eq!(c.station.language, Some(Language::De));
        assert_eq!(c.station.timezone.as_deref(), Some("America/New_York"));
        let c = Config::parse("[station]\nlanguage = \"en\"\n", Path::new("t.toml")).unwrap();
        assert_eq!(c.station.language, Some(Language::En));
    }

    #[test]
    fn unknown_key_names_its_line() {
        let text = "[station]\norganisation = \"x\"\n\n[wipe]\nmethdo = \"zero\"\n";
        let err = Config::parse(text, Path::new("t.toml"))
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with("t.toml, line 5: unknown field `methdo`"),
            "{err}"
        );
    }

    #[test]
    fn keymap_is_a_station_key_the_live_image_reads() {
        let c = Config::parse("[station]\nkeymap = \"us\"\n", Path::new("t.toml")).unwrap();
        assert_eq!(c.station.keymap.as_deref(), Some("us"));
        let c = Config::parse(EXAMPLE, Path::new("t.toml")).unwrap();
        assert_eq!(c.station.keymap, None);
    }

    #[test]
    fn verify_off_is_none_as_on_the_command_line() {
        let c = Config::parse("[wipe]\nverify = \"off\"\n", Path::new("t.toml")).unwrap();
        assert_eq!(c.wipe.verify, Some(VerifyMode::None));
    }

    #[test]
    fn fitness_rules_get_the_checks_of_a_rules_file() {
        let err = Config::parse("[fitness]\nrule = []\n", Path::new("t.toml")).unwrap_err();
        assert!(err.to_string().starts_with("t.toml: [fitness]: "), "{err}");
        let err = Config::parse("[fitness]\nschema = 1\nrules = []\n", Path::new("t.toml"))
            .unwrap_err()
            .to_string();
        assert!(err.contains("unknown field `rules`"), "{err}");
    }

    #[test]
    fn bad_values_are_errors() {
        let err = Config::parse("[wipe]\nverify = \"sometimes\"\n", Path::new("t.toml"))
            .unwrap_err()
            .to_string();
        assert!(err.contains("line 2"), "{err}");
        let err = Config::parse("[wipe]\nmethod = \"shred-it\"\n", Path::new("t.toml"))
            .unwrap_err()
            .to_string();
        assert!(err.contains("unknown wipe method 'shred-it'"), "{err}");
        let err = Config::parse("[station]\nlanguage = \"fr\"\n", Path::new("t.toml"))
            .unwrap_err()
            .to_string();
        assert_eq!(
            err,
            "t.toml, line 2: language: unknown value 'fr'; possible: de, en"
        );
        let err = Config::parse(
            "[station]\ntimezone = \"Europe/Leipzig\"\n",
            Path::new("t.toml"),
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("unknown time zone 'Europe/Leipzig'"), "{err}");
        let err = Config::parse("[unattended]\nenabled = \"yes\"\n", Path::new("t.toml"))
            .unwrap_err()
            .to_string();
        assert!(err.contains("line 2"), "{err}");
    }

    #[test]
    fn a_typo_in_an_enumerated_setting_gets_a_suggestion() {
        let err = |text: &str| {
            Config::parse(text, Path::new("t.toml"))
                .unwrap_err()
                .to_string()
        };
        assert_eq!(
            err("[station]\nsite = \"x\"\nlanguage = \"dee\"\n"),
            "t.toml, line 3: language: unknown value 'dee' (did you mean de?); possible: de, en"
        );
        let verify = err("[wipe]\nverify = \"lats\"\n");
        assert!(
            verify.starts_with("t.toml, line 2: verify: unknown value 'lats' (did you mean last?)"),
            "{verify}"
        );
        assert_eq!(
            err("[wipe]\nmethod = \"gutman\"\n"),
            "t.toml: unknown wipe method 'gutman' (did you mean gutmann?)"
        );
    }
}
