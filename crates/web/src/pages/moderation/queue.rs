//! `GET /moderation`: what waits for a moderator: flagged comments, news waiting for
//! review, the review queue (longest-waiting first, with its age), revised texts, answers
//! addressees sent through their links, and the campaigns due for delivery (past the
//! admin's threshold, no outcome yet).

use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::response::Html;
use axum::routing::get;
use jiff::Timestamp;
use tomar_core::campaign::CampaignSummary;
use tomar_core::comment::CommentStatus;

use crate::error::WebError;
use crate::http::auth::Moderator;
use crate::http::csrf::CsrfToken;
use crate::rules::platform::Platform;
use crate::state::AppState;
use crate::view::done::{Done, DoneQuery};
use crate::view::i18n::Tr;
use crate::view::moderation::age;
use crate::view::render::render;
use crate::view::url::review_path;
use crate::view::{Card, Shell};

/// The most of each kind listed.
const QUEUE_LENGTH: u32 = 100;

pub fn routes() -> Router<AppState> {
    Router::new().route("/moderation", get(queue))
}

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
    done: Option<String>,
    flagged: Vec<FlaggedComment>,
    news: Vec<PendingNews>,
    queue: Vec<Waiting>,
    revisions: Vec<Waiting>,
    answers: Vec<Waiting>,
    due: Vec<Waiting>,
    threshold: String,
}

async fn queue(
    State(state): State<AppState>,
    tr: Tr,
    csrf: CsrfToken,
    Moderator(_): Moderator,
    platform: Platform,
    Query(query): Query<DoneQuery>,
) -> Result<Html<String>, WebError> {
    let now = Timestamp::now();
    let threshold = platform.delivery_threshold();
    let (waiting, answers, revisions, due, flagged, news) = tokio::try_join!(
        state.store.review_queue(QUEUE_LENGTH),
        state.store.answers_waiting(QUEUE_LENGTH),
        state.store.revisions_waiting(),
        state.store.due_for_delivery(threshold, QUEUE_LENGTH),
        state.store.flagged_comments(QUEUE_LENGTH),
        state.store.pending_news_links(QUEUE_LENGTH),
    )?;
    let waiting_since = |(summary, since): &(CampaignSummary, Timestamp)| Waiting {
        card: Card::new(summary, tr, now),
        review_href: review_path(summary.id),
        waiting: age(tr, *since, now),
    };
    let listed = |summary: &CampaignSummary| Waiting {
        card: Card::new(summary, tr, now),
        review_href: review_path(summary.id),
        waiting: String::new(),
    };
    render(&ModerationTemplate {
        shell: Shell::new(tr, tr.t("moderation.title"), "/moderation"),
        csrf: csrf.0,
        done: Done::message(&query, tr),
        flagged: flagged
            .iter()
            .map(|comment| FlaggedComment {
                id: comment.id.0,
                href: format!("/{}#comment-{}", comment.campaign_id, comment.id),
                body: comment.body.as_ref().to_owned(),
                flags: tr.with(
                    "moderation.flags",
                    &[
                        ("networks", &tr.number(comment.flags.networks)),
                        ("members", &tr.number(comment.flags.members)),
                    ],
                ),
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
        queue: waiting.iter().map(waiting_since).collect(),
        answers: answers.iter().map(waiting_since).collect(),
        revisions: revisions.iter().map(listed).collect(),
        due: due.iter().map(listed).collect(),
        threshold: tr.count(threshold),
    })
}
