//! The QR code, drawn as filled squares (no image, so it stays sharp at any zoom).

use pdf_writer::Content;
use qrcode::{Color, EcLevel, QrCode};

use super::PdfError;

/// Draw a QR code of `data` with its lower-left corner at (`x`, `y`) and side `size` points,
/// including the four-module quiet zone the standard asks for.
pub(crate) fn draw(
    content: &mut Content,
    data: &str,
    x: f32,
    y: f32,
    size: f32,
) -> Result<(), PdfError> {
    let code =
        QrCode::with_error_correction_level(data.as_bytes(), EcLevel::M).map_err(PdfError::Qr)?;
    let width = code.width();
    let quiet = 4;
    let module = size / (width + 2 * quiet) as f32;
    let colors = code.to_colors();
    content.save_state();
    content.set_fill_rgb(0.0, 0.0, 0.0);
    for row in 0..width {
        for col in 0..width {
            if colors[row * width + col] == Color::Dark {
                let mx = x + (col + quiet) as f32 * module;
                // Rows run top to bottom; PDF y runs bottom to top.
                let my = y + size - (row + quiet + 1) as f32 * module;
                // A hair of overlap avoids seams between modules in some viewers.
                content.rect(mx, my, module + 0.05, module + 0.05);
            }
        }
    }
    content.fill_nonzero();
    content.restore_state();
    Ok(())
}
