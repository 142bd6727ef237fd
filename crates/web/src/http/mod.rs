//! HTTP plumbing below the pages and the API: the middleware every request passes (security
//! headers, language, CSRF token, who is asking, what it cost) and the extractors a handler names in its
//! arguments to get what it needs, or to be refused before it runs.

pub mod auth;
pub mod cookies;
pub mod csrf;
pub mod extract;
pub mod language;
pub mod metrics;
pub mod page_cache;
pub mod proxies;
pub mod public_pages;
pub mod security;

use axum::http::request::Parts;

use crate::error::WebError;

/// A value a middleware put in every request, for the extractor that hands it to handlers;
/// missing only when the route is outside that middleware (`what` says which).
fn from_extensions<T: Clone + Send + Sync + 'static>(
    parts: &Parts,
    what: &'static str,
) -> Result<T, WebError> {
    parts
        .extensions
        .get::<T>()
        .cloned()
        .ok_or(WebError::Unwired(what))
}
