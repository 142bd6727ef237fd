//! A campaign's count and how it grew, over JSON and CSV: what people watch and what anyone
//! may check a count against. Read from the counts by hour, never from the signatures, and
//! cacheable by any shared cache.

use axum::Json;
use axum::extract::{Query, State};
use axum::http::header::{CACHE_CONTROL, CONTENT_DISPOSITION, CONTENT_TYPE, ETAG};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use tomar_core::calendar::iran_date;
use tomar_core::campaign::Campaign;
use tomar_core::growth::Bucket;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::error::WebError;
use crate::http::extract::PublicCampaign;
use crate::http::page_cache::has_copy;
use crate::state::AppState;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(count))
        .routes(routes!(history))
        .routes(routes!(history_csv))
}

/// A count changes by the second; a cache may keep it a second, and serve it a little
/// staler while it asks again or while Tomar is down.
const COUNT_CACHE: &str = "public, max-age=1, stale-while-revalidate=2, stale-if-error=5";
/// Past hours change only by withdrawals and invalidations; a minute is fresh enough.
const HISTORY_CACHE: &str = "public, max-age=60, stale-while-revalidate=60";

/// A campaign's count and when it last moved.
#[derive(Serialize, ToSchema)]
pub struct CountJson {
    count: u64,
    /// RFC 3339, UTC; `null` if it never moved.
    updated_at: Option<String>,
}

/// A public campaign's signature count. Answers 304 to an `If-None-Match` that names the
/// count it would send.
#[utoipa::path(
    get,
    path = "/api/v1/campaigns/{campaign}/count",
    params(("campaign" = String, Path, description = "The campaign's number or slug")),
    responses(
        (status = 200, body = CountJson, headers(("ETag" = String), ("Cache-Control" = String))),
        (status = 304, description = "The count named by `If-None-Match` is still the count"),
        (status = 404, description = "No such public campaign", content_type = "application/problem+json"),
    )
)]
async fn count(
    State(state): State<AppState>,
    PublicCampaign(campaign): PublicCampaign,
    request: HeaderMap,
) -> Result<Response, WebError> {
    let changed = state.store.count_changed_at(campaign.id).await?;
    // Weak: the same count may go out gzipped or not.
    let tag = format!(
        "W/\"{}-{}\"",
        campaign.signature_count,
        changed.map_or(0, |at| at.as_second())
    );
    let headers = [
        (CACHE_CONTROL, HeaderValue::from_static(COUNT_CACHE)),
        (
            ETAG,
            HeaderValue::from_str(&tag).expect("digits and a dash"),
        ),
    ];
    if has_copy(&request, &tag) {
        return Ok((StatusCode::NOT_MODIFIED, headers).into_response());
    }
    let body = CountJson {
        count: campaign.signature_count,
        updated_at: changed.map(|at| at.to_string()),
    };
    Ok((headers, Json(body)).into_response())
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct HistoryQuery {
    /// `hour` (default) or `day` (Iran calendar days, which turn at midnight in Tehran).
    bucket: Option<String>,
}

impl HistoryQuery {
    fn bucket(&self) -> Result<Bucket, WebError> {
        match self.bucket.as_deref() {
            None | Some("") => Ok(Bucket::default()),
            Some(name) => Bucket::from_name(name).ok_or(WebError::BadRequest),
        }
    }
}

/// One bucket of a campaign's growth.
#[derive(Serialize, ToSchema)]
pub struct GrowthItem {
    /// When the bucket begins, RFC 3339, UTC (an Iran clock hour begins at half past the
    /// UTC hour).
    start: String,
    /// For `day`, the Iran calendar day, `YYYY-MM-DD` (Gregorian).
    #[serde(skip_serializing_if = "Option::is_none")]
    date: Option<String>,
    /// Signatures confirmed in it that still count.
    count: u64,
}

#[derive(Serialize, ToSchema)]
pub struct GrowthJson {
    /// `hour` or `day`.
    bucket: &'static str,
    /// Oldest first; buckets that count none are left out.
    items: Vec<GrowthItem>,
}

/// A campaign's growth, bucket by bucket.
async fn growth(
    state: &AppState,
    campaign: &Campaign,
    bucket: Bucket,
) -> Result<GrowthJson, WebError> {
    let items = match bucket {
        Bucket::Hour => state.store.signatures_by_hour(campaign.id).await?,
        Bucket::Day => state.store.signatures_by_day(campaign.id).await?,
    };
    let items = items
        .iter()
        .map(|item| GrowthItem {
            start: item.start.to_string(),
            date: (bucket == Bucket::Day).then(|| iran_date(item.start).to_string()),
            count: item.count,
        })
        .collect();
    Ok(GrowthJson {
        bucket: bucket.name(),
        items,
    })
}

/// How a public campaign's count grew: confirmed signatures that still count, by the hour
/// or the Iran calendar day they were confirmed in. Open data (CC0).
#[utoipa::path(
    get,
    path = "/api/v1/campaigns/{campaign}/history",
    params(("campaign" = String, Path, description = "The campaign's number or slug"), HistoryQuery),
    responses(
        (status = 200, body = GrowthJson),
        (status = 400, description = "A bucket other than `hour` or `day`", content_type = "application/problem+json"),
        (status = 404, description = "No such public campaign", content_type = "application/problem+json"),
    )
)]
async fn history(
    State(state): State<AppState>,
    PublicCampaign(campaign): PublicCampaign,
    Query(query): Query<HistoryQuery>,
) -> Result<Response, WebError> {
    let growth = growth(&state, &campaign, query.bucket()?).await?;
    Ok(([(CACHE_CONTROL, HISTORY_CACHE)], Json(growth)).into_response())
}

/// The same as `history`, as CSV: a header line, then `start,count` (hours) or
/// `date,start,count` (days).
#[utoipa::path(
    get,
    path = "/api/v1/campaigns/{campaign}/history.csv",
    params(("campaign" = String, Path, description = "The campaign's number or slug"), HistoryQuery),
    responses(
        (status = 200, body = String, content_type = "text/csv"),
        (status = 400, description = "A bucket other than `hour` or `day`", content_type = "application/problem+json"),
        (status = 404, description = "No such public campaign", content_type = "application/problem+json"),
    )
)]
async fn history_csv(
    State(state): State<AppState>,
    PublicCampaign(campaign): PublicCampaign,
    Query(query): Query<HistoryQuery>,
) -> Result<Response, WebError> {
    let bucket = query.bucket()?;
    let growth = growth(&state, &campaign, bucket).await?;
    // Every cell is a number, a date or a timestamp: nothing a spreadsheet could run.
    let mut csv = String::from(match bucket {
        Bucket::Hour => "start,count\n",
        Bucket::Day => "date,start,count\n",
    });
    for item in &growth.items {
        if let Some(date) = &item.date {
            csv.push_str(date);
            csv.push(',');
        }
        csv.push_str(&format!("{},{}\n", item.start, item.count));
    }
    let filename = format!(
        "attachment; filename=\"campaign-{}-{}.csv\"",
        campaign.id.0,
        bucket.name()
    );
    let headers = [
        (
            CONTENT_TYPE,
            HeaderValue::from_static("text/csv; charset=utf-8"),
        ),
        (CACHE_CONTROL, HeaderValue::from_static(HISTORY_CACHE)),
        (
            CONTENT_DISPOSITION,
            HeaderValue::from_str(&filename).expect("ASCII digits and letters"),
        ),
    ];
    Ok((headers, csv).into_response())
}
