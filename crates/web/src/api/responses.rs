//! The public record of answers over JSON, as `/responses` shows it.

use axum::Json;
use axum::extract::State;
use jiff::Timestamp;
use serde::Serialize;
use tomar_core::Date;
use tomar_core::calendar::iran_date;
use tomar_core::response::days_since_delivery;
use tomar_store::DeliveredCampaign;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::error::WebError;
use crate::rules::platform::Platform;
use crate::rules::responses::{Record, record};
use crate::state::AppState;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(responses))
}

/// A delivered campaign.
#[derive(Serialize, ToSchema)]
pub struct DeliveredJson {
    campaign_id: i64,
    slug: Option<String>,
    title: String,
    /// Its first addressee's name, if it has one.
    addressee: Option<String>,
    /// RFC 3339, UTC: when a moderator marked it delivered.
    delivered_at: String,
    /// The Iran calendar day it was answered, `YYYY-MM-DD` (Gregorian); `null` while
    /// waiting.
    answered_on: Option<String>,
    /// Whole days from delivery to the answer, or to today while waiting.
    days: u32,
    /// Waiting longer than `overdue_after_days`.
    overdue: bool,
}

impl DeliveredJson {
    fn new(delivered: &DeliveredCampaign, record: &Record, today: Date) -> DeliveredJson {
        let campaign = &delivered.campaign;
        let until = campaign.answered_on.unwrap_or(today);
        let days = days_since_delivery(delivered.delivered_at, until);
        DeliveredJson {
            campaign_id: campaign.id.0,
            slug: campaign.slug.as_ref().map(ToString::to_string),
            title: campaign.title.to_string(),
            addressee: campaign
                .first_addressee
                .as_ref()
                .map(|a| a.name.to_string()),
            delivered_at: delivered.delivered_at.to_string(),
            answered_on: campaign.answered_on.map(|day| day.to_string()),
            days,
            overdue: record.is_overdue(delivered, today),
        }
    }
}

/// One addressee's record.
#[derive(Serialize, ToSchema)]
pub struct AddresseeRecordJson {
    name: String,
    delivered: u64,
    answered: u64,
    /// Median whole days from delivery to answer; `null` before any answer.
    median_days: Option<u32>,
}

#[derive(Serialize, ToSchema)]
pub struct ResponsesJson {
    /// Days after delivery when a campaign without an answer is overdue.
    overdue_after_days: u32,
    /// Delivered campaigns still waiting, the longest waiting first (at most 200).
    waiting: Vec<DeliveredJson>,
    /// The latest deliveries, answered or not, the newest first (at most 5,000).
    recent: Vec<DeliveredJson>,
    /// Per first addressee, over `recent`: those with the most deliveries first.
    addressees: Vec<AddresseeRecordJson>,
}

/// Delivered campaigns, whether their addressees answered, and each addressee's record.
#[utoipa::path(
    get,
    path = "/api/v1/responses",
    responses((status = 200, body = ResponsesJson))
)]
async fn responses(
    State(state): State<AppState>,
    platform: Platform,
) -> Result<Json<ResponsesJson>, WebError> {
    let now = Timestamp::now();
    let today = iran_date(now);
    let record = record(&state, &platform).await?;
    let json = |list: &[DeliveredCampaign]| {
        list.iter()
            .map(|delivered| DeliveredJson::new(delivered, &record, today))
            .collect()
    };
    Ok(Json(ResponsesJson {
        overdue_after_days: record.overdue_after,
        waiting: json(&record.waiting),
        recent: json(&record.recent),
        addressees: record
            .addressees
            .iter()
            .map(|row| AddresseeRecordJson {
                name: row.name.clone(),
                delivered: row.delivered,
                answered: row.answered,
                median_days: row.median_days,
            })
            .collect(),
    }))
}
