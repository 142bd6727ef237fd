//! Persian search, on both indexes.

use tomar_core::body::LetterBody;
use tomar_core::campaign::Addressee;
use tomar_core::ids::CampaignId;
use tomar_core::lifecycle::Transition;
use tomar_core::moderation::{Actor, ModerationAction, ModerationEvent, Target};
use tomar_core::names::Hashtag;
use tomar_core::search::SearchQuery;
use tomar_store::Store;

use crate::{line, new_campaign, now, publish, transition};

conformance!(
    persian_search_folds_letters_digits_and_joiners_and_ranks_titles_first,
    search_follows_edits_and_revisions,
    a_compound_is_found_however_its_parts_are_written,
);

/// `کتاب خانه`, `کتاب‌خانه` and `کتابخانه` are one word written three ways: a query typed
/// with a space finds a document written with a joiner or joined, and a query written
/// joined or with a joiner finds a document that spaced it.
async fn a_compound_is_found_however_its_parts_are_written(store: Store) {
    let mut joined = new_campaign("بازگشایی کتابخانه محله", None, 10);
    joined.text.body = LetterBody::parse("آتش‌نشانی و اطلاع رسانی").unwrap();
    let joined = publish(&store, joined).await;
    let mut spaced = new_campaign("ایستگاه آتش نشانی نیک آباد", None, 10);
    spaced.text.body = LetterBody::parse("نامه").unwrap();
    let spaced = publish(&store, spaced).await;

    for (query, expected) in [
        ("کتاب خانه", vec![joined]),
        ("کتاب‌خانه", vec![joined]),
        ("کتابخانه", vec![joined]),
        ("اطلاع رسانی", vec![joined]),
        ("نیک آباد", vec![spaced]),
        ("نیک‌آباد", vec![spaced]),
        ("نیکاباد", vec![spaced]),
    ] {
        assert_eq!(found(&store, query).await, expected, "{query}");
    }
    for written in ["آتش نشانی", "آتش‌نشانی", "آتشنشانی"] {
        let mut fires = found(&store, written).await;
        fires.sort();
        assert_eq!(fires, [joined, spaced], "{written}: apart or together");
    }
    let mut news = new_campaign("اطلاع رسانی قطعی آب", None, 10);
    news.text.body = LetterBody::parse("نامه").unwrap();
    let news = publish(&store, news).await;
    let mut informing = found(&store, "اطلاع‌رسانی").await;
    informing.sort();
    assert_eq!(informing, [joined, news], "a spaced title, a spaced body");
    assert!(found(&store, "کتاب خانه آتش").await.contains(&joined));
}

async fn found(store: &Store, query: &str) -> Vec<CampaignId> {
    let query = SearchQuery::parse(query).unwrap();
    store
        .search(&query, 20)
        .await
        .unwrap()
        .iter()
        .map(|c| c.id)
        .collect()
}

async fn persian_search_folds_letters_digits_and_joiners_and_ranks_titles_first(store: Store) {
    let mut library = new_campaign("کارزار بازگشایی کتابخانه", None, 10);
    library.text.body = LetterBody::parse("ما می‌خواهم‌ها از سال ۱۴۰۳ منتظریم.").unwrap();
    library.text.hashtag = Hashtag::parse("کتابخانه_باز").unwrap();
    let library = publish(&store, library).await;
    let mut water = new_campaign("آب آشامیدنی سالم", None, 10);
    water.text.body = LetterBody::parse("کتاب‌های درسی را هم بفرستید.").unwrap();
    water.text.addressees = vec![Addressee {
        name: line("شهردار منطقه"),
        position: line("شهرداری"),
    }];
    let water = publish(&store, water).await;
    let mut hidden = new_campaign("کتابخانهٔ پنهان", None, 10);
    hidden.text.body = LetterBody::parse("پیش‌نویس").unwrap();
    store.create_campaign(&hidden, now()).await.unwrap();

    assert_eq!(
        found(&store, "كارزار").await,
        [library],
        "Arabic kaf and yeh"
    );
    assert_eq!(found(&store, "1403").await, [library], "Persian digits");
    assert_eq!(
        found(&store, "میخواهم").await,
        [library],
        "zero-width non-joiner"
    );
    assert_eq!(found(&store, "شهردار").await, [water], "addressees");
    assert_eq!(
        found(&store, "کتاب").await,
        [library, water],
        "the title outranks the body"
    );
    assert_eq!(
        found(&store, "کتاب سالم").await,
        [water],
        "every word must match"
    );
    assert!(
        found(&store, "پنهان").await.is_empty(),
        "drafts are not searched"
    );
    assert!(found(&store, "\"*) OR 1=1 --").await.is_empty());
    assert_eq!(store.index_missing_campaigns().await.unwrap(), 0);
}

async fn search_follows_edits_and_revisions(store: Store) {
    let draft = store
        .create_campaign(&new_campaign("نخستین نسخه", None, 10), now())
        .await
        .unwrap();
    store
        .update_draft(draft, &new_campaign("نسخهٔ ویراسته", None, 10))
        .await
        .unwrap();
    for step in [Transition::Submit, Transition::Approve] {
        transition(&store, draft, step).await.unwrap();
    }
    assert_eq!(found(&store, "ویراسته").await, [draft]);
    assert!(found(&store, "نخستین").await.is_empty());
    let revised = new_campaign("نسخهٔ بازنگری‌شده", None, 10).text;
    store.propose_text(draft, &revised, now()).await.unwrap();
    assert!(
        found(&store, "بازنگری").await.is_empty(),
        "not before approval"
    );
    let event = ModerationEvent {
        actor: Actor::Platform,
        action: ModerationAction::ApproveText,
        target: Target::Campaign(draft),
        note: None,
        at: now(),
    };
    store.review_text(draft, true, &event).await.unwrap();
    assert_eq!(found(&store, "بازنگری").await, [draft]);
}
