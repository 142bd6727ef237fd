//! The moderators' pages. Every handler first asks `Viewer::moderator`, so anonymous
//! people are sent to log in and plain members get a 403, before anything is read or
//! changed.
//!
//! - `GET /moderation`: flagged comments, news waiting for review, the review queue
//!   (longest-waiting first, with its age), revised texts, and the campaigns due for
//!   delivery (past the admin's threshold, no outcome yet).
//! - `GET /moderation/campaigns/{id}`: one campaign in any state, its history, and the
//!   actions its state allows: approve, reject with a reason and a note for the author,
//!   suspend by legal order, approve or reject a revised text, set the outcome, post a
//!   platform update.
//! - `POST /moderation/comments/{id}/{hide|restore}` and `/moderation/news/{id}/{approve|
//!   reject}`: flagged comments and submitted news, listed on `/moderation`.
//! - `GET /moderation/log?before=`: every moderation event, newest first, paged by key.

use askama::Template;
use axum::Extension;
use axum::extract::{Form, Path, Query, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use jiff::Timestamp;
use serde::Deserialize;
use tomar_core::body::Block;
use tomar_core::campaign::Campaign;
use tomar_core::comment::CommentStatus;
use tomar_core::ids::{CampaignId, CommentId, NewsLinkId, RejectionReasonId};
use tomar_core::lifecycle::{LegalOrder, Outcome, Status, Transition};
use tomar_core::moderation::{Actor, ModerationAction, ModerationEvent, Target};
use tomar_core::names::{CampaignRef, Line};
use tomar_core::news::{NewsStatus, NewsUrl};
use tomar_core::update::UpdateAuthor;
use tomar_store::{LoggedEvent, StoreError};

use crate::AppState;
use crate::auth::Viewer;
use crate::csrf::CsrfToken;
use crate::editor::Preview;
use crate::error::WebError;
use crate::i18n::Tr;
use crate::pages::render;
use crate::platform::Platform;
use crate::transitions;
use crate::updates::post_update;
use crate::view::{Card, Shell};

const QUEUE_LENGTH: u32 = 100;
const LOG_PAGE: u32 = 50;

/// A campaign waiting for review.
struct Waiting {
    card: Card,
    review_href: String,
    waiting: String,
}

/// A flagged comment, with where it was written.
struct FlaggedComment {
    id: i64,
    href: String,
    body: String,
    flags: String,
    hidden: bool,
}

/// A news link waiting for review.
struct PendingNews {
    id: i64,
    campaign_href: String,
    title: String,
    url: String,
    host: String,
}

#[derive(Template)]
#[template(path = "moderation.html")]
struct ModerationTemplate {
    shell: Shell,
    csrf: String,
    flagged: Vec<FlaggedComment>,
    news: Vec<PendingNews>,
    queue: Vec<Waiting>,
    revisions: Vec<Waiting>,
    due: Vec<Waiting>,
    threshold: String,
}

/// How long something has waited, in the largest whole unit.
fn age(tr: Tr, since: Timestamp, now: Timestamp) -> String {
    let minutes = now.duration_since(since).as_secs().max(0) / 60;
    let (key, n) = match minutes {
        m if m < 60 => ("moderation.age_minutes", m),
        m if m < 48 * 60 => ("moderation.age_hours", m / 60),
        m => ("moderation.age_days", m / (24 * 60)),
    };
    tr.with(key, &[("n", &tr.number(n))])
}

fn review_href(id: CampaignId) -> String {
    format!("/moderation/campaigns/{id}")
}

pub async fn queue(
    State(state): State<AppState>,
    Extension(tr): Extension<Tr>,
    Extension(csrf): Extension<CsrfToken>,
    Extension(viewer): Extension<Viewer>,
) -> Result<Html<String>, WebError> {
    viewer.moderator()?;
    let now = Timestamp::now();
    let platform = Platform::new(state.store.settings().await?);
    let threshold = platform.delivery_threshold();
    let (waiting, revisions, due, flagged, news) = tokio::try_join!(
        state.store.review_queue(QUEUE_LENGTH),
        state.store.revisions_waiting(),
        state.store.due_for_delivery(threshold, QUEUE_LENGTH),
        state.store.flagged_comments(QUEUE_LENGTH),
        state.store.pending_news_links(QUEUE_LENGTH),
    )?;
    let listed = |summary: &tomar_core::campaign::CampaignSummary| Waiting {
        card: Card::new(summary, tr, now),
        review_href: review_href(summary.id),
        waiting: String::new(),
    };
    render(&ModerationTemplate {
        shell: Shell::new(tr, tr.t("moderation.title"), "/moderation"),
        csrf: csrf.0,
        flagged: flagged
            .iter()
            .map(|comment| FlaggedComment {
                id: comment.id.0,
                href: format!("/{}#comment-{}", comment.campaign_id, comment.id),
                body: comment.body.as_ref().to_owned(),
                flags: tr.with("moderation.flags", &[("n", &tr.number(comment.flags))]),
                hidden: comment.status == CommentStatus::Hidden,
            })
            .collect(),
        news: news
            .iter()
            .map(|link| PendingNews {
                id: link.id.0,
                campaign_href: format!("/{}", link.campaign_id),
                title: link.title.to_string(),
                url: link.url.clone(),
                host: link.source_host.clone(),
            })
            .collect(),
        queue: waiting
            .iter()
            .map(|(summary, since)| Waiting {
                card: Card::new(summary, tr, now),
                review_href: review_href(summary.id),
                waiting: age(tr, *since, now),
            })
            .collect(),
        revisions: revisions.iter().map(listed).collect(),
        due: due.iter().map(listed).collect(),
        threshold: tr.count(threshold),
    })
}

/// A moderation event as a line of the log.
struct EventLine {
    date: String,
    actor: String,
    action: String,
    target_href: Option<String>,
    target: String,
    note: Option<String>,
}

fn event_lines(tr: Tr, events: &[LoggedEvent]) -> Vec<EventLine> {
    let mut lines = Vec::with_capacity(events.len());
    for LoggedEvent {
        event, actor_name, ..
    } in events
    {
        let actor = match (event.actor, actor_name) {
            (Actor::Platform, _) => tr.t("moderation.platform"),
            (Actor::Member(_), Some(name)) => name.to_string(),
            (Actor::Member(id), None) => tr.with("moderation.member", &[("id", &tr.number(id.0))]),
        };
        let target_href = match event.target {
            Target::Campaign(id) => Some(review_href(id)),
            _ => None,
        };
        lines.push(EventLine {
            date: tr.instant(event.at),
            actor,
            action: tr.t(&format!("moderation.action_{}", event.action.name())),
            target_href,
            target: tr.with(
                &format!("moderation.target_{}", event.target.kind()),
                &[("id", &tr.number(event.target.id()))],
            ),
            note: event.note.clone(),
        });
    }
    lines
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
    preview: Preview,
    /// A revised text waiting for review, as it would read.
    revision: Option<Preview>,
    can_review: bool,
    can_suspend: bool,
    can_set_outcome: bool,
    reasons: Vec<(i64, String)>,
    outcomes: Vec<(&'static str, String, bool)>,
    history: Vec<EventLine>,
}

async fn campaign(state: &AppState, id: i64) -> Result<Campaign, WebError> {
    state
        .store
        .campaign(&CampaignRef::Id(CampaignId(id)))
        .await?
        .ok_or(WebError::NotFound)
}

const OUTCOMES: [&str; 5] = [
    "none",
    "delivered",
    "special_follow_up",
    "succeeded",
    "failed",
];

pub async fn review_page(
    State(state): State<AppState>,
    Extension(tr): Extension<Tr>,
    Extension(csrf): Extension<CsrfToken>,
    Extension(viewer): Extension<Viewer>,
    Path(id): Path<i64>,
) -> Result<Html<String>, WebError> {
    viewer.moderator()?;
    let campaign = campaign(&state, id).await?;
    let status = campaign.status(Timestamp::now());
    let reasons = state.store.rejection_reasons().await?;
    let events = state
        .store
        .moderation_events(Target::Campaign(campaign.id))
        .await?;
    let action_base = review_href(campaign.id);
    render(&ReviewTemplate {
        shell: Shell::new(tr, campaign.text.title.to_string(), &action_base),
        csrf: csrf.0,
        public_href: campaign
            .lifecycle
            .is_public()
            .then(|| format!("/{}", campaign.path_segment())),
        status: tr.t(&format!("moderation.status_{}", status.name())),
        count: tr.with(
            "card.signatures",
            &[("count", &tr.count(campaign.signature_count))],
        ),
        preview: Preview::of(campaign.kind, &campaign.text, campaign.end_date, tr),
        revision: state
            .store
            .pending_text(campaign.id)
            .await?
            .map(|text| Preview::of(campaign.kind, &text, campaign.end_date, tr)),
        can_review: status == Status::InReview,
        can_suspend: status == Status::Open,
        can_set_outcome: matches!(status, Status::Open | Status::Ended),
        reasons: reasons
            .iter()
            .filter(|r| r.active)
            .map(|r| (r.id.0, r.label(tr.language).to_string()))
            .collect(),
        outcomes: OUTCOMES
            .iter()
            .map(|name| {
                (
                    *name,
                    tr.t(&format!("moderation.outcome_{name}")),
                    campaign.outcome.name() == *name,
                )
            })
            .collect(),
        history: event_lines(tr, &events),
        action_base,
    })
}

#[derive(Deserialize)]
pub struct ActionForm {
    csrf: String,
    reason: Option<i64>,
    note: Option<String>,
    order: Option<String>,
    outcome: Option<String>,
    news_url: Option<String>,
    title: Option<String>,
    body: Option<String>,
}

/// A moderator's note, cleaned to at most one letter's length; empty is none.
fn note(text: Option<&str>) -> Option<String> {
    text.and_then(|t| tomar_core::body::LetterBody::parse(t).ok())
        .map(|body| body.as_ref().to_owned())
}

#[tracing::instrument(skip_all, fields(campaign = id, action = %action))]
pub async fn act(
    State(state): State<AppState>,
    Extension(tr): Extension<Tr>,
    Extension(csrf): Extension<CsrfToken>,
    Extension(viewer): Extension<Viewer>,
    Path((id, action)): Path<(i64, String)>,
    Form(form): Form<ActionForm>,
) -> Result<Response, WebError> {
    let moderator = viewer.moderator()?;
    csrf.verify(&form.csrf)?;
    let campaign = campaign(&state, id).await?;
    let back = review_href(campaign.id);
    let actor = Actor::Member(moderator.id);
    match action.as_str() {
        "approve" => transitions::apply(&state, campaign, actor, Transition::Approve, None).await?,
        "reject" => {
            let reasons = state.store.rejection_reasons().await?;
            let reason = form
                .reason
                .map(RejectionReasonId)
                .filter(|id| reasons.iter().any(|r| r.id == *id && r.active))
                .ok_or_else(|| {
                    WebError::invalid_field(tr, "reason", "moderation.reason_required")
                })?;
            let step = Transition::Reject(reason);
            let note = note(form.note.as_deref());
            transitions::apply(&state, campaign, actor, step, note).await?;
        }
        "suspend" => {
            let order = Line::parse(form.order.as_deref().unwrap_or_default(), 200)
                .map_err(|_| WebError::invalid_field(tr, "order", "moderation.order_required"))?;
            let step = Transition::Suspend(LegalOrder {
                reference: order.to_string(),
            });
            transitions::apply(&state, campaign, actor, step, None).await?;
        }
        "outcome" => {
            let outcome = match form.outcome.as_deref().unwrap_or_default() {
                "succeeded" => {
                    let url = NewsUrl::parse(form.news_url.as_deref().unwrap_or_default())
                        .map_err(|_| {
                            WebError::invalid_field(tr, "news_url", "moderation.news_url_required")
                        })?;
                    Outcome::Succeeded {
                        news_url: url.as_ref().to_owned(),
                    }
                }
                name => Outcome::from_parts(name, None).ok_or_else(|| {
                    WebError::invalid_field(tr, "outcome", "moderation.outcome_required")
                })?,
            };
            if !matches!(
                campaign.status(Timestamp::now()),
                Status::Open | Status::Ended
            ) {
                return Err(WebError::Store(StoreError::Conflict));
            }
            let event = ModerationEvent {
                actor,
                action: ModerationAction::SetOutcome(outcome.kind()),
                target: Target::Campaign(campaign.id),
                note: outcome.news_url().map(str::to_owned),
                at: Timestamp::now(),
            };
            state
                .store
                .set_outcome(campaign.id, &outcome, &event)
                .await?;
        }
        "approve_text" | "reject_text" => {
            let approve = action == "approve_text";
            let event = ModerationEvent {
                actor,
                action: if approve {
                    ModerationAction::ApproveText
                } else {
                    ModerationAction::RejectText
                },
                target: Target::Campaign(campaign.id),
                note: note(form.note.as_deref()),
                at: Timestamp::now(),
            };
            state
                .store
                .review_text(campaign.id, approve, &event)
                .await?;
        }
        "update" => {
            if !campaign.lifecycle.is_public() {
                return Err(WebError::Store(StoreError::Conflict));
            }
            let (title, body) = (
                form.title.unwrap_or_default(),
                form.body.unwrap_or_default(),
            );
            post_update(&state, &campaign, UpdateAuthor::Platform, &title, &body, tr).await?;
        }
        _ => return Err(WebError::NotFound),
    }
    Ok(Redirect::to(&back).into_response())
}

#[derive(Template)]
#[template(path = "moderation_log.html")]
struct LogTemplate {
    shell: Shell,
    events: Vec<EventLine>,
    next: Option<String>,
}

#[derive(Deserialize)]
pub struct LogQuery {
    before: Option<i64>,
}

pub async fn log(
    State(state): State<AppState>,
    Extension(tr): Extension<Tr>,
    Extension(viewer): Extension<Viewer>,
    Query(query): Query<LogQuery>,
) -> Result<Html<String>, WebError> {
    viewer.moderator()?;
    let page = state.store.moderation_log(query.before, LOG_PAGE).await?;
    let next = (page.len() == LOG_PAGE as usize)
        .then(|| {
            page.last()
                .map(|logged| format!("/moderation/log?before={}", logged.id))
        })
        .flatten();
    render(&LogTemplate {
        shell: Shell::new(tr, tr.t("moderation.log_title"), "/moderation/log"),
        events: event_lines(tr, &page),
        next,
    })
}

#[derive(Deserialize)]
pub struct ReviewForm {
    csrf: String,
    note: Option<String>,
}

/// `POST /moderation/comments/{id}/{hide|restore}`: hiding needs a reason; either way the
/// comment leaves the flagged list.
#[tracing::instrument(skip_all, fields(comment = id, action = %action))]
pub async fn review_comment(
    State(state): State<AppState>,
    Extension(tr): Extension<Tr>,
    Extension(csrf): Extension<CsrfToken>,
    Extension(viewer): Extension<Viewer>,
    Path((id, action)): Path<(i64, String)>,
    Form(form): Form<ReviewForm>,
) -> Result<Response, WebError> {
    let moderator = viewer.moderator()?;
    csrf.verify(&form.csrf)?;
    let note = note(form.note.as_deref());
    let (status, action) = match action.as_str() {
        "hide" if note.is_none() => {
            return Err(WebError::invalid_field(
                tr,
                "note",
                "moderation.reason_needed",
            ));
        }
        "hide" => (CommentStatus::Hidden, ModerationAction::Hide),
        "restore" => (CommentStatus::Visible, ModerationAction::Restore),
        _ => return Err(WebError::NotFound),
    };
    let event = ModerationEvent {
        actor: Actor::Member(moderator.id),
        action,
        target: Target::Comment(CommentId(id)),
        note,
        at: Timestamp::now(),
    };
    state
        .store
        .review_comment(CommentId(id), status, &event)
        .await?;
    Ok(Redirect::to("/moderation#flagged").into_response())
}

/// `POST /moderation/news/{id}/{approve|reject}`.
#[tracing::instrument(skip_all, fields(link = id, action = %action))]
pub async fn review_news(
    State(state): State<AppState>,
    Extension(csrf): Extension<CsrfToken>,
    Extension(viewer): Extension<Viewer>,
    Path((id, action)): Path<(i64, String)>,
    Form(form): Form<ReviewForm>,
) -> Result<Response, WebError> {
    let moderator = viewer.moderator()?;
    csrf.verify(&form.csrf)?;
    let (status, action) = match action.as_str() {
        "approve" => (NewsStatus::Approved, ModerationAction::Approve),
        "reject" => (NewsStatus::Rejected, ModerationAction::Reject),
        _ => return Err(WebError::NotFound),
    };
    let event = ModerationEvent {
        actor: Actor::Member(moderator.id),
        action,
        target: Target::NewsLink(NewsLinkId(id)),
        note: note(form.note.as_deref()),
        at: Timestamp::now(),
    };
    state
        .store
        .review_news_link(NewsLinkId(id), status, &event)
        .await?;
    Ok(Redirect::to("/moderation#news").into_response())
}
