//! `GET /images/{campaign}/{version}/{wide|card}.jpg`: a campaign's picture, as Tomar drew
//! it. A public campaign's picture is anyone's and never changes at its address (a new
//! upload is a new version), so it is cached for a year. Before publication only its author
//! and the moderators see it, and nothing keeps a copy.

use axum::Router;
use axum::extract::{Path, State};
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use tomar_core::ids::CampaignId;
use tomar_core::image::{ImageSize, ImageVersion};

use crate::error::WebError;
use crate::http::auth::Viewer;
use crate::rules::campaigns::any_campaign;
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new().route("/images/{campaign}/{version}/{file}", get(picture))
}

async fn picture(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((campaign, version, file)): Path<(String, String, String)>,
) -> Result<Response, WebError> {
    let (Ok(campaign), Ok(version), Some(size)) = (
        campaign.parse().map(CampaignId),
        version.parse().map(ImageVersion),
        file.strip_suffix(".jpg").and_then(ImageSize::from_name),
    ) else {
        return Err(WebError::NotFound);
    };
    let campaign = any_campaign(&state, campaign).await?;
    let cache = if campaign.lifecycle.is_public() {
        "public, max-age=31536000, immutable"
    } else {
        let member = viewer.member.as_ref();
        let allowed = member.is_some_and(|m| campaign.author_id == Some(m.id) || m.can_moderate());
        if !allowed {
            return Err(WebError::NotFound);
        }
        "private, no-store"
    };
    let jpeg = state
        .store
        .campaign_image(campaign.id, version, size)
        .await?
        .ok_or(WebError::NotFound)?;
    Ok(([(CONTENT_TYPE, "image/jpeg"), (CACHE_CONTROL, cache)], jpeg).into_response())
}
