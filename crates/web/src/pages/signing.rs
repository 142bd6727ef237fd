//! Signing, without JavaScript and post/redirect/get throughout:
//!
//! 1. `POST /{c}/sign` (name, mobile or email, show-my-name, send-me-news): a code is sent
//!    → 303 to the code page. A contact that already signed is answered exactly alike;
//!    only the message it receives differs ("you have already signed").
//! 2. `GET /{c}/verify/{v}`: the code form; `POST` it → 303 to the thank-you page.
//!    A person whose code did not arrive starts again from the form; codes per contact
//!    and per network are limited per hour (admin settings).
//! 3. `GET /{c}/signed/{v}`: the signature's number, share links, suggestions.
//!
//! The code message carries the signer's withdrawal link (see `withdraw`), so no contact
//! needs to be kept after the message is sent.

use std::net::SocketAddr;

use askama::Template;
use axum::Extension;
use axum::extract::{ConnectInfo, Form, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use jiff::{SignedDuration, Timestamp};
use serde::Deserialize;
use tomar_core::calendar::iran_date;
use tomar_core::campaign::Campaign;
use tomar_core::lifecycle::Status;
use tomar_core::message::OutboundMessage;
use tomar_core::names::{InputError, PersonName};
use tomar_core::signature::{Channel, ConfirmedSignature, Contact};
use tomar_core::verification::{Code, NewVerification, Purpose, Verification, VerificationState};
use tomar_store::Confirmation;

use crate::AppState;
use crate::csrf::CsrfToken;
use crate::error::WebError;
use crate::i18n::Tr;
use crate::pages::campaign::public_campaign;
use crate::pages::render;
use crate::platform::{Platform, network_of};
use crate::random;
use crate::view::{Card, Shell, percent_encode};

const SUGGESTIONS_AFTER_SIGNING: u32 = 3;

#[derive(Deserialize)]
pub struct SignForm {
    csrf: String,
    name: String,
    contact: String,
    public: Option<String>,
    updates: Option<String>,
}

/// What the sign form shows: the values typed so far and a message beside each field.
#[derive(Default)]
pub struct SignFormView {
    pub name: String,
    pub contact: String,
    pub public: bool,
    pub updates: bool,
    pub name_error: Option<String>,
    pub contact_error: Option<String>,
}

impl SignFormView {
    /// An empty form: the name is shown publicly unless the signer says otherwise.
    pub fn fresh() -> SignFormView {
        SignFormView {
            public: true,
            ..SignFormView::default()
        }
    }
}

fn input_message(error: &InputError, tr: Tr) -> String {
    tr.t(error.key())
}

#[derive(Template)]
#[template(path = "sign.html")]
struct SignTemplate {
    shell: Shell,
    href: String,
    action: String,
    title: String,
    csrf: String,
    form: SignFormView,
}

/// Refuses signing anything but an open campaign, while signing is switched on.
fn ensure_open(campaign: &Campaign, platform: &Platform, now: Timestamp) -> Result<(), WebError> {
    if campaign.status(now) != Status::Open || platform.signing_stopped() {
        return Err(WebError::Closed);
    }
    Ok(())
}

/// `GET /{c}/sign`: the form on a page of its own (the campaign page embeds it too).
pub async fn sign_page(
    State(state): State<AppState>,
    Extension(tr): Extension<Tr>,
    Extension(csrf): Extension<CsrfToken>,
    Path(segment): Path<String>,
) -> Result<Response, WebError> {
    let campaign = public_campaign(&state, &segment).await?;
    ensure_open(
        &campaign,
        &Platform::new(state.store.settings().await?),
        Timestamp::now(),
    )?;
    sign_form_page(&campaign, tr, csrf, SignFormView::fresh(), StatusCode::OK)
}

fn sign_form_page(
    campaign: &Campaign,
    tr: Tr,
    csrf: CsrfToken,
    form: SignFormView,
    status: StatusCode,
) -> Result<Response, WebError> {
    let href = format!("/{}", campaign.path_segment());
    let page = render(&SignTemplate {
        shell: Shell::new(tr, campaign.text.title.to_string(), &format!("{href}/sign")),
        title: campaign.text.title.to_string(),
        csrf: csrf.0,
        form,
        action: format!("{href}/sign"),
        href,
    })?;
    Ok((status, page).into_response())
}

#[tracing::instrument(skip_all, fields(campaign = %segment))]
pub async fn request_code(
    State(state): State<AppState>,
    Extension(tr): Extension<Tr>,
    Extension(csrf): Extension<CsrfToken>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Path(segment): Path<String>,
    Form(form): Form<SignForm>,
) -> Result<Response, WebError> {
    csrf.verify(&form.csrf)?;
    let campaign = public_campaign(&state, &segment).await?;
    let now = Timestamp::now();
    let platform = Platform::new(state.store.settings().await?);
    ensure_open(&campaign, &platform, now)?;

    let name = PersonName::parse(&form.name);
    let contact = Contact::parse(&form.contact);
    let (name, contact) = match (name, contact) {
        (Ok(name), Ok(contact)) => (name, contact),
        (name, contact) => {
            let view = SignFormView {
                name: form.name.chars().take(200).collect(),
                contact: form.contact.chars().take(300).collect(),
                public: form.public.is_some(),
                updates: form.updates.is_some(),
                name_error: name.err().map(|e| input_message(&e, tr)),
                contact_error: contact.err().map(|e| input_message(&e, tr)),
            };
            return sign_form_page(&campaign, tr, csrf, view, StatusCode::UNPROCESSABLE_ENTITY);
        }
    };

    let contact_key = state.secret.contact_key(&contact);
    let client_key = state.secret.client_key(&network_of(peer.ip()));
    let hour_ago = now
        .checked_sub(SignedDuration::from_hours(1))
        .unwrap_or(now);
    let (by_contact, by_network) = state
        .store
        .recent_verifications(&contact_key, &client_key, hour_ago)
        .await?;
    if by_contact >= platform.codes_per_contact_per_hour()
        || by_network >= platform.codes_per_network_per_hour()
    {
        return Err(WebError::RateLimited);
    }

    // Both answers do the same work and look the same; only the message differs.
    let already_signed = state.store.has_signed(campaign.id, &contact_key).await?;
    let verification_id = random::token();
    let code = random::code();
    let withdraw_token = random::token();
    let message = code_message(
        &state,
        &campaign,
        &contact,
        &code,
        &withdraw_token,
        already_signed,
        tr,
    );
    let new = NewVerification {
        id: verification_id.clone(),
        purpose: Purpose::Sign,
        campaign_id: Some(campaign.id),
        contact_key,
        channel: contact.channel(),
        code_hash: state.secret.code_hash(&verification_id, &code),
        name: Some(name),
        public: form.public.is_some(),
        wants_updates: form.updates.is_some(),
        // Kept, encrypted, only for a signer who asked for news; else never.
        sealed_contact: form
            .updates
            .is_some()
            .then(|| state.secret.seal(contact.as_ref(), random::nonce())),
        withdraw_key: state.secret.token_hash(&withdraw_token),
        client_key,
        at: now,
    };
    state.store.create_verification(&new, &message).await?;
    state.outbox.notify_one();
    Ok(Redirect::to(&format!(
        "/{}/verify/{verification_id}",
        campaign.path_segment()
    ))
    .into_response())
}

fn code_message(
    state: &AppState,
    campaign: &Campaign,
    contact: &Contact,
    code: &Code,
    withdraw_token: &str,
    already_signed: bool,
    tr: Tr,
) -> OutboundMessage {
    let title = campaign.text.title.as_ref();
    let body = if already_signed {
        tr.with("message.already_signed", &[("title", title)])
    } else {
        let withdraw = format!("{}/withdraw/{withdraw_token}", state.public_url);
        tr.with(
            "message.code",
            &[
                ("title", title),
                ("code", &tr.digits(code.as_ref())),
                ("withdraw", &withdraw),
            ],
        )
    };
    OutboundMessage {
        channel: contact.channel(),
        recipient: contact.as_ref().to_owned(),
        subject: tr.with("message.subject", &[("title", title)]),
        body,
    }
}

#[derive(Deserialize)]
pub struct CodeForm {
    csrf: String,
    code: String,
}

#[derive(Template)]
#[template(path = "verify.html")]
struct VerifyTemplate {
    shell: Shell,
    href: String,
    title: String,
    action: String,
    csrf: String,
    sent_to: String,
    message: Option<String>,
    can_try: bool,
}

/// The verification behind a code page, which must belong to this campaign.
async fn verification_for(
    state: &AppState,
    campaign: &Campaign,
    id: &str,
) -> Result<Verification, WebError> {
    let well_formed = id.len() == 32 && id.chars().all(|c| c.is_ascii_hexdigit());
    if !well_formed {
        return Err(WebError::NotFound);
    }
    match state.store.verification(id).await? {
        Some(v) if v.campaign_id == Some(campaign.id) && v.purpose == Purpose::Sign => Ok(v),
        _ => Err(WebError::NotFound),
    }
}

fn verify_page(
    campaign: &Campaign,
    verification: &Verification,
    tr: Tr,
    csrf: CsrfToken,
    message: Option<String>,
    status: StatusCode,
) -> Result<Response, WebError> {
    let href = format!("/{}", campaign.path_segment());
    let action = format!("{href}/verify/{}", verification.id);
    let sent_to = match verification.channel {
        Channel::Sms => tr.t("verify.sent_sms"),
        Channel::Email => tr.t("verify.sent_email"),
    };
    let state = verification.state(Timestamp::now());
    let message = message.or_else(|| match state {
        VerificationState::Open | VerificationState::Used => None,
        VerificationState::Expired => Some(tr.t("verify.expired")),
        VerificationState::Exhausted => Some(tr.t("verify.exhausted")),
    });
    let page = render(&VerifyTemplate {
        shell: Shell::new(tr, tr.t("verify.title"), &action),
        title: campaign.text.title.to_string(),
        csrf: csrf.0,
        sent_to,
        message,
        can_try: state == VerificationState::Open,
        action,
        href,
    })?;
    Ok((status, page).into_response())
}

fn thanks_path(campaign: &Campaign, verification: &Verification) -> String {
    format!("/{}/signed/{}", campaign.path_segment(), verification.id)
}

pub async fn code_page(
    State(state): State<AppState>,
    Extension(tr): Extension<Tr>,
    Extension(csrf): Extension<CsrfToken>,
    Path((segment, id)): Path<(String, String)>,
) -> Result<Response, WebError> {
    let campaign = public_campaign(&state, &segment).await?;
    let verification = verification_for(&state, &campaign, &id).await?;
    if verification.state(Timestamp::now()) == VerificationState::Used {
        return Ok(Redirect::to(&thanks_path(&campaign, &verification)).into_response());
    }
    verify_page(&campaign, &verification, tr, csrf, None, StatusCode::OK)
}

#[tracing::instrument(skip_all, fields(campaign = %segment))]
pub async fn confirm_code(
    State(state): State<AppState>,
    Extension(tr): Extension<Tr>,
    Extension(csrf): Extension<CsrfToken>,
    Path((segment, id)): Path<(String, String)>,
    Form(form): Form<CodeForm>,
) -> Result<Response, WebError> {
    csrf.verify(&form.csrf)?;
    let campaign = public_campaign(&state, &segment).await?;
    let verification = verification_for(&state, &campaign, &id).await?;
    let now = Timestamp::now();
    match verification.state(now) {
        VerificationState::Used => {
            return Ok(Redirect::to(&thanks_path(&campaign, &verification)).into_response());
        }
        VerificationState::Open => {}
        VerificationState::Expired | VerificationState::Exhausted => {
            return verify_page(
                &campaign,
                &verification,
                tr,
                csrf,
                None,
                StatusCode::UNPROCESSABLE_ENTITY,
            );
        }
    }
    // A code confirmed after the campaign closed does not count.
    ensure_open(
        &campaign,
        &Platform::new(state.store.settings().await?),
        now,
    )?;

    let matches = Code::parse(&form.code)
        .map(|code| state.secret.code_hash(&verification.id, &code) == verification.code_hash)
        .unwrap_or(false);
    if !matches {
        let left = state
            .store
            .spend_attempt(&verification.id)
            .await?
            .unwrap_or(0);
        let message = match left {
            0 => tr.t("verify.exhausted"),
            left => tr.with("verify.wrong_code", &[("left", &tr.number(left))]),
        };
        return verify_page(
            &campaign,
            &verification,
            tr,
            csrf,
            Some(message),
            StatusCode::UNPROCESSABLE_ENTITY,
        );
    }

    let name = verification.name.clone().ok_or(WebError::NotFound)?;
    let confirmation = Confirmation {
        signature: ConfirmedSignature {
            name,
            public: verification.public,
            wants_updates: verification.wants_updates,
            sealed_contact: verification.sealed_contact.clone(),
            contact_key: verification.contact_key.clone(),
            withdraw_key: Some(verification.withdraw_key.clone()),
            created_at: verification.created_at,
            confirmed_at: now,
        },
        verification_id: Some(verification.id.clone()),
    };
    let outcome = state
        .batcher
        .confirm(campaign.id, campaign.text_version, confirmation)
        .await?;
    tracing::info!(outcome = ?outcome, "signature confirmation");
    Ok(Redirect::to(&thanks_path(&campaign, &verification)).into_response())
}

#[derive(Template)]
#[template(path = "signed.html")]
struct SignedTemplate {
    shell: Shell,
    href: String,
    title: String,
    thanks: String,
    share_url: String,
    share_links: Vec<(String, String)>,
    suggestions: Vec<Card>,
}

pub async fn thanks_page(
    State(state): State<AppState>,
    Extension(tr): Extension<Tr>,
    Path((segment, id)): Path<(String, String)>,
) -> Result<Response, WebError> {
    let campaign = public_campaign(&state, &segment).await?;
    let verification = verification_for(&state, &campaign, &id).await?;
    let now = Timestamp::now();
    if verification.state(now) != VerificationState::Used {
        return Ok(Redirect::to(&format!(
            "/{}/verify/{}",
            campaign.path_segment(),
            verification.id
        ))
        .into_response());
    }
    let thanks = match verification.signature_sequence {
        Some(number) => tr.with("signed.number", &[("number", &tr.count(number))]),
        None => tr.t("signed.already"),
    };
    let share_url = format!("{}/{}", state.public_url, campaign.id);
    let text = percent_encode(campaign.text.title.as_ref());
    let url = percent_encode(&share_url);
    let share_links = vec![
        (
            tr.t("signed.share_telegram"),
            format!("https://t.me/share/url?url={url}&text={text}"),
        ),
        (
            tr.t("signed.share_whatsapp"),
            format!("https://wa.me/?text={text}%20{url}"),
        ),
        (
            tr.t("signed.share_x"),
            format!("https://x.com/intent/post?url={url}&text={text}"),
        ),
    ];
    let suggested = state
        .store
        .open_campaigns(iran_date(now), Some(campaign.id), SUGGESTIONS_AFTER_SIGNING)
        .await?;
    let href = format!("/{}", campaign.path_segment());
    Ok(render(&SignedTemplate {
        shell: Shell::new(tr, tr.t("signed.title"), &format!("{href}/signed/{id}")),
        title: campaign.text.title.to_string(),
        thanks,
        share_url,
        share_links,
        suggestions: Card::list(&suggested, tr, now),
        href,
    })?
    .into_response())
}
