//! Short texts with rules: people's names, slugs, hashtags, titles, and how a campaign is
//! addressed in a URL.

use std::fmt;

use crate::ids::CampaignId;
use crate::persian::{ascii_digits, clean_text, single_line};

/// Why a piece of input was refused. Each maps to a translated message by [`key`](Self::key).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum InputError {
    #[error("empty")]
    Empty,
    #[error("shorter than {min} characters")]
    TooShort { min: usize },
    #[error("longer than {max} characters")]
    TooLong { max: usize },
    #[error("contains characters that are not allowed")]
    BadCharacters,
    #[error("reserved")]
    Reserved,
    /// Digits, but not as many as a mobile number has.
    #[error("not the digits of a mobile number")]
    NotAMobile,
    /// An Iranian number that is not a mobile (a landline, a service number): codes go by
    /// SMS.
    #[error("not a mobile number")]
    Landline,
}

impl InputError {
    /// The translation key of the message shown to the person who typed the input.
    pub fn key(&self) -> &'static str {
        match self {
            InputError::Empty => "input.empty",
            InputError::TooShort { .. } => "input.too_short",
            InputError::TooLong { .. } => "input.too_long",
            InputError::BadCharacters => "input.bad_characters",
            InputError::Reserved => "input.reserved",
            InputError::NotAMobile => "input.not_a_mobile",
            InputError::Landline => "input.landline",
        }
    }
}

/// Cleans `input` to one line and checks its length in characters.
fn one_line(input: &str, min: usize, max: usize) -> Result<String, InputError> {
    let text = single_line(&clean_text(input));
    let length = text.chars().count();
    if length == 0 {
        Err(InputError::Empty)
    } else if length < min {
        Err(InputError::TooShort { min })
    } else if length > max {
        Err(InputError::TooLong { max })
    } else {
        Ok(text)
    }
}

macro_rules! text_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Debug, PartialEq, Eq, Hash)]
        pub struct $name(String);

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

text_type!(
    /// A person's name as shown in lists: one line, 2–80 characters, at least one letter.
    PersonName
);

impl PersonName {
    pub const MAX: usize = 80;

    pub fn parse(input: &str) -> Result<Self, InputError> {
        let name = one_line(input, 2, Self::MAX)?;
        if !name.chars().any(char::is_alphabetic) {
            return Err(InputError::BadCharacters);
        }
        Ok(PersonName(name))
    }
}

text_type!(
    /// A one-line text of up to `max` characters: titles, positions, group names.
    Line
);

impl Line {
    pub fn parse(input: &str, max: usize) -> Result<Self, InputError> {
        one_line(input, 1, max).map(Line)
    }
}

/// Paths that belong to the application; a campaign slug may never take one.
const RESERVED_SLUGS: &[&str] = &[
    "admin",
    "api",
    "answer",
    "campaigns",
    "feed.atom",
    "hashtag",
    "healthz",
    "images",
    "log",
    "login",
    "logout",
    "me",
    "metrics",
    "moderation",
    "new",
    "privacy",
    "responses",
    "rules",
    "search",
    "static",
    "withdraw",
];

text_type!(
    /// A campaign's vanity address, as in `/pezeshkian`: lowercase ASCII letters, digits and
    /// hyphens, starting with a letter, 2–64 characters, never an application path.
    Slug
);

impl Slug {
    pub fn parse(input: &str) -> Result<Self, InputError> {
        let slug = input.trim().to_ascii_lowercase();
        if slug.is_empty() {
            return Err(InputError::Empty);
        }
        if slug.len() < 2 {
            return Err(InputError::TooShort { min: 2 });
        }
        if slug.len() > 64 {
            return Err(InputError::TooLong { max: 64 });
        }
        let allowed = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-';
        if !slug.starts_with(|c: char| c.is_ascii_lowercase()) || !slug.chars().all(allowed) {
            return Err(InputError::BadCharacters);
        }
        if RESERVED_SLUGS.contains(&slug.as_str()) {
            return Err(InputError::Reserved);
        }
        Ok(Slug(slug))
    }
}

text_type!(
    /// An official hashtag without its `#`: letters, digits and underscores (spaces become
    /// underscores), 2–80 characters.
    Hashtag
);

impl Hashtag {
    pub fn parse(input: &str) -> Result<Self, InputError> {
        let text = single_line(&clean_text(input.trim().trim_start_matches('#')));
        let tag: String = text.replace(' ', "_");
        let length = tag.chars().count();
        if length == 0 {
            return Err(InputError::Empty);
        }
        if length < 2 {
            return Err(InputError::TooShort { min: 2 });
        }
        if length > 80 {
            return Err(InputError::TooLong { max: 80 });
        }
        let allowed = |c: char| c.is_alphanumeric() || c == '_' || c == '\u{200C}';
        if !tag.chars().all(allowed) || !tag.chars().any(char::is_alphabetic) {
            return Err(InputError::BadCharacters);
        }
        Ok(Hashtag(tag))
    }
}

text_type!(
    /// A Telegram chat the platform posts to: a public channel's `@username` (5–32 letters,
    /// digits or underscores, starting with a letter) or a chat's number (`-100…`).
    TelegramChat
);

impl TelegramChat {
    pub fn parse(input: &str) -> Result<Self, InputError> {
        let chat = ascii_digits(input.trim());
        if chat.is_empty() {
            return Err(InputError::Empty);
        }
        let well_formed = match chat.strip_prefix('@') {
            Some(name) => {
                (5..=32).contains(&name.len())
                    && name.starts_with(|c: char| c.is_ascii_alphabetic())
                    && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
            }
            None => {
                let digits = chat.strip_prefix('-').unwrap_or(&chat);
                (1..=20).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit())
            }
        };
        match well_formed {
            true => Ok(TelegramChat(chat)),
            false => Err(InputError::BadCharacters),
        }
    }
}

/// How a campaign is named in a URL: its number or its slug. Digits may be typed in any form.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum CampaignRef {
    Id(CampaignId),
    Slug(Slug),
}

impl CampaignRef {
    pub fn parse(segment: &str) -> Option<CampaignRef> {
        let digits = ascii_digits(segment.trim());
        if !digits.is_empty() && digits.chars().all(|c| c.is_ascii_digit()) {
            return digits.parse().ok().map(|n| CampaignRef::Id(CampaignId(n)));
        }
        Slug::parse(segment).ok().map(CampaignRef::Slug)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn telegram_chats_are_a_channel_name_or_a_chat_number() {
        for good in ["@tomar_fa", " @Tomar2026 ", "-1001234567890", "۱۲۳۴۵"] {
            assert!(TelegramChat::parse(good).is_ok(), "{good:?}");
        }
        assert_eq!(TelegramChat::parse("-۱۰۰۱۲").unwrap().as_ref(), "-10012");
        assert_eq!(TelegramChat::parse("  "), Err(InputError::Empty));
        for bad in [
            "@abc",
            "@1tomar",
            "@tomar-fa",
            "tomar_fa",
            "https://t.me/tomar_fa",
            "@<script>",
            "-",
            "12 34",
            "@تومار_فا",
        ] {
            assert_eq!(
                TelegramChat::parse(bad),
                Err(InputError::BadCharacters),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn names_are_cleaned_and_bounded() {
        assert_eq!(
            PersonName::parse("  علي   رضايي ").unwrap().as_ref(),
            "علی رضایی"
        );
        assert_eq!(PersonName::parse(" "), Err(InputError::Empty));
        assert_eq!(PersonName::parse("a"), Err(InputError::TooShort { min: 2 }));
        assert_eq!(PersonName::parse("12345"), Err(InputError::BadCharacters));
        assert_eq!(
            PersonName::parse(&"ن".repeat(81)),
            Err(InputError::TooLong { max: 80 })
        );
        assert_eq!(PersonName::parse("\u{202E}سارا").unwrap().as_ref(), "سارا");
    }

    #[test]
    fn slugs_are_lowercase_ascii_and_never_reserved() {
        assert_eq!(Slug::parse("Demo").unwrap().as_ref(), "demo");
        assert_eq!(Slug::parse("rules"), Err(InputError::Reserved));
        assert_eq!(Slug::parse("9lives"), Err(InputError::BadCharacters));
        assert_eq!(Slug::parse("کارزار"), Err(InputError::BadCharacters));
        assert_eq!(Slug::parse("a b"), Err(InputError::BadCharacters));
    }

    #[test]
    fn hashtags_lose_their_sign_and_spaces() {
        assert_eq!(
            Hashtag::parse("#آب برای همه").unwrap().as_ref(),
            "آب_برای_همه"
        );
        assert_eq!(Hashtag::parse("#<script>"), Err(InputError::BadCharacters));
        assert_eq!(Hashtag::parse("#"), Err(InputError::Empty));
    }

    #[test]
    fn campaign_refs_take_numbers_in_any_digits_or_slugs() {
        assert_eq!(
            CampaignRef::parse("۱۲۱۵۲۴"),
            Some(CampaignRef::Id(CampaignId(121524)))
        );
        assert_eq!(
            CampaignRef::parse("121524"),
            Some(CampaignRef::Id(CampaignId(121524)))
        );
        assert_eq!(
            CampaignRef::parse("demo"),
            Some(CampaignRef::Slug(Slug::parse("demo").unwrap()))
        );
        assert_eq!(CampaignRef::parse("99999999999999999999999"), None);
        assert_eq!(CampaignRef::parse("<script>"), None);
    }
}
