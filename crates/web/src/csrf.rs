//! Cross-site request forgery protection by double submission: every visitor gets a random
//! token in a SameSite cookie, every form carries it in a hidden field, and a POST whose
//! field does not match its cookie is refused. Another site can make a browser send the
//! cookie, but cannot read it to fill in the field.

use axum::extract::Request;
use axum::http::HeaderValue;
use axum::http::header::SET_COOKIE;
use axum::middleware::Next;
use axum::response::Response;

use tomar_core::hash::constant_time_eq;

use crate::cookies::cookie;
use crate::error::WebError;
use crate::random;

const COOKIE_NAME: &str = "csrf";

/// This visitor's token, for the forms a page renders.
#[derive(Clone, Debug)]
pub struct CsrfToken(pub String);

impl CsrfToken {
    /// Checks a submitted form's token against the visitor's cookie.
    pub fn verify(&self, submitted: &str) -> Result<(), WebError> {
        if constant_time_eq(self.0.as_bytes(), submitted.as_bytes()) {
            Ok(())
        } else {
            Err(WebError::Forgery)
        }
    }
}

fn from_cookie(request: &Request) -> Option<String> {
    cookie(request, COOKIE_NAME)
        .filter(|token| token.len() == 32 && token.chars().all(|c| c.is_ascii_hexdigit()))
}

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
