//! Signing, without JavaScript and post/redirect/get throughout:
//!
//! 1. `POST /{c}/sign` (name, mobile or email, show-my-name, send-me-news): a code is sent
//!    → 303 to the code page. A contact that already signed is answered exactly alike;
//!    only the message it receives differs ("you have already signed").
//! 2. `GET /{c}/verify/{v}`: the code form; `POST` it → 303 to the thank-you page.
//!    A person whose code did not arrive types their contact again to have a new code
//!    sent (`POST /{c}/verify/{v}/resend`, after a minute, three times at most: the
//!    contact is never kept to resend to); codes per contact and per network are limited
//!    per hour (admin settings).
//! 3. `GET /{c}/signed/{v}`: the signature's number, share links, suggestions.
//!
//! The code message carries the signer's withdrawal link (see `withdraw`), so no contact
//! needs to be kept after the message is sent.

use std::net::SocketAddr;

use askama::Template;
use axum::Extension;
use axum::extract::{ConnectInfo, Form, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use jiff::Timestamp;
use serde::Deserialize;
use tomar_core::campaign::Campaign;
use tomar_core::contact::Channel;
use tomar_core::member::Member;
use tomar_core::signature::SignatureStatus;
use tomar_core::verification::{Purpose, RESENDS, Verification, VerificationState};

use crate::AppState;
use crate::auth::Viewer;
use crate::codes;
use crate::csrf::CsrfToken;
use crate::error::WebError;
use crate::i18n::Tr;
use crate::pages::campaign::{campaign_to_sign, public_campaign};
use crate::pages::render;
use crate::platform::Platform;
use crate::signing::{self, RequestRefused, ResendRefused, SignInput};
use crate::suggestions::suggestions_for;
use crate::view::{Card, Share, Shell};

const SUGGESTIONS_AFTER_SIGNING: usize = 3;

#[derive(Deserialize)]
pub struct SignForm {
    csrf: String,
    name: String,
    /// Absent when a logged-in member signs.
    #[serde(default)]
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
    /// A logged-in member signs without a contact field or a code.
    pub as_member: bool,
}

impl SignFormView {
    /// An empty form, or for a member one with their display name: the name is shown
    /// publicly unless the signer says otherwise.
    pub fn fresh(member: Option<&Member>) -> SignFormView {
        SignFormView {
            public: true,
            as_member: member.is_some(),
            name: member
                .and_then(|m| m.display_name.as_ref())
                .map(ToString::to_string)
                .unwrap_or_default(),
            ..SignFormView::default()
        }
    }
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

/// `GET /{c}/sign`: the form on a page of its own (the campaign page embeds it too).
pub async fn sign_page(
    State(state): State<AppState>,
    Extension(tr): Extension<Tr>,
    Extension(csrf): Extension<CsrfToken>,
    Extension(viewer): Extension<Viewer>,
    Path(segment): Path<String>,
) -> Result<Response, WebError> {
    let campaign = public_campaign(&state, &segment).await?;
    let platform = Platform::new(state.store.settings().await?);
    signing::ensure_open(&campaign, &platform, Timestamp::now())?;
    let form = SignFormView::fresh(viewer.member.as_ref());
    sign_form_page(&campaign, tr, csrf, form, StatusCode::OK)
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
    Extension(viewer): Extension<Viewer>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Path(segment): Path<String>,
    Form(form): Form<SignForm>,
) -> Result<Response, WebError> {
    csrf.verify(&form.csrf)?;
    let campaign = campaign_to_sign(&state, &segment).await?;
    let input = SignInput {
        name: &form.name,
        contact: &form.contact,
        public: form.public.is_some(),
        updates: form.updates.is_some(),
    };
    let path = campaign.path_segment();
    let refusal = match &viewer.member {
        Some(member) => match signing::sign_as_member(&state, &campaign, member, &input).await {
            Ok(_) => return Ok(Redirect::to(&format!("/{path}/signed")).into_response()),
            Err(refusal) => refusal,
        },
        None => match signing::request_code(&state, &campaign, &input, peer.ip(), tr).await {
            Ok(verification) => {
                return Ok(Redirect::to(&format!("/{path}/verify/{verification}")).into_response());
            }
            Err(refusal) => refusal,
        },
    };
    match refusal {
        RequestRefused::Invalid { name, contact } => {
            let view = SignFormView {
                name: form.name.chars().take(200).collect(),
                contact: form.contact.chars().take(300).collect(),
                public: input.public,
                updates: input.updates,
                name_error: name.map(|e| tr.t(e.key())),
                contact_error: contact.map(|e| tr.t(e.key())),
                as_member: viewer.member.is_some(),
            };
            sign_form_page(&campaign, tr, csrf, view, StatusCode::UNPROCESSABLE_ENTITY)
        }
        RequestRefused::Web(error) => Err(error),
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
    can_resend: bool,
}

/// The verification behind a code page, which must belong to this campaign.
async fn verification_for(
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
        can_resend: state == VerificationState::Open && verification.resends < RESENDS,
        action,
        href,
    })?;
    Ok((status, page).into_response())
}

fn thanks_path(campaign: &Campaign, verification: &Verification) -> String {
    format!("/{}/signed/{}", campaign.path_segment(), verification.id)
}

#[derive(Deserialize)]
pub struct CodePageQuery {
    resent: Option<String>,
}

pub async fn code_page(
    State(state): State<AppState>,
    Extension(tr): Extension<Tr>,
    Extension(csrf): Extension<CsrfToken>,
    Path((segment, id)): Path<(String, String)>,
    Query(query): Query<CodePageQuery>,
) -> Result<Response, WebError> {
    let campaign = public_campaign(&state, &segment).await?;
    let verification = verification_for(&state, &campaign, &id).await?;
    if verification.state(Timestamp::now()) == VerificationState::Used {
        return Ok(Redirect::to(&thanks_path(&campaign, &verification)).into_response());
    }
    let notice = query.resent.map(|_| tr.t("verify.resent"));
    verify_page(&campaign, &verification, tr, csrf, notice, StatusCode::OK)
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
    let campaign = campaign_to_sign(&state, &segment).await?;
    let verification = verification_for(&state, &campaign, &id).await?;
    let message = match signing::confirm_code(&state, &campaign, &verification, &form.code).await {
        Ok(_) => return Ok(Redirect::to(&thanks_path(&campaign, &verification)).into_response()),
        Err(refusal) => refusal.message(tr, "verify")?,
    };
    verify_page(
        &campaign,
        &verification,
        tr,
        csrf,
        Some(message),
        StatusCode::UNPROCESSABLE_ENTITY,
    )
}

#[derive(Deserialize)]
pub struct ResendForm {
    csrf: String,
    contact: String,
}

/// `POST /{c}/verify/{v}/resend`: a new code to the contact typed again → 303 to the code
/// page, which then says a new code is on its way; or the code page with why not.
#[tracing::instrument(skip_all, fields(campaign = %segment))]
pub async fn resend_code(
    State(state): State<AppState>,
    Extension(tr): Extension<Tr>,
    Extension(csrf): Extension<CsrfToken>,
    Path((segment, id)): Path<(String, String)>,
    Form(form): Form<ResendForm>,
) -> Result<Response, WebError> {
    csrf.verify(&form.csrf)?;
    let campaign = public_campaign(&state, &segment).await?;
    let verification = verification_for(&state, &campaign, &id).await?;
    let (message, status) =
        match signing::resend_code(&state, &campaign, &verification, &form.contact, tr).await {
            Ok(()) => {
                let page = format!("/{}/verify/{}?resent=1", campaign.path_segment(), id);
                return Ok(Redirect::to(&page).into_response());
            }
            Err(ResendRefused::Web(error)) => return Err(error),
            Err(ResendRefused::OtherContact) => (
                tr.t("verify.other_contact"),
                StatusCode::UNPROCESSABLE_ENTITY,
            ),
            Err(ResendRefused::TooSoon) => (tr.t("verify.too_soon"), StatusCode::TOO_MANY_REQUESTS),
            Err(ResendRefused::TooMany) => (tr.t("verify.too_many"), StatusCode::TOO_MANY_REQUESTS),
        };
    verify_page(&campaign, &verification, tr, csrf, Some(message), status)
}

#[derive(Template)]
#[template(path = "signed.html")]
struct SignedTemplate {
    shell: Shell,
    href: String,
    title: String,
    thanks: String,
    share: Share,
    suggestions: Vec<Card>,
}

/// `GET /{c}/signed/{v}`: thanks after confirming a code.
pub async fn thanks_page(
    State(state): State<AppState>,
    Extension(tr): Extension<Tr>,
    Path((segment, id)): Path<(String, String)>,
) -> Result<Response, WebError> {
    let campaign = public_campaign(&state, &segment).await?;
    let verification = verification_for(&state, &campaign, &id).await?;
    if verification.state(Timestamp::now()) != VerificationState::Used {
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
    let path = format!("/{}/signed/{id}", campaign.path_segment());
    render_thanks(&state, tr, &campaign, thanks, &path).await
}

/// `GET /{c}/signed`: thanks for a logged-in member, who signed without a code.
pub async fn member_thanks_page(
    State(state): State<AppState>,
    Extension(tr): Extension<Tr>,
    Extension(viewer): Extension<Viewer>,
    Path(segment): Path<String>,
) -> Result<Response, WebError> {
    let member = viewer.member()?;
    let campaign = public_campaign(&state, &segment).await?;
    let signature = state
        .store
        .signature_by_signer(campaign.id, &member.contact_key)
        .await?
        .ok_or(WebError::NotFound)?;
    let thanks = match signature.status {
        SignatureStatus::Confirmed => tr.with(
            "signed.number",
            &[("number", &tr.count(signature.sequence))],
        ),
        _ => tr.t("signed.already"),
    };
    let path = format!("/{}/signed", campaign.path_segment());
    render_thanks(&state, tr, &campaign, thanks, &path).await
}

async fn render_thanks(
    state: &AppState,
    tr: Tr,
    campaign: &Campaign,
    thanks: String,
    path: &str,
) -> Result<Response, WebError> {
    let now = Timestamp::now();
    let share = Share::new(
        &state.public_url,
        campaign.id,
        campaign.text.title.as_ref(),
        tr,
    );
    let suggested = suggestions_for(state, campaign, SUGGESTIONS_AFTER_SIGNING).await?;
    Ok(render(&SignedTemplate {
        shell: Shell::new(tr, tr.t("signed.title"), path),
        title: campaign.text.title.to_string(),
        thanks,
        share,
        suggestions: Card::list(&suggested, tr, now),
        href: format!("/{}", campaign.path_segment()),
    })?
    .into_response())
}
