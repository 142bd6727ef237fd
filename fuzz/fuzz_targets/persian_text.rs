//! Persian normalisation: never a panic; cleaning and folding for search are idempotent,
//! and cleaned text holds no control or bidi characters but line breaks.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tomar_core::persian::{ascii_digits, clean_text, search_key};

fuzz_target!(|typed: &str| {
    let cleaned = clean_text(typed);
    assert_eq!(clean_text(&cleaned), cleaned, "clean_text is idempotent");
    assert!(
        cleaned
            .chars()
            .all(|c| c == '\n' || !(c.is_control() || ('\u{202A}'..='\u{202E}').contains(&c))),
        "{cleaned:?}"
    );
    let key = search_key(typed);
    assert_eq!(search_key(&key), key, "search_key is idempotent");
    let digits = ascii_digits(typed);
    assert_eq!(ascii_digits(&digits), digits);
});
