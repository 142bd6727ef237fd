//! Comments, replies and reports.

use tomar_core::comment::{CommentStatus, Flagger};
use tomar_core::ids::{CommentId, MemberId};
use tomar_core::moderation::{Actor, ModerationAction, ModerationEvent, Target};
use tomar_store::{Store, StoreError};

use crate::{comment, now, published};

conformance!(
    comments_thread_one_level_deep,
    replies_must_answer_a_top_level_comment_of_the_same_campaign,
    reports_count_once_per_flagger_and_hide_until_reviewed,
    a_hundred_reports_at_once_from_one_network_count_once,
);

async fn comments_thread_one_level_deep(store: Store) {
    let id = published(&store, "گفتگو", 10).await;
    let first = store
        .add_comment(&comment(id, None, Some("مریم"), "نخست"))
        .await
        .unwrap();
    let second = store
        .add_comment(&comment(id, None, None, "ناشناس"))
        .await
        .unwrap();
    let reply = store
        .add_comment(&comment(id, Some(first), Some("رضا"), "پاسخ"))
        .await
        .unwrap();
    let threads = store.comment_threads(id, None, 10).await.unwrap();
    assert_eq!(
        threads.iter().map(|t| t.comment.id).collect::<Vec<_>>(),
        [second, first]
    );
    assert_eq!(threads[0].comment.name, None);
    assert!(threads[0].replies.is_empty());
    assert_eq!(
        threads[1].replies.iter().map(|r| r.id).collect::<Vec<_>>(),
        [reply]
    );
    assert_eq!(threads[1].replies[0].status, CommentStatus::Visible);
    let newest_only = store.comment_threads(id, None, 1).await.unwrap();
    assert_eq!(newest_only.len(), 1);
    assert_eq!(newest_only[0].comment.id, second);
    // The next page starts below the last thread shown, with its replies.
    let older = store.comment_threads(id, Some(second), 1).await.unwrap();
    assert_eq!(older.len(), 1);
    assert_eq!((older[0].comment.id, older[0].replies.len()), (first, 1));
    assert!(
        store
            .comment_threads(id, Some(first), 1)
            .await
            .unwrap()
            .is_empty()
    );
}

async fn replies_must_answer_a_top_level_comment_of_the_same_campaign(store: Store) {
    let id = published(&store, "یک", 10).await;
    let other = published(&store, "دو", 10).await;
    let top = store
        .add_comment(&comment(id, None, None, "سلام"))
        .await
        .unwrap();
    let reply = store
        .add_comment(&comment(id, Some(top), None, "پاسخ"))
        .await
        .unwrap();
    for bad in [
        comment(id, Some(reply), None, "پاسخ به پاسخ"),
        comment(other, Some(top), None, "از کارزار دیگر"),
        comment(id, Some(CommentId(9999)), None, "بی‌پدر"),
    ] {
        assert!(matches!(
            store.add_comment(&bad).await,
            Err(StoreError::InvalidParent)
        ));
    }
    let threads = store.comment_threads(id, None, 10).await.unwrap();
    assert_eq!(threads.len(), 1);
    assert_eq!(threads[0].replies.len(), 1);
}

async fn reports_count_once_per_flagger_and_hide_until_reviewed(store: Store) {
    let id = published(&store, "پرچم", 10).await;
    let target = store
        .add_comment(&comment(id, None, None, "نظر بحث‌برانگیز"))
        .await
        .unwrap();
    let calm = store
        .add_comment(&comment(id, None, None, "نظر آرام"))
        .await
        .unwrap();
    let network = |name: &str| Flagger::Network(name.into());
    assert!(
        store
            .flag_comment(target, &network("a"), 2, now())
            .await
            .unwrap()
    );
    assert!(
        !store
            .flag_comment(target, &network("a"), 2, now())
            .await
            .unwrap(),
        "once per network"
    );
    let flagged = store.comment(target).await.unwrap().unwrap();
    assert_eq!(flagged.status, CommentStatus::Visible);
    assert_eq!((flagged.flags.networks, flagged.flags.members), (1, 0));
    let member = Flagger::Member(MemberId(7));
    assert!(store.flag_comment(target, &member, 2, now()).await.unwrap());
    let hidden = store.comment(target).await.unwrap().unwrap();
    assert_eq!(hidden.status, CommentStatus::Hidden);
    assert_eq!((hidden.flags.networks, hidden.flags.members), (1, 1));
    store
        .flag_comment(calm, &network("a"), 2, now())
        .await
        .unwrap();
    let listed: Vec<_> = store
        .flagged_comments(10)
        .await
        .unwrap()
        .iter()
        .map(|c| c.id)
        .collect();
    assert_eq!(listed, [target, calm], "most-flagged first");

    let restore = ModerationEvent {
        actor: Actor::Platform,
        action: ModerationAction::Restore,
        target: Target::Comment(target),
        note: Some("نقدی است، نه توهین".into()),
        at: now(),
    };
    store
        .review_comment(target, CommentStatus::Visible, &restore)
        .await
        .unwrap();
    // Reviewed: more flags count but no longer hide it, and it leaves the list.
    assert!(
        store
            .flag_comment(target, &network("c"), 2, now())
            .await
            .unwrap()
    );
    let restored = store.comment(target).await.unwrap().unwrap();
    assert_eq!(restored.status, CommentStatus::Visible);
    assert_eq!(restored.flags.total(), 3);
    let listed: Vec<_> = store
        .flagged_comments(10)
        .await
        .unwrap()
        .iter()
        .map(|c| c.id)
        .collect();
    assert_eq!(listed, [calm]);
    assert_eq!(
        store
            .moderation_events(Target::Comment(target))
            .await
            .unwrap()
            .into_iter()
            .map(|e| e.event)
            .collect::<Vec<_>>(),
        [restore]
    );
    assert!(matches!(
        store
            .flag_comment(CommentId(999_999), &network("a"), 2, now())
            .await,
        Err(StoreError::MissingReference | StoreError::Conflict)
    ));
    assert!(store.comment(CommentId(999_999)).await.unwrap().is_none());
}

async fn a_hundred_reports_at_once_from_one_network_count_once(store: Store) {
    let id = published(&store, "گزارش همزمان", 10).await;
    let target = store
        .add_comment(&comment(id, None, None, "نظر"))
        .await
        .unwrap();
    let tasks: Vec<_> = (0..100)
        .map(|_| {
            let store = store.clone();
            tokio::spawn(async move {
                let carrier = Flagger::Network("carrier".into());
                store
                    .flag_comment(target, &carrier, 3, now())
                    .await
                    .unwrap()
            })
        })
        .collect();
    let mut counted = 0;
    for task in tasks {
        counted += usize::from(task.await.unwrap());
    }
    assert_eq!(counted, 1);
    let reported = store.comment(target).await.unwrap().unwrap();
    assert_eq!(reported.flags.total(), 1);
    assert_eq!(reported.status, CommentStatus::Visible);
}
