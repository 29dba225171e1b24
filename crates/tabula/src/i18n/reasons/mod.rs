//! The library crates' typed reasons in words: why a drive is not wiped
//! (`tabula_device::Exclusion`). The libraries stay language-free; a block of its own in both
//! catalogues ([`de::REASONS`], [`en::REASONS`]).

pub mod de;
pub mod en;

use tabula_device::Exclusion;

#[derive(Debug)]
pub struct Reasons {
    /// One reason a drive is excluded (or wiped only when named).
    pub exclusion: fn(&Exclusion) -> String,
}

/// Reasons joined with "; " in the current language.
pub fn exclusions(reasons: &[Exclusion]) -> String {
    let words = super::t().reasons.exclusion;
    reasons.iter().map(words).collect::<Vec<_>>().join("; ")
}
