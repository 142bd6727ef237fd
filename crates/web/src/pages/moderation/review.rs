//! `GET /moderation/campaigns/{id}`: one campaign in any state, its history, and the actions
//! its state allows, each a `POST` of its own under the same address: approve, reject with
//! a reason and a note for the author, suspend by legal order, approve or reject a revised
//! text, set the outcome, post a platform update. Each answers 303 back to the page.

use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use jiff::Timestamp;
use serde::Deserialize;
use tomar_core::campaign::Campaign;
use tomar_core::lifecycle::{OutcomeKind, Status};
use tomar_core::moderation::Target;
use tomar_core::update::UpdateAuthor;
use tomar_store::StoreError;

use super::NoteForm;
use crate::error::WebError;
use crate::http::auth::Moderator;
use crate::http::csrf::{CsrfForm, CsrfToken};
use crate::http::extract::{Decided, ReviewableCampaign};
use crate::rules::moderation::{self, note};
use crate::rules::updates::post_update;
use crate::state::AppState;
use crate::view::Shell;
use crate::view::growth::GrowthChart;
use crate::view::i18n::Tr;
use crate::view::letter::Preview;
use crate::view::moderation::EventLine;
use crate::view::render::render;
use crate::view::url::review_path;

pub fn routes() -> Router<AppState> {
    let campaign = "/moderation/campaigns/{id}";
    Router::new()
        .route(campaign, get(review_page))
        .route(&format!("{campaign}/approve"), post(approve))
        .route(&format!("{campaign}/reject"), post(reject))
        .route(&format!("{campaign}/suspend"), post(suspend))
        .route(&format!("{campaign}/outcome"), post(set_outcome))
        // The other actions' fixed names come first; what is left names a text decision.
        .route(&format!("{campaign}/{{decision}}"), post(review_text))
        .route(&format!("{campaign}/update"), post(platform_update))
}

#[derive(Template)]
#[template(path = "moderation_campaign.html")]
struct ReviewTemplate {
    shell: Shell,
    csrf: String,
    action_base: String,
    public_href: Option<String>,
    status: String,
    count: String,
    growth: Option<GrowthChart>,
    preview: Preview,
    /// A revised text waiting for review, as it would read.
    revision: Option<Preview>,
    /// The moderator wrote it: another must review it.
    own: bool,
    can_review: bool,
    can_suspend: bool,
    can_set_outcome: bool,
    reasons: Vec<(i64, String)>,
    outcomes: Vec<(&'static str, String, bool)>,
    history: Vec<EventLine>,
}

async fn review_page(
    State(state): State<AppState>,
    tr: Tr,
    csrf: CsrfToken,
    Moderator(moderator): Moderator,
    ReviewableCampaign(campaign): ReviewableCampaign,
) -> Result<Html<String>, WebError> {
    let own = moderation::is_their_own(&campaign, &moderator);
    let status = campaign.status(Timestamp::now());
    let reasons = state.store.rejection_reasons().await?;
    let events = state
        .store
        .moderation_events(Target::Campaign(campaign.id))
        .await?;
    let days = state.store.signatures_by_day(campaign.id).await?;
    let action_base = review_path(campaign.id);
    render(&ReviewTemplate {
        shell: Shell::new(tr, campaign.text.title.to_string(), &action_base),
        csrf: csrf.0,
        public_href: campaign.lifecycle.is_public().then(|| campaign.path()),
        status: tr.t(&format!("moderation.status_{}", status.name())),
        count: tr.with(
            "card.signatures",
            &[("count", &tr.count(campaign.signature_count))],
        ),
        growth: GrowthChart::of_days(&days, tr),
        preview: Preview::of(campaign.kind, &campaign.text, campaign.end_date, tr),
        revision: state
            .store
            .pending_text(campaign.id)
            .await?
            .map(|text| Preview::of(campaign.kind, &text, campaign.end_date, tr)),
        own,
        can_review: status == Status::InReview && !own,
        can_suspend: status == Status::Open,
        can_set_outcome: matches!(status, Status::Open | Status::Ended),
        reasons: reasons
            .iter()
            .filter(|r| r.active)
            .map(|r| (r.id.0, r.label(tr.language).to_string()))
            .collect(),
        outcomes: OutcomeKind::ALL
            .iter()
            .map(|kind| {
                (
                    kind.name(),
                    tr.t(&format!("moderation.outcome_{}", kind.name())),
                    campaign.outcome.kind() == *kind,
                )
            })
            .collect(),
        history: EventLine::list(&events, tr),
        action_base,
    })
}

/// Back to the campaign's page, after an action.
fn back(campaign: &Campaign) -> Response {
    Redirect::to(&review_path(campaign.id)).into_response()
}

/// Approving carries nothing but its token.
#[derive(Deserialize)]
struct ApproveForm {}

#[tracing::instrument(skip_all, fields(campaign = %campaign.id))]
async fn approve(
    State(state): State<AppState>,
    Moderator(moderator): Moderator,
    ReviewableCampaign(campaign): ReviewableCampaign,
    CsrfForm(ApproveForm {}): CsrfForm<ApproveForm>,
) -> Result<Response, WebError> {
    let back = back(&campaign);
    moderation::approve(&state, campaign, &moderator).await?;
    Ok(back)
}

#[derive(Deserialize)]
struct RejectForm {
    reason: Option<i64>,
    note: Option<String>,
}

#[tracing::instrument(skip_all, fields(campaign = %campaign.id))]
async fn reject(
    State(state): State<AppState>,
    tr: Tr,
    Moderator(moderator): Moderator,
    ReviewableCampaign(campaign): ReviewableCampaign,
    CsrfForm(form): CsrfForm<RejectForm>,
) -> Result<Response, WebError> {
    let back = back(&campaign);
    let note = note(form.note.as_deref());
    moderation::reject(&state, campaign, &moderator, form.reason, note, tr).await?;
    Ok(back)
}

#[derive(Deserialize)]
struct SuspendForm {
    order: Option<String>,
}

#[tracing::instrument(skip_all, fields(campaign = %campaign.id))]
async fn suspend(
    State(state): State<AppState>,
    tr: Tr,
    Moderator(moderator): Moderator,
    ReviewableCampaign(campaign): ReviewableCampaign,
    CsrfForm(form): CsrfForm<SuspendForm>,
) -> Result<Response, WebError> {
    let back = back(&campaign);
    let order = form.order.unwrap_or_default();
    moderation::suspend(&state, campaign, &moderator, &order, tr).await?;
    Ok(back)
}

#[derive(Deserialize)]
struct OutcomeForm {
    outcome: Option<String>,
    news_url: Option<String>,
}

#[tracing::instrument(skip_all, fields(campaign = %campaign.id))]
async fn set_outcome(
    State(state): State<AppState>,
    tr: Tr,
    Moderator(moderator): Moderator,
    ReviewableCampaign(campaign): ReviewableCampaign,
    CsrfForm(form): CsrfForm<OutcomeForm>,
) -> Result<Response, WebError> {
    let (outcome, news_url) = (
        form.outcome.unwrap_or_default(),
        form.news_url.unwrap_or_default(),
    );
    moderation::set_outcome(&state, &campaign, &moderator, &outcome, &news_url, tr).await?;
    Ok(back(&campaign))
}

/// What a moderator decided on a revised text, as its address says it.
#[derive(Deserialize)]
#[serde(rename_all = "snake_case")]
enum TextDecision {
    ApproveText,
    RejectText,
}

/// `POST …/approve_text` or `…/reject_text`: the revised text waiting for review becomes
/// live, or is turned down.
#[tracing::instrument(skip_all, fields(campaign = %campaign.id))]
async fn review_text(
    State(state): State<AppState>,
    Moderator(moderator): Moderator,
    ReviewableCampaign(campaign): ReviewableCampaign,
    Decided { decision, .. }: Decided<TextDecision>,
    CsrfForm(form): CsrfForm<NoteForm>,
) -> Result<Response, WebError> {
    let approve = matches!(decision, TextDecision::ApproveText);
    let note = form.note();
    moderation::review_text(&state, &campaign, &moderator, approve, note).await?;
    Ok(back(&campaign))
}

#[derive(Deserialize)]
struct UpdateForm {
    title: Option<String>,
    body: Option<String>,
}

/// The platform's own update on a public campaign, sent to the signers who asked for news.
#[tracing::instrument(skip_all, fields(campaign = %campaign.id))]
async fn platform_update(
    State(state): State<AppState>,
    tr: Tr,
    Moderator(_): Moderator,
    ReviewableCampaign(campaign): ReviewableCampaign,
    CsrfForm(form): CsrfForm<UpdateForm>,
) -> Result<Response, WebError> {
    if !campaign.lifecycle.is_public() {
        return Err(WebError::Store(StoreError::Conflict));
    }
    let (title, body) = (
        form.title.unwrap_or_default(),
        form.body.unwrap_or_default(),
    );
    post_update(&state, &campaign, UpdateAuthor::Platform, &title, &body, tr).await?;
    Ok(back(&campaign))
}
