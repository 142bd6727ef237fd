//! The group commit of signatures, their list, withdrawals and recounts.

use tomar_core::ids::CampaignId;
use tomar_store::testing::corrupt_signature_count;
use tomar_store::{Confirmation, Confirmed, SignatureOwner, SigningWriter, Store, StoreError};

use crate::{campaign_now, now, published, sign, signer, withdraw, withdraw_key};

conformance!(
    signatures_are_numbered_and_counted_once_per_batch,
    duplicate_contacts_are_not_counted,
    signature_pages_go_newest_first_by_key,
    signatures_read_in_order_by_pages_leave_out_the_withdrawn,
    recount_repairs_drift,
    withdrawal_takes_a_signature_off_the_count_once,
    concurrent_confirmations_are_counted_exactly,
    only_confirmed_signers_who_asked_for_news_are_kept_for_updates,
);

async fn signatures_are_numbered_and_counted_once_per_batch(store: Store) {
    let id = published(&store, "امضا", 10).await;
    let first = sign(&store, id, &[signer(1), signer(2)]).await.unwrap();
    let second = sign(&store, id, &[signer(3)]).await.unwrap();
    assert_eq!(first, [Confirmed::Signed(1), Confirmed::Signed(2)]);
    assert_eq!(second, [Confirmed::Signed(3)]);
    let campaign = campaign_now(&store, id).await;
    assert_eq!(campaign.signature_count, 3);
    let missing = sign(&store, CampaignId(9999), &[signer(4)]).await;
    assert!(matches!(missing, Err(StoreError::NotFound(_))));
}

async fn duplicate_contacts_are_not_counted(store: Store) {
    let id = published(&store, "تکراری", 10).await;
    let other = published(&store, "دیگری", 10).await;
    sign(&store, id, &[signer(1)]).await.unwrap();
    let again = sign(&store, id, &[signer(1), signer(2), signer(2)])
        .await
        .unwrap();
    assert_eq!(
        again,
        [
            Confirmed::AlreadySigned,
            Confirmed::Signed(2),
            Confirmed::AlreadySigned
        ]
    );
    // The same person may sign another campaign (with a withdrawal token of its own).
    let mut elsewhere = signer(1);
    elsewhere.withdraw_key = Some(withdraw_key("withdraw-elsewhere"));
    assert_eq!(
        sign(&store, other, &[elsewhere]).await.unwrap(),
        [Confirmed::Signed(1)]
    );
    let campaign = campaign_now(&store, id).await;
    assert_eq!(campaign.signature_count, 2);
    assert_eq!(store.recount_signatures(id).await.unwrap().actual, 2);
}

async fn signature_pages_go_newest_first_by_key(store: Store) {
    let id = published(&store, "فهرست", 10).await;
    let batch: Vec<_> = (1..=25).map(signer).collect();
    sign(&store, id, &batch).await.unwrap();
    let mut seen = Vec::new();
    let mut before = None;
    loop {
        let page = store.signatures_page(id, before, 10).await.unwrap();
        if page.is_empty() {
            break;
        }
        before = page.last().map(|s| s.sequence);
        seen.extend(page.iter().map(|s| s.sequence));
        // A signature arriving mid-way must not shift later pages.
        if seen.len() == 10 {
            sign(&store, id, &[signer(99)]).await.unwrap();
        }
    }
    assert_eq!(seen, (1..=25).rev().collect::<Vec<u64>>());
    let top = store.signatures_page(id, None, 1).await.unwrap();
    assert_eq!(top[0].sequence, 26);
    assert_eq!(top[0].name.as_ref(), "امضاکننده 99");
    let hidden = store.signatures_page(id, Some(4), 1).await.unwrap();
    assert_eq!((hidden[0].sequence, hidden[0].public_name()), (3, None));
}

async fn recount_repairs_drift(store: Store) {
    let id = published(&store, "شمارش", 10).await;
    sign(&store, id, &[signer(1), signer(2)]).await.unwrap();
    let clean = store.recount_signatures(id).await.unwrap();
    assert!(!clean.drifted());
    corrupt_signature_count(&store, id, 7).await;
    let repaired = store.recount_signatures(id).await.unwrap();
    assert_eq!((repaired.stored, repaired.actual), (7, 2));
    assert_eq!(campaign_now(&store, id).await.signature_count, 2);
}

async fn withdrawal_takes_a_signature_off_the_count_once(store: Store) {
    let id = published(&store, "انصراف", 10).await;
    sign(&store, id, &[signer(1), signer(2)]).await.unwrap();
    let signature = store
        .signature_by_withdraw_key(&withdraw_key("withdraw-1"))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(signature.sequence, 1);
    assert_eq!(
        store
            .withdraw_signature(
                &SignatureOwner::WithdrawKey(&withdraw_key("withdraw-1")),
                now()
            )
            .await
            .unwrap(),
        Some(id)
    );
    assert_eq!(
        store
            .withdraw_signature(
                &SignatureOwner::WithdrawKey(&withdraw_key("withdraw-1")),
                now()
            )
            .await
            .unwrap(),
        None
    );
    assert_eq!(
        store
            .withdraw_signature(
                &SignatureOwner::WithdrawKey(&withdraw_key("no-such-key")),
                now()
            )
            .await
            .unwrap(),
        None
    );
    let campaign = campaign_now(&store, id).await;
    assert_eq!(campaign.signature_count, 1);
    assert!(!store.recount_signatures(id).await.unwrap().drifted());
    let listed: Vec<_> = store
        .signatures_page(id, None, 10)
        .await
        .unwrap()
        .iter()
        .map(|s| s.sequence)
        .collect();
    assert_eq!(listed, [2]);
    // Who withdrew may sign again, once: counted anew, with the next number.
    assert!(!store.has_signed(id, &signer(1).contact_key).await.unwrap());
    assert_eq!(
        sign(&store, id, &[signer(1), signer(1)]).await.unwrap(),
        [Confirmed::Signed(3), Confirmed::AlreadySigned]
    );
    assert!(store.has_signed(id, &signer(1).contact_key).await.unwrap());
    assert_eq!(campaign_now(&store, id).await.signature_count, 2);
    assert!(!store.recount_signatures(id).await.unwrap().drifted());
    let listed: Vec<_> = store.signatures_page(id, None, 10).await.unwrap();
    let listed: Vec<_> = listed.iter().map(|s| s.sequence).collect();
    assert_eq!(listed, [3, 2]);
    let hours = store.signatures_by_hour(id).await.unwrap();
    assert_eq!(
        hours.iter().map(|h| h.count).sum::<u64>(),
        2,
        "the hours follow"
    );
    assert_eq!(
        sign(&store, id, &[signer(1)]).await.unwrap(),
        [Confirmed::AlreadySigned]
    );
}

async fn concurrent_confirmations_are_counted_exactly(store: Store) {
    let id = published(&store, "هجوم", 10).await;
    let writer = SigningWriter::start(store.clone(), None);
    // 300 confirmations at once: 200 people, 100 of whom try twice.
    let tasks: Vec<_> = (0..300u32)
        .map(|i| {
            let writer = writer.clone();
            let mut signature = signer(i % 200);
            signature.withdraw_key = Some(withdraw_key(&format!("w{i}")));
            tokio::spawn(
                async move { writer.confirm(id, 1, Confirmation::direct(signature)).await },
            )
        })
        .collect();
    let mut numbers = Vec::new();
    let mut duplicates = 0;
    for task in tasks {
        match task.await.unwrap().unwrap() {
            Confirmed::Signed(n) => numbers.push(n),
            Confirmed::AlreadySigned => duplicates += 1,
            other => panic!("no verifications here: {other:?}"),
        }
    }
    numbers.sort_unstable();
    assert_eq!(
        numbers,
        (1..=200).collect::<Vec<u64>>(),
        "each person once, numbers without gaps"
    );
    assert_eq!(duplicates, 100);
    let campaign = campaign_now(&store, id).await;
    assert_eq!(campaign.signature_count, 200);
    assert!(!store.recount_signatures(id).await.unwrap().drifted());
}

async fn only_confirmed_signers_who_asked_for_news_are_kept_for_updates(store: Store) {
    let id = published(&store, "خبرنامه", 10).await;
    let mut batch = Vec::new();
    for n in 1..=3 {
        let mut signature = signer(n);
        signature.wants_updates = n != 2;
        signature.sealed_contact = signature.wants_updates.then(|| format!("sealed-{n}"));
        batch.push(signature);
    }
    sign(&store, id, &batch).await.unwrap();
    store
        .withdraw_signature(
            &SignatureOwner::WithdrawKey(&withdraw_key("withdraw-3")),
            now(),
        )
        .await
        .unwrap();
    assert_eq!(
        store.sealed_contacts_for_updates(id).await.unwrap(),
        ["sealed-1"]
    );
}

async fn signatures_read_in_order_by_pages_leave_out_the_withdrawn(store: Store) {
    let id = published(&store, "به ترتیب", 10).await;
    let batch: Vec<_> = (1..=7).map(signer).collect();
    sign(&store, id, &batch).await.unwrap();
    withdraw(&store, 3).await;
    let numbers = |page: Vec<tomar_core::signature::Signature>| -> Vec<u64> {
        page.iter().map(|s| s.sequence).collect()
    };
    let first = store.signatures_in_order(id, 0, 3).await.unwrap();
    assert_eq!(numbers(first), [1, 2, 4]);
    let rest = store.signatures_in_order(id, 4, 10).await.unwrap();
    assert_eq!(numbers(rest), [5, 6, 7]);
    assert!(
        store
            .signatures_in_order(id, 7, 10)
            .await
            .unwrap()
            .is_empty()
    );
}
