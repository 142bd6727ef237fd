//! `POST /moderation/news/{id}/approve` and `.../reject`: a moderator's decision on a news
//! link listed as waiting on `/moderation`.

use axum::Router;
use axum::extract::State;
use axum::response::Response;
use axum::routing::post;
use serde::Deserialize;
use tomar_core::ids::NewsLinkId;
use tomar_core::news::NewsStatus;

use super::NoteForm;
use crate::error::WebError;
use crate::http::auth::Moderator;
use crate::http::csrf::CsrfForm;
use crate::http::extract::Decided;
use crate::rules::moderation;
use crate::state::AppState;
use crate::view::done::Done;

pub fn routes() -> Router<AppState> {
    Router::new().route("/moderation/news/{id}/{decision}", post(review))
}

/// What a moderator decided, as the address says it.
#[derive(Deserialize)]
#[serde(rename_all = "snake_case")]
enum Decision {
    Approve,
    Reject,
}

#[tracing::instrument(skip_all)]
async fn review(
    State(state): State<AppState>,
    Moderator(moderator): Moderator,
    Decided { id, decision }: Decided<Decision>,
    CsrfForm(form): CsrfForm<NoteForm>,
) -> Result<Response, WebError> {
    let (status, done) = match decision {
        Decision::Approve => (NewsStatus::Approved, Done::NewsApproved),
        Decision::Reject => (NewsStatus::Rejected, Done::NewsRejected),
    };
    let note = form.note();
    moderation::review_news(&state, NewsLinkId(id), &moderator, status, note).await?;
    Ok(done.back_to("/moderation"))
}
