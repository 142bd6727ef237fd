//! `/answer/{token}`: the one-time link a moderator made for a delivered campaign's
//! addressee. `GET` shows the campaign and the answer form; the `POST` keeps the answer for
//! a moderator to check and record, and spends the link. A used, expired or unknown link
//! says so (404), as does one used by another tab meanwhile (409).

use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use tomar_core::campaign::Campaign;

use crate::error::{FieldErrors, WebError, field_error};
use crate::http::csrf::{CsrfForm, CsrfToken};
use crate::rules::responses::{self, ResponseFields};
use crate::state::AppState;
use crate::view::Shell;
use crate::view::i18n::Tr;
use crate::view::render::{form_page, render};

pub fn routes() -> Router<AppState> {
    Router::new().route("/answer/{token}", get(answer_page).post(send_answer))
}

/// Where the page stands.
#[derive(PartialEq, Eq)]
enum Stage {
    /// The form, fresh or refused.
    Asking,
    /// The answer arrived.
    Sent,
    /// The link no longer works.
    Spent,
}

#[derive(Template)]
#[template(path = "answer.html")]
struct AnswerTemplate {
    shell: Shell,
    stage: Stage,
    title: String,
    /// The campaign's public page, where the letter is.
    campaign_href: String,
    intro: String,
    csrf: String,
    action: String,
    answer: ResponseFields,
    errors: FieldErrors,
}

impl AnswerTemplate {
    fn error_for(&self, field: &str) -> Option<&str> {
        field_error(&self.errors, field)
    }

    /// The addressee writes their own answer.
    fn summary_label(&self) -> &'static str {
        "responses.answer_summary_label"
    }

    fn new(tr: Tr, stage: Stage, token: &str) -> AnswerTemplate {
        AnswerTemplate {
            shell: Shell::new(tr, tr.t("responses.answer_title"), "/answer"),
            stage,
            title: String::new(),
            campaign_href: String::new(),
            intro: String::new(),
            csrf: String::new(),
            action: format!("/answer/{token}"),
            answer: ResponseFields::default(),
            errors: FieldErrors::new(),
        }
    }

    /// The form, under the campaign's title.
    fn asking(tr: Tr, campaign: &Campaign, csrf: CsrfToken, token: &str) -> AnswerTemplate {
        AnswerTemplate {
            title: campaign.text.title.to_string(),
            campaign_href: campaign.path(),
            intro: tr.with(
                "responses.answer_intro",
                &[("count", &tr.count(campaign.signature_count))],
            ),
            csrf: csrf.0,
            ..AnswerTemplate::new(tr, Stage::Asking, token)
        }
    }
}

/// The page saying the link no longer works.
fn spent(tr: Tr, token: &str, status: StatusCode) -> Result<Response, WebError> {
    let page = render(&AnswerTemplate::new(tr, Stage::Spent, token))?;
    Ok((status, page).into_response())
}

async fn answer_page(
    State(state): State<AppState>,
    tr: Tr,
    csrf: CsrfToken,
    Path(token): Path<String>,
) -> Result<Response, WebError> {
    let Some(campaign) = responses::addressee_link_campaign(&state, &token).await? else {
        return spent(tr, &token, StatusCode::NOT_FOUND);
    };
    form_page(&AnswerTemplate::asking(tr, &campaign, csrf, &token), false)
}

async fn send_answer(
    State(state): State<AppState>,
    tr: Tr,
    csrf: CsrfToken,
    Path(token): Path<String>,
    CsrfForm(typed): CsrfForm<ResponseFields>,
) -> Result<Response, WebError> {
    let Some(campaign) = responses::addressee_link_campaign(&state, &token).await? else {
        return spent(tr, &token, StatusCode::NOT_FOUND);
    };
    match responses::submit_addressee_answer(&state, &token, &campaign, &typed, tr).await {
        Ok(()) => form_page(&AnswerTemplate::new(tr, Stage::Sent, &token), false),
        Err(WebError::Invalid { fields, .. }) => {
            let page = AnswerTemplate {
                answer: typed,
                errors: fields,
                ..AnswerTemplate::asking(tr, &campaign, csrf, &token)
            };
            form_page(&page, true)
        }
        // Another tab sent one first.
        Err(WebError::Store(tomar_store::StoreError::Conflict)) => {
            spent(tr, &token, StatusCode::CONFLICT)
        }
        Err(other) => Err(other),
    }
}
