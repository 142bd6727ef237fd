//! Upkeep: the chores each process does now and then, whatever it serves. Each is safe to
//! run from several processes at once and to skip a round of.

use std::time::Duration;

use jiff::Timestamp;
use tomar_store::Store;

/// How often the quick chores run: a code's message is forgotten within a minute of its
/// code expiring.
const EVERY: Duration = Duration::from_secs(60);

/// Every how many rounds the slow chores run (ten minutes).
const SLOW_EVERY: u32 = 10;

/// Runs the chores, for as long as the process lives.
pub async fn run(store: Store) {
    let mut every = tokio::time::interval(EVERY);
    for round in 0u32.. {
        every.tick().await;
        forget_expired_messages(&store).await;
        truncate_journal(&store).await;
        if round.is_multiple_of(SLOW_EVERY) {
            reconcile_counts(&store).await;
            forget_old_counts(&store).await;
        }
    }
}

/// Signatures invalidated per batch: each batch is one short transaction, so signing goes
/// on between batches.
const INVALIDATION_BATCH: u32 = 1000;

/// How long the invalidation runner waits when no invalidation is running.
const IDLE: Duration = Duration::from_secs(1);

/// Runs the moderators' bulk invalidations, a batch of each running one at a time, for as
/// long as the process lives. Several processes may run the same one: its batches take
/// turns (see `Store::invalidate_batch`).
pub async fn run_invalidations(store: Store) {
    loop {
        let running = match store.running_invalidations().await {
            Ok(running) => running,
            Err(error) => {
                tracing::error!(%error, "could not read the running invalidations");
                Vec::new()
            }
        };
        if running.is_empty() {
            tokio::time::sleep(IDLE).await;
            continue;
        }
        let mut failed = false;
        for id in running {
            match store
                .invalidate_batch(id, INVALIDATION_BATCH, Timestamp::now())
                .await
            {
                Ok(0) => tracing::info!(invalidation = %id, "invalidation finished"),
                Ok(_) => {}
                Err(error) => {
                    tracing::error!(%error, invalidation = %id, "invalidation batch failed");
                    failed = true;
                }
            }
        }
        // Let the signing writer in between batches; after a failure, wait longer.
        let pause = if failed {
            IDLE
        } else {
            Duration::from_millis(10)
        };
        tokio::time::sleep(pause).await;
    }
}

/// Code messages not sent before their code expired are given up and their text blanked.
async fn forget_expired_messages(store: &Store) {
    match store.forget_expired_messages(Timestamp::now()).await {
        Ok(0) => {}
        Ok(expired) => tracing::warn!(expired, "code messages expired before they were sent"),
        Err(error) => tracing::error!(%error, "forgetting expired messages failed"),
    }
}

/// SQLite's write-ahead log keeps older versions of pages (blanked contacts and codes
/// among them) until it is emptied into the database.
async fn truncate_journal(store: &Store) {
    if let Err(error) = store.truncate_journal().await {
        tracing::error!(%error, "emptying the write-ahead log failed");
    }
}

/// Counts move by batch deltas; this recount from the rows catches any drift, repairs it
/// and says so in the log.
async fn reconcile_counts(store: &Store) {
    match store.reconcile_counts().await {
        Ok(drifted) => {
            for (campaign, recount) in drifted {
                tracing::warn!(
                    campaign = campaign.0,
                    stored = recount.stored,
                    actual = recount.actual,
                    "a signature count had drifted and was repaired"
                );
            }
        }
        Err(error) => tracing::error!(%error, "signature count reconciliation failed"),
    }
}

/// The limits read only this hour's counters and the last; older ones are dropped.
async fn forget_old_counts(store: &Store) {
    if let Err(error) = store.forget_old_counts(Timestamp::now()).await {
        tracing::error!(%error, "forgetting old limit counters failed");
    }
}
