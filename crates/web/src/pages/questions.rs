//! The author's questions for signers (a city, a profession), on a page of their own:
//!
//! - `GET /me/campaigns/{id}/questions`: the five slots of the form, filled with the
//!   campaign's questions, while it is a draft or rejected; afterwards the questions as
//!   they stand, since every signer must meet the same form.
//! - `POST` it: the questions replace the old ones whole; a refused slot comes back with
//!   its message and everything typed kept.
//!
//! Moderators see the questions in review; signers meet them on the sign form.

use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::response::Response;
use axum::routing::get;
use tomar_core::campaign::Campaign;
use tomar_core::lifecycle::Lifecycle;
use tomar_store::StoreError;

use crate::error::WebError;
use crate::http::csrf::{CsrfForm, CsrfToken};
use crate::http::extract::AuthorsCampaign;
use crate::rules::questions::{QuestionFields, SlotFields};
use crate::state::AppState;
use crate::view::Shell;
use crate::view::done::{Done, DoneQuery};
use crate::view::i18n::Tr;
use crate::view::questions::QuestionLine;
use crate::view::render::form_page;

pub fn routes() -> Router<AppState> {
    Router::new().route(
        "/me/campaigns/{id}/questions",
        get(questions_page).post(save_questions),
    )
}

/// One slot of the form as the page shows it.
struct SlotView {
    /// From 1, as the field names count.
    number: usize,
    fields: SlotFields,
    error: Option<String>,
}

#[derive(Template)]
#[template(path = "questions.html")]
struct QuestionsTemplate {
    shell: Shell,
    title: String,
    back: String,
    action: String,
    csrf: String,
    done: Option<String>,
    /// The form, while the campaign is a draft or rejected; else the questions as listed.
    editable: bool,
    slots: Vec<SlotView>,
    refused: bool,
    questions: Vec<QuestionLine>,
    /// What each slot may ask for: the value and its words.
    kinds: Vec<(&'static str, String)>,
}

fn editable(campaign: &Campaign) -> bool {
    matches!(
        campaign.lifecycle,
        Lifecycle::Draft | Lifecycle::Rejected(_)
    )
}

fn page(
    campaign: &Campaign,
    tr: Tr,
    csrf: CsrfToken,
    fields: QuestionFields,
    errors: Vec<(usize, String)>,
    done: Option<String>,
) -> Result<Response, WebError> {
    let back = format!("/me/campaigns/{}", campaign.id);
    let action = format!("{back}/questions");
    let refused = !errors.is_empty();
    let slots = fields
        .slots
        .into_iter()
        .enumerate()
        .map(|(at, fields)| SlotView {
            number: at + 1,
            fields,
            error: errors
                .iter()
                .find(|(refused, _)| *refused == at)
                .map(|(_, message)| message.clone()),
        })
        .collect();
    let template = QuestionsTemplate {
        shell: Shell::new(tr, tr.t("questions.heading"), &action),
        title: campaign.text.title.to_string(),
        back,
        action,
        csrf: csrf.0,
        done,
        editable: editable(campaign),
        slots,
        refused,
        questions: QuestionLine::list(&campaign.questions, tr),
        kinds: ["text", "one", "several"]
            .into_iter()
            .map(|kind| (kind, tr.t(&format!("questions.asks_{kind}"))))
            .collect(),
    };
    form_page(&template, refused)
}

async fn questions_page(
    tr: Tr,
    csrf: CsrfToken,
    AuthorsCampaign { campaign, .. }: AuthorsCampaign,
    Query(query): Query<DoneQuery>,
) -> Result<Response, WebError> {
    let fields = QuestionFields::of(&campaign.questions);
    let done = Done::message(&query, tr);
    page(&campaign, tr, csrf, fields, Vec::new(), done)
}

#[tracing::instrument(skip_all, fields(campaign = %campaign.id))]
async fn save_questions(
    State(state): State<AppState>,
    tr: Tr,
    csrf: CsrfToken,
    AuthorsCampaign { campaign, .. }: AuthorsCampaign,
    CsrfForm(pairs): CsrfForm<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    if !editable(&campaign) {
        return Err(WebError::Store(StoreError::Conflict));
    }
    let fields = QuestionFields::from_pairs(pairs);
    let questions = match fields.parse(tr) {
        Ok(questions) => questions,
        Err(errors) => return page(&campaign, tr, csrf, fields, errors, None),
    };
    state.store.set_questions(campaign.id, &questions).await?;
    Ok(Done::QuestionsSaved.back_to(&format!("/me/campaigns/{}/questions", campaign.id)))
}
