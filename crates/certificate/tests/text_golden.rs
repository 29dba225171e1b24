//! The English plain text (`tabula cert show`'s body, [`render_text`]) against a golden file,
//! so a change of its words or layout shows up in review. The sample certificate with every
//! optional part: a continued wipe, a firmware erase, hidden sectors, error ranges, passes.
//! After an intended change: `TABULA_BLESS=1 cargo test -p tabula-certificate --test
//! text_golden`, then review the diff.

#![allow(clippy::unwrap_used)]

use std::path::PathBuf;

use tabula_certificate::{HiddenSectors, StationKey, render_text, sample};

#[test]
fn english_text_matches_its_golden_file() {
    let key = StationKey::from_seed(&[1; 32]);
    let id = uuid::Uuid::parse_str("019a0000-0000-7000-8000-000000000001").unwrap();
    let mut cert = sample::certificate_with_id(&key, id);
    cert.continues = Some(uuid::Uuid::parse_str("019a0000-0000-7000-8000-000000000000").unwrap());
    cert.drives[0].firmware_erase = Some(sample::firmware_erase());
    let hidden = cert.drives[1].hidden_areas.as_mut().unwrap();
    hidden.before = Some(HiddenSectors {
        visible: 976_771_055,
        ..HiddenSectors::default()
    });
    let text = render_text(&cert);
    let golden = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/text/sample.txt");
    if std::env::var_os("TABULA_BLESS").is_some() {
        std::fs::write(&golden, &text).unwrap();
    }
    let expected = std::fs::read_to_string(&golden).unwrap();
    assert!(
        text == expected,
        "differs from {}:\n{text}",
        golden.display()
    );
}
