//! Addressees' answers: a moderator records the answer to a delivered campaign, and the
//! public record at `/responses` reads the campaigns delivered, those still waiting first.

use tomar_core::Timestamp;
use tomar_core::campaign::CampaignSummary;
use tomar_core::ids::CampaignId;
use tomar_core::moderation::ModerationEvent;
use tomar_core::response::AddresseeResponse;

use crate::StoreError;
use crate::rows::{SummaryRow, timestamp};

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
        Self::commit_with_event(tx, changed, StoreError::Conflict, event).await?;
        self.forget_campaigns().await;
        Ok(())
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
