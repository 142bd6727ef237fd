//! Group commit for the hot writes of signing. Requests queue their codes to send and their
//! confirmations here; one task writes whatever has queued in as few transactions as it can
//! (all new verifications in one, the confirmations of each campaign in one), so a surge
//! costs a few commits a second rather than one or two per signer, and a campaign row is
//! touched once per batch. A caller's answer comes only after its batch committed: what is
//! acknowledged is durable.
//!
//! The code messages a batch wrote are handed straight to this process's outbox worker,
//! leased to it, so a surge of codes costs no claiming round trips; if the process dies
//! before delivering them, the lease lapses and any worker delivers them.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Instant;

use tokio::sync::{mpsc, oneshot};
use tomar_core::Timestamp;
use tomar_core::ids::CampaignId;
use tomar_core::message::OutboxMessage;

use crate::{CodeOutcome, CodeRequest, Confirmation, Confirmed, OUTBOX_LEASE, Store, StoreError};

/// The most writes taken into one batch.
const MAX_BATCH: usize = 512;
/// Writes waiting for the writer before callers wait for room.
const QUEUE: usize = 8192;

enum Job {
    SendCode {
        request: CodeRequest,
        reply: oneshot::Sender<Result<CodeOutcome, StoreError>>,
    },
    Confirm {
        campaign: CampaignId,
        text_version: u32,
        confirmation: Confirmation,
        reply: oneshot::Sender<Result<Confirmed, StoreError>>,
    },
}

/// Where the writer hands the code messages it has committed, for delivery.
pub type Handoff = mpsc::UnboundedSender<Vec<OutboxMessage>>;

/// The handle requests use; cheap to clone.
#[derive(Clone)]
pub struct SigningWriter {
    queue: mpsc::Sender<Job>,
}

impl SigningWriter {
    /// Starts the writer task on the current runtime. Without a `handoff`, code messages
    /// are left due in the outbox for whichever worker claims them.
    pub fn start(store: Store, handoff: Option<Handoff>) -> SigningWriter {
        let (queue, jobs) = mpsc::channel(QUEUE);
        tokio::spawn(write_batches(store, jobs, handoff));
        SigningWriter { queue }
    }

    /// Stores a verification and its code message under the request's limits (see
    /// `Store::create_verifications`); answers once they are committed, and hands the
    /// message to the outbox worker.
    pub async fn send_code(&self, request: CodeRequest) -> Result<CodeOutcome, StoreError> {
        self.submit(|reply| Job::SendCode { request, reply }).await
    }

    /// Counts one confirmation; answers once its batch is committed.
    pub async fn confirm(
        &self,
        campaign: CampaignId,
        text_version: u32,
        confirmation: Confirmation,
    ) -> Result<Confirmed, StoreError> {
        self.submit(|reply| Job::Confirm {
            campaign,
            text_version,
            confirmation,
            reply,
        })
        .await
    }

    /// Queues a job and waits for the writer's answer to it.
    async fn submit<T>(
        &self,
        job: impl FnOnce(oneshot::Sender<Result<T, StoreError>>) -> Job,
    ) -> Result<T, StoreError> {
        let (reply, answer) = oneshot::channel();
        self.queue
            .send(job(reply))
            .await
            .map_err(|_| StoreError::WriterStopped)?;
        answer.await.map_err(|_| StoreError::WriterStopped)?
    }
}

type CodeJob = (
    CodeRequest,
    oneshot::Sender<Result<CodeOutcome, StoreError>>,
);
type ConfirmJob = (Confirmation, oneshot::Sender<Result<Confirmed, StoreError>>);

async fn write_batches(store: Store, mut queue: mpsc::Receiver<Job>, handoff: Option<Handoff>) {
    let mut batch = Vec::with_capacity(MAX_BATCH);
    while queue.recv_many(&mut batch, MAX_BATCH).await > 0 {
        let mut codes: Vec<CodeJob> = Vec::new();
        let mut confirmations: BTreeMap<(CampaignId, u32), Vec<ConfirmJob>> = BTreeMap::new();
        for job in batch.drain(..) {
            match job {
                Job::SendCode { request, reply } => codes.push((request, reply)),
                Job::Confirm {
                    campaign,
                    text_version,
                    confirmation,
                    reply,
                } => confirmations
                    .entry((campaign, text_version))
                    .or_default()
                    .push((confirmation, reply)),
            }
        }
        write_codes(&store, codes, handoff.as_ref()).await;
        for ((campaign, text_version), group) in confirmations {
            write_confirmations(&store, campaign, text_version, group).await;
        }
    }
}

async fn write_codes(store: &Store, jobs: Vec<CodeJob>, handoff: Option<&Handoff>) {
    if jobs.is_empty() {
        return;
    }
    let (requests, replies): (Vec<CodeRequest>, Vec<_>) = jobs.into_iter().unzip();
    let leased_until = handoff.and_then(|_| Timestamp::now().checked_add(OUTBOX_LEASE).ok());
    let hand_over = |outcomes: &[CodeOutcome]| {
        if let Some(handoff) = handoff {
            let queued = outcomes.iter().filter_map(|outcome| match outcome {
                CodeOutcome::Queued(message) => Some(message.clone()),
                CodeOutcome::TooManyForContact => None,
            });
            // A worker that has stopped leaves them to lapse and be claimed.
            let _ = handoff.send(queued.collect());
        }
    };
    let started = Instant::now();
    let written = store.create_verifications(&requests, leased_until).await;
    record_batch("codes", requests.len(), started);
    match written {
        Ok(outcomes) => {
            hand_over(&outcomes);
            for (reply, outcome) in replies.into_iter().zip(outcomes) {
                let _ = reply.send(Ok(outcome));
            }
        }
        // One bad row must not sink its neighbours: write them one by one instead.
        Err(error) if requests.len() > 1 => {
            tracing::warn!(%error, size = requests.len(), "a batch of codes failed; writing them singly");
            for (request, reply) in requests.into_iter().zip(replies) {
                let written = store
                    .create_verifications(std::slice::from_ref(&request), leased_until)
                    .await
                    .and_then(|outcomes| {
                        hand_over(&outcomes);
                        outcomes.into_iter().next().ok_or(StoreError::Conflict)
                    });
                let _ = reply.send(written);
            }
        }
        Err(error) => {
            if let Some(reply) = replies.into_iter().next() {
                let _ = reply.send(Err(error));
            }
        }
    }
}

async fn write_confirmations(
    store: &Store,
    campaign: CampaignId,
    text_version: u32,
    group: Vec<ConfirmJob>,
) {
    let confirmations: Vec<Confirmation> = group.iter().map(|(c, _)| c.clone()).collect();
    let started = Instant::now();
    let written = store
        .add_confirmations(campaign, text_version, &confirmations, Timestamp::now())
        .await;
    record_batch("confirmations", confirmations.len(), started);
    match written {
        Ok(outcomes) => {
            for ((_, reply), outcome) in group.into_iter().zip(outcomes) {
                let _ = reply.send(Ok(outcome));
            }
        }
        Err(error) => {
            tracing::error!(%error, campaign = campaign.0, size = group.len(), "a signature batch failed");
            let shared = Arc::new(error);
            for (_, reply) in group {
                let _ = reply.send(Err(StoreError::Batch(shared.clone())));
            }
        }
    }
}

/// A batch's size and how long its commit took, for `/metrics` (nothing is kept unless a
/// recorder is installed).
fn record_batch(kind: &'static str, size: usize, started: Instant) {
    metrics::histogram!("tomar_writer_batch_size", "kind" => kind).record(size as f64);
    metrics::histogram!("tomar_writer_commit_seconds", "kind" => kind)
        .record(started.elapsed().as_secs_f64());
}
