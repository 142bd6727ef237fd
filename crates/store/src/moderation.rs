//! Moderation: the audit log of events, the review queue, the campaigns due for delivery,
//! and the admin's list of rejection reasons.

use tomar_core::Timestamp;
use tomar_core::campaign::CampaignSummary;
use tomar_core::ids::{CampaignId, CommentId, MemberId, NewsLinkId, RejectionReasonId};
use tomar_core::moderation::{Actor, ModerationAction, ModerationEvent, RejectionReason, Target};
use tomar_core::names::PersonName;

use crate::rows::{SummaryRow, line, timestamp};
use crate::{StoreError, Tx};

/// A stored moderation event, with its id (the log's cursor) and the display name its actor
/// had when it was read, if they have one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LoggedEvent {
    pub id: i64,
    pub event: ModerationEvent,
    pub actor_name: Option<PersonName>,
}

/// `SELECT … FROM moderation_events e`, with the actor's name, in [`EventRow`]'s order.
macro_rules! select_events {
    () => {
        "SELECT e.id, e.actor_id, m.display_name AS actor_name, e.action, e.target_kind, \
         e.target_id, e.note, e.created_at \
         FROM moderation_events e LEFT JOIN members m ON m.id = e.actor_id"
    };
}

store_methods! {
    /// The audit log of one item, oldest first.
    pub async fn moderation_events(
        &self,
        target: Target,
    ) -> Result<Vec<LoggedEvent>, StoreError> {
        let rows: Vec<EventRow> = sqlx::query_as(concat!(
            select_events!(),
            " WHERE e.target_kind = $1 AND e.target_id = $2 ORDER BY e.id"
        ))
        .bind(target.kind())
        .bind(target.id())
        .fetch_all(self.reader())
        .await?;
        rows.into_iter().map(TryInto::try_into).collect()
    }

    /// The moderation log, newest first, with ids below `before`.
    pub async fn moderation_log(
        &self,
        before: Option<i64>,
        limit: u32,
    ) -> Result<Vec<LoggedEvent>, StoreError> {
        let rows: Vec<EventRow> = sqlx::query_as(concat!(
            select_events!(),
            " WHERE e.id < $1 ORDER BY e.id DESC LIMIT $2"
        ))
        .bind(before.unwrap_or(i64::MAX))
        .bind(i64::from(limit))
        .fetch_all(self.reader())
        .await?;
        rows.into_iter().map(TryInto::try_into).collect()
    }

    /// Campaigns waiting for review, longest-waiting first, with when they entered review.
    pub async fn review_queue(
        &self,
        limit: u32,
    ) -> Result<Vec<(CampaignSummary, Timestamp)>, StoreError> {
        let rows: Vec<QueuedRow> = sqlx::query_as(concat!(
            "SELECT ",
            crate::rows::summary_columns!(),
            ", c.submitted_at FROM campaigns c ",
            crate::rows::summary_join!(),
            " WHERE c.lifecycle = 'in_review' ORDER BY c.submitted_at, c.id LIMIT $1"
        ))
        .bind(i64::from(limit))
        .fetch_all(self.reader())
        .await?;
        rows.into_iter().map(TryInto::try_into).collect()
    }

    /// Campaigns whose addressee sent an answer through their link that no moderator has
    /// recorded yet, with when the first came, the longest waiting first.
    pub async fn answers_waiting(
        &self,
        limit: u32,
    ) -> Result<Vec<(CampaignSummary, Timestamp)>, StoreError> {
        let rows: Vec<QueuedRow> = sqlx::query_as(concat!(
            "SELECT ",
            crate::rows::summary_columns!(),
            ", w.submitted_at FROM (SELECT campaign_id, MIN(submitted_at) AS submitted_at \
             FROM addressee_links WHERE submitted_at IS NOT NULL AND decided_at IS NULL \
             GROUP BY campaign_id ORDER BY MIN(submitted_at), campaign_id LIMIT $1) w \
             JOIN campaigns c ON c.id = w.campaign_id ",
            crate::rows::summary_join!(),
            " ORDER BY w.submitted_at, c.id"
        ))
        .bind(i64::from(limit))
        .fetch_all(self.reader())
        .await?;
        rows.into_iter().map(TryInto::try_into).collect()
    }

    /// Campaigns with at least `threshold` signatures and no outcome yet, most-signed first.
    pub async fn due_for_delivery(
        &self,
        threshold: u64,
        limit: u32,
    ) -> Result<Vec<CampaignSummary>, StoreError> {
        let rows: Vec<SummaryRow> = sqlx::query_as(concat!(
            crate::rows::select_summaries!(),
            " WHERE c.lifecycle IN ('published', 'ended') AND c.outcome = 'none' \
             AND c.merged_into IS NULL \
             AND c.signature_count >= $1 ORDER BY c.signature_count DESC, c.id LIMIT $2"
        ))
        .bind(i64::try_from(threshold).unwrap_or(i64::MAX))
        .bind(i64::from(limit))
        .fetch_all(self.reader())
        .await?;
        rows.into_iter().map(TryInto::try_into).collect()
    }

    /// Every rejection reason, retired ones too.
    pub async fn rejection_reasons(
        &self,
    ) -> Result<Vec<RejectionReason>, StoreError> {
        let rows: Vec<ReasonRow> = sqlx::query_as(
            "SELECT id, label_fa, label_en, active FROM rejection_reasons ORDER BY id",
        )
        .fetch_all(self.reader())
        .await?;
        rows.into_iter().map(TryInto::try_into).collect()
    }

    pub async fn add_rejection_reason(
        &self,
        label_fa: &str,
        label_en: &str,
    ) -> Result<RejectionReasonId, StoreError> {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO rejection_reasons (label_fa, label_en) VALUES ($1, $2) RETURNING id",
        )
        .bind(label_fa)
        .bind(label_en)
        .fetch_one(self.writer())
        .await?;
        Ok(RejectionReasonId(id))
    }

    pub async fn set_rejection_reason_active(
        &self,
        id: RejectionReasonId,
        active: bool,
    ) -> Result<(), StoreError> {
        let changed = sqlx::query("UPDATE rejection_reasons SET active = $1 WHERE id = $2")
            .bind(active)
            .bind(id.0)
            .execute(self.writer())
            .await?
            .rows_affected();
        if changed == 0 {
            return Err(StoreError::NotFound("rejection reason"));
        }
        Ok(())
    }
}

backend_helpers! {
    /// Records an event in the transaction of the change it describes.
    pub(crate) async fn insert_event<'c>(
        tx: &mut Tx<'c, Self>,
        event: &ModerationEvent,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO moderation_events (actor_id, action, target_kind, target_id, \
             note, created_at) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(actor_id(event.actor))
        .bind(event.action.name())
        .bind(event.target.kind())
        .bind(event.target.id())
        .bind(event.note.as_deref())
        .bind(event.at.as_second())
        .execute(&mut **tx)
        .await?;
        Ok(())
    }

    /// Ends a moderated change of one row: unless the change touched exactly one row it is
    /// refused with `untouched` and rolled back; else it is recorded with its event and
    /// committed.
    pub(crate) async fn commit_with_event(
        mut tx: Tx<'_, Self>,
        rows_changed: u64,
        untouched: StoreError,
        event: &ModerationEvent,
    ) -> Result<(), StoreError> {
        if rows_changed != 1 {
            return Err(untouched);
        }
        Self::insert_event(&mut tx, event).await?;
        tx.commit().await?;
        Ok(())
    }
}

#[derive(sqlx::FromRow)]
struct EventRow {
    id: i64,
    actor_id: Option<i64>,
    actor_name: Option<String>,
    action: String,
    target_kind: String,
    target_id: i64,
    note: Option<String>,
    created_at: i64,
}

impl TryFrom<EventRow> for LoggedEvent {
    type Error = StoreError;

    fn try_from(row: EventRow) -> Result<Self, StoreError> {
        let target = match row.target_kind.as_str() {
            "campaign" => Target::Campaign(CampaignId(row.target_id)),
            "comment" => Target::Comment(CommentId(row.target_id)),
            "news_link" => Target::NewsLink(NewsLinkId(row.target_id)),
            _ => return Err(StoreError::Corrupt("moderation event target")),
        };
        let event = ModerationEvent {
            actor: row
                .actor_id
                .map_or(Actor::Platform, |id| Actor::Member(MemberId(id))),
            action: ModerationAction::from_name(&row.action)
                .ok_or(StoreError::Corrupt("moderation action"))?,
            target,
            note: row.note,
            at: timestamp(row.created_at, "moderation event time")?,
        };
        Ok(LoggedEvent {
            id: row.id,
            event,
            actor_name: row
                .actor_name
                .map(|n| PersonName::parse(&n).map_err(|_| StoreError::Corrupt("member name")))
                .transpose()?,
        })
    }
}

/// A campaign waiting for a moderator, with since when (its submission, or its
/// addressee's answer).
#[derive(sqlx::FromRow)]
struct QueuedRow {
    #[sqlx(flatten)]
    summary: SummaryRow,
    submitted_at: Option<i64>,
}

impl TryFrom<QueuedRow> for (CampaignSummary, Timestamp) {
    type Error = StoreError;

    fn try_from(row: QueuedRow) -> Result<Self, StoreError> {
        let submitted = timestamp(
            row.submitted_at.unwrap_or_default(),
            "campaign waiting time",
        )?;
        Ok((row.summary.try_into()?, submitted))
    }
}

/// How a moderation event's actor is stored: NULL for the platform itself.
pub(crate) fn actor_id(actor: Actor) -> Option<i64> {
    match actor {
        Actor::Platform => None,
        Actor::Member(id) => Some(id.0),
    }
}

#[derive(sqlx::FromRow)]
struct ReasonRow {
    id: i64,
    label_fa: String,
    label_en: String,
    active: bool,
}

impl TryFrom<ReasonRow> for RejectionReason {
    type Error = StoreError;

    fn try_from(row: ReasonRow) -> Result<Self, StoreError> {
        Ok(RejectionReason {
            id: RejectionReasonId(row.id),
            label_fa: line(row.label_fa, "rejection reason")?,
            label_en: line(row.label_en, "rejection reason")?,
            active: row.active,
        })
    }
}
