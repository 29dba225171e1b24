//! The library crates' reasons in English: their own `Display`.

use super::Reasons;

pub const REASONS: Reasons = Reasons {
    exclusion: |e| e.to_string(),
    note: |n| tabula_station::remarks::note_en(n, &crate::i18n::clock::local_zone()),
};
