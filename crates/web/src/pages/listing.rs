//! `/campaigns`: every public campaign, filtered (open, ended, succeeded; kind; category;
//! hashtag) and sorted (most-signed, newest, trending, ending soon), paged by key.

use askama::Template;
use axum::Extension;
use axum::extract::{Query, State};
use axum::response::Html;
use jiff::{SignedDuration, Timestamp};
use serde::Deserialize;
use tomar_core::calendar::iran_date;
use tomar_core::campaign::{CampaignKind, CampaignSummary};
use tomar_core::listing::{Cursor, ListSort, ListStatus, Listing};
use tomar_core::names::{Hashtag, Line};

use crate::AppState;
use crate::error::WebError;
use crate::i18n::Tr;
use crate::pages::render;
use crate::view::{Card, Shell, percent_encode};

const PAGE_SIZE: u32 = 24;

/// A listing's query string, as typed in an address or sent by the API.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct ListingQuery {
    pub status: Option<String>,
    pub sort: Option<String>,
    pub kind: Option<String>,
    pub category: Option<String>,
    pub hashtag: Option<String>,
    pub after: Option<String>,
}

/// An empty value means "not given", as forms send it.
fn given(value: &Option<String>) -> Option<&str> {
    value.as_deref().map(str::trim).filter(|v| !v.is_empty())
}

impl ListingQuery {
    /// The listing asked for; a value that names nothing is a bad request.
    pub fn listing(&self, limit: u32) -> Result<Listing, WebError> {
        Ok(Listing {
            status: given(&self.status)
                .map(|v| ListStatus::from_name(v).ok_or(WebError::BadRequest))
                .transpose()?
                .unwrap_or_default(),
            sort: given(&self.sort)
                .map(|v| ListSort::from_name(v).ok_or(WebError::BadRequest))
                .transpose()?
                .unwrap_or_default(),
            kind: given(&self.kind)
                .map(|v| CampaignKind::from_name(v).ok_or(WebError::BadRequest))
                .transpose()?,
            category: given(&self.category)
                .map(|v| Line::parse(v, 200).map_err(|_| WebError::BadRequest))
                .transpose()?,
            hashtag: given(&self.hashtag)
                .map(|v| Hashtag::parse(v).map_err(|_| WebError::BadRequest))
                .transpose()?,
            after: given(&self.after)
                .map(|v| Cursor::parse(v).ok_or(WebError::BadRequest))
                .transpose()?,
            limit,
        })
    }
}

/// One page of a listing, and the cursor of the next page if there may be one.
pub async fn list_page(
    state: &AppState,
    listing: &Listing,
) -> Result<(Vec<CampaignSummary>, Option<Cursor>), WebError> {
    let now = Timestamp::now();
    let since = now
        .checked_sub(SignedDuration::from_hours(24))
        .unwrap_or(now);
    let page = state
        .store
        .list_campaigns(listing, iran_date(now), since)
        .await?;
    let next = (page.len() == listing.limit as usize)
        .then(|| page.last().map(|(_, cursor)| *cursor))
        .flatten();
    Ok((page.into_iter().map(|(summary, _)| summary).collect(), next))
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
pub struct Choice {
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

pub async fn campaigns(
    State(state): State<AppState>,
    Extension(tr): Extension<Tr>,
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
