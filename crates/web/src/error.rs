//! The web layer's error type, mapped to HTTP in one place: handlers return `WebError`,
//! its response carries an [`ErrorPage`] marker and the status, and the `localize`
//! middleware renders the page in the request's language. Internal causes are logged here
//! and never shown.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use tomar_store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum WebError {
    #[error("not found")]
    NotFound,
    #[error("bad request")]
    BadRequest,
    #[error("the form's CSRF token does not match")]
    Forgery,
    #[error("too many codes requested")]
    RateLimited,
    #[error("this campaign is not open for signing")]
    Closed,
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("template: {0}")]
    Render(#[from] askama::Error),
}

/// Which error page to show.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorPage {
    NotFound,
    BadRequest,
    MethodNotAllowed,
    Forgery,
    RateLimited,
    Closed,
    Internal,
}

impl ErrorPage {
    /// Translation keys of the page's heading and text.
    pub fn keys(self) -> (&'static str, &'static str) {
        match self {
            ErrorPage::NotFound => ("error.not_found_title", "error.not_found"),
            ErrorPage::BadRequest => ("error.bad_request_title", "error.bad_request"),
            ErrorPage::MethodNotAllowed => ("error.method_title", "error.method"),
            ErrorPage::Forgery => ("error.forgery_title", "error.forgery"),
            ErrorPage::RateLimited => ("error.rate_limited_title", "error.rate_limited"),
            ErrorPage::Closed => ("error.closed_title", "error.closed"),
            ErrorPage::Internal => ("error.internal_title", "error.internal"),
        }
    }
}

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        let (status, page) = match &self {
            WebError::NotFound => (StatusCode::NOT_FOUND, ErrorPage::NotFound),
            WebError::BadRequest => (StatusCode::BAD_REQUEST, ErrorPage::BadRequest),
            WebError::Forgery => (StatusCode::FORBIDDEN, ErrorPage::Forgery),
            WebError::RateLimited => (StatusCode::TOO_MANY_REQUESTS, ErrorPage::RateLimited),
            WebError::Closed => (StatusCode::CONFLICT, ErrorPage::Closed),
            WebError::Store(_) | WebError::Render(_) => {
                tracing::error!(error = %self, "request failed");
                (StatusCode::INTERNAL_SERVER_ERROR, ErrorPage::Internal)
            }
        };
        let mut response = status.into_response();
        response.extensions_mut().insert(page);
        response
    }
}
