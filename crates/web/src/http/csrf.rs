//! Cross-site request forgery protection by double submission: every visitor gets a random
//! token in a SameSite cookie, every form carries it in a hidden field, and a form whose
//! field does not match its cookie is refused. Another site can make a browser send the
//! cookie, but cannot read it to fill in the field. On top, a form a browser says came
//! from another site (`Sec-Fetch-Site`, else `Origin`) is refused whatever it carries, and
//! the token is replaced when someone logs in, so one planted before is worth nothing.
//!
//! A state-changing handler reads its form as [`CsrfForm<T>`] (or its upload as
//! [`CsrfUpload`]), which checks the token while it extracts the form: a handler that takes
//! the form any other way has no `T` to act on.
//!
//! The campaign page is the same for every visitor who is not logged in, so that it can be
//! answered from memory and kept by shared caches; it carries no token for them. Its forms
//! (sign, comment, report) are read as [`PublicForm<T>`]: refused when the browser says they
//! came from another site, and checked for the token when a member sends them, since a
//! member's session is what a forged form would borrow. A visitor without a session has
//! nothing to borrow: a forged form could only do what anyone may do from anywhere.

use axum::body::Body;
use axum::extract::multipart::MultipartError;
use axum::extract::{FromRequest, FromRequestParts, RawForm, Request, State};
use axum::http::StatusCode;
use axum::http::header::SET_COOKIE;
use axum::http::request::Parts;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;
use tomar_core::hash::{constant_time_eq, is_hex};

use crate::error::WebError;
use crate::http::auth::Viewer;
use crate::http::cookies::{Jar, shared};
use crate::http::from_extensions;
use crate::rules::random;
use crate::state::AppState;

const COOKIE_NAME: &str = "csrf";
/// The form field that carries the token.
const FIELD: &str = "csrf";

/// This visitor's token, for the forms a page renders.
#[derive(Clone, Debug)]
pub struct CsrfToken(pub String);

impl CsrfToken {
    /// Checks a submitted form's token against the visitor's cookie.
    fn verify(&self, submitted: Option<&str>) -> Result<(), WebError> {
        match submitted {
            Some(submitted) if constant_time_eq(self.0.as_bytes(), submitted.as_bytes()) => Ok(()),
            _ => Err(WebError::Forgery),
        }
    }

    /// The token for the forms of a page that is the same for everyone not logged in (see
    /// [`PublicForm`]): none for them, this visitor's for a member.
    pub fn for_public_page(self, viewer: &Viewer) -> Option<String> {
        viewer.member.is_some().then_some(self.0)
    }
}

impl<S: Send + Sync> FromRequestParts<S> for CsrfToken {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<CsrfToken, WebError> {
        from_extensions(parts, "the CSRF token")
    }
}

/// A form whose CSRF token matched this visitor's cookie. A forged or tokenless form is
/// refused (403) before the handler runs; the rest is read as `T` exactly as axum's `Form`
/// reads it, with the same answers to a body that is not a form or does not fit `T`.
pub struct CsrfForm<T>(pub T);

impl<T> FromRequest<AppState> for CsrfForm<T>
where
    T: DeserializeOwned,
{
    type Rejection = Response;

    async fn from_request(request: Request, state: &AppState) -> Result<Self, Response> {
        checked_form(request, state, true).await.map(CsrfForm)
    }
}

/// A form of a page anyone not logged in sees alike (the campaign page's): refused when
/// the browser says it came from another site; its token is checked only when a member
/// sends it. See the module's documentation.
pub struct PublicForm<T>(pub T);

impl<T> FromRequest<AppState> for PublicForm<T>
where
    T: DeserializeOwned,
{
    type Rejection = Response;

    async fn from_request(request: Request, state: &AppState) -> Result<Self, Response> {
        let member = request
            .extensions()
            .get::<Viewer>()
            .is_some_and(|viewer| viewer.member.is_some());
        checked_form(request, state, member).await.map(PublicForm)
    }
}

/// Reads a form from this site as `T`, after checking its token when `token_required`.
#[expect(
    clippy::disallowed_types,
    reason = "the one place a form is read: after where it came from, and its token, were checked"
)]
async fn checked_form<T: DeserializeOwned>(
    request: Request,
    state: &AppState,
    token_required: bool,
) -> Result<T, Response> {
    let (parts, body) = request.into_parts();
    if !from_this_site(&parts, state) {
        return Err(WebError::Forgery.into_response());
    }
    let token = parts.extensions.get::<CsrfToken>().cloned();
    let RawForm(bytes) = RawForm::from_request(Request::from_parts(parts.clone(), body), state)
        .await
        .map_err(IntoResponse::into_response)?;
    if token_required {
        let submitted = form_urlencoded::parse(&bytes)
            .find(|(key, _)| key == FIELD)
            .map(|(_, value)| value);
        token
            .ok_or(WebError::Unwired("the CSRF token"))
            .and_then(|token| token.verify(submitted.as_deref()))
            .map_err(IntoResponse::into_response)?;
    }
    let axum::extract::Form(form) = axum::extract::Form::<T>::from_request(
        Request::from_parts(parts, Body::from(bytes)),
        state,
    )
    .await
    .map_err(IntoResponse::into_response)?;
    Ok(form)
}

/// A file sent with a multipart form whose CSRF token matched. The token must be the form's
/// first field (browsers send fields in page order, and Tomar's upload forms put it first),
/// so a forged upload is refused before any of its file is read. `file` is the field named
/// `file`, empty if none came; a body past the route's size limit is [`Upload::TooLarge`],
/// for the page to say so in the visitor's language.
pub struct CsrfUpload {
    pub file: Upload,
}

pub enum Upload {
    File(Vec<u8>),
    TooLarge,
}

impl FromRequest<AppState> for CsrfUpload {
    type Rejection = Response;

    #[expect(
        clippy::disallowed_types,
        reason = "the one place an upload is read: its token is checked first"
    )]
    async fn from_request(request: Request, state: &AppState) -> Result<Self, Response> {
        let refuse = |error: WebError| error.into_response();
        let (parts, body) = request.into_parts();
        if !from_this_site(&parts, state) {
            return Err(refuse(WebError::Forgery));
        }
        let token = parts
            .extensions
            .get::<CsrfToken>()
            .cloned()
            .ok_or_else(|| refuse(WebError::Unwired("the CSRF token")))?;
        let mut form =
            axum::extract::Multipart::from_request(Request::from_parts(parts, body), state)
                .await
                .map_err(|_| refuse(WebError::BadRequest))?;
        let submitted = match form.next_field().await {
            Ok(Some(field)) if field.name() == Some(FIELD) => field.text().await.ok(),
            _ => None,
        };
        token.verify(submitted.as_deref()).map_err(refuse)?;
        match file_field(&mut form).await {
            Ok(file) => Ok(CsrfUpload {
                file: Upload::File(file),
            }),
            Err(error) if error.status() == StatusCode::PAYLOAD_TOO_LARGE => Ok(CsrfUpload {
                file: Upload::TooLarge,
            }),
            Err(_) => Err(refuse(WebError::BadRequest)),
        }
    }
}

/// The rest of an upload form: the field named `file`, whatever else comes.
#[expect(
    clippy::disallowed_types,
    reason = "part of CsrfUpload, after the token was checked"
)]
async fn file_field(form: &mut axum::extract::Multipart) -> Result<Vec<u8>, MultipartError> {
    let mut file = Vec::new();
    while let Some(field) = form.next_field().await? {
        if field.name() == Some("file") {
            file = field.bytes().await?.to_vec();
        }
    }
    Ok(file)
}

/// Whether the browser says the form came from one of this site's pages. Browsers of the
/// last years send `Sec-Fetch-Site`; older ones an `Origin` on every cross-site post. A
/// client that sends neither (not a browser, or a very old one) is left to the token.
fn from_this_site(parts: &Parts, state: &AppState) -> bool {
    let header = |name| parts.headers.get(name).and_then(|v| v.to_str().ok());
    if let Some(site) = header("sec-fetch-site") {
        // `none`: the person typed the address or used a bookmark.
        return matches!(site, "same-origin" | "none");
    }
    let Some(origin) = header("origin") else {
        return true;
    };
    let host = header("host").unwrap_or_default();
    let origin = origin.trim_end_matches('/');
    origin == state.public_url
        || origin == format!("http://{host}")
        || origin == format!("https://{host}")
}

/// Gives a visitor without a token one, and puts the token in the request for the forms.
pub async fn csrf(State(state): State<AppState>, mut request: Request, next: Next) -> Response {
    let jar = Jar::of(&state);
    let existing = jar
        .read(&request, COOKIE_NAME)
        .filter(|token| is_hex(token, 32));
    let token = existing.clone().unwrap_or_else(random::token);
    request.extensions_mut().insert(CsrfToken(token.clone()));
    let mut response = next.run(request).await;
    // A handler that replaced the token (see `fresh_token`) has set the cookie itself.
    let replaced = response.extensions().get::<FreshToken>().is_some();
    if existing.is_none() && !replaced && !shared(&response) {
        response
            .headers_mut()
            .append(SET_COOKIE, jar.set(COOKIE_NAME, &token, None));
    }
    response
}

/// Marks a response that set a new token.
#[derive(Clone, Copy)]
struct FreshToken;

/// Replaces the visitor's token in `response`: the forms of the next page carry the new
/// one. Logging in does this.
pub fn fresh_token(state: &AppState, mut response: Response) -> Response {
    let cookie = Jar::of(state).set(COOKIE_NAME, &random::token(), None);
    response.headers_mut().append(SET_COOKIE, cookie);
    response.extensions_mut().insert(FreshToken);
    response
}
