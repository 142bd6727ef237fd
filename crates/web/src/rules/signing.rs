//! The rules of signing, shared by the pages and the JSON API: who may ask for a code, what
//! the code message says, when a code counts. Handlers only translate requests and answers.

use std::net::IpAddr;

use jiff::Timestamp;
use tomar_core::campaign::Campaign;
use tomar_core::contact::{Channel, Contact};
use tomar_core::lifecycle::Status;
use tomar_core::member::Member;
use tomar_core::message::OutboundMessage;
use tomar_core::names::{InputError, PersonName};
use tomar_core::questions::{AnswerError, Answers};
use tomar_core::signature::{ConfirmedSignature, SignatureOrigin, WithdrawToken};
use tomar_core::verification::{
    Code, NewVerification, Purpose, RESEND_COOLDOWN, RESENDS, Verification, VerificationId,
    VerificationState,
};
use tomar_store::{
    CodeOutcome, CodeRequest, Confirmation, Confirmed, Resend, ResendOutcome, TypedCode,
};

use crate::error::{Limited, WebError};
use crate::rules::codes::{self, CodeRefused};
use crate::rules::platform::{Platform, network_key};
use crate::rules::random;
use crate::state::AppState;
use crate::view::i18n::Tr;

/// What a signer submits, as typed.
pub struct SignInput<'a> {
    pub name: &'a str,
    pub contact: &'a str,
    pub public: bool,
    pub updates: bool,
    /// The form's fields that answer the campaign's questions (`q1`…), as sent.
    pub answers: &'a [(String, String)],
}

impl SignInput<'_> {
    /// The answers to the campaign's questions, or why each refused one was refused.
    fn read_answers(&self, campaign: &Campaign) -> Result<Answers, Vec<(usize, AnswerError)>> {
        let fields = self.answers.iter().map(|(f, v)| (f.as_str(), v.as_str()));
        campaign.questions.answer(fields)
    }
}

/// Why a request for a code was not taken.
pub enum RequestRefused {
    /// The fields did not parse; each error belongs beside its field, the answers' beside
    /// their question (by place, from 0).
    Invalid {
        name: Option<InputError>,
        contact: Option<InputError>,
        answers: Vec<(usize, AnswerError)>,
    },
    Web(WebError),
}

refused_by_errors!(RequestRefused);

/// Refuses signing anything but an open campaign, while signing is switched on.
pub fn ensure_open(
    campaign: &Campaign,
    platform: &Platform,
    now: Timestamp,
) -> Result<(), WebError> {
    if campaign.status(now) != Status::Open || platform.signing_stopped() {
        return Err(WebError::Closed);
    }
    Ok(())
}

/// The signing verification behind a code or thank-you page's address, which must belong to
/// `campaign`: another campaign's is as unknown as none.
pub async fn verification_of(
    state: &AppState,
    campaign: &Campaign,
    id: &str,
) -> Result<Verification, WebError> {
    let verification = codes::find_verification(state, id, Purpose::Sign).await?;
    if verification.campaign_id != Some(campaign.id) {
        return Err(WebError::NotFound);
    }
    Ok(verification)
}

/// Sends a code for signing `campaign`; answers the new verification's id. A contact that
/// already signed gets the same answer and a message saying so instead of a code.
pub async fn request_code(
    state: &AppState,
    platform: &Platform,
    campaign: &Campaign,
    input: &SignInput<'_>,
    peer: IpAddr,
    tr: Tr,
) -> Result<VerificationId, RequestRefused> {
    let now = Timestamp::now();
    ensure_open(campaign, platform, now)?;
    let typed = (
        PersonName::parse(input.name),
        Contact::parse(input.contact),
        input.read_answers(campaign),
    );
    let (name, contact, answers) = match typed {
        (Ok(name), Ok(contact), Ok(answers)) => (name, contact, answers),
        (name, contact, answers) => {
            return Err(RequestRefused::Invalid {
                name: name.err(),
                contact: contact.err(),
                answers: answers.err().unwrap_or_default(),
            });
        }
    };

    let contact_key = state.secret.contact_key(&contact);
    // Both answers do the same work and look the same; only the message differs.
    let already_signed = state.store.has_signed(campaign.id, &contact_key).await?;
    let verification_id = random::verification_id();
    let (code, withdraw_token, message) = fresh_code(state, campaign, &contact, already_signed, tr);
    let new = NewVerification {
        sealed_answers: sealed(state, campaign, &answers),
        id: verification_id.clone(),
        purpose: Purpose::Sign,
        campaign_id: Some(campaign.id),
        contact_key,
        channel: contact.channel(),
        code_hash: state.secret.code_hash(&verification_id, &code),
        name: Some(name),
        public: input.public,
        wants_updates: input.updates,
        // Kept, encrypted, only for a signer who asked for news; else never.
        sealed_contact: input
            .updates
            .then(|| state.secret.seal(contact.as_ref(), random::nonce())),
        withdraw_key: state.secret.withdraw_key(&withdraw_token),
        client_key: network_key(state, peer),
        email_domain: contact.email_domain().map(str::to_owned),
        destination: contact.masked(),
        at: now,
    };
    let request = CodeRequest {
        verification: new,
        message,
        limits: codes::code_limits(platform),
    };
    match state.writer.send_code(request).await? {
        CodeOutcome::Queued(_) => Ok(verification_id),
        CodeOutcome::TooManyForContact => Err(WebError::TooMany(Limited::CodesToContact).into()),
    }
}

/// Why a code was not sent again.
pub enum ResendRefused {
    /// The contact typed is not the one the code went to.
    OtherContact,
    /// The last code went out less than `RESEND_COOLDOWN` ago.
    TooSoon,
    /// The code was already sent again `RESENDS` times.
    TooMany,
    /// The contact has had its share of codes this hour.
    TooManyForContact,
    Web(WebError),
}

refused_by_errors!(ResendRefused);

/// Sends a new code for an open verification to a signer who types their contact again:
/// the contact is never kept, so it must be given once more. Wrong tries stay spent.
pub async fn resend_code(
    state: &AppState,
    platform: &Platform,
    campaign: &Campaign,
    verification: &Verification,
    typed_contact: &str,
    tr: Tr,
) -> Result<(), ResendRefused> {
    let now = Timestamp::now();
    ensure_open(campaign, platform, now)?;
    let contact = Contact::parse(typed_contact).map_err(|_| ResendRefused::OtherContact)?;
    if state.secret.contact_key(&contact) != verification.contact_key {
        return Err(ResendRefused::OtherContact);
    }
    if verification.resends >= RESENDS {
        return Err(ResendRefused::TooMany);
    }
    let already_signed = state
        .store
        .has_signed(campaign.id, &verification.contact_key)
        .await?;
    let (code, withdraw_token, message) = fresh_code(state, campaign, &contact, already_signed, tr);
    let resend = Resend {
        verification_id: verification.id.clone(),
        code_hash: state.secret.code_hash(&verification.id, &code),
        withdraw_key: state.secret.withdraw_key(&withdraw_token),
        message,
    };
    let sent_before = now.checked_sub(RESEND_COOLDOWN).unwrap_or(now);
    let per_contact = platform.codes_per_contact_per_hour();
    match state
        .store
        .resend_code(&resend, sent_before, RESENDS, per_contact, now)
        .await?
    {
        ResendOutcome::Sent => {
            state.outbox.notify_one();
            Ok(())
        }
        ResendOutcome::NotNow => Err(ResendRefused::TooSoon),
        ResendOutcome::TooManyForContact => Err(ResendRefused::TooManyForContact),
    }
}

/// Signs for a logged-in member in one step: their contact was proved when they logged in.
/// Their signature has no withdrawal link; they withdraw from their page.
pub async fn sign_as_member(
    state: &AppState,
    platform: &Platform,
    campaign: &Campaign,
    member: &Member,
    input: &SignInput<'_>,
    peer: IpAddr,
) -> Result<Counted, RequestRefused> {
    let now = Timestamp::now();
    ensure_open(campaign, platform, now)?;
    let (name, answers) = match (PersonName::parse(input.name), input.read_answers(campaign)) {
        (Ok(name), Ok(answers)) => (name, answers),
        (name, answers) => {
            return Err(RequestRefused::Invalid {
                name: name.err(),
                contact: None,
                answers: answers.err().unwrap_or_default(),
            });
        }
    };
    let confirmation = Confirmation::direct(ConfirmedSignature {
        sealed_answers: sealed(state, campaign, &answers),
        name,
        public: input.public,
        wants_updates: input.updates,
        sealed_contact: member.sealed_contact.clone().filter(|_| input.updates),
        contact_key: member.contact_key.clone(),
        withdraw_key: None,
        created_at: now,
        confirmed_at: now,
        origin: SignatureOrigin {
            network: Some(network_key(state, peer)),
            email_domain: member
                .sealed_contact
                .as_deref()
                .and_then(|sealed| state.secret.open(sealed))
                .and_then(|contact| Contact::parse(&contact).ok())
                .and_then(|contact| contact.email_domain().map(str::to_owned)),
            busy_network: false,
        },
    });
    match state
        .writer
        .confirm(campaign.id, campaign.text_version, confirmation)
        .await?
    {
        Confirmed::Signed(number) => Ok(Counted::Now(number)),
        _ => Ok(Counted::Before),
    }
}

/// The answers as the store keeps them: sealed with the platform's key, so that only the
/// delivery package reads them; none where the campaign asks nothing.
fn sealed(state: &AppState, campaign: &Campaign, answers: &Answers) -> Option<String> {
    (!campaign.questions.is_empty()).then(|| answers.seal(&state.secret, random::nonce()))
}

/// A new code and withdrawal token, and the message that carries them to `contact`.
fn fresh_code(
    state: &AppState,
    campaign: &Campaign,
    contact: &Contact,
    already_signed: bool,
    tr: Tr,
) -> (Code, WithdrawToken, OutboundMessage) {
    let code = random::code();
    let withdraw_token = random::withdraw_token();
    let message = code_message(
        state,
        campaign,
        contact,
        &code,
        &withdraw_token,
        already_signed,
        tr,
    );
    (code, withdraw_token, message)
}

fn code_message(
    state: &AppState,
    campaign: &Campaign,
    contact: &Contact,
    code: &Code,
    withdraw_token: &WithdrawToken,
    already_signed: bool,
    tr: Tr,
) -> OutboundMessage {
    let title = campaign.text.title.as_ref();
    // An SMS is one short segment with the code first; the withdrawal link goes in the
    // email, and on the thank-you page for everyone.
    let body = match (contact.channel(), already_signed) {
        (Channel::Sms, true) => tr.t("message.already_signed_sms"),
        (Channel::Sms, false) => codes::code_sms(state, tr, "message.code_sms", code),
        (Channel::Email, true) => tr.with("message.already_signed", &[("title", title)]),
        (Channel::Email, false) => {
            let withdraw = format!("{}/withdraw/{withdraw_token}", state.public_url);
            tr.with(
                "message.code",
                &[
                    ("title", title),
                    ("code", &tr.digits(code.as_ref())),
                    ("withdraw", &withdraw),
                ],
            )
        }
    };
    OutboundMessage {
        route: contact.channel().into(),
        recipient: contact.as_ref().to_owned(),
        subject: tr.with("message.subject", &[("title", title)]),
        body,
    }
}

/// A signature that stands: counted now, with its number, or counted before (the contact
/// had signed, or the code's verification was already used: what it produced stands).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Counted {
    Now(u64),
    Before,
}

/// Checks a typed code and, if it is right, counts the signature, both in the group commit:
/// the try is spent in the writer's batch, in the order codes arrive, so a crowd of guesses
/// compares no more codes than there are tries. The batch counts a wrong code against the
/// network the code was asked from; past its share, that network's new codes count as busy.
pub async fn confirm_code(
    state: &AppState,
    platform: &Platform,
    campaign: &Campaign,
    verification: &Verification,
    typed: &str,
) -> Result<Counted, CodeRefused> {
    let now = Timestamp::now();
    match verification.state(now) {
        VerificationState::Used => return Ok(Counted::Before),
        VerificationState::Expired => return Err(CodeRefused::Expired),
        VerificationState::Exhausted => return Err(CodeRefused::Exhausted),
        VerificationState::Open => {}
    }
    // A code confirmed after the campaign closed does not count.
    ensure_open(campaign, platform, now)?;
    let code = Code::parse(typed).map_err(|_| CodeRefused::Malformed)?;
    let name = verification.name.clone().ok_or(WebError::NotFound)?;
    let confirmation = Confirmation {
        signature: ConfirmedSignature {
            sealed_answers: verification.sealed_answers.clone(),
            name,
            public: verification.public,
            wants_updates: verification.wants_updates,
            sealed_contact: verification.sealed_contact.clone(),
            contact_key: verification.contact_key.clone(),
            withdraw_key: Some(verification.withdraw_key.clone()),
            created_at: verification.created_at,
            confirmed_at: now,
            origin: SignatureOrigin {
                network: Some(verification.client_key.clone()),
                email_domain: verification.email_domain.clone(),
                busy_network: verification.busy_network,
            },
        },
        code: Some(TypedCode {
            verification_id: verification.id.clone(),
            code_hash: state.secret.code_hash(&verification.id, &code),
        }),
    };
    let confirmed = state
        .writer
        .confirm(campaign.id, campaign.text_version, confirmation)
        .await?;
    match confirmed {
        Confirmed::Signed(number) => Ok(Counted::Now(number)),
        Confirmed::AlreadySigned | Confirmed::VerificationUsed => Ok(Counted::Before),
        Confirmed::WrongCode { left } => Err(match left {
            0 => CodeRefused::Exhausted,
            left => CodeRefused::WrongCode { left },
        }),
        Confirmed::NoTryLeft => Err(codes::why_no_try(state, verification, now).await),
    }
}
