//! Turning a template into a response: a page, a form page that says whether it came back
//! refused, and the error page every failed request shows.

use askama::Template;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};

use crate::error::{ErrorDetails, ErrorPage, WebError};
use crate::view::Shell;
use crate::view::i18n::Tr;

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
