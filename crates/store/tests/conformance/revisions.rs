//! Revising a published text through review.

use tomar_core::campaign::Addressee;
use tomar_core::ids::CampaignId;
use tomar_core::moderation::{Actor, ModerationAction, ModerationEvent, Target};
use tomar_store::{Confirmation, Store, StoreError};

use crate::{campaign_now, line, new_campaign, now, published, sign, signer, withdraw};

conformance!(
    a_published_text_is_revised_through_review,
    signatures_are_counted_per_text_version,
);

/// Approves a new text for the campaign, as a moderator would.
async fn revise(store: &Store, id: CampaignId, title: &str) {
    let text = new_campaign(title, None, 10).text;
    store.propose_text(id, &text, now()).await.unwrap();
    let event = ModerationEvent {
        actor: Actor::Platform,
        action: ModerationAction::ApproveText,
        target: Target::Campaign(id),
        note: None,
        at: now(),
    };
    store.review_text(id, true, &event).await.unwrap();
}

/// Signs with signers `numbers` as the form of `version` asked.
async fn sign_version(
    store: &Store,
    id: CampaignId,
    version: u32,
    numbers: std::ops::RangeInclusive<u32>,
) {
    let batch: Vec<_> = numbers.map(|n| Confirmation::direct(signer(n))).collect();
    store
        .add_confirmations(id, version, &batch, now())
        .await
        .unwrap();
}

async fn signatures_are_counted_per_text_version(store: Store) {
    let id = published(&store, "نسخه نخست", 10).await;
    sign(&store, id, &[signer(1), signer(2), signer(3)])
        .await
        .unwrap();
    assert_eq!(store.text_version_counts(id).await.unwrap(), [(1, 3)]);
    revise(&store, id, "نسخه دوم").await;
    sign_version(&store, id, 2, 4..=5).await;
    // A form of the first text still counts for the first; one of a version the log has
    // not seen counts for the text that is live, in the row as in the log.
    sign_version(&store, id, 1, 6..=6).await;
    sign_version(&store, id, 7, 7..=7).await;
    withdraw(&store, 1).await;
    assert_eq!(
        store.text_version_counts(id).await.unwrap(),
        [(1, 3), (2, 3)]
    );
    let rows = store.signatures_page(id, None, 10).await.unwrap();
    let versions: Vec<(u64, u32)> = rows.iter().map(|s| (s.sequence, s.text_version)).collect();
    assert_eq!(versions, [(7, 2), (6, 1), (5, 2), (4, 2), (3, 1), (2, 1)]);
    let total: u64 = store
        .text_version_counts(id)
        .await
        .unwrap()
        .iter()
        .map(|(_, n)| n)
        .sum();
    assert_eq!(total, campaign_now(&store, id).await.signature_count);
}

async fn a_published_text_is_revised_through_review(store: Store) {
    let id = published(&store, "متن نخست", 10).await;
    let draft = store
        .create_campaign(&new_campaign("پیش‌نویس", None, 10), now())
        .await
        .unwrap();
    let mut revised = new_campaign("متن دوم", None, 10).text;
    revised.addressees.push(Addressee {
        name: line("معاون"),
        position: line("معاونت"),
    });
    assert!(matches!(
        store.propose_text(draft, &revised, now()).await,
        Err(StoreError::Conflict)
    ));
    let first_try = new_campaign("متن میانی", None, 10).text;
    store.propose_text(id, &first_try, now()).await.unwrap();
    // A newer revision replaces the one waiting.
    store.propose_text(id, &revised, now()).await.unwrap();
    assert_eq!(store.pending_text(id).await.unwrap(), Some(revised.clone()));
    let waiting: Vec<_> = store
        .revisions_waiting()
        .await
        .unwrap()
        .iter()
        .map(|c| c.id)
        .collect();
    assert_eq!(waiting, [id]);
    let live = campaign_now(&store, id).await;
    assert_eq!(
        live.text.title.as_ref(),
        "متن نخست",
        "the approved text stays live"
    );

    let event = |action| ModerationEvent {
        actor: Actor::Platform,
        action,
        target: Target::Campaign(id),
        note: None,
        at: now(),
    };
    store
        .review_text(id, true, &event(ModerationAction::ApproveText))
        .await
        .unwrap();
    let live = campaign_now(&store, id).await;
    assert_eq!(live.text, revised);
    assert_eq!(live.text_version, 2);
    assert!(store.pending_text(id).await.unwrap().is_none());
    assert!(matches!(
        store
            .review_text(id, true, &event(ModerationAction::ApproveText))
            .await,
        Err(StoreError::Conflict)
    ));

    store.propose_text(id, &first_try, now()).await.unwrap();
    store
        .review_text(id, false, &event(ModerationAction::RejectText))
        .await
        .unwrap();
    let live = campaign_now(&store, id).await;
    assert_eq!((live.text_version, live.text), (2, revised));
    let actions: Vec<_> = store
        .moderation_events(Target::Campaign(id))
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.event.action.name())
        .collect();
    assert_eq!(
        actions,
        ["submit", "approve", "approve_text", "reject_text"]
    );
}
