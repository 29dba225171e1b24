//! Die Gründe der Bibliotheken auf Deutsch.

use super::Reasons;

pub const REASONS: Reasons = Reasons {
    exclusion: tabula_station::remarks::exclusion_de,
    note: |n| tabula_station::remarks::note_de(n, &crate::i18n::clock::local_zone()),
};
