//! Persian text as people actually type it.
//!
//! Input arrives with Persian (`۰-۹`), Arabic-Indic (`٠-٩`) and ASCII digits, Arabic letter
//! forms (`ي ى ك`) beside Persian ones (`ی ک`), zero-width non-joiners, tatweel, diacritics
//! and, from hostile hands, bidi override characters. Two normal forms exist:
//!
//! - [`clean_text`]: what we store and show. Letter forms are unified, invisible control
//!   characters removed, the writer's words and digits otherwise kept.
//! - [`search_key`]: what we compare. Also folds digits to ASCII, drops diacritics, tatweel
//!   and zero-width non-joiners, and lowercases, so `كارزار`, `کارزار` and `کــارزار` meet.

use icu::normalizer::{ComposingNormalizerBorrowed, DecomposingNormalizerBorrowed};

const ZWNJ: char = '\u{200C}';
const TATWEEL: char = '\u{0640}';

/// Maps Persian and Arabic-Indic digits to ASCII; leaves every other character alone.
pub fn ascii_digits(input: &str) -> String {
    input.chars().map(ascii_digit).collect()
}

fn ascii_digit(c: char) -> char {
    match c {
        '۰'..='۹' => char::from(b'0' + (c as u32 - '۰' as u32) as u8),
        '٠'..='٩' => char::from(b'0' + (c as u32 - '٠' as u32) as u8),
        other => other,
    }
}

/// Maps ASCII and Arabic-Indic digits to Persian digits, for display.
pub fn persian_digits(input: &str) -> String {
    input
        .chars()
        .map(|c| match ascii_digit(c) {
            d @ '0'..='9' => char::from_u32('۰' as u32 + (d as u32 - '0' as u32)).unwrap_or(d),
            other => other,
        })
        .collect()
}

/// Characters that reorder text around them. A name or title carrying them could make the
/// rest of a line read backwards, so they never survive normalisation.
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

fn is_arabic_diacritic(c: char) -> bool {
    matches!(c, '\u{064B}'..='\u{065F}' | '\u{0670}')
}

/// Unifies Arabic letter forms with their Persian counterparts.
fn persian_letter(c: char) -> char {
    match c {
        'ي' | 'ى' => 'ی',
        'ك' => 'ک',
        other => other,
    }
}

/// The stored and displayed form of user text: NFC, Persian letter forms, Arabic-Indic digits
/// shown as Persian ones, no control or bidi characters (newlines kept, `\r\n` folded), no
/// tatweel, and zero-width non-joiners only where they join two letters.
pub fn clean_text(input: &str) -> String {
    let mut out = String::with_capacity(input.len());
    for c in input.chars() {
        let c = match c {
            '٠'..='٩' => char::from_u32('۰' as u32 + (c as u32 - '٠' as u32)).unwrap_or(c),
            '\t' => ' ',
            other => persian_letter(other),
        };
        let keep = c == '\n' || !(c.is_control() || is_bidi_control(c) || c == TATWEEL);
        if keep {
            out.push(c);
        }
    }
    // Composition comes last: removing a character may bring a letter and its mark together.
    ComposingNormalizerBorrowed::new_nfc()
        .normalize(&tidy_non_joiners(&out))
        .into_owned()
}

/// Removes zero-width non-joiners that join nothing: repeated ones, and ones beside a space,
/// a line break or the ends of the text.
fn tidy_non_joiners(input: &str) -> String {
    let chars: Vec<char> = input.chars().collect();
    let mut out = String::with_capacity(input.len());
    for (i, &c) in chars.iter().enumerate() {
        if c == ZWNJ {
            let before = out.chars().next_back();
            let after = chars[i + 1..].iter().find(|&&n| n != ZWNJ);
            let joins = |n: Option<&char>| n.is_some_and(|n| !n.is_whitespace());
            if !joins(before.as_ref()) || !joins(after) || before == Some(ZWNJ) {
                continue;
            }
        }
        out.push(c);
    }
    out
}

/// Collapses every run of whitespace (line breaks included) into one space and trims.
pub fn single_line(input: &str) -> String {
    input.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The comparison form of text: [`clean_text`], then compatibility-decomposed and
/// recomposed (Arabic presentation forms become letters), ASCII digits, no diacritics,
/// no zero-width non-joiners, lowercase, single spaces.
pub fn search_key(input: &str) -> String {
    let cleaned = clean_text(input);
    let compatible = DecomposingNormalizerBorrowed::new_nfkd().normalize(&cleaned);
    let folded: String = compatible
        .chars()
        .filter(|&c| c != ZWNJ && !is_arabic_diacritic(c))
        .map(|c| persian_letter(ascii_digit(c)))
        .flat_map(char::to_lowercase)
        .collect();
    let recomposed = ComposingNormalizerBorrowed::new_nfc().normalize(&folded);
    single_line(&recomposed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn digits_in_every_form_become_ascii() {
        assert_eq!(ascii_digits("۰۹۱۲ ٣٤٥ 6789"), "0912 345 6789");
    }

    #[test]
    fn ascii_digits_display_as_persian() {
        assert_eq!(persian_digits("598 نفر، ١٤٠٣"), "۵۹۸ نفر، ۱۴۰۳");
    }

    #[test]
    fn arabic_letter_forms_become_persian() {
        assert_eq!(clean_text("كارزار علي"), "کارزار علی");
    }

    #[test]
    fn bidi_overrides_and_controls_are_removed() {
        assert_eq!(clean_text("a\u{202E}b\u{2066}c\u{0000}d\r\ne"), "abcd\ne");
    }

    #[test]
    fn stray_non_joiners_are_removed_but_joining_ones_stay() {
        assert_eq!(
            clean_text("\u{200C}می\u{200C}\u{200C}خواهم \u{200C}"),
            "می\u{200C}خواهم "
        );
    }

    #[test]
    fn tatweel_is_removed() {
        assert_eq!(clean_text("کــارزار"), "کارزار");
    }

    #[test]
    fn search_keys_meet_across_forms() {
        assert_eq!(search_key("كارزار"), search_key("کارزار"));
        assert_eq!(search_key("۱۴۰۳"), search_key("1403"));
        assert_eq!(search_key("میخواهم"), search_key("می\u{200C}خواهم"));
        assert_eq!(search_key("مُحَمَّد"), search_key("محمد"));
        assert_eq!(search_key("ﻛﺎﺭﺯﺍﺭ"), search_key("کارزار"));
        assert_eq!(search_key("  Tomar\n PETITION "), "tomar petition");
    }

    fn digit_forms() -> impl Strategy<Value = (String, String, String)> {
        proptest::collection::vec(0u32..10, 1..15).prop_map(|ds| {
            let form = |zero: char| {
                ds.iter()
                    .map(|&d| char::from_u32(zero as u32 + d).unwrap())
                    .collect::<String>()
            };
            (form('0'), form('۰'), form('٠'))
        })
    }

    proptest! {
        #[test]
        fn clean_text_is_idempotent(s in "\\PC*") {
            let once = clean_text(&s);
            prop_assert_eq!(clean_text(&once), once);
        }

        #[test]
        fn clean_text_is_idempotent_on_persian_mixtures(s in "[ا-یيىكـ\u{200C}\u{064B}-\u{0652}۰-۹٠-٩0-9 \n\u{202E}]{0,40}") {
            let once = clean_text(&s);
            prop_assert_eq!(clean_text(&once), once);
        }

        #[test]
        fn search_key_is_idempotent(s in "[ا-یيىكـ\u{200C}\u{064B}-\u{0652}۰-۹٠-٩0-9a-zA-Z \n]{0,40}") {
            let once = search_key(&s);
            prop_assert_eq!(search_key(&once), once);
        }

        #[test]
        fn every_digit_form_has_one_search_key((ascii, persian, arabic) in digit_forms()) {
            prop_assert_eq!(search_key(&persian), ascii.clone());
            prop_assert_eq!(search_key(&arabic), ascii.clone());
            prop_assert_eq!(ascii_digits(&persian), ascii);
        }

        #[test]
        fn arabic_and_persian_letter_forms_meet(s in "[ا-غف-ويىكیک ]{1,30}") {
            let persian: String = s.chars().map(persian_letter).collect();
            prop_assert_eq!(search_key(&s), search_key(&persian));
            prop_assert_eq!(clean_text(&s), clean_text(&persian));
        }

        #[test]
        fn clean_text_never_keeps_bidi_controls(s in "\\PC*", at in 0usize..5) {
            let hostile: String = s.chars().take(at).chain("\u{202E}".chars()).chain(s.chars().skip(at)).collect();
            prop_assert!(!clean_text(&hostile).chars().any(is_bidi_control));
        }
    }
}
