//! Atom feeds (RFC 4287): `/feed.atom`, the newest public campaigns,
//! `/{c}/feed.atom`, a campaign's updates, and `/responses.atom`, the latest deliveries and
//! whether each was answered. Addresses in them are absolute, under the public URL.

use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::http::header::CONTENT_TYPE;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use jiff::Timestamp;
use tomar_core::listing::{ListSort, ListStatus, Listing};

use crate::error::WebError;
use crate::http::extract::PublicCampaign;
use crate::state::AppState;
use crate::view::i18n::Tr;
use crate::view::responses::delivery_line;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/feed.atom", get(new_campaigns))
        .route("/responses.atom", get(responses))
        .route("/{campaign}/feed.atom", get(campaign_updates))
}

const ENTRIES: u32 = 30;

struct Entry {
    id: String,
    title: String,
    updated: String,
    href: String,
    content: String,
}

#[derive(Template)]
#[template(path = "feed.xml")]
struct FeedTemplate {
    language: &'static str,
    id: String,
    title: String,
    updated: String,
    self_href: String,
    alternate_href: String,
    author: String,
    entries: Vec<Entry>,
}

fn atom(feed: &FeedTemplate) -> Result<Response, WebError> {
    let xml = feed.render()?;
    Ok(([(CONTENT_TYPE, "application/atom+xml; charset=utf-8")], xml).into_response())
}

/// An instant as Atom writes it (RFC 3339, UTC, whole seconds).
fn rfc3339(at: Timestamp) -> String {
    at.round(jiff::Unit::Second).unwrap_or(at).to_string()
}

async fn new_campaigns(State(state): State<AppState>, tr: Tr) -> Result<Response, WebError> {
    let listing = Listing {
        status: ListStatus::All,
        sort: ListSort::New,
        limit: ENTRIES,
        ..Listing::default()
    };
    let now = Timestamp::now();
    // `since` only matters to the trending order.
    let page = state
        .store
        .list_campaigns(&listing, tomar_core::calendar::iran_date(now), now)
        .await?;
    // In the "new" order each campaign's key is when it was published.
    let published = |key: i64| Timestamp::from_second(key).unwrap_or(Timestamp::UNIX_EPOCH);
    let base = &state.public_url;
    let entries: Vec<Entry> = page
        .iter()
        .map(|(summary, cursor)| Entry {
            id: format!("{base}/{}", summary.id),
            title: summary.title.to_string(),
            updated: rfc3339(published(cursor.key)),
            href: format!("{base}/{}", summary.id),
            content: summary
                .first_addressee
                .as_ref()
                .map(|a| format!("{} {}، {}", tr.t("card.to"), a.name, a.position))
                .unwrap_or_default(),
        })
        .collect();
    let updated = page
        .first()
        .map_or(Timestamp::UNIX_EPOCH, |(_, cursor)| published(cursor.key));
    atom(&FeedTemplate {
        language: tr.code(),
        id: format!("{base}/feed.atom"),
        title: tr.t("feed.new_title"),
        updated: rfc3339(updated),
        self_href: format!("{base}/feed.atom"),
        alternate_href: format!("{base}/campaigns?sort=new"),
        author: tr.t("feed.author"),
        entries,
    })
}

async fn campaign_updates(
    State(state): State<AppState>,
    tr: Tr,
    PublicCampaign(campaign): PublicCampaign,
) -> Result<Response, WebError> {
    let updates = state.store.updates(campaign.id).await?;
    let base = &state.public_url;
    let page = format!("{base}/{}", campaign.id);
    let entries: Vec<Entry> = updates
        .iter()
        .map(|update| Entry {
            id: format!("{page}#update-{}", update.id),
            title: update.title.to_string(),
            updated: rfc3339(update.created_at),
            href: format!("{page}#updates"),
            content: update.body.as_ref().to_owned(),
        })
        .collect();
    let updated = updates
        .first()
        .map(|u| u.created_at)
        .or(campaign.published_at)
        .unwrap_or(campaign.created_at);
    atom(&FeedTemplate {
        language: tr.code(),
        id: format!("{page}/feed.atom"),
        title: format!("{} · {}", campaign.text.title, tr.t("feed.updates_title")),
        updated: rfc3339(updated),
        self_href: format!("{page}/feed.atom"),
        alternate_href: page.clone(),
        author: campaign.text.author_name.to_string(),
        entries,
    })
}

/// The latest deliveries, each updated when it was delivered or, once answered, on the day
/// of the answer.
async fn responses(State(state): State<AppState>, tr: Tr) -> Result<Response, WebError> {
    let now = Timestamp::now();
    let today = tomar_core::calendar::iran_date(now);
    let recent = state.store.recent_deliveries(ENTRIES).await?;
    let base = &state.public_url;
    let entries: Vec<Entry> = recent
        .iter()
        .map(|delivered| {
            let campaign = &delivered.campaign;
            let updated = campaign
                .answered_on
                .map(tomar_core::calendar::start_of_iran_day)
                .map_or(delivered.delivered_at, |answered| {
                    answered.max(delivered.delivered_at)
                });
            let to = campaign
                .first_addressee
                .as_ref()
                .map(|a| format!("{} {}، {}\n", tr.t("card.to"), a.name, a.position))
                .unwrap_or_default();
            let when = delivery_line(delivered.delivered_at, campaign.answered_on, today, tr);
            Entry {
                id: format!("{base}/{}#answer", campaign.id),
                title: campaign.title.to_string(),
                updated: rfc3339(updated),
                href: format!("{base}/{}#answer", campaign.id),
                content: format!("{to}{when}"),
            }
        })
        .collect();
    let updated = entries
        .iter()
        .map(|entry| entry.updated.clone())
        .max()
        .unwrap_or_else(|| rfc3339(Timestamp::UNIX_EPOCH));
    atom(&FeedTemplate {
        language: tr.code(),
        id: format!("{base}/responses.atom"),
        title: tr.t("responses.feed_title"),
        updated,
        self_href: format!("{base}/responses.atom"),
        alternate_href: format!("{base}/responses"),
        author: tr.t("feed.author"),
        entries,
    })
}
