//! Upkeep: the chores each process does now and then, whatever it serves. Each is safe to
//! run from several processes at once and to skip a round of.

use std::time::Duration;

use jiff::Timestamp;
use tomar_store::Store;

/// How often the chores run.
const EVERY: Duration = Duration::from_secs(10 * 60);

/// Runs the chores every ten minutes, for as long as the process lives.
pub async fn run(store: Store) {
    let mut every = tokio::time::interval(EVERY);
    loop {
        every.tick().await;
        reconcile_counts(&store).await;
        forget_old_counts(&store).await;
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
