//! One-time codes, whatever they prove (a signature, a login, an inquiry): the limits they are sent
//! under, how a verification is found by the address of its code page, and how a typed
//! code is checked.
//!
//! The limits hold under crowds because the store takes them atomically: a code's slot is
//! taken in the transaction that stores it, and a try is spent in the statement that
//! compares the code. A network (a carrier's address may stand for a city) is never refused
//! codes: past its share it counts as busy, and what it confirms is flagged for the
//! moderators. A contact is refused past its share, since more would bomb one person.

use jiff::Timestamp;
use tomar_core::contact::{Channel, Contact};
use tomar_core::message::OutboundMessage;
use tomar_core::verification::{
    Code, NewVerification, Purpose, Verification, VerificationId, VerificationState,
};
use tomar_store::{CodeLimits, CodeOutcome, CodeRequest, CodeTry, Counter};

use crate::error::{Limited, WebError};
use crate::rules::platform::Platform;
use crate::rules::random;
use crate::state::AppState;
use crate::view::i18n::Tr;

/// A code's SMS, from the translation `key` with `{code}` and `{host}`: one segment (70
/// Persian characters), beginning with the code in ASCII digits so that phones offer it
/// for autofill, and ending with the WebOTP line (`@host #code`) with which a browser on
/// the same phone fills it in by itself.
pub fn code_sms(state: &AppState, tr: Tr, key: &str, code: &Code) -> String {
    tr.with(
        key,
        &[
            ("code", code.as_ref()),
            ("host", webotp_host(&state.public_url)),
        ],
    )
}

/// The host WebOTP names: the public address without scheme, port or path.
fn webotp_host(public_url: &str) -> &str {
    let rest = public_url
        .split_once("://")
        .map_or(public_url, |(_, rest)| rest);
    let authority = rest.split('/').next().unwrap_or(rest);
    match authority.rsplit_once(':') {
        Some((host, port)) if port.chars().all(|c| c.is_ascii_digit()) => host,
        _ => authority,
    }
}

/// The limits a code is sent under, as the admin set them.
pub fn code_limits(platform: &Platform) -> CodeLimits {
    CodeLimits {
        per_contact: platform.codes_per_contact_per_hour(),
        network_busy_after: platform.codes_per_network_per_hour(),
        guesses_busy_after: platform.wrong_codes_per_network_per_hour(),
    }
}

/// The translation keys a code that proves a contact is sent with: its subject, its email
/// and its SMS (each with `{code}`; the SMS also with `{host}`, see [`code_sms`]).
pub struct CodeTexts {
    pub subject: &'static str,
    pub email: &'static str,
    pub sms: &'static str,
}

/// A code to send that proves a contact for a login or an inquiry, not a signature.
pub struct ContactCode<'a> {
    pub contact: &'a Contact,
    pub purpose: Purpose,
    /// The keyed network it is asked from.
    pub network: String,
    /// Kept with the verification (a login makes it the member's).
    pub sealed_contact: Option<String>,
    pub texts: CodeTexts,
}

/// Sends a [`ContactCode`]; answers the new verification's id. Unlike signing, such codes
/// are refused past the network's share: an account or a person's list of signatures is
/// worth a crowd's codes and guesses, and a real person is rarely refused twice in an hour.
pub async fn send_contact_code(
    state: &AppState,
    platform: &Platform,
    tr: Tr,
    sent: ContactCode<'_>,
) -> Result<VerificationId, WebError> {
    let ContactCode {
        contact,
        purpose,
        network,
        sealed_contact,
        texts,
    } = sent;
    let now = Timestamp::now();
    let logins = Counter::LoginsFromNetwork(network.clone());
    if state.store.count_one(&logins, now).await? > platform.logins_per_network_per_hour() {
        return Err(WebError::TooMany(Limited::Logins));
    }
    let id = random::verification_id();
    let code = random::code();
    let new = NewVerification {
        sealed_answers: None,
        id: id.clone(),
        purpose,
        campaign_id: None,
        contact_key: state.secret.contact_key(contact),
        channel: contact.channel(),
        code_hash: state.secret.code_hash(&id, &code),
        name: None,
        public: false,
        wants_updates: false,
        sealed_contact,
        // It withdraws nothing; the column wants a value, so it gets one nobody holds.
        withdraw_key: state.secret.withdraw_key(&random::withdraw_token()),
        client_key: network,
        email_domain: contact.email_domain().map(str::to_owned),
        destination: contact.masked(),
        at: now,
    };
    let message = OutboundMessage {
        route: contact.channel().into(),
        recipient: contact.as_ref().to_owned(),
        subject: tr.t(texts.subject),
        body: match contact.channel() {
            Channel::Sms => code_sms(state, tr, texts.sms, &code),
            Channel::Email => tr.with(texts.email, &[("code", &tr.digits(code.as_ref()))]),
        },
    };
    let request = CodeRequest {
        verification: new,
        message,
        limits: code_limits(platform),
    };
    if let CodeOutcome::TooManyForContact = state.writer.send_code(request).await? {
        return Err(WebError::TooMany(Limited::CodesToContact));
    }
    Ok(id)
}

/// Whether the network has typed more wrong codes this hour than the admin allows.
pub async fn network_guesses_too_much(
    state: &AppState,
    platform: &Platform,
    network: &str,
    now: Timestamp,
) -> Result<bool, WebError> {
    let wrong = Counter::WrongCodesFromNetwork(network.to_owned());
    Ok(state.store.counted(&wrong, now).await? >= platform.wrong_codes_per_network_per_hour())
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
    /// Not six digits: refused without spending a try.
    Malformed,
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
            CodeRefused::Malformed => Ok(tr.t(&key("malformed"))),
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

/// Checks a typed login code against an open verification: a malformed one is refused as
/// it is, any other spends a try (see `Store::try_code`). A wrong code counts against the
/// network it was typed from. (Signing codes are checked in the group commit instead.)
pub async fn check_code(
    state: &AppState,
    verification: &Verification,
    typed: &str,
    network: &str,
    now: Timestamp,
) -> Result<(), CodeRefused> {
    match verification.state(now) {
        VerificationState::Open => {}
        VerificationState::Used => return Err(CodeRefused::Used),
        VerificationState::Expired => return Err(CodeRefused::Expired),
        VerificationState::Exhausted => return Err(CodeRefused::Exhausted),
    }
    let code = Code::parse(typed).map_err(|_| CodeRefused::Malformed)?;
    let hash = state.secret.code_hash(&verification.id, &code);
    match state.store.try_code(&verification.id, &hash, now).await? {
        Some(CodeTry::Right) => Ok(()),
        Some(CodeTry::Wrong { left }) => {
            count_wrong_code(state, network, now).await?;
            Err(match left {
                0 => CodeRefused::Exhausted,
                left => CodeRefused::WrongCode { left },
            })
        }
        None => Err(why_no_try(state, verification, now).await),
    }
}

/// The `purpose` verification at the address `id`, if `typed` is its code: a login's or an
/// inquiry's, typed from `network`, which is refused once it has guessed too much.
pub async fn typed_code(
    state: &AppState,
    platform: &Platform,
    network: &str,
    id: &str,
    purpose: Purpose,
    typed: &str,
) -> Result<Verification, CodeRefused> {
    let verification = find_verification(state, id, purpose).await?;
    let now = Timestamp::now();
    if network_guesses_too_much(state, platform, network, now).await? {
        return Err(CodeRefused::Web(WebError::TooMany(Limited::Guesses)));
    }
    check_code(state, &verification, typed, network, now).await?;
    Ok(verification)
}

/// Counts a wrong code against the network it was typed from.
pub async fn count_wrong_code(
    state: &AppState,
    network: &str,
    now: Timestamp,
) -> Result<(), WebError> {
    let wrong = Counter::WrongCodesFromNetwork(network.to_owned());
    state.store.count_one(&wrong, now).await?;
    Ok(())
}

/// Why a code found no try left to take, as the verification reads now.
pub async fn why_no_try(
    state: &AppState,
    verification: &Verification,
    now: Timestamp,
) -> CodeRefused {
    match state.store.verification(&verification.id).await {
        Ok(current) => match current.map(|v| v.state(now)) {
            Some(VerificationState::Used) => CodeRefused::Used,
            Some(VerificationState::Expired) => CodeRefused::Expired,
            _ => CodeRefused::Exhausted,
        },
        Err(error) => CodeRefused::Web(error.into()),
    }
}

#[cfg(test)]
mod tests {
    use super::webotp_host;

    #[test]
    fn webotp_names_the_bare_host() {
        assert_eq!(
            webotp_host("https://tomar.example.org"),
            "tomar.example.org"
        );
        assert_eq!(webotp_host("http://127.0.0.1:8080"), "127.0.0.1");
        assert_eq!(
            webotp_host("https://tomar.example.org/base/"),
            "tomar.example.org"
        );
    }
}
