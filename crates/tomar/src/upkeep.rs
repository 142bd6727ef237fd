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
