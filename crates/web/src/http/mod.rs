//! HTTP plumbing below the pages and the API: the middleware every request passes (security
//! headers, language, CSRF token, who is asking) and the extractors a handler names in its
//! arguments to get what it needs, or to be refused before it runs.

pub mod auth;
pub mod cookies;
pub mod csrf;
pub mod extract;
pub mod language;
pub mod security;
