//! `tabula --help` in the chosen language. English is the command line's own doc comments; German
//! is a table keyed by where a text sits in the command tree ([`de::HELP`]): `""` for the
//! program, `"wipe"` for a subcommand, `"cert show"` for a nested one, `"wipe --method"` for an
//! argument (by its id, `<ID>` for positionals). A test checks that the table and the tree have
//! the same keys, so a new option cannot ship without its German help.
//!
//! clap's own errors ("unexpected argument ...") are worded here too: their kind and the
//! argument they name, in the chosen language; clap's English after for the details.

mod de;

use std::error::Error as _;

use clap::error::{ContextKind, ContextValue};
use clap::{Arg, Command};

use super::{Language, language};

/// `cmd` with its help in the current language.
pub fn localized(cmd: Command) -> Command {
    match language() {
        Language::En => cmd,
        Language::De => german(cmd, ""),
    }
}

fn german(cmd: Command, path: &str) -> Command {
    let mut cmd = cmd
        .help_template(de::TEMPLATE)
        .subcommand_help_heading(de::COMMANDS)
        .subcommand_value_name(de::COMMAND)
        .disable_help_flag(true)
        .arg(
            Arg::new("help")
                .short('h')
                .long("help")
                .action(clap::ArgAction::Help)
                .help_heading(de::OPTIONS)
                .display_order(usize::MAX)
                .help(de::HELP_FLAG),
        );
    if let Some(about) = lookup(path) {
        cmd = cmd.about(about).long_about(None::<&str>);
    }
    if cmd.get_version().is_some() {
        cmd = cmd.disable_version_flag(true).arg(
            Arg::new("version")
                .short('V')
                .long("version")
                .action(clap::ArgAction::Version)
                .help_heading(de::OPTIONS)
                .display_order(usize::MAX)
                .help(de::VERSION_FLAG),
        );
    }
    let ids: Vec<String> = cmd
        .get_arguments()
        .filter(|a| !builtin(a))
        .map(|a| a.get_id().to_string())
        .collect();
    for id in ids {
        let key = arg_key(path, &cmd, &id);
        let text = lookup(&key);
        cmd = cmd.mut_arg(id.as_str(), |a| {
            let heading = if a.is_positional() {
                de::ARGUMENTS
            } else {
                de::OPTIONS
            };
            let a = a.help_heading(heading);
            match text {
                Some(t) if a.get_action().takes_values() => {
                    let t = format!("{t}{}", details(&a));
                    a.help(t)
                        .long_help(None::<&str>)
                        .hide_default_value(true)
                        .hide_possible_values(true)
                        .hide_env(true)
                }
                Some(t) => a.help(t).long_help(None::<&str>),
                None => a,
            }
        });
    }
    let names: Vec<String> = cmd
        .get_subcommands()
        .map(|s| s.get_name().to_owned())
        .collect();
    for name in names {
        let sub_path = join(path, &name);
        cmd = cmd.mut_subcommand(name.as_str(), |s| german(s, &sub_path));
    }
    cmd.disable_help_subcommand(true)
}

/// What clap appends to an argument's help in English ("[default: 60]"), in German.
fn details(arg: &Arg) -> String {
    let mut out = String::new();
    let values: Vec<String> = arg
        .get_possible_values()
        .iter()
        .filter(|v| !v.is_hide_set())
        .map(|v| v.get_name().to_owned())
        .collect();
    if !values.is_empty() && !arg.is_hide_possible_values_set() {
        out.push_str(&format!(" [{}: {}]", de::POSSIBLE, values.join(", ")));
    }
    let defaults: Vec<String> = arg
        .get_default_values()
        .iter()
        .map(|v| v.to_string_lossy().into_owned())
        .collect();
    if !defaults.is_empty() && !arg.is_hide_default_value_set() {
        out.push_str(&format!(" [{}: {}]", de::DEFAULT, defaults.join(", ")));
    }
    if let Some(env) = arg.get_env().filter(|_| !arg.is_hide_env_set()) {
        out.push_str(&format!(" [{}: {}]", de::ENV, env.to_string_lossy()));
    }
    out
}

/// The help flag and version flag clap adds, and the ones [`german`] adds instead.
fn builtin(arg: &Arg) -> bool {
    matches!(arg.get_id().as_str(), "help" | "version")
}

fn arg_key(path: &str, cmd: &Command, id: &str) -> String {
    let arg = cmd.get_arguments().find(|a| a.get_id() == id);
    let name = match arg.and_then(Arg::get_long) {
        Some(long) => format!("--{long}"),
        None => format!("<{}>", id.to_uppercase()),
    };
    join(path, &name)
}

fn join(path: &str, name: &str) -> String {
    if path.is_empty() {
        name.to_owned()
    } else {
        format!("{path} {name}")
    }
}

fn lookup(key: &str) -> Option<&'static str> {
    de::HELP
        .iter()
        .find(|(k, _)| *k == key)
        .map(|(_, text)| *text)
}

/// Every key of the command tree with its English text (for the catalogue test).
#[cfg(test)]
fn keys(cmd: &Command, path: &str, out: &mut Vec<(String, String)>) {
    let about = cmd.get_about().map(ToString::to_string).unwrap_or_default();
    out.push((path.to_owned(), about));
    for a in cmd.get_arguments().filter(|a| !builtin(a)) {
        let help = a.get_help().map(ToString::to_string).unwrap_or_default();
        out.push((arg_key(path, cmd, a.get_id().as_str()), help));
    }
    for s in cmd.get_subcommands().filter(|s| s.get_name() != "help") {
        keys(s, &join(path, s.get_name()), out);
    }
}

/// A command-line error in the current language: what went wrong, the argument clap names, its
/// suggestion and the usage line. `None`: clap's English as it is (English, or a kind not worded).
pub fn error(err: &clap::Error) -> Option<String> {
    if language() == Language::En {
        return None;
    }
    let text = |kind| match err.get(kind) {
        Some(ContextValue::String(s)) => s.clone(),
        Some(ContextValue::Strings(v)) => v.join(", "),
        Some(ContextValue::StyledStr(s)) => s.to_string(),
        Some(ContextValue::StyledStrs(v)) => v
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(", "),
        _ => String::new(),
    };
    let sentence = de::error(
        err.kind(),
        &text(ContextKind::InvalidArg),
        &text(ContextKind::InvalidValue),
    )?;
    let mut out = match err.source() {
        Some(why) => format!("Fehler: {sentence}: {why}\n"),
        None => format!("Fehler: {sentence}\n"),
    };
    for (kind, words) in [
        (ContextKind::SuggestedArg, de::SUGGESTED),
        (ContextKind::SuggestedSubcommand, de::SUGGESTED),
        (ContextKind::SuggestedValue, de::SUGGESTED),
        (ContextKind::ValidValue, de::VALID),
        (ContextKind::ValidSubcommand, de::VALID),
    ] {
        let found = text(kind);
        if !found.is_empty() {
            out.push_str(&format!("\n  {words}: {found}\n"));
        }
    }
    let usage = text(ContextKind::Usage);
    if let Some(line) = usage.trim().strip_prefix("Usage:") {
        out.push_str(&format!("\nAufruf:{line}\n"));
    }
    out.push_str(de::MORE);
    Some(out)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use clap::CommandFactory;

    use super::*;

    #[test]
    fn german_help_has_exactly_the_keys_of_the_command_tree() {
        let mut tree = Vec::new();
        keys(&crate::Cli::command(), "", &mut tree);
        let missing: Vec<_> = tree
            .iter()
            .filter(|(k, _)| lookup(k).is_none())
            .map(|(k, en)| format!("(\"{k}\", \"{en}\")"))
            .collect();
        assert!(
            missing.is_empty(),
            "no German help for:\n{}",
            missing.join("\n")
        );
        let stale: Vec<_> = de::HELP
            .iter()
            .filter(|(k, _)| !tree.iter().any(|(t, _)| t == k))
            .map(|(k, _)| *k)
            .collect();
        assert!(
            stale.is_empty(),
            "German help for keys not in the tree: {stale:?}"
        );
        let mut seen = std::collections::HashSet::new();
        assert!(de::HELP.iter().all(|(k, _)| seen.insert(*k)), "a key twice");
    }

    #[test]
    fn the_german_tree_builds_and_renders() {
        super::super::set_thread_language(Language::De);
        let mut cmd = localized(crate::Cli::command());
        cmd.build();
        let help = cmd.render_help().to_string();
        assert!(
            help.contains("Aufruf:") && help.contains("Befehle:"),
            "{help}"
        );
        assert!(
            !help.contains("Usage:") && !help.contains("Print help"),
            "{help}"
        );
        let wipe = cmd.find_subcommand_mut("wipe").unwrap();
        let help = wipe.render_help().to_string();
        assert!(
            help.contains("Optionen:") && help.contains("[Vorgabe: 60]"),
            "{help}"
        );
        assert!(
            !help.contains("Options:") && !help.contains("[default"),
            "{help}"
        );
    }

    #[test]
    fn command_line_mistakes_are_worded_in_german_with_the_suggestion() {
        super::super::set_thread_language(Language::De);
        let cmd = localized(crate::Cli::command());
        let err = cmd
            .clone()
            .try_get_matches_from(["tabula", "wipe", "--verfy", "all", "x"])
            .unwrap_err();
        let text = error(&err).unwrap();
        assert!(
            text.starts_with("Fehler: unbekanntes Argument '--verfy'")
                && text.contains("meinten Sie: --verify")
                && text.contains("Aufruf: tabula wipe"),
            "{text}"
        );
        let err = cmd
            .clone()
            .try_get_matches_from(["tabula", "wipe", "--stall-timeout", "abc", "x"])
            .unwrap_err();
        let text = error(&err).unwrap();
        assert!(
            text.starts_with("Fehler: ungültiger Wert 'abc' für --stall-timeout"),
            "{text}"
        );
        let err = cmd
            .clone()
            .try_get_matches_from(["tabula", "cert", "show"])
            .unwrap_err();
        assert!(
            error(&err)
                .unwrap()
                .contains("nötige Argumente fehlen: <FILE>")
        );
        // Help is not an error, and English keeps clap's words.
        let help = cmd.try_get_matches_from(["tabula", "--help"]).unwrap_err();
        assert!(!help.use_stderr());
        super::super::set_thread_language(Language::En);
        let err = crate::Cli::command()
            .try_get_matches_from(["tabula", "wpe"])
            .unwrap_err();
        assert!(error(&err).is_none());
    }
}
