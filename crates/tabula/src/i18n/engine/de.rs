//! Die Fehler des Löschwerks auf Deutsch (die Wörter der Station, wie im Zertifikat).

use super::Engine;

pub const ENGINE: Engine = Engine {
    failure: tabula_station::remarks::failure_de,
};
