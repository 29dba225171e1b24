//! Write the sample certificate as `sample.tabula.json` and `sample.pdf` into a directory,
//! to look at the layout: `cargo run -p tabula-certificate --example sample_pdf -- DIR`.

use std::path::PathBuf;

use tabula_certificate::{Bundle, PdfOptions, StationKey, render_pdf, sample};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = PathBuf::from(std::env::args().nth(1).unwrap_or_else(|| ".".into()));
    let key = StationKey::from_seed(&[5; 32]);
    let cert = sample::certificate(&key);
    let bundle = Bundle::sign(&cert, sample::audit(), &key)?;
    bundle.write_atomic(&dir.join("sample.tabula.json"))?;
    let pdf = render_pdf(
        &cert,
        &PdfOptions::with_registry_url("https://registry.example"),
    )?;
    std::fs::write(dir.join("sample.pdf"), pdf)?;
    // A failed certificate with many drives, to see page breaks.
    let mut many = cert.clone();
    let drive = many.drives[1].clone();
    many.drives = (0..9).map(|_| drive.clone()).collect();
    many.result = tabula_certificate::Status::Failed;
    let pdf = render_pdf(&many, &PdfOptions::default())?;
    std::fs::write(dir.join("many.pdf"), pdf)?;
    Ok(())
}
