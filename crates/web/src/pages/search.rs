//! `/search?q=`: public campaigns matching every word of the query, best first, with the
//! matched words marked in each title. When nothing matches, open campaigns that match some
//! of the words, or else the busiest open ones, so a search never ends at a blank page.

use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::response::Html;
use axum::routing::get;
use serde::Deserialize;
use tomar_core::Timestamp;
use tomar_core::campaign::CampaignSummary;
use tomar_core::lifecycle::Status;
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

/// Open campaigns offered when a search finds nothing.
const RELATED: usize = 4;

#[derive(Template)]
#[template(path = "search.html")]
struct SearchTemplate {
    shell: Shell,
    query: String,
    summary: Option<String>,
    /// Results, their titles with the matched words marked.
    hits: Vec<Card>,
    /// Open campaigns to offer when there are no results.
    related: Vec<Card>,
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
    let related = match (&query, hits.is_empty()) {
        (Some(query), true) => Card::list(&related(&state, query).await?, tr, now),
        _ => Vec::new(),
    };
    render(&SearchTemplate {
        shell: Shell::new(tr, tr.t("search.title"), "/search"),
        query: typed,
        summary,
        hits,
        related,
    })
}

/// Open campaigns near a query that matched nothing whole: those that match one of its
/// words of three letters or more (`که`, `از`, `در` would match everything), in the order
/// of the words, else the busiest open campaigns now.
async fn related(state: &AppState, query: &SearchQuery) -> Result<Vec<CampaignSummary>, WebError> {
    let now = Timestamp::now();
    let mut related: Vec<CampaignSummary> = Vec::new();
    for term in query
        .terms()
        .iter()
        .filter(|term| term.chars().count() >= 3)
    {
        let Some(single) = SearchQuery::parse(term) else {
            continue;
        };
        for campaign in state.store.search(&single, RESULTS).await? {
            let open = campaign.status(now) == Status::Open;
            if open && related.len() < RELATED && related.iter().all(|c| c.id != campaign.id) {
                related.push(campaign);
            }
        }
    }
    if related.is_empty() {
        let busiest = state.trending.open_campaigns(&state.store).await?;
        related = busiest
            .iter()
            .take(RELATED)
            .map(|(summary, _)| summary.clone())
            .collect();
    }
    Ok(related)
}
