//! `/campaigns`: every public campaign, filtered (open, ended, succeeded; kind; category;
//! hashtag) and sorted (most-signed, newest, trending, ending soon), paged by key.

use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::response::Html;
use axum::routing::get;
use jiff::Timestamp;
use tomar_core::listing::{Cursor, ListSort, ListStatus, Listing};

use crate::error::WebError;
use crate::rules::listing::{ListingQuery, list_page};
use crate::state::AppState;
use crate::view::i18n::Tr;
use crate::view::render::render;
use crate::view::url::percent_encode;
use crate::view::{Card, Shell};

const PAGE_SIZE: u32 = 24;

pub fn routes() -> Router<AppState> {
    Router::new().route("/campaigns", get(campaigns))
}

/// The query string of `listing` with one of its parts changed.
fn address(listing: &Listing, status: ListStatus, sort: ListSort, after: Option<Cursor>) -> String {
    let mut parts = vec![
        format!("status={}", status.name()),
        format!("sort={}", sort.name()),
    ];
    if let Some(kind) = listing.kind {
        parts.push(format!("kind={}", kind.name()));
    }
    if let Some(category) = &listing.category {
        parts.push(format!("category={}", percent_encode(category.as_ref())));
    }
    if let Some(hashtag) = &listing.hashtag {
        parts.push(format!("hashtag={}", percent_encode(hashtag.as_ref())));
    }
    if let Some(after) = after {
        parts.push(format!("after={after}"));
    }
    format!("/campaigns?{}", parts.join("&"))
}

/// A choice in the filter bar: its label, where it leads, whether it is the current one.
struct Choice {
    pub label: String,
    pub href: String,
    pub current: bool,
}

#[derive(Template)]
#[template(path = "listing.html")]
struct ListingTemplate {
    shell: Shell,
    statuses: Vec<Choice>,
    sorts: Vec<Choice>,
    filter_note: Option<String>,
    cards: Vec<Card>,
    next: Option<String>,
}

async fn campaigns(
    State(state): State<AppState>,
    tr: Tr,
    Query(query): Query<ListingQuery>,
) -> Result<Html<String>, WebError> {
    let listing = query.listing(PAGE_SIZE)?;
    let (page, next) = list_page(&state, &listing).await?;
    let now = Timestamp::now();
    let statuses = ListStatus::ALL
        .iter()
        .map(|status| Choice {
            label: tr.t(&format!("listing.status_{}", status.name())),
            href: address(&listing, *status, listing.sort, None),
            current: *status == listing.status,
        })
        .collect();
    let sorts = ListSort::ALL
        .iter()
        .map(|sort| Choice {
            label: tr.t(&format!("listing.sort_{}", sort.name())),
            href: address(&listing, listing.status, *sort, None),
            current: *sort == listing.sort,
        })
        .collect();
    let filter_note = [
        listing.kind.map(|k| tr.t(&format!("kind.{}", k.name()))),
        listing.category.as_ref().map(ToString::to_string),
        listing.hashtag.as_ref().map(|h| format!("#{h}")),
    ]
    .into_iter()
    .flatten()
    .reduce(|a, b| format!("{a} · {b}"));
    render(&ListingTemplate {
        shell: Shell::new(tr, tr.t("listing.title"), "/campaigns"),
        statuses,
        sorts,
        filter_note,
        cards: Card::list(&page, tr, now),
        next: next.map(|cursor| address(&listing, listing.status, listing.sort, Some(cursor))),
    })
}
