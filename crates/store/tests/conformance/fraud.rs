//! The fraud tools: signatures counted by source, and invalidated in bulk.

use tomar_core::contact::Contact;
use tomar_core::ids::{CampaignId, InvalidationId};
use tomar_core::member::Role;
use tomar_core::moderation::{Actor, ModerationAction, ModerationEvent, Target};
use tomar_core::signature::{ConfirmedSignature, SignatureOrigin};
use tomar_store::{InvalidationStatus, SignatureChoice, SourceCount, SourceKind, Store};

use crate::{campaign_now, contact_key, now, published, sign, signer};

conformance!(
    signatures_are_counted_by_network_and_domain_per_hour,
    a_choice_is_counted_then_invalidated_in_batches_that_leave_the_count,
    a_cancelled_invalidation_stops_between_batches,
    processes_running_one_invalidation_together_take_each_signature_once,
);

/// Signer `n`, confirmed `hours_ago`, from `network`, with an email at `domain` if any.
fn from(n: u32, network: &str, domain: Option<&str>, hours_ago: i64) -> ConfirmedSignature {
    let at = now()
        .checked_sub(jiff::SignedDuration::from_hours(hours_ago))
        .unwrap();
    ConfirmedSignature {
        sealed_answers: None,
        confirmed_at: at,
        created_at: at,
        origin: SignatureOrigin {
            network: Some(network.into()),
            email_domain: domain.map(str::to_owned),
            busy_network: false,
        },
        ..signer(n)
    }
}

/// A moderator starts invalidating network `a`'s `expected` signatures of `campaign`;
/// answers the run and the event that started it.
pub(crate) async fn invalidate_network_a(
    store: &Store,
    campaign: CampaignId,
    expected: u64,
) -> (InvalidationId, ModerationEvent) {
    let key = contact_key(&Contact::parse("09120000999").unwrap());
    let moderator = store.grant_role(&key, "sealed", Role::Moderator, now());
    let moderator = moderator.await.unwrap().id;
    let event = ModerationEvent {
        actor: Actor::Member(moderator),
        action: ModerationAction::Invalidate,
        target: Target::Campaign(campaign),
        note: Some("network a".into()),
        at: now(),
    };
    let choice = network("a");
    let run = store.start_invalidation(campaign, &choice, expected, moderator, &event);
    (run.await.unwrap(), event)
}

fn network(name: &str) -> SignatureChoice {
    SignatureChoice {
        network: Some(name.into()),
        ..SignatureChoice::default()
    }
}

async fn signatures_are_counted_by_network_and_domain_per_hour(store: Store) {
    let id = published(&store, "منابع", 10).await;
    let batch = [
        from(1, "a", Some("example.org"), 0),
        from(2, "a", Some("example.org"), 0),
        from(3, "a", None, 0),
        from(4, "b", Some("mail.example"), 0),
        from(5, "b", None, 2),
        from(6, "c", None, 30),
    ];
    sign(&store, id, &batch).await.unwrap();
    let networks = store
        .busiest_sources(id, SourceKind::Network, now(), 10)
        .await
        .unwrap();
    let count = |source: &str, last_hour, last_day| SourceCount {
        source: source.into(),
        last_hour,
        last_day,
    };
    assert_eq!(
        networks,
        [count("a", 3, 3), count("b", 1, 2)],
        "busiest first; a day ago is gone"
    );
    let domains = store
        .busiest_sources(id, SourceKind::Domain, now(), 1)
        .await
        .unwrap();
    assert_eq!(domains, [count("example.org", 2, 2)]);
    let elsewhere = published(&store, "جای دیگر", 10).await;
    let none = store.busiest_sources(elsewhere, SourceKind::Network, now(), 10);
    assert!(none.await.unwrap().is_empty());
}

async fn a_choice_is_counted_then_invalidated_in_batches_that_leave_the_count(store: Store) {
    let id = published(&store, "ابطال", 10).await;
    let batch: Vec<_> = (1..=15)
        .map(|n| match n {
            1..=10 => from(n, "a", None, i64::from(n % 3)),
            _ => from(n, "b", None, 0),
        })
        .collect();
    sign(&store, id, &batch).await.unwrap();
    assert_eq!(store.count_chosen(id, &network("a")).await.unwrap(), 10);
    let recent = SignatureChoice {
        from: now().checked_sub(jiff::SignedDuration::from_mins(30)).ok(),
        ..network("a")
    };
    // Signers 3, 6 and 9 confirmed now; the rest an hour or two ago.
    assert_eq!(store.count_chosen(id, &recent).await.unwrap(), 3);

    let (job, _) = invalidate_network_a(&store, id, 10).await;
    let mut batches = Vec::new();
    loop {
        let gone = store.invalidate_batch(job, 4, now()).await.unwrap();
        batches.push(gone);
        if gone == 0 {
            break;
        }
    }
    assert_eq!(batches, [4, 4, 2, 0]);
    let done = store.invalidation(job).await.unwrap().unwrap();
    assert_eq!(done.status, InvalidationStatus::Done);
    assert_eq!((done.expected, done.invalidated), (10, 10));
    assert_eq!(done.choice, network("a"));
    assert_eq!(campaign_now(&store, id).await.signature_count, 5);
    let listed = store.signatures_page(id, None, 100).await.unwrap();
    assert_eq!(listed.len(), 5, "invalidated signatures leave the list");
    assert_eq!(store.count_chosen(id, &network("a")).await.unwrap(), 0);
    let recount = store.recount_signatures(id).await.unwrap();
    assert!(!recount.drifted(), "{recount:?}");
    let logged = store.moderation_events(Target::Campaign(id)).await.unwrap();
    assert_eq!(
        logged.last().map(|e| e.event.action),
        Some(ModerationAction::Invalidate)
    );
    assert_eq!(store.invalidations_of(id, 10).await.unwrap(), [done]);
    assert!(store.running_invalidations().await.unwrap().is_empty());
}

async fn a_cancelled_invalidation_stops_between_batches(store: Store) {
    let id = published(&store, "لغو", 10).await;
    let batch: Vec<_> = (1..=10).map(|n| from(n, "a", None, 0)).collect();
    sign(&store, id, &batch).await.unwrap();
    let (job, event) = invalidate_network_a(&store, id, 10).await;
    assert_eq!(store.running_invalidations().await.unwrap(), [job]);
    assert_eq!(store.invalidate_batch(job, 4, now()).await.unwrap(), 4);
    let cancel = ModerationEvent {
        action: ModerationAction::CancelInvalidation,
        ..event
    };
    assert!(store.cancel_invalidation(job, &cancel).await.unwrap());
    assert!(
        !store.cancel_invalidation(job, &cancel).await.unwrap(),
        "once"
    );
    assert_eq!(store.invalidate_batch(job, 4, now()).await.unwrap(), 0);
    let cancelled = store.invalidation(job).await.unwrap().unwrap();
    assert_eq!(cancelled.status, InvalidationStatus::Cancelled);
    assert_eq!(cancelled.invalidated, 4);
    assert_eq!(campaign_now(&store, id).await.signature_count, 6);
}

async fn processes_running_one_invalidation_together_take_each_signature_once(store: Store) {
    let id = published(&store, "همزمان", 10).await;
    let batch: Vec<_> = (1..=300).map(|n| from(n, "a", None, 0)).collect();
    sign(&store, id, &batch).await.unwrap();
    sign(&store, id, &[from(301, "b", None, 0)]).await.unwrap();
    let (job, _) = invalidate_network_a(&store, id, 300).await;
    let workers: Vec<_> = (0..8)
        .map(|_| {
            let store = store.clone();
            tokio::spawn(async move {
                let mut taken = 0;
                loop {
                    match store.invalidate_batch(job, 7, now()).await.unwrap() {
                        0 => return taken,
                        gone => taken += gone,
                    }
                }
            })
        })
        .collect();
    let mut taken = 0;
    for worker in workers {
        taken += worker.await.unwrap();
    }
    assert_eq!(taken, 300);
    let done = store.invalidation(job).await.unwrap().unwrap();
    assert_eq!(
        (done.status, done.invalidated),
        (InvalidationStatus::Done, 300)
    );
    assert_eq!(campaign_now(&store, id).await.signature_count, 1);
}
