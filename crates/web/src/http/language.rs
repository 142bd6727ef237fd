//! The request's language, and error pages in it.
//!
//! One middleware decides the language (`?lang=` first, which is also remembered in a
//! cookie; then the cookie; then, for the API only, `Accept-Language`; then Persian) and,
//! after the handler
//! ran, turns every error response into a page in that language, or into
//! `application/problem+json` under `/api/`. It is the one place where error responses
//! get their bodies. Handlers take the language as a [`Tr`] argument.

use axum::extract::{FromRequestParts, Request};
use axum::http::header::{ACCEPT_LANGUAGE, ALLOW, CONTENT_TYPE, SET_COOKIE, WWW_AUTHENTICATE};
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use tomar_core::language::Language;

use crate::error::{ErrorDetails, ErrorPage, WebError};
use crate::http::cookies::{cookie, shared};
use crate::http::from_extensions;
use crate::view::i18n::Tr;
use crate::view::render::error_page;

/// The translator for the request's language, as the middleware chose it.
impl<S: Send + Sync> FromRequestParts<S> for Tr {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Tr, WebError> {
        from_extensions(parts, "the request's language")
    }
}

/// An error as `application/problem+json` (RFC 9457), for the API: a title and a detail in
/// the request's language, and a message per refused field.
fn problem(tr: Tr, page: ErrorPage, status: StatusCode, details: ErrorDetails) -> Response {
    let (title_key, message_key) = page.keys();
    let errors: serde_json::Map<String, serde_json::Value> = details
        .fields
        .into_iter()
        .map(|(field, message)| (field.to_owned(), message.into()))
        .collect();
    let body = serde_json::json!({
        "type": "about:blank",
        "title": tr.t(title_key),
        "status": status.as_u16(),
        "detail": details.detail.unwrap_or_else(|| tr.t(message_key)),
        "errors": errors,
    });
    (
        status,
        [(CONTENT_TYPE, "application/problem+json")],
        body.to_string(),
    )
        .into_response()
}

const COOKIE_NAME: &str = "lang";
/// A year: the choice should outlive a browser restart, not forever.
const COOKIE_MAX_AGE: u32 = 365 * 24 * 60 * 60;

/// Where the language came from; only an explicit `?lang=` is written back to the cookie.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Source {
    Query,
    Remembered,
}

fn from_query(query: Option<&str>) -> Option<Language> {
    query?
        .split('&')
        .find_map(|pair| pair.strip_prefix("lang="))
        .and_then(Language::from_code)
}

fn from_cookie(request: &Request) -> Option<Language> {
    cookie(request, COOKIE_NAME).and_then(|code| Language::from_code(&code))
}

fn from_header(request: &Request) -> Option<Language> {
    let header = request.headers().get(ACCEPT_LANGUAGE)?.to_str().ok()?;
    Language::from_accept_language(header)
}

/// Pages are Persian unless the visitor chose English: many phones in Iran are set to
/// English, and their owners read Persian. A program calling the API says what it wants in
/// `Accept-Language`, and hears its messages in it.
fn choose(request: &Request, api: bool) -> (Language, Source) {
    if let Some(language) = from_query(request.uri().query()) {
        return (language, Source::Query);
    }
    let header = || api.then(|| from_header(request)).flatten();
    let remembered = from_cookie(request).or_else(header);
    (remembered.unwrap_or_default(), Source::Remembered)
}

/// Chooses the request's language, and renders error responses in it.
pub async fn localize(mut request: Request, next: Next) -> Response {
    let api = request.uri().path().starts_with("/api/");
    let (language, source) = choose(&request, api);
    let tr = Tr::new(language);
    request.extensions_mut().insert(tr);
    let mut response = next.run(request).await;

    match error_to_render(&response) {
        // A page asked for a login: the browser follows the redirect. A program calling the
        // API cannot log in that way, so it hears why instead.
        Some(page @ ErrorPage::LoginRequired) if api => {
            response = problem(tr, page, StatusCode::UNAUTHORIZED, ErrorDetails::default());
        }
        Some(ErrorPage::LoginRequired) | None => {}
        Some(page) => response = render_error(response, page, tr, api),
    }
    if source == Source::Query && !shared(&response) {
        let cookie = format!(
            "{COOKIE_NAME}={}; Path=/; Max-Age={COOKIE_MAX_AGE}; SameSite=Lax",
            language.code()
        );
        if let Ok(value) = HeaderValue::from_str(&cookie) {
            response.headers_mut().append(SET_COOKIE, value);
        }
    }
    response
}

/// The error response's page, or its problem+json under `/api/`, with the same status and
/// the headers that say how to do better (`Allow` on a 405, `WWW-Authenticate` on a 401).
fn render_error(response: Response, page: ErrorPage, tr: Tr, api: bool) -> Response {
    let status = response.status();
    let details = response
        .extensions()
        .get::<ErrorDetails>()
        .cloned()
        .unwrap_or_default();
    let mut rendered = match api {
        true => problem(tr, page, status, details),
        false => (status, error_page(tr, page, details)).into_response(),
    };
    for name in [ALLOW, WWW_AUTHENTICATE] {
        if let Some(value) = response.headers().get(&name) {
            rendered.headers_mut().insert(name, value.clone());
        }
    }
    rendered
}

/// The error page a response should show: one our handlers asked for, or any bare error
/// status the framework produced itself (an unmatched method, an unparsable query).
fn error_to_render(response: &Response) -> Option<ErrorPage> {
    if let Some(page) = response.extensions().get::<ErrorPage>() {
        return Some(*page);
    }
    let status = response.status();
    let has_page = response
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html") || v.starts_with("application/problem+json"));
    if has_page || !(status.is_client_error() || status.is_server_error()) {
        return None;
    }
    Some(match status {
        StatusCode::NOT_FOUND => ErrorPage::NotFound,
        StatusCode::METHOD_NOT_ALLOWED => ErrorPage::MethodNotAllowed,
        s if s.is_client_error() => ErrorPage::BadRequest,
        _ => ErrorPage::Internal,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_query_names_the_language() {
        assert_eq!(from_query(Some("a=1&lang=en")), Some(Language::En));
        assert_eq!(from_query(Some("lang=fa")), Some(Language::Fa));
        assert_eq!(from_query(Some("lang=xx")), None);
        assert_eq!(from_query(None), None);
    }
}
