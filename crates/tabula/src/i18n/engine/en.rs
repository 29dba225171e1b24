//! The wipe engine's failures in English (the station's words, as in the certificate).

use tabula_wipe::target::TargetError;

use super::Engine;

pub const ENGINE: Engine = Engine {
    failure: tabula_station::remarks::failure_en,
    // The system's words follow as the next cause (the error's own text repeats them).
    target: |e| match e {
        TargetError::Io { path, .. } => format!("{}: I/O error", path.display()),
        other => other.to_string(),
    },
    operation: |op| tabula_wipe::auto::describe(op).to_owned(),
    not_resumed: |id, reason| {
        tabula_station::job::NotResumed {
            id: id.to_owned(),
            reason: reason.to_owned(),
        }
        .to_string()
    },
};
