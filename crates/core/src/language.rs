//! The two languages of the interface and what follows from each: direction, digits,
//! calendar.

use crate::persian;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum Language {
    /// Persian: right-to-left, Persian digits, Solar Hijri dates. The default.
    #[default]
    Fa,
    /// English: left-to-right, ASCII digits, Gregorian dates.
    En,
}

impl Language {
    pub const ALL: [Language; 2] = [Language::Fa, Language::En];

    /// The BCP 47 code, as used in `lang` attributes, cookies and `?lang=`.
    pub fn code(self) -> &'static str {
        match self {
            Language::Fa => "fa",
            Language::En => "en",
        }
    }

    pub fn from_code(code: &str) -> Option<Language> {
        let primary = code.split(['-', '_']).next()?.trim();
        Language::ALL
            .into_iter()
            .find(|lang| lang.code().eq_ignore_ascii_case(primary))
    }

    /// The first supported language of an `Accept-Language` header, by quality.
    pub fn from_accept_language(header: &str) -> Option<Language> {
        let mut ranked: Vec<(f32, Language)> = header
            .split(',')
            .filter_map(|part| {
                let mut pieces = part.split(';');
                let lang = Language::from_code(pieces.next()?)?;
                let quality = pieces
                    .find_map(|p| p.trim().strip_prefix("q="))
                    .and_then(|q| q.trim().parse::<f32>().ok())
                    .unwrap_or(1.0);
                (quality > 0.0).then_some((quality, lang))
            })
            .collect();
        ranked.sort_by(|a, b| b.0.total_cmp(&a.0));
        ranked.first().map(|&(_, lang)| lang)
    }

    /// The language a piece of user text is written in, judged as `dir="auto"` judges its
    /// direction, by its first letter: Arabic script is Persian, Latin is English. `None`
    /// for text with no letter of either (digits, emoji, another script).
    pub fn written_in(text: &str) -> Option<Language> {
        let letter = text.chars().find(|c| c.is_alphabetic())?;
        let arabic_script = matches!(letter,
            '\u{0600}'..='\u{06FF}' | '\u{0750}'..='\u{077F}' | '\u{08A0}'..='\u{08FF}'
            | '\u{FB50}'..='\u{FDFF}' | '\u{FE70}'..='\u{FEFF}');
        if arabic_script {
            Some(Language::Fa)
        } else if letter.is_ascii_alphabetic() || ('\u{00C0}'..='\u{024F}').contains(&letter) {
            Some(Language::En)
        } else {
            None
        }
    }

    pub fn is_rtl(self) -> bool {
        self == Language::Fa
    }

    pub fn dir(self) -> &'static str {
        if self.is_rtl() { "rtl" } else { "ltr" }
    }

    /// Writes digits the way this language's readers expect them.
    pub fn digits(self, text: &str) -> String {
        match self {
            Language::Fa => persian::persian_digits(text),
            Language::En => persian::ascii_digits(text),
        }
    }

    pub fn number(self, n: impl std::fmt::Display) -> String {
        self.digits(&n.to_string())
    }

    /// A count with thousands grouped: `۱۲٬۳۴۵` or `12,345`.
    pub fn count(self, n: u64) -> String {
        let separator = match self {
            Language::Fa => '٬',
            Language::En => ',',
        };
        let plain = n.to_string();
        let mut grouped = String::with_capacity(plain.len() + plain.len() / 3);
        for (i, digit) in plain.chars().enumerate() {
            if i > 0 && (plain.len() - i).is_multiple_of(3) {
                grouped.push(separator);
            }
            grouped.push(digit);
        }
        self.digits(&grouped)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_language_picks_the_best_supported() {
        assert_eq!(
            Language::from_accept_language("de-DE,en-US;q=0.8,fa;q=0.9"),
            Some(Language::Fa)
        );
        assert_eq!(
            Language::from_accept_language("en-GB,en;q=0.9"),
            Some(Language::En)
        );
        assert_eq!(Language::from_accept_language("de, fr;q=0.5"), None);
        assert_eq!(
            Language::from_accept_language("fa;q=0, en;q=0.1"),
            Some(Language::En)
        );
        assert_eq!(Language::from_accept_language(""), None);
    }

    #[test]
    fn user_text_is_judged_by_its_first_letter() {
        assert_eq!(Language::written_in("«پاکسازی» river"), Some(Language::Fa));
        assert_eq!(
            Language::written_in("۱۲ - Save the river"),
            Some(Language::En)
        );
        assert_eq!(Language::written_in("Café"), Some(Language::En));
        assert_eq!(Language::written_in("ﻻ"), Some(Language::Fa));
        assert_eq!(Language::written_in("12345 🙂"), None);
        assert_eq!(Language::written_in("Привет"), None);
        assert_eq!(Language::written_in(""), None);
    }

    #[test]
    fn numbers_follow_the_language() {
        assert_eq!(Language::Fa.number(598), "۵۹۸");
        assert_eq!(Language::En.digits("۵۹۸"), "598");
        assert_eq!(Language::Fa.count(1_234_567), "۱٬۲۳۴٬۵۶۷");
        assert_eq!(Language::En.count(598), "598");
        assert_eq!(Language::En.count(12_345), "12,345");
        assert_eq!(Language::En.count(0), "0");
    }
}
