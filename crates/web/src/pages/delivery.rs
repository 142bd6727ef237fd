//! The delivery package, for the campaign's author and for moderators, of a campaign that
//! has been public:
//! - `GET /me/campaigns/{id}/delivery.pdf` and `GET /moderation/campaigns/{id}/delivery.pdf`:
//!   the formal document for the addressee (`rules::delivery`, set by `view::delivery`);
//! - `GET /me/campaigns/{id}/delivery.csv` and `GET /moderation/campaigns/{id}/delivery.csv`:
//!   the list as a spreadsheet, one row per counted signature in the order it was numbered
//!   (number, name, Solar Hijri and Gregorian dates, Iran time). Streamed a page at a time,
//!   so a campaign of millions costs the same memory as one of ten.
//!
//! Hidden names are counted, never named, in both.

use axum::Router;
use axum::body::Body;
use axum::extract::State;
use axum::http::header::{CACHE_CONTROL, CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use futures_util::StreamExt;
use jiff::Timestamp;
use tomar_core::campaign::Campaign;
use tomar_store::StoreError;

use crate::error::WebError;
use crate::http::auth::Moderator;
use crate::http::extract::{AuthorsCampaign, ReviewableCampaign};
use crate::rules::delivery::{PAGE, pdf_package};
use crate::state::AppState;
use crate::view::csv;
use crate::view::delivery::SignerCells;
use crate::view::i18n::Tr;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/me/campaigns/{id}/delivery.csv", get(csv_for_the_author))
        .route(
            "/moderation/campaigns/{id}/delivery.csv",
            get(csv_for_moderators),
        )
        .route("/me/campaigns/{id}/delivery.pdf", get(pdf_for_the_author))
        .route(
            "/moderation/campaigns/{id}/delivery.pdf",
            get(pdf_for_moderators),
        )
}

async fn csv_for_the_author(
    State(state): State<AppState>,
    tr: Tr,
    AuthorsCampaign { campaign, .. }: AuthorsCampaign,
) -> Result<Response, WebError> {
    signatures_csv(state, tr, &campaign)
}

async fn csv_for_moderators(
    State(state): State<AppState>,
    tr: Tr,
    Moderator(_): Moderator,
    ReviewableCampaign(campaign): ReviewableCampaign,
) -> Result<Response, WebError> {
    signatures_csv(state, tr, &campaign)
}

async fn pdf_for_the_author(
    State(state): State<AppState>,
    tr: Tr,
    AuthorsCampaign { campaign, .. }: AuthorsCampaign,
) -> Result<Response, WebError> {
    package_pdf(state, tr, campaign).await
}

async fn pdf_for_moderators(
    State(state): State<AppState>,
    tr: Tr,
    Moderator(_): Moderator,
    ReviewableCampaign(campaign): ReviewableCampaign,
) -> Result<Response, WebError> {
    package_pdf(state, tr, campaign).await
}

/// A draft or a campaign in review has nothing to deliver.
fn deliverable(campaign: &Campaign) -> Result<(), WebError> {
    match campaign.lifecycle.is_public() {
        true => Ok(()),
        false => Err(WebError::NotFound),
    }
}

async fn package_pdf(state: AppState, tr: Tr, campaign: Campaign) -> Result<Response, WebError> {
    deliverable(&campaign)?;
    let file = format!(
        "attachment; filename=\"campaign-{}-package.pdf\"",
        campaign.id
    );
    let made = Timestamp::now();
    let pdf = pdf_package(&state.store, &state.checkpoints, campaign, tr, made, |_| {}).await?;
    Ok((
        [
            (CONTENT_TYPE, "application/pdf".to_owned()),
            (CONTENT_DISPOSITION, file),
            (CACHE_CONTROL, "no-store".to_owned()),
        ],
        pdf,
    )
        .into_response())
}

fn signatures_csv(state: AppState, tr: Tr, campaign: &Campaign) -> Result<Response, WebError> {
    deliverable(campaign)?;
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
            let rows: String = page
                .iter()
                .map(|signature| {
                    let cells = SignerCells::of(signature, tr);
                    csv::row(&[cells.number, cells.name, cells.solar_hijri, cells.gregorian])
                })
                .collect();
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
