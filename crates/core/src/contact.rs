//! How a person is reached, and known: a mobile number or an email address, normalised
//! once at the edge, and the keyed hash that recognises them again without keeping them.

use std::fmt;

use crate::named::named_enum;
use crate::names::InputError;
use crate::persian::ascii_digits;

/// A mobile number in E.164 form, e.g. `+989123456789`. Built only by [`Mobile::parse`].
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Mobile(String);

impl Mobile {
    /// Accepts the ways Iranians write their numbers (`۰۹۱۲ ۳۴۵ ۶۷۸۹`, `+98 912…`,
    /// `0098912…`, `912…`) and international numbers in E.164 form.
    pub fn parse(input: &str) -> Result<Self, InputError> {
        let typed = ascii_digits(input.trim());
        if typed.is_empty() {
            return Err(InputError::Empty);
        }
        let separators = |c: &char| matches!(c, ' ' | '-' | '(' | ')' | '.' | '\u{200C}');
        let compact: String = typed.chars().filter(|c| !separators(c)).collect();
        let international = compact
            .strip_prefix('+')
            .or_else(|| compact.strip_prefix("00"));
        let digits = match international {
            Some(rest) => rest.to_owned(),
            None if compact.len() == 11 && compact.starts_with("09") => {
                format!("98{}", &compact[1..])
            }
            None if compact.len() == 10 && compact.starts_with('9') => format!("98{compact}"),
            None if compact.len() == 12 && compact.starts_with("989") => compact.clone(),
            // A number written at home, but not a mobile's: say which way it is wrong.
            None if compact.starts_with('0') && compact.len() == 11 => {
                return Err(digits_or_letters(&compact, InputError::Landline));
            }
            None => return Err(digits_or_letters(&compact, InputError::NotAMobile)),
        };
        if !digits.chars().all(|c| c.is_ascii_digit()) {
            return Err(InputError::BadCharacters);
        }
        if !(8..=15).contains(&digits.len()) {
            return Err(InputError::NotAMobile);
        }
        // Iranian mobiles are +98 9xx xxx xxxx; a landline or a short number cannot sign.
        if let Some(national) = digits.strip_prefix("98") {
            if national.len() != 10 {
                return Err(InputError::NotAMobile);
            }
            if !national.starts_with('9') {
                return Err(InputError::Landline);
            }
        }
        Ok(Mobile(format!("+{digits}")))
    }
}

/// An email address, trimmed and case-folded. Built only by [`Email::parse`].
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Email(String);

impl Email {
    pub const MAX: usize = 254;

    pub fn parse(input: &str) -> Result<Self, InputError> {
        let email = input.trim().to_lowercase();
        if email.is_empty() {
            return Err(InputError::Empty);
        }
        if email.len() > Self::MAX {
            return Err(InputError::TooLong { max: Self::MAX });
        }
        let (local, domain) = email.split_once('@').ok_or(InputError::BadCharacters)?;
        let plain = |s: &str| {
            !s.is_empty()
                && !s.chars().any(|c| {
                    c.is_whitespace()
                        || c.is_control()
                        || matches!(c, '@' | '<' | '>' | ',' | ';' | '"')
                })
        };
        let labels_ok = domain.split('.').count() >= 2 && domain.split('.').all(|l| !l.is_empty());
        if !plain(local) || !plain(domain) || !labels_ok {
            return Err(InputError::BadCharacters);
        }
        Ok(Email(email))
    }

    /// Who the address reaches, for counting each person once: a `+tag` is dropped (mail
    /// to `sara+a@…` and `sara+b@…` lands in one inbox with every major provider), and so
    /// are dots in a Gmail address (Gmail ignores them; `googlemail.com` is Gmail too).
    /// Codes still go to the address as typed.
    fn identity(&self) -> String {
        let (local, domain) = self.0.rsplit_once('@').unwrap_or((&self.0, ""));
        let local = match local.split_once('+') {
            Some((person, _tag)) if !person.is_empty() => person,
            _ => local,
        };
        match domain {
            "gmail.com" | "googlemail.com" => format!("{}@gmail.com", local.replace('.', "")),
            _ => format!("{local}@{domain}"),
        }
    }
}

/// `wrong` if `typed` is all digits (a number, mistyped), else that it has characters no
/// number has.
fn digits_or_letters(typed: &str, wrong: InputError) -> InputError {
    match typed.chars().all(|c| c.is_ascii_digit()) {
        true => wrong,
        false => InputError::BadCharacters,
    }
}

/// The way a signer can be reached: one field on the form takes either.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Contact {
    Mobile(Mobile),
    Email(Email),
}

impl Contact {
    pub fn parse(input: &str) -> Result<Self, InputError> {
        if input.contains('@') {
            Email::parse(input).map(Contact::Email)
        } else {
            Mobile::parse(input).map(Contact::Mobile)
        }
    }

    /// The domain of an email address, as the fraud tools group signers by it; none for a
    /// mobile number.
    pub fn email_domain(&self) -> Option<&str> {
        match self {
            Contact::Mobile(_) => None,
            Contact::Email(email) => email.0.rsplit_once('@').map(|(_, domain)| domain),
        }
    }

    /// The contact as a code page may show it: enough for its owner to see a typo, not
    /// enough to spell it out. `0912***6789` for an Iranian mobile (as it is dialled at
    /// home), the first four and last four characters of any other, and an address's first
    /// letter and whole domain.
    pub fn masked(&self) -> String {
        // Asterisks, not dots: a dot is the Persian zero.
        const HIDDEN: &str = "***";
        match self {
            Contact::Mobile(mobile) => {
                let dialled = match mobile.0.strip_prefix("+98") {
                    Some(national) => format!("0{national}"),
                    None => mobile.0.clone(),
                };
                // ASCII digits and a plus: bytes are characters. The tail never overlaps
                // the head, however short the number.
                let head = &dialled[..4.min(dialled.len())];
                let tail = &dialled[dialled.len().saturating_sub(4).max(head.len())..];
                format!("{head}{HIDDEN}{tail}")
            }
            Contact::Email(email) => match email.0.split_once('@') {
                Some((local, domain)) => {
                    let first: String = local.chars().take(1).collect();
                    format!("{first}{HIDDEN}@{domain}")
                }
                None => HIDDEN.to_owned(),
            },
        }
    }

    /// How a code reaches this contact.
    pub fn channel(&self) -> Channel {
        match self {
            Contact::Mobile(_) => Channel::Sms,
            Contact::Email(_) => Channel::Email,
        }
    }

    /// The form its de-duplication key is computed from (see `Secret::contact_key`): the
    /// person it reaches, not the spelling.
    pub(crate) fn canonical(&self) -> String {
        match self {
            Contact::Mobile(m) => format!("mobile:{}", m.0),
            Contact::Email(e) => format!("email:{}", e.identity()),
        }
    }
}

impl AsRef<str> for Contact {
    fn as_ref(&self) -> &str {
        match self {
            Contact::Mobile(m) => &m.0,
            Contact::Email(e) => &e.0,
        }
    }
}

named_enum! {
    /// How a message travels.
    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    pub enum Channel {
        Sms = "sms",
        Email = "email",
    }
}

/// A keyed hash of a normalised contact, in hex.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct ContactKey(String);

impl ContactKey {
    pub(crate) fn from_digest(digest: &[u8]) -> Self {
        ContactKey(crate::hash::hex(digest))
    }

    /// Rebuilds a key read back from storage.
    pub fn from_stored(hex: String) -> Self {
        ContactKey(hex)
    }
}

impl AsRef<str> for ContactKey {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for ContactKey {
    // Keys are not secrets, but they identify a person across campaigns: keep them out of logs.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ContactKey(…)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn iranian_mobiles_in_every_form_are_one_number() {
        let forms = [
            "۰۹۱۲ ۳۴۵ ۶۷۸۹",
            "٠٩١٢٣٤٥٦٧٨٩",
            "09123456789",
            "+98 912 345 6789",
            "00989123456789",
            "9123456789",
            "989123456789",
            "0912-345-6789",
        ];
        for form in forms {
            assert_eq!(Mobile::parse(form).unwrap().0, "+989123456789", "{form}");
        }
    }

    #[test]
    fn a_masked_contact_shows_its_ends_and_hides_the_middle() {
        let masked = |input: &str| Contact::parse(input).unwrap().masked();
        assert_eq!(masked("09123456789"), "0912***6789");
        assert_eq!(masked("+98 912 345 6789"), "0912***6789");
        assert_eq!(masked("+44 7700 900123"), "+447***0123");
        assert_eq!(masked("Sara.Ahmadi@Example.org"), "s***@example.org");
    }

    #[test]
    fn a_wrong_number_says_how_it_is_wrong() {
        let why = |input: &str| Mobile::parse(input).unwrap_err();
        for short in ["0912345678", "۰۹۱۲ ۳۴۵ ۶۷", "912345", "+98 912 345 67"] {
            assert_eq!(why(short), InputError::NotAMobile, "{short}");
        }
        for landline in ["02112345678", "+98 21 1234 5678", "۰۲۱ ۱۲۳۴ ۵۶۷۸"] {
            assert_eq!(why(landline), InputError::Landline, "{landline}");
        }
        for letters in ["0912345678x", "<script>", "نام"] {
            assert_eq!(why(letters), InputError::BadCharacters, "{letters}");
        }
    }

    #[test]
    fn bad_mobiles_are_refused() {
        for bad in [
            "",
            "12",
            "0212345678",
            "+98 21 1234 5678",
            "+1",
            "0912345678x",
            "<script>",
        ] {
            assert!(Mobile::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(Mobile::parse("+44 7700 900123").unwrap().0, "+447700900123");
    }

    #[test]
    fn emails_are_trimmed_and_case_folded() {
        assert_eq!(
            Email::parse("  Sara@Example.ORG ").unwrap().0,
            "sara@example.org"
        );
        for bad in [
            "",
            "sara",
            "sara@",
            "@x.org",
            "sara@localhost",
            "a b@x.org",
            "a@b@c.org",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad}");
        }
    }

    proptest! {
        #[test]
        fn every_digit_form_of_a_mobile_parses_alike(n in 0u32..1_000_000_000) {
            let ascii = format!("09{n:09}");
            let persian = crate::persian::persian_digits(&ascii);
            let arabic: String = ascii.chars().map(|c| char::from_u32('٠' as u32 + c.to_digit(10).unwrap()).unwrap()).collect();
            let expected = Mobile::parse(&ascii).unwrap();
            prop_assert_eq!(Mobile::parse(&persian).unwrap(), expected.clone());
            prop_assert_eq!(Mobile::parse(&arabic).unwrap(), expected);
        }
    }
}
