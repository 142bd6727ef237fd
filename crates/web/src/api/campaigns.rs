//! Campaigns over JSON: listings and search with the filters and orders of `/campaigns`,
//! and one public campaign by its number or slug.

use std::collections::BTreeMap;

use axum::Json;
use axum::extract::{Query, State};
use serde::{Deserialize, Serialize};
use tomar_core::Timestamp;
use tomar_core::campaign::{Campaign, CampaignSummary};
use tomar_core::questions::{FIELDS, Wording};
use tomar_core::search::SearchQuery;
use tomar_store::AnswerTotals;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::error::WebError;
use crate::http::extract::PublicCampaign;
use crate::rules::listing::{ListingQuery, list_page};
use crate::state::AppState;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(campaigns))
        .routes(routes!(campaign))
}

const PAGE_SIZE: u32 = 50;

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CampaignsQuery {
    /// `all` (default), `open`, `ended`, `succeeded`, `delivered` or `special_follow_up`.
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
async fn campaigns(
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

#[derive(Serialize, ToSchema)]
pub struct AddresseeJson {
    name: String,
    position: String,
}

/// A public campaign.
#[derive(Serialize, ToSchema)]
pub struct CampaignJson {
    id: i64,
    slug: Option<String>,
    /// `request`, `complaint` or `appreciation`.
    kind: &'static str,
    title: String,
    addressees: Vec<AddresseeJson>,
    /// Plain text: paragraphs separated by blank lines, `- ` bullets.
    body: String,
    on_behalf_of: String,
    author: String,
    hashtag: String,
    category: Option<String>,
    /// Iran calendar days, `YYYY-MM-DD` (Gregorian).
    start_date: String,
    end_date: String,
    /// `open`, `ended` or `suspended`.
    status: &'static str,
    /// `none`, `delivered`, `special_follow_up`, `succeeded` or `failed`.
    outcome: &'static str,
    signature_count: u64,
    signature_goal: Option<u32>,
    /// RFC 3339, UTC: when it was marked delivered to its addressees; `null` if not yet.
    delivered_at: Option<String>,
    /// The addressee's answer, once recorded.
    response: Option<AnswerJson>,
    /// What the sign form asks besides the name and the contact; answer them in the
    /// signing request's `answers`.
    questions: Vec<QuestionJson>,
    /// The totals of the questions whose totals the author made public, as last counted;
    /// `null` where there are none, or before the first count.
    answer_totals: Option<AnswerTotalsJson>,
}

/// How many signers took each choice, never who.
#[derive(Serialize, ToSchema)]
pub struct AnswerTotalsJson {
    /// RFC 3339, UTC: counted every few minutes while signatures move.
    counted_at: String,
    /// By question `field`: the signers who took each choice, in the choices' order.
    questions: BTreeMap<&'static str, Vec<u64>>,
}

impl AnswerTotalsJson {
    fn of(campaign: &Campaign, totals: &AnswerTotals) -> AnswerTotalsJson {
        let questions = campaign
            .questions
            .all()
            .iter()
            .zip(FIELDS)
            .enumerate()
            .filter(|(_, (question, _))| question.totals_public)
            .map(|(place, (question, field))| {
                (
                    field,
                    totals.of_question(place, question.asks.choices().len()),
                )
            })
            .collect();
        AnswerTotalsJson {
            counted_at: totals.counted_at.to_string(),
            questions,
        }
    }
}

/// One of a campaign's extra questions.
#[derive(Serialize, ToSchema)]
pub struct QuestionJson {
    /// The key of its answer: `q1`…`q5`.
    field: &'static str,
    /// `text` (a short line), `one` (one choice) or `several` (any of the choices).
    asks: &'static str,
    required: bool,
    label: WordingJson,
    /// For `one` and `several`: answered by place, from 0.
    choices: Vec<WordingJson>,
}

/// A label or a choice: Persian, and English when the author gave it.
#[derive(Serialize, ToSchema)]
pub struct WordingJson {
    fa: String,
    en: Option<String>,
}

impl WordingJson {
    fn of(wording: &Wording) -> WordingJson {
        WordingJson {
            fa: wording.fa.to_string(),
            en: wording.en.as_ref().map(ToString::to_string),
        }
    }
}

/// An addressee's answer to a campaign.
#[derive(Serialize, ToSchema)]
pub struct AnswerJson {
    /// The Iran calendar day of the answer, `YYYY-MM-DD` (Gregorian).
    answered_on: String,
    summary: String,
    /// Where the official text of the answer is.
    official_url: Option<String>,
}

impl CampaignJson {
    fn new(campaign: &Campaign, totals: Option<&AnswerTotals>) -> CampaignJson {
        CampaignJson {
            id: campaign.id.0,
            slug: campaign.slug.as_ref().map(ToString::to_string),
            kind: campaign.kind.name(),
            title: campaign.text.title.to_string(),
            addressees: campaign
                .text
                .addressees
                .iter()
                .map(|a| AddresseeJson {
                    name: a.name.to_string(),
                    position: a.position.to_string(),
                })
                .collect(),
            body: campaign.text.body.as_ref().to_owned(),
            on_behalf_of: campaign.text.on_behalf_of.to_string(),
            author: campaign.text.author_name.to_string(),
            hashtag: campaign.text.hashtag.to_string(),
            category: campaign.category.as_ref().map(ToString::to_string),
            start_date: campaign.start_date.to_string(),
            end_date: campaign.end_date.to_string(),
            status: campaign.status(Timestamp::now()).name(),
            outcome: campaign.outcome.name(),
            signature_count: campaign.signature_count,
            signature_goal: campaign.signature_goal,
            delivered_at: campaign.delivered_at.map(|at| at.to_string()),
            response: campaign.response.as_ref().map(|response| AnswerJson {
                answered_on: response.answered_on.to_string(),
                summary: response.summary.to_string(),
                official_url: response
                    .official_url
                    .as_ref()
                    .map(|url| url.as_ref().to_owned()),
            }),
            questions: campaign
                .questions
                .all()
                .iter()
                .zip(FIELDS)
                .map(|(question, field)| QuestionJson {
                    field,
                    asks: question.asks.name(),
                    required: question.required,
                    label: WordingJson::of(&question.wording),
                    choices: question
                        .asks
                        .choices()
                        .iter()
                        .map(WordingJson::of)
                        .collect(),
                })
                .collect(),
            answer_totals: totals.map(|totals| AnswerTotalsJson::of(campaign, totals)),
        }
    }
}

/// A public campaign by its number or slug.
#[utoipa::path(
    get,
    path = "/api/v1/campaigns/{campaign}",
    params(("campaign" = String, Path, description = "The campaign's number or slug")),
    responses(
        (status = 200, body = CampaignJson),
        (status = 404, description = "No such public campaign", content_type = "application/problem+json"),
    )
)]
async fn campaign(
    State(state): State<AppState>,
    PublicCampaign(campaign): PublicCampaign,
) -> Result<Json<CampaignJson>, WebError> {
    let totals = state.store.public_answer_totals(&campaign).await?;
    Ok(Json(CampaignJson::new(&campaign, totals.as_ref())))
}
