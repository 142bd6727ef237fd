//! Campaign pictures, on both backends.

use tomar_core::image::{CampaignImage, ImageSize, ImageVersion};
use tomar_core::lifecycle::Transition;
use tomar_store::{Store, StoreError};

use crate::{campaign_now, new_campaign, now, published, transition};

conformance!(
    a_picture_is_versioned_and_changes_only_before_review,
    uploads_at_once_each_get_their_own_version,
);

fn picture(mark: u8) -> CampaignImage {
    CampaignImage {
        wide: vec![0xFF, 0xD8, mark, 1],
        card: vec![0xFF, 0xD8, mark, 2],
    }
}

async fn a_picture_is_versioned_and_changes_only_before_review(store: Store) {
    let draft = store
        .create_campaign(&new_campaign("با تصویر", None, 10), now())
        .await
        .unwrap();
    assert_eq!(campaign_now(&store, draft).await.image, None);
    let first = store.set_campaign_image(draft, &picture(1)).await.unwrap();
    assert_eq!(first, ImageVersion(1));
    let second = store.set_campaign_image(draft, &picture(2)).await.unwrap();
    assert_eq!(second, ImageVersion(2));
    assert_eq!(campaign_now(&store, draft).await.image, Some(second));
    let card = store
        .campaign_image(draft, second, ImageSize::Card)
        .await
        .unwrap();
    assert_eq!(card, Some(picture(2).card));
    assert_eq!(
        store
            .campaign_image(draft, first, ImageSize::Wide)
            .await
            .unwrap(),
        None,
        "an old version is gone"
    );
    store.remove_campaign_image(draft).await.unwrap();
    assert_eq!(campaign_now(&store, draft).await.image, None);
    assert_eq!(
        store
            .campaign_image(draft, second, ImageSize::Wide)
            .await
            .unwrap(),
        None
    );
    let again = store.set_campaign_image(draft, &picture(3)).await.unwrap();
    assert_eq!(again, ImageVersion(1), "a fresh picture after a removal");

    // In review and once public, the picture is what the moderators saw.
    transition(&store, draft, Transition::Submit).await.unwrap();
    assert!(matches!(
        store.set_campaign_image(draft, &picture(4)).await,
        Err(StoreError::Conflict)
    ));
    let public = published(&store, "منتشرشده", 10).await;
    assert!(matches!(
        store.set_campaign_image(public, &picture(5)).await,
        Err(StoreError::Conflict)
    ));
    assert!(matches!(
        store.remove_campaign_image(draft).await,
        Err(StoreError::Conflict)
    ));
    assert_eq!(campaign_now(&store, draft).await.image, Some(again));
    let queue = store.review_queue(10).await.unwrap();
    let (card, _) = queue.iter().find(|(c, _)| c.id == draft).unwrap();
    assert_eq!(card.image, Some(again), "cards know the picture too");
}

async fn uploads_at_once_each_get_their_own_version(store: Store) {
    let draft = store
        .create_campaign(&new_campaign("بارگذاری هم‌زمان", None, 10), now())
        .await
        .unwrap();
    let uploads = (0..50u8).map(|n| {
        let store = store.clone();
        tokio::spawn(async move { store.set_campaign_image(draft, &picture(n)).await })
    });
    let mut versions: Vec<i64> = Vec::new();
    for upload in uploads {
        versions.push(upload.await.unwrap().unwrap().0);
    }
    versions.sort();
    assert_eq!(versions, (1..=50).collect::<Vec<_>>(), "no version twice");
    let current = campaign_now(&store, draft).await.image.unwrap();
    assert_eq!(current, ImageVersion(50));
    assert!(
        store
            .campaign_image(draft, current, ImageSize::Wide)
            .await
            .unwrap()
            .is_some(),
        "the row holds the version the campaign names"
    );
}
