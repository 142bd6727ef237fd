//! The embedded default: one SQLite file in WAL mode. Writes go through a single
//! connection (SQLite has one writer at a time anyway, and queuing them here avoids
//! `SQLITE_BUSY`); reads use a pool of read-only connections that never wait for it.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};

use crate::discussion::discussion_queries;
use tomar_core::search::{SearchDocument, SearchQuery};

use crate::error::StoreError;
use crate::listing::listing_queries;
use crate::members::member_queries;
use crate::moderation::moderation_queries;
use crate::moment_cache::Caches;
use crate::search::search_queries;
use crate::shared::shared_queries;

#[derive(Clone, Debug)]
pub struct SqliteStore {
    writer: SqlitePool,
    readers: SqlitePool,
    caches: Arc<Caches>,
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
        Ok(SqliteStore {
            writer,
            readers,
            caches: Arc::default(),
        })
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

    /// The backend's form of a search query: every term as a word prefix.
    fn match_expression(query: &SearchQuery) -> String {
        // Terms are letters and digits only (see `tomar_core::search::words`), so quoting
        // them is enough to keep FTS5 syntax out.
        query
            .terms()
            .iter()
            .map(|term| format!("\"{term}\"*"))
            .collect::<Vec<_>>()
            .join(" AND ")
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
search_queries!(SqliteStore, "rowid", "campaign_search MATCH $1");
