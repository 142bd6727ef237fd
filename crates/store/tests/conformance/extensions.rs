//! Extending open campaigns' end dates after an outage, on both backends.

use jiff::ToSpan;
use tomar_core::Date;
use tomar_core::extension::EndDateExtension;
use tomar_core::ids::CampaignId;
use tomar_core::moderation::{Actor, ModerationAction, Target};
use tomar_store::Store;

use crate::{campaign_now, line, new_campaign, now, published, today};

conformance!(
    every_open_campaign_gains_the_days_once_and_says_why,
    twenty_admins_extending_for_one_outage_at_once_extend_once,
);

fn outage(days_ago: i32, days: u32) -> EndDateExtension {
    EndDateExtension {
        outage_on: today().checked_sub(days_ago.days()).unwrap(),
        days,
        reason: line("قطعی سرور در روز رأی‌گیری"),
    }
}

async fn end_of(store: &Store, id: CampaignId) -> Date {
    campaign_now(store, id).await.end_date
}

async fn every_open_campaign_gains_the_days_once_and_says_why(store: Store) {
    let in_ten = published(&store, "ده روز", 10).await;
    let also_ten = published(&store, "باز هم ده روز", 10).await;
    // Ten plus two is where this one ends now: it must move once, not twice.
    let in_twelve = published(&store, "دوازده روز", 12).await;
    let last_day = published(&store, "روز آخر", 0).await;
    let ended = published(&store, "پایان‌یافته", -1).await;
    let draft = store
        .create_campaign(&new_campaign("پیش‌نویس", None, 10), now())
        .await
        .unwrap();
    let before = |days: i32| today().checked_add(days.days()).unwrap();

    let extension = outage(1, 2);
    let moved = store
        .extend_open_campaigns(&extension, Actor::Platform, today(), now())
        .await
        .unwrap();
    assert_eq!(moved, Some(4));
    for (id, end) in [
        (in_ten, before(12)),
        (also_ten, before(12)),
        (in_twelve, before(14)),
        (last_day, before(2)),
        (ended, before(-1)),
        (draft, before(10)),
    ] {
        assert_eq!(end_of(&store, id).await, end, "{id}");
    }
    assert_eq!(
        campaign_now(&store, in_ten).await.extension,
        Some(extension.clone())
    );
    assert_eq!(campaign_now(&store, ended).await.extension, None);
    let events = store
        .moderation_events(Target::Campaign(in_twelve))
        .await
        .unwrap();
    let last = &events.last().unwrap().event;
    assert_eq!(last.action, ModerationAction::ExtendEndDate);
    assert_eq!(last.note.as_deref(), Some("قطعی سرور در روز رأی‌گیری"));

    // The same outage again, even for more days: nothing moves.
    let again = store
        .extend_open_campaigns(&outage(1, 5), Actor::Platform, today(), now())
        .await
        .unwrap();
    assert_eq!(again, None);
    assert_eq!(end_of(&store, in_ten).await, before(12));
    // Another outage adds its own days, and its reason shows.
    let later = outage(0, 1);
    store
        .extend_open_campaigns(&later, Actor::Platform, today(), now())
        .await
        .unwrap();
    assert_eq!(end_of(&store, in_ten).await, before(13));
    assert_eq!(campaign_now(&store, in_ten).await.extension, Some(later));
}

async fn twenty_admins_extending_for_one_outage_at_once_extend_once(store: Store) {
    let id = published(&store, "هم‌زمان", 10).await;
    let attempts: Vec<_> = (0..20)
        .map(|_| {
            let store = store.clone();
            tokio::spawn(async move {
                store
                    .extend_open_campaigns(&outage(2, 3), Actor::Platform, today(), now())
                    .await
            })
        })
        .collect();
    let mut extended = 0;
    for attempt in attempts {
        if attempt.await.unwrap().unwrap().is_some() {
            extended += 1;
        }
    }
    assert_eq!(extended, 1);
    assert_eq!(
        end_of(&store, id).await,
        today().checked_add(13.days()).unwrap()
    );
}
