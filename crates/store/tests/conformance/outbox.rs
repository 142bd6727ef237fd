//! The outbox: claims, leases, retries.

use tomar_store::testing::outbox_texts;
use tomar_store::{CodeOutcome, Store};

use crate::{
    bodies, campaign_with_a_code, code_request, new_verification, now, published, queue_code,
};

conformance!(
    code_messages_leased_to_their_writer_are_claimed_only_after_the_lease,
    outbox_messages_are_claimed_once_and_forgotten_once_sent,
    failed_messages_are_retried_then_given_up,
    code_messages_expire_with_their_code,
);

async fn code_messages_leased_to_their_writer_are_claimed_only_after_the_lease(store: Store) {
    let id = published(&store, "اجاره", 10).await;
    let batch: Vec<_> = (1..=3)
        .map(|n| {
            let new = new_verification(&format!("v{n}"), id, &format!("0912000000{n}"), "a");
            code_request(new, &format!("m{n}"))
        })
        .collect();
    let lease = now()
        .checked_add(jiff::SignedDuration::from_mins(2))
        .unwrap();
    let outcomes = store
        .create_verifications(&batch, Some(lease))
        .await
        .unwrap();
    let written: Vec<_> = outcomes
        .into_iter()
        .map(|outcome| match outcome {
            CodeOutcome::Queued(message) => message,
            refused => panic!("refused under no limit: {refused:?}"),
        })
        .collect();
    assert_eq!(
        bodies(&written),
        ["m1", "m2", "m3"],
        "answered in the order given"
    );
    assert!(written.windows(2).all(|pair| pair[0].id < pair[1].id));
    assert!(written.iter().all(|m| m.attempts == 0));
    assert!(
        store
            .claim_due_messages(now(), now(), 10)
            .await
            .unwrap()
            .is_empty(),
        "leased to the writer"
    );
    store
        .mark_messages_sent(&[written[0].id], now())
        .await
        .unwrap();
    // Should the writer's process die, the others fall due when the lease ends.
    let after_lease = lease
        .checked_add(jiff::SignedDuration::from_secs(1))
        .unwrap();
    let lapsed = store
        .claim_due_messages(after_lease, after_lease, 10)
        .await
        .unwrap();
    let ids: Vec<_> = lapsed.iter().map(|m| m.id).collect();
    assert_eq!(ids, [written[1].id, written[2].id]);
}

async fn outbox_messages_are_claimed_once_and_forgotten_once_sent(store: Store) {
    let id = published(&store, "صندوق", 10).await;
    for n in 1..=3 {
        let new = new_verification(&format!("v{n}"), id, &format!("0912000000{n}"), "a");
        queue_code(&store, new, &format!("m{n}")).await;
    }
    let lease = now()
        .checked_add(jiff::SignedDuration::from_mins(1))
        .unwrap();
    let first = store.claim_due_messages(now(), lease, 2).await.unwrap();
    let second = store.claim_due_messages(now(), lease, 2).await.unwrap();
    assert_eq!(bodies(&first), ["m1", "m2"]);
    assert_eq!(bodies(&second), ["m3"]);
    store
        .mark_messages_sent(&[first[0].id], now())
        .await
        .unwrap();
    assert_eq!(
        outbox_texts(&store).await[0],
        "",
        "a sent code's text and recipient are gone"
    );
    // After the lease, unsent claims come back; sent ones never do.
    let after_lease = lease
        .checked_add(jiff::SignedDuration::from_secs(1))
        .unwrap();
    let again = store
        .claim_due_messages(after_lease, after_lease, 10)
        .await
        .unwrap();
    assert_eq!(bodies(&again), ["m2", "m3"]);
}

async fn failed_messages_are_retried_then_given_up(store: Store) {
    campaign_with_a_code(&store, "خطا", "m").await;
    let claimed = store.claim_due_messages(now(), now(), 1).await.unwrap();
    let retry_at = now()
        .checked_add(jiff::SignedDuration::from_secs(30))
        .unwrap();
    store
        .mark_message_failed(claimed[0].id, "gateway down", Some(retry_at), now())
        .await
        .unwrap();
    assert!(
        store
            .claim_due_messages(now(), now(), 1)
            .await
            .unwrap()
            .is_empty()
    );
    let retried = store
        .claim_due_messages(retry_at, retry_at, 1)
        .await
        .unwrap();
    assert_eq!(retried[0].attempts, 1);
    store
        .mark_message_failed(retried[0].id, "gateway down", None, retry_at)
        .await
        .unwrap();
    assert_eq!(outbox_texts(&store).await, [""], "given up, and forgotten");
    let much_later = retry_at
        .checked_add(jiff::SignedDuration::from_hours(1))
        .unwrap();
    assert!(
        store
            .claim_due_messages(much_later, much_later, 1)
            .await
            .unwrap()
            .is_empty()
    );
}

async fn code_messages_expire_with_their_code(store: Store) {
    campaign_with_a_code(&store, "انقضا", "کد ۱۲۳۴۵۶").await;
    let later = |minutes| {
        now()
            .checked_add(jiff::SignedDuration::from_mins(minutes))
            .unwrap()
    };
    assert_eq!(store.forget_expired_messages(later(9)).await.unwrap(), 0);
    assert_eq!(outbox_texts(&store).await[0], "+989121234567کد ۱۲۳۴۵۶");
    // Past the code's lifetime it is no longer sent, and then forgotten.
    let expired = later(10);
    assert!(
        store
            .claim_due_messages(expired, expired, 10)
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(store.forget_expired_messages(expired).await.unwrap(), 1);
    assert_eq!(outbox_texts(&store).await, [""]);
    assert_eq!(store.forget_expired_messages(later(20)).await.unwrap(), 0);
}
