//! The embedded default: one SQLite file in WAL mode. Writes go through a single
//! connection (SQLite has one writer at a time anyway, and queuing them here avoids
//! `SQLITE_BUSY`); reads use a pool of read-only connections that never wait for it.

use std::path::Path;
use std::time::Duration;

use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};

use crate::discussion::discussion_queries;
use tomar_core::campaign::CampaignSummary;
use tomar_core::search::{SearchDocument, SearchQuery};

use crate::error::StoreError;
use crate::listing::listing_queries;
use crate::members::member_queries;
use crate::moderation::moderation_queries;
use crate::shared::shared_queries;

#[derive(Clone, Debug)]
pub struct SqliteStore {
    writer: SqlitePool,
    readers: SqlitePool,
}

impl SqliteStore {
    pub async fn open(path: &Path) -> Result<Self, StoreError> {
        let options = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            // FULL syncs the WAL on every commit: an acknowledged write survives power loss.
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(5));
        let writer = SqlitePoolOptions::new()
            .max_connections(1)
            .connect_with(options.clone())
            .await
            .map_err(StoreError::Connect)?;
        let readers = SqlitePoolOptions::new()
            .max_connections(8)
            .connect_with(options.read_only(true))
            .await
            .map_err(StoreError::Connect)?;
        Ok(SqliteStore { writer, readers })
    }

    pub async fn migrate(&self) -> Result<(), StoreError> {
        sqlx::migrate!("migrations/sqlite")
            .run(&self.writer)
            .await?;
        Ok(())
    }

    /// Replaces a campaign's row in the search index.
    async fn write_search(
        tx: &mut sqlx::Transaction<'_, sqlx::Sqlite>,
        campaign: i64,
        document: &SearchDocument,
    ) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM campaign_search WHERE rowid = $1")
            .bind(campaign)
            .execute(&mut **tx)
            .await?;
        sqlx::query(
            "INSERT INTO campaign_search (rowid, title, addressees, body, hashtag, on_behalf_of) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(campaign)
        .bind(&document.title)
        .bind(&document.addressees)
        .bind(&document.body)
        .bind(&document.hashtag)
        .bind(&document.on_behalf_of)
        .execute(&mut **tx)
        .await?;
        Ok(())
    }

    /// Campaigns missing from the search index (written before it existed).
    pub async fn unindexed_campaigns(
        &self,
    ) -> Result<Vec<tomar_core::ids::CampaignId>, StoreError> {
        let ids: Vec<i64> = sqlx::query_scalar("SELECT id FROM campaigns WHERE id NOT IN (SELECT rowid FROM campaign_search) ORDER BY id")
            .fetch_all(&self.writer)
            .await?;
        Ok(ids.into_iter().map(tomar_core::ids::CampaignId).collect())
    }

    /// Writes one campaign's search row.
    pub async fn index_campaign(
        &self,
        campaign: tomar_core::ids::CampaignId,
        document: &SearchDocument,
    ) -> Result<(), StoreError> {
        let mut tx = self.writer.begin().await?;
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
        // Terms are letters and digits only (see `tomar_core::search::words`), so quoting
        // them is enough to keep FTS5 syntax out.
        let expression = query
            .terms()
            .iter()
            .map(|term| format!("\"{term}\"*"))
            .collect::<Vec<_>>()
            .join(" AND ");
        let rows: Vec<crate::rows::SearchRow> = sqlx::query_as(concat!(
            "SELECT ",
            crate::rows::search_columns!(),
            " FROM campaign_search s JOIN campaigns c ON c.id = s.rowid \
             LEFT JOIN addressees a ON a.campaign_id = c.id AND a.ordinal = 0 \
             WHERE campaign_search MATCH $1 \
             AND c.lifecycle IN ('published', 'ended', 'suspended') \
             ORDER BY c.id DESC LIMIT $2"
        ))
        .bind(expression)
        .bind(i64::from(limit))
        .fetch_all(&self.readers)
        .await?;
        rows.into_iter().map(TryInto::try_into).collect()
    }

    fn reader(&self) -> &SqlitePool {
        &self.readers
    }

    fn writer(&self) -> &SqlitePool {
        &self.writer
    }
}

// The single writer connection already makes claiming outbox messages exclusive.
shared_queries!(SqliteStore, sqlx::Sqlite, "");
member_queries!(SqliteStore);
moderation_queries!(SqliteStore, sqlx::Sqlite);
discussion_queries!(SqliteStore);
listing_queries!(SqliteStore);
