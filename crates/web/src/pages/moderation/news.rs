//! `POST /moderation/news/{id}/approve` and `.../reject`: a moderator's decision on a news
//! link listed as waiting on `/moderation`.

use axum::Router;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::post;
use serde::Deserialize;
use tomar_core::ids::NewsLinkId;
use tomar_core::news::NewsStatus;

use crate::error::WebError;
use crate::http::auth::Moderator;
use crate::http::csrf::CsrfForm;
use crate::rules::moderation::{self, note};
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/moderation/news/{id}/approve", post(approve))
        .route("/moderation/news/{id}/reject", post(reject))
}

#[derive(Deserialize)]
struct ReviewForm {
    note: Option<String>,
}

#[tracing::instrument(skip_all, fields(link = id))]
async fn approve(
    State(state): State<AppState>,
    Moderator(moderator): Moderator,
    Path(id): Path<i64>,
    CsrfForm(form): CsrfForm<ReviewForm>,
) -> Result<Response, WebError> {
    let note = note(form.note.as_deref());
    moderation::review_news(
        &state,
        NewsLinkId(id),
        &moderator,
        NewsStatus::Approved,
        note,
    )
    .await?;
    Ok(Redirect::to("/moderation#news").into_response())
}

#[tracing::instrument(skip_all, fields(link = id))]
async fn reject(
    State(state): State<AppState>,
    Moderator(moderator): Moderator,
    Path(id): Path<i64>,
    CsrfForm(form): CsrfForm<ReviewForm>,
) -> Result<Response, WebError> {
    let note = note(form.note.as_deref());
    moderation::review_news(
        &state,
        NewsLinkId(id),
        &moderator,
        NewsStatus::Rejected,
        note,
    )
    .await?;
    Ok(Redirect::to("/moderation#news").into_response())
}
