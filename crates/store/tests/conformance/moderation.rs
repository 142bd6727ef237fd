//! The review queue, delivery, rejection reasons and the moderation log.

use tomar_core::lifecycle::{Lifecycle, Outcome, OutcomeKind, Transition};
use tomar_core::moderation::{Actor, ModerationAction, ModerationEvent, Target};
use tomar_store::{Store, StoreError};

use crate::{campaign_now, new_campaign, now, published, sign, signer};

conformance!(
    the_review_queue_is_oldest_first,
    campaigns_past_the_threshold_without_an_outcome_are_due_for_delivery,
    rejection_reasons_are_listed_and_retired,
    the_moderation_log_pages_newest_first,
);

async fn the_review_queue_is_oldest_first(store: Store) {
    let mut submitted = Vec::new();
    for (title, minutes) in [("دیرتر", 30), ("زودتر", 10), ("پیش‌نویس", 0)] {
        let id = store
            .create_campaign(&new_campaign(title, None, 10), now())
            .await
            .unwrap();
        if minutes > 0 {
            let mut campaign = campaign_now(&store, id).await;
            let at = now()
                .checked_add(jiff::SignedDuration::from_mins(minutes))
                .unwrap();
            let event = campaign
                .apply(Transition::Submit, Actor::Platform, None, at)
                .unwrap();
            store
                .save_transition(&campaign, &Lifecycle::Draft, &event, &[])
                .await
                .unwrap();
            submitted.push((id, at));
        }
    }
    submitted.reverse();
    let queue = store.review_queue(10).await.unwrap();
    let queue: Vec<_> = queue.iter().map(|(c, at)| (c.id, *at)).collect();
    assert_eq!(queue, submitted);
    assert_eq!(store.review_queue(1).await.unwrap().len(), 1);
}

async fn campaigns_past_the_threshold_without_an_outcome_are_due_for_delivery(store: Store) {
    let big = published(&store, "بزرگ", 10).await;
    let small = published(&store, "کوچک", 10).await;
    let delivered = published(&store, "تحویل‌شده", 10).await;
    let batch: Vec<_> = (0..3).map(signer).collect();
    sign(&store, big, &batch).await.unwrap();
    sign(&store, small, &[signer(5)]).await.unwrap();
    let later: Vec<_> = (10..13).map(signer).collect();
    sign(&store, delivered, &later).await.unwrap();
    let event = |id| ModerationEvent {
        actor: Actor::Platform,
        action: ModerationAction::SetOutcome(OutcomeKind::Delivered),
        target: Target::Campaign(id),
        note: None,
        at: now(),
    };
    store
        .set_outcome(delivered, &Outcome::Delivered, &event(delivered), &[])
        .await
        .unwrap();
    let due: Vec<_> = store
        .due_for_delivery(2, 10)
        .await
        .unwrap()
        .iter()
        .map(|c| c.id)
        .collect();
    assert_eq!(due, [big]);
    assert_eq!(store.due_for_delivery(1, 10).await.unwrap().len(), 2);
}

async fn rejection_reasons_are_listed_and_retired(store: Store) {
    // A new platform can reject from the first day.
    let seeded = store.rejection_reasons().await.unwrap();
    assert_eq!(seeded.len(), 7, "the reasons the migrations seed");
    assert!(
        seeded
            .iter()
            .all(|r| r.active && !r.label_fa.as_ref().is_empty())
    );
    assert!(
        seeded[0]
            .label_en
            .as_ref()
            .starts_with("It makes more than one demand")
    );
    let first = store
        .add_rejection_reason("توهین‌آمیز", "Offensive")
        .await
        .unwrap();
    let second = store
        .add_rejection_reason("تکراری", "Duplicate")
        .await
        .unwrap();
    store
        .set_rejection_reason_active(first, false)
        .await
        .unwrap();
    let reasons = store.rejection_reasons().await.unwrap();
    let listed: Vec<_> = reasons[seeded.len()..]
        .iter()
        .map(|r| (r.id, r.active))
        .collect();
    assert_eq!(
        listed,
        [(first, false), (second, true)],
        "after the seeded ones"
    );
    assert_eq!(reasons[seeded.len() + 1].label_en.as_ref(), "Duplicate");
    assert!(matches!(
        store
            .set_rejection_reason_active(tomar_core::ids::RejectionReasonId(999_999), true)
            .await,
        Err(StoreError::NotFound(_))
    ));
}

async fn the_moderation_log_pages_newest_first(store: Store) {
    let first = published(&store, "یکم", 10).await;
    let second = published(&store, "دوم", 10).await;
    let log = store.moderation_log(None, 3).await.unwrap();
    let seen: Vec<_> = log
        .iter()
        .map(|e| (e.event.target, e.event.action.name()))
        .collect();
    assert_eq!(
        seen,
        [
            (Target::Campaign(second), "approve"),
            (Target::Campaign(second), "submit"),
            (Target::Campaign(first), "approve"),
        ]
    );
    let rest = store.moderation_log(Some(log[2].id), 3).await.unwrap();
    let seen: Vec<_> = rest
        .iter()
        .map(|e| (e.event.target, e.event.action.name()))
        .collect();
    assert_eq!(seen, [(Target::Campaign(first), "submit")]);
}
