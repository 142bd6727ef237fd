//! Live counts: the counts of watched campaigns in one read, a signal when a committed
//! transaction moved a count, heard in this process and, on PostgreSQL, in another, and
//! the watches the event streams read kept current by both.

use std::sync::Arc;
use std::time::Duration;

use tokio::time::timeout;
use tomar_core::ids::CampaignId;
use tomar_store::{LiveCounts, SignatureOwner, Store};

use crate::{now, published, sign, signer, withdraw_key};

conformance!(
    counts_of_reads_the_stored_counts_of_the_campaigns_asked_for,
    a_committed_change_to_a_count_wakes_this_process,
    another_process_hears_of_a_moved_count,
    watches_follow_the_count_from_either_process,
);

/// Long enough for any machine to have done what the test waits for; a test that reaches
/// it has failed.
const PATIENCE: Duration = Duration::from_secs(10);
/// How long to listen for a signal that must not come.
const QUIET: Duration = Duration::from_millis(200);

async fn counts_of_reads_the_stored_counts_of_the_campaigns_asked_for(store: Store) {
    let signed = published(&store, "کارزار پرامضا", 30).await;
    let quiet = published(&store, "کارزار خاموش", 30).await;
    sign(&store, signed, &[signer(1), signer(2)]).await.unwrap();
    let mut counts = store
        .counts_of(&[signed, quiet, CampaignId(999_999)])
        .await
        .unwrap();
    counts.sort();
    assert_eq!(
        counts,
        vec![(signed, 2), (quiet, 0)],
        "unknown ones left out"
    );
    assert!(store.counts_of(&[]).await.unwrap().is_empty());
}

/// Waits for `store`'s signal, failing the test after [`PATIENCE`].
async fn heard(store: &Store, what: &str) {
    timeout(PATIENCE, store.count_moved())
        .await
        .unwrap_or_else(|_| panic!("no signal after {what}"));
}

async fn a_committed_change_to_a_count_wakes_this_process(store: Store) {
    let campaign = published(&store, "کارزار زنده", 30).await;
    assert!(
        timeout(QUIET, store.count_moved()).await.is_err(),
        "publishing moved no count"
    );
    sign(&store, campaign, &[signer(1)]).await.unwrap();
    heard(&store, "a signature").await;
    sign(&store, campaign, &[signer(1)]).await.unwrap();
    assert!(
        timeout(QUIET, store.count_moved()).await.is_err(),
        "signing twice moved nothing"
    );
    store
        .withdraw_signature(
            &SignatureOwner::WithdrawKey(&withdraw_key("withdraw-1")),
            now(),
        )
        .await
        .unwrap();
    heard(&store, "a withdrawal").await;
}

async fn another_process_hears_of_a_moved_count(store: Store) {
    if matches!(store, Store::Sqlite(_)) {
        // One process owns a SQLite file; its readers poll instead (the next test).
        return;
    }
    let campaign = published(&store, "کارزار دو پردازه", 30).await;
    let other = store.another_process().await;
    let relay = other.clone();
    let relaying = tokio::spawn(async move { relay.relay_notifications().await });
    // The other process listens once its relay has connected; what is said before is not
    // heard, so keep signing until it is.
    let mut heard = false;
    for n in 1..=40 {
        sign(&store, campaign, &[signer(n)]).await.unwrap();
        if timeout(Duration::from_millis(250), other.count_moved())
            .await
            .is_ok()
        {
            heard = true;
            break;
        }
    }
    assert!(heard, "the other process never heard of a moved count");
    relaying.abort();
}

/// Whether the watch shows `count` within [`PATIENCE`].
async fn reaches(watch: &mut tokio::sync::watch::Receiver<u64>, count: u64) -> bool {
    let reached = watch.wait_for(|now| *now == count);
    matches!(timeout(PATIENCE, reached).await, Ok(Ok(_)))
}

async fn watches_follow_the_count_from_either_process(store: Store) {
    let campaign = published(&store, "کارزار تماشایی", 30).await;
    let other = store.another_process().await;
    let live = Arc::new(LiveCounts::default());
    let mut here = live.watch(campaign, 0);
    tokio::spawn(live.clone().run(store.clone()));
    let relay = store.clone();
    tokio::spawn(async move { relay.relay_notifications().await });

    sign(&store, campaign, &[signer(1), signer(2)])
        .await
        .unwrap();
    assert!(
        reaches(&mut here, 2).await,
        "a count moved here reaches the watch"
    );
    // The other process signs; this one hears it (PostgreSQL) or reads it on its poll.
    sign(&other, campaign, &[signer(3)]).await.unwrap();
    assert!(
        reaches(&mut here, 3).await,
        "a count moved elsewhere reaches the watch"
    );

    assert_eq!(live.watched(), 1);
    drop(here);
    let forgotten = timeout(PATIENCE, async {
        while live.watched() > 0 {
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    });
    assert!(
        forgotten.await.is_ok(),
        "a campaign nobody watches is forgotten"
    );
    live.close();
    let mut after = live.watch(campaign, 3);
    assert!(after.changed().await.is_err(), "closed watches end at once");
}
