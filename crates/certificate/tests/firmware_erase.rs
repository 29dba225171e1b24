//! The optional `firmware_erase` field of a drive record (issue 11): certificates without it
//! stay byte for byte what they were (the v1 golden fixtures check that), and one with it signs,
//! verifies, renders, and fails verification when what it says about the erase is changed.

#![allow(clippy::unwrap_used)]

use tabula_certificate::{
    Bundle, NistCategory, StationKey, jcs, render_pdf, render_text, sample, verify,
};

#[test]
fn absent_field_is_not_written() {
    let key = StationKey::from_seed(&[7; 32]);
    let cert = sample::certificate(&key);
    let json = String::from_utf8(jcs::to_vec(&cert).unwrap()).unwrap();
    assert!(!json.contains("firmware_erase"));
}

#[test]
fn a_certificate_with_a_firmware_erase_signs_verifies_and_detects_tampering() {
    let key = StationKey::from_seed(&[7; 32]);
    let mut cert = sample::erased_certificate(&key);
    cert.drives[0].firmware_erase = Some(sample::firmware_erase());
    cert.drives[0].method.nist_category = NistCategory::Purge;
    let bundle = Bundle::sign(&cert, sample::audit(), &key).unwrap();
    let verified = verify(&bundle, None).unwrap();
    assert_eq!(verified.certificate, cert);

    // Claim no canary survived on a drive where 3 did: the signature no longer matches.
    let mut claimed = cert.clone();
    let payload = String::from_utf8(jcs::to_vec(&claimed).unwrap()).unwrap();
    assert!(payload.contains(r#""survived":0"#));
    claimed.drives[0]
        .firmware_erase
        .as_mut()
        .unwrap()
        .canaries
        .as_mut()
        .unwrap()
        .survived = 3;
    let mut tampered = bundle.clone();
    tampered.envelope.payload = {
        use base64::Engine as _;
        base64::engine::general_purpose::STANDARD.encode(jcs::to_vec(&claimed).unwrap())
    };
    assert!(verify(&tampered, None).is_err());

    let text = render_text(&cert);
    assert!(text.contains("Canaries             64 written"), "{text}");
    assert!(text.contains("NIST SP 800-88       Purge"));
    let pdf = render_pdf(&cert, &Default::default()).unwrap();
    assert!(pdf.starts_with(b"%PDF"));
}

#[test]
fn none_reached_is_said_plainly() {
    assert_eq!(NistCategory::None.label(), "none reached");
    assert_eq!(
        serde_json::to_string(&NistCategory::None).unwrap(),
        "\"none\""
    );
}
