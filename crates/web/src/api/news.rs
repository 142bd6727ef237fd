//! News of a campaign over JSON: its approved links, and submitting one for review.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use tomar_core::news::NewsStatus;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::error::WebError;
use crate::http::extract::{ClientIp, PublicCampaign};
use crate::rules::discussion::{self, NewsInput};
use crate::rules::platform::Platform;
use crate::state::AppState;
use crate::view::i18n::Tr;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(news, submit_news))
}

#[derive(Serialize, ToSchema)]
pub struct NewsJson {
    title: String,
    url: String,
    /// The host of the address, as shown beside the title.
    host: String,
    /// RFC 3339, UTC.
    created_at: String,
}

/// A campaign's approved news links, newest first.
#[utoipa::path(
    get,
    path = "/api/v1/campaigns/{campaign}/news",
    params(("campaign" = String, Path, description = "The campaign's number or slug")),
    responses(
        (status = 200, body = Vec<NewsJson>),
        (status = 404, description = "No such public campaign", content_type = "application/problem+json"),
    )
)]
async fn news(
    State(state): State<AppState>,
    PublicCampaign(campaign): PublicCampaign,
) -> Result<Json<Vec<NewsJson>>, WebError> {
    let links = state
        .store
        .news_links(campaign.id, NewsStatus::Approved)
        .await?;
    Ok(Json(
        links
            .iter()
            .map(|link| NewsJson {
                title: link.title.to_string(),
                url: link.url.clone(),
                host: link.source_host.clone(),
                created_at: link.created_at.to_string(),
            })
            .collect(),
    ))
}

#[derive(Deserialize, ToSchema)]
pub struct NewsRequest {
    /// An http or https address, at most 2,000 characters, without credentials.
    url: String,
    title: String,
}

#[derive(Serialize, ToSchema)]
pub struct NewsReceived {
    /// Always `pending`: a moderator reviews it before it is shown.
    status: &'static str,
}

/// Submits a news link about a campaign; it waits for a moderator.
#[utoipa::path(
    post,
    path = "/api/v1/campaigns/{campaign}/news",
    params(("campaign" = String, Path, description = "The campaign's number or slug")),
    request_body = NewsRequest,
    responses(
        (status = 400, description = "The body is not JSON", content_type = "application/problem+json"),
        (status = 415, description = "The body is not sent as application/json", content_type = "application/problem+json"),
        (status = 202, body = NewsReceived),
        (status = 404, description = "No such public campaign", content_type = "application/problem+json"),
        (status = 422, description = "A field was refused, or the address was already submitted", content_type = "application/problem+json"),
        (status = 429, description = "Too many posts from this network", content_type = "application/problem+json"),
    )
)]
async fn submit_news(
    State(state): State<AppState>,
    tr: Tr,
    platform: Platform,
    ClientIp(peer): ClientIp,
    PublicCampaign(campaign): PublicCampaign,
    Json(request): Json<NewsRequest>,
) -> Result<Response, WebError> {
    let input = NewsInput {
        url: &request.url,
        title: &request.title,
    };
    discussion::submit_news(&state, &platform, &campaign, &input, peer, tr)
        .await
        .map_err(|refusal| refusal.into_web_error(tr))?;
    let received = NewsReceived { status: "pending" };
    Ok((StatusCode::ACCEPTED, Json(received)).into_response())
}
