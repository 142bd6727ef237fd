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
//! 3. `GET /{c}/signed/{v}`: the signature's number, its receipt (a proof of its entry in
//!    the public log, and the code that ties it to the signer's name), share links,
//!    suggestions.
//!
//! The code message carries the signer's withdrawal link (see `withdraw`), so no contact
//! needs to be kept after the message is sent.

use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use jiff::Timestamp;
use serde::Deserialize;
use tomar_core::campaign::Campaign;
use tomar_core::questions::FIELDS;
use tomar_core::signature::SignatureStatus;
use tomar_core::verification::{RESENDS, Verification, VerificationState};

use crate::error::WebError;
use crate::http::auth::{Member, Viewer};
use crate::http::csrf::{CsrfForm, CsrfToken, PublicForm};
use crate::http::extract::{CampaignToSign, ClientIp, PublicCampaign};
use crate::rules::platform::Platform;
use crate::rules::signature_log::signer_receipt;
use crate::rules::signing::{self, RequestRefused, ResendRefused, SignInput};
use crate::rules::suggestions::suggestions_for;
use crate::state::AppState;
use crate::view::i18n::Tr;
use crate::view::render::render;
use crate::view::sign_questions::AskedQuestion;
use crate::view::signing::{SentTo, SignFormView};
use crate::view::{CampaignHead, Card, Share, Shell};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/{campaign}/sign", get(sign_page).post(request_code))
        .route(
            "/{campaign}/verify/{verification}",
            get(code_page).post(confirm_code),
        )
        .route(
            "/{campaign}/verify/{verification}/resend",
            post(resend_code),
        )
        .route("/{campaign}/signed", get(member_thanks_page))
        .route("/{campaign}/signed/{verification}", get(thanks_page))
}

const SUGGESTIONS_AFTER_SIGNING: usize = 3;

/// The sign form as sent. Read from its fields in order, since a question of several
/// choices repeats its field once per choice taken.
#[derive(Deserialize)]
#[serde(from = "Vec<(String, String)>")]
struct SignForm {
    name: String,
    /// Absent when a logged-in member signs.
    contact: String,
    public: bool,
    updates: bool,
    /// The email field, for who signs by email instead of mobile.
    email: String,
    /// The fields that answer the campaign's questions.
    answers: Vec<(String, String)>,
}

impl From<Vec<(String, String)>> for SignForm {
    fn from(fields: Vec<(String, String)>) -> SignForm {
        let mut form = SignForm {
            name: String::new(),
            contact: String::new(),
            public: false,
            updates: false,
            email: String::new(),
            answers: Vec::new(),
        };
        for (field, value) in fields {
            match field.as_str() {
                "name" => form.name = value,
                "contact" => form.contact = value,
                "email" => form.email = value,
                "public" => form.public = true,
                "updates" => form.updates = true,
                field if FIELDS.contains(&field) => form.answers.push((field.to_owned(), value)),
                _ => {}
            }
        }
        form
    }
}

impl SignForm {
    /// What was typed to be reached at: the mobile field, else the email field; and
    /// whether it was the email one.
    fn contact(&self) -> (&str, bool) {
        match self.contact.trim().is_empty() && !self.email.trim().is_empty() {
            true => (&self.email, true),
            false => (&self.contact, false),
        }
    }
}

#[derive(Template)]
#[template(path = "sign.html")]
struct SignTemplate {
    shell: Shell,
    head: CampaignHead,
    action: String,
    csrf: Option<String>,
    form: SignFormView,
}

/// The `{verification}` of a code page's address.
#[derive(Deserialize)]
struct VerificationPath {
    verification: String,
}

/// `GET /{c}/sign`: the form on a page of its own (the campaign page embeds it too).
async fn sign_page(
    tr: Tr,
    csrf: CsrfToken,
    viewer: Viewer,
    platform: Platform,
    PublicCampaign(campaign): PublicCampaign,
) -> Result<Response, WebError> {
    signing::ensure_open(&campaign, &platform, Timestamp::now())?;
    let form = SignFormView::fresh(viewer.member.as_ref(), &campaign.questions, tr);
    sign_form_page(&campaign, tr, csrf, form, StatusCode::OK)
}

fn sign_form_page(
    campaign: &Campaign,
    tr: Tr,
    csrf: CsrfToken,
    form: SignFormView,
    status: StatusCode,
) -> Result<Response, WebError> {
    let head = CampaignHead::of(campaign);
    let page = render(&SignTemplate {
        shell: head.shell(tr, head.title.clone(), "/sign"),
        action: format!("{}/sign", head.href),
        head,
        csrf: Some(csrf.0),
        form,
    })?;
    Ok((status, page).into_response())
}

#[tracing::instrument(skip_all, fields(campaign = %campaign.id))]
#[expect(
    clippy::too_many_arguments,
    reason = "each argument is an extractor: what the request must carry, not a parameter"
)]
async fn request_code(
    State(state): State<AppState>,
    tr: Tr,
    csrf: CsrfToken,
    viewer: Viewer,
    platform: Platform,
    ClientIp(peer): ClientIp,
    CampaignToSign(campaign): CampaignToSign,
    PublicForm(form): PublicForm<SignForm>,
) -> Result<Response, WebError> {
    let (contact, by_email) = form.contact();
    let input = SignInput {
        name: &form.name,
        contact,
        public: form.public,
        updates: form.updates,
        answers: &form.answers,
    };
    let path = campaign.path();
    let refusal = match &viewer.member {
        Some(member) => {
            match signing::sign_as_member(&state, &platform, &campaign, member, &input, peer).await
            {
                Ok(_) => return Ok(Redirect::to(&format!("{path}/signed")).into_response()),
                Err(refusal) => refusal,
            }
        }
        None => match signing::request_code(&state, &platform, &campaign, &input, peer, tr).await {
            Ok(verification) => {
                return Ok(Redirect::to(&format!("{path}/verify/{verification}")).into_response());
            }
            Err(refusal) => refusal,
        },
    };
    match refusal {
        RequestRefused::Invalid {
            name,
            contact,
            answers,
        } => {
            let view = SignFormView {
                name: form.name.chars().take(200).collect(),
                contact: input.contact.chars().take(300).collect(),
                public: input.public,
                updates: input.updates,
                name_error: name.map(|e| tr.t(e.key())),
                contact_error: contact.map(|e| tr.t(e.key())),
                by_email,
                as_member: viewer.member.is_some(),
                questions: AskedQuestion::list(&campaign.questions, &form.answers, &answers, tr),
            };
            sign_form_page(&campaign, tr, csrf, view, StatusCode::UNPROCESSABLE_ENTITY)
        }
        RequestRefused::Web(error) => Err(error),
    }
}

#[derive(Deserialize)]
struct CodeForm {
    code: String,
}

#[derive(Template)]
#[template(path = "verify.html")]
struct VerifyTemplate {
    shell: Shell,
    head: CampaignHead,
    action: String,
    csrf: String,
    sent_to: Option<SentTo>,
    message: Option<String>,
    can_try: bool,
    can_resend: bool,
}

fn verify_page(
    campaign: &Campaign,
    verification: &Verification,
    tr: Tr,
    csrf: CsrfToken,
    message: Option<String>,
    status: StatusCode,
) -> Result<Response, WebError> {
    let head = CampaignHead::of(campaign);
    let action = format!("{}/verify/{}", head.href, verification.id);
    let state = verification.state(Timestamp::now());
    // Where the code went, while it can still be typed: a mistyped number shows at once.
    let sent_to = SentTo::of(verification, tr);
    let message = message.or_else(|| match state {
        VerificationState::Open | VerificationState::Used => None,
        VerificationState::Expired => Some(tr.t("verify.expired")),
        VerificationState::Exhausted => Some(tr.t("verify.exhausted")),
    });
    let page = render(&VerifyTemplate {
        shell: Shell::new(tr, tr.t("verify.title"), &action),
        csrf: csrf.0,
        sent_to,
        message,
        can_try: state == VerificationState::Open,
        can_resend: state == VerificationState::Open && verification.resends < RESENDS,
        action,
        head,
    })?;
    Ok((status, page).into_response())
}

fn thanks_path(campaign: &Campaign, verification: &Verification) -> String {
    format!("{}/signed/{}", campaign.path(), verification.id)
}

#[derive(Deserialize)]
struct CodePageQuery {
    resent: Option<String>,
}

async fn code_page(
    State(state): State<AppState>,
    tr: Tr,
    csrf: CsrfToken,
    PublicCampaign(campaign): PublicCampaign,
    Path(VerificationPath { verification }): Path<VerificationPath>,
    Query(query): Query<CodePageQuery>,
) -> Result<Response, WebError> {
    let verification = signing::verification_of(&state, &campaign, &verification).await?;
    if verification.state(Timestamp::now()) == VerificationState::Used {
        return Ok(Redirect::to(&thanks_path(&campaign, &verification)).into_response());
    }
    let notice = query.resent.map(|_| tr.t("verify.resent"));
    verify_page(&campaign, &verification, tr, csrf, notice, StatusCode::OK)
}

#[tracing::instrument(skip_all, fields(campaign = %campaign.id))]
async fn confirm_code(
    State(state): State<AppState>,
    tr: Tr,
    csrf: CsrfToken,
    platform: Platform,
    CampaignToSign(campaign): CampaignToSign,
    Path(VerificationPath { verification }): Path<VerificationPath>,
    CsrfForm(form): CsrfForm<CodeForm>,
) -> Result<Response, WebError> {
    let verification = signing::verification_of(&state, &campaign, &verification).await?;
    let confirmed =
        signing::confirm_code(&state, &platform, &campaign, &verification, &form.code).await;
    let message = match confirmed {
        Ok(_) => return Ok(Redirect::to(&thanks_path(&campaign, &verification)).into_response()),
        Err(refusal) => refusal.message(tr, "verify")?,
    };
    // As the try left it: after the last one, no code box and no word of a valid code.
    let verification =
        signing::verification_of(&state, &campaign, verification.id.as_ref()).await?;
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
struct ResendForm {
    contact: String,
}

/// `POST /{c}/verify/{v}/resend`: a new code to the contact typed again → 303 to the code
/// page, which then says a new code is on its way; or the code page with why not.
#[tracing::instrument(skip_all, fields(campaign = %campaign.id))]
async fn resend_code(
    State(state): State<AppState>,
    tr: Tr,
    csrf: CsrfToken,
    platform: Platform,
    PublicCampaign(campaign): PublicCampaign,
    Path(VerificationPath { verification }): Path<VerificationPath>,
    CsrfForm(form): CsrfForm<ResendForm>,
) -> Result<Response, WebError> {
    let verification = signing::verification_of(&state, &campaign, &verification).await?;
    let resent = signing::resend_code(
        &state,
        &platform,
        &campaign,
        &verification,
        &form.contact,
        tr,
    )
    .await;
    let (message, status) = match resent {
        Ok(()) => {
            let page = format!("{}/verify/{}?resent=1", campaign.path(), verification.id);
            return Ok(Redirect::to(&page).into_response());
        }
        Err(ResendRefused::Web(error)) => return Err(error),
        Err(ResendRefused::OtherContact) => (
            tr.t("verify.other_contact"),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        Err(ResendRefused::TooSoon) => (tr.t("verify.too_soon"), StatusCode::TOO_MANY_REQUESTS),
        Err(ResendRefused::TooMany) => (tr.t("verify.too_many"), StatusCode::TOO_MANY_REQUESTS),
        Err(ResendRefused::TooManyForContact) => {
            (tr.t("error.too_many_codes"), StatusCode::TOO_MANY_REQUESTS)
        }
    };
    verify_page(&campaign, &verification, tr, csrf, Some(message), status)
}

#[derive(Template)]
#[template(path = "signed.html")]
struct SignedTemplate {
    shell: Shell,
    head: CampaignHead,
    thanks: String,
    /// Where this signer may take the signature back.
    withdraw: Option<String>,
    receipt: Option<ReceiptView>,
    share: Share,
    suggestions: Vec<Card>,
}

/// A signer's receipt on the thank-you page.
struct ReceiptView {
    /// What the receipt proves, with the signature's number.
    what: String,
    href: String,
    file_name: String,
    code: String,
    /// The key to check it with, for the command shown.
    key: String,
}

impl ReceiptView {
    async fn of(
        state: &AppState,
        tr: Tr,
        campaign: &Campaign,
        number: Option<u64>,
    ) -> Result<Option<ReceiptView>, WebError> {
        let Some(number) = number else {
            return Ok(None);
        };
        let Some(receipt) = signer_receipt(state, campaign.id, number).await? else {
            return Ok(None);
        };
        Ok(Some(ReceiptView {
            what: tr.with("receipt.what", &[("number", &tr.count(number))]),
            href: format!("/log/{}/proof/{}", campaign.id, receipt.index),
            file_name: receipt.file_name,
            code: receipt.code.to_string(),
            key: state.checkpoints.verifier_key(),
        }))
    }
}

/// `GET /{c}/signed/{v}`: thanks after confirming a code.
async fn thanks_page(
    State(state): State<AppState>,
    tr: Tr,
    PublicCampaign(campaign): PublicCampaign,
    Path(VerificationPath { verification }): Path<VerificationPath>,
) -> Result<Response, WebError> {
    let verification = signing::verification_of(&state, &campaign, &verification).await?;
    if verification.state(Timestamp::now()) != VerificationState::Used {
        return Ok(
            Redirect::to(&format!("{}/verify/{}", campaign.path(), verification.id))
                .into_response(),
        );
    }
    let thanks = match verification.signature_sequence {
        Some(number) => tr.with("signed.number", &[("number", &tr.count(number))]),
        None => tr.t("signed.already"),
    };
    let path = format!("{}/signed/{}", campaign.path(), verification.id);
    // The way back, for whoever signed here: an SMS carries no withdrawal link.
    let withdraw = verification
        .signature_sequence
        .map(|_| format!("{path}/withdraw"));
    let receipt = ReceiptView::of(&state, tr, &campaign, verification.signature_sequence).await?;
    render_thanks(&state, tr, &campaign, thanks, &path, withdraw, receipt).await
}

/// `GET /{c}/signed`: thanks for a logged-in member, who signed without a code.
async fn member_thanks_page(
    State(state): State<AppState>,
    tr: Tr,
    Member(member): Member,
    PublicCampaign(campaign): PublicCampaign,
) -> Result<Response, WebError> {
    let signature = state
        .store
        .signature_by_signer(campaign.id, &member.contact_key)
        .await?
        .ok_or(WebError::NotFound)?;
    let counted = (signature.status == SignatureStatus::Confirmed).then_some(signature.sequence);
    let thanks = match counted {
        Some(number) => tr.with("signed.number", &[("number", &tr.count(number))]),
        None => tr.t("signed.already"),
    };
    let path = format!("{}/signed", campaign.path());
    let receipt = ReceiptView::of(&state, tr, &campaign, counted).await?;
    // A member withdraws from their page.
    render_thanks(&state, tr, &campaign, thanks, &path, None, receipt).await
}

async fn render_thanks(
    state: &AppState,
    tr: Tr,
    campaign: &Campaign,
    thanks: String,
    path: &str,
    withdraw: Option<String>,
    receipt: Option<ReceiptView>,
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
        head: CampaignHead::of(campaign),
        thanks,
        withdraw,
        receipt,
        share,
        suggestions: Card::list(&suggested, tr, now),
    })?
    .into_response())
}
