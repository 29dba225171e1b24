//! `tabula cert show|pdf|export FILE`: read a certificate bundle, print it, render its PDF, or
//! write its plain parts for OpenSSL.

use std::path::PathBuf;

use anyhow::Context;
use tabula_certificate::{Bundle, render_text_with};

use super::Outcome;
use crate::i18n::{Language, language, t};

/// Show, render or export a certificate bundle.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    pub command: CertCommand,
}

#[derive(Debug, clap::Subcommand)]
pub enum CertCommand {
    /// Print a certificate readably, with its signature verdict (embedded key).
    Show {
        /// Certificate bundle (`<id>.tabula.json`).
        file: PathBuf,
    },
    /// Render a certificate as an A4 PDF (German and English) with a QR code to the registry.
    Pdf {
        /// Certificate bundle (`<id>.tabula.json`).
        file: PathBuf,
        /// Output PDF file.
        #[arg(long, value_name = "PDF")]
        out: PathBuf,
        /// Registry base URL for the QR code, when the bundle has no receipt naming one.
        #[arg(long, value_name = "URL", env = "TABULA_REGISTRY_URL")]
        registry_url: Option<String>,
    },
    /// Write cert.json, pae.bin, sig.bin, station.pem and audit.json for verification with
    /// OpenSSL alone (see docs/verify.md).
    Export {
        /// Certificate bundle (`<id>.tabula.json`).
        file: PathBuf,
        /// Output directory.
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
    },
}

pub fn run(args: Args) -> anyhow::Result<Outcome> {
    match args.command {
        CertCommand::Show { file } => show(&file),
        CertCommand::Pdf {
            file,
            out,
            registry_url,
        } => pdf(&file, &out, registry_url.as_deref()),
        CertCommand::Export { file, out } => export(&file, &out),
    }
}

fn read(file: &std::path::Path) -> anyhow::Result<Bundle> {
    Bundle::read(file).with_context(|| file.display().to_string())
}

fn show(file: &std::path::Path) -> anyhow::Result<Outcome> {
    let tc = &t().commands.cert;
    let bundle = read(file)?;
    let (verdict, outcome) = match tabula_certificate::verify(&bundle, None) {
        Ok(v) => ((tc.valid)(&super::verify::key_note(&v)), Outcome::Success),
        Err(err) => {
            let why = crate::i18n::faults::localized(&err).unwrap_or_else(|| err.to_string());
            ((tc.not_valid)(&why), Outcome::Failure)
        }
    };
    let cert = bundle.certificate().context(tc.decoding)?;
    let erasure = tabula_certificate::Erasure::of(&cert);
    let erasure = match language() {
        Language::De => erasure.label_de(),
        Language::En => erasure.label_en(),
    };
    let [erasure_label, signature_label, registry_label] = tc.labels;
    let words = &t().certificate;
    let width = words.width;
    println!("{erasure_label:<width$} {}", erasure.to_lowercase());
    println!("{signature_label:<width$} {verdict}");
    println!(
        "{registry_label:<width$} {}",
        if bundle.receipt.is_some() {
            tc.receipt_attached
        } else {
            tc.not_registered
        }
    );
    print!("{}", render_text_with(&cert, words));
    Ok(outcome)
}

fn pdf(
    file: &std::path::Path,
    out: &std::path::Path,
    registry_url: Option<&str>,
) -> anyhow::Result<Outcome> {
    let bundle = read(file)?;
    let tc = &t().commands.cert;
    let verified = tabula_certificate::verify(&bundle, None)
        .with_context(|| (tc.refuse_pdf)(&file.display().to_string()))?;
    let options = tabula_certificate::PdfOptions::for_bundle(&bundle, registry_url);
    let bytes = tabula_certificate::render_pdf(&verified.certificate, &options)?;
    tabula_certificate::write_atomic(out, &bytes)
        .with_context(|| (tc.writing)(&out.display().to_string()))?;
    println!("{}", (tc.wrote)(&out.display().to_string()));
    Ok(Outcome::Success)
}

fn export(file: &std::path::Path, out: &std::path::Path) -> anyhow::Result<Outcome> {
    let bundle = read(file)?;
    let files = tabula_certificate::export(&bundle, out)?;
    for path in [
        &files.cert,
        &files.pae,
        &files.sig,
        &files.station_key,
        &files.audit,
    ] {
        println!("{}", (t().commands.cert.wrote)(&path.display().to_string()));
    }
    println!("{}", t().commands.cert.check_with);
    Ok(Outcome::Success)
}
