//! The embedded default: one SQLite file in WAL mode. Writes go through a single
//! connection (SQLite has one writer at a time anyway, and queuing them here avoids
//! `SQLITE_BUSY`); reads use a pool of read-only connections that never wait for it.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};

use crate::counts_moved::CountsMoved;
use crate::error::StoreError;
use crate::moment_cache::Caches;

#[derive(Clone, Debug)]
pub struct SqliteStore {
    writer: SqlitePool,
    readers: SqlitePool,
    pub(crate) caches: Arc<Caches>,
    pub(crate) counts_moved: Arc<CountsMoved>,
}

impl SqliteStore {
    pub(crate) async fn open(path: &Path) -> Result<Self, StoreError> {
        let options = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            // FULL syncs the WAL on every commit: an acknowledged write survives power loss.
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            // Deleted and overwritten content is zeroed, not left in free pages where a
            // copy of the file would still show a blanked contact or code.
            .pragma("secure_delete", "on")
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
            counts_moved: Arc::default(),
        })
    }

    pub(crate) async fn migrate(&self) -> Result<(), StoreError> {
        sqlx::migrate!("migrations/sqlite")
            .run(&self.writer)
            .await?;
        Ok(())
    }

    /// Copies the write-ahead log into the database and empties it, so the older page
    /// versions it holds (blanked contacts and codes among them) leave the disk.
    pub(crate) async fn truncate_journal(&self) -> Result<(), StoreError> {
        sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
            .execute(&self.writer)
            .await?;
        Ok(())
    }

    pub(crate) fn reader(&self) -> &SqlitePool {
        &self.readers
    }

    pub(crate) fn writer(&self) -> &SqlitePool {
        &self.writer
    }

    /// The public lists and counts read from the same readers: one file has no replica.
    pub(crate) fn public_reader(&self) -> &SqlitePool {
        &self.readers
    }
}
