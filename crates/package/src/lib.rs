//! The delivery package as a PDF: a formal document laid out on A4, Persian shaped and in
//! reading order, Tomar's own font embedded (subset to the glyphs used), no program run.
//!
//! A [`Package`] is written from the top down: the letter's parts ([`Package::text`]), then
//! the signers' table ([`Package::table`], [`Package::row`]), which fills two columns a page.
//! Every string arrives translated and formatted by the caller; this crate only sets it.
//! A page is drawn and handed to the PDF writer as soon as it is full, so what is held is
//! one page of placed text and the PDF written so far, never the list it was written from.

pub mod fonts;
mod text;

use krilla::Document;
use krilla::color::luma;
use krilla::geom::{PathBuilder, Point};
use krilla::metadata::{Metadata, TextDirection};
use krilla::page::PageSettings;
use krilla::paint::{Fill, Stroke};
use krilla::surface::Surface;

use crate::text::{Face, Line};

/// A4, in points.
const PAGE_WIDTH: f32 = 595.0;
const PAGE_HEIGHT: f32 = 842.0;
const MARGIN: f32 = 56.0;
/// The page number sits in the bottom margin.
const FOOTER_BASELINE: f32 = PAGE_HEIGHT - MARGIN / 2.0;
const CONTENT_WIDTH: f32 = PAGE_WIDTH - 2.0 * MARGIN;

/// The signers' table: columns a page, the gap between them, and a row's height.
const TABLE_COLUMNS: usize = 2;
const TABLE_GAP: f32 = 18.0;
const ROW_HEIGHT: f32 = 14.5;
const ROW_SIZE: f32 = 9.0;
/// The smallest size a long name shrinks to before it is cut.
const SMALLEST_NAME: f32 = 6.0;
/// The number and date cells' widths; the name takes the rest.
const NUMBER_CELL: f32 = 48.0;
const DATE_CELL: f32 = 64.0;

/// How a part of the letter is set.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Style {
    Title,
    Heading,
    Body,
    /// A paragraph set apart as a quotation of the letter's bullets.
    Bullet,
    /// Fine print.
    Small,
    /// Machine text (the log's checkpoint, a command): fine print that always reads from
    /// the left, whatever its first letter.
    Code,
}

impl Style {
    fn size(self) -> f32 {
        match self {
            Style::Title => 17.0,
            Style::Heading => 12.5,
            Style::Body | Style::Bullet => 11.0,
            Style::Small | Style::Code => 8.5,
        }
    }

    fn face(self) -> &'static Face {
        match self {
            Style::Title | Style::Heading => fonts::bold(),
            Style::Body | Style::Bullet | Style::Small | Style::Code => fonts::regular(),
        }
    }

    /// Line height, as a multiple of the size: Persian needs room above and below.
    fn leading(self) -> f32 {
        self.size() * 1.75
    }

    /// Space after the paragraph.
    fn after(self) -> f32 {
        match self {
            Style::Title => 14.0,
            Style::Heading => 6.0,
            Style::Body => 8.0,
            Style::Bullet => 3.0,
            Style::Small | Style::Code => 4.0,
        }
    }

    /// How far in from the margin the text starts (the bullets' indent).
    fn indent(self) -> f32 {
        match self {
            Style::Bullet => 18.0,
            _ => 0.0,
        }
    }
}

/// Which way the document reads: Persian from the right, English from the left.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Direction {
    RightToLeft,
    LeftToRight,
}

impl Direction {
    fn right_to_left(self) -> bool {
        self == Direction::RightToLeft
    }
}

/// A line set at a place on the page being filled.
struct Placed {
    line: Line,
    face: &'static Face,
    size: f32,
    /// The left end of the line and its baseline, from the page's top left corner.
    x: f32,
    baseline: f32,
    grey: bool,
}

/// The signers' table while it is being filled: its headers and this page's rows.
struct Table {
    headers: [String; 3],
    /// This page's rows, set once the page is full or the table ends: the last page's are
    /// then shared evenly between its columns, so what follows the table stands right
    /// under them rather than alone on a page of its own.
    pending: Vec<[String; 3]>,
}

/// A delivery package being written.
pub struct Package {
    document: Document,
    direction: Direction,
    page_label: Box<dyn Fn(u32) -> String + Send>,
    /// The page being filled.
    placed: Vec<Placed>,
    rules: Vec<(f32, f32, f32)>,
    y: f32,
    pages: u32,
    table: Option<Table>,
}

impl Package {
    /// An empty package. `page_label` writes a page's number as the document's language
    /// writes numbers; `title` and `language` (a BCP 47 tag) are the PDF's own metadata.
    pub fn new(
        direction: Direction,
        title: &str,
        language: &str,
        page_label: impl Fn(u32) -> String + Send + 'static,
    ) -> Package {
        let mut document = Document::new();
        document.set_metadata(
            Metadata::new()
                .title(title.to_owned())
                .language(language.to_owned())
                .creator("Tomar".to_owned())
                .text_direction(match direction {
                    Direction::RightToLeft => TextDirection::RightToLeft,
                    Direction::LeftToRight => TextDirection::LeftToRight,
                }),
        );
        Package {
            document,
            direction,
            page_label: Box::new(page_label),
            placed: Vec::new(),
            rules: Vec::new(),
            y: MARGIN,
            pages: 0,
            table: None,
        }
    }

    /// A paragraph of the letter or of the platform's statement, broken into lines. A
    /// paragraph whose first strong letter is Latin reads from the left, whatever the
    /// document's direction (a link, the checkpoint).
    pub fn text(&mut self, style: Style, text: &str) {
        self.end_table();
        let right_to_left = match style {
            Style::Code => false,
            _ => starts_right_to_left(text).unwrap_or(self.direction.right_to_left()),
        };
        let width = CONTENT_WIDTH - style.indent();
        let lines = style
            .face()
            .lines(text, right_to_left, width / style.size());
        for line in lines {
            if self.y + style.leading() > PAGE_HEIGHT - MARGIN {
                self.next_page();
            }
            let line_width = line.width * style.size();
            let x = match right_to_left {
                true => PAGE_WIDTH - MARGIN - style.indent() - line_width,
                false => MARGIN + style.indent(),
            };
            self.y += style.leading();
            self.placed.push(Placed {
                line,
                face: style.face(),
                size: style.size(),
                x,
                baseline: self.y - style.leading() * 0.3,
                grey: matches!(style, Style::Small | Style::Code),
            });
        }
        self.y += style.after();
    }

    /// Begins the signers' table on a page of its own, under `headers` (number, name, date)
    /// repeated at the top of every column. The next [`Package::text`] ends it.
    pub fn table(&mut self, headers: [String; 3]) {
        self.next_page();
        self.table = Some(Table {
            headers,
            pending: Vec::new(),
        });
        self.table_headers();
    }

    /// One signer's row. A name too long for its cell is set smaller, and cut only past
    /// the smallest size.
    pub fn row(&mut self, number: &str, name: &str, date: &str) {
        let a_page = TABLE_COLUMNS * self.rows_a_column();
        let Some(table) = self.table.as_mut() else {
            return;
        };
        if table.pending.len() == a_page {
            self.set_rows();
            self.next_page();
            self.table_headers();
        }
        if let Some(table) = self.table.as_mut() {
            let row = [number, name, date].map(str::to_owned);
            table.pending.push(row);
        }
    }

    /// Sets this page's pending rows, down each column in turn, as many in each as an even
    /// share needs; answers how many that is.
    fn set_rows(&mut self) -> usize {
        let Some(table) = self.table.as_mut() else {
            return 0;
        };
        let rows = std::mem::take(&mut table.pending);
        let a_column = rows.len().div_ceil(TABLE_COLUMNS).max(1);
        for (at, [number, name, date]) in rows.iter().enumerate() {
            let (column, row) = (at / a_column, at % a_column);
            let baseline = self.table_top() + ROW_HEIGHT * (row as f32 + 1.0) - 4.0;
            self.cells(column, baseline, [number, name, date], false);
        }
        a_column
    }

    /// Ends the signers' table, if one is open: what follows goes under its last rows.
    fn end_table(&mut self) {
        if self.table.is_some() {
            let rows = self.set_rows();
            self.table = None;
            self.y = self.table_top() + ROW_HEIGHT * rows as f32 + ROW_HEIGHT;
        }
    }

    /// The finished PDF.
    pub fn finish(mut self) -> Vec<u8> {
        self.end_table();
        self.draw_page();
        self.document
            .finish()
            .expect("a document of text and lines always serialises")
    }

    /// How many pages the package has so far, counting the one being filled.
    pub fn pages(&self) -> u32 {
        self.pages + u32::from(!self.placed.is_empty())
    }

    fn rows_a_column(&self) -> usize {
        ((PAGE_HEIGHT - MARGIN - self.table_top()) / ROW_HEIGHT) as usize
    }

    /// Where the table's rows start below its headers.
    fn table_top(&self) -> f32 {
        MARGIN + ROW_HEIGHT + 4.0
    }

    fn table_headers(&mut self) {
        let Some(table) = self.table.as_ref() else {
            return;
        };
        let headers = table.headers.clone();
        for column in 0..TABLE_COLUMNS {
            let [number, name, date] = &headers;
            self.cells(
                column,
                MARGIN + ROW_HEIGHT - 4.0,
                [number, name, date],
                true,
            );
            let (left, right) = column_edges(self.direction, column);
            let under = MARGIN + ROW_HEIGHT + 1.0;
            self.rules.push((left, right, under));
        }
    }

    /// The three cells of a row of `column`, each starting at its own edge.
    fn cells(&mut self, column: usize, baseline: f32, [number, name, date]: [&str; 3], bold: bool) {
        let face = match bold {
            true => fonts::bold(),
            false => fonts::regular(),
        };
        let (left, right) = column_edges(self.direction, column);
        let name_cell = right - left - NUMBER_CELL - DATE_CELL;
        let right_to_left = self.direction.right_to_left();
        // From the column's start: number, name, date.
        let cells = [
            (number, NUMBER_CELL, 0.0),
            (name, name_cell, NUMBER_CELL),
            (date, DATE_CELL, NUMBER_CELL + name_cell),
        ];
        for (text, width, offset) in cells {
            let (line, size) = fit(face, text, right_to_left, width - 6.0);
            let x = match right_to_left {
                true => right - offset - line.width * size,
                false => left + offset,
            };
            self.placed.push(Placed {
                line,
                face,
                size,
                x,
                baseline,
                grey: false,
            });
        }
    }

    /// Draws the page being filled (if anything is on it) and starts the next.
    fn next_page(&mut self) {
        self.draw_page();
        self.y = MARGIN;
    }

    fn draw_page(&mut self) {
        if self.placed.is_empty() {
            return;
        }
        self.pages += 1;
        let label = (self.page_label)(self.pages);
        let footer = fonts::regular().line(&label, self.direction.right_to_left());
        let footer_size = Style::Small.size();
        self.placed.push(Placed {
            x: (PAGE_WIDTH - footer.width * footer_size) / 2.0,
            line: footer,
            face: fonts::regular(),
            size: footer_size,
            baseline: FOOTER_BASELINE,
            grey: true,
        });
        let settings = PageSettings::from_wh(PAGE_WIDTH, PAGE_HEIGHT).expect("A4 is a size");
        let mut page = self.document.start_page_with(settings);
        let mut surface = page.surface();
        for placed in self.placed.drain(..) {
            draw_line(&mut surface, &placed);
        }
        for (left, right, y) in self.rules.drain(..) {
            draw_rule(&mut surface, left, right, y);
        }
        surface.finish();
        page.finish();
    }
}

/// The left and right edges of one of the table's columns: the first is on the side the
/// document starts reading from.
fn column_edges(direction: Direction, column: usize) -> (f32, f32) {
    let width = (CONTENT_WIDTH - TABLE_GAP * (TABLE_COLUMNS as f32 - 1.0)) / TABLE_COLUMNS as f32;
    let from_start = column as f32 * (width + TABLE_GAP);
    match direction {
        Direction::RightToLeft => {
            let right = PAGE_WIDTH - MARGIN - from_start;
            (right - width, right)
        }
        Direction::LeftToRight => (MARGIN + from_start, MARGIN + from_start + width),
    }
}

/// `text` set in a cell `width` points wide at the table's size, smaller if it must be, cut
/// with an ellipsis past the smallest size.
fn fit(face: &Face, text: &str, right_to_left: bool, width: f32) -> (Line, f32) {
    let line = face.line(text, right_to_left);
    if line.width * ROW_SIZE <= width {
        return (line, ROW_SIZE);
    }
    if line.width * SMALLEST_NAME <= width {
        let size = width / line.width;
        return (line, size);
    }
    let mut kept: Vec<char> = text.chars().collect();
    while !kept.is_empty() {
        kept.pop();
        let cut: String = kept.iter().collect::<String>() + "…";
        let line = face.line(&cut, right_to_left);
        if line.width * SMALLEST_NAME <= width {
            return (line, SMALLEST_NAME);
        }
    }
    (Line::default(), SMALLEST_NAME)
}

/// Whether `text` reads from the right by its first strong letter; `None` with no letters.
fn starts_right_to_left(text: &str) -> Option<bool> {
    use unicode_bidi::BidiClass::{AL, L, R};
    text.chars()
        .find_map(|character| match unicode_bidi::bidi_class(character) {
            R | AL => Some(true),
            L => Some(false),
            _ => None,
        })
}

fn draw_line(surface: &mut Surface, placed: &Placed) {
    let shade = match placed.grey {
        true => 90,
        false => 0,
    };
    surface.set_fill(Some(Fill {
        paint: luma::Color::new(shade).into(),
        ..Fill::default()
    }));
    let mut x = placed.x;
    for run in &placed.line.runs {
        surface.draw_glyphs(
            Point::from_xy(x, placed.baseline),
            &run.glyphs,
            placed.face.font.clone(),
            &run.text,
            placed.size,
            false,
        );
        x += run.width * placed.size;
    }
}

fn draw_rule(surface: &mut Surface, left: f32, right: f32, y: f32) {
    let mut path = PathBuilder::new();
    path.move_to(left, y);
    path.line_to(right, y);
    let Some(path) = path.finish() else {
        return;
    };
    surface.set_fill(None);
    surface.set_stroke(Some(Stroke {
        paint: luma::Color::new(120).into(),
        width: 0.6,
        ..Stroke::default()
    }));
    surface.draw_path(&path);
    surface.set_stroke(None);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn package() -> Package {
        Package::new(Direction::RightToLeft, "نامه", "fa", |page| {
            page.to_string()
        })
    }

    #[test]
    fn the_table_fills_both_columns_of_a_page_before_the_next() {
        let mut package = package();
        package.text(Style::Title, "نامه به شهردار");
        package.table(["شماره".into(), "نام".into(), "تاریخ".into()]);
        let a_page = TABLE_COLUMNS * package.rows_a_column();
        for n in 0..a_page {
            package.row(&n.to_string(), "سارا نخستین", "۱۴۰۵/۰۹/۱۱");
        }
        assert_eq!(
            package.pages(),
            2,
            "the letter's page, and the one being filled"
        );
        package.row("last", "Negar Amini", "۱۴۰۵/۰۹/۱۱");
        assert_eq!(
            package.pages(),
            3,
            "one row past a full page starts the next"
        );
        let pdf = package.finish();
        assert!(pdf.starts_with(b"%PDF-"));
    }

    #[test]
    fn the_last_pages_rows_share_its_columns_and_what_follows_stands_under_them() {
        let mut package = package();
        package.table(["شماره".into(), "نام".into(), "تاریخ".into()]);
        let a_column = package.rows_a_column();
        // A full page, then a column and one more row: set down the right column alone,
        // they would fill it and push the closing line onto a page of its own.
        for n in 0..TABLE_COLUMNS * a_column + a_column + 1 {
            package.row(&n.to_string(), "سارا نخستین", "۱۴۰۵/۰۹/۱۱");
        }
        package.text(Style::Body, "۱٬۲۳۴ امضا در این فهرست");
        assert_eq!(
            package.pages(),
            2,
            "the closing line shares the last rows' page"
        );
        let bottom = package.table_top() + ROW_HEIGHT * (a_column / 2 + 2) as f32;
        assert!(package.y <= bottom + Style::Body.leading() + Style::Body.after());
    }

    #[test]
    fn a_name_too_long_for_its_cell_is_set_smaller_then_cut() {
        let face = fonts::regular();
        let (short, size) = fit(face, "سارا", true, 100.0);
        assert_eq!(size, ROW_SIZE);
        assert_eq!(short.runs.len(), 1);
        let long = "نام بسیار بلند ".repeat(3);
        let (smaller, size) = fit(face, &long, true, 100.0);
        assert!((SMALLEST_NAME..ROW_SIZE).contains(&size), "{size}");
        assert!(smaller.width * size <= 100.0);
        let longest = "نام بسیار بلند ".repeat(40);
        let (cut, size) = fit(face, &longest, true, 100.0);
        assert_eq!(size, SMALLEST_NAME);
        assert!(cut.width * size <= 100.0);
        assert!(cut.runs.iter().any(|run| run.text.contains('…')));
    }

    #[test]
    fn a_paragraph_reads_from_the_side_of_its_first_letter() {
        assert_eq!(starts_right_to_left("سلام world"), Some(true));
        assert_eq!(
            starts_right_to_left("https://tomar.example/log/4"),
            Some(false)
        );
        assert_eq!(starts_right_to_left("۳۵۶ — 12"), None);
    }
}
