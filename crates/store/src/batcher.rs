//! Group commit for signatures. Confirmations from many requests queue here; one task
//! writes whatever has queued in a single transaction per campaign, so a surge costs a
//! few commits a second rather than one per signer, and the campaign row is touched once
//! per batch. A caller's answer comes only after its batch committed: an acknowledged
//! signature is durable.

use std::collections::BTreeMap;
use std::sync::Arc;

use tokio::sync::{mpsc, oneshot};
use tomar_core::Timestamp;
use tomar_core::ids::CampaignId;

use crate::{Confirmation, Confirmed, Store, StoreError};

/// The most confirmations written in one transaction.
const MAX_BATCH: usize = 512;
/// Confirmations waiting for the writer before callers wait for room.
const QUEUE: usize = 8192;

struct Job {
    campaign: CampaignId,
    text_version: u32,
    confirmation: Confirmation,
    reply: oneshot::Sender<Result<Confirmed, StoreError>>,
}

/// The handle requests use; cheap to clone.
#[derive(Clone)]
pub struct SignatureBatcher {
    queue: mpsc::Sender<Job>,
}

impl SignatureBatcher {
    /// Starts the writer task on the current runtime.
    pub fn start(store: Store) -> SignatureBatcher {
        let (queue, jobs) = mpsc::channel(QUEUE);
        tokio::spawn(write_batches(store, jobs));
        SignatureBatcher { queue }
    }

    /// Queues one confirmation and waits until its batch is committed.
    pub async fn confirm(
        &self,
        campaign: CampaignId,
        text_version: u32,
        confirmation: Confirmation,
    ) -> Result<Confirmed, StoreError> {
        let (reply, answer) = oneshot::channel();
        let job = Job {
            campaign,
            text_version,
            confirmation,
            reply,
        };
        self.queue
            .send(job)
            .await
            .map_err(|_| StoreError::WriterStopped)?;
        answer.await.map_err(|_| StoreError::WriterStopped)?
    }
}

async fn write_batches(store: Store, mut jobs: mpsc::Receiver<Job>) {
    let mut batch = Vec::with_capacity(MAX_BATCH);
    while jobs.recv_many(&mut batch, MAX_BATCH).await > 0 {
        // One transaction per campaign (and text version) in the batch, in arrival order.
        let mut groups: BTreeMap<(CampaignId, u32), Vec<Job>> = BTreeMap::new();
        for job in batch.drain(..) {
            groups
                .entry((job.campaign, job.text_version))
                .or_default()
                .push(job);
        }
        for ((campaign, text_version), group) in groups {
            let confirmations: Vec<Confirmation> =
                group.iter().map(|job| job.confirmation.clone()).collect();
            let written = store
                .add_confirmations(campaign, text_version, &confirmations, Timestamp::now())
                .await;
            match written {
                Ok(outcomes) => {
                    for (job, outcome) in group.into_iter().zip(outcomes) {
                        let _ = job.reply.send(Ok(outcome));
                    }
                }
                Err(error) => {
                    tracing::error!(%error, campaign = campaign.0, size = group.len(), "a signature batch failed");
                    let shared = Arc::new(error);
                    for job in group {
                        let _ = job.reply.send(Err(StoreError::Batch(shared.clone())));
                    }
                }
            }
        }
    }
}
