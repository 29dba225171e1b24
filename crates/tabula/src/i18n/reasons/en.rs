//! The library crates' reasons in English: their own `Display`.

use super::Reasons;

pub const REASONS: Reasons = Reasons {
    exclusion: |e| e.to_string(),
};
