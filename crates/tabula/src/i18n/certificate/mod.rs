//! The words of `tabula cert show`: the certificate as text (its layout is the certificate
//! crate's, [`tabula_certificate::text::render_text_with`]). A block of its own in both
//! catalogues ([`de::WORDS`], [`en::WORDS`]); times are local ([`super::clock`]).

pub mod de;
pub mod en;

#[cfg(test)]
mod tests {
    use tabula_certificate::text::Words;

    /// Every label fits its column (the words' width for the certificate's facts and the lines
    /// `cert show` puts before them, 20 for a drive's), so the values line up.
    #[test]
    fn labels_fit_their_columns() {
        let check = |w: &Words| {
            for label in w.labels {
                assert!(label.chars().count() <= w.width, "{label}");
            }
            for label in w.drive_labels {
                assert!(label.chars().count() < 20, "{label}");
            }
            assert!((w.pass)("35/35").chars().count() < 20);
        };
        check(&super::de::WORDS);
        check(&super::en::WORDS);
        for lang in [super::super::Language::De, super::super::Language::En] {
            let t = super::super::text(lang);
            for label in t.commands.cert.labels {
                assert!(label.chars().count() <= t.certificate.width, "{label}");
            }
        }
    }
}
