//! Enrolment: registers the station's public key with the registry using a one-time token and
//! pins the log's verifier key next to the station key. `tabula enroll` and the first-boot setup
//! share it.

use std::path::{Path, PathBuf};

use tabula_certificate::PublicKey;

use super::answers;
use super::{AnswerProblem, Question, SetupError};
use crate::client::RegistryClient;
use crate::config::Config;
use crate::datadir::{DataDir, write_atomic};
use crate::error::{Error, Refusal, Result};
use crate::outbox::LOG_KEY_FILE;
use crate::transport::Transport;

/// What the registry recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Enrolled {
    /// The station's name in the registry.
    pub name: String,
    /// The station key's fingerprint (`sha256:...`), to compare with the registry's list.
    pub fingerprint: String,
    pub log_origin: String,
    /// Where the log's key was pinned.
    pub log_key_file: PathBuf,
}

/// Enrols `key` with the registry at `registry` and writes the log's key to `log_key_out`.
pub fn enrol_key(
    registry: &str,
    transport: &Transport,
    token: &str,
    key: &PublicKey,
    log_key_out: &Path,
) -> Result<Enrolled> {
    let pem = key.to_pem().map_err(|source| Error::Key {
        path: log_key_out.to_owned(),
        source,
    })?;
    let client = RegistryClient::new(registry, transport)?;
    let enrolment = client.enroll(token.trim(), &pem)?;
    write_atomic(
        log_key_out,
        format!("{}\n", enrolment.log_public_key).as_bytes(),
    )?;
    Ok(Enrolled {
        name: enrolment.station.name,
        fingerprint: enrolment
            .station
            .fingerprint
            .unwrap_or_else(|| key.fingerprint()),
        log_origin: enrolment.log_origin,
        log_key_file: log_key_out.to_owned(),
    })
}

/// Enrols the station in `data` with the registry URL and token of its configuration (read from
/// `config_path`), creating the station key if it has none; then removes the used token from the
/// file.
pub fn enrol_station(data: &DataDir, config_path: &Path, config: &Config) -> Result<Enrolled> {
    let url = Question::RegistryUrl
        .current(config)
        .ok_or(Refusal::NoRegistry)?;
    let token = Question::EnrolToken
        .current(config)
        .ok_or(SetupError::BadAnswer {
            question: "enrol_token",
            problem: AnswerProblem::NoToken,
        })?;
    let key = data.station_key()?.public();
    let enrolled = enrol_key(
        url,
        &config.registry.transport(),
        token,
        &key,
        &data.keys().join(LOG_KEY_FILE),
    )?;
    answers::forget_token(config_path)?;
    Ok(enrolled)
}
