//! The delivery package, for the campaign's author and for moderators, of a campaign that
//! has been public:
//! - `GET /me/campaigns/{id}/delivery.pdf` and `GET /moderation/campaigns/{id}/delivery.pdf`:
//!   the formal document for the addressee (`rules::delivery`, set by `view::delivery`), in
//!   volumes of `limits.delivery_names_per_volume` signature numbers (`?volume=2`…), since a
//!   PDF is held whole while it is written;
//! - `GET /me/campaigns/{id}/delivery.csv` and `GET /moderation/campaigns/{id}/delivery.csv`:
//!   the list as a spreadsheet, one row per counted signature in the order it was numbered
//!   (number, name, Solar Hijri and Gregorian dates, Iran time), then the signer's answers
//!   to the campaign's questions, a column each. Streamed a page at a time, so a campaign
//!   of millions costs the same memory as one of ten.
//!
//! Hidden names are counted, never named, in both.

use axum::Router;
use axum::body::Body;
use axum::extract::{Query, State};
use axum::http::header::{CACHE_CONTROL, CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use futures_util::StreamExt;
use jiff::Timestamp;
use serde::Deserialize;
use tomar_core::campaign::Campaign;
use tomar_store::StoreError;

use crate::error::WebError;
use crate::http::auth::Moderator;
use crate::http::extract::{AuthorsCampaign, ReviewableCampaign};
use crate::rules::delivery::{PAGE, PackageOf, answers_between, pdf_package, volumes};
use crate::rules::platform::Platform;
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

/// Which volume of the package: the first unless named.
#[derive(Deserialize)]
struct VolumeQuery {
    volume: Option<u64>,
}

async fn pdf_for_the_author(
    State(state): State<AppState>,
    tr: Tr,
    platform: Platform,
    AuthorsCampaign { campaign, .. }: AuthorsCampaign,
    Query(asked): Query<VolumeQuery>,
) -> Result<Response, WebError> {
    package_pdf(state, tr, &platform, campaign, asked).await
}

async fn pdf_for_moderators(
    State(state): State<AppState>,
    tr: Tr,
    platform: Platform,
    Moderator(_): Moderator,
    ReviewableCampaign(campaign): ReviewableCampaign,
    Query(asked): Query<VolumeQuery>,
) -> Result<Response, WebError> {
    package_pdf(state, tr, &platform, campaign, asked).await
}

/// A draft or a campaign in review has nothing to deliver.
fn deliverable(campaign: &Campaign) -> Result<(), WebError> {
    match campaign.lifecycle.is_public() {
        true => Ok(()),
        false => Err(WebError::NotFound),
    }
}

async fn package_pdf(
    state: AppState,
    tr: Tr,
    platform: &Platform,
    campaign: Campaign,
    asked: VolumeQuery,
) -> Result<Response, WebError> {
    deliverable(&campaign)?;
    let volumes = volumes(&state.store, platform, campaign.id).await?;
    let volume = *asked
        .volume
        .unwrap_or(1)
        .checked_sub(1)
        .and_then(|index| volumes.get(usize::try_from(index).ok()?))
        .ok_or(WebError::NotFound)?;
    let file = match volume.of {
        1 => format!("campaign-{}-package.pdf", campaign.id),
        _ => format!("campaign-{}-package-{}.pdf", campaign.id, volume.number),
    };
    let file = format!("attachment; filename=\"{file}\"");
    let (store, checkpoints, secret) = (&state.store, &state.checkpoints, &state.secret);
    let made = Timestamp::now();
    let of = PackageOf {
        campaign,
        volume,
        tr,
        made,
    };
    let pdf = pdf_package(store, checkpoints, secret, of, |_| {}).await?;
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
    let mut head = vec![
        tr.t("delivery.number"),
        tr.t("delivery.name"),
        tr.t("delivery.date_solar_hijri"),
        tr.t("delivery.date_gregorian"),
    ];
    let questions = campaign.questions.all();
    head.extend(
        questions
            .iter()
            .map(|q| q.wording.in_language(tr.language).to_string()),
    );
    let header = csv::BOM.to_owned() + &csv::row(&head);
    let campaign = campaign.clone();
    // Each step reads the page after the last number written; `None` once a page ran short.
    let pages = futures_util::stream::unfold(Some(0), move |after| {
        let (state, campaign) = (state.clone(), campaign.clone());
        async move {
            let after = after?;
            match csv_page(&state, &campaign, tr, after).await {
                Ok((rows, next)) => Some((Ok(rows), next)),
                Err(error) => Some((Err(error), None)),
            }
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

/// The rows of the signatures numbered after `after`, with their answers; and the number to
/// read after next, `None` after the last page.
async fn csv_page(
    state: &AppState,
    campaign: &Campaign,
    tr: Tr,
    after: u64,
) -> Result<(String, Option<u64>), StoreError> {
    let page = state
        .store
        .signatures_in_order(campaign.id, after, PAGE)
        .await?;
    let last = page.last().map_or(after, |signature| signature.sequence);
    let answers = answers_between(
        &state.store,
        &state.secret,
        &campaign.questions,
        campaign.id,
        after,
        last,
    )
    .await?;
    let unanswered = vec![String::new(); campaign.questions.all().len()];
    let separator = tr.t("delivery.choices_separator");
    let rows = page
        .iter()
        .map(|signature| {
            let cells = SignerCells::of(signature, tr);
            let answered = answers
                .get(&signature.sequence)
                .map(|answers| answers.shown(&campaign.questions, tr.language, &separator));
            let mut row = vec![cells.number, cells.name, cells.solar_hijri, cells.gregorian];
            row.extend(answered.unwrap_or_else(|| unanswered.clone()));
            csv::row(&row)
        })
        .collect();
    let next = (page.len() == PAGE as usize).then_some(last);
    Ok((rows, next))
}
