//! `POST /moderation/comments/{id}/hide` (with a reason) and `.../restore`: a moderator's
//! decision on a comment listed as flagged on `/moderation`.

use axum::Router;
use axum::extract::State;
use axum::response::Response;
use axum::routing::post;
use serde::Deserialize;
use tomar_core::comment::CommentStatus;
use tomar_core::ids::CommentId;

use super::NoteForm;
use crate::error::WebError;
use crate::http::auth::Moderator;
use crate::http::csrf::CsrfForm;
use crate::http::extract::Decided;
use crate::rules::moderation;
use crate::state::AppState;
use crate::view::done::Done;
use crate::view::i18n::Tr;

pub fn routes() -> Router<AppState> {
    Router::new().route("/moderation/comments/{id}/{decision}", post(review))
}

/// What a moderator decided, as the address says it.
#[derive(Deserialize)]
#[serde(rename_all = "snake_case")]
enum Decision {
    Hide,
    Restore,
}

#[tracing::instrument(skip_all)]
async fn review(
    State(state): State<AppState>,
    tr: Tr,
    Moderator(moderator): Moderator,
    Decided { id, decision }: Decided<Decision>,
    CsrfForm(form): CsrfForm<NoteForm>,
) -> Result<Response, WebError> {
    let (status, done) = match decision {
        Decision::Hide => (CommentStatus::Hidden, Done::CommentHidden),
        Decision::Restore => (CommentStatus::Visible, Done::CommentRestored),
    };
    let note = form.note();
    moderation::review_comment(&state, CommentId(id), &moderator, status, note, tr).await?;
    Ok(done.back_to("/moderation"))
}
