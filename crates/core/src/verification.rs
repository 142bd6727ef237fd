//! Proving a contact: a six-digit code sent by SMS or email, stored only as a keyed hash,
//! good for one use, for ten minutes and five tries.

use jiff::{SignedDuration, Timestamp};

use crate::contact::{Channel, ContactKey};
use crate::hash::bearer_token;
use crate::ids::CampaignId;
use crate::named::named_enum;
use crate::names::{InputError, PersonName};
use crate::persian::ascii_digits;
use crate::signature::WithdrawKey;

/// How long a code stays good after it is sent.
pub const CODE_LIFETIME: SignedDuration = SignedDuration::from_mins(10);
/// Wrong codes allowed before the verification is dead.
pub const CODE_ATTEMPTS: u32 = 5;
/// How long after sending a code it may be sent again.
pub const RESEND_COOLDOWN: SignedDuration = SignedDuration::from_secs(60);
/// How many times one verification's code may be sent again.
pub const RESENDS: u32 = 3;

/// Six ASCII digits.
#[derive(Clone, PartialEq, Eq)]
pub struct Code(String);

impl Code {
    /// The code for a random number (any `u32`; only its last six decimal digits count).
    pub fn from_random(n: u32) -> Code {
        Code(format!("{:06}", n % 1_000_000))
    }

    /// Accepts the code as people type it: Persian or Arabic-Indic digits, spaces, dashes.
    pub fn parse(input: &str) -> Result<Code, InputError> {
        let digits: String = ascii_digits(input)
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '-')
            .collect();
        if digits.is_empty() {
            return Err(InputError::Empty);
        }
        if digits.len() != 6 || !digits.chars().all(|c| c.is_ascii_digit()) {
            return Err(InputError::BadCharacters);
        }
        Ok(Code(digits))
    }
}

impl AsRef<str> for Code {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Code(…)")
    }
}

named_enum! {
    /// What a verification proves a contact for.
    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    pub enum Purpose {
        Sign = "sign",
        Login = "login",
        Inquiry = "inquiry",
    }
}

bearer_token!(
    /// A verification's unguessable id, as in the address of its code page: knowing it is
    /// what lets a browser try codes for it.
    VerificationId
);

/// A verification about to be stored, with the hash of the code that was sent.
#[derive(Clone, Debug)]
pub struct NewVerification {
    pub id: VerificationId,
    pub purpose: Purpose,
    pub campaign_id: Option<CampaignId>,
    pub contact_key: ContactKey,
    pub channel: Channel,
    pub code_hash: String,
    pub name: Option<PersonName>,
    pub public: bool,
    pub wants_updates: bool,
    /// The contact sealed by `Secret::seal`, only when `wants_updates`.
    pub sealed_contact: Option<String>,
    /// The answers to the campaign's questions (`Answers::encode`) sealed by
    /// `Secret::seal`; none when it asks none.
    pub sealed_answers: Option<String>,
    /// The keyed hash of the withdrawal token sent with the code.
    pub withdraw_key: WithdrawKey,
    /// The keyed hash of the network the code was asked from, for the limits per network.
    pub client_key: String,
    /// An email contact's domain, for the fraud tools.
    pub email_domain: Option<String>,
    /// Where the code went, masked (`Contact::masked`), for the code page.
    pub destination: String,
    pub at: Timestamp,
}

#[derive(Clone, Debug)]
pub struct Verification {
    pub id: VerificationId,
    pub purpose: Purpose,
    pub campaign_id: Option<CampaignId>,
    pub contact_key: ContactKey,
    pub channel: Channel,
    pub code_hash: String,
    pub attempts_left: u32,
    pub name: Option<PersonName>,
    pub public: bool,
    pub wants_updates: bool,
    pub sealed_contact: Option<String>,
    pub sealed_answers: Option<String>,
    pub withdraw_key: WithdrawKey,
    pub client_key: String,
    pub email_domain: Option<String>,
    /// Where the code went, masked; empty once the code is used or expired.
    pub destination: String,
    /// The network the code was asked from was busy then: what it confirms is flagged.
    pub busy_network: bool,
    pub created_at: Timestamp,
    pub last_sent_at: Timestamp,
    /// How many times the code was sent again.
    pub resends: u32,
    pub expires_at: Timestamp,
    pub consumed_at: Option<Timestamp>,
    /// The number of the signature it confirmed.
    pub signature_sequence: Option<u64>,
}

/// Whether a code may still be tried.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum VerificationState {
    Open,
    Expired,
    /// Too many wrong codes.
    Exhausted,
    Used,
}

impl Verification {
    pub fn state(&self, now: Timestamp) -> VerificationState {
        if self.consumed_at.is_some() {
            VerificationState::Used
        } else if self.attempts_left == 0 {
            VerificationState::Exhausted
        } else if now >= self.expires_at {
            VerificationState::Expired
        } else {
            VerificationState::Open
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_typed_in_any_digits() {
        let code = Code::parse("۱۲۳ ٤٥6").unwrap();
        assert_eq!(code.as_ref(), "123456");
        assert_eq!(Code::parse(" 123-456 ").unwrap(), code);
        assert_eq!(Code::parse(""), Err(InputError::Empty));
        for bad in ["12345", "1234567", "12a456", "<script>"] {
            assert!(Code::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn verification_ids_are_32_hex_digits() {
        let id = VerificationId::from_random([7; 16]);
        assert_eq!(VerificationId::parse(id.as_ref()), Some(id));
        for bad in ["", "0707", &"z".repeat(32), &"0".repeat(31)] {
            assert_eq!(VerificationId::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn random_codes_have_six_digits() {
        assert_eq!(Code::from_random(42).as_ref(), "000042");
        assert_eq!(Code::from_random(u32::MAX).as_ref(), "967295");
    }
}
