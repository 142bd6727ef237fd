//! Campaign listings and search over JSON, with the filters and orders of `/campaigns`.

use axum::Json;
use axum::extract::{Query, State};
use serde::{Deserialize, Serialize};
use tomar_core::Timestamp;
use tomar_core::campaign::CampaignSummary;
use tomar_core::search::SearchQuery;
use utoipa::{IntoParams, ToSchema};

use crate::AppState;
use crate::error::WebError;
use crate::pages::listing::{ListingQuery, list_page};

const PAGE_SIZE: u32 = 50;

#[derive(Deserialize, IntoParams)]
pub struct CampaignsQuery {
    /// `all` (default), `open`, `ended` or `succeeded`.
    status: Option<String>,
    /// `top` (default), `new`, `trending` or `ending`; ignored when searching.
    sort: Option<String>,
    /// `request`, `complaint` or `appreciation`.
    kind: Option<String>,
    category: Option<String>,
    hashtag: Option<String>,
    /// Words to search for; results come ranked, on one page.
    q: Option<String>,
    /// The `next` of the previous page.
    after: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct CampaignItem {
    id: i64,
    slug: Option<String>,
    title: String,
    kind: &'static str,
    /// `open`, `ended` or `suspended`.
    status: &'static str,
    /// `none`, `delivered`, `special_follow_up`, `succeeded` or `failed`.
    outcome: &'static str,
    signature_count: u64,
    /// The last Iran calendar day to sign, `YYYY-MM-DD` (Gregorian).
    end_date: String,
}

impl CampaignItem {
    fn new(summary: &CampaignSummary, now: Timestamp) -> CampaignItem {
        CampaignItem {
            id: summary.id.0,
            slug: summary.slug.as_ref().map(ToString::to_string),
            title: summary.title.to_string(),
            kind: summary.kind.name(),
            status: summary.status(now).name(),
            outcome: summary.outcome.name(),
            signature_count: summary.signature_count,
            end_date: summary.end_date.to_string(),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct CampaignList {
    items: Vec<CampaignItem>,
    /// Pass as `after` for the next page; `null` on the last.
    next: Option<String>,
}

/// Public campaigns, filtered and sorted like `/campaigns`, paged by key; or, with `q`,
/// the campaigns matching every word, best first.
#[utoipa::path(
    get,
    path = "/api/v1/campaigns",
    params(CampaignsQuery),
    responses(
        (status = 200, body = CampaignList),
        (status = 400, description = "A filter, order or cursor that names nothing", content_type = "application/problem+json"),
    )
)]
pub async fn campaigns(
    State(state): State<AppState>,
    Query(query): Query<CampaignsQuery>,
) -> Result<Json<CampaignList>, WebError> {
    let now = Timestamp::now();
    let listing = ListingQuery {
        status: query.status,
        sort: query.sort,
        kind: query.kind,
        category: query.category,
        hashtag: query.hashtag,
        after: query.after,
    }
    .listing(PAGE_SIZE)?;
    if let Some(search) = query.q.as_deref().and_then(SearchQuery::parse) {
        let found = state.store.search(&search, PAGE_SIZE as usize).await?;
        let items = found
            .iter()
            .filter(|c| listing.status.admits(c, now))
            .map(|c| CampaignItem::new(c, now))
            .collect();
        return Ok(Json(CampaignList { items, next: None }));
    }
    let (page, next) = list_page(&state, &listing).await?;
    Ok(Json(CampaignList {
        items: page.iter().map(|c| CampaignItem::new(c, now)).collect(),
        next: next.map(|cursor| cursor.to_string()),
    }))
}
