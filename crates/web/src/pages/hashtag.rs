//! `/hashtag/{tag}`: public campaigns carrying an official hashtag.

use askama::Template;
use axum::Extension;
use axum::extract::{Path, State};
use axum::response::Html;
use tomar_core::Timestamp;
use tomar_core::names::Hashtag;

use crate::AppState;
use crate::error::WebError;
use crate::i18n::Tr;
use crate::pages::render;
use crate::view::{Card, Shell, percent_encode};

const CAMPAIGNS_PER_HASHTAG: u32 = 60;

#[derive(Template)]
#[template(path = "hashtag.html")]
struct HashtagTemplate {
    shell: Shell,
    cards: Vec<Card>,
}

#[tracing::instrument(skip(state, tr))]
pub async fn hashtag(
    State(state): State<AppState>,
    Extension(tr): Extension<Tr>,
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

/// The listing's address, with the tag percent-encoded.
pub fn hashtag_path(tag: &Hashtag) -> String {
    format!("/hashtag/{}", percent_encode(tag.as_ref()))
}
