//! PostgreSQL, for when one machine is not enough: several stateless `tomar serve`
//! processes share one database.

use std::sync::Arc;
use std::time::Duration;

use sqlx::postgres::{PgPool, PgPoolOptions};

use crate::counts_moved::CountsMoved;
use crate::error::StoreError;
use crate::moment_cache::Caches;

/// Connections each process keeps open to the primary (and as many to a replica): size
/// PostgreSQL's `max_connections` (or pgbouncer's pool) for this times the processes.
pub const POOL_SIZE: u32 = 16;

#[derive(Clone, Debug)]
pub struct PgStore {
    pool: PgPool,
    /// A streaming standby of the same database, for the public lists and counts.
    replica: Option<PgPool>,
    pub(crate) caches: Arc<Caches>,
    pub(crate) counts_moved: Arc<CountsMoved>,
}

impl PgStore {
    /// Connects to the primary at `url` and, if given, to its read replica.
    pub(crate) async fn connect(url: &str, replica: Option<&str>) -> Result<Self, StoreError> {
        let mut store = PgStore::with_pool(Self::pool(url).await?);
        if let Some(replica) = replica {
            store.replica = Some(Self::pool(replica).await?);
        }
        Ok(store)
    }

    async fn pool(url: &str) -> Result<PgPool, StoreError> {
        PgPoolOptions::new()
            .max_connections(POOL_SIZE)
            .acquire_timeout(Duration::from_secs(5))
            .connect(url)
            .await
            .map_err(StoreError::Connect)
    }

    /// A store on `pool`, with caches of its own.
    pub(crate) fn with_pool(pool: PgPool) -> Self {
        PgStore {
            pool,
            replica: None,
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
        if let Some(replica) = &self.replica {
            replica.close().await;
        }
    }

    pub(crate) fn reader(&self) -> &PgPool {
        &self.pool
    }

    pub(crate) fn writer(&self) -> &PgPool {
        &self.pool
    }

    /// Where the public lists and counts are read: the replica if there is one. What it
    /// serves may trail the primary by a moment, which nobody can tell on a list or a
    /// count; what someone just changed and expects to see is read from the primary.
    pub(crate) fn public_reader(&self) -> &PgPool {
        self.replica.as_ref().unwrap_or(&self.pool)
    }
}
