//! Addressees' answers: a moderator records the answer to a delivered campaign, and the
//! public record at `/responses` reads the campaigns delivered, those still waiting first.

use tomar_core::Timestamp;
use tomar_core::campaign::CampaignSummary;
use tomar_core::ids::CampaignId;
use tomar_core::moderation::ModerationEvent;
use tomar_core::response::AddresseeResponse;

use crate::StoreError;
use crate::rows::{SummaryRow, timestamp};

/// An answer an addressee sent through their one-time link, waiting for a moderator.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SubmittedAnswer {
    pub response: AddresseeResponse,
    pub submitted_at: Timestamp,
}

#[derive(sqlx::FromRow)]
struct SubmittedRow {
    answered_on: Option<String>,
    summary: Option<String>,
    official_url: Option<String>,
    submitted_at: i64,
}

impl TryFrom<SubmittedRow> for SubmittedAnswer {
    type Error = StoreError;

    fn try_from(row: SubmittedRow) -> Result<Self, StoreError> {
        let response = crate::campaigns::response(row.answered_on, row.summary, row.official_url)?
            .ok_or(StoreError::Corrupt("addressee answer"))?;
        Ok(SubmittedAnswer {
            response,
            submitted_at: timestamp(row.submitted_at, "addressee answer time")?,
        })
    }
}

/// A campaign delivered to its addressees, and when.
#[derive(Clone, Debug)]
pub struct DeliveredCampaign {
    pub campaign: CampaignSummary,
    pub delivered_at: Timestamp,
}

#[derive(sqlx::FromRow)]
struct DeliveredRow {
    #[sqlx(flatten)]
    summary: SummaryRow,
    delivered_at: i64,
}

impl TryFrom<DeliveredRow> for DeliveredCampaign {
    type Error = StoreError;

    fn try_from(row: DeliveredRow) -> Result<Self, StoreError> {
        Ok(DeliveredCampaign {
            campaign: row.summary.try_into()?,
            delivered_at: timestamp(row.delivered_at, "campaign delivery time")?,
        })
    }
}

/// `SELECT … FROM` delivered campaigns, in [`DeliveredRow`]'s order.
macro_rules! select_delivered {
    () => {
        concat!(
            "SELECT ",
            crate::rows::summary_columns!(),
            ", c.delivered_at FROM campaigns c ",
            crate::rows::summary_join!(),
            " WHERE c.delivered_at IS NOT NULL"
        )
    };
}

store_methods! {
    /// Records (or corrects) the addressee's answer to a delivered campaign, with the
    /// moderation event, in one transaction. `Conflict` if the campaign was never
    /// delivered.
    pub async fn record_response(
        &self,
        campaign: CampaignId,
        response: &AddresseeResponse,
        event: &ModerationEvent,
    ) -> Result<(), StoreError> {
        let mut tx = self.writer().begin().await?;
        let changed = sqlx::query(
            "UPDATE campaigns SET response_on = $1, response_summary = $2, response_url = $3 \
             WHERE id = $4 AND delivered_at IS NOT NULL",
        )
        .bind(response.answered_on.to_string())
        .bind(response.summary.as_ref())
        .bind(response.official_url.as_ref().map(|url| url.as_ref().to_owned()))
        .bind(campaign.0)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        // What the addressee sent, if anything, has now been decided on.
        sqlx::query(
            "UPDATE addressee_links SET decided_at = $1 \
             WHERE campaign_id = $2 AND submitted_at IS NOT NULL AND decided_at IS NULL",
        )
        .bind(event.at.as_second())
        .bind(campaign.0)
        .execute(&mut *tx)
        .await?;
        Self::commit_with_event(tx, changed, StoreError::Conflict, event).await?;
        self.forget_campaigns().await;
        Ok(())
    }

    /// Keeps a one-time link for a delivered campaign's addressee, by its token's keyed
    /// hash, usable until `expires_at`, with the moderation event of its making, made at
    /// the event's time. `Conflict` if the campaign was never delivered.
    pub async fn create_addressee_link(
        &self,
        campaign: CampaignId,
        token_hash: &str,
        expires_at: Timestamp,
        event: &ModerationEvent,
    ) -> Result<(), StoreError> {
        let mut tx = self.writer().begin().await?;
        let made = sqlx::query(
            "INSERT INTO addressee_links (campaign_id, token_hash, created_at, expires_at) \
             SELECT id, $2, $3, $4 FROM campaigns WHERE id = $1 AND delivered_at IS NOT NULL",
        )
        .bind(campaign.0)
        .bind(token_hash)
        .bind(event.at.as_second())
        .bind(expires_at.as_second())
        .execute(&mut *tx)
        .await?
        .rows_affected();
        Self::commit_with_event(tx, made, StoreError::Conflict, event).await
    }

    /// The campaign a link is for, while it is unused and unexpired at `now`.
    pub async fn open_addressee_link(
        &self,
        token_hash: &str,
        now: Timestamp,
    ) -> Result<Option<CampaignId>, StoreError> {
        let found: Option<(i64,)> = sqlx::query_as(
            "SELECT campaign_id FROM addressee_links \
             WHERE token_hash = $1 AND submitted_at IS NULL AND expires_at > $2",
        )
        .bind(token_hash)
        .bind(now.as_second())
        .fetch_optional(self.reader())
        .await?;
        Ok(found.map(|(id,)| CampaignId(id)))
    }

    /// Keeps the answer sent through a link and spends the link, in one statement: of many
    /// sent at once, one is kept. `Conflict` if the link is used, expired or unknown.
    pub async fn submit_addressee_answer(
        &self,
        token_hash: &str,
        response: &AddresseeResponse,
        now: Timestamp,
    ) -> Result<CampaignId, StoreError> {
        let spent: Option<(i64,)> = sqlx::query_as(
            "UPDATE addressee_links SET submitted_at = $1, answered_on = $2, summary = $3, \
             official_url = $4 \
             WHERE token_hash = $5 AND submitted_at IS NULL AND expires_at > $1 \
             RETURNING campaign_id",
        )
        .bind(now.as_second())
        .bind(response.answered_on.to_string())
        .bind(response.summary.as_ref())
        .bind(response.official_url.as_ref().map(|url| url.as_ref().to_owned()))
        .bind(token_hash)
        .fetch_optional(self.writer())
        .await?;
        spent
            .map(|(id,)| CampaignId(id))
            .ok_or(StoreError::Conflict)
    }

    /// The latest answer an addressee sent for `campaign` that no moderator has decided on.
    pub async fn submitted_answer(
        &self,
        campaign: CampaignId,
    ) -> Result<Option<SubmittedAnswer>, StoreError> {
        let row: Option<SubmittedRow> = sqlx::query_as(
            "SELECT answered_on, summary, official_url, submitted_at FROM addressee_links \
             WHERE campaign_id = $1 AND submitted_at IS NOT NULL AND decided_at IS NULL \
             ORDER BY submitted_at DESC, id DESC LIMIT 1",
        )
        .bind(campaign.0)
        .fetch_optional(self.reader())
        .await?;
        row.map(TryInto::try_into).transpose()
    }

    /// Delivered campaigns still waiting for an answer, the longest waiting first.
    pub async fn awaiting_response(
        &self,
        limit: u32,
    ) -> Result<Vec<DeliveredCampaign>, StoreError> {
        let rows: Vec<DeliveredRow> = sqlx::query_as(concat!(
            select_delivered!(),
            " AND c.response_on IS NULL ORDER BY c.delivered_at, c.id LIMIT $1"
        ))
        .bind(i64::from(limit))
        .fetch_all(self.reader())
        .await?;
        rows.into_iter().map(TryInto::try_into).collect()
    }

    /// The latest deliveries, answered or not, the newest first.
    pub async fn recent_deliveries(
        &self,
        limit: u32,
    ) -> Result<Vec<DeliveredCampaign>, StoreError> {
        let rows: Vec<DeliveredRow> = sqlx::query_as(concat!(
            select_delivered!(),
            " ORDER BY c.delivered_at DESC, c.id DESC LIMIT $1"
        ))
        .bind(i64::from(limit))
        .fetch_all(self.reader())
        .await?;
        rows.into_iter().map(TryInto::try_into).collect()
    }
}
