//! Errors in the chosen language at the command line's edge: the station's typed refusals and
//! configuration errors through the catalogue, every other cause as the library words it.

use std::error::Error as StdError;

use tabula_station::Refusal;
use tabula_station::config::ConfigError;

use tabula_wipe::target::TargetError;

use crate::i18n::reasons::exclusions;
use crate::i18n::t;

/// `err` and its causes, joined with ": " as `anyhow`'s `{:#}` does, each in the chosen
/// language where the catalogue knows it.
pub fn describe(err: &(dyn StdError + 'static)) -> String {
    let mut parts = Vec::new();
    let mut cause = Some(err);
    while let Some(c) = cause {
        if let Some(text) = crate::i18n::faults::localized(c) {
            // A worded fault says what its sources say.
            parts.push(text);
            break;
        }
        parts.push(localized(c).unwrap_or_else(|| c.to_string()));
        cause = c.source();
    }
    parts.join(": ")
}

/// One cause in words, if it is one the catalogue words.
fn localized(cause: &(dyn StdError + 'static)) -> Option<String> {
    if let Some(r) = cause.downcast_ref::<Refusal>() {
        return refusal(r);
    }
    if let Some(c) = cause.downcast_ref::<ConfigError>() {
        return config(c);
    }
    if let Some(e) = cause.downcast_ref::<TargetError>() {
        return target(e);
    }
    match cause.downcast_ref::<tabula_station::Error>()? {
        tabula_station::Error::Refused(r) => refusal(r),
        tabula_station::Error::Config(c) => config(c),
        tabula_station::Error::Target(e) => target(e),
        _ => None,
    }
}

/// A target refused for the drive's exclusion reasons (other target errors keep their words).
fn target(e: &TargetError) -> Option<String> {
    match e {
        TargetError::Excluded { path, reasons } => Some((t().commands.errors.drive_excluded)(
            &path.display().to_string(),
            &exclusions(reasons),
        )),
        _ => None,
    }
}

fn refusal(r: &Refusal) -> Option<String> {
    let te = &t().commands.errors;
    let path = |p: &std::path::Path| p.display().to_string();
    Some(match r {
        Refusal::UnknownMethod {
            name,
            suggestion,
            known,
        } => (te.unknown_method)(name, suggestion.as_deref(), known),
        Refusal::NoTargets => te.no_targets.to_owned(),
        Refusal::NoTargetsNamed => te.no_targets_named.to_owned(),
        Refusal::NamedTwice(p) => (te.named_twice)(&path(p)),
        Refusal::UnattendedDisabled => te.unattended_disabled.to_owned(),
        Refusal::NotAllowListed(p) => (te.not_allow_listed)(&path(p)),
        Refusal::Kept(p) => (te.kept)(&path(p)),
        Refusal::MissingIssuer { what, config } => (te.missing_issuer)(what, &path(config)),
        Refusal::NoRegistry => te.no_registry.to_owned(),
        Refusal::UnpinnedLogKey => te.unpinned_log_key.to_owned(),
        Refusal::DriveGone { path: p, serial } => (te.drive_gone)(&path(p), serial.as_deref()),
        Refusal::DriveExcluded { path: p, reasons } => {
            (te.drive_excluded)(&path(p), &exclusions(reasons))
        }
        _ => return None,
    })
}

fn config(c: &ConfigError) -> Option<String> {
    let te = &t().commands.errors;
    Some(match c {
        ConfigError::Read { path, .. } => (te.config_read)(&path.display().to_string()),
        ConfigError::Invalid {
            path,
            line,
            message,
        } => (te.config_invalid)(&path.display().to_string(), *line, message),
        ConfigError::Method { path, method } => {
            (te.config_method)(&path.display().to_string(), method)
        }
        ConfigError::Timezone { path, name } => {
            (te.config_timezone)(&path.display().to_string(), name)
        }
        ConfigError::Fitness { path, .. } => (te.config_fitness)(&path.display().to_string()),
    })
}
