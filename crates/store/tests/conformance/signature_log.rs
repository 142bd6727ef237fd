//! Each campaign's public log of its signatures, on both backends.

use std::collections::HashSet;

use tomar_core::ids::CampaignId;
use tomar_core::signature_log::{LogEntry, name_commitment};
use tomar_core::tlog::{self, Fetched, Hash};
use tomar_store::Store;

use crate::{campaign_now, published, sign, signer, withdraw};

conformance!(
    signatures_and_withdrawals_enter_the_log_that_anyone_can_recompute,
    a_crowd_of_batches_at_once_leaves_one_consistent_log,
    each_signature_knows_its_entry_and_its_salt_opens_it,
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

    withdraw(&store, 2).await;
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

/// Signs `batches` batches of `size` signers (numbered from 1) all at once.
async fn sign_at_once(store: &Store, campaign: CampaignId, batches: u32, size: u32) {
    let batches = (0..batches).map(|n| {
        let store = store.clone();
        let batch: Vec<_> = (n * size + 1..=n * size + size).map(signer).collect();
        tokio::spawn(async move { sign(&store, campaign, &batch).await.unwrap() })
    });
    for batch in batches {
        batch.await.unwrap();
    }
}

async fn a_crowd_of_batches_at_once_leaves_one_consistent_log(store: Store) {
    let campaign = published(&store, "هجوم امضا", 10).await;
    sign_at_once(&store, campaign, 40, 3).await;
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

/// The name commitment of the signature entry at `index`, and its number.
async fn entry_at(store: &Store, campaign: CampaignId, index: u64) -> (u64, Hash) {
    let entry = store
        .log_entries(campaign, index, 1)
        .await
        .unwrap()
        .pop()
        .unwrap();
    match LogEntry::parse(&entry) {
        Some(LogEntry::Signature { number, name, .. }) => (number, name),
        other => panic!("a signature entry at {index}: {other:?}"),
    }
}

async fn each_signature_knows_its_entry_and_its_salt_opens_it(store: Store) {
    let campaign = published(&store, "رسید امضا", 10).await;
    sign_at_once(&store, campaign, 20, 5).await;
    let mut places = HashSet::new();
    for number in 1..=100u32 {
        let held = store
            .signature_receipt(campaign, u64::from(number))
            .await
            .unwrap()
            .expect("every counted signature has a receipt");
        let (logged, commitment) = entry_at(&store, campaign, held.log_index).await;
        assert_eq!(logged, u64::from(number), "its place holds its own entry");
        let name = format!("امضاکننده {number}");
        assert_eq!(
            commitment,
            name_commitment(campaign, logged, &held.salt, &name),
            "its salt opens its commitment to its name"
        );
        places.insert(held.log_index);
    }
    assert_eq!(places, (0..100).collect(), "one place each, none shared");

    let openings = store.name_openings(campaign, 0, 256).await.unwrap();
    let shown: Vec<u64> = (1..=100).filter(|n| n % 3 != 0).collect();
    let mut opened: Vec<u64> = openings.iter().map(|o| o.number).collect();
    opened.sort();
    assert_eq!(opened, shown, "the shown names only");
    assert!(openings.is_sorted_by_key(|o| o.log_index));
    for opening in &openings {
        let (number, commitment) = entry_at(&store, campaign, opening.log_index).await;
        assert_eq!(number, opening.number);
        assert_eq!(
            commitment,
            name_commitment(campaign, number, &opening.salt, &opening.name)
        );
    }
    assert!(
        store
            .name_openings(campaign, 100, 256)
            .await
            .unwrap()
            .is_empty()
    );

    // Withdrawn: no receipt, no opening. Signing again counts at a new place.
    withdraw(&store, 2).await;
    assert_eq!(store.signature_receipt(campaign, 2).await.unwrap(), None);
    let opened = store.name_openings(campaign, 0, 256).await.unwrap();
    assert!(opened.iter().all(|o| o.number != 2));
    sign(&store, campaign, &[signer(2)]).await.unwrap();
    let again = store
        .signature_receipt(campaign, 101)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(again.log_index, 101, "after the withdrawal's entry");
    let (number, commitment) = entry_at(&store, campaign, 101).await;
    assert_eq!(number, 101);
    assert_eq!(
        commitment,
        name_commitment(campaign, 101, &again.salt, "امضاکننده 2")
    );
    let later = store.name_openings(campaign, 100, 256).await.unwrap();
    assert_eq!(later.iter().map(|o| o.number).collect::<Vec<_>>(), [101]);
    assert_eq!(store.signature_receipt(campaign, 999).await.unwrap(), None);
}
