//! Passwordless login, post/redirect/get like signing:
//!
//! 1. `GET /login?next=…`: one "mobile or email" field. `POST` it: a code is sent (the same
//!    limits as signing codes) → 303 to the code page.
//! 2. `GET /login/{v}`: the code form. `POST` it: the member is registered on first login,
//!    a signed session cookie is set → 303 to `next` (or `/me`).
//! 3. `POST /logout`: every session of the member ends, in every process.

use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::header::SET_COOKIE;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use jiff::Timestamp;
use serde::Deserialize;
use tomar_core::contact::Contact;
use tomar_core::session::Session;
use tomar_core::verification::{Purpose, Verification};

use crate::error::WebError;
use crate::http::auth::{self, Viewer, local_path};
use crate::http::csrf::{self, CsrfForm, CsrfToken};
use crate::http::extract::ClientIp;
use crate::rules::codes::{self, CodeRefused, CodeTexts, ContactCode};
use crate::rules::platform::{Platform, network_key};
use crate::rules::random;
use crate::state::AppState;
use crate::view::code_form::{CodeFormPage, CodeFormWords};
use crate::view::contact_form::{ContactFormPage, ContactFormWords};
use crate::view::i18n::Tr;
use crate::view::render::form_page;
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

const LOGIN: ContactFormWords = ContactFormWords {
    title: "login.title",
    intro: "login.intro",
    submit: "login.send_code",
    action: "/login",
};

fn login_form(
    tr: Tr,
    csrf: CsrfToken,
    next: String,
    contact: String,
    contact_error: Option<String>,
) -> Result<Response, WebError> {
    let refused = contact_error.is_some();
    let page = ContactFormPage::new(tr, csrf.0, LOGIN, Some(next), contact, contact_error);
    form_page(&page, refused)
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
    let sent = ContactCode {
        contact: &contact,
        purpose: Purpose::Login,
        network: network_key(&state, peer),
        // Becomes the member's sealed contact, so the platform can write to them.
        sealed_contact: Some(state.secret.seal(contact.as_ref(), random::nonce())),
        texts: CodeTexts {
            subject: "login.message_subject",
            email: "login.message",
            sms: "login.message_sms",
        },
    };
    let id = codes::send_contact_code(&state, &platform, tr, sent).await?;
    Ok(Redirect::to(&format!("/login/{id}?next={}", percent_encode(&next))).into_response())
}

/// The words of the login code page.
const LOGIN_CODE: CodeFormWords = CodeFormWords {
    title: "login.code_title",
    submit: "login.submit",
    restart: "login.start_again",
    restart_href: "/login",
};

fn code_form(
    tr: Tr,
    csrf: CsrfToken,
    verification: &Verification,
    next: String,
    message: Option<String>,
) -> Result<Response, WebError> {
    let refused = message.is_some();
    let action = format!("/login/{}", verification.id);
    let page = CodeFormPage::new(
        tr,
        csrf.0,
        verification,
        action,
        Some(next),
        LOGIN_CODE,
        message,
    );
    form_page(&page, refused)
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
    let network = network_key(&state, peer);
    let typed = codes::typed_code(&state, &platform, &network, &id, Purpose::Login, &form.code);
    let refusal = match typed.await {
        Ok(verification) => {
            let now = Timestamp::now();
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
