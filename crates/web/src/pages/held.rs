//! "What do you hold about me", for a signer without an account:
//!
//! 1. `GET /privacy/mine`: one "mobile or email" field. `POST` it: a code is sent (under the
//!    logins' limits) → 303 to the code page.
//! 2. `GET /privacy/mine/{v}`: the code form. `POST` it → 303 to the list.
//! 3. `GET /privacy/mine/{v}/held`, for half an hour after the code: every campaign this
//!    contact's signature counts on, each with a button that withdraws it and, where the
//!    contact is kept for news, one that erases it (`POST …/withdraw/{c}`, `…/forget/{c}`).
//!
//! No account is made: all that is written about the asker is the code's verification.

use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use jiff::{SignedDuration, Timestamp};
use serde::Deserialize;
use tomar_core::contact::Contact;
use tomar_core::ids::CampaignId;
use tomar_core::verification::{Purpose, Verification};
use tomar_store::SignatureOwner;

use crate::error::WebError;
use crate::http::csrf::{CsrfForm, CsrfToken};
use crate::http::extract::ClientIp;
use crate::rules::codes::{self, CodeRefused, CodeTexts, ContactCode};
use crate::rules::platform::{Platform, network_key};
use crate::state::AppState;
use crate::view::code_form::{CodeFormPage, CodeFormWords};
use crate::view::contact_form::{ContactFormPage, ContactFormWords};
use crate::view::done::{Done, DoneQuery};
use crate::view::i18n::Tr;
use crate::view::render::{form_page, render};
use crate::view::{Card, Shell};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/privacy/mine", get(ask_page).post(request_code))
        .route(
            "/privacy/mine/{verification}",
            get(code_page).post(confirm_code),
        )
        .route("/privacy/mine/{verification}/held", get(held_page))
        .route(
            "/privacy/mine/{verification}/withdraw/{campaign}",
            post(withdraw),
        )
        .route(
            "/privacy/mine/{verification}/forget/{campaign}",
            post(forget),
        )
}

/// How long the list stays open after its code was typed.
const OPEN_FOR: SignedDuration = SignedDuration::from_mins(30);

const CODE_WORDS: CodeFormWords = CodeFormWords {
    title: "held.code_title",
    submit: "held.submit",
    restart: "held.start_again",
    restart_href: "/privacy/mine",
};

const ASK: ContactFormWords = ContactFormWords {
    title: "held.title",
    intro: "held.intro",
    submit: "held.send_code",
    action: "/privacy/mine",
};

fn ask_form(
    tr: Tr,
    csrf: CsrfToken,
    contact: String,
    error: Option<String>,
) -> Result<Response, WebError> {
    let refused = error.is_some();
    form_page(
        &ContactFormPage::new(tr, csrf.0, ASK, None, contact, error),
        refused,
    )
}

async fn ask_page(tr: Tr, csrf: CsrfToken) -> Result<Response, WebError> {
    ask_form(tr, csrf, String::new(), None)
}

#[derive(Deserialize)]
struct ContactForm {
    contact: String,
}

#[tracing::instrument(skip_all)]
async fn request_code(
    State(state): State<AppState>,
    tr: Tr,
    csrf: CsrfToken,
    platform: Platform,
    ClientIp(peer): ClientIp,
    CsrfForm(form): CsrfForm<ContactForm>,
) -> Result<Response, WebError> {
    let contact = match Contact::parse(&form.contact) {
        Ok(contact) => contact,
        Err(error) => {
            let typed = form.contact.chars().take(300).collect();
            return ask_form(tr, csrf, typed, Some(tr.t(error.key())));
        }
    };
    let sent = ContactCode {
        contact: &contact,
        purpose: Purpose::Inquiry,
        network: network_key(&state, peer),
        // Nothing to write to them later: no contact is kept.
        sealed_contact: None,
        texts: CodeTexts {
            subject: "held.message_subject",
            email: "held.message",
            sms: "held.message_sms",
        },
    };
    let id = codes::send_contact_code(&state, &platform, tr, sent).await?;
    Ok(Redirect::to(&format!("/privacy/mine/{id}")).into_response())
}

fn code_form(
    tr: Tr,
    csrf: CsrfToken,
    verification: &Verification,
    message: Option<String>,
) -> Result<Response, WebError> {
    let refused = message.is_some();
    let action = format!("/privacy/mine/{}", verification.id);
    let page = CodeFormPage::new(tr, csrf.0, verification, action, None, CODE_WORDS, message);
    form_page(&page, refused)
}

async fn code_page(
    State(state): State<AppState>,
    tr: Tr,
    csrf: CsrfToken,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let verification = codes::find_verification(&state, &id, Purpose::Inquiry).await?;
    code_form(tr, csrf, &verification, None)
}

#[derive(Deserialize)]
struct CodeForm {
    code: String,
}

#[tracing::instrument(skip_all)]
async fn confirm_code(
    State(state): State<AppState>,
    tr: Tr,
    csrf: CsrfToken,
    platform: Platform,
    ClientIp(peer): ClientIp,
    Path(id): Path<String>,
    CsrfForm(form): CsrfForm<CodeForm>,
) -> Result<Response, WebError> {
    let network = network_key(&state, peer);
    let typed = codes::typed_code(
        &state,
        &platform,
        &network,
        &id,
        Purpose::Inquiry,
        &form.code,
    );
    let refusal = match typed.await {
        Ok(verification) => match state
            .store
            .open_inquiry(&verification.id, Timestamp::now())
            .await?
        {
            true => return Ok(Redirect::to(&held_path(&verification)).into_response()),
            // Another submission of the same code won the race.
            false => CodeRefused::Used,
        },
        Err(refusal) => refusal,
    };
    let message = refusal.message(tr, "held")?;
    // As the try left it: after the last one, no code box and no word of a valid code.
    let verification = codes::find_verification(&state, &id, Purpose::Inquiry).await?;
    code_form(tr, csrf, &verification, Some(message))
}

fn held_path(verification: &Verification) -> String {
    format!("/privacy/mine/{}/held", verification.id)
}

/// The inquiry whose code was typed less than [`OPEN_FOR`] ago; any other is not found.
async fn opened(state: &AppState, id: &str) -> Result<Verification, WebError> {
    let verification = codes::find_verification(state, id, Purpose::Inquiry).await?;
    let open_until = verification.consumed_at.map(|at| at + OPEN_FOR);
    match open_until {
        Some(until) if Timestamp::now() < until => Ok(verification),
        _ => Err(WebError::NotFound),
    }
}

/// A campaign the asker's signature counts on, with its forms.
struct HeldSignature {
    card: Card,
    withdraw_action: String,
    /// Where to erase the contact kept for its news, if one is.
    forget_action: Option<String>,
}

#[derive(Template)]
#[template(path = "held.html")]
struct HeldTemplate {
    shell: Shell,
    csrf: String,
    done: Option<String>,
    signatures: Vec<HeldSignature>,
}

async fn held_page(
    State(state): State<AppState>,
    tr: Tr,
    csrf: CsrfToken,
    Path(id): Path<String>,
    Query(query): Query<DoneQuery>,
) -> Result<Response, WebError> {
    let Ok(verification) = opened(&state, &id).await else {
        return Ok(Redirect::to("/privacy/mine").into_response());
    };
    let key = &verification.contact_key;
    let (signed, kept) = tokio::try_join!(
        state.store.campaigns_signed_by(key),
        state.store.contacts_kept_for_news(key),
    )?;
    let now = Timestamp::now();
    let base = format!("/privacy/mine/{}", verification.id);
    let signatures = signed
        .iter()
        .map(|summary| HeldSignature {
            card: Card::new(summary, tr, now),
            withdraw_action: format!("{base}/withdraw/{}", summary.id),
            forget_action: kept
                .contains(&summary.id)
                .then(|| format!("{base}/forget/{}", summary.id)),
        })
        .collect();
    let page = render(&HeldTemplate {
        shell: Shell::new(tr, tr.t("held.list_title"), &held_path(&verification)),
        csrf: csrf.0,
        done: Done::message(&query, tr),
        signatures,
    })?;
    Ok(page.into_response())
}

/// Both actions carry nothing but their token.
#[derive(Deserialize)]
struct ActionForm {}

async fn withdraw(
    State(state): State<AppState>,
    Path((id, campaign)): Path<(String, i64)>,
    CsrfForm(ActionForm {}): CsrfForm<ActionForm>,
) -> Result<Response, WebError> {
    let verification = opened(&state, &id).await?;
    let owner = SignatureOwner::Signer(CampaignId(campaign), &verification.contact_key);
    state
        .store
        .withdraw_signature(&owner, Timestamp::now())
        .await?
        .ok_or(WebError::NotFound)?;
    Ok(Done::SignatureWithdrawn.back_to(&held_path(&verification)))
}

async fn forget(
    State(state): State<AppState>,
    Path((id, campaign)): Path<(String, i64)>,
    CsrfForm(ActionForm {}): CsrfForm<ActionForm>,
) -> Result<Response, WebError> {
    let verification = opened(&state, &id).await?;
    let key = &verification.contact_key;
    if !state
        .store
        .forget_contact(CampaignId(campaign), key)
        .await?
    {
        return Err(WebError::NotFound);
    }
    Ok(Done::ContactForgotten.back_to(&held_path(&verification)))
}
