//! One-time codes, whatever they prove (a signature, a login): how many may be sent, how a
//! verification is found by the address of its code page, and how a typed code is checked.

use std::net::IpAddr;

use jiff::{SignedDuration, Timestamp};
use tomar_core::contact::ContactKey;
use tomar_core::ids::CampaignId;
use tomar_core::verification::{Code, Purpose, Verification, VerificationId, VerificationState};

use crate::error::WebError;
use crate::rules::platform::{Platform, network_of};
use crate::state::AppState;
use crate::view::i18n::Tr;

/// A request for a code that the sending limits let through.
pub struct Cleared {
    /// The network's key, which the verification records for the next count.
    pub client_key: String,
    /// Whether the contact has already signed the campaign asked about.
    pub already_signed: bool,
}

/// Refuses a new code once this contact or this network has had its hourly share. For a
/// signature, `campaign` is the one to be signed.
pub async fn within_sending_limits(
    state: &AppState,
    platform: &Platform,
    contact_key: &ContactKey,
    peer: IpAddr,
    now: Timestamp,
    campaign: Option<CampaignId>,
) -> Result<Cleared, WebError> {
    let client_key = state.secret.client_key(&network_of(peer));
    let hour_ago = now
        .checked_sub(SignedDuration::from_hours(1))
        .unwrap_or(now);
    let (per_contact, per_network) = (
        platform.codes_per_contact_per_hour(),
        platform.codes_per_network_per_hour(),
    );
    let history = state
        .store
        .contact_history(
            contact_key,
            &client_key,
            hour_ago,
            per_contact.max(per_network),
            campaign,
        )
        .await?;
    if history.codes_to_contact >= per_contact || history.codes_from_network >= per_network {
        return Err(WebError::RateLimited);
    }
    Ok(Cleared {
        client_key,
        already_signed: history.signed,
    })
}

/// A verification for `purpose` by the id in an address; malformed or unknown ids, and
/// ids of another purpose, are not found.
pub async fn find_verification(
    state: &AppState,
    id: &str,
    purpose: Purpose,
) -> Result<Verification, WebError> {
    let id = VerificationId::parse(id).ok_or(WebError::NotFound)?;
    match state.store.verification(&id).await? {
        Some(v) if v.purpose == purpose => Ok(v),
        _ => Err(WebError::NotFound),
    }
}

/// Why a typed code did not count.
pub enum CodeRefused {
    WrongCode {
        left: u32,
    },
    Expired,
    Exhausted,
    /// The verification was already used; what it produced stands.
    Used,
    Web(WebError),
}

refused_by_errors!(CodeRefused);

impl CodeRefused {
    /// What to tell the person who typed the code, from the translation section `section`
    /// (`verify` for signing, `login` for logging in), or the error to answer instead.
    pub fn message(self, tr: Tr, section: &str) -> Result<String, WebError> {
        let key = |name: &str| format!("{section}.{name}");
        match self {
            CodeRefused::WrongCode { left } => {
                Ok(tr.with(&key("wrong_code"), &[("left", &tr.number(left))]))
            }
            CodeRefused::Expired => Ok(tr.t(&key("expired"))),
            CodeRefused::Exhausted => Ok(tr.t(&key("exhausted"))),
            CodeRefused::Used => Ok(tr.t(&key("used"))),
            CodeRefused::Web(error) => Err(error),
        }
    }
}

/// Checks a typed code against an open verification; a wrong one uses up a try.
pub async fn check_code(
    state: &AppState,
    verification: &Verification,
    typed: &str,
    now: Timestamp,
) -> Result<(), CodeRefused> {
    match verification.state(now) {
        VerificationState::Open => {}
        VerificationState::Used => return Err(CodeRefused::Used),
        VerificationState::Expired => return Err(CodeRefused::Expired),
        VerificationState::Exhausted => return Err(CodeRefused::Exhausted),
    }
    let matches = Code::parse(typed)
        .map(|code| state.secret.code_hash(&verification.id, &code) == verification.code_hash)
        .unwrap_or(false);
    if matches {
        return Ok(());
    }
    match state
        .store
        .spend_attempt(&verification.id)
        .await?
        .unwrap_or(0)
    {
        0 => Err(CodeRefused::Exhausted),
        left => Err(CodeRefused::WrongCode { left }),
    }
}
