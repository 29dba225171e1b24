//! Die Fehler des Löschwerks auf Deutsch (die Wörter der Station, wie im Zertifikat).

use super::Engine;

pub const ENGINE: Engine = Engine {
    failure: tabula_station::remarks::failure_de,
    target: tabula_station::remarks::target_sentence_de,
    operation: |op| tabula_station::remarks::op_de(op).to_owned(),
    not_resumed: |id, reason| {
        format!(
            "Löschung {id} nicht fortgesetzt: {reason}; ihr Journal bleibt für ein späteres \
             `tabula resume`"
        )
    },
};
