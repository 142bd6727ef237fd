//! `/search?q=`: public campaigns matching every word of the query, best first, with the
//! matched words marked in each title.

use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::response::Html;
use axum::routing::get;
use serde::Deserialize;
use tomar_core::Timestamp;
use tomar_core::search::SearchQuery;

use crate::error::WebError;
use crate::state::AppState;
use crate::view::i18n::Tr;
use crate::view::render::render;
use crate::view::{Card, Shell};

pub fn routes() -> Router<AppState> {
    Router::new().route("/search", get(search))
}

const RESULTS: usize = 50;

#[derive(Template)]
#[template(path = "search.html")]
struct SearchTemplate {
    shell: Shell,
    query: String,
    summary: Option<String>,
    /// Results, their titles with the matched words marked.
    hits: Vec<Card>,
}

#[derive(Deserialize)]
struct SearchParams {
    q: Option<String>,
}

async fn search(
    State(state): State<AppState>,
    tr: Tr,
    Query(params): Query<SearchParams>,
) -> Result<Html<String>, WebError> {
    let typed: String = params.q.unwrap_or_default().chars().take(200).collect();
    let query = SearchQuery::parse(&typed);
    let now = Timestamp::now();
    let (summary, hits) = match &query {
        None => (None, Vec::new()),
        Some(query) => {
            let found = state.store.search(query, RESULTS).await?;
            let summary = if found.is_empty() {
                tr.t("search.none")
            } else {
                tr.with("search.count", &[("count", &tr.count(found.len() as u64))])
            };
            let hits = found
                .iter()
                .map(|campaign| Card {
                    marked_title: Some(query.highlight(campaign.title.as_ref())),
                    ..Card::new(campaign, tr, now)
                })
                .collect();
            (Some(summary), hits)
        }
    };
    render(&SearchTemplate {
        shell: Shell::new(tr, tr.t("search.title"), "/search"),
        query: typed,
        summary,
        hits,
    })
}
