//! What moderators may do, each act saved with its moderation event: lifecycle moves with
//! their reasons, outcomes, revised texts, flagged comments and submitted news.

use jiff::Timestamp;
use tomar_core::body::LetterBody;
use tomar_core::campaign::Campaign;
use tomar_core::comment::CommentStatus;
use tomar_core::ids::{CommentId, NewsLinkId, RejectionReasonId};
use tomar_core::language::Language;
use tomar_core::lifecycle::{LegalOrder, Outcome, OutcomeKind, Status, Transition};
use tomar_core::member::Member;
use tomar_core::moderation::{Actor, ModerationAction, ModerationEvent, Target};
use tomar_core::names::Line;
use tomar_core::news::{NewsStatus, NewsUrl};
use tomar_core::update::UpdateAuthor;
use tomar_store::StoreError;

use crate::error::WebError;
use crate::rules::announcements::{Announcement, channel_post};
use crate::rules::transitions;
use crate::rules::updates::post_update;
use crate::state::AppState;
use crate::view::i18n::Tr;

/// The longest reference of a legal order, in characters.
const ORDER_MAX: usize = 200;

/// A moderator's note, cleaned to at most one letter's length; empty is none.
pub fn note(text: Option<&str>) -> Option<String> {
    text.and_then(|t| LetterBody::parse(t).ok())
        .map(|body| body.as_ref().to_owned())
}

fn event(
    moderator: &Member,
    action: ModerationAction,
    target: Target,
    note: Option<String>,
) -> ModerationEvent {
    ModerationEvent {
        actor: Actor::Member(moderator.id),
        action,
        target,
        note,
        at: Timestamp::now(),
    }
}

/// Rejects a campaign in review, for a reason from the admin's list (one still offered).
/// Whether the moderator wrote the campaign, so another moderator must review it.
pub fn is_their_own(campaign: &Campaign, moderator: &Member) -> bool {
    campaign.author_id == Some(moderator.id)
}

fn ensure_not_their_own(campaign: &Campaign, moderator: &Member) -> Result<(), WebError> {
    match is_their_own(campaign, moderator) {
        true => Err(WebError::OwnCampaign),
        false => Ok(()),
    }
}

/// Publishes a campaign in review, unless the moderator wrote it.
pub async fn approve(
    state: &AppState,
    campaign: Campaign,
    moderator: &Member,
) -> Result<(), WebError> {
    ensure_not_their_own(&campaign, moderator)?;
    let actor = Actor::Member(moderator.id);
    // The author hears that it is published, and where.
    let link = format!("{}/{}", state.public_url, campaign.id);
    let mut news = transitions::to_the_author(
        state,
        &campaign,
        "authoring.approved_message",
        &[("link", &link)],
    )
    .await?;
    // And the platform's channel, that there is a new campaign to sign.
    news.extend(channel_post(state, &campaign, Announcement::Approved).await?);
    transitions::apply(state, campaign, actor, Transition::Approve, None, &news).await
}

pub async fn reject(
    state: &AppState,
    campaign: Campaign,
    moderator: &Member,
    reason: Option<i64>,
    note: Option<String>,
    tr: Tr,
) -> Result<(), WebError> {
    ensure_not_their_own(&campaign, moderator)?;
    let reasons = state.store.rejection_reasons().await?;
    let reason = reason
        .map(RejectionReasonId)
        .and_then(|id| reasons.iter().find(|r| r.id == id && r.active))
        .ok_or_else(|| WebError::invalid_field(tr, "reason", "moderation.reason_required"))?;
    let actor = Actor::Member(moderator.id);
    // The author hears why, and where to mend it.
    let link = format!("{}/me/campaigns/{}", state.public_url, campaign.id);
    let values = [
        ("reason", reason.label_fa.as_ref()),
        ("link", link.as_str()),
    ];
    let news =
        transitions::to_the_author(state, &campaign, "authoring.rejected_message", &values).await?;
    let step = Transition::Reject(reason.id);
    transitions::apply(state, campaign, actor, step, note, &news).await
}

/// Suspends an open campaign by a legal order, whose reference the public notice shows.
pub async fn suspend(
    state: &AppState,
    campaign: Campaign,
    moderator: &Member,
    order: &str,
    tr: Tr,
) -> Result<(), WebError> {
    let order = Line::parse(order, ORDER_MAX)
        .map_err(|_| WebError::invalid_field(tr, "order", "moderation.order_required"))?;
    let step = Transition::Suspend(LegalOrder {
        reference: order.to_string(),
    });
    transitions::apply(
        state,
        campaign,
        Actor::Member(moderator.id),
        step,
        None,
        &[],
    )
    .await
}

/// Sets what came of an open or ended campaign; a success needs the link to its news.
pub async fn set_outcome(
    state: &AppState,
    campaign: &Campaign,
    moderator: &Member,
    outcome: &str,
    news_url: &str,
    tr: Tr,
) -> Result<(), WebError> {
    let kind = OutcomeKind::from_name(outcome)
        .ok_or_else(|| WebError::invalid_field(tr, "outcome", "moderation.outcome_required"))?;
    // Only a success carries a link; it is refused without a good one.
    let news_url = NewsUrl::parse(news_url)
        .ok()
        .map(|url| url.as_ref().to_owned());
    let outcome = Outcome::new(kind, news_url)
        .ok_or_else(|| WebError::invalid_field(tr, "news_url", "moderation.news_url_required"))?;
    if !matches!(
        campaign.status(Timestamp::now()),
        Status::Open | Status::Ended
    ) {
        return Err(WebError::Store(StoreError::Conflict));
    }
    let action = ModerationAction::SetOutcome(outcome.kind());
    let note = outcome.news_url().map(str::to_owned);
    let event = event(moderator, action, Target::Campaign(campaign.id), note);
    // The channel hears of a delivery or a success, once: the store queues the post only if
    // the campaign had another outcome before.
    let announcement = match Announcement::of_outcome(&outcome) {
        Some(what) => channel_post(state, campaign, what).await?,
        None => Vec::new(),
    };
    state
        .store
        .set_outcome(campaign.id, &outcome, &event, &announcement)
        .await?;
    if !announcement.is_empty() {
        state.outbox.notify_one();
    }
    Ok(())
}

/// Approves (making it live) or rejects the revised text waiting for review.
pub async fn review_text(
    state: &AppState,
    campaign: &Campaign,
    moderator: &Member,
    approve: bool,
    note: Option<String>,
) -> Result<(), WebError> {
    ensure_not_their_own(campaign, moderator)?;
    let action = if approve {
        ModerationAction::ApproveText
    } else {
        ModerationAction::RejectText
    };
    let event = event(moderator, action, Target::Campaign(campaign.id), note);
    state
        .store
        .review_text(campaign.id, approve, &event)
        .await?;
    if approve && campaign.lifecycle.is_public() {
        tell_signers_of_revision(state, campaign).await?;
    }
    Ok(())
}

/// After a revision of a public text is approved, the platform's update says so to the
/// signers who asked for news: their signature stays for the text they signed, and here is
/// where to withdraw it if they no longer agree. News goes out in Persian, as all news does.
/// It is posted after the approval's own transaction: should it fail, the approval stands
/// and a moderator can post the update by hand.
async fn tell_signers_of_revision(state: &AppState, campaign: &Campaign) -> Result<(), WebError> {
    let tr = Tr::new(Language::Fa);
    let version = tr.count(u64::from(campaign.text_version + 1));
    let withdraw = format!("{}/privacy/mine", state.public_url);
    let body = tr.with(
        "updates.revised_body",
        &[("version", &version), ("link", &withdraw)],
    );
    let title = tr.t("updates.revised_title");
    post_update(state, campaign, UpdateAuthor::Platform, &title, &body, tr).await
}

/// Hides a flagged comment (a reason is required) or restores it; either way it leaves
/// the flagged list.
pub async fn review_comment(
    state: &AppState,
    comment: CommentId,
    moderator: &Member,
    status: CommentStatus,
    note: Option<String>,
    tr: Tr,
) -> Result<(), WebError> {
    let action = match status {
        CommentStatus::Hidden if note.is_none() => {
            return Err(WebError::invalid_field(
                tr,
                "note",
                "moderation.reason_needed",
            ));
        }
        CommentStatus::Hidden => ModerationAction::Hide,
        CommentStatus::Visible => ModerationAction::Restore,
    };
    let event = event(moderator, action, Target::Comment(comment), note);
    Ok(state.store.review_comment(comment, status, &event).await?)
}

/// Approves a submitted news link (it then shows on the campaign page) or rejects it.
pub async fn review_news(
    state: &AppState,
    link: NewsLinkId,
    moderator: &Member,
    status: NewsStatus,
    note: Option<String>,
) -> Result<(), WebError> {
    let action = match status {
        NewsStatus::Approved => ModerationAction::Approve,
        _ => ModerationAction::Reject,
    };
    let event = event(moderator, action, Target::NewsLink(link), note);
    Ok(state.store.review_news_link(link, status, &event).await?)
}
