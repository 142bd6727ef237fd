//! Passwordless login, post/redirect/get like signing:
//!
//! 1. `GET /login?next=…`: one "mobile or email" field. `POST` it: a code is sent (the same
//!    limits as signing codes) → 303 to the code page.
//! 2. `GET /login/{v}`: the code form. `POST` it: the member is registered on first login,
//!    a signed session cookie is set → 303 to `next` (or `/me`).
//! 3. `POST /logout`: every session of the member ends, in every process.

use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::header::SET_COOKIE;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use jiff::Timestamp;
use serde::Deserialize;
use tomar_core::contact::{Channel, Contact};
use tomar_core::message::OutboundMessage;
use tomar_core::session::Session;
use tomar_core::verification::{NewVerification, Purpose, Verification};
use tomar_store::{CodeOutcome, CodeRequest, Counter};

use crate::error::{Limited, WebError};
use crate::http::auth::{self, Viewer, local_path};
use crate::http::csrf::{self, CsrfForm, CsrfToken};
use crate::http::extract::ClientIp;
use crate::rules::codes::{self, CodeRefused};
use crate::rules::platform::{Platform, network_key};
use crate::rules::random;
use crate::state::AppState;
use crate::view::Shell;
use crate::view::i18n::Tr;
use crate::view::render::form_page;
use crate::view::signing::SentTo;
use crate::view::url::percent_encode;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/login", get(login_page).post(request_code))
        .route("/login/{verification}", get(code_page).post(confirm_code))
        .route("/logout", post(logout))
}

#[derive(Deserialize)]
struct NextQuery {
    next: Option<String>,
}

#[derive(Template)]
#[template(path = "login.html")]
struct LoginTemplate {
    shell: Shell,
    csrf: String,
    next: String,
    contact: String,
    contact_error: Option<String>,
}

fn login_form(
    tr: Tr,
    csrf: CsrfToken,
    next: String,
    contact: String,
    contact_error: Option<String>,
) -> Result<Response, WebError> {
    let refused = contact_error.is_some();
    let template = LoginTemplate {
        shell: Shell::new(tr, tr.t("login.title"), "/login"),
        csrf: csrf.0,
        next,
        contact,
        contact_error,
    };
    form_page(&template, refused)
}

async fn login_page(
    tr: Tr,
    csrf: CsrfToken,
    viewer: Viewer,
    Query(query): Query<NextQuery>,
) -> Result<Response, WebError> {
    let next = local_path(query.next.as_deref());
    if viewer.member.is_some() {
        return Ok(Redirect::to(&next).into_response());
    }
    login_form(tr, csrf, next, String::new(), None)
}

#[derive(Deserialize)]
struct LoginForm {
    contact: String,
    next: Option<String>,
}

#[tracing::instrument(skip_all)]
async fn request_code(
    State(state): State<AppState>,
    tr: Tr,
    csrf: CsrfToken,
    platform: Platform,
    ClientIp(peer): ClientIp,
    CsrfForm(form): CsrfForm<LoginForm>,
) -> Result<Response, WebError> {
    let next = local_path(form.next.as_deref());
    let contact = match Contact::parse(&form.contact) {
        Ok(contact) => contact,
        Err(error) => {
            let typed = form.contact.chars().take(300).collect();
            return login_form(tr, csrf, next, typed, Some(tr.t(error.key())));
        }
    };
    let now = Timestamp::now();
    let network = network_key(&state, peer);
    // Unlike signing, logins are refused past the network's share: an account is worth a
    // crowd's codes and guesses, and a real person is rarely refused twice in an hour.
    let logins = Counter::LoginsFromNetwork(network.clone());
    if state.store.count_one(&logins, now).await? > platform.logins_per_network_per_hour() {
        return Err(WebError::TooMany(Limited::Logins));
    }
    let id = random::verification_id();
    let code = random::code();
    let new = NewVerification {
        id: id.clone(),
        purpose: Purpose::Login,
        campaign_id: None,
        contact_key: state.secret.contact_key(&contact),
        channel: contact.channel(),
        code_hash: state.secret.code_hash(&id, &code),
        name: None,
        public: false,
        wants_updates: false,
        // Becomes the member's sealed contact, so the platform can write to them.
        sealed_contact: Some(state.secret.seal(contact.as_ref(), random::nonce())),
        // A login withdraws nothing; the column wants a value, so it gets one nobody holds.
        withdraw_key: state.secret.withdraw_key(&random::withdraw_token()),
        client_key: network,
        email_domain: contact.email_domain().map(str::to_owned),
        destination: contact.masked(),
        at: now,
    };
    let message = OutboundMessage {
        channel: contact.channel(),
        recipient: contact.as_ref().to_owned(),
        subject: tr.t("login.message_subject"),
        body: match contact.channel() {
            Channel::Sms => codes::code_sms(&state, tr, "login.message_sms", &code),
            Channel::Email => tr.with("login.message", &[("code", &tr.digits(code.as_ref()))]),
        },
    };
    let request = CodeRequest {
        verification: new,
        message,
        limits: codes::code_limits(&platform),
    };
    if let CodeOutcome::TooManyForContact = state.writer.send_code(request).await? {
        return Err(WebError::TooMany(Limited::CodesToContact));
    }
    Ok(Redirect::to(&format!("/login/{id}?next={}", percent_encode(&next))).into_response())
}

#[derive(Template)]
#[template(path = "login_code.html")]
struct LoginCodeTemplate {
    shell: Shell,
    csrf: String,
    action: String,
    next: String,
    sent_to: Option<SentTo>,
    can_try: bool,
    message: Option<String>,
}

fn code_form(
    tr: Tr,
    csrf: CsrfToken,
    verification: &Verification,
    next: String,
    message: Option<String>,
) -> Result<Response, WebError> {
    let refused = message.is_some();
    let sent_to = SentTo::of(verification, tr);
    let action = format!("/login/{}", verification.id);
    let template = LoginCodeTemplate {
        shell: Shell::new(tr, tr.t("login.code_title"), &action),
        csrf: csrf.0,
        action,
        next,
        can_try: sent_to.is_some(),
        sent_to,
        message,
    };
    form_page(&template, refused)
}

async fn code_page(
    State(state): State<AppState>,
    tr: Tr,
    csrf: CsrfToken,
    Path(id): Path<String>,
    Query(query): Query<NextQuery>,
) -> Result<Response, WebError> {
    let verification = codes::find_verification(&state, &id, Purpose::Login).await?;
    code_form(
        tr,
        csrf,
        &verification,
        local_path(query.next.as_deref()),
        None,
    )
}

#[derive(Deserialize)]
struct CodeForm {
    code: String,
    next: Option<String>,
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
    let next = local_path(form.next.as_deref());
    let verification = codes::find_verification(&state, &id, Purpose::Login).await?;
    let now = Timestamp::now();
    let network = network_key(&state, peer);
    if codes::network_guesses_too_much(&state, &platform, &network, now).await? {
        return Err(WebError::TooMany(Limited::Guesses));
    }
    let checked = codes::check_code(&state, &verification, &form.code, &network, now).await;
    let refusal = match checked {
        Ok(()) => {
            let sealed = verification.sealed_contact.as_deref().unwrap_or_default();
            match state
                .store
                .log_in(&verification.id, &verification.contact_key, sealed, now)
                .await?
            {
                Some(member) => {
                    let session = Session::new(member.id, member.session_epoch, now);
                    let cookie = auth::start_session(&state, &session);
                    let response = ([(SET_COOKIE, cookie)], Redirect::to(&next)).into_response();
                    return Ok(csrf::fresh_token(&state, response));
                }
                // Another submission of the same code won the race.
                None => CodeRefused::Used,
            }
        }
        Err(refusal) => refusal,
    };
    let message = refusal.message(tr, "login")?;
    // As the try left it: after the last one, no code box and no word of a valid code.
    let verification = codes::find_verification(&state, &id, Purpose::Login).await?;
    code_form(tr, csrf, &verification, next, Some(message))
}

/// Logging out carries nothing but its token.
#[derive(Deserialize)]
struct LogoutForm {}

async fn logout(
    State(state): State<AppState>,
    viewer: Viewer,
    CsrfForm(LogoutForm {}): CsrfForm<LogoutForm>,
) -> Result<Response, WebError> {
    if let Some(member) = &viewer.member {
        state.store.end_sessions(member.id).await?;
    }
    Ok(([(SET_COOKIE, auth::end_session(&state))], Redirect::to("/")).into_response())
}
