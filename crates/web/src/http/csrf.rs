//! Cross-site request forgery protection by double submission: every visitor gets a random
//! token in a SameSite cookie, every form carries it in a hidden field, and a form whose
//! field does not match its cookie is refused. Another site can make a browser send the
//! cookie, but cannot read it to fill in the field.
//!
//! A state-changing handler reads its form as [`CsrfForm<T>`], which checks the token while
//! it extracts the form: a handler that takes the form any other way has no `T` to act on.

use axum::body::Body;
use axum::extract::{FromRequest, FromRequestParts, RawForm, Request};
use axum::http::HeaderValue;
use axum::http::header::SET_COOKIE;
use axum::http::request::Parts;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;
use tomar_core::hash::{constant_time_eq, is_hex};

use crate::error::WebError;
use crate::http::cookies::cookie;
use crate::http::from_extensions;
use crate::rules::random;

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

impl<S, T> FromRequest<S> for CsrfForm<T>
where
    S: Send + Sync,
    T: DeserializeOwned,
{
    type Rejection = Response;

    #[expect(
        clippy::disallowed_types,
        reason = "the one place a form is read: after its token was checked"
    )]
    async fn from_request(request: Request, state: &S) -> Result<Self, Response> {
        let (parts, body) = request.into_parts();
        let token = parts.extensions.get::<CsrfToken>().cloned();
        let RawForm(bytes) = RawForm::from_request(Request::from_parts(parts.clone(), body), state)
            .await
            .map_err(IntoResponse::into_response)?;
        let submitted = form_urlencoded::parse(&bytes)
            .find(|(key, _)| key == FIELD)
            .map(|(_, value)| value);
        token
            .ok_or(WebError::Unwired("the CSRF token"))
            .and_then(|token| token.verify(submitted.as_deref()))
            .map_err(IntoResponse::into_response)?;
        let axum::extract::Form(form) = axum::extract::Form::<T>::from_request(
            Request::from_parts(parts, Body::from(bytes)),
            state,
        )
        .await
        .map_err(IntoResponse::into_response)?;
        Ok(CsrfForm(form))
    }
}

fn from_cookie(request: &Request) -> Option<String> {
    cookie(request, COOKIE_NAME).filter(|token| is_hex(token, 32))
}

/// Gives a visitor without a token one, and puts the token in the request for the forms.
pub async fn csrf(mut request: Request, next: Next) -> Response {
    let existing = from_cookie(&request);
    let token = existing.clone().unwrap_or_else(random::token);
    request.extensions_mut().insert(CsrfToken(token.clone()));
    let mut response = next.run(request).await;
    if existing.is_none() {
        let cookie = format!("{COOKIE_NAME}={token}; Path=/; HttpOnly; SameSite=Lax");
        if let Ok(value) = HeaderValue::from_str(&cookie) {
            response.headers_mut().append(SET_COOKIE, value);
        }
    }
    response
}
