//! Text set as a reader sees it: broken into lines that fit, each line put in visual order by
//! the Unicode bidirectional algorithm (a Latin name or a run of digits inside Persian reads
//! left to right), each run shaped by rustybuzz so that Persian letters join.

use std::ops::Range;

use krilla::text::{Font, GlyphId, KrillaGlyph};
use unicode_bidi::{BidiInfo, Level};

/// One of the embedded fonts: what the PDF embeds and what shapes the text set in it.
pub struct Face {
    pub(crate) font: Font,
    shaper: rustybuzz::Face<'static>,
}

impl Face {
    /// A face from a TrueType font compiled into the binary.
    pub fn new(bytes: &'static [u8]) -> Face {
        Face {
            font: Font::new(bytes.into(), 0).expect("the embedded font reads"),
            shaper: rustybuzz::Face::from_slice(bytes, 0).expect("the embedded font shapes"),
        }
    }

    /// `text` shaped in one direction, in drawing order, advances in ems.
    fn shape(&self, text: &str, right_to_left: bool) -> Run {
        let mut buffer = rustybuzz::UnicodeBuffer::new();
        buffer.push_str(text);
        buffer.guess_segment_properties();
        buffer.set_direction(match right_to_left {
            true => rustybuzz::Direction::RightToLeft,
            false => rustybuzz::Direction::LeftToRight,
        });
        let shaped = rustybuzz::shape(&self.shaper, &[], buffer);
        let em = self.shaper.units_per_em() as f32;
        // A glyph stands for the text from its cluster to the next cluster's start, which
        // is how a PDF reader copies the text back out.
        let mut starts: Vec<usize> = shaped
            .glyph_infos()
            .iter()
            .map(|info| info.cluster as usize)
            .collect();
        starts.sort_unstable();
        starts.dedup();
        let cluster = |start: usize| -> Range<usize> {
            let end = starts
                .iter()
                .find(|&&next| next > start)
                .map_or(text.len(), |&next| next);
            start..end
        };
        let glyphs: Vec<KrillaGlyph> = shaped
            .glyph_infos()
            .iter()
            .zip(shaped.glyph_positions())
            .map(|(info, position)| {
                KrillaGlyph::new(
                    GlyphId::new(info.glyph_id),
                    position.x_advance as f32 / em,
                    position.x_offset as f32 / em,
                    position.y_offset as f32 / em,
                    position.y_advance as f32 / em,
                    cluster(info.cluster as usize),
                    None,
                )
            })
            .collect();
        let width = glyphs.iter().map(|glyph| glyph.x_advance).sum();
        Run {
            text: text.to_owned(),
            glyphs,
            width,
        }
    }

    /// How wide `text` sets, in ems.
    pub fn width(&self, text: &str) -> f32 {
        self.line(text, true).width
    }

    /// `text` as one line in visual order, whatever its width. `right_to_left` is the
    /// direction of the paragraph it belongs to.
    pub fn line(&self, text: &str, right_to_left: bool) -> Line {
        let base = match right_to_left {
            true => Level::rtl(),
            false => Level::ltr(),
        };
        let bidi = BidiInfo::new(text, Some(base));
        let Some(paragraph) = bidi.paragraphs.first() else {
            return Line::default();
        };
        let (levels, runs) = bidi.visual_runs(paragraph, paragraph.range.clone());
        let runs: Vec<Run> = runs
            .into_iter()
            .map(|range| self.shape(&text[range.clone()], levels[range.start].is_rtl()))
            .collect();
        let width = runs.iter().map(|run| run.width).sum();
        Line { runs, width }
    }

    /// `text` broken into lines no wider than `max` ems, each in visual order.
    pub fn lines(&self, text: &str, right_to_left: bool, max: f32) -> Vec<Line> {
        let space = self.shape(" ", right_to_left).width;
        let mut lines = Vec::new();
        let mut current = String::new();
        let mut width = 0.0;
        for (word, word_width) in self.words_that_fit(text, right_to_left, max) {
            if !current.is_empty() && width + space + word_width > max {
                lines.push(self.line(&current, right_to_left));
                current.clear();
                width = 0.0;
            }
            if !current.is_empty() {
                current.push(' ');
                width += space;
            }
            current.push_str(&word);
            width += word_width;
        }
        if !current.is_empty() {
            lines.push(self.line(&current, right_to_left));
        }
        lines
    }

    /// The words of `text` with their widths, a word wider than a whole line (a long link)
    /// cut into pieces that fit.
    fn words_that_fit(&self, text: &str, right_to_left: bool, max: f32) -> Vec<(String, f32)> {
        let width = |text: &str| self.line(text, right_to_left).width;
        let mut words = Vec::new();
        for word in text.split_whitespace() {
            let whole = width(word);
            if whole <= max {
                words.push((word.to_owned(), whole));
                continue;
            }
            let mut piece = String::new();
            let mut fits = 0.0;
            for character in word.chars() {
                piece.push(character);
                let longer = width(&piece);
                if longer > max && piece.chars().count() > 1 {
                    piece.pop();
                    words.push((std::mem::take(&mut piece), fits));
                    piece.push(character);
                    fits = width(&piece);
                } else {
                    fits = longer;
                }
            }
            words.push((piece, fits));
        }
        words
    }
}

/// A stretch of one direction, shaped, in the order its glyphs are drawn.
#[derive(Clone)]
pub struct Run {
    pub(crate) text: String,
    pub(crate) glyphs: Vec<KrillaGlyph>,
    /// In ems.
    pub(crate) width: f32,
}

/// One line of text: its runs from left to right.
#[derive(Clone, Default)]
pub struct Line {
    pub(crate) runs: Vec<Run>,
    /// In ems.
    pub(crate) width: f32,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fonts;

    fn texts(line: &Line) -> Vec<&str> {
        line.runs.iter().map(|run| run.text.as_str()).collect()
    }

    #[test]
    fn a_latin_name_and_digits_inside_persian_read_left_to_right_in_their_place() {
        let face = fonts::regular();
        // Drawn from the left: the last logical run first.
        let line = face.line("امضای ۱۲۳ از Negar Amini", true);
        assert_eq!(texts(&line), ["Negar Amini", " از ", "۱۲۳", "امضای "]);
        let latin = &line.runs[0];
        assert!(
            latin
                .glyphs
                .windows(2)
                .all(|pair| { pair[0].text_range.start < pair[1].text_range.start })
        );
    }

    #[test]
    fn persian_letters_are_joined_not_set_one_by_one() {
        let face = fonts::regular();
        let joined = face.line("سلام", true);
        let apart: f32 = "سلام"
            .chars()
            .map(|letter| face.line(&letter.to_string(), true).width)
            .sum();
        assert_eq!(joined.runs.len(), 1);
        assert!(joined.width < apart, "{} !< {apart}", joined.width);
    }

    #[test]
    fn lines_fit_and_keep_every_word_in_order() {
        let face = fonts::regular();
        let text = "ما امضاکنندگان این نامه از شما می‌خواهیم کتابخانهٔ محله را تا ساعت ده شب باز نگه دارید https://example.org/a-very-long-link-that-is-wider-than-a-line";
        let lines = face.lines(text, true, 12.0);
        assert!(lines.len() > 2);
        for line in &lines {
            assert!(line.width <= 12.0, "{} ems wide", line.width);
        }
        let logical: Vec<String> = lines
            .iter()
            .map(|line| {
                let mut runs = line.runs.clone();
                runs.reverse();
                runs.iter().map(|run| run.text.as_str()).collect()
            })
            .collect();
        assert_eq!(logical.concat().replace(' ', ""), text.replace(' ', ""));
    }

    #[test]
    fn empty_text_sets_no_line() {
        let face = fonts::regular();
        assert!(face.lines("", true, 10.0).is_empty());
        assert!(face.lines("   \n ", true, 10.0).is_empty());
        assert_eq!(face.line("", true).width, 0.0);
    }
}
