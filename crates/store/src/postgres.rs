//! PostgreSQL, for when one machine is not enough: several stateless `tomar serve`
//! processes share one database.

use std::time::Duration;

use sqlx::postgres::{PgPool, PgPoolOptions};

use crate::discussion::discussion_queries;
use tomar_core::campaign::CampaignSummary;
use tomar_core::search::{SearchDocument, SearchQuery};

use crate::error::StoreError;
use crate::listing::listing_queries;
use crate::members::member_queries;
use crate::moderation::moderation_queries;
use crate::shared::shared_queries;

#[derive(Clone, Debug)]
pub struct PgStore {
    pool: PgPool,
}

impl PgStore {
    pub async fn connect(url: &str) -> Result<Self, StoreError> {
        let pool = PgPoolOptions::new()
            .max_connections(16)
            .acquire_timeout(Duration::from_secs(5))
            .connect(url)
            .await
            .map_err(StoreError::Connect)?;
        Ok(PgStore { pool })
    }

    pub async fn migrate(&self) -> Result<(), StoreError> {
        sqlx::migrate!("migrations/postgres")
            .run(&self.pool)
            .await?;
        Ok(())
    }

    /// Closes every connection; used before dropping a test database.
    pub async fn close(&self) {
        self.pool.close().await;
    }

    /// Replaces a campaign's row in the search index.
    async fn write_search(
        tx: &mut sqlx::Transaction<'_, sqlx::Postgres>,
        campaign: i64,
        document: &SearchDocument,
    ) -> Result<(), StoreError> {
        let mut words = document.all_words();
        words.sort();
        words.dedup();
        sqlx::query(
            "INSERT INTO campaign_search (campaign_id, title, addressees, body, hashtag, \
             on_behalf_of, document) VALUES ($1, $2, $3, $4, $5, $6, array_to_tsvector($7)) \
             ON CONFLICT (campaign_id) DO UPDATE SET title = excluded.title, \
             addressees = excluded.addressees, body = excluded.body, hashtag = excluded.hashtag, \
             on_behalf_of = excluded.on_behalf_of, document = excluded.document",
        )
        .bind(campaign)
        .bind(&document.title)
        .bind(&document.addressees)
        .bind(&document.body)
        .bind(&document.hashtag)
        .bind(&document.on_behalf_of)
        .bind(words)
        .execute(&mut **tx)
        .await?;
        Ok(())
    }

    /// Campaigns missing from the search index (written before it existed).
    pub async fn unindexed_campaigns(
        &self,
    ) -> Result<Vec<tomar_core::ids::CampaignId>, StoreError> {
        let ids: Vec<i64> = sqlx::query_scalar("SELECT id FROM campaigns WHERE id NOT IN (SELECT campaign_id FROM campaign_search) ORDER BY id")
            .fetch_all(&self.pool)
            .await?;
        Ok(ids.into_iter().map(tomar_core::ids::CampaignId).collect())
    }

    /// Writes one campaign's search row.
    pub async fn index_campaign(
        &self,
        campaign: tomar_core::ids::CampaignId,
        document: &SearchDocument,
    ) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        Self::write_search(&mut tx, campaign.0, document).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Public campaigns containing every word of the query (as word prefixes), newest
    /// first, with their indexed words for ranking.
    pub async fn search_candidates(
        &self,
        query: &SearchQuery,
        limit: u32,
    ) -> Result<Vec<(CampaignSummary, SearchDocument)>, StoreError> {
        // Terms are letters and digits only (see `tomar_core::search::words`): quoted as
        // tsquery lexemes they are taken literally, never parsed by PostgreSQL.
        let expression = query
            .terms()
            .iter()
            .map(|term| format!("'{term}':*"))
            .collect::<Vec<_>>()
            .join(" & ");
        let rows: Vec<crate::rows::SearchRow> = sqlx::query_as(concat!(
            "SELECT ",
            crate::rows::search_columns!(),
            " FROM campaign_search s JOIN campaigns c ON c.id = s.campaign_id \
             LEFT JOIN addressees a ON a.campaign_id = c.id AND a.ordinal = 0 \
             WHERE s.document @@ CAST($1 AS tsquery) \
             AND c.lifecycle IN ('published', 'ended', 'suspended') \
             ORDER BY c.id DESC LIMIT $2"
        ))
        .bind(expression)
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter().map(TryInto::try_into).collect()
    }

    fn reader(&self) -> &PgPool {
        &self.pool
    }

    fn writer(&self) -> &PgPool {
        &self.pool
    }
}

// Several processes claim outbox messages; each skips the rows another holds.
shared_queries!(PgStore, sqlx::Postgres, " FOR UPDATE SKIP LOCKED");
member_queries!(PgStore);
moderation_queries!(PgStore, sqlx::Postgres);
discussion_queries!(PgStore);
listing_queries!(PgStore);
