//! `GET /moderation/log?before=`: every moderation event, newest first, paged by key.

use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::response::Html;
use axum::routing::get;
use serde::Deserialize;

use crate::error::WebError;
use crate::http::auth::Moderator;
use crate::state::AppState;
use crate::view::Shell;
use crate::view::i18n::Tr;
use crate::view::moderation::EventLine;
use crate::view::render::render;

/// Events on one page of the log.
const LOG_PAGE: u32 = 50;

pub fn routes() -> Router<AppState> {
    Router::new().route("/moderation/log", get(log))
}

#[derive(Template)]
#[template(path = "moderation_log.html")]
struct LogTemplate {
    shell: Shell,
    events: Vec<EventLine>,
    next: Option<String>,
}

#[derive(Deserialize)]
struct LogQuery {
    before: Option<i64>,
}

async fn log(
    State(state): State<AppState>,
    tr: Tr,
    Moderator(_): Moderator,
    Query(query): Query<LogQuery>,
) -> Result<Html<String>, WebError> {
    let page = state.store.moderation_log(query.before, LOG_PAGE).await?;
    let next = (page.len() == LOG_PAGE as usize)
        .then(|| {
            page.last()
                .map(|logged| format!("/moderation/log?before={}", logged.id))
        })
        .flatten();
    render(&LogTemplate {
        shell: Shell::new(tr, tr.t("moderation.log_title"), "/moderation/log"),
        events: EventLine::list(&page, tr),
        next,
    })
}
