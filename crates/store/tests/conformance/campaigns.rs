//! A campaign's text, lifecycle, outcome and drafts, read back exactly, on both backends.

use tomar_core::body::LetterBody;
use tomar_core::campaign::{Addressee, CampaignKind};
use tomar_core::ids::CampaignId;
use tomar_core::lifecycle::{LegalOrder, Lifecycle, Outcome, OutcomeKind, Status, Transition};
use tomar_core::message::{OutboundMessage, Route};
use tomar_core::moderation::{Actor, ModerationAction, ModerationEvent, Target};
use tomar_core::names::{CampaignRef, Slug};
use tomar_store::{Store, StoreError};

use crate::{campaign_now, comment, line, new_campaign, now, published, transition};

conformance!(
    a_draft_reads_back_by_id_and_by_slug,
    hostile_text_reads_back_exactly,
    a_taken_slug_is_refused,
    unknown_campaigns_are_none,
    transitions_are_saved_with_their_events,
    a_stale_transition_writes_nothing,
    outcomes_are_saved_with_their_events,
    an_outcome_is_announced_once_however_many_save_it_at_once,
    a_cached_campaign_shows_this_stores_changes_at_once,
    references_to_missing_campaigns_are_refused,
    drafts_and_rejected_campaigns_are_edited_in_place_and_nothing_else,
);

async fn a_draft_reads_back_by_id_and_by_slug(store: Store) {
    let new = new_campaign("درخواست آزمایشی", Some("trial"), 10);
    let id = store.create_campaign(&new, now()).await.unwrap();
    let by_id = campaign_now(&store, id).await;
    let by_slug = store
        .campaign(&CampaignRef::parse("trial").unwrap())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(by_id.id, id);
    assert_eq!(by_slug.id, id);
    assert_eq!(by_id.text, new.text);
    assert_eq!(by_id.slug, new.slug);
    assert_eq!(by_id.kind, CampaignKind::Request);
    assert_eq!(by_id.category, new.category);
    assert_eq!(
        (by_id.start_date, by_id.end_date),
        (new.start_date, new.end_date)
    );
    assert_eq!(by_id.signature_goal, Some(1000));
    assert_eq!(by_id.text_version, 1);
    assert_eq!(by_id.lifecycle, Lifecycle::Draft);
    assert_eq!(by_id.outcome, Outcome::None);
    assert_eq!(by_id.signature_count, 0);
    assert_eq!(by_id.created_at, now());
    assert_eq!(by_id.published_at, None);
    assert_eq!(store.campaign_count().await.unwrap(), 1);
}

async fn hostile_text_reads_back_exactly(store: Store) {
    let hostile = "'; DROP TABLE campaigns; -- <script>alert(\"x\")</script> \\ %_";
    let mut new = new_campaign(hostile, None, 10);
    new.text.body = LetterBody::parse(hostile).unwrap();
    let id = store.create_campaign(&new, now()).await.unwrap();
    let back = campaign_now(&store, id).await;
    assert_eq!(back.text.title.as_ref(), hostile);
    assert_eq!(back.text.body.as_ref(), hostile);
    assert_eq!(store.campaign_count().await.unwrap(), 1);
}

async fn a_taken_slug_is_refused(store: Store) {
    store
        .create_campaign(&new_campaign("یک", Some("same"), 10), now())
        .await
        .unwrap();
    let second = store
        .create_campaign(&new_campaign("دو", Some("same"), 10), now())
        .await;
    assert!(matches!(second, Err(StoreError::SlugTaken(slug)) if slug == "same"));
    assert_eq!(
        store.campaign_count().await.unwrap(),
        1,
        "nothing half-written"
    );
}

async fn unknown_campaigns_are_none(store: Store) {
    assert!(
        store
            .campaign(&CampaignRef::Id(CampaignId(424242)))
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        store
            .campaign(&CampaignRef::parse("nobody").unwrap())
            .await
            .unwrap()
            .is_none()
    );
}

async fn transitions_are_saved_with_their_events(store: Store) {
    let id = published(&store, "منتشرشده", 10).await;
    let campaign = campaign_now(&store, id).await;
    assert_eq!(campaign.lifecycle, Lifecycle::Published);
    assert_eq!(campaign.published_at, Some(now()));
    assert_eq!(campaign.status(now()), Status::Open);

    let order = LegalOrder {
        reference: "دستور ۱۲/۱۴۰۳".into(),
    };
    transition(&store, id, Transition::Suspend(order.clone()))
        .await
        .unwrap();
    let campaign = campaign_now(&store, id).await;
    assert_eq!(campaign.lifecycle, Lifecycle::Suspended(order));

    let events = store.moderation_events(Target::Campaign(id)).await.unwrap();
    let actions: Vec<_> = events.iter().map(|e| e.event.action.name()).collect();
    assert_eq!(actions, ["submit", "approve", "suspend"]);
    assert!(
        events
            .iter()
            .all(|e| e.event.actor == Actor::Platform && e.event.at == now())
    );

    let reason = store
        .add_rejection_reason("نامشخص", "Unclear")
        .await
        .unwrap();
    let draft = store
        .create_campaign(&new_campaign("رد", None, 10), now())
        .await
        .unwrap();
    transition(&store, draft, Transition::Submit).await.unwrap();
    transition(&store, draft, Transition::Reject(reason))
        .await
        .unwrap();
    let rejected = campaign_now(&store, draft).await;
    assert_eq!(rejected.lifecycle, Lifecycle::Rejected(reason));
}

async fn a_stale_transition_writes_nothing(store: Store) {
    let id = store
        .create_campaign(&new_campaign("کهنه", None, 10), now())
        .await
        .unwrap();
    let mut stale = campaign_now(&store, id).await;
    transition(&store, id, Transition::Submit).await.unwrap();
    // `stale` still thinks it is a draft; saving its submit must not apply twice.
    let before = stale.lifecycle.clone();
    let event = stale
        .apply(Transition::Submit, Actor::Platform, None, now())
        .unwrap();
    let news = tomar_core::message::OutboundMessage {
        route: tomar_core::message::Route::Sms,
        recipient: "+989121234567".into(),
        subject: "کارزار".into(),
        body: "خبر تصمیم".into(),
    };
    let result = store
        .save_transition(&stale, &before, &event, std::slice::from_ref(&news))
        .await;
    assert!(matches!(result, Err(StoreError::Conflict)));
    assert!(
        tomar_store::testing::outbox_texts(&store).await.is_empty(),
        "no message for a move that did not happen"
    );
    // The same message with a move that happens is queued with it.
    let mut fresh = campaign_now(&store, id).await;
    let before = fresh.lifecycle.clone();
    let event = fresh
        .apply(Transition::Approve, Actor::Platform, None, now())
        .unwrap();
    store
        .save_transition(&fresh, &before, &event, &[news])
        .await
        .unwrap();
    let queued = tomar_store::testing::outbox_texts(&store).await;
    assert_eq!(queued.len(), 1);
    assert!(queued[0].contains("خبر تصمیم"));
    assert_eq!(
        events_of(&store, id).await,
        2,
        "the submit and the approval; the stale submit wrote no event"
    );
}

async fn outcomes_are_saved_with_their_events(store: Store) {
    let id = published(&store, "موفق", 10).await;
    let won = Outcome::Succeeded {
        news_url: "https://news.example/1".into(),
    };
    let event = ModerationEvent {
        actor: Actor::Platform,
        action: ModerationAction::SetOutcome(OutcomeKind::Succeeded),
        target: Target::Campaign(id),
        note: Some("خبر موفقیت".into()),
        at: now(),
    };
    store.set_outcome(id, &won, &event, &[]).await.unwrap();
    let campaign = campaign_now(&store, id).await;
    assert_eq!(campaign.outcome, won);
    let events = store.moderation_events(Target::Campaign(id)).await.unwrap();
    assert_eq!(events.last().map(|e| &e.event), Some(&event));
    let missing = store
        .set_outcome(CampaignId(9999), &Outcome::Failed, &event, &[])
        .await;
    assert!(matches!(missing, Err(StoreError::NotFound(_))));
}

/// Twenty moderators mark one campaign delivered at the same moment: every save stands, and
/// the channel hears of the delivery once; a later change of outcome is news again, and the
/// same outcome once more (its link corrected) is not.
async fn an_outcome_is_announced_once_however_many_save_it_at_once(store: Store) {
    let id = published(&store, "تحویل", 10).await;
    let post = |text: &str| OutboundMessage {
        route: Route::Telegram,
        recipient: "@tomar_channel".into(),
        subject: String::new(),
        body: text.into(),
    };
    let event = |kind| ModerationEvent {
        actor: Actor::Platform,
        action: ModerationAction::SetOutcome(kind),
        target: Target::Campaign(id),
        note: None,
        at: now(),
    };
    let announcement = post("تحویل داده شد");
    let saves: Vec<_> = (0..20)
        .map(|_| {
            let (store, event, post) = (
                store.clone(),
                event(OutcomeKind::Delivered),
                announcement.clone(),
            );
            tokio::spawn(async move {
                store
                    .set_outcome(id, &Outcome::Delivered, &event, &[post])
                    .await
            })
        })
        .collect();
    for saved in saves {
        saved.await.unwrap().unwrap();
    }
    let queued = store.claim_due_messages(now(), now(), 100).await.unwrap();
    assert_eq!(queued.len(), 1, "{queued:?}");
    assert_eq!(queued[0].message, announcement, "the route reads back");
    assert_eq!(
        events_of(&store, id).await,
        22,
        "the submission, the approval and every save"
    );

    let won = |url: &str| Outcome::Succeeded {
        news_url: url.into(),
    };
    let succeeded = event(OutcomeKind::Succeeded);
    let news = [post("به نتیجه رسید")];
    store
        .set_outcome(id, &won("https://news.example/1"), &succeeded, &news)
        .await
        .unwrap();
    store
        .set_outcome(id, &won("https://news.example/2"), &succeeded, &news)
        .await
        .unwrap();
    assert_eq!(
        tomar_store::testing::outbox_texts(&store).await,
        ["@tomar_channelتحویل داده شد", "@tomar_channelبه نتیجه رسید"],
        "announced when it changed, not when its link was corrected"
    );
    assert_eq!(
        campaign_now(&store, id).await.outcome,
        won("https://news.example/2")
    );
}

/// How many moderation events campaign `id` has.
async fn events_of(store: &Store, id: CampaignId) -> usize {
    let events = store.moderation_events(Target::Campaign(id)).await;
    events.unwrap().len()
}

async fn a_cached_campaign_shows_this_stores_changes_at_once(store: Store) {
    let id = store
        .create_campaign(&new_campaign("در حافظه", Some("kept"), 10), now())
        .await
        .unwrap();
    let by_slug = CampaignRef::Slug(Slug::parse("kept").unwrap());
    let by_id = CampaignRef::Id(id);
    let lifecycle = |by: CampaignRef| {
        let store = store.clone();
        async move {
            let campaign = store.cached_campaign(&by).await.unwrap().unwrap();
            campaign.lifecycle.name()
        }
    };
    assert_eq!(lifecycle(by_slug.clone()).await, "draft");
    assert_eq!(lifecycle(by_id.clone()).await, "draft");
    for (step, name) in [
        (Transition::Submit, "in_review"),
        (Transition::Approve, "published"),
        (Transition::End, "ended"),
    ] {
        transition(&store, id, step).await.unwrap();
        assert_eq!(lifecycle(by_slug.clone()).await, name, "by slug");
        assert_eq!(lifecycle(by_id.clone()).await, name, "by number");
    }
    let missing = CampaignRef::Id(CampaignId(9999));
    assert!(store.cached_campaign(&missing).await.unwrap().is_none());
}

async fn references_to_missing_campaigns_are_refused(store: Store) {
    let result = store
        .add_comment(&comment(CampaignId(9999), None, None, "هیچ"))
        .await;
    assert!(matches!(result, Err(StoreError::MissingReference)));
}

async fn drafts_and_rejected_campaigns_are_edited_in_place_and_nothing_else(store: Store) {
    let id = store
        .create_campaign(&new_campaign("نخست", Some("first-draft"), 10), now())
        .await
        .unwrap();
    let mut edited = new_campaign("ویرایش‌شده", Some("edited"), 20);
    edited.text.addressees = vec![
        Addressee {
            name: line("وزیر"),
            position: line("وزارت"),
        },
        Addressee {
            name: line("معاون"),
            position: line("معاونت"),
        },
    ];
    store.update_draft(id, &edited).await.unwrap();
    let stored = campaign_now(&store, id).await;
    assert_eq!(stored.text, edited.text);
    assert_eq!(stored.end_date, edited.end_date);
    assert_eq!(stored.slug.unwrap().as_ref(), "edited");

    let other = store
        .create_campaign(&new_campaign("دیگری", Some("taken"), 10), now())
        .await
        .unwrap();
    let clash = new_campaign("دیگری", Some("edited"), 10);
    assert!(matches!(
        store.update_draft(other, &clash).await,
        Err(StoreError::SlugTaken(_))
    ));

    let reason = store
        .add_rejection_reason("ناقص", "Incomplete")
        .await
        .unwrap();
    for step in [Transition::Submit, Transition::Reject(reason)] {
        transition(&store, id, step).await.unwrap();
    }
    store
        .update_draft(id, &new_campaign("اصلاح", Some("edited"), 20))
        .await
        .unwrap();
    transition(&store, id, Transition::Submit).await.unwrap();
    assert!(matches!(
        store.update_draft(id, &edited).await,
        Err(StoreError::Conflict)
    ));
    let published = published(&store, "منتشرشده", 10).await;
    assert!(matches!(
        store.update_draft(published, &edited).await,
        Err(StoreError::Conflict)
    ));
    let stored = campaign_now(&store, id).await;
    assert_eq!(stored.text.title.as_ref(), "اصلاح");
}
