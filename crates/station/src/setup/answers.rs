//! The questions a station must have answered before its first certificate, and writing the
//! answers into `tabula.toml` with `toml_edit`, so the administrator's comments, order and other
//! keys stay as they were.

use std::path::Path;

use toml_edit::{DocumentMut, Item, Table, value};

use super::{AnswerProblem, SetupError, keymap};
use crate::config::Config;
use crate::datadir::write_atomic;
use crate::error::Result;

/// One thing the station asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Question {
    /// The console keyboard layout (`[station] keymap`), a choice of [`keymap::layouts`]; asked
    /// first, so the other answers are typed on it.
    Keymap,
    Organisation,
    Site,
    Operator,
    RegistryUrl,
    /// The one-time enrolment token (`tabula-registry station add`). Kept in `tabula.toml` only
    /// until enrolment succeeds.
    EnrolToken,
}

impl Question {
    /// Section and key in `tabula.toml`.
    pub fn key(self) -> (&'static str, &'static str) {
        match self {
            Self::Keymap => ("station", "keymap"),
            Self::Organisation => ("station", "organisation"),
            Self::Site => ("station", "site"),
            Self::Operator => ("station", "operator"),
            Self::RegistryUrl => ("registry", "url"),
            Self::EnrolToken => ("registry", "enrol_token"),
        }
    }

    /// The command-line option that gives the same value for one run (none for the keymap: the
    /// image loads it at boot).
    pub fn option(self) -> Option<&'static str> {
        Some(match self {
            Self::Keymap => return None,
            Self::Organisation => "--organisation",
            Self::Site => "--site",
            Self::Operator => "--operator",
            Self::RegistryUrl => "--registry",
            Self::EnrolToken => "--token",
        })
    }

    /// `value` as logs and `Debug` may show it: an enrolment token as `***`.
    pub fn shown(self, value: &str) -> &str {
        match self {
            Self::EnrolToken if !value.is_empty() => "***",
            _ => value,
        }
    }

    /// What `config` says for this question, if anything but blanks.
    pub fn current(self, config: &Config) -> Option<&str> {
        let v = match self {
            Self::Keymap => config.station.keymap.as_deref(),
            Self::Organisation => config.station.organisation.as_deref(),
            Self::Site => config.station.site.as_deref(),
            Self::Operator => config.station.operator.as_deref(),
            Self::RegistryUrl => config.registry.url.as_deref(),
            Self::EnrolToken => config.registry.enrol_token.as_deref(),
        };
        v.filter(|s| !s.trim().is_empty())
    }
}

/// What the station must still ask: organisation, site and operator whenever they are missing,
/// and with `enrolling` (first boot) the registry URL and enrolment token too. When anything is
/// asked and `tabula.toml` names no keymap, the keyboard layout comes first (never alone: German
/// is the default, not a gap).
pub fn missing(config: &Config, enrolling: bool) -> Vec<Question> {
    let mut asked = vec![Question::Organisation, Question::Site, Question::Operator];
    if enrolling {
        asked.extend([Question::RegistryUrl, Question::EnrolToken]);
    }
    asked.retain(|q| q.current(config).is_none());
    if !asked.is_empty() && Question::Keymap.current(config).is_none() {
        asked.insert(0, Question::Keymap);
    }
    asked
}

/// One answer, trimmed.
#[derive(Clone, PartialEq, Eq)]
pub struct Answer {
    pub question: Question,
    pub value: String,
}

/// An enrolment token's value is a secret: `Debug` masks it.
impl std::fmt::Debug for Answer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Answer")
            .field("question", &self.question)
            .field("value", &self.question.shown(&self.value))
            .finish()
    }
}

impl Answer {
    pub fn new(question: Question, value: &str) -> Self {
        Self {
            question,
            value: value.trim().to_owned(),
        }
    }

    /// Why this answer cannot be used, if it cannot.
    pub fn check(&self) -> Result<(), SetupError> {
        let (_, key) = self.question.key();
        let bad = |problem| SetupError::BadAnswer {
            question: key,
            problem,
        };
        if self.value.is_empty() {
            return Err(bad(AnswerProblem::Empty));
        }
        if self.value.chars().any(char::is_control) {
            return Err(bad(AnswerProblem::NotOneLine));
        }
        if self.question == Question::Keymap && keymap::find(&self.value).is_none() {
            return Err(bad(AnswerProblem::NotAKeymap));
        }
        if self.question == Question::RegistryUrl
            && !(self.value.starts_with("https://") || self.value.starts_with("http://"))
        {
            return Err(bad(AnswerProblem::NotAUrl));
        }
        Ok(())
    }
}

/// Writes `answers` into the configuration file at `path` (created if missing), changing only
/// their keys. Every answer is checked before anything is written.
pub fn write(path: &Path, answers: &[Answer]) -> Result<()> {
    for a in answers {
        a.check()?;
    }
    edit(path, |doc| {
        for a in answers {
            let (section, key) = a.question.key();
            table(doc, section, path)?.insert(key, value(a.value.as_str()));
        }
        Ok(())
    })
}

/// Removes `[registry] enrol_token` once it has been used (it works only once).
pub fn forget_token(path: &Path) -> Result<()> {
    edit(path, |doc| {
        if let Some(t) = doc.get_mut("registry").and_then(Item::as_table_mut) {
            t.remove("enrol_token");
        }
        Ok(())
    })
}

/// Reads, edits and atomically rewrites the file (a missing file counts as empty); the edited
/// text must still load as a configuration, so nothing invalid is ever written.
fn edit(
    path: &Path,
    change: impl FnOnce(&mut DocumentMut) -> Result<(), SetupError>,
) -> Result<()> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => return Err(crate::Error::io("reading", path)(e)),
    };
    let mut doc: DocumentMut = text.parse().map_err(|source| SetupError::Toml {
        path: path.to_owned(),
        source,
    })?;
    change(&mut doc)?;
    let edited = doc.to_string();
    Config::parse(&edited, path)?;
    write_atomic(path, edited.as_bytes())
}

fn table<'a>(
    doc: &'a mut DocumentMut,
    section: &'static str,
    path: &Path,
) -> Result<&'a mut Table, SetupError> {
    let item = doc
        .entry(section)
        .or_insert_with(|| Item::Table(Table::new()));
    item.as_table_mut().ok_or_else(|| SetupError::NotATable {
        path: path.to_owned(),
        section,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const ADMIN: &str = "# put here by the administrator\n\
        [station]\n\
        organisation = \"Stadt Leipzig\" # the town\n\
        # site = \"Bench 1\"\n\
        \n\
        [wipe]\n\
        method = \"zero\"   # fast\n";

    #[test]
    fn debug_masks_a_token_answer_only() {
        let token = format!("{:?}", Answer::new(Question::EnrolToken, "tbl_0123abcd"));
        assert!(
            !token.contains("tbl_0123abcd") && token.contains("***"),
            "{token}"
        );
        let site = format!("{:?}", Answer::new(Question::Site, "Bench 1"));
        assert!(site.contains("Bench 1"), "{site}");
    }

    #[test]
    fn answers_land_in_their_sections_and_keep_comments() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("tabula.toml");
        std::fs::write(&path, ADMIN).unwrap();
        let config = Config::load(&path).unwrap();
        assert_eq!(
            missing(&config, true),
            [
                Question::Keymap,
                Question::Site,
                Question::Operator,
                Question::RegistryUrl,
                Question::EnrolToken
            ]
        );
        write(
            &path,
            &[
                Answer::new(Question::Keymap, "de-latin1-nodeadkeys"),
                Answer::new(Question::Site, " Bench 2 "),
                Answer::new(Question::Operator, "Erika"),
                Answer::new(Question::RegistryUrl, "https://registry.example"),
                Answer::new(Question::EnrolToken, "tok-123"),
            ],
        )
        .unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        for kept in [
            "# put here by the administrator",
            "organisation = \"Stadt Leipzig\" # the town",
            "# site = \"Bench 1\"",
            "method = \"zero\"   # fast",
        ] {
            assert!(text.contains(kept), "{kept:?} lost:\n{text}");
        }
        let config = Config::load(&path).unwrap();
        assert_eq!(config.station.site.as_deref(), Some("Bench 2"));
        assert_eq!(
            config.station.keymap.as_deref(),
            Some("de-latin1-nodeadkeys")
        );
        assert_eq!(config.station.operator.as_deref(), Some("Erika"));
        assert_eq!(
            config.registry.url.as_deref(),
            Some("https://registry.example")
        );
        assert!(missing(&config, true).is_empty());
        forget_token(&path).unwrap();
        let config = Config::load(&path).unwrap();
        assert_eq!(config.registry.enrol_token, None);
        assert_eq!(missing(&config, true), [Question::EnrolToken]);
    }

    #[test]
    fn bad_answers_write_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("tabula.toml");
        std::fs::write(&path, ADMIN).unwrap();
        for bad in [
            Answer::new(Question::Site, "   "),
            Answer::new(Question::RegistryUrl, "registry.example"),
            Answer::new(Question::Operator, "a\nb"),
            Answer::new(Question::Keymap, "dvorak-programmer"),
            Answer::new(Question::Keymap, ""),
        ] {
            assert!(write(&path, std::slice::from_ref(&bad)).is_err(), "{bad:?}");
        }
        assert_eq!(std::fs::read_to_string(&path).unwrap(), ADMIN);
    }

    #[test]
    fn a_broken_file_is_not_rewritten() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("tabula.toml");
        std::fs::write(&path, "[station\n").unwrap();
        let err = write(&path, &[Answer::new(Question::Site, "x")]).unwrap_err();
        assert!(err.to_string().contains("not valid TOML"), "{err}");
        std::fs::write(&path, "station = 3\n").unwrap();
        let err = write(&path, &[Answer::new(Question::Site, "x")]).unwrap_err();
        assert!(err.to_string().contains("not a table"), "{err}");
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "station = 3\n");
    }

    #[test]
    fn a_missing_file_is_created() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("tabula.toml");
        write(&path, &[Answer::new(Question::Organisation, "Lecos")]).unwrap();
        let config = Config::load(&path).unwrap();
        assert_eq!(config.station.organisation.as_deref(), Some("Lecos"));
    }

    #[test]
    fn the_keymap_is_asked_first_with_the_rest_and_never_alone() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("tabula.toml");
        let complete =
            "[station]\norganisation = \"Lecos\"\nsite = \"Halle 2\"\noperator = \"Erika\"\n";
        std::fs::write(&path, complete).unwrap();
        let config = Config::load(&path).unwrap();
        assert_eq!(missing(&config, false), [], "German by default, not a gap");
        assert_eq!(
            missing(&config, true),
            [
                Question::Keymap,
                Question::RegistryUrl,
                Question::EnrolToken
            ]
        );
        write(&path, &[Answer::new(Question::Keymap, "us")]).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.starts_with(complete), "{text}");
        assert!(text.contains("keymap = \"us\""), "{text}");
        let config = Config::load(&path).unwrap();
        assert_eq!(config.station.keymap.as_deref(), Some("us"));
        assert_eq!(
            missing(&config, true),
            [Question::RegistryUrl, Question::EnrolToken],
            "a keymap in tabula.toml is not asked"
        );
        let err = write(&path, &[Answer::new(Question::Keymap, "klingon")]).unwrap_err();
        assert!(err.to_string().contains("keyboard layouts"), "{err}");
        assert_eq!(Question::Keymap.key(), ("station", "keymap"));
        assert_eq!(Question::Keymap.option(), None);
        assert_eq!(Question::Site.option(), Some("--site"));
    }
}
