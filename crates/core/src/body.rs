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

/// How a formal Persian letter may open, above its addressees: «بسمه تعالی», «به نام خدا»,
/// «بسم الله الرحمن الرحیم» and their kin.
const INVOCATIONS: [&str; 5] = ["بسمه", "باسمه", "بسم", "به نام", "بنام"];
/// An invocation is a short line; a longer one is the letter itself.
const INVOCATION_MAX: usize = 40;

impl LetterBody {
    /// The letter's invocation, if its first block is one, and the blocks after it: on
    /// paper the invocation stands above the addressees, and so it does on the page.
    pub fn opening(&self) -> (Option<String>, Vec<Block>) {
        let mut blocks = self.blocks();
        let invocation = match blocks.first() {
            Some(Block::Paragraph(line))
                if line.chars().count() <= INVOCATION_MAX
                    && INVOCATIONS.iter().any(|start| line.starts_with(start)) =>
            {
                Some(line.clone())
            }
            _ => None,
        };
        if invocation.is_some() {
            blocks.remove(0);
        }
        (invocation, blocks)
    }
}

impl AsRef<str> for LetterBody {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn an_invocation_opens_the_letter_and_only_a_short_one() {
        let body = super::LetterBody::parse("بسمه تعالی\n\nبا سلام و احترام؛\n\nمتن نامه").unwrap();
        let (invocation, rest) = body.opening();
        assert_eq!(invocation.as_deref(), Some("بسمه تعالی"));
        assert_eq!(rest.len(), 2);
        let body = super::LetterBody::parse("به نام خداوند جان و خرد\n\nمتن").unwrap();
        assert_eq!(body.opening().0.as_deref(), Some("به نام خداوند جان و خرد"));
        let long = "به نام مردمی که سال‌ها در این محله زندگی کرده‌اند و هنوز منتظر پاسخ‌اند";
        let body = super::LetterBody::parse(long).unwrap();
        assert_eq!(
            body.opening(),
            (None, body.blocks()),
            "a sentence is the letter"
        );
        let body = super::LetterBody::parse("با سلام\n\nبسمه تعالی").unwrap();
        assert_eq!(body.opening().0, None, "only as the first block");
    }

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
