//! The outbox worker: delivers the messages handed to it and claims due ones (retries,
//! other processes' lapsed leases, messages queued without a handoff), several at a time,
//! and records what happened.

use std::sync::Arc;
use std::time::Duration;

use futures_util::{StreamExt, stream};
use jiff::{SignedDuration, Timestamp};
use tokio::sync::{Notify, mpsc};
use tomar_core::message::OutboxMessage;
use tomar_store::{OUTBOX_LEASE, Store};

use crate::Delivery;

/// Messages claimed per round.
const CLAIM: u32 = 64;
/// Deliveries in flight at once: gateways and mail servers answer slowly, one at a time
/// would cap a surge at their round trip.
const IN_FLIGHT: usize = 16;
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
    /// Messages this process wrote and leased to itself (see `tomar_store::SigningWriter`).
    handed: Option<mpsc::UnboundedReceiver<Vec<OutboxMessage>>>,
}

impl Worker {
    /// `wake` lets the code that queues a message start its delivery at once.
    pub fn new(store: Store, delivery: Delivery, wake: Arc<Notify>) -> Worker {
        Worker {
            store,
            delivery,
            wake,
            handed: None,
        }
    }

    /// Also delivers the messages handed over on `handed`, without claiming them.
    pub fn with_handoff(mut self, handed: mpsc::UnboundedReceiver<Vec<OutboxMessage>>) -> Worker {
        self.handed = Some(handed);
        self
    }

    /// Delivers forever; run it as a task.
    pub async fn run(mut self) {
        loop {
            match self.deliver_due().await {
                Ok(delivered) if delivered > 0 => continue,
                Ok(_) => {}
                Err(error) => {
                    tracing::error!(%error, "the outbox worker could not read the outbox")
                }
            }
            // Handed messages are delivered as they come; only a wake or the poll claims. The
            // poll is a deadline, not a pause: a steady stream of handed messages must not
            // keep postponing the retries that only a claim finds.
            let poll = tokio::time::sleep(POLL);
            tokio::pin!(poll);
            loop {
                tokio::select! {
                    handed = next_handed(&mut self.handed) => {
                        if let Err(error) = self.deliver(handed).await {
                            tracing::error!(%error, "the outbox worker could not record deliveries");
                        }
                    }
                    _ = self.wake.notified() => break,
                    _ = &mut poll => break,
                }
            }
        }
    }

    /// One round of claiming: answers how many messages it handled.
    pub async fn deliver_due(&self) -> Result<usize, tomar_store::StoreError> {
        let now = Timestamp::now();
        let lease_until = now.checked_add(OUTBOX_LEASE).unwrap_or(now);
        let due = self
            .store
            .claim_due_messages(now, lease_until, CLAIM)
            .await?;
        let handled = due.len();
        self.deliver(due).await?;
        Ok(handled)
    }

    /// Delivers messages this worker holds, several at a time, and records what happened.
    async fn deliver(&self, messages: Vec<OutboxMessage>) -> Result<(), tomar_store::StoreError> {
        let deliveries: Vec<_> = messages
            .into_iter()
            .map(|held| self.attempt(held))
            .collect();
        let attempts: Vec<_> = stream::iter(deliveries)
            .buffer_unordered(IN_FLIGHT)
            .collect()
            .await;
        // A round as big as a claim means more were due than it took: a backlog.
        metrics::histogram!("tomar_outbox_round_messages").record(attempts.len() as f64);
        let round = attempts.len();
        let mut sent = Vec::with_capacity(round);
        for (held, result) in attempts {
            match result {
                Ok(()) => sent.push(held.id),
                Err(error) => {
                    let retry_at = retry_delay(held.attempts + 1)
                        .and_then(|delay| Timestamp::now().checked_add(delay).ok());
                    tracing::warn!(%error, id = held.id, retry = retry_at.is_some(), "a message could not be delivered");
                    self.store
                        .mark_message_failed(
                            held.id,
                            &error.to_string(),
                            retry_at,
                            Timestamp::now(),
                        )
                        .await?;
                }
            }
        }
        metrics::counter!("tomar_outbox_messages_total", "result" => "sent")
            .increment(sent.len() as u64);
        metrics::counter!("tomar_outbox_messages_total", "result" => "failed")
            .increment((round - sent.len()) as u64);
        // One statement for the whole round: a surge of codes is not one commit each.
        self.store.mark_messages_sent(&sent, Timestamp::now()).await
    }

    async fn attempt(
        &self,
        held: OutboxMessage,
    ) -> (OutboxMessage, Result<(), crate::TransportError>) {
        let result = self.delivery.deliver(held.id, &held.message).await;
        (held, result)
    }
}

/// The next messages handed over, all that are waiting; never, without a handoff.
async fn next_handed(
    handed: &mut Option<mpsc::UnboundedReceiver<Vec<OutboxMessage>>>,
) -> Vec<OutboxMessage> {
    let Some(receiver) = handed else {
        return std::future::pending().await;
    };
    let mut batches = Vec::new();
    let taken = receiver.recv_many(&mut batches, 64).await;
    // The writer's batches of codes still waiting behind these.
    metrics::gauge!("tomar_outbox_handed_waiting").set(receiver.len() as f64);
    if taken == 0 {
        // The writer is gone; what it wrote lapses and is claimed.
        *handed = None;
    }
    batches.into_iter().flatten().collect()
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
