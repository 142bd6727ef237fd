//! Listings: filters, orders and paging by key.

use tomar_core::campaign::CampaignKind;
use tomar_core::ids::CampaignId;
use tomar_core::lifecycle::{Outcome, OutcomeKind, Transition};
use tomar_core::listing::{ListSort, ListStatus, Listing};
use tomar_core::moderation::{Actor, ModerationAction, ModerationEvent, Target};
use tomar_core::names::Hashtag;
use tomar_core::signature::ConfirmedSignature;
use tomar_store::{Confirmation, Store};

use crate::{line, new_campaign, now, published, sign, signer, today, transition};

conformance!(
    hashtags_list_public_campaigns_only,
    listings_filter_by_status_kind_category_and_hashtag,
    listings_sort_four_ways,
    listings_page_by_key_without_duplicates_or_gaps_while_campaigns_arrive,
);

async fn hashtags_list_public_campaigns_only(store: Store) {
    let open = published(&store, "باز", 10).await;
    let ended = published(&store, "تمام", -1).await;
    store
        .create_campaign(&new_campaign("پیش‌نویس", None, 10), now())
        .await
        .unwrap();
    let mut other = new_campaign("دیگر", None, 10);
    other.text.hashtag = Hashtag::parse("دیگر").unwrap();
    let other = store.create_campaign(&other, now()).await.unwrap();
    for step in [Transition::Submit, Transition::Approve] {
        transition(&store, other, step).await.unwrap();
    }
    sign(&store, ended, &[signer(1)]).await.unwrap();
    let tagged = store
        .campaigns_with_hashtag(&Hashtag::parse("#آزمایش").unwrap(), 10)
        .await
        .unwrap();
    assert_eq!(
        tagged.iter().map(|c| c.id).collect::<Vec<_>>(),
        [ended, open]
    );
}

async fn list(store: &Store, listing: &Listing) -> Vec<CampaignId> {
    let since = now()
        .checked_sub(jiff::SignedDuration::from_hours(24))
        .unwrap();
    store
        .list_campaigns(listing, today(), since)
        .await
        .unwrap()
        .iter()
        .map(|(c, _)| c.id)
        .collect()
}

fn listing(status: ListStatus, sort: ListSort) -> Listing {
    Listing {
        status,
        sort,
        limit: 50,
        ..Listing::default()
    }
}

async fn listings_filter_by_status_kind_category_and_hashtag(store: Store) {
    let open = published(&store, "باز", 10).await;
    let ended = published(&store, "پایان‌یافته", 10).await;
    transition(&store, ended, Transition::End).await.unwrap();
    let succeeded = published(&store, "موفق", 10).await;
    let event = ModerationEvent {
        actor: Actor::Platform,
        action: ModerationAction::SetOutcome(OutcomeKind::Succeeded),
        target: Target::Campaign(succeeded),
        note: None,
        at: now(),
    };
    let outcome = Outcome::Succeeded {
        news_url: "https://news.example/ok".into(),
    };
    store
        .set_outcome(succeeded, &outcome, &event, &[])
        .await
        .unwrap();
    let mut other = new_campaign("شکایت", None, 10);
    other.kind = CampaignKind::Complaint;
    other.category = Some(line("آب و خاک"));
    other.text.hashtag = Hashtag::parse("رود_پاک").unwrap();
    let complaint = store.create_campaign(&other, now()).await.unwrap();
    for step in [Transition::Submit, Transition::Approve] {
        transition(&store, complaint, step).await.unwrap();
    }
    store
        .create_campaign(&new_campaign("پیش‌نویس", None, 10), now())
        .await
        .unwrap();

    let mut all = list(&store, &listing(ListStatus::All, ListSort::New)).await;
    all.sort();
    assert_eq!(
        all,
        [open, ended, succeeded, complaint],
        "drafts are never listed"
    );
    let mut open_ones = list(&store, &listing(ListStatus::Open, ListSort::New)).await;
    open_ones.sort();
    assert_eq!(open_ones, [open, succeeded, complaint]);
    assert_eq!(
        list(&store, &listing(ListStatus::Ended, ListSort::New)).await,
        [ended]
    );
    assert_eq!(
        list(&store, &listing(ListStatus::Succeeded, ListSort::New)).await,
        [succeeded]
    );
    let by_kind = Listing {
        kind: Some(CampaignKind::Complaint),
        ..listing(ListStatus::All, ListSort::Top)
    };
    assert_eq!(list(&store, &by_kind).await, [complaint]);
    let by_category = Listing {
        category: Some(line("آب و خاک")),
        ..listing(ListStatus::All, ListSort::Top)
    };
    assert_eq!(list(&store, &by_category).await, [complaint]);
    let by_hashtag = Listing {
        hashtag: Some(Hashtag::parse("رود_پاک").unwrap()),
        ..listing(ListStatus::All, ListSort::Top)
    };
    assert_eq!(list(&store, &by_hashtag).await, [complaint]);
}

async fn listings_sort_four_ways(store: Store) {
    let few = published(&store, "کم", 30).await;
    let many = published(&store, "زیاد", 20).await;
    let soon = published(&store, "نزدیک", 5).await;
    let old: Vec<_> = (0..3).map(signer).collect();
    sign(&store, many, &old).await.unwrap();
    // Signatures confirmed two days ago count for "top" but not for "trending".
    let two_days_ago = now()
        .checked_sub(jiff::SignedDuration::from_hours(48))
        .unwrap();
    let stale: Vec<_> = (10..12)
        .map(|n| ConfirmedSignature {
            sealed_answers: None,
            confirmed_at: two_days_ago,
            ..signer(n)
        })
        .map(Confirmation::direct)
        .collect();
    store
        .add_confirmations(few, 1, &stale, two_days_ago)
        .await
        .unwrap();
    sign(&store, soon, &[signer(20)]).await.unwrap();

    assert_eq!(
        list(&store, &listing(ListStatus::Open, ListSort::Top)).await,
        [many, few, soon]
    );
    assert_eq!(
        list(&store, &listing(ListStatus::Open, ListSort::Trending)).await,
        [many, soon, few]
    );
    assert_eq!(
        list(&store, &listing(ListStatus::Open, ListSort::Ending)).await,
        [soon, many, few]
    );
    assert_eq!(
        list(&store, &listing(ListStatus::Open, ListSort::New)).await,
        [soon, many, few]
    );
    assert_eq!(store.totals().await.unwrap(), (3, 6));
}

async fn listings_page_by_key_without_duplicates_or_gaps_while_campaigns_arrive(store: Store) {
    let mut expected = Vec::new();
    for n in 0..5 {
        let id = published(&store, &format!("کارزار {n}"), 10).await;
        let signers: Vec<_> = (0..n % 3).map(|k| signer(n * 10 + k)).collect();
        sign(&store, id, &signers).await.unwrap();
        expected.push(id);
    }
    for sort in ListSort::ALL {
        let since = now()
            .checked_sub(jiff::SignedDuration::from_hours(24))
            .unwrap();
        let mut seen = Vec::new();
        let mut page = Listing {
            limit: 2,
            ..listing(ListStatus::All, sort)
        };
        loop {
            let items = store.list_campaigns(&page, today(), since).await.unwrap();
            if items.is_empty() {
                break;
            }
            seen.extend(items.iter().map(|(c, _)| c.id));
            page.after = items.last().map(|(_, cursor)| *cursor);
            // A campaign published while someone pages does not shift their pages.
            if seen.len() == 2 {
                published(&store, &format!("تازه {}", sort.name()), 10).await;
            }
        }
        let original: Vec<_> = seen.iter().filter(|id| expected.contains(id)).collect();
        assert_eq!(
            original.len(),
            expected.len(),
            "{sort:?}: no gaps: {seen:?}"
        );
        let mut unique = seen.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), seen.len(), "{sort:?}: no duplicates");
    }
}

/// PostgreSQL only, as only PostgreSQL has standbys: a store with a read replica reads the
/// public lists and counts from it, and everything else from the primary. The "replica"
/// here is a second, empty database, a standby that has not caught up, so whatever a read
/// finds says which database it asked.
#[tokio::test]
async fn public_lists_and_counts_come_from_the_read_replica_the_rest_from_the_primary() {
    use tomar_store::DatabaseUrl;
    use tomar_store::testing::{TempPostgres, postgres_server};

    let Some(server) = postgres_server() else {
        return;
    };
    let (primary, replica) = (
        TempPostgres::create(&server).await,
        TempPostgres::create(&server).await,
    );
    let primary_url = DatabaseUrl::parse(&primary.url).unwrap();
    let replica_url = DatabaseUrl::parse(&replica.url).unwrap();
    for url in [&primary_url, &replica_url] {
        Store::connect(url).await.unwrap().migrate().await.unwrap();
    }
    let store = Store::connect_with_replica(&primary_url, Some(&replica_url))
        .await
        .unwrap();
    let campaign = published(&store, "کارزار روی اصلی", 10).await;
    sign(&store, campaign, &[signer(1), signer(2)])
        .await
        .unwrap();

    assert_eq!(
        crate::campaign_now(&store, campaign).await.signature_count,
        2,
        "the campaign itself from the primary"
    );
    assert!(
        list(&store, &listing(ListStatus::All, ListSort::New))
            .await
            .is_empty(),
        "listings from the replica"
    );
    assert_eq!(store.totals().await.unwrap(), (0, 0), "totals too");
    assert!(
        store
            .signatures_page(campaign, None, 10)
            .await
            .unwrap()
            .is_empty(),
        "and the signature list"
    );
    assert!(store.signatures_by_day(campaign).await.unwrap().is_empty());

    // Listening is on the primary: a standby cannot, and would hear nothing.
    let writer = Store::connect(&primary_url).await.unwrap();
    // The store's own signing above left it a signal; take it first.
    let own = tokio::time::timeout(std::time::Duration::from_secs(5), store.count_moved());
    own.await.unwrap();
    let relay = store.clone();
    let relaying = tokio::spawn(async move { relay.relay_notifications().await });
    let mut heard = false;
    for n in 3..40 {
        sign(&writer, campaign, &[signer(n)]).await.unwrap();
        let wait = tokio::time::timeout(std::time::Duration::from_millis(250), store.count_moved());
        if wait.await.is_ok() {
            heard = true;
            break;
        }
    }
    assert!(heard, "the store with a replica hears the primary");
    relaying.abort();
    for store in [store, writer] {
        if let Store::Postgres(pg) = store {
            pg.close().await;
        }
    }
    primary.drop_database().await;
    replica.drop_database().await;
}
