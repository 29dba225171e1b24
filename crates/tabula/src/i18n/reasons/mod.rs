//! The library crates' typed reasons in words: why a drive is not wiped
//! (`tabula_device::Exclusion`), the wipe engine's notes (`tabula_wipe::note::Note`, worded by
//! the station, which writes them into certificates in both languages). The libraries stay language-free; a block of its own in both
//! catalogues ([`de::REASONS`], [`en::REASONS`]).

pub mod de;
pub mod en;

use tabula_device::Exclusion;
use tabula_wipe::note::Note;

#[derive(Debug)]
pub struct Reasons {
    /// One reason a drive is excluded (or wiped only when named).
    pub exclusion: fn(&Exclusion) -> String,
    /// A note of the wipe engine (stall, retry budget, ...), with local times.
    pub note: fn(&Note) -> String,
}

/// Reasons joined with "; " in the current language.
pub fn exclusions(reasons: &[Exclusion]) -> String {
    let words = super::t().reasons.exclusion;
    reasons.iter().map(words).collect::<Vec<_>>().join("; ")
}
