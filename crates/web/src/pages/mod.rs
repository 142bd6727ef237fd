//! HTML pages, one module per page. Handlers gather domain values from the store, shape
//! them with `view`, and render a template; they never build error bodies themselves.

pub mod admin;
pub mod authoring;
pub mod campaign;
pub mod discussion;
pub mod feeds;
pub mod hashtag;
pub mod home;
pub mod listing;
pub mod login;
pub mod me;
pub mod moderation;
pub mod rules;
pub mod search;
pub mod signing;
pub mod withdraw;

use askama::Template;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};

use crate::error::{ErrorDetails, ErrorPage, WebError};
use crate::i18n::Tr;
use crate::view::Shell;

pub fn render(template: &impl Template) -> Result<Html<String>, WebError> {
    Ok(Html(template.render()?))
}

/// A page with a form: 422 when it comes back with refused fields, else 200.
pub fn form_page(template: &impl Template, refused: bool) -> Result<Response, WebError> {
    let status = if refused {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    Ok((status, render(template)?).into_response())
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorTemplate {
    shell: Shell,
    message: String,
}

/// The page for an error, in the request's language. Rendering it cannot fail in a way
/// worth another error page, so a failure falls back to the plain message.
pub fn error_page(tr: Tr, page: ErrorPage, details: ErrorDetails) -> Html<String> {
    let (title_key, message_key) = page.keys();
    let template = ErrorTemplate {
        shell: Shell::new(tr, tr.t(title_key), "/"),
        message: details.detail.unwrap_or_else(|| tr.t(message_key)),
    };
    Html(
        template
            .render()
            .unwrap_or_else(|_| template.message.clone()),
    )
}
