//! A small page-layout engine: A4 pages, a cursor running down the page, wrapped text in a
//! label/value grid, automatic page breaks, and a footer with "page i of n" on every page.

use pdf_writer::types::{ActionType, AnnotationType};
use pdf_writer::{Content, Finish, Name, Pdf, Rect, Ref, Str, TextStr};

use super::PdfError;
use super::font::{Font, Weight};

/// A4 in points.
pub(crate) const WIDTH: f32 = 595.28;
pub(crate) const HEIGHT: f32 = 841.89;
pub(crate) const LEFT: f32 = 48.0;
pub(crate) const RIGHT: f32 = WIDTH - 48.0;
pub(crate) const TOP: f32 = HEIGHT - 36.0;
/// Lowest y the body may use; the footer lives below.
pub(crate) const BOTTOM: f32 = 50.0;
/// Where values start in the label/value grid.
const VALUE_X: f32 = LEFT + 150.0;

const GREY: (f32, f32, f32) = (0.35, 0.35, 0.35);
const BLACK: (f32, f32, f32) = (0.0, 0.0, 0.0);

/// A link area on a page.
struct Link {
    page: usize,
    rect: Rect,
    uri: String,
}

/// The document being laid out.
pub(crate) struct Doc {
    regular: Font,
    bold: Font,
    pages: Vec<Content>,
    links: Vec<Link>,
    /// Current baseline position on the last page.
    pub(crate) y: f32,
}

impl Doc {
    pub(crate) fn new() -> Result<Self, PdfError> {
        Ok(Self {
            regular: Font::new(Weight::Regular)?,
            bold: Font::new(Weight::Bold)?,
            pages: vec![Content::new()],
            links: Vec::new(),
            y: TOP,
        })
    }

    fn font(&mut self, weight: Weight) -> (&mut Font, &'static [u8]) {
        match weight {
            Weight::Regular => (&mut self.regular, b"F1"),
            Weight::Bold => (&mut self.bold, b"F2"),
        }
    }

    pub(crate) fn width(&self, weight: Weight, text: &str, size: f32) -> f32 {
        match weight {
            Weight::Regular => self.regular.width(text, size),
            Weight::Bold => self.bold.width(text, size),
        }
    }

    /// The content stream of the current (last) page.
    pub(crate) fn content(&mut self) -> &mut Content {
        if self.pages.is_empty() {
            self.pages.push(Content::new());
        }
        let last = self.pages.len() - 1;
        &mut self.pages[last]
    }

    /// Draw one line of text with its baseline at (`x`, `y`) on the current page.
    pub(crate) fn text_at(
        &mut self,
        weight: Weight,
        size: f32,
        rgb: (f32, f32, f32),
        x: f32,
        y: f32,
        text: &str,
    ) {
        let page = self.pages.len().saturating_sub(1);
        self.text_on(page, weight, size, rgb, x, y, text);
    }

    #[allow(clippy::too_many_arguments)]
    fn text_on(
        &mut self,
        page: usize,
        weight: Weight,
        size: f32,
        rgb: (f32, f32, f32),
        x: f32,
        y: f32,
        text: &str,
    ) {
        let (font, name) = self.font(weight);
        let encoded = font.encode(text);
        let Some(content) = self.pages.get_mut(page) else {
            return;
        };
        content.begin_text();
        content.set_fill_rgb(rgb.0, rgb.1, rgb.2);
        content.set_font(Name(name), size);
        content.next_line(x, y);
        content.show(Str(&encoded));
        content.end_text();
    }

    /// Greedy word wrap of `text` into lines no wider than `width`; words wider than a line
    /// are broken between characters (fingerprints, long serials).
    pub(crate) fn wrap(&self, weight: Weight, text: &str, size: f32, width: f32) -> Vec<String> {
        let mut lines = Vec::new();
        for paragraph in text.split('\n') {
            let mut line = String::new();
            for word in paragraph.split(' ') {
                let candidate = if line.is_empty() {
                    word.to_owned()
                } else {
                    format!("{line} {word}")
                };
                if self.width(weight, &candidate, size) <= width {
                    line = candidate;
                    continue;
                }
                if !line.is_empty() {
                    lines.push(std::mem::take(&mut line));
                }
                for c in word.chars() {
                    let mut next = line.clone();
                    next.push(c);
                    if !line.is_empty() && self.width(weight, &next, size) > width {
                        lines.push(std::mem::take(&mut line));
                        line.push(c);
                    } else {
                        line = next;
                    }
                }
            }
            lines.push(line);
        }
        lines
    }

    /// Start a new page if less than `height` points are left above the bottom margin.
    pub(crate) fn ensure(&mut self, height: f32) {
        if self.y - height < BOTTOM {
            self.pages.push(Content::new());
            self.y = TOP;
        }
    }

    /// A section heading with a rule under it.
    pub(crate) fn heading(&mut self, text: &str) {
        self.ensure(40.0);
        self.y -= 12.0;
        let y = self.y;
        self.text_at(Weight::Bold, 10.0, BLACK, LEFT, y, text);
        let content = self.content();
        content.save_state();
        content.set_stroke_rgb(0.6, 0.6, 0.6);
        content.set_line_width(0.5);
        content.move_to(LEFT, y - 4.0);
        content.line_to(RIGHT, y - 4.0);
        content.stroke();
        content.restore_state();
        self.y -= 5.0;
    }

    /// One label/value row; the value wraps within its column. An empty value shows nothing,
    /// not even its label.
    pub(crate) fn row(&mut self, label: &str, value: &str) {
        if value.trim().is_empty() {
            return;
        }
        self.row_styled(label, value, Weight::Regular, BLACK);
    }

    pub(crate) fn row_styled(
        &mut self,
        label: &str,
        value: &str,
        weight: Weight,
        rgb: (f32, f32, f32),
    ) {
        const SIZE: f32 = 8.0;
        const LEADING: f32 = 9.2;
        let labels = self.wrap(Weight::Regular, label, 7.5, VALUE_X - LEFT - 8.0);
        let values = self.wrap(weight, value, SIZE, RIGHT - VALUE_X);
        let lines = labels.len().max(values.len());
        self.ensure(lines as f32 * LEADING + 1.5);
        let top = self.y - LEADING;
        for (i, l) in labels.iter().enumerate() {
            self.text_at(
                Weight::Regular,
                7.5,
                GREY,
                LEFT,
                top - i as f32 * LEADING,
                l,
            );
        }
        for (i, v) in values.iter().enumerate() {
            self.text_at(weight, SIZE, rgb, VALUE_X, top - i as f32 * LEADING, v);
        }
        self.y -= lines as f32 * LEADING + 1.5;
    }

    /// A paragraph across the full width.
    pub(crate) fn paragraph(&mut self, text: &str, size: f32) {
        let leading = size * 1.3;
        for line in self.wrap(Weight::Regular, text, size, RIGHT - LEFT) {
            self.ensure(leading);
            self.y -= leading;
            let y = self.y;
            self.text_at(Weight::Regular, size, GREY, LEFT, y, &line);
        }
    }

    /// Make a rectangle on the current page a link to `uri`.
    pub(crate) fn link(&mut self, rect: Rect, uri: &str) {
        self.links.push(Link {
            page: self.pages.len().saturating_sub(1),
            rect,
            uri: uri.to_owned(),
        });
    }

    /// Add the footer to every page and write the PDF.
    pub(crate) fn finish(mut self, footer: &str, title: &str) -> Result<Vec<u8>, PdfError> {
        let count = self.pages.len();
        for page in 0..count {
            let text = format!(
                "{footer}    {} {} / {}",
                super::labels::both("Seite", "Page"),
                page + 1,
                count
            );
            self.text_on(page, Weight::Regular, 7.0, GREY, LEFT, 36.0, &text);
        }

        let mut next = 1;
        let mut alloc = || {
            let r = Ref::new(next);
            next += 1;
            r
        };
        let catalog = alloc();
        let tree = alloc();
        let info = alloc();
        let regular_ids = [alloc(), alloc(), alloc(), alloc(), alloc()];
        let bold_ids = [alloc(), alloc(), alloc(), alloc(), alloc()];
        let page_ids: Vec<(Ref, Ref)> = (0..count).map(|_| (alloc(), alloc())).collect();
        let link_ids: Vec<Ref> = self.links.iter().map(|_| alloc()).collect();

        let mut pdf = Pdf::new();
        pdf.catalog(catalog).pages(tree);
        pdf.document_info(info)
            .title(TextStr(title))
            .producer(TextStr(concat!("Tabula ", env!("CARGO_PKG_VERSION"))));
        pdf.pages(tree)
            .kids(page_ids.iter().map(|(p, _)| *p))
            .count(i32::try_from(count).unwrap_or(i32::MAX));
        let regular = self.regular.write(&mut pdf, regular_ids)?;
        let bold = self.bold.write(&mut pdf, bold_ids)?;

        for (index, ((page_id, content_id), content)) in page_ids.iter().zip(self.pages).enumerate()
        {
            let annotations: Vec<Ref> = self
                .links
                .iter()
                .zip(&link_ids)
                .filter(|(l, _)| l.page == index)
                .map(|(_, id)| *id)
                .collect();
            let mut page = pdf.page(*page_id);
            page.media_box(Rect::new(0.0, 0.0, WIDTH, HEIGHT))
                .parent(tree)
                .contents(*content_id);
            if !annotations.is_empty() {
                page.annotations(annotations);
            }
            let mut resources = page.resources();
            resources
                .fonts()
                .pair(Name(b"F1"), regular)
                .pair(Name(b"F2"), bold);
            resources.finish();
            page.finish();
            pdf.stream(*content_id, &content.finish());
        }
        for (link, id) in self.links.iter().zip(&link_ids) {
            let mut annotation = pdf.annotation(*id);
            annotation.subtype(AnnotationType::Link).rect(link.rect);
            annotation.border(0.0, 0.0, 0.0, None);
            annotation
                .action()
                .action_type(ActionType::Uri)
                .uri(Str(link.uri.as_bytes()));
            annotation.finish();
        }
        Ok(pdf.finish())
    }
}
