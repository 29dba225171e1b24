//! The wipe engine's failures in English (the station's words, as in the certificate).

use super::Engine;

pub const ENGINE: Engine = Engine {
    failure: tabula_station::remarks::failure_en,
};
