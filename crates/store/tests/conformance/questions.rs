//! A campaign's extra questions, and its signers' sealed answers: kept with the code, then
//! with the signature, and gone with a withdrawal or the campaign's anonymisation.

use tomar_core::ids::CampaignId;
use tomar_core::lifecycle::Transition;
use tomar_core::names::{CampaignRef, Line};
use tomar_core::questions::{Asks, MAX_LABEL, Question, Questions, Wording};
use tomar_core::signature::ConfirmedSignature;
use tomar_core::verification::NewVerification;
use tomar_store::{Confirmed, Store, StoreError};

use crate::{
    campaign_now, new_campaign, new_verification, now, published, queue_code, sign, signer, today,
    transition, typed_for, verification_id, withdraw,
};

conformance!(
    questions_are_kept_in_their_order_in_both_languages_and_replaced_whole,
    answers_go_from_the_code_to_the_signature_and_only_there,
    answers_go_with_a_withdrawal_and_with_the_campaigns_anonymisation,
    public_totals_are_due_when_never_counted_or_moved_since_and_replaced_whole,
);

fn wording(fa: &str, en: Option<&str>) -> Wording {
    Wording {
        fa: Line::parse(fa, MAX_LABEL).unwrap(),
        en: en.map(|en| Line::parse(en, MAX_LABEL).unwrap()),
    }
}

fn city_work_and_street() -> Questions {
    Questions::new(vec![
        Question {
            wording: wording("شهر", Some("City")),
            asks: Asks::OneOf(vec![
                wording("تهران", Some("Tehran")),
                wording("تبریز", None),
                wording("شیراز", Some("Shiraz")),
            ]),
            required: true,
            totals_public: true,
        },
        Question {
            wording: wording("پیشه", None),
            asks: Asks::SeveralOf(vec![wording("آموزگار", None), wording("پرستار", None)]),
            required: false,
            totals_public: false,
        },
        Question {
            wording: wording("خیابان", Some("Street")),
            asks: Asks::Text,
            required: false,
            totals_public: false,
        },
    ])
    .unwrap()
}

async fn questions_are_kept_in_their_order_in_both_languages_and_replaced_whole(store: Store) {
    let campaign = store
        .create_campaign(&new_campaign("پرسش‌ها", None, 10), now())
        .await
        .unwrap();
    let other = published(&store, "بی‌پرسش", 10).await;
    assert!(campaign_now(&store, campaign).await.questions.is_empty());
    let questions = city_work_and_street();
    store.set_questions(campaign, &questions).await.unwrap();
    assert_eq!(campaign_now(&store, campaign).await.questions, questions);
    assert!(campaign_now(&store, other).await.questions.is_empty());

    let fewer = Questions::new(questions.all()[2..].to_vec()).unwrap();
    store.set_questions(campaign, &fewer).await.unwrap();
    assert_eq!(campaign_now(&store, campaign).await.questions, fewer);
    store
        .set_questions(campaign, &Questions::default())
        .await
        .unwrap();
    assert!(campaign_now(&store, campaign).await.questions.is_empty());

    store.set_questions(campaign, &questions).await.unwrap();
    transition(&store, campaign, Transition::Submit)
        .await
        .unwrap();
    let in_review = store.set_questions(campaign, &fewer).await;
    assert!(
        matches!(in_review, Err(StoreError::Conflict)),
        "{in_review:?}"
    );
    transition(&store, campaign, Transition::Approve)
        .await
        .unwrap();
    let reference = CampaignRef::Id(campaign);
    let cached = store.cached_campaign(&reference).await.unwrap().unwrap();
    assert_eq!(cached.questions, questions, "the signing checks see them");
    let public = store.set_questions(campaign, &Questions::default()).await;
    assert!(matches!(public, Err(StoreError::Conflict)), "{public:?}");
    assert_eq!(campaign_now(&store, campaign).await.questions, questions);
}

/// A campaign whose sign form asks [`city_work_and_street`], set while it was a draft.
async fn asking(store: &Store, title: &str) -> CampaignId {
    let campaign = store
        .create_campaign(&new_campaign(title, None, 10), now())
        .await
        .unwrap();
    let questions = city_work_and_street();
    store.set_questions(campaign, &questions).await.unwrap();
    for step in [Transition::Submit, Transition::Approve] {
        transition(store, campaign, step).await.unwrap();
    }
    campaign
}

/// Signer `n`, who answered with `sealed`.
fn answering(n: u32, sealed: &str) -> ConfirmedSignature {
    ConfirmedSignature {
        sealed_answers: Some(sealed.into()),
        ..signer(n)
    }
}

async fn answers_go_from_the_code_to_the_signature_and_only_there(store: Store) {
    let campaign = asking(&store, "پاسخ‌ها").await;
    let asked = NewVerification {
        sealed_answers: Some("sealed-answers-v1".into()),
        ..new_verification("v1", campaign, "09121234567", "net")
    };
    queue_code(&store, asked, "کد").await;
    let kept = store.verification(&verification_id("v1")).await.unwrap();
    assert_eq!(
        kept.unwrap().sealed_answers.as_deref(),
        Some("sealed-answers-v1")
    );
    let confirmation = typed_for(answering(1, "sealed-answers-v1"), "v1", "hash-of-v1");
    let outcomes = store
        .add_confirmations(campaign, 1, &[confirmation], now())
        .await
        .unwrap();
    assert_eq!(outcomes, [Confirmed::Signed(1)]);
    sign(&store, campaign, &[signer(2), answering(3, "sealed-3")])
        .await
        .unwrap();
    let answers = store
        .sealed_answers_in_order(campaign, 0, 10)
        .await
        .unwrap();
    assert_eq!(
        answers,
        [
            (1, "sealed-answers-v1".to_owned()),
            (3, "sealed-3".to_owned())
        ],
        "only who answered, by number"
    );
    let page = store.sealed_answers_in_order(campaign, 1, 1).await.unwrap();
    assert_eq!(page, [(3, "sealed-3".to_owned())]);
}

async fn answers_go_with_a_withdrawal_and_with_the_campaigns_anonymisation(store: Store) {
    let campaign = asking(&store, "پاک‌شدنی").await;
    let batch: Vec<_> = (1..=3)
        .map(|n| answering(n, &format!("sealed-{n}")))
        .collect();
    sign(&store, campaign, &batch).await.unwrap();
    withdraw(&store, 2).await;
    assert_eq!(
        tomar_store::testing::stored_answers(&store).await,
        ["sealed-1", "sealed-3"],
        "the withdrawn signer's answers are erased, not only left out"
    );

    let day = today().checked_sub(jiff::Span::new().days(40)).unwrap();
    tomar_store::testing::run_campaign_on(&store, campaign, day).await;
    let anonymised = store
        .anonymise_ended_campaigns(today(), now())
        .await
        .unwrap();
    assert_eq!(anonymised.campaigns, 1);
    assert!(
        tomar_store::testing::stored_answers(&store)
            .await
            .is_empty()
    );
    let reference = CampaignRef::Id(campaign);
    let kept = store.campaign(&reference).await.unwrap().unwrap();
    assert_eq!(kept.signature_count, 2, "the count stays");
}

async fn public_totals_are_due_when_never_counted_or_moved_since_and_replaced_whole(store: Store) {
    let campaign = asking(&store, "شمارها").await;
    let _without = published(&store, "بی‌شمار", 10).await;
    let draft = store
        .create_campaign(&new_campaign("پیش‌نویس", None, 10), now())
        .await
        .unwrap();
    store
        .set_questions(draft, &city_work_and_street())
        .await
        .unwrap();
    let at = now();
    let minute = jiff::SignedDuration::from_secs(60);
    let (before, after) = (
        at.checked_sub(minute).unwrap(),
        at.checked_add(minute).unwrap(),
    );
    assert_eq!(
        store.campaigns_due_a_tally(before, 10).await.unwrap(),
        [campaign]
    );
    assert_eq!(store.answer_totals(campaign).await.unwrap(), None);

    let counts = [(0, 0, 2), (0, 1, 0), (0, 2, 1)];
    store
        .save_answer_totals(campaign, &counts, 0, at)
        .await
        .unwrap();
    let totals = store.answer_totals(campaign).await.unwrap().unwrap();
    assert_eq!(totals.counts, counts);
    assert_eq!(totals.counted_at.as_second(), at.as_second());
    assert!(
        store
            .campaigns_due_a_tally(after, 10)
            .await
            .unwrap()
            .is_empty(),
        "nothing moved since"
    );

    sign(&store, campaign, &[signer(1)]).await.unwrap();
    assert!(
        store
            .campaigns_due_a_tally(before, 10)
            .await
            .unwrap()
            .is_empty(),
        "moved, but counted too lately"
    );
    assert_eq!(
        store.campaigns_due_a_tally(after, 10).await.unwrap(),
        [campaign]
    );
    store
        .save_answer_totals(campaign, &[(0, 2, 5)], 1, after)
        .await
        .unwrap();
    let replaced = store.answer_totals(campaign).await.unwrap().unwrap();
    assert_eq!(replaced.counts, [(0, 2, 5)], "replaced whole");
    assert!(
        store
            .campaigns_due_a_tally(after, 10)
            .await
            .unwrap()
            .is_empty()
    );
}
