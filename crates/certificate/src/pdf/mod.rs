//! The human-readable certificate: an A4 PDF in German and English.
//!
//! One page normally; more only when many drives do not fit. The result is set in large type,
//! times are local (Europe/Berlin unless told otherwise), the audit's fitness grade for school
//! use and the Windows licence state come from the attached audit, the station's key
//! fingerprint is printed, and a QR code (readable from a 50 dpi print) links to the
//! certificate's page in the registry. Fonts are embedded (DejaVu Sans, subset) with a ToUnicode map, so umlauts render
//! and text extraction (`pdftotext`) gives back the fields. The PDF is a rendering: the signed
//! bundle stays authoritative, and the PDF says so.

mod facts;
mod font;
use crate::bilingual as labels;
mod page;
mod qr;
mod reasons;
mod sheet;

use crate::bundle::Bundle;
use crate::local::LocalZone;
use crate::schema::Certificate;

/// Errors rendering a PDF.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PdfError {
    /// The embedded font could not be parsed.
    #[error("embedded font is unusable: {0}")]
    Font(#[source] ttf_parser::FaceParsingError),
    /// The embedded font could not be subset.
    #[error("cannot subset the embedded font: {0}")]
    Subset(#[source] subsetter::Error),
    /// The QR code could not be built (the link is too long).
    #[error("cannot build the QR code: {0}")]
    Qr(#[source] qrcode::types::QrError),
}

/// Options for [`render_pdf`].
#[derive(Debug, Clone, Default, PartialEq)]
#[non_exhaustive]
pub struct PdfOptions {
    /// Base URL of the registry (e.g. `https://registry.example/`); the QR code links to
    /// `<url>/certificates/<id>`. Without it, the QR code holds the certificate id alone.
    pub registry_url: Option<String>,
    /// The audit document the bundle carries: fitness grade and Windows licence come from it.
    pub audit: Option<serde_json::Value>,
    /// The zone times are shown in (default Europe/Berlin).
    pub zone: LocalZone,
}

impl PdfOptions {
    /// Options with a registry URL.
    pub fn with_registry_url(url: impl Into<String>) -> Self {
        Self {
            registry_url: Some(url.into()),
            ..Self::default()
        }
    }

    /// These options with the audit document attached to the certificate.
    pub fn with_audit(mut self, audit: serde_json::Value) -> Self {
        self.audit = Some(audit);
        self
    }

    /// These options with times shown in `zone`.
    pub fn with_zone(mut self, zone: LocalZone) -> Self {
        self.zone = zone;
        self
    }

    /// Options for a bundle: its audit, and the registry URL from its receipt
    /// (`receipt.registry_url`) if present, else `fallback` (e.g. a `--registry-url` flag),
    /// else none.
    pub fn for_bundle(bundle: &Bundle, fallback: Option<&str>) -> Self {
        let from_receipt = bundle
            .receipt
            .as_ref()
            .and_then(|r| r.get("registry_url"))
            .and_then(|u| u.as_str())
            .filter(|u| !u.is_empty());
        Self {
            registry_url: from_receipt.or(fallback).map(str::to_owned),
            audit: Some(bundle.audit.clone()),
            ..Self::default()
        }
    }

    /// What the QR code encodes for `cert`.
    pub fn link(&self, cert: &Certificate) -> String {
        match &self.registry_url {
            Some(url) => format!("{}/certificates/{}", url.trim_end_matches('/'), cert.id),
            None => cert.id.to_string(),
        }
    }
}

/// Render `cert` as a PDF (A4, German and English).
pub fn render_pdf(cert: &Certificate, options: &PdfOptions) -> Result<Vec<u8>, PdfError> {
    sheet::render(cert, options)
}
