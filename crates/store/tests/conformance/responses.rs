//! Deliveries and addressees' answers, on both backends.

use jiff::ToSpan;
use tomar_core::ids::CampaignId;
use tomar_core::lifecycle::{Outcome, OutcomeKind};
use tomar_core::moderation::{Actor, ModerationAction, ModerationEvent, Target};
use tomar_core::news::NewsUrl;
use tomar_core::response::{AddresseeResponse, ResponseSummary};
use tomar_core::{Date, Timestamp};
use tomar_store::{Store, StoreError};

use crate::{campaign_now, now, published, today};

conformance!(
    a_delivery_is_remembered_from_its_first_day_and_forgotten_when_undone,
    an_answer_is_recorded_only_for_a_delivered_campaign_and_can_be_corrected,
    the_waiting_come_longest_waiting_first_and_the_deliveries_newest_first,
    a_hundred_moderators_recording_at_once_leave_one_answer_and_a_hundred_events,
    an_addressees_link_opens_until_it_is_used_or_expires,
    twenty_answers_through_one_link_at_once_keep_one,
);

fn event(id: CampaignId, action: ModerationAction, at: Timestamp) -> ModerationEvent {
    ModerationEvent {
        actor: Actor::Platform,
        action,
        target: Target::Campaign(id),
        note: None,
        at,
    }
}

async fn set(store: &Store, id: CampaignId, outcome: Outcome, at: Timestamp) {
    let action = ModerationAction::SetOutcome(outcome.kind());
    store
        .set_outcome(id, &outcome, &event(id, action, at), &[])
        .await
        .unwrap();
}

fn answer(summary: &str, on: Date) -> AddresseeResponse {
    AddresseeResponse {
        answered_on: on,
        summary: ResponseSummary::parse(summary).unwrap(),
        official_url: Some(NewsUrl::parse("https://gov.example/answer").unwrap()),
    }
}

async fn record(
    store: &Store,
    id: CampaignId,
    response: &AddresseeResponse,
) -> Result<(), StoreError> {
    let recorded = event(id, ModerationAction::RecordResponse, now());
    store.record_response(id, response, &recorded).await
}

async fn a_delivery_is_remembered_from_its_first_day_and_forgotten_when_undone(store: Store) {
    let id = published(&store, "تحویل", 30).await;
    assert_eq!(campaign_now(&store, id).await.delivered_at, None);
    set(&store, id, Outcome::Delivered, now()).await;
    assert_eq!(campaign_now(&store, id).await.delivered_at, Some(now()));

    // Marked delivered again, then on the follow-up list: still delivered on the first day.
    let later = now() + 3.hours();
    set(&store, id, Outcome::Delivered, later).await;
    set(&store, id, Outcome::SpecialFollowUp, later).await;
    let campaign = campaign_now(&store, id).await;
    assert_eq!(campaign.delivered_at, Some(now()));
    assert_eq!(campaign.outcome.kind(), OutcomeKind::SpecialFollowUp);

    set(&store, id, Outcome::None, later).await;
    assert_eq!(campaign_now(&store, id).await.delivered_at, None);
}

async fn an_answer_is_recorded_only_for_a_delivered_campaign_and_can_be_corrected(store: Store) {
    let id = published(&store, "پاسخ", 30).await;
    let first = answer("وزارت پاسخ داد: در دست بررسی است.", today());
    assert!(matches!(
        record(&store, id, &first).await,
        Err(StoreError::Conflict)
    ));
    assert_eq!(campaign_now(&store, id).await.response, None);
    let missing = record(&store, CampaignId(9999), &first).await;
    assert!(matches!(missing, Err(StoreError::Conflict)));

    set(&store, id, Outcome::Delivered, now()).await;
    record(&store, id, &first).await.unwrap();
    assert_eq!(campaign_now(&store, id).await.response, Some(first));

    // A corrected answer, without a link, replaces it.
    let corrected = AddresseeResponse {
        official_url: None,
        ..answer("وزارت پاسخ داد و پذیرفت.", today())
    };
    record(&store, id, &corrected).await.unwrap();
    let campaign = campaign_now(&store, id).await;
    assert_eq!(campaign.response, Some(corrected));
    let events = store.moderation_events(Target::Campaign(id)).await.unwrap();
    let recorded = events
        .iter()
        .filter(|e| e.event.action == ModerationAction::RecordResponse)
        .count();
    assert_eq!(recorded, 2);

    // Cards carry the day it was answered.
    let delivered = store.recent_deliveries(10).await.unwrap();
    assert_eq!(delivered.len(), 1);
    assert_eq!(delivered[0].campaign.answered_on, Some(today()));
}

async fn the_waiting_come_longest_waiting_first_and_the_deliveries_newest_first(store: Store) {
    let mut ids = Vec::new();
    for (n, hours_ago) in [(1, 48), (2, 96), (3, 24), (4, 72)] {
        let id = published(&store, &format!("کارزار {n}"), 30).await;
        set(&store, id, Outcome::Delivered, now() - hours_ago.hours()).await;
        ids.push(id);
    }
    let never = published(&store, "تحویل‌نشده", 30).await;
    // The one delivered 48 hours ago is answered.
    record(&store, ids[0], &answer("پاسخ", today()))
        .await
        .unwrap();

    let waiting: Vec<CampaignId> = store
        .awaiting_response(10)
        .await
        .unwrap()
        .iter()
        .map(|d| d.campaign.id)
        .collect();
    assert_eq!(waiting, [ids[1], ids[3], ids[2]]);
    let first_two = store.awaiting_response(2).await.unwrap();
    assert_eq!(first_two.len(), 2);
    assert_eq!(first_two[0].delivered_at, now() - 96.hours());

    let recent: Vec<CampaignId> = store
        .recent_deliveries(10)
        .await
        .unwrap()
        .iter()
        .map(|d| d.campaign.id)
        .collect();
    assert_eq!(recent, [ids[2], ids[0], ids[3], ids[1]]);
    assert!(!recent.contains(&never));
}

async fn a_hundred_moderators_recording_at_once_leave_one_answer_and_a_hundred_events(
    store: Store,
) {
    let id = published(&store, "هم‌زمان", 30).await;
    set(&store, id, Outcome::Delivered, now()).await;
    let attempts: Vec<_> = (0..100)
        .map(|n| {
            let store = store.clone();
            tokio::spawn(async move {
                record(&store, id, &answer(&format!("پاسخ {n}"), today())).await
            })
        })
        .collect();
    for attempt in attempts {
        attempt.await.unwrap().unwrap();
    }
    let response = campaign_now(&store, id).await.response.unwrap();
    assert!(response.summary.as_ref().starts_with("پاسخ "));
    let events = store.moderation_events(Target::Campaign(id)).await.unwrap();
    let recorded = events
        .iter()
        .filter(|e| e.event.action == ModerationAction::RecordResponse)
        .count();
    assert_eq!(recorded, 100);
}

async fn an_addressees_link_opens_until_it_is_used_or_expires(store: Store) {
    let id = published(&store, "پاسخ خودشان", 30).await;
    let week = now()
        .checked_add(jiff::SignedDuration::from_hours(24 * 7))
        .unwrap();
    assert!(
        matches!(
            store
                .create_addressee_link(
                    id,
                    "h-early",
                    week,
                    &event(id, ModerationAction::MakeAddresseeLink, now())
                )
                .await,
            Err(StoreError::Conflict)
        ),
        "not before the campaign is delivered"
    );
    set(&store, id, Outcome::Delivered, now()).await;
    store
        .create_addressee_link(
            id,
            "h-1",
            week,
            &event(id, ModerationAction::MakeAddresseeLink, now()),
        )
        .await
        .unwrap();
    store
        .create_addressee_link(
            id,
            "h-old",
            now(),
            &event(id, ModerationAction::MakeAddresseeLink, now()),
        )
        .await
        .unwrap();
    assert_eq!(
        store.open_addressee_link("h-1", now()).await.unwrap(),
        Some(id)
    );
    assert_eq!(
        store.open_addressee_link("h-old", now()).await.unwrap(),
        None,
        "expired"
    );
    assert_eq!(
        store.open_addressee_link("h-none", now()).await.unwrap(),
        None
    );
    assert_eq!(store.submitted_answer(id).await.unwrap(), None);

    let sent = answer("وزارت پاسخ داد که طرح بازبینی می‌شود.", today());
    assert_eq!(
        store
            .submit_addressee_answer("h-1", &sent, now())
            .await
            .unwrap(),
        id
    );
    assert_eq!(
        store.open_addressee_link("h-1", now()).await.unwrap(),
        None,
        "spent"
    );
    assert!(matches!(
        store.submit_addressee_answer("h-old", &sent, now()).await,
        Err(StoreError::Conflict)
    ));
    assert_eq!(
        store.submitted_answer(id).await.unwrap(),
        Some(tomar_store::SubmittedAnswer {
            response: sent.clone(),
            submitted_at: now()
        })
    );
    assert_eq!(
        campaign_now(&store, id).await.response,
        None,
        "not shown until recorded"
    );
    let waiting = store.answers_waiting(10).await.unwrap();
    assert_eq!(
        waiting
            .iter()
            .map(|(c, at)| (c.id, *at))
            .collect::<Vec<_>>(),
        [(id, now())],
        "the moderators' queue lists it"
    );
    record(&store, id, &sent).await.unwrap();
    assert_eq!(campaign_now(&store, id).await.response, Some(sent));
    assert_eq!(
        store.submitted_answer(id).await.unwrap(),
        None,
        "decided by the recording"
    );
    assert!(store.answers_waiting(10).await.unwrap().is_empty());
}

async fn twenty_answers_through_one_link_at_once_keep_one(store: Store) {
    let id = published(&store, "یک بار", 30).await;
    set(&store, id, Outcome::Delivered, now()).await;
    let week = now()
        .checked_add(jiff::SignedDuration::from_hours(24 * 7))
        .unwrap();
    store
        .create_addressee_link(
            id,
            "h-once",
            week,
            &event(id, ModerationAction::MakeAddresseeLink, now()),
        )
        .await
        .unwrap();
    let sends: Vec<_> = (0..20)
        .map(|n| {
            let store = store.clone();
            let sent = answer(&format!("پاسخ شمارهٔ {n}"), today());
            tokio::spawn(async move { store.submit_addressee_answer("h-once", &sent, now()).await })
        })
        .collect();
    let mut kept = 0;
    for send in sends {
        match send.await.unwrap() {
            Ok(campaign) => {
                assert_eq!(campaign, id);
                kept += 1;
            }
            Err(StoreError::Conflict) => {}
            Err(other) => panic!("{other}"),
        }
    }
    assert_eq!(kept, 1);
    assert!(store.submitted_answer(id).await.unwrap().is_some());
}
