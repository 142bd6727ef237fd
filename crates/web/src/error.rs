//! The web layer's error type, mapped to HTTP in one place: handlers and extractors return
//! `WebError`, its response carries an [`ErrorPage`] marker and the status, and the
//! language middleware (`http::language`) renders the page, or the API's problem+json, in
//! the request's language. Internal causes are logged here and never shown.

use axum::http::StatusCode;
use axum::http::header::LOCATION;
use axum::response::{IntoResponse, Redirect, Response};
use tomar_store::StoreError;

use crate::view::i18n::Tr;
use crate::view::url::percent_encode;

/// Refused fields: each field's name and the message that belongs beside it.
pub type FieldErrors = Vec<(&'static str, String)>;

/// The message that belongs beside `field`, if it was refused.
pub fn field_error<'a>(errors: &'a FieldErrors, field: &str) -> Option<&'a str> {
    errors
        .iter()
        .find(|(name, _)| *name == field)
        .map(|(_, message)| message.as_str())
}

#[derive(Debug, thiserror::Error)]
pub enum WebError {
    #[error("not found")]
    NotFound,
    /// What was asked for now lives at this address (a campaign merged into another).
    #[error("moved permanently to {0}")]
    MovedTo(String),
    #[error("bad request")]
    BadRequest,
    #[error("the form's CSRF token does not match")]
    Forgery,
    /// The visitor, their contact or their network has had its share of this for the hour.
    #[error("too many: {0:?}")]
    TooMany(Limited),
    #[error("this campaign is not open for signing")]
    Closed,
    /// The page is for members: the visitor is sent to log in and come back to `next`
    /// (the API answers 401 instead).
    #[error("login required")]
    LoginRequired { next: String },
    /// The campaign does not take comments now.
    #[error("discussion closed")]
    DiscussionClosed,
    /// An admin's switch has paused this for everyone.
    #[error("paused by the platform")]
    Paused,
    /// The member's role does not allow this.
    #[error("forbidden")]
    Forbidden,
    /// A moderator tried to review a campaign they wrote.
    #[error("a moderator's own campaign")]
    OwnCampaign,
    /// Input that was understood but refused; messages already in the request's language.
    #[error("invalid input: {detail}")]
    Invalid { detail: String, fields: FieldErrors },
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("template: {0}")]
    Render(#[from] askama::Error),
    /// A value a middleware puts in every request is not there: the route is outside the
    /// layer that provides it.
    #[error("{0} is missing: its middleware does not wrap this route")]
    Unwired(&'static str),
}

impl WebError {
    /// One refused field, with the message under `key` beside it and as the page's detail.
    pub fn invalid_field(tr: Tr, field: &'static str, key: &str) -> WebError {
        WebError::Invalid {
            detail: tr.t(key),
            fields: vec![(field, tr.t(key))],
        }
    }
}

/// What a refused request had too many of in the hour, each with its own explanation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Limited {
    /// Codes sent to one number or email.
    CodesToContact,
    /// Login codes asked for from one network.
    Logins,
    /// Wrong codes typed from one network.
    Guesses,
    /// Comments and news links from one network.
    Posts,
    /// Reports of comments from one network.
    Reports,
    /// Campaigns sent for review by one member or from one network.
    Submissions,
}

/// Which error page to show.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorPage {
    /// Pages redirect to the login page; the API answers 401.
    LoginRequired,
    NotFound,
    BadRequest,
    MethodNotAllowed,
    Forgery,
    TooMany(Limited),
    Closed,
    Forbidden,
    OwnCampaign,
    Paused,
    Conflict,
    DiscussionClosed,
    Invalid,
    Internal,
}

/// What an error response says beyond its kind: a specific message, messages per field.
#[derive(Clone, Debug, Default)]
pub struct ErrorDetails {
    pub detail: Option<String>,
    pub fields: FieldErrors,
}

impl ErrorPage {
    /// Translation keys of the page's heading and text.
    pub fn keys(self) -> (&'static str, &'static str) {
        match self {
            ErrorPage::LoginRequired => ("error.login_required_title", "error.login_required"),
            ErrorPage::NotFound => ("error.not_found_title", "error.not_found"),
            ErrorPage::BadRequest => ("error.bad_request_title", "error.bad_request"),
            ErrorPage::MethodNotAllowed => ("error.method_title", "error.method"),
            ErrorPage::Forgery => ("error.forgery_title", "error.forgery"),
            ErrorPage::TooMany(limited) => ("error.too_many_title", limited.key()),
            ErrorPage::Closed => ("error.closed_title", "error.closed"),
            ErrorPage::Forbidden => ("error.forbidden_title", "error.forbidden"),
            ErrorPage::OwnCampaign => ("error.forbidden_title", "moderation.own_campaign"),
            ErrorPage::Paused => ("error.paused_title", "error.paused"),
            ErrorPage::Conflict => ("error.conflict_title", "error.conflict"),
            ErrorPage::DiscussionClosed => {
                ("error.discussion_closed_title", "error.discussion_closed")
            }
            ErrorPage::Invalid => ("error.invalid_title", "error.invalid"),
            ErrorPage::Internal => ("error.internal_title", "error.internal"),
        }
    }
}

impl Limited {
    fn key(self) -> &'static str {
        match self {
            Limited::CodesToContact => "error.too_many_codes",
            Limited::Logins => "error.too_many_logins",
            Limited::Guesses => "error.too_many_guesses",
            Limited::Posts => "error.too_many_posts",
            Limited::Reports => "error.too_many_reports",
            Limited::Submissions => "error.too_many_submissions",
        }
    }
}

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        let (status, page, details) = match self {
            WebError::NotFound => (StatusCode::NOT_FOUND, ErrorPage::NotFound, None),
            WebError::BadRequest => (StatusCode::BAD_REQUEST, ErrorPage::BadRequest, None),
            WebError::Forgery => (StatusCode::FORBIDDEN, ErrorPage::Forgery, None),
            WebError::TooMany(limited) => (
                StatusCode::TOO_MANY_REQUESTS,
                ErrorPage::TooMany(limited),
                None,
            ),
            WebError::Closed => (StatusCode::CONFLICT, ErrorPage::Closed, None),
            WebError::Forbidden => (StatusCode::FORBIDDEN, ErrorPage::Forbidden, None),
            WebError::OwnCampaign => (StatusCode::FORBIDDEN, ErrorPage::OwnCampaign, None),
            WebError::Paused => (StatusCode::SERVICE_UNAVAILABLE, ErrorPage::Paused, None),
            WebError::DiscussionClosed => (StatusCode::CONFLICT, ErrorPage::DiscussionClosed, None),
            WebError::MovedTo(to) => {
                return (StatusCode::MOVED_PERMANENTLY, [(LOCATION, to)]).into_response();
            }
            WebError::LoginRequired { next } => {
                let to = format!("/login?next={}", percent_encode(&next));
                let mut response = Redirect::to(&to).into_response();
                response.extensions_mut().insert(ErrorPage::LoginRequired);
                return response;
            }
            WebError::Invalid { detail, fields } => (
                StatusCode::UNPROCESSABLE_ENTITY,
                ErrorPage::Invalid,
                Some(ErrorDetails {
                    detail: Some(detail),
                    fields,
                }),
            ),
            WebError::Store(StoreError::NotFound(_)) => {
                (StatusCode::NOT_FOUND, ErrorPage::NotFound, None)
            }
            // Someone else changed the item first, or it is past the state this asks for.
            WebError::Store(StoreError::Conflict) => {
                (StatusCode::CONFLICT, ErrorPage::Conflict, None)
            }
            internal @ (WebError::Store(_) | WebError::Render(_) | WebError::Unwired(_)) => {
                tracing::error!(error = %internal, "request failed");
                (StatusCode::INTERNAL_SERVER_ERROR, ErrorPage::Internal, None)
            }
        };
        let mut response = status.into_response();
        response.extensions_mut().insert(page);
        if let Some(details) = details {
            response.extensions_mut().insert(details);
        }
        response
    }
}
