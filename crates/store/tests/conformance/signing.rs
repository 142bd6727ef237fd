//! Verifications: codes with their messages, tries, the history limits read, resending.

use tomar_core::contact::Contact;
use tomar_core::verification::{CODE_ATTEMPTS, RESENDS, VerificationState};
use tomar_store::{Confirmation, Confirmed, Resend, SigningWriter, Store};

use crate::{
    campaign_now, contact_key, message, new_verification, now, published, sign, signer,
    verification_id, withdraw_key,
};

conformance!(
    verifications_are_stored_with_their_message,
    attempts_run_out,
    a_verification_confirms_once,
    contact_history_counts_codes_by_contact_and_network_and_knows_signers,
    concurrent_codes_are_all_stored_with_their_messages,
    codes_are_resent_after_a_cooldown_a_few_times,
);

async fn verifications_are_stored_with_their_message(store: Store) {
    let id = published(&store, "تأیید", 10).await;
    store
        .create_verification(
            &new_verification("v1", id, "09121234567", "net"),
            &message("کد: 123456"),
        )
        .await
        .unwrap();
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

async fn attempts_run_out(store: Store) {
    let id = published(&store, "تلاش", 10).await;
    store
        .create_verification(
            &new_verification("v1", id, "09121234567", "net"),
            &message("x"),
        )
        .await
        .unwrap();
    for left in (0..CODE_ATTEMPTS).rev() {
        assert_eq!(
            store.spend_attempt(&verification_id("v1")).await.unwrap(),
            Some(left)
        );
    }
    assert_eq!(
        store.spend_attempt(&verification_id("v1")).await.unwrap(),
        None
    );
    let dead = store
        .verification(&verification_id("v1"))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(dead.state(now()), VerificationState::Exhausted);
}

async fn a_verification_confirms_once(store: Store) {
    let id = published(&store, "رسید", 10).await;
    store
        .create_verification(
            &new_verification("v1", id, "09121234567", "net"),
            &message("code"),
        )
        .await
        .unwrap();
    assert!(!store.has_signed(id, &signer(1).contact_key).await.unwrap());
    let confirmation = Confirmation {
        signature: signer(1),
        verification_id: Some(verification_id("v1")),
    };
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
        store.spend_attempt(&verification_id("v1")).await.unwrap(),
        None,
        "a used code takes no more tries"
    );

    // The same person through a second verification: consumed, not counted.
    store
        .create_verification(
            &new_verification("v2", id, "09121234567", "net"),
            &message("code"),
        )
        .await
        .unwrap();
    let again = Confirmation {
        signature: signer(1),
        verification_id: Some(verification_id("v2")),
    };
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

async fn contact_history_counts_codes_by_contact_and_network_and_knows_signers(store: Store) {
    let id = published(&store, "محدودیت", 10).await;
    for (n, contact, network) in [
        (1, "09121234567", "a"),
        (2, "09121234567", "b"),
        (3, "09129999999", "a"),
    ] {
        let new = new_verification(&format!("v{n}"), id, contact, network);
        store
            .create_verification(&new, &message("x"))
            .await
            .unwrap();
    }
    let key = contact_key(&Contact::parse("09121234567").unwrap());
    let history = |since, cap, campaign| {
        let (store, key) = (store.clone(), key.clone());
        async move {
            let found = store
                .contact_history(&key, "a", since, cap, campaign)
                .await
                .unwrap();
            (
                found.codes_to_contact,
                found.codes_from_network,
                found.signed,
            )
        }
    };
    assert_eq!(history(now(), 10, Some(id)).await, (2, 2, false));
    let later = now()
        .checked_add(jiff::SignedDuration::from_secs(1))
        .unwrap();
    assert_eq!(history(later, 10, None).await, (0, 0, false));
    assert_eq!(
        history(now(), 1, None).await,
        (1, 1, false),
        "counting stops at the cap"
    );
    sign(&store, id, &[signer(1)]).await.unwrap();
    let signed = signer(1).contact_key;
    let found = store
        .contact_history(&signed, "a", now(), 10, Some(id))
        .await
        .unwrap();
    assert!(found.signed);
    let elsewhere = published(&store, "جای دیگر", 10).await;
    let found = store
        .contact_history(&signed, "a", now(), 10, Some(elsewhere))
        .await
        .unwrap();
    assert!(!found.signed, "signed that campaign, not this one");
}

async fn concurrent_codes_are_all_stored_with_their_messages(store: Store) {
    let id = published(&store, "صف", 10).await;
    let writer = SigningWriter::start(store.clone(), None);
    let tasks: Vec<_> = (0..200u32)
        .map(|i| {
            let writer = writer.clone();
            let new = new_verification(&format!("v{i}"), id, &format!("0912{i:07}"), "net");
            tokio::spawn(async move { writer.send_code(new, message(&format!("m{i}"))).await })
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
        writer.send_code(again, message("dup")),
        writer.send_code(fresh, message("ok"))
    );
    assert!(a.is_err());
    b.unwrap();
    let lease = now()
        .checked_add(jiff::SignedDuration::from_hours(1))
        .unwrap();
    assert_eq!(
        store
            .claim_due_messages(lease, lease, 500)
            .await
            .unwrap()
            .len(),
        201
    );
}

async fn codes_are_resent_after_a_cooldown_a_few_times(store: Store) {
    let id = published(&store, "دوباره", 10).await;
    store
        .create_verification(
            &new_verification("v1", id, "09121234567", "net"),
            &message("1"),
        )
        .await
        .unwrap();
    store.spend_attempt(&verification_id("v1")).await.unwrap();
    let resend = |n: u32| Resend {
        verification_id: verification_id("v1"),
        code_hash: format!("hash-{n}"),
        withdraw_key: withdraw_key(&format!("withdraw-again-{n}")),
        message: message(&format!("کد دوباره {n}")),
    };
    let minute = jiff::SignedDuration::from_mins(1);
    let later = |minutes: i32| now().checked_add(minute * minutes).unwrap();
    // Too soon: the last code went out after the cooldown's start.
    let too_soon = store
        .resend_code(
            &resend(0),
            now().checked_sub(minute).unwrap(),
            RESENDS,
            later(0),
        )
        .await
        .unwrap();
    assert!(!too_soon);
    for n in 1..=RESENDS {
        let at = later(n as i32 * 2);
        let sent = store
            .resend_code(&resend(n), at.checked_sub(minute).unwrap(), RESENDS, at)
            .await
            .unwrap();
        assert!(sent, "resend {n}");
    }
    let at = later(20);
    let once_more = store
        .resend_code(&resend(9), at.checked_sub(minute).unwrap(), RESENDS, at)
        .await
        .unwrap();
    assert!(!once_more, "at most RESENDS times");
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
        .claim_due_messages(later(30), later(30), 10)
        .await
        .unwrap();
    assert_eq!(queued.len(), 1 + RESENDS as usize);
}
