//! Verifications: codes with their messages, tries, resending. Their limits are in `limits`.

use tomar_core::Timestamp;
use tomar_core::verification::{CODE_ATTEMPTS, NewVerification, RESENDS, VerificationState};
use tomar_store::{CodeTry, Confirmed, Resend, ResendOutcome, SigningWriter, Store};

use crate::{
    campaign_now, campaign_with_a_code, code_request, message, new_verification, now, published,
    queue_code, sign, signer, typed_for, verification_id, withdraw_key,
};

conformance!(
    verifications_are_stored_with_their_message,
    every_comparison_spends_a_try,
    a_verification_confirms_once,
    signing_is_known_per_campaign,
    concurrent_codes_are_all_stored_with_their_messages,
    codes_are_resent_after_a_cooldown_a_few_times,
    where_an_expired_code_went_is_forgotten,
);

async fn where_an_expired_code_went_is_forgotten(store: Store) {
    let id = published(&store, "فراموشی", 10).await;
    queue_code(
        &store,
        new_verification("v1", id, "09121234567", "net"),
        "کد",
    )
    .await;
    let destination = || async {
        let stored = store.verification(&verification_id("v1")).await.unwrap();
        stored.unwrap().destination
    };
    let minutes = |n| {
        now()
            .checked_add(jiff::SignedDuration::from_mins(n))
            .unwrap()
    };
    store.forget_expired_messages(minutes(9)).await.unwrap();
    assert_eq!(
        destination().await,
        "0912***4567",
        "kept while the code lives"
    );
    store.forget_expired_messages(minutes(10)).await.unwrap();
    assert_eq!(destination().await, "", "forgotten when it expires");
}

async fn verifications_are_stored_with_their_message(store: Store) {
    let id = published(&store, "تأیید", 10).await;
    let new = NewVerification {
        sealed_answers: None,
        email_domain: Some("example.org".into()),
        ..new_verification("v1", id, "09121234567", "net")
    };
    queue_code(&store, new, "کد: 123456").await;
    let stored = store
        .verification(&verification_id("v1"))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.campaign_id, Some(id));
    assert_eq!(stored.attempts_left, CODE_ATTEMPTS);
    assert_eq!(stored.name.as_ref().map(AsRef::as_ref), Some("سارا نیک‌نام"));
    assert!(!stored.public && stored.wants_updates);
    assert_eq!(
        stored.destination, "0912***4567",
        "where the code went, masked"
    );
    assert_eq!(
        (stored.client_key.as_str(), stored.email_domain.as_deref()),
        ("net", Some("example.org"))
    );
    assert!(!stored.busy_network);
    assert_eq!(
        stored.expires_at,
        now()
            .checked_add(jiff::SignedDuration::from_mins(10))
            .unwrap()
    );
    assert_eq!(stored.state(now()), VerificationState::Open);
    assert!(
        store
            .verification(&verification_id("nope"))
            .await
            .unwrap()
            .is_none()
    );
    let claimed = store.claim_due_messages(now(), now(), 10).await.unwrap();
    assert_eq!(claimed.len(), 1);
    assert_eq!(claimed[0].message, message("کد: 123456"));
}

async fn every_comparison_spends_a_try(store: Store) {
    campaign_with_a_code(&store, "تلاش", "x").await;
    let v1 = verification_id("v1");
    let right = "hash-of-v1";
    let try_code = |hash: &'static str, at| {
        let (store, v1) = (store.clone(), v1.clone());
        async move { store.try_code(&v1, hash, at).await.unwrap() }
    };
    assert_eq!(
        try_code("wrong", now()).await,
        Some(CodeTry::Wrong {
            left: CODE_ATTEMPTS - 1
        })
    );
    assert_eq!(try_code(right, now()).await, Some(CodeTry::Right));
    let tried = store.verification(&v1).await.unwrap().unwrap();
    assert_eq!(tried.attempts_left, CODE_ATTEMPTS - 2, "the right code too");
    let expiry = tried.expires_at;
    assert_eq!(
        try_code(right, expiry).await,
        None,
        "an expired code is not compared"
    );
    for left in (0..CODE_ATTEMPTS - 2).rev() {
        assert_eq!(
            try_code("wrong", now()).await,
            Some(CodeTry::Wrong { left })
        );
    }
    assert_eq!(try_code(right, now()).await, None, "no try left");
    let dead = store.verification(&v1).await.unwrap().unwrap();
    assert_eq!(dead.state(now()), VerificationState::Exhausted);
}

async fn a_verification_confirms_once(store: Store) {
    let id = campaign_with_a_code(&store, "رسید", "code").await;
    assert!(!store.has_signed(id, &signer(1).contact_key).await.unwrap());
    let confirmation = typed_for(signer(1), "v1", "hash-of-v1");
    let both = [confirmation.clone(), confirmation];
    let outcomes = store.add_confirmations(id, 1, &both, now()).await.unwrap();
    assert_eq!(
        outcomes,
        [Confirmed::Signed(1), Confirmed::VerificationUsed]
    );
    assert!(store.has_signed(id, &signer(1).contact_key).await.unwrap());
    let used = store
        .verification(&verification_id("v1"))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(used.state(now()), VerificationState::Used);
    assert_eq!(used.signature_sequence, Some(1));
    assert_eq!(used.withdraw_key, withdraw_key("withdraw-key-v1"));
    assert_eq!(used.sealed_contact.as_deref(), Some("sealed-09121234567"));
    assert_eq!(
        used.destination, "",
        "where the code went goes with the code"
    );
    assert_eq!(
        store
            .try_code(&verification_id("v1"), "hash-of-v1", now())
            .await
            .unwrap(),
        None,
        "a used code takes no more tries"
    );

    // The same person through a second verification: consumed, not counted.
    queue_code(
        &store,
        new_verification("v2", id, "09121234567", "net"),
        "code",
    )
    .await;
    let again = typed_for(signer(1), "v2", "hash-of-v2");
    assert_eq!(
        store
            .add_confirmations(id, 1, &[again], now())
            .await
            .unwrap(),
        [Confirmed::AlreadySigned]
    );
    assert_eq!(
        store
            .verification(&verification_id("v2"))
            .await
            .unwrap()
            .unwrap()
            .state(now()),
        VerificationState::Used
    );
    assert_eq!(campaign_now(&store, id).await.signature_count, 1);
}

async fn signing_is_known_per_campaign(store: Store) {
    let id = published(&store, "امضا شده", 10).await;
    let elsewhere = published(&store, "جای دیگر", 10).await;
    let signed = signer(1).contact_key;
    assert!(!store.has_signed(id, &signed).await.unwrap());
    sign(&store, id, &[signer(1)]).await.unwrap();
    assert!(store.has_signed(id, &signed).await.unwrap());
    assert!(
        !store.has_signed(elsewhere, &signed).await.unwrap(),
        "signed that campaign, not this one"
    );
}

async fn concurrent_codes_are_all_stored_with_their_messages(store: Store) {
    let id = published(&store, "صف", 10).await;
    let writer = SigningWriter::start(store.clone(), None);
    let tasks: Vec<_> = (0..200u32)
        .map(|i| {
            let writer = writer.clone();
            let new = new_verification(&format!("v{i}"), id, &format!("0912{i:07}"), "net");
            let request = code_request(new, &format!("m{i}"));
            tokio::spawn(async move { writer.send_code(request).await })
        })
        .collect();
    for task in tasks {
        task.await.unwrap().unwrap();
    }
    for i in 0..200 {
        assert!(
            store
                .verification(&verification_id(&format!("v{i}")))
                .await
                .unwrap()
                .is_some(),
            "v{i}"
        );
    }
    // A duplicate id fails alone; the rest of its batch is written.
    let again = new_verification("v0", id, "09120000000", "net");
    let fresh = new_verification("v-new", id, "09120000001", "net");
    let (a, b) = tokio::join!(
        writer.send_code(code_request(again, "dup")),
        writer.send_code(code_request(fresh, "ok"))
    );
    assert!(a.is_err());
    b.unwrap();
    // A minute on: every code still lives, so every message is due.
    let soon = now()
        .checked_add(jiff::SignedDuration::from_mins(1))
        .unwrap();
    assert_eq!(
        store
            .claim_due_messages(soon, soon, 500)
            .await
            .unwrap()
            .len(),
        201
    );
}

async fn codes_are_resent_after_a_cooldown_a_few_times(store: Store) {
    campaign_with_a_code(&store, "دوباره", "1").await;
    store
        .try_code(&verification_id("v1"), "wrong", now())
        .await
        .unwrap();
    let resend = |n: u32| Resend {
        verification_id: verification_id("v1"),
        code_hash: format!("hash-{n}"),
        withdraw_key: withdraw_key(&format!("withdraw-again-{n}")),
        message: message(&format!("کد دوباره {n}")),
    };
    let minute = jiff::SignedDuration::from_mins(1);
    let later = |minutes: i32| now().checked_add(minute * minutes).unwrap();
    let resend_at = |n: u32, at: Timestamp, per_contact: u64| {
        let store = store.clone();
        async move {
            let cooled = at.checked_sub(minute).unwrap();
            store
                .resend_code(&resend(n), cooled, RESENDS, per_contact, at)
                .await
                .unwrap()
        }
    };
    // Too soon: the last code went out after the cooldown's start.
    assert_eq!(resend_at(0, later(0), 99).await, ResendOutcome::NotNow);
    // The contact's share this hour is spent (the first code took one): nothing changes.
    assert_eq!(
        resend_at(0, later(2), 1).await,
        ResendOutcome::TooManyForContact
    );
    for n in 1..=RESENDS {
        let sent = resend_at(n, later(n as i32 * 2), 99).await;
        assert_eq!(sent, ResendOutcome::Sent, "resend {n}");
    }
    assert_eq!(
        resend_at(9, later(20), 99).await,
        ResendOutcome::NotNow,
        "at most RESENDS times"
    );
    let stored = store
        .verification(&verification_id("v1"))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.code_hash, format!("hash-{RESENDS}"));
    assert_eq!(
        stored.withdraw_key,
        withdraw_key(&format!("withdraw-again-{RESENDS}"))
    );
    assert_eq!(stored.resends, RESENDS);
    assert_eq!(
        stored.attempts_left,
        CODE_ATTEMPTS - 1,
        "wrong tries stay spent"
    );
    assert_eq!(stored.last_sent_at, later(RESENDS as i32 * 2));
    assert_eq!(
        stored.state(later(RESENDS as i32 * 2 + 9)),
        VerificationState::Open
    );
    let queued = store
        .claim_due_messages(later(9), later(9), 10)
        .await
        .unwrap();
    assert_eq!(queued.len(), 1 + RESENDS as usize);
}
