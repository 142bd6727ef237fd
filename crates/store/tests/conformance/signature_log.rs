//! Each campaign's public log of its signatures, on both backends.

use std::collections::HashSet;

use tomar_core::ids::CampaignId;
use tomar_core::signature_log::LogEntry;
use tomar_core::tlog::{self, Fetched, Hash};
use tomar_store::{SignatureOwner, Store};

use crate::{campaign_now, now, published, sign, signer, withdraw_key};

conformance!(
    signatures_and_withdrawals_enter_the_log_that_anyone_can_recompute,
    a_crowd_of_batches_at_once_leaves_one_consistent_log,
);

/// The log's entries, and its root as the store's hashes give it.
async fn log_of(store: &Store, campaign: CampaignId) -> (Vec<Vec<u8>>, Hash) {
    let size = store.log_size(campaign).await.unwrap();
    let entries = store.log_entries(campaign, 0, size).await.unwrap();
    let need = tlog::right_edge(size);
    let hashes = store.log_hashes(campaign, &need).await.unwrap();
    let root = tlog::tree_hash(size, &mut Fetched::new(&need, &hashes)).unwrap();
    (entries, root)
}

/// The root of `entries` hashed from nothing but them, as a verifier would.
fn recomputed(entries: &[Vec<u8>]) -> Hash {
    let leaves: Vec<Hash> = entries.iter().map(|e| tlog::leaf_hash(e)).collect();
    tlog::root_of(&leaves)
}

async fn signatures_and_withdrawals_enter_the_log_that_anyone_can_recompute(store: Store) {
    let campaign = published(&store, "کارزار با دفتر عمومی", 10).await;
    let batch: Vec<_> = (1..=5).map(signer).collect();
    sign(&store, campaign, &batch).await.unwrap();
    let (entries, root) = log_of(&store, campaign).await;
    assert_eq!(entries.len(), 5);
    assert_eq!(root, recomputed(&entries));
    let text = campaign_now(&store, campaign).await.text;
    let mut numbers = HashSet::new();
    let mut commitments = HashSet::new();
    for entry in &entries {
        let Some(LogEntry::Signature {
            number,
            text_version,
            text_hash,
            name,
            ..
        }) = LogEntry::parse(entry)
        else {
            panic!("a signature entry: {:?}", String::from_utf8_lossy(entry));
        };
        assert_eq!((text_version, text_hash), (1, text.canonical_hash()));
        numbers.insert(number);
        commitments.insert(name);
        let raw = String::from_utf8(entry.clone()).unwrap();
        assert!(!raw.contains("امضاکننده"), "no name in the log");
    }
    assert_eq!(numbers, (1..=5).collect(), "every signature once");
    assert_eq!(commitments.len(), 5, "a fresh salt each");
    assert_eq!(
        store.logged_text(campaign, 1).await.unwrap(),
        Some(text.canonical()),
        "the text the hash pins is served beside it"
    );

    store
        .withdraw_signature(
            &SignatureOwner::WithdrawKey(&withdraw_key("withdraw-2")),
            now(),
        )
        .await
        .unwrap()
        .unwrap();
    let (entries, grown_root) = log_of(&store, campaign).await;
    assert_eq!(entries.len(), 6);
    assert!(matches!(
        LogEntry::parse(&entries[5]),
        Some(LogEntry::Withdrawal { of: 2, .. })
    ));
    assert_eq!(grown_root, recomputed(&entries));
    // The earlier tree is a prefix of the later one.
    let need = tlog::consistency_needs(6, 5);
    let hashes = store.log_hashes(campaign, &need).await.unwrap();
    let proof = tlog::consistency_proof(6, 5, &mut Fetched::new(&need, &hashes))
        .unwrap()
        .unwrap();
    assert!(tlog::check_consistency(&proof, 6, &grown_root, 5, &root));
    assert!(store.log_entries(campaign, 6, 10).await.unwrap().is_empty());
}

async fn a_crowd_of_batches_at_once_leaves_one_consistent_log(store: Store) {
    let campaign = published(&store, "هجوم امضا", 10).await;
    let batches = (0..40u32).map(|n| {
        let store = store.clone();
        let batch: Vec<_> = (n * 3 + 1..=n * 3 + 3).map(signer).collect();
        tokio::spawn(async move { sign(&store, campaign, &batch).await.unwrap() })
    });
    for batch in batches {
        batch.await.unwrap();
    }
    let (entries, root) = log_of(&store, campaign).await;
    assert_eq!(entries.len(), 120);
    assert_eq!(root, recomputed(&entries), "no hash written twice or lost");
    let numbers: HashSet<u64> = entries
        .iter()
        .filter_map(|e| match LogEntry::parse(e) {
            Some(LogEntry::Signature { number, .. }) => Some(number),
            _ => None,
        })
        .collect();
    assert_eq!(numbers, (1..=120).collect());
    assert_eq!(campaign_now(&store, campaign).await.signature_count, 120);
}
