//! A signature: one verified person's support for one campaign, and the token that lets
//! its signer take it back.

use jiff::Timestamp;

use crate::contact::ContactKey;
use crate::hash::{bearer_token, hex};
use crate::ids::{CampaignId, SignatureId};
use crate::named::named_enum;
use crate::names::PersonName;

bearer_token!(
    /// The token in a signer's withdrawal link (`/withdraw/{token}`). Only its keyed hash,
    /// the [`WithdrawKey`], is stored.
    WithdrawToken
);

/// The stored form of a [`WithdrawToken`]: its keyed hash (`Secret::withdraw_key`), so a
/// leaked table withdraws nothing.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct WithdrawKey(String);

impl WithdrawKey {
    pub(crate) fn from_digest(digest: &[u8]) -> WithdrawKey {
        WithdrawKey(hex(digest))
    }

    /// Rebuilds a key read back from storage.
    pub fn from_stored(text: String) -> WithdrawKey {
        WithdrawKey(text)
    }
}

impl AsRef<str> for WithdrawKey {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

named_enum! {
    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    pub enum SignatureStatus {
        Pending = "pending",
        Confirmed = "confirmed",
        Withdrawn = "withdrawn",
        Invalidated = "invalidated",
    }
}

/// Where a signature came from, for the moderators' fraud tools: the keyed network it was
/// asked from (never the address), an email signer's domain, and whether that network was
/// busy then (busy networks are accepted and flagged, never refused).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SignatureOrigin {
    pub network: Option<String>,
    pub email_domain: Option<String>,
    pub busy_network: bool,
}

/// A signature whose signer has proved their contact, about to be stored.
#[derive(Clone, Debug)]
pub struct ConfirmedSignature {
    pub name: PersonName,
    pub public: bool,
    pub wants_updates: bool,
    /// The contact sealed by `Secret::seal`, kept only for a signer who wants news.
    pub sealed_contact: Option<String>,
    /// The answers to the campaign's questions, sealed, as the verification carried them.
    pub sealed_answers: Option<String>,
    pub contact_key: ContactKey,
    /// The keyed hash of the token in the signer's withdrawal link, if they were sent one.
    pub withdraw_key: Option<WithdrawKey>,
    pub created_at: Timestamp,
    pub confirmed_at: Timestamp,
    pub origin: SignatureOrigin,
}

#[derive(Clone, Debug)]
pub struct Signature {
    pub id: SignatureId,
    pub campaign_id: CampaignId,
    /// The signature's number within its campaign: 1 for the first to sign.
    pub sequence: u64,
    pub name: PersonName,
    pub public: bool,
    pub status: SignatureStatus,
    pub text_version: u32,
    pub created_at: Timestamp,
    pub confirmed_at: Option<Timestamp>,
}

impl Signature {
    /// The name to list publicly, if the signer chose to show it.
    pub fn public_name(&self) -> Option<&PersonName> {
        self.public.then_some(&self.name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn withdrawal_tokens_are_32_hex_digits() {
        let token = WithdrawToken::from_random([0xab; 16]);
        assert_eq!(WithdrawToken::parse(token.as_ref()), Some(token));
        for bad in [
            "",
            "abc",
            &"g".repeat(32),
            &"a".repeat(33),
            "../../etc/passwd",
        ] {
            assert_eq!(WithdrawToken::parse(bad), None, "{bad}");
        }
    }
}
