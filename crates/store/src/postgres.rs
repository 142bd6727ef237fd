//! PostgreSQL, for when one machine is not enough: several stateless `tomar serve`
//! processes share one database.

use std::time::Duration;

use sqlx::postgres::{PgPool, PgPoolOptions};

use crate::discussion::discussion_queries;
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
moderation_queries!(PgStore);
discussion_queries!(PgStore);
listing_queries!(PgStore);
