//! Upkeep: the chores each process does now and then, whatever it serves. Each is safe to
//! run from several processes at once and to skip a round of.

use std::time::{Duration, Instant};

use jiff::{SignedDuration, Span, Timestamp};
use tomar_core::calendar::iran_date;
use tomar_core::ids::CampaignId;
use tomar_core::names::CampaignRef;
use tomar_core::questions::Answers;
use tomar_core::secret::Secret;
use tomar_core::tally::Tally;
use tomar_store::{MergeStep, ReconcilePass, Store, StoreError};
use tomar_web::Platform;

/// How often the quick chores run: a code's message is forgotten within a minute of its
/// code expiring.
const EVERY: Duration = Duration::from_secs(60);

/// Every how many rounds the slow chores run (ten minutes).
const SLOW_EVERY: u32 = 10;

/// Runs the chores, for as long as the process lives. `secret` opens signers' answers for
/// the totals authors publish.
pub async fn run(store: Store, secret: Secret) {
    let mut every = tokio::time::interval(EVERY);
    let mut reconciler = Reconciler::default();
    for round in 0u32.. {
        every.tick().await;
        forget_expired_messages(&store).await;
        forget_contact_codes(&store).await;
        truncate_journal(&store).await;
        reconciler.round(&store).await;
        count_answer_totals(&store, &secret, Timestamp::now()).await;
        if round.is_multiple_of(SLOW_EVERY) {
            forget_old_counts(&store).await;
            anonymise_ended_campaigns(&store).await;
        }
    }
}

/// Hour rows checked against their signatures per reconciliation step, and steps per
/// round: a round reads at most this many hours' signatures, on the readers.
const RECONCILE_CHUNK: u32 = 200;
const RECONCILE_STEPS: u32 = 10;
/// How often a pass goes over every hour row; the passes between recheck only the rows
/// that changed since the last pass began.
const FULL_PASS_EVERY: Duration = Duration::from_secs(24 * 3600);
/// How far before the last pass began the next one looks: a batch stamped before then may
/// have committed after that pass had read past it.
const PASS_OVERLAP: SignedDuration = SignedDuration::from_secs(60);

/// Counts move by batch deltas; reconciliation checks them against the rows, a bounded
/// step each round, repairs what drifted and says so in the log.
#[derive(Default)]
struct Reconciler {
    /// The pass under way, and when it began.
    pass: Option<(ReconcilePass, Timestamp)>,
    /// When the last finished pass began.
    checked_since: Option<Timestamp>,
    last_full_pass: Option<Instant>,
}

impl Reconciler {
    async fn round(&mut self, store: &Store) {
        for _ in 0..RECONCILE_STEPS {
            let (pass, began) = match self.pass {
                Some(under_way) => under_way,
                None => self.next_pass(),
            };
            match store.reconcile_step(&pass, RECONCILE_CHUNK).await {
                Ok(step) => {
                    for drift in step.drifted {
                        tracing::warn!(
                            campaign = drift.campaign.0,
                            hour = ?drift.hour,
                            stored = drift.stored,
                            actual = drift.actual,
                            "a signature count had drifted and was repaired"
                        );
                    }
                    self.pass = step.next.map(|next| (next, began));
                    if self.pass.is_none() {
                        self.checked_since = Some(began);
                        return;
                    }
                }
                Err(error) => {
                    tracing::error!(%error, "signature count reconciliation failed");
                    return;
                }
            }
        }
    }

    /// A full pass when one is due (the first of a process is one), else one over what
    /// changed since the last began.
    fn next_pass(&mut self) -> (ReconcilePass, Timestamp) {
        let now = Timestamp::now();
        let full_due = self
            .last_full_pass
            .is_none_or(|last| last.elapsed() >= FULL_PASS_EVERY);
        let pass = match self.checked_since {
            Some(since) if !full_due => ReconcilePass::since(since - PASS_OVERLAP),
            _ => {
                self.last_full_pass = Some(Instant::now());
                ReconcilePass::everything()
            }
        };
        (pass, now)
    }
}

/// Signatures invalidated, counted or carried per batch: each batch is one short
/// transaction, so signing goes on between batches.
const BATCH: u32 = 1000;

/// How long the batch runner waits when nothing is running.
const IDLE: Duration = Duration::from_secs(1);

/// What a round of the batch runner found to do.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Round {
    Nothing,
    Ran,
    Failed,
}

impl Round {
    fn and(self, other: Round) -> Round {
        match (self, other) {
            (Round::Failed, _) | (_, Round::Failed) => Round::Failed,
            (Round::Nothing, Round::Nothing) => Round::Nothing,
            _ => Round::Ran,
        }
    }
}

/// Runs the moderators' background work for as long as the process lives: bulk
/// invalidations and merges of campaigns, a batch of each running one a round. Several
/// processes may run the same one: its batches take turns (see `Store::invalidate_batch`
/// and `Store::merge_step`).
pub async fn run_batches(store: Store) {
    loop {
        let invalidations = round(
            "invalidation",
            store.running_invalidations().await,
            |id| store.invalidate_batch(id, BATCH, Timestamp::now()),
            |gone| *gone == 0,
        )
        .await;
        let merges = round(
            "merge",
            store.running_merges().await,
            |id| store.merge_step(id, BATCH, Timestamp::now()),
            |step| *step == MergeStep::Finished,
        )
        .await;
        let round = invalidations.and(merges);
        // Let the signing writer in between batches; when idle or after a failure, wait longer.
        let pause = match round {
            Round::Ran => Duration::from_millis(10),
            Round::Nothing | Round::Failed => IDLE,
        };
        tokio::time::sleep(pause).await;
    }
}

/// A batch of each running job of one `kind` (`running`, as the store listed them): `step`
/// runs one, `finished` says from its answer that the job is done.
async fn round<Id, Done, Step>(
    kind: &'static str,
    running: Result<Vec<Id>, StoreError>,
    step: impl Fn(Id) -> Step,
    finished: impl Fn(&Done) -> bool,
) -> Round
where
    Id: Copy + std::fmt::Display,
    Step: Future<Output = Result<Done, StoreError>>,
{
    let running = match running {
        Ok(running) => running,
        Err(error) => {
            tracing::error!(%error, kind, "could not read the running jobs");
            return Round::Failed;
        }
    };
    let mut round = Round::Nothing;
    for id in running {
        round = round.and(match step(id).await {
            Ok(done) => {
                if finished(&done) {
                    tracing::info!(kind, %id, "finished");
                }
                Round::Ran
            }
            Err(error) => {
                tracing::error!(%error, kind, %id, "batch failed");
                Round::Failed
            }
        });
    }
    round
}

/// Code messages not sent before their code expired are given up and their text blanked.
async fn forget_expired_messages(store: &Store) {
    match store.forget_expired_messages(Timestamp::now()).await {
        Ok(0) => {}
        Ok(expired) => tracing::warn!(expired, "code messages expired before they were sent"),
        Err(error) => tracing::error!(%error, "forgetting expired messages failed"),
    }
}

/// How long after a login's or an inquiry's code expires its verification is kept: longer
/// than an inquiry's list stays open after its code.
const CONTACT_CODES_KEPT: SignedDuration = SignedDuration::from_hours(1);

/// Logins' and inquiries' verifications are deleted once nothing needs them.
async fn forget_contact_codes(store: &Store) {
    let Ok(before) = Timestamp::now().checked_sub(CONTACT_CODES_KEPT) else {
        return;
    };
    if let Err(error) = store.forget_contact_codes(before).await {
        tracing::error!(%error, "forgetting login and inquiry codes failed");
    }
}

/// SQLite's write-ahead log keeps older versions of pages (blanked contacts and codes
/// among them) until it is emptied into the database.
async fn truncate_journal(store: &Store) {
    if let Err(error) = store.truncate_journal().await {
        tracing::error!(%error, "emptying the write-ahead log failed");
    }
}

/// The limits read only this hour's counters and the last; older ones are dropped.
async fn forget_old_counts(store: &Store) {
    if let Err(error) = store.forget_old_counts(Timestamp::now()).await {
        tracing::error!(%error, "forgetting old limit counters failed");
    }
}

/// What ties the signatures of campaigns that ended long enough ago to their signers is
/// erased (the admin's `limits.anonymise_after_days`), a few campaigns a call until none
/// is left.
pub async fn anonymise_ended_campaigns(store: &Store) {
    let days = match store.settings().await {
        Ok(settings) => Platform::new(settings).anonymise_after_days(),
        Err(error) => return tracing::error!(%error, "reading the settings failed"),
    };
    let now = Timestamp::now();
    let Ok(ended_before) = iran_date(now).checked_sub(Span::new().days(days)) else {
        return;
    };
    loop {
        match store.anonymise_ended_campaigns(ended_before, now).await {
            Ok(done) if done.campaigns == 0 => return,
            Ok(done) => tracing::info!(
                campaigns = done.campaigns,
                signatures = done.signatures,
                "signers of ended campaigns anonymised"
            ),
            Err(error) => return tracing::error!(%error, "anonymising signers failed"),
        }
    }
}

/// A campaign's published totals are counted again at most this often, and only after its
/// signatures moved: a count reads every answer.
const TOTALS_AGAIN_AFTER: SignedDuration = SignedDuration::from_secs(10 * 60);
/// Campaigns counted per round, and answers read per step of one count.
const TOTALS_CAMPAIGNS: u32 = 10;
const TOTALS_PAGE: u32 = 1000;

/// Counts the totals that are due (`Store::campaigns_due_a_tally`) from the signers'
/// sealed answers, a page at a time: only the counts are kept, never who answered what.
pub async fn count_answer_totals(store: &Store, secret: &Secret, now: Timestamp) {
    let counted_before = now.checked_sub(TOTALS_AGAIN_AFTER).unwrap_or(now);
    let due = match store
        .campaigns_due_a_tally(counted_before, TOTALS_CAMPAIGNS)
        .await
    {
        Ok(due) => due,
        Err(error) => return tracing::error!(%error, "reading the totals due failed"),
    };
    for campaign in due {
        if let Err(error) = count_totals(store, secret, campaign, now).await {
            tracing::error!(%error, %campaign, "counting the answers' totals failed");
        }
    }
}

async fn count_totals(
    store: &Store,
    secret: &Secret,
    id: CampaignId,
    now: Timestamp,
) -> Result<(), StoreError> {
    let campaign = store
        .campaign(&CampaignRef::Id(id))
        .await?
        .ok_or(StoreError::NotFound("campaign"))?;
    // The count as it stood before the answers were read: signatures added meanwhile move
    // it, and the totals are counted again.
    let signature_count = campaign.signature_count;
    let mut tally = Tally::new(&campaign.questions);
    let mut after = 0;
    loop {
        let page = store
            .sealed_answers_in_order(id, after, TOTALS_PAGE)
            .await?;
        for (_, sealed) in &page {
            match Answers::unseal(secret, sealed) {
                Some(answers) => tally.add(&answers),
                None => tracing::warn!(campaign = %id, "answers that do not open"),
            }
        }
        match page.last() {
            Some((number, _)) if page.len() == TOTALS_PAGE as usize => after = *number,
            _ => break,
        }
        tokio::task::yield_now().await;
    }
    let counts: Vec<_> = tally.counts().collect();
    store
        .save_answer_totals(id, &counts, signature_count, now)
        .await
}
