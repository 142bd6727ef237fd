//! PostgreSQL, for when one machine is not enough: several stateless `tomar serve`
//! processes share one database.

use std::sync::Arc;
use std::time::Duration;

use sqlx::postgres::{PgPool, PgPoolOptions};

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
pub struct PgStore {
    pool: PgPool,
    caches: Arc<Caches>,
}

impl PgStore {
    pub async fn connect(url: &str) -> Result<Self, StoreError> {
        let pool = PgPoolOptions::new()
            .max_connections(16)
            .acquire_timeout(Duration::from_secs(5))
            .connect(url)
            .await
            .map_err(StoreError::Connect)?;
        Ok(PgStore {
            pool,
            caches: Arc::default(),
        })
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

    /// The backend's form of a search query: every term as a word prefix.
    fn match_expression(query: &SearchQuery) -> String {
        // Terms are letters and digits only (see `tomar_core::search::words`): quoted as
        // tsquery lexemes they are taken literally, never parsed by PostgreSQL.
        query
            .terms()
            .iter()
            .map(|term| format!("'{term}':*"))
            .collect::<Vec<_>>()
            .join(" & ")
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
search_queries!(PgStore, "campaign_id", "s.document @@ CAST($1 AS tsquery)");
