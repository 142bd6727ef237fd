//! A letter's text: never a panic; what parses reads back as itself, and laying it out
//! loses no word of it.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tomar_core::body::{Block, LetterBody};

fuzz_target!(|typed: &str| {
    let Ok(body) = LetterBody::parse(typed) else {
        return;
    };
    assert_eq!(LetterBody::parse(body.as_ref()), Ok(body.clone()));
    let laid_out: Vec<String> = body
        .blocks()
        .into_iter()
        .flat_map(|block| match block {
            Block::Paragraph(text) => vec![text],
            Block::Bullets(items) => items,
        })
        .collect();
    let words = |text: &str| {
        text.split_whitespace()
            .filter(|word| !matches!(*word, "-" | "•"))
            .count()
    };
    let shown: usize = laid_out.iter().map(|text| words(text)).sum();
    assert_eq!(shown, words(body.as_ref()), "{body:?} → {laid_out:?}");
});
