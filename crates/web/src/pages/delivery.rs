//! The delivery package's list of signatures, for the campaign's author and for
//! moderators: `GET /me/campaigns/{id}/delivery.csv` and
//! `GET /moderation/campaigns/{id}/delivery.csv`. One row per counted signature in the
//! order it was numbered (number, name, Solar Hijri and Gregorian dates, Iran time); hidden
//! names are counted, never named. Streamed a page at a time, so a campaign of millions
//! costs the same memory as one of ten.

use axum::Router;
use axum::body::Body;
use axum::extract::State;
use axum::http::header::{CACHE_CONTROL, CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use futures_util::StreamExt;
use tomar_core::calendar::{iran_date, solar_hijri_numeric};
use tomar_core::campaign::Campaign;
use tomar_core::signature::Signature;
use tomar_store::StoreError;

use crate::error::WebError;
use crate::http::auth::Moderator;
use crate::http::extract::{AuthorsCampaign, ReviewableCampaign};
use crate::state::AppState;
use crate::view::csv;
use crate::view::i18n::Tr;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/me/campaigns/{id}/delivery.csv", get(for_the_author))
        .route(
            "/moderation/campaigns/{id}/delivery.csv",
            get(for_moderators),
        )
}

/// Signatures read and written per step of the stream.
const PAGE: u32 = 1000;

async fn for_the_author(
    State(state): State<AppState>,
    tr: Tr,
    AuthorsCampaign { campaign, .. }: AuthorsCampaign,
) -> Result<Response, WebError> {
    signatures_csv(state, tr, &campaign)
}

async fn for_moderators(
    State(state): State<AppState>,
    tr: Tr,
    Moderator(_): Moderator,
    ReviewableCampaign(campaign): ReviewableCampaign,
) -> Result<Response, WebError> {
    signatures_csv(state, tr, &campaign)
}

/// The list of a campaign that has been public; a draft or one in review has none.
fn signatures_csv(state: AppState, tr: Tr, campaign: &Campaign) -> Result<Response, WebError> {
    if !campaign.lifecycle.is_public() {
        return Err(WebError::NotFound);
    }
    let id = campaign.id;
    let header = csv::BOM.to_owned()
        + &csv::row(&[
            tr.t("delivery.number"),
            tr.t("delivery.name"),
            tr.t("delivery.date_solar_hijri"),
            tr.t("delivery.date_gregorian"),
        ]);
    // Each step reads the page after the last number written; `None` once a page ran short.
    let pages = futures_util::stream::unfold(Some(0), move |after| {
        let state = state.clone();
        async move {
            let after = after?;
            let page = match state.store.signatures_in_order(id, after, PAGE).await {
                Ok(page) => page,
                Err(error) => return Some((Err(error), None)),
            };
            let next = match page.len() < PAGE as usize {
                true => None,
                false => page.last().map(|s| s.sequence),
            };
            let rows: String = page.iter().map(|s| signature_row(s, tr)).collect();
            Some((Ok(rows), next))
        }
    });
    let body = futures_util::stream::once(async move { Ok::<_, StoreError>(header) }).chain(pages);
    let file = format!("attachment; filename=\"campaign-{id}-signatures.csv\"");
    Ok((
        [
            (CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (CONTENT_DISPOSITION, file),
            (CACHE_CONTROL, "no-store".to_owned()),
        ],
        Body::from_stream(body),
    )
        .into_response())
}

fn signature_row(signature: &Signature, tr: Tr) -> String {
    let name = match signature.public_name() {
        Some(name) => name.to_string(),
        None => tr.t("delivery.hidden"),
    };
    let day = iran_date(signature.confirmed_at.unwrap_or(signature.created_at));
    csv::row(&[
        signature.sequence.to_string(),
        name,
        solar_hijri_numeric(day),
        day.to_string(),
    ])
}
