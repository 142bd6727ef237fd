//! Limits: counters per key and hour, the sending limits codes are stored under, and the
//! crowds that must not get past them.

use tomar_core::signature::{ConfirmedSignature, SignatureOrigin};
use tomar_core::verification::{CODE_ATTEMPTS, NewVerification};
use tomar_store::{
    CodeLimits, CodeOutcome, CodeRequest, CodeTry, Confirmed, Counter, SigningWriter, Store,
};

use crate::{
    campaign_now, campaign_with_a_code, code_request, new_verification, now, published, signer,
    typed_for, verification_id,
};

conformance!(
    counters_count_per_key_and_hour_and_old_hours_are_forgotten,
    a_contact_past_its_share_gets_nothing_and_a_busy_network_is_served_flagged,
    a_hundred_code_requests_at_once_queue_at_most_the_contacts_share,
    a_hundred_requests_from_one_network_at_once_are_all_served,
    a_hundred_guesses_at_once_compare_at_most_the_tries,
    codes_in_one_batch_are_tried_in_their_order,
    a_hundred_guesses_through_the_signing_writer_compare_five,
);

fn limited(new: NewVerification, per_contact: u64, network_busy_after: u64) -> CodeRequest {
    CodeRequest {
        limits: CodeLimits {
            per_contact,
            network_busy_after,
            guesses_busy_after: u64::MAX,
        },
        ..code_request(new, "کد")
    }
}

fn hours(n: i64) -> jiff::SignedDuration {
    jiff::SignedDuration::from_hours(n)
}

async fn counters_count_per_key_and_hour_and_old_hours_are_forgotten(store: Store) {
    let busy = Counter::ReportsFromNetwork("a".into());
    let quiet = Counter::ReportsFromNetwork("b".into());
    assert_eq!(store.counted(&busy, now()).await.unwrap(), 0);
    for expected in 1..=3 {
        assert_eq!(store.count_one(&busy, now()).await.unwrap(), expected);
    }
    assert_eq!(store.counted(&busy, now()).await.unwrap(), 3);
    assert_eq!(store.counted(&quiet, now()).await.unwrap(), 0);
    let next_hour = now().checked_add(hours(1)).unwrap();
    assert_eq!(store.counted(&busy, next_hour).await.unwrap(), 0);
    assert_eq!(store.count_one(&busy, next_hour).await.unwrap(), 1);
    // Two hours on, only the hour before is kept.
    let later = now().checked_add(hours(2)).unwrap();
    assert_eq!(store.forget_old_counts(later).await.unwrap(), 1);
    assert_eq!(store.counted(&busy, now()).await.unwrap(), 0);
    assert_eq!(store.counted(&busy, next_hour).await.unwrap(), 1);
}

async fn a_contact_past_its_share_gets_nothing_and_a_busy_network_is_served_flagged(store: Store) {
    let id = published(&store, "سهم", 10).await;
    let same_contact = |n: u32| new_verification(&format!("v{n}"), id, "09121234567", "carrier");
    for n in 1..=2 {
        let outcome = store
            .create_verification(&limited(same_contact(n), 2, 1))
            .await
            .unwrap();
        assert!(matches!(outcome, CodeOutcome::Queued(_)), "v{n}");
    }
    let third = store
        .create_verification(&limited(same_contact(3), 2, 1))
        .await
        .unwrap();
    assert_eq!(third, CodeOutcome::TooManyForContact);
    assert!(
        store
            .verification(&verification_id("v3"))
            .await
            .unwrap()
            .is_none(),
        "nothing stored past the share"
    );
    let busy = |n: &str| {
        let store = store.clone();
        let v = verification_id(n);
        async move { store.verification(&v).await.unwrap().unwrap().busy_network }
    };
    assert!(!busy("v1").await);
    assert!(
        busy("v2").await,
        "the network's second code, past its share of one"
    );
    let queued = store.claim_due_messages(now(), now(), 10).await.unwrap();
    assert_eq!(queued.len(), 2);

    // The next hour, the contact has a fresh share.
    let next_hour = NewVerification {
        sealed_answers: None,
        at: now().checked_add(hours(1)).unwrap(),
        ..same_contact(4)
    };
    let outcome = store
        .create_verification(&limited(next_hour, 2, 1))
        .await
        .unwrap();
    assert!(matches!(outcome, CodeOutcome::Queued(_)));
}

/// Half the crowd comes through the signing writer (batched into one transaction), half
/// straight to the store (a transaction each), all at once: exactly the share gets through.
async fn a_hundred_code_requests_at_once_queue_at_most_the_contacts_share(store: Store) {
    let id = published(&store, "بمباران", 10).await;
    let writer = SigningWriter::start(store.clone(), None);
    let tasks: Vec<_> = (0..100)
        .map(|n| {
            let new = new_verification(&format!("v{n}"), id, "09121234567", "carrier");
            let request = limited(new, 5, 1000);
            let (store, writer) = (store.clone(), writer.clone());
            tokio::spawn(async move {
                match n % 2 {
                    0 => writer.send_code(request).await,
                    _ => store.create_verification(&request).await,
                }
            })
        })
        .collect();
    let mut queued = 0;
    for task in tasks {
        if let CodeOutcome::Queued(_) = task.await.unwrap().unwrap() {
            queued += 1;
        }
    }
    assert_eq!(queued, 5);
    let soon = now()
        .checked_add(jiff::SignedDuration::from_mins(1))
        .unwrap();
    let messages = store.claim_due_messages(soon, soon, 500).await.unwrap();
    assert_eq!(messages.len(), 5, "only the share's messages leave");
    let mut stored = 0;
    for n in 0..100 {
        let found = store.verification(&verification_id(&format!("v{n}"))).await;
        stored += usize::from(found.unwrap().is_some());
    }
    assert_eq!(stored, 5);
}

async fn a_hundred_requests_from_one_network_at_once_are_all_served(store: Store) {
    let id = published(&store, "شبکه", 10).await;
    let writer = SigningWriter::start(store.clone(), None);
    let tasks: Vec<_> = (0..100u32)
        .map(|n| {
            let new = new_verification(&format!("v{n}"), id, &format!("0912{n:07}"), "carrier");
            let request = limited(new, 5, 10);
            let writer = writer.clone();
            tokio::spawn(async move { writer.send_code(request).await })
        })
        .collect();
    for task in tasks {
        let outcome = task.await.unwrap().unwrap();
        assert!(matches!(outcome, CodeOutcome::Queued(_)), "{outcome:?}");
    }
    let mut busy = 0;
    for n in 0..100 {
        let found = store.verification(&verification_id(&format!("v{n}"))).await;
        busy += usize::from(found.unwrap().unwrap().busy_network);
    }
    assert_eq!(busy, 90, "all past the network's share of ten are flagged");
}

async fn a_hundred_guesses_at_once_compare_at_most_the_tries(store: Store) {
    let id = published(&store, "حدس", 10).await;
    let new = new_verification("v1", id, "09121234567", "net");
    let right = new.code_hash.clone();
    store
        .create_verification(&code_request(new, "کد"))
        .await
        .unwrap();
    // The right code is the last of the crowd to be sent: it may arrive anywhere in it.
    let tasks: Vec<_> = (0..100)
        .map(|n| {
            let store = store.clone();
            let guess = match n {
                99 => right.clone(),
                n => format!("guess-{n}"),
            };
            tokio::spawn(async move {
                let v1 = verification_id("v1");
                store.try_code(&v1, &guess, now()).await.unwrap()
            })
        })
        .collect();
    let mut compared = 0;
    let mut right_ones = 0;
    for task in tasks {
        match task.await.unwrap() {
            Some(CodeTry::Right) => (compared, right_ones) = (compared + 1, right_ones + 1),
            Some(CodeTry::Wrong { .. }) => compared += 1,
            None => {}
        }
    }
    assert_eq!(compared, CODE_ATTEMPTS, "exactly the tries are compared");
    assert!(right_ones <= 1);
    let stored = store.verification(&verification_id("v1")).await;
    assert_eq!(stored.unwrap().unwrap().attempts_left, 0);
}

async fn codes_in_one_batch_are_tried_in_their_order(store: Store) {
    let id = campaign_with_a_code(&store, "ترتیب", "کد").await;
    let from_net = ConfirmedSignature {
        sealed_answers: None,
        origin: SignatureOrigin {
            network: Some("net".into()),
            ..SignatureOrigin::default()
        },
        ..signer(1)
    };
    let guess = |hash: &str| typed_for(from_net.clone(), "v1", hash);
    let batch = [
        guess("wrong"),
        guess("wrong"),
        guess("hash-of-v1"),
        guess("hash-of-v1"),
        guess("wrong"),
    ];
    let outcomes = store.add_confirmations(id, 1, &batch, now()).await.unwrap();
    assert_eq!(
        outcomes,
        [
            Confirmed::WrongCode {
                left: CODE_ATTEMPTS - 1
            },
            Confirmed::WrongCode {
                left: CODE_ATTEMPTS - 2
            },
            Confirmed::Signed(1),
            Confirmed::VerificationUsed,
            Confirmed::VerificationUsed,
        ]
    );
    let used = store
        .verification(&verification_id("v1"))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(used.attempts_left, CODE_ATTEMPTS - 3);
    // The two wrong codes count against the network; past its share of guesses, its next
    // code counts as busy.
    let wrong = Counter::WrongCodesFromNetwork("net".into());
    assert_eq!(store.counted(&wrong, now()).await.unwrap(), 2);
    let mut next = limited(new_verification("v3", id, "09123333333", "net"), 5, 1000);
    next.limits.guesses_busy_after = 2;
    store.create_verification(&next).await.unwrap();
    let flagged = store.verification(&verification_id("v3")).await;
    assert!(flagged.unwrap().unwrap().busy_network);
    // An unknown verification, and one past its lifetime, have no try to take.
    let unknown = [typed_for(signer(2), "nope", "x")];
    let outcomes = store
        .add_confirmations(id, 1, &unknown, now())
        .await
        .unwrap();
    assert_eq!(outcomes, [Confirmed::NoTryLeft]);
    store
        .create_verification(&code_request(
            new_verification("v2", id, "09122222222", "net"),
            "x",
        ))
        .await
        .unwrap();
    let late = now()
        .checked_add(jiff::SignedDuration::from_mins(10))
        .unwrap();
    let expired = [typed_for(signer(2), "v2", "hash-of-v2")];
    let outcomes = store
        .add_confirmations(id, 1, &expired, late)
        .await
        .unwrap();
    assert_eq!(outcomes, [Confirmed::NoTryLeft]);
    assert_eq!(campaign_now(&store, id).await.signature_count, 1);
}

/// The signing path's guesses: each goes through the group commit, which may put many
/// into one batch; still only the tries are compared, and the right code counts once.
async fn a_hundred_guesses_through_the_signing_writer_compare_five(store: Store) {
    let id = campaign_with_a_code(&store, "حدس گروهی", "کد").await;
    let writer = SigningWriter::start(store.clone(), None);
    let tasks: Vec<_> = (0..100)
        .map(|n| {
            let writer = writer.clone();
            let hash = match n {
                99 => "hash-of-v1".to_owned(),
                n => format!("guess-{n}"),
            };
            tokio::spawn(async move {
                writer
                    .confirm(id, 1, typed_for(signer(1), "v1", &hash))
                    .await
            })
        })
        .collect();
    let (mut compared, mut signed) = (0, 0);
    for task in tasks {
        match task.await.unwrap().unwrap() {
            Confirmed::WrongCode { .. } => compared += 1,
            Confirmed::Signed(_) => (compared, signed) = (compared + 1, signed + 1),
            Confirmed::NoTryLeft | Confirmed::VerificationUsed => {}
            Confirmed::AlreadySigned => panic!("one signer"),
        }
    }
    assert!(
        compared <= CODE_ATTEMPTS && signed <= 1,
        "{compared} compared"
    );
    assert_eq!(campaign_now(&store, id).await.signature_count, signed);
}
