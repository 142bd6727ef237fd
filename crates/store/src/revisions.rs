//! Revising a published campaign's text: the new text waits for review while the approved
//! one stays live; approving it makes it live with a new text version.

use tomar_core::Timestamp;
use tomar_core::body::LetterBody;
use tomar_core::campaign::{Addressee, CampaignSummary, CampaignText};
use tomar_core::ids::CampaignId;
use tomar_core::moderation::ModerationEvent;
use tomar_core::search::SearchDocument;

use crate::rows::SummaryRow;
use crate::rows::{addressee, hashtag, line};
use crate::{StoreError, Tx};

store_methods! {
    /// Proposes a new text for a published campaign; it waits for review (replacing any
    /// revision already waiting) while the approved text stays live.
    pub async fn propose_text(
        &self,
        campaign: CampaignId,
        text: &CampaignText,
        at: Timestamp,
    ) -> Result<(), StoreError> {
        let mut tx = self.writer().begin().await?;
        let lifecycle: Option<String> =
            sqlx::query_scalar("SELECT lifecycle FROM campaigns WHERE id = $1")
                .bind(campaign.0)
                .fetch_optional(&mut *tx)
                .await?;
        if lifecycle.as_deref() != Some("published") {
            return Err(StoreError::Conflict);
        }
        sqlx::query(
            "UPDATE text_revisions SET status = 'replaced' \
             WHERE campaign_id = $1 AND status = 'pending'",
        )
        .bind(campaign.0)
        .execute(&mut *tx)
        .await?;
        let revision: i64 = sqlx::query_scalar(
            "INSERT INTO text_revisions (campaign_id, title, body, on_behalf_of, \
             author_name, hashtag, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) \
             RETURNING id",
        )
        .bind(campaign.0)
        .bind(text.title.as_ref())
        .bind(text.body.as_ref())
        .bind(text.on_behalf_of.as_ref())
        .bind(text.author_name.as_ref())
        .bind(text.hashtag.as_ref())
        .bind(at.as_second())
        .fetch_one(&mut *tx)
        .await?;
        for (ordinal, addressee) in text.addressees.iter().enumerate() {
            sqlx::query(
                "INSERT INTO revision_addressees (revision_id, ordinal, name, position) \
                 VALUES ($1, $2, $3, $4)",
            )
            .bind(revision)
            .bind(ordinal as i64)
            .bind(addressee.name.as_ref())
            .bind(addressee.position.as_ref())
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// The revised text waiting for review, if any.
    pub async fn pending_text(
        &self,
        campaign: CampaignId,
    ) -> Result<Option<CampaignText>, StoreError> {
        let mut tx = self.reader().begin().await?;
        let revision: Option<i64> = sqlx::query_scalar(
            "SELECT id FROM text_revisions WHERE campaign_id = $1 AND status = 'pending'",
        )
        .bind(campaign.0)
        .fetch_optional(&mut *tx)
        .await?;
        match revision {
            Some(revision) => Self::revision_text(&mut tx, revision).await.map(Some),
            None => Ok(None),
        }
    }

    /// Approves (making it live, with a new text version) or rejects the revised text
    /// waiting for review, with its event.
    pub async fn review_text(
        &self,
        campaign: CampaignId,
        approve: bool,
        event: &ModerationEvent,
    ) -> Result<(), StoreError> {
        let mut tx = self.writer().begin().await?;
        let revision: Option<i64> = sqlx::query_scalar(
            "UPDATE text_revisions SET status = $1 \
             WHERE campaign_id = $2 AND status = 'pending' RETURNING id",
        )
        .bind(if approve { "approved" } else { "rejected" })
        .bind(campaign.0)
        .fetch_optional(&mut *tx)
        .await?;
        let Some(revision) = revision else {
            return Err(StoreError::Conflict);
        };
        if approve {
            let changed = sqlx::query(
                "UPDATE campaigns SET (title, body, on_behalf_of, author_name, hashtag) = \
                 (SELECT title, body, on_behalf_of, author_name, hashtag \
                  FROM text_revisions WHERE id = $1), \
                 text_version = text_version + 1 \
                 WHERE id = $2 AND lifecycle = 'published'",
            )
            .bind(revision)
            .bind(campaign.0)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if changed != 1 {
                return Err(StoreError::Conflict);
            }
            sqlx::query("DELETE FROM addressees WHERE campaign_id = $1")
                .bind(campaign.0)
                .execute(&mut *tx)
                .await?;
            sqlx::query(
                "INSERT INTO addressees (campaign_id, ordinal, name, position) \
                 SELECT $1, ordinal, name, position FROM revision_addressees \
                 WHERE revision_id = $2",
            )
            .bind(campaign.0)
            .bind(revision)
            .execute(&mut *tx)
            .await?;
            let text = Self::revision_text(&mut tx, revision).await?;
            let document = SearchDocument::of(&text);
            Self::write_search(&mut tx, campaign.0, &document).await?;
        }
        Self::insert_event(&mut tx, event).await?;
        tx.commit().await?;
        self.forget_campaigns().await;
        Ok(())
    }

    /// Published campaigns with a revised text waiting for review, oldest first.
    pub async fn revisions_waiting(
        &self,
    ) -> Result<Vec<CampaignSummary>, StoreError> {
        let rows: Vec<SummaryRow> = sqlx::query_as(concat!(
            crate::rows::select_summaries!(),
            " JOIN text_revisions r ON r.campaign_id = c.id AND r.status = 'pending' \
             ORDER BY r.id"
        ))
        .fetch_all(self.reader())
        .await?;
        rows.into_iter().map(TryInto::try_into).collect()
    }
}

backend_helpers! {
    pub(crate) async fn revision_text(
        tx: &mut Tx<'_, Self>,
        revision: i64,
    ) -> Result<CampaignText, StoreError> {
        let row: RevisionRow = sqlx::query_as(
            "SELECT title, body, on_behalf_of, author_name, hashtag \
             FROM text_revisions WHERE id = $1",
        )
        .bind(revision)
        .fetch_one(&mut **tx)
        .await?;
        let addressees: Vec<(String, String)> = sqlx::query_as(
            "SELECT name, position FROM revision_addressees WHERE revision_id = $1 \
             ORDER BY ordinal",
        )
        .bind(revision)
        .fetch_all(&mut **tx)
        .await?;
        let addressees = addressees
            .into_iter()
            .map(|(name, position)| addressee(name, position))
            .collect::<Result<Vec<_>, _>>()?;
        row.into_text(addressees)
    }
}

#[derive(sqlx::FromRow)]
struct RevisionRow {
    title: String,
    body: String,
    on_behalf_of: String,
    author_name: String,
    hashtag: String,
}

impl RevisionRow {
    fn into_text(self, addressees: Vec<Addressee>) -> Result<CampaignText, StoreError> {
        Ok(CampaignText {
            title: line(self.title, "revised title")?,
            addressees,
            body: LetterBody::parse(&self.body).map_err(|_| StoreError::Corrupt("revised body"))?,
            on_behalf_of: line(self.on_behalf_of, "revised on-behalf-of")?,
            author_name: line(self.author_name, "revised author")?,
            hashtag: hashtag(&self.hashtag)?,
        })
    }
}
