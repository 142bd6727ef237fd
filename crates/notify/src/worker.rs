//! The outbox worker: claims due messages, delivers them, records what happened.

use std::sync::Arc;
use std::time::Duration;

use jiff::{SignedDuration, Timestamp};
use tokio::sync::Notify;
use tomar_store::Store;

use crate::Delivery;

/// Messages claimed per round.
const CLAIM: u32 = 32;
/// How long a claim hides a message from other workers; a crashed worker's claims lapse.
const LEASE: SignedDuration = SignedDuration::from_mins(2);
/// How often to look for due messages when nobody wakes the worker.
const POLL: Duration = Duration::from_secs(2);
/// Deliveries tried before a message is given up.
const MAX_ATTEMPTS: u32 = 8;

/// The delay before retrying a message that failed `attempts` times: 30 s, doubling, at
/// most an hour. `None` once it has failed too often.
pub fn retry_delay(attempts: u32) -> Option<SignedDuration> {
    (attempts < MAX_ATTEMPTS).then(|| {
        let seconds = 30i64.saturating_mul(1 << attempts.min(20));
        SignedDuration::from_secs(seconds.min(3600))
    })
}

pub struct Worker {
    store: Store,
    delivery: Delivery,
    wake: Arc<Notify>,
}

impl Worker {
    /// `wake` lets the code that queues a message start its delivery at once.
    pub fn new(store: Store, delivery: Delivery, wake: Arc<Notify>) -> Worker {
        Worker {
            store,
            delivery,
            wake,
        }
    }

    /// Delivers forever; run it as a task.
    pub async fn run(self) {
        loop {
            match self.deliver_due().await {
                Ok(delivered) if delivered > 0 => continue,
                Ok(_) => {}
                Err(error) => {
                    tracing::error!(%error, "the outbox worker could not read the outbox")
                }
            }
            tokio::select! {
                _ = self.wake.notified() => {}
                _ = tokio::time::sleep(POLL) => {}
            }
        }
    }

    /// One round: answers how many messages it handled.
    pub async fn deliver_due(&self) -> Result<usize, tomar_store::StoreError> {
        let now = Timestamp::now();
        let lease_until = now.checked_add(LEASE).unwrap_or(now);
        let due = self
            .store
            .claim_due_messages(now, lease_until, CLAIM)
            .await?;
        let mut sent = Vec::with_capacity(due.len());
        for claimed in &due {
            match self.delivery.deliver(claimed.id, &claimed.message).await {
                Ok(()) => sent.push(claimed.id),
                Err(error) => {
                    let retry_at = retry_delay(claimed.attempts + 1)
                        .and_then(|delay| Timestamp::now().checked_add(delay).ok());
                    tracing::warn!(%error, id = claimed.id, retry = retry_at.is_some(), "a message could not be delivered");
                    self.store
                        .mark_message_failed(
                            claimed.id,
                            &error.to_string(),
                            retry_at,
                            Timestamp::now(),
                        )
                        .await?;
                }
            }
        }
        // One transaction for the whole round: a surge of codes is not one fsync each.
        if !sent.is_empty() {
            self.store
                .mark_messages_sent(&sent, Timestamp::now())
                .await?;
        }
        Ok(due.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_back_off_then_stop() {
        assert_eq!(retry_delay(0), Some(SignedDuration::from_secs(30)));
        assert_eq!(retry_delay(1), Some(SignedDuration::from_secs(60)));
        assert_eq!(retry_delay(7), Some(SignedDuration::from_secs(3600)));
        assert_eq!(retry_delay(8), None);
    }
}
