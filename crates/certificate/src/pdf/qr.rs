//! The QR code, drawn as filled squares (no image, so it stays sharp at any zoom).
//!
//! It must decode from a print at 50 dpi (a cheap printer, a photocopy, a phone at arm's
//! length): error correction level L keeps the code small (a registry link fits version 4,
//! 33 modules), and each module is [`MODULE`] points, 2.5 pixels at 50 dpi.

use pdf_writer::Content;
use qrcode::{Color, EcLevel, QrCode};

use super::PdfError;

/// Side of one module in points (1/72 inch).
pub(crate) const MODULE: f32 = 3.6;
/// The quiet zone the standard asks for, in modules.
const QUIET: usize = 4;

/// A QR code ready to draw.
pub(crate) struct Qr {
    code: QrCode,
}

impl Qr {
    pub(crate) fn new(data: &str) -> Result<Self, PdfError> {
        let code = QrCode::with_error_correction_level(data.as_bytes(), EcLevel::L)
            .map_err(PdfError::Qr)?;
        Ok(Self { code })
    }

    /// Side of the drawn code in points, quiet zone included.
    pub(crate) fn side(&self) -> f32 {
        (self.code.width() + 2 * QUIET) as f32 * MODULE
    }

    /// Draw the code with its lower-left corner (quiet zone included) at (`x`, `y`).
    pub(crate) fn draw(&self, content: &mut Content, x: f32, y: f32) {
        let width = self.code.width();
        let size = self.side();
        let colors = self.code.to_colors();
        content.save_state();
        content.set_fill_rgb(0.0, 0.0, 0.0);
        for row in 0..width {
            for col in 0..width {
                if colors[row * width + col] == Color::Dark {
                    let mx = x + (col + QUIET) as f32 * MODULE;
                    // Rows run top to bottom; PDF y runs bottom to top.
                    let my = y + size - (row + QUIET + 1) as f32 * MODULE;
                    // A hair of overlap avoids seams between modules in some viewers.
                    content.rect(mx, my, MODULE + 0.05, MODULE + 0.05);
                }
            }
        }
        content.fill_nonzero();
        content.restore_state();
    }
}
