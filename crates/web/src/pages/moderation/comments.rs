//! `POST /moderation/comments/{id}/hide` (with a reason) and `.../restore`: a moderator's
//! decision on a comment listed as flagged on `/moderation`.

use axum::Router;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::post;
use serde::Deserialize;
use tomar_core::comment::CommentStatus;
use tomar_core::ids::CommentId;

use crate::error::WebError;
use crate::http::auth::Moderator;
use crate::http::csrf::CsrfForm;
use crate::rules::moderation::{self, note};
use crate::state::AppState;
use crate::view::i18n::Tr;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/moderation/comments/{id}/hide", post(hide))
        .route("/moderation/comments/{id}/restore", post(restore))
}

#[derive(Deserialize)]
struct ReviewForm {
    note: Option<String>,
}

#[tracing::instrument(skip_all, fields(comment = id))]
async fn hide(
    State(state): State<AppState>,
    tr: Tr,
    Moderator(moderator): Moderator,
    Path(id): Path<i64>,
    CsrfForm(form): CsrfForm<ReviewForm>,
) -> Result<Response, WebError> {
    review(&state, tr, &moderator, id, CommentStatus::Hidden, form).await
}

#[tracing::instrument(skip_all, fields(comment = id))]
async fn restore(
    State(state): State<AppState>,
    tr: Tr,
    Moderator(moderator): Moderator,
    Path(id): Path<i64>,
    CsrfForm(form): CsrfForm<ReviewForm>,
) -> Result<Response, WebError> {
    review(&state, tr, &moderator, id, CommentStatus::Visible, form).await
}

async fn review(
    state: &AppState,
    tr: Tr,
    moderator: &tomar_core::member::Member,
    id: i64,
    status: CommentStatus,
    form: ReviewForm,
) -> Result<Response, WebError> {
    let note = note(form.note.as_deref());
    moderation::review_comment(state, CommentId(id), moderator, status, note, tr).await?;
    Ok(Redirect::to("/moderation#flagged").into_response())
}
