//! `/`: what is moving now (the last day's signatures), the newest and the most-signed open
//! campaigns, the campaigns that succeeded, the platform's totals, a search box and the way
//! to start a campaign.

use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::response::Html;
use axum::routing::get;
use std::collections::BTreeMap;

use tomar_core::Timestamp;
use tomar_core::campaign::CampaignSummary;
use tomar_core::listing::{ListSort, ListStatus, Listing};

use crate::error::WebError;
use crate::rules::listing::list_page;
use crate::state::AppState;
use crate::view::i18n::Tr;
use crate::view::render::render;
use crate::view::url::percent_encode;
use crate::view::{Card, Shell};

pub fn routes() -> Router<AppState> {
    Router::new().route("/", get(home))
}

/// Campaigns in each section of the home page.
const PER_SECTION: u32 = 4;

/// A section of the home page, with the listing that shows all of it.
struct Section {
    heading: String,
    more_href: String,
    cards: Vec<Card>,
}

/// How many categories the home page offers, the busiest first.
const CATEGORIES: usize = 10;

/// A category of open campaigns, as a way into the listing.
struct CategoryLink {
    name: String,
    href: String,
    count: String,
}

#[derive(Template)]
#[template(path = "home.html")]
struct HomeTemplate {
    shell: Shell,
    totals: String,
    categories: Vec<CategoryLink>,
    sections: Vec<Section>,
}

/// The categories of the open campaigns, by how many campaigns each has, then by name;
/// read from the trending snapshot, so the home page costs no query for them.
fn categories(open: &[CampaignSummary], tr: Tr) -> Vec<CategoryLink> {
    let mut counts: BTreeMap<&str, u64> = BTreeMap::new();
    for category in open.iter().filter_map(|summary| summary.category.as_ref()) {
        *counts.entry(category.as_ref()).or_default() += 1;
    }
    let mut ranked: Vec<(&str, u64)> = counts.into_iter().collect();
    ranked.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(b.0)));
    ranked
        .into_iter()
        .take(CATEGORIES)
        .map(|(name, count)| CategoryLink {
            name: name.to_owned(),
            href: format!("/campaigns?category={}", percent_encode(name)),
            count: tr.count(count),
        })
        .collect()
}

#[tracing::instrument(skip_all)]
async fn home(State(state): State<AppState>, tr: Tr) -> Result<Html<String>, WebError> {
    let now = Timestamp::now();
    // Each campaign shows in the first section it belongs to, so every list asks for
    // enough to fill its section after the ones above took theirs.
    let listing = |status: ListStatus, sort: ListSort| Listing {
        status,
        sort,
        limit: PER_SECTION * 4,
        ..Listing::default()
    };
    let choices = [
        ("home.newest", listing(ListStatus::Open, ListSort::New)),
        ("home.most_signed", listing(ListStatus::Open, ListSort::Top)),
        (
            "home.succeeded",
            listing(ListStatus::Succeeded, ListSort::New),
        ),
    ];
    let (newest, top, succeeded) = tokio::try_join!(
        list_page(&state, &choices[0].1),
        list_page(&state, &choices[1].1),
        list_page(&state, &choices[2].1),
    )?;
    let (campaigns, signatures) = state.store.totals().await?;
    // Trending is counted at most every few seconds, for every page that wants it.
    let active = state.trending.open_campaigns(&state.store).await?;
    let open: Vec<CampaignSummary> = active.iter().map(|(summary, _)| summary.clone()).collect();
    let trending: Vec<_> = open.iter().take(PER_SECTION as usize).cloned().collect();
    let trending_listing = listing(ListStatus::Open, ListSort::Trending);
    let mut shown = std::collections::HashSet::new();
    let sections = std::iter::once((&"home.trending", &trending_listing, trending))
        .chain(
            choices
                .iter()
                .zip([newest, top, succeeded])
                .map(|((heading, listing), (page, _))| (heading, listing, page)),
        )
        .map(|(heading, listing, page)| {
            let unseen: Vec<_> = page
                .into_iter()
                .filter(|summary| shown.insert(summary.id))
                .take(PER_SECTION as usize)
                .collect();
            (heading, listing, unseen)
        })
        .filter(|(_, _, page)| !page.is_empty())
        .map(|(heading, listing, page)| Section {
            heading: tr.t(heading),
            more_href: format!(
                "/campaigns?status={}&sort={}",
                listing.status.name(),
                listing.sort.name()
            ),
            cards: Card::list(&page, tr, now),
        })
        .collect();
    render(&HomeTemplate {
        shell: Shell::new(tr, tr.t("home.title"), "/"),
        totals: tr.with(
            "home.totals",
            &[
                ("campaigns", &tr.count(campaigns)),
                ("signatures", &tr.count(signatures)),
            ],
        ),
        categories: categories(&open, tr),
        sections,
    })
}
