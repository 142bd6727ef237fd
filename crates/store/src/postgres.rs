//! PostgreSQL, for when one machine is not enough: several stateless `tomar serve`
//! processes share one database.

use std::sync::Arc;
use std::time::Duration;

use sqlx::postgres::{PgPool, PgPoolOptions};

use crate::error::StoreError;
use crate::live::CountsMoved;
use crate::moment_cache::Caches;

#[derive(Clone, Debug)]
pub struct PgStore {
    pool: PgPool,
    pub(crate) caches: Arc<Caches>,
    pub(crate) counts_moved: Arc<CountsMoved>,
}

impl PgStore {
    pub(crate) async fn connect(url: &str) -> Result<Self, StoreError> {
        let pool = PgPoolOptions::new()
            .max_connections(16)
            .acquire_timeout(Duration::from_secs(5))
            .connect(url)
            .await
            .map_err(StoreError::Connect)?;
        Ok(PgStore::with_pool(pool))
    }

    /// A store on `pool`, with caches of its own.
    pub(crate) fn with_pool(pool: PgPool) -> Self {
        PgStore {
            pool,
            caches: Arc::default(),
            counts_moved: Arc::default(),
        }
    }

    pub(crate) async fn migrate(&self) -> Result<(), StoreError> {
        sqlx::migrate!("migrations/postgres")
            .run(&self.pool)
            .await?;
        Ok(())
    }

    /// Closes every connection; used before dropping a test database.
    pub async fn close(&self) {
        self.pool.close().await;
    }

    pub(crate) fn reader(&self) -> &PgPool {
        &self.pool
    }

    pub(crate) fn writer(&self) -> &PgPool {
        &self.pool
    }
}
