//! Revising a published text through review.

use tomar_core::campaign::Addressee;
use tomar_core::moderation::{Actor, ModerationAction, ModerationEvent, Target};
use tomar_store::{Store, StoreError};

use crate::{campaign_now, line, new_campaign, now, published};

conformance!(a_published_text_is_revised_through_review,);

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
