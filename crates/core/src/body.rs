//! The text of a campaign's letter: plain text written as paragraphs separated by blank
//! lines, with `- ` bullet points. Never HTML: it is parsed into blocks here and escaped
//! wherever it is shown.

use crate::names::InputError;
use crate::persian::{clean_text, single_line};

/// The letter's text, cleaned: at most [`LetterBody::MAX`] characters.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LetterBody(String);

/// One block of a letter as it is laid out.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Block {
    Paragraph(String),
    Bullets(Vec<String>),
}

impl LetterBody {
    pub const MAX: usize = 20_000;

    pub fn parse(input: &str) -> Result<Self, InputError> {
        let text = clean_text(input);
        let text = text.trim();
        match text.chars().count() {
            0 => Err(InputError::Empty),
            n if n > Self::MAX => Err(InputError::TooLong { max: Self::MAX }),
            _ => Ok(LetterBody(text.to_owned())),
        }
    }

    /// Paragraphs and bullet lists, in order. Lines within a paragraph join with a space;
    /// a line starting with `- ` (or `• `) begins a bullet, and following lines that are not
    /// bullets continue it.
    pub fn blocks(&self) -> Vec<Block> {
        let mut blocks = Vec::new();
        for chunk in self
            .0
            .split("\n\n")
            .map(str::trim)
            .filter(|c| !c.is_empty())
        {
            let mut paragraph: Vec<&str> = Vec::new();
            let mut bullets: Vec<String> = Vec::new();
            for line in chunk.lines().map(str::trim).filter(|l| !l.is_empty()) {
                if let Some(item) = line.strip_prefix("- ").or_else(|| line.strip_prefix("• ")) {
                    if !paragraph.is_empty() {
                        blocks.push(Block::Paragraph(paragraph.join(" ")));
                        paragraph.clear();
                    }
                    bullets.push(single_line(item));
                } else if let Some(last) = bullets.last_mut() {
                    last.push(' ');
                    last.push_str(line);
                } else {
                    paragraph.push(line);
                }
            }
            if !paragraph.is_empty() {
                blocks.push(Block::Paragraph(paragraph.join(" ")));
            }
            if !bullets.is_empty() {
                match blocks.last_mut() {
                    // Bullets separated by blank lines still form one list.
                    Some(Block::Bullets(list)) if chunk.starts_with(['-', '•']) => {
                        list.extend(bullets)
                    }
                    _ => blocks.push(Block::Bullets(bullets)),
                }
            }
        }
        blocks
    }
}

impl AsRef<str> for LetterBody {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn para(s: &str) -> Block {
        Block::Paragraph(s.into())
    }

    #[test]
    fn paragraphs_and_bullets() {
        let body =
            LetterBody::parse("سلام\nادامه\n\n- یک\n- دو\n  ادامه دو\n\n- سه\n\nپایان\n- چهار")
                .unwrap();
        assert_eq!(
            body.blocks(),
            vec![
                para("سلام ادامه"),
                Block::Bullets(vec!["یک".into(), "دو ادامه دو".into(), "سه".into()]),
                para("پایان"),
                Block::Bullets(vec!["چهار".into()]),
            ]
        );
    }

    #[test]
    fn html_stays_text() {
        let body = LetterBody::parse("<b>bold</b>").unwrap();
        assert_eq!(body.blocks(), vec![para("<b>bold</b>")]);
    }

    #[test]
    fn empty_and_huge_are_refused() {
        assert_eq!(LetterBody::parse(" \n\u{202E} "), Err(InputError::Empty));
        assert_eq!(
            LetterBody::parse(&"ب".repeat(LetterBody::MAX + 1)),
            Err(InputError::TooLong {
                max: LetterBody::MAX
            })
        );
    }
}
