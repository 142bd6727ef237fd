//! The sign form, as the campaign page and the sign page show it, signers in the public
//! lists, and where a code went, as the signing and login code pages say it.

use tomar_core::Timestamp;
use tomar_core::contact::Channel;
use tomar_core::member::Member;
use tomar_core::questions::Questions;
use tomar_core::signature::Signature;
use tomar_core::verification::{Verification, VerificationState};

use crate::view::i18n::Tr;
use crate::view::sign_questions::AskedQuestion;

/// What the sign form shows: the values typed so far and a message beside each field.
#[derive(Default)]
pub struct SignFormView {
    pub name: String,
    pub contact: String,
    pub public: bool,
    pub updates: bool,
    pub name_error: Option<String>,
    pub contact_error: Option<String>,
    /// The contact was typed in the email field, not the mobile one.
    pub by_email: bool,
    /// A logged-in member signs without a contact field or a code.
    pub as_member: bool,
    /// The campaign's extra questions, after the name and contact.
    pub questions: Vec<AskedQuestion>,
}

impl SignFormView {
    /// An empty form, or for a member one with their display name: the name is shown
    /// publicly unless the signer says otherwise.
    pub fn fresh(member: Option<&Member>, questions: &Questions, tr: Tr) -> SignFormView {
        SignFormView {
            questions: AskedQuestion::list(questions, &[], &[], tr),
            // A name shown beside a campaign can put its signer at risk: shown only when asked.
            public: false,
            as_member: member.is_some(),
            name: member
                .and_then(|m| m.display_name.as_ref())
                .map(ToString::to_string)
                .unwrap_or_default(),
            ..SignFormView::default()
        }
    }

    /// Whether the form asks a question whose totals the campaign page shows.
    pub fn answers_totals(&self) -> bool {
        self.questions.iter().any(|question| question.totals_public)
    }
}

/// A signer in a public list: their number, and their name if they chose to show it.
pub struct Signer {
    pub number: String,
    /// `None` for a signer who hid their name.
    pub name: Option<String>,
}

impl Signer {
    pub fn new(signature: &Signature, tr: Tr) -> Signer {
        Signer {
            number: tr.number(signature.sequence),
            name: signature.public_name().map(ToString::to_string),
        }
    }
}

/// "A code was sent to 0912***4567", split around the destination, which the page isolates
/// left to right inside the sentence.
pub struct SentTo {
    pub before: String,
    pub destination: String,
    pub after: String,
}

impl SentTo {
    /// Where this verification's code went, while the code can still be typed.
    pub fn of(verification: &Verification, tr: Tr) -> Option<SentTo> {
        (verification.state(Timestamp::now()) == VerificationState::Open)
            .then(|| SentTo::new(verification, tr))
    }

    fn new(verification: &Verification, tr: Tr) -> SentTo {
        let (sentence, destination) = match verification.channel {
            Channel::Sms => ("verify.sent_sms", tr.digits(&verification.destination)),
            Channel::Email => ("verify.sent_email", verification.destination.clone()),
        };
        let sentence = tr.t(sentence);
        let (before, after) = sentence.split_once("{to}").unwrap_or((&sentence, ""));
        SentTo {
            before: before.to_owned(),
            destination,
            after: after.to_owned(),
        }
    }
}
