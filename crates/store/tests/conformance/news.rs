//! News links and updates.

use tomar_core::body::LetterBody;
use tomar_core::moderation::{Actor, ModerationAction, ModerationEvent, Target};
use tomar_core::news::{NewNewsLink, NewsStatus};
use tomar_core::update::{NewUpdate, UpdateAuthor};
use tomar_store::{Store, StoreError};

use crate::{bodies, line, message, now, published};

conformance!(
    news_links_wait_for_review_and_are_unique,
    updates_list_newest_first,
    pending_news_links_are_listed_across_campaigns,
);

async fn news_links_wait_for_review_and_are_unique(store: Store) {
    let id = published(&store, "خبر", 10).await;
    let link = |url: &str| NewNewsLink {
        campaign_id: id,
        url: url.into(),
        title: line("عنوان خبر"),
        source_host: "news.example".into(),
        submitter_name: None,
        client_key: None,
        at: now(),
    };
    let first = store
        .add_news_link(&link("https://news.example/a"))
        .await
        .unwrap();
    let second = store
        .add_news_link(&link("https://news.example/b"))
        .await
        .unwrap();
    let again = store.add_news_link(&link("https://news.example/a")).await;
    assert!(matches!(again, Err(StoreError::DuplicateNewsLink)));
    assert!(
        store
            .news_links(id, NewsStatus::Approved)
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        store
            .news_links(id, NewsStatus::Pending)
            .await
            .unwrap()
            .len(),
        2
    );

    for (link, status) in [
        (first, NewsStatus::Approved),
        (second, NewsStatus::Approved),
    ] {
        let event = ModerationEvent {
            actor: Actor::Platform,
            action: ModerationAction::Approve,
            target: Target::NewsLink(link),
            note: None,
            at: now(),
        };
        store.review_news_link(link, status, &event).await.unwrap();
    }
    let approved = store.news_links(id, NewsStatus::Approved).await.unwrap();
    assert_eq!(
        approved.iter().map(|l| l.id).collect::<Vec<_>>(),
        [second, first]
    );
    assert_eq!(approved[0].source_host, "news.example");
    assert_eq!(
        store
            .moderation_events(Target::NewsLink(first))
            .await
            .unwrap()
            .len(),
        1
    );
}

async fn updates_list_newest_first(store: Store) {
    let id = published(&store, "به‌روزرسانی", 10).await;
    for (title, author) in [
        ("اول", UpdateAuthor::CampaignAuthor),
        ("دوم", UpdateAuthor::Platform),
    ] {
        let update = NewUpdate {
            campaign_id: id,
            author,
            title: line(title),
            body: LetterBody::parse("متن").unwrap(),
            at: now(),
        };
        // Each update's news goes out in the same transaction as the update.
        store.add_update(&update, &[message(title)]).await.unwrap();
    }
    let queued = store.claim_due_messages(now(), now(), 10).await.unwrap();
    assert_eq!(bodies(&queued), ["اول", "دوم"]);
    let updates = store.updates(id).await.unwrap();
    let titles: Vec<_> = updates.iter().map(|u| u.title.as_ref()).collect();
    assert_eq!(titles, ["دوم", "اول"]);
    assert_eq!(updates[0].author, UpdateAuthor::Platform);
}

async fn pending_news_links_are_listed_across_campaigns(store: Store) {
    let first = published(&store, "یکم", 10).await;
    let second = published(&store, "دوم", 10).await;
    let mut ids = Vec::new();
    for (campaign, url) in [
        (first, "https://a.example/1"),
        (second, "https://b.example/2"),
    ] {
        let link = NewNewsLink {
            campaign_id: campaign,
            url: url.into(),
            title: line("خبر"),
            source_host: "example".into(),
            submitter_name: None,
            client_key: None,
            at: now(),
        };
        ids.push(store.add_news_link(&link).await.unwrap());
    }
    let event = ModerationEvent {
        actor: Actor::Platform,
        action: ModerationAction::Approve,
        target: Target::NewsLink(ids[0]),
        note: None,
        at: now(),
    };
    store
        .review_news_link(ids[0], NewsStatus::Approved, &event)
        .await
        .unwrap();
    let pending: Vec<_> = store
        .pending_news_links(10)
        .await
        .unwrap()
        .iter()
        .map(|l| (l.id, l.campaign_id))
        .collect();
    assert_eq!(pending, [(ids[1], second)]);
}
