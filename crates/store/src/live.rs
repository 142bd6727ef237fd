//! Live counts: every open event stream of a campaign watches one `tokio::sync::watch` in
//! its process, and one task per process keeps those watches current, so a thousand
//! watchers cost one primary-key read, not a thousand.
//!
//! The task reads the watched campaigns' counts when a count moves (in this process: after
//! the commit; in another process on PostgreSQL: through `LISTEN/NOTIFY`, which the
//! transaction that moved the count sends) and, whatever it hears or misses, every
//! [`POLL_EVERY`]: a lost listener connection, or a pgbouncer in transaction mode that
//! cannot listen at all, makes counts slower to arrive, never stale.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use sqlx::postgres::PgListener;
use tokio::sync::watch;
use tomar_core::ids::CampaignId;

use crate::counts_moved::CountsMoved;
use crate::error::StoreError;
use crate::postgres::PgStore;
use crate::rows::count;
use crate::sqlite::SqliteStore;
use crate::{Store, Tx};

/// How often the counts are read when nothing said they moved.
pub const POLL_EVERY: Duration = Duration::from_secs(1);
/// The least time between two reads, so that a surge's many batches a second cost a few
/// reads, not one each.
const READ_GAP: Duration = Duration::from_millis(100);
/// The PostgreSQL channel a transaction that moves a count notifies.
const COUNTS_CHANNEL: &str = "tomar_counts";
/// The PostgreSQL channel a change to what the moment cache keeps notifies.
const CACHES_CHANNEL: &str = "tomar_caches";
/// How many campaigns one read asks for.
const READ_CHUNK: usize = 500;

/// The campaigns watched in this process, each with its count as last read.
#[derive(Debug, Default)]
pub struct LiveCounts {
    watched: Mutex<HashMap<CampaignId, watch::Sender<u64>>>,
    /// Set as the process shuts down, so that no stream keeps it waiting.
    closed: AtomicBool,
}

impl LiveCounts {
    /// Watches a campaign's count. `now` is the count as the caller just read it, used if
    /// nobody in this process watches the campaign yet.
    /// Once the watches are closed, the receiver holds `now` and ends at once.
    pub fn watch(&self, campaign: CampaignId, now: u64) -> watch::Receiver<u64> {
        if self.closed.load(Ordering::Relaxed) {
            return watch::channel(now).1;
        }
        self.lock()
            .entry(campaign)
            .or_insert_with(|| watch::Sender::new(now))
            .subscribe()
    }

    /// Ends every watch, as the process shuts down: streams end instead of holding it open.
    pub fn close(&self) {
        self.closed.store(true, Ordering::Relaxed);
        self.lock().clear();
    }

    /// How many campaigns are watched in this process.
    pub fn watched(&self) -> usize {
        self.lock().len()
    }

    /// Keeps the watches current, forever: run it once per process.
    pub async fn run(self: Arc<Self>, store: Store) {
        loop {
            tokio::select! {
                () = store.count_moved() => {}
                () = tokio::time::sleep(POLL_EVERY) => {}
            }
            let campaigns = self.still_watched();
            for chunk in campaigns.chunks(READ_CHUNK) {
                match store.counts_of(chunk).await {
                    Ok(counts) => self.publish(&counts),
                    Err(error) => tracing::warn!(%error, "reading the live counts failed"),
                }
            }
            tokio::time::sleep(READ_GAP).await;
        }
    }

    /// The campaigns someone still watches; forgets the others.
    fn still_watched(&self) -> Vec<CampaignId> {
        let mut watched = self.lock();
        watched.retain(|_, sender| sender.receiver_count() > 0);
        watched.keys().copied().collect()
    }

    fn publish(&self, counts: &[(CampaignId, u64)]) {
        let watched = self.lock();
        for (campaign, now) in counts {
            if let Some(sender) = watched.get(campaign) {
                sender.send_if_modified(|count| std::mem::replace(count, *now) != *now);
            }
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<CampaignId, watch::Sender<u64>>> {
        // The map holds no invariant a panic elsewhere could have broken halfway.
        self.watched.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl Store {
    /// Waits until a transaction of this store that moved a count has committed, or, on
    /// PostgreSQL, until another process says one has (see [`Store::relay_notifications`]).
    pub async fn count_moved(&self) {
        self.counts_moved().heard().await;
    }

    fn counts_moved(&self) -> &CountsMoved {
        match self {
            Store::Sqlite(store) => &store.counts_moved,
            Store::Postgres(store) => &store.counts_moved,
        }
    }

    /// Relays what other processes sharing this PostgreSQL database announce: a moved
    /// count wakes [`Store::count_moved`], a changed campaign or setting empties the moment
    /// cache. Runs forever; on SQLite, where one process owns the file, it has nothing to
    /// relay and only waits.
    pub async fn relay_notifications(&self) {
        match self {
            Store::Sqlite(_) => std::future::pending().await,
            Store::Postgres(store) => store.relay_notifications().await,
        }
    }
}

store_methods! {
    /// The counts of these campaigns, as stored (campaigns that do not exist are left out).
    pub async fn counts_of(
        &self,
        campaigns: &[CampaignId],
    ) -> Result<Vec<(CampaignId, u64)>, StoreError> {
        if campaigns.is_empty() {
            return Ok(Vec::new());
        }
        let mut select = sqlx::QueryBuilder::<crate::Db<Self>>::new(
            "SELECT id, signature_count FROM campaigns WHERE id IN (",
        );
        let mut ids = select.separated(", ");
        for campaign in campaigns {
            ids.push_bind(campaign.0);
        }
        select.push(")");
        let rows: Vec<(i64, i64)> = select.build_query_as().fetch_all(self.reader()).await?;
        Ok(rows
            .into_iter()
            .map(|(id, stored)| (CampaignId(id), count(stored)))
            .collect())
    }
}

impl SqliteStore {
    /// One process owns a SQLite file: nobody else needs telling.
    pub(crate) async fn announce_count(
        _tx: &mut Tx<'_, Self>,
        _campaign: CampaignId,
    ) -> Result<(), StoreError> {
        Ok(())
    }

    /// One process owns a SQLite file: nobody else keeps a copy.
    pub(crate) async fn announce_cache_change(&self) {}
}

impl PgStore {
    /// Tells the other processes, when the caller's transaction commits, that a count moved.
    pub(crate) async fn announce_count(
        tx: &mut Tx<'_, Self>,
        _campaign: CampaignId,
    ) -> Result<(), StoreError> {
        // One payload for every campaign: PostgreSQL folds the same notification sent
        // twice in a transaction into one, and the listeners read every watched count.
        sqlx::query("SELECT pg_notify($1, '')")
            .bind(COUNTS_CHANNEL)
            .execute(&mut **tx)
            .await?;
        Ok(())
    }

    /// Tells the other processes to drop what their moment caches keep. Their copies last
    /// a second anyway; this makes it sooner. A failure is only logged for that reason.
    pub(crate) async fn announce_cache_change(&self) {
        if let Err(error) = sqlx::query("SELECT pg_notify($1, '')")
            .bind(CACHES_CHANNEL)
            .execute(self.writer())
            .await
        {
            tracing::warn!(%error, "announcing a cache change failed");
        }
    }

    async fn relay_notifications(&self) {
        loop {
            if let Err(error) = self.listen().await {
                tracing::warn!(%error, "listening for other processes failed; polling meanwhile");
            }
            tokio::time::sleep(POLL_EVERY).await;
        }
    }

    /// Listens until the connection fails for good. A connection lost on the way is
    /// reconnected by `PgListener`; what was said meanwhile is lost, which is why every
    /// listener polls too.
    async fn listen(&self) -> Result<(), sqlx::Error> {
        let mut listener = PgListener::connect_with(self.writer()).await?;
        listener
            .listen_all([COUNTS_CHANNEL, CACHES_CHANNEL])
            .await?;
        loop {
            let notification = listener.recv().await?;
            if notification.channel() == CACHES_CHANNEL {
                self.caches.forget_all();
            } else {
                self.counts_moved.tell();
            }
        }
    }
}

backend_helpers! {
    /// Commits a transaction that moved `campaign`'s count, and says so: to this process's
    /// live counts after the commit, and on PostgreSQL to the other processes with it.
    pub(crate) async fn commit_moved_count(
        &self,
        mut tx: Tx<'_, Self>,
        campaign: CampaignId,
    ) -> Result<(), StoreError> {
        Self::announce_count(&mut tx, campaign).await?;
        tx.commit().await?;
        self.counts_moved.tell();
        Ok(())
    }

    /// Drops this process's cached campaigns after a write, and tells the others to.
    pub(crate) async fn forget_campaigns(&self) {
        self.caches.campaigns.forget();
        self.announce_cache_change().await;
    }

    /// Drops this process's cached settings after a write, and tells the others to.
    pub(crate) async fn forget_settings(&self) {
        self.caches.settings.forget();
        self.announce_cache_change().await;
    }
}
