//! The sign form, as the campaign page and the sign page show it, and signers in the
//! public lists.

use tomar_core::member::Member;
use tomar_core::signature::Signature;

use crate::view::i18n::Tr;

/// What the sign form shows: the values typed so far and a message beside each field.
#[derive(Default)]
pub struct SignFormView {
    pub name: String,
    pub contact: String,
    pub public: bool,
    pub updates: bool,
    pub name_error: Option<String>,
    pub contact_error: Option<String>,
    /// A logged-in member signs without a contact field or a code.
    pub as_member: bool,
}

impl SignFormView {
    /// An empty form, or for a member one with their display name: the name is shown
    /// publicly unless the signer says otherwise.
    pub fn fresh(member: Option<&Member>) -> SignFormView {
        SignFormView {
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
