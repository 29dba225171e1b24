//! Errors in the chosen language at the command line's edge: the station's typed refusals,
//! configuration errors and registry client errors through the catalogue, every other cause as
//! the library words it. A registry that cannot be reached, times out or fails TLS reads as one
//! sentence and the system's own words for the cause (the HTTP library's layers between are
//! left out).

use std::error::Error as StdError;

use tabula_station::Refusal;
use tabula_station::client::ClientError;
use tabula_station::config::ConfigError;
use tabula_station::transport::TransportError;

use tabula_wipe::target::{TargetError, TargetFault};

use crate::i18n::reasons::exclusions;
use crate::i18n::t;

/// `err` and its causes, joined with ": " as `anyhow`'s `{:#}` does, each in the chosen
/// language where the catalogue knows it.
pub fn describe(err: &(dyn StdError + 'static)) -> String {
    let mut parts = Vec::new();
    let mut cause = Some(err);
    while let Some(c) = cause {
        if let Some(words) = network(c) {
            parts.push(words);
            let root = std::iter::successors(c.source(), |e| (*e).source()).last();
            parts.extend(root.map(ToString::to_string));
            break;
        }
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

/// Why a drive checked before confirmation will fail, in the chosen language: its typed
/// refusal, else the English words it was planned with.
pub fn preflight(reason: &str, error: Option<&TargetFault>) -> String {
    error.map_or_else(|| reason.to_owned(), |e| describe(e.0.as_ref()))
}

/// The registry client's error of `cause` (itself, or inside the station's error).
fn client_error<'a>(cause: &'a (dyn StdError + 'static)) -> Option<&'a ClientError> {
    cause.downcast_ref::<ClientError>().or_else(|| {
        match cause.downcast_ref::<tabula_station::Error>()? {
            tabula_station::Error::Registry(c) => Some(c),
            _ => None,
        }
    })
}

/// The network failed on the way to the registry: the sentence before the system's words.
fn network(cause: &(dyn StdError + 'static)) -> Option<String> {
    let tc = &t().client;
    Some(match client_error(cause)? {
        ClientError::Unreachable { base, .. } => (tc.unreachable)(base),
        ClientError::Timeout { base, .. } => (tc.timeout)(base),
        ClientError::Tls { base, problem, .. } => (tc.tls)(base, &(tc.tls_problem)(*problem)),
        _ => return None,
    })
}

/// One cause in words, if it is one the catalogue words.
fn localized(cause: &(dyn StdError + 'static)) -> Option<String> {
    if let Some(c) = client_error(cause) {
        return client(c);
    }
    if let Some(e) = cause.downcast_ref::<TransportError>() {
        return Some(transport(e));
    }
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

/// A target that did not open: refused for the drive's exclusion reasons, or as the engine's
/// block words it.
fn target(e: &TargetError) -> Option<String> {
    Some(match e {
        TargetError::Excluded { path, reasons } => {
            (t().commands.errors.drive_excluded)(&path.display().to_string(), &exclusions(reasons))
        }
        other => (t().engine.target)(other),
    })
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

/// The command-line option that sets the configuration's `key` (`station.site`), if one does.
fn option_for(key: &str) -> Option<&'static str> {
    Some(match key {
        "station.organisation" => "--organisation",
        "station.site" => "--site",
        "station.operator" => "--operator",
        "wipe.method" => "--method",
        "registry.url" => "--registry",
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
            key,
            message,
        } => {
            let text = (te.config_invalid)(&path.display().to_string(), *line, message);
            match option_for(key) {
                Some(option) => (te.config_option)(&text, option),
                None => text,
            }
        }
        ConfigError::Method {
            path,
            method,
            suggestion,
        } => (te.config_method)(&path.display().to_string(), method, suggestion.as_deref()),
        ConfigError::Choice(c) => (te.config_invalid)(
            &c.path.display().to_string(),
            c.line,
            &(te.unknown_value)(
                &c.key,
                &c.value,
                c.suggestion.as_deref(),
                &c.expected.join(", "),
            ),
        ),
        ConfigError::Timezone { path, name } => {
            (te.config_timezone)(&path.display().to_string(), name)
        }
        ConfigError::Fitness { path, .. } => (te.config_fitness)(&path.display().to_string()),
    })
}

/// A registry client error that is not the network's (see [`network`]).
fn client(c: &ClientError) -> Option<String> {
    let tc = &t().client;
    Some(match c {
        ClientError::Transport(e) => transport(e),
        ClientError::Refused(r) => (tc.refused)(r.status, &r.code, &r.message),
        ClientError::Unexpected { status, body } => (tc.unexpected)(*status, body),
        ClientError::Answer { what, .. } => (tc.answer)(what),
        ClientError::LogKey { what, .. } => (tc.log_key)(what),
        ClientError::LogKeyFile { path, .. } => (tc.log_key_file)(&path.display().to_string()),
        ClientError::NoReceipt => tc.no_receipt.to_owned(),
        ClientError::MalformedReceipt(_) => tc.malformed_receipt.to_owned(),
        ClientError::Receipt(_) => tc.receipt.to_owned(),
        ClientError::Checkpoint(_) => tc.checkpoint.to_owned(),
        ClientError::Rollback { now, then } => (tc.rollback)(*now, *then),
        ClientError::Inconsistent(_) => tc.inconsistent.to_owned(),
        ClientError::Leaf(_) => tc.leaf.to_owned(),
        _ => return None,
    })
}

fn transport(e: &TransportError) -> String {
    let tc = &t().client;
    match e {
        TransportError::BadUrl(url) => (tc.bad_url)(url),
        TransportError::InsecureHttp(url) => (tc.insecure_http)(url),
        TransportError::CaFile { path, .. } => (tc.ca_file)(&path.display().to_string()),
        TransportError::CaPem { path, .. } => (tc.ca_pem)(&path.display().to_string()),
        TransportError::Build(_) => tc.build.to_owned(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use tabula_station::client::Refused;

    use super::*;
    use crate::i18n::{Language, set_thread_language};

    #[test]
    fn registry_answers_read_in_the_language() {
        let refused = tabula_station::Error::Registry(ClientError::Refused(Refused {
            status: 403,
            code: "station-revoked".into(),
            message: "this station's key was revoked".into(),
        }));
        let rollback = ClientError::Rollback { now: 3, then: 7 };
        set_thread_language(Language::De);
        assert_eq!(
            describe(&refused),
            "vom Zertifikatsregister abgelehnt (Status 403, station-revoked): this station's key \
             was revoked"
        );
        assert!(describe(&rollback).starts_with(
            "ROLLBACK: der aktuelle Baum des Zertifikatsregisters (Größe 3) ist kleiner"
        ));
        set_thread_language(Language::En);
        assert_eq!(
            describe(&refused),
            "registry refused (403, station-revoked): this station's key was revoked"
        );
        assert_eq!(describe(&rollback), rollback.to_string());
    }

    #[test]
    fn a_drive_that_does_not_open_reads_in_the_language_with_the_system_words_after() {
        let io = TargetError::Io {
            path: "/dev/sdb".into(),
            source: std::io::Error::from_raw_os_error(5),
        };
        let busy = TargetError::Busy {
            path: "/dev/sdc".into(),
        };
        let os = std::io::Error::from_raw_os_error(5).to_string();
        set_thread_language(Language::De);
        assert_eq!(describe(&io), format!("/dev/sdb: Ein-/Ausgabefehler: {os}"));
        assert!(
            describe(&busy).starts_with("/dev/sdc: in Gebrauch: der Kernel verweigert"),
            "{}",
            describe(&busy)
        );
        set_thread_language(Language::En);
        assert_eq!(describe(&io), format!("/dev/sdb: I/O error: {os}"));
        assert_eq!(describe(&busy), busy.to_string());
    }
}
