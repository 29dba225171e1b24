//! Embedded TrueType fonts for the PDF: DejaVu Sans (shipped in `fonts/`, see its LICENSE),
//! subset to the glyphs used and written as a CID-keyed Type 0 font with a ToUnicode map, so
//! any text (umlauts included) renders and `pdftotext` extracts it.

use std::collections::BTreeMap;

use pdf_writer::types::{CidFontType, FontFlags, SystemInfo, UnicodeCmap};
use pdf_writer::{Chunk, Finish, Name, Rect, Ref, Str};
use subsetter::GlyphRemapper;

use super::PdfError;

const REGULAR: &[u8] = include_bytes!("../../fonts/DejaVuSans.ttf");
const BOLD: &[u8] = include_bytes!("../../fonts/DejaVuSans-Bold.ttf");

/// Which of the two faces.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Weight {
    Regular,
    Bold,
}

/// One font face with the glyphs used so far.
pub(crate) struct Font {
    data: &'static [u8],
    face: ttf_parser::Face<'static>,
    base_name: &'static str,
    fallback: u16,
    remapper: GlyphRemapper,
    /// New glyph id -> the character it was first used for (for ToUnicode).
    unicode: BTreeMap<u16, char>,
    /// New glyph id -> original glyph id.
    original: BTreeMap<u16, u16>,
}

impl std::fmt::Debug for Font {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Font")
            .field("base_name", &self.base_name)
            .field("glyphs", &self.original.len())
            .finish_non_exhaustive()
    }
}

impl Font {
    pub(crate) fn new(weight: Weight) -> Result<Self, PdfError> {
        let (data, base_name) = match weight {
            Weight::Regular => (REGULAR, "TABULA+DejaVuSans"),
            Weight::Bold => (BOLD, "TABULB+DejaVuSans-Bold"),
        };
        let face = ttf_parser::Face::parse(data, 0).map_err(PdfError::Font)?;
        let fallback = face.glyph_index('?').map_or(0, |g| g.0);
        Ok(Self {
            data,
            face,
            base_name,
            fallback,
            remapper: GlyphRemapper::new(),
            unicode: BTreeMap::new(),
            original: BTreeMap::new(),
        })
    }

    fn glyph(&self, c: char) -> u16 {
        self.face.glyph_index(c).map_or(self.fallback, |g| g.0)
    }

    /// Width of `text` at `size` points, in points.
    pub(crate) fn width(&self, text: &str, size: f32) -> f32 {
        let units: u32 = text
            .chars()
            .map(|c| {
                u32::from(
                    self.face
                        .glyph_hor_advance(ttf_parser::GlyphId(self.glyph(c)))
                        .unwrap_or(0),
                )
            })
            .sum();
        units as f32 * size / f32::from(self.face.units_per_em())
    }

    /// The content-stream bytes of `text` (two-byte CIDs) and note the glyphs as used.
    pub(crate) fn encode(&mut self, text: &str) -> Vec<u8> {
        let mut out = Vec::with_capacity(text.len() * 2);
        for c in text.chars() {
            // A character the font lacks is drawn (and extracted) as '?'.
            let (old, c) = match self.face.glyph_index(c) {
                Some(g) => (g.0, c),
                None => (self.fallback, '?'),
            };
            let new = self.remapper.remap(old);
            self.original.entry(new).or_insert(old);
            self.unicode.entry(new).or_insert(c);
            out.extend_from_slice(&new.to_be_bytes());
        }
        out
    }

    /// Write the font objects; `ids` gives five fresh references (Type 0, CID font,
    /// descriptor, ToUnicode, font file). Returns the Type 0 font's reference.
    pub(crate) fn write(&self, chunk: &mut Chunk, ids: [Ref; 5]) -> Result<Ref, PdfError> {
        let [type0, cid, descriptor, cmap, file] = ids;
        let scale = 1000.0 / f32::from(self.face.units_per_em());
        let system_info = SystemInfo {
            registry: Str(b"Adobe"),
            ordering: Str(b"Identity"),
            supplement: 0,
        };
        let base = Name(self.base_name.as_bytes());

        chunk
            .type0_font(type0)
            .base_font(base)
            .encoding_predefined(Name(b"Identity-H"))
            .descendant_font(cid)
            .to_unicode(cmap);

        let widths: Vec<f32> = (0..self.remapper.num_gids())
            .map(|new| {
                let old = self.original.get(&new).copied().unwrap_or(0);
                let advance = self
                    .face
                    .glyph_hor_advance(ttf_parser::GlyphId(old))
                    .unwrap_or(0);
                f32::from(advance) * scale
            })
            .collect();
        let mut cid_font = chunk.cid_font(cid);
        cid_font
            .subtype(CidFontType::Type2)
            .base_font(base)
            .system_info(system_info)
            .font_descriptor(descriptor)
            .default_width(0.0)
            .cid_to_gid_map_predefined(Name(b"Identity"));
        cid_font.widths().consecutive(0, widths);
        cid_font.finish();

        let bbox = self.face.global_bounding_box();
        chunk
            .font_descriptor(descriptor)
            .name(base)
            .flags(FontFlags::NON_SYMBOLIC)
            .bbox(Rect::new(
                f32::from(bbox.x_min) * scale,
                f32::from(bbox.y_min) * scale,
                f32::from(bbox.x_max) * scale,
                f32::from(bbox.y_max) * scale,
            ))
            .italic_angle(0.0)
            .ascent(f32::from(self.face.ascender()) * scale)
            .descent(f32::from(self.face.descender()) * scale)
            .cap_height(f32::from(self.face.capital_height().unwrap_or(0)) * scale)
            .stem_v(80.0)
            .font_file2(file);

        let mut unicode = UnicodeCmap::new(Name(b"Tabula-UTF16"), system_info);
        for (&gid, &c) in &self.unicode {
            unicode.pair(gid, c);
        }
        let cmap_bytes = unicode.finish();
        chunk
            .cmap(cmap, &cmap_bytes)
            .name(Name(b"Tabula-UTF16"))
            .system_info(system_info);

        let subset = subsetter::subset(self.data, 0, &self.remapper).map_err(PdfError::Subset)?;
        chunk.stream(file, &subset);
        Ok(type0)
    }
}
