//! `/hashtag/{tag}`: public campaigns carrying an official hashtag.

use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::response::Html;
use axum::routing::get;
use tomar_core::Timestamp;
use tomar_core::names::Hashtag;

use crate::error::WebError;
use crate::state::AppState;
use crate::view::i18n::Tr;
use crate::view::render::render;
use crate::view::url::hashtag_path;
use crate::view::{Card, Shell};

pub fn routes() -> Router<AppState> {
    Router::new().route("/hashtag/{tag}", get(hashtag))
}

const CAMPAIGNS_PER_HASHTAG: u32 = 60;

#[derive(Template)]
#[template(path = "hashtag.html")]
struct HashtagTemplate {
    shell: Shell,
    cards: Vec<Card>,
}

#[tracing::instrument(skip(state, tr))]
async fn hashtag(
    State(state): State<AppState>,
    tr: Tr,
    Path(tag): Path<String>,
) -> Result<Html<String>, WebError> {
    let tag = Hashtag::parse(&tag).map_err(|_| WebError::NotFound)?;
    let campaigns = state
        .store
        .campaigns_with_hashtag(&tag, CAMPAIGNS_PER_HASHTAG)
        .await?;
    let title = tr.with("hashtag.title", &[("tag", tag.as_ref())]);
    render(&HashtagTemplate {
        shell: Shell::new(tr, title, &hashtag_path(&tag)),
        cards: Card::list(&campaigns, tr, Timestamp::now()),
    })
}
