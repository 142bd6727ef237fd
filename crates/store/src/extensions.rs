//! Extending every open campaign's end date after a platform outage, once per outage.

use tomar_core::extension::EndDateExtension;
use tomar_core::moderation::{Actor, ModerationAction};
use tomar_core::{Date, SignedDuration, Timestamp};

use crate::StoreError;
use crate::moderation::actor_id;

store_methods! {
    /// Moves the end date of every campaign open on `today` (published, its last day not
    /// passed) `extension.days` later and records one moderation event per campaign, all in
    /// one transaction. `None` if this outage was already made up for: the outage's day is
    /// unique, so the same form sent twice, or by two admins at once, extends once.
    pub async fn extend_open_campaigns(
        &self,
        extension: &EndDateExtension,
        actor: Actor,
        today: Date,
        at: Timestamp,
    ) -> Result<Option<u64>, StoreError> {
        let mut tx = self.writer().begin().await?;
        let id: Option<i64> = sqlx::query_scalar(
            "INSERT INTO end_date_extensions (outage_on, days, reason, actor_id, created_at) \
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT (outage_on) DO NOTHING RETURNING id",
        )
        .bind(extension.outage_on.to_string())
        .bind(i64::from(extension.days))
        .bind(extension.reason.as_ref())
        .bind(actor_id(actor))
        .bind(at.as_second())
        .fetch_optional(&mut *tx)
        .await?;
        let Some(id) = id else {
            return Ok(None);
        };
        // Day arithmetic is the one thing the two dialects spell differently, so each end
        // date is moved by its own statement, the latest first: a date moved never meets
        // one still to move, since it lands later than all of them. Open campaigns end on
        // a few hundred distinct days at most.
        let ends: Vec<String> = sqlx::query_scalar(
            "SELECT DISTINCT end_date FROM campaigns \
             WHERE lifecycle = 'published' AND end_date >= $1 ORDER BY end_date DESC",
        )
        .bind(today.to_string())
        .fetch_all(&mut *tx)
        .await?;
        let mut moved = 0;
        for end in ends {
            let day: Date = end
                .parse()
                .map_err(|_| StoreError::Corrupt("campaign end date"))?;
            let later = day
                .checked_add(SignedDuration::from_hours(24 * i64::from(extension.days)))
                .map_err(|_| StoreError::Corrupt("campaign end date"))?;
            moved += sqlx::query(
                "UPDATE campaigns SET end_date = $1, extension_id = $2 \
                 WHERE lifecycle = 'published' AND end_date = $3 \
                 AND COALESCE(extension_id, 0) <> $2",
            )
            .bind(later.to_string())
            .bind(id)
            .bind(end)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        }
        sqlx::query(
            "INSERT INTO moderation_events (actor_id, action, target_kind, target_id, note, \
             created_at) SELECT $1, $2, 'campaign', id, $3, $4 FROM campaigns \
             WHERE extension_id = $5",
        )
        .bind(actor_id(actor))
        .bind(ModerationAction::ExtendEndDate.name())
        .bind(extension.reason.as_ref())
        .bind(at.as_second())
        .bind(id)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        self.forget_campaigns().await;
        Ok(Some(moved))
    }
}
