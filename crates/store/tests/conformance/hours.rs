//! Counts by hour: kept by every change to a count, and reconciled against the rows a
//! bounded step at a time.

use jiff::SignedDuration;
use tomar_core::Timestamp;
use tomar_core::ids::CampaignId;
use tomar_core::listing::{ListSort, ListStatus, Listing};
use tomar_core::signature::{ConfirmedSignature, SignatureOrigin};
use tomar_store::testing::{corrupt_hour_counts, corrupt_signature_count};
use tomar_store::{Confirmation, Drift, ReconcilePass, SignatureOwner, SourceKind, Store};

use crate::fraud::invalidate_network_a;
use crate::{campaign_now, now, published, sign, signer, today, withdraw_key};

conformance!(
    hours_follow_signing_withdrawal_and_invalidation,
    growth_comes_by_iran_hour_and_by_iran_day,
    a_full_pass_in_steps_repairs_drifted_totals_and_hours,
    a_pass_since_a_moment_checks_what_changed_since,
    reconcilers_together_repair_a_drift_once,
    signing_beside_reconcilers_never_looks_like_drift,
);

fn hours_ago(hours: i64) -> Timestamp {
    now()
        .checked_sub(SignedDuration::from_hours(hours))
        .unwrap()
}

/// Signer `n`, confirmed at `at`, from network `network`.
fn signer_at(n: u32, at: Timestamp, network: &str) -> ConfirmedSignature {
    ConfirmedSignature {
        sealed_answers: None,
        confirmed_at: at,
        created_at: at,
        origin: SignatureOrigin {
            network: Some(network.into()),
            ..SignatureOrigin::default()
        },
        ..signer(n)
    }
}

/// Confirms `batch` directly, as a batch written at `at`.
async fn sign_at(store: &Store, campaign: CampaignId, batch: &[ConfirmedSignature], at: Timestamp) {
    let batch: Vec<_> = batch.iter().cloned().map(Confirmation::direct).collect();
    store
        .add_confirmations(campaign, 1, &batch, at)
        .await
        .unwrap();
}

/// Runs one pass to its end in steps of `limit` hour rows; answers every drift it repaired.
async fn run_pass(store: &Store, pass: ReconcilePass, limit: u32) -> Vec<Drift> {
    let mut pass = Some(pass);
    let mut drifted = Vec::new();
    while let Some(step) = pass {
        let step = store.reconcile_step(&step, limit).await.unwrap();
        drifted.extend(step.drifted);
        pass = step.next;
    }
    drifted
}

/// The trending order's sort key of `campaign`: its signatures of the last day.
async fn last_day(store: &Store, campaign: CampaignId) -> i64 {
    let listing = Listing {
        status: ListStatus::Open,
        sort: ListSort::Trending,
        limit: 50,
        ..Listing::default()
    };
    let listed = store.list_campaigns(&listing, today(), hours_ago(24));
    let listed = listed.await.unwrap();
    let (_, cursor) = listed.iter().find(|(s, _)| s.id == campaign).unwrap();
    cursor.key
}

async fn hours_follow_signing_withdrawal_and_invalidation(store: Store) {
    let id = published(&store, "ساعت‌ها", 10).await;
    sign_at(
        &store,
        id,
        &[signer_at(1, hours_ago(30), "b")],
        hours_ago(30),
    )
    .await;
    let recent: Vec<_> = (2..=6).map(|n| signer_at(n, hours_ago(1), "a")).collect();
    sign_at(&store, id, &recent, now()).await;
    sign_at(&store, id, &[signer_at(7, now(), "b")], now()).await;
    assert_eq!(
        last_day(&store, id).await,
        6,
        "the old one is not of the last day"
    );

    let owner = SignatureOwner::WithdrawKey(&withdraw_key("withdraw-2"));
    store.withdraw_signature(&owner, now()).await.unwrap();
    assert_eq!(
        last_day(&store, id).await,
        5,
        "a withdrawal leaves its hour"
    );
    let (job, _) = invalidate_network_a(&store, id, 4).await;
    while store.invalidate_batch(job, 3, now()).await.unwrap() > 0 {}
    assert_eq!(
        last_day(&store, id).await,
        1,
        "invalidated ones leave their hours"
    );
    assert_eq!(campaign_now(&store, id).await.signature_count, 2);
    let networks = store.busiest_sources(id, SourceKind::Network, now(), 10);
    let networks = networks.await.unwrap();
    assert_eq!(
        networks
            .iter()
            .map(|s| (s.source.as_str(), s.last_day))
            .collect::<Vec<_>>(),
        [("b", 1), ("a", 0)],
        "the fraud tools' counts by source follow the count too"
    );
    assert_eq!(
        run_pass(&store, ReconcilePass::everything(), 100).await,
        [],
        "every hour matches its rows, and the total its hours"
    );
}

async fn a_full_pass_in_steps_repairs_drifted_totals_and_hours(store: Store) {
    let steady = published(&store, "پایدار", 10).await;
    let total_drifted = published(&store, "جمع لغزان", 10).await;
    let hours_drifted = published(&store, "ساعت لغزان", 10).await;
    for (campaign, first) in [(steady, 1), (total_drifted, 10), (hours_drifted, 20)] {
        sign_at(
            &store,
            campaign,
            &[signer_at(first, hours_ago(5), "a")],
            hours_ago(5),
        )
        .await;
        let later = [
            signer_at(first + 1, now(), "a"),
            signer_at(first + 2, now(), "a"),
        ];
        sign_at(&store, campaign, &later, now()).await;
    }
    corrupt_signature_count(&store, total_drifted, 40).await;
    corrupt_hour_counts(&store, hours_drifted, 7).await;

    let mut drifted = run_pass(&store, ReconcilePass::everything(), 1).await;
    drifted.sort_by_key(|d| (d.campaign.0, d.hour));
    let (earlier, latest) = (hours_ago(5), now());
    // Iran's clock hours begin at half past the UTC hour.
    let hour = |at: Timestamp| {
        let second = (at.as_second() - 1800) / 3600 * 3600 + 1800;
        Some(Timestamp::from_second(second).unwrap())
    };
    let drift = |campaign, hour, stored, actual| Drift {
        campaign,
        hour,
        stored,
        actual,
    };
    assert_eq!(
        drifted,
        [
            drift(total_drifted, None, 40, 3),
            drift(hours_drifted, hour(earlier), 7, 1),
            drift(hours_drifted, hour(latest), 7, 2),
        ],
        "a total off its hours, and hours off their rows, whose total then matches"
    );
    assert_eq!(campaign_now(&store, total_drifted).await.signature_count, 3);
    assert_eq!(run_pass(&store, ReconcilePass::everything(), 2).await, []);
}

async fn a_pass_since_a_moment_checks_what_changed_since(store: Store) {
    let old = published(&store, "قدیمی", 10).await;
    let new = published(&store, "تازه", 10).await;
    sign_at(
        &store,
        old,
        &[signer_at(1, hours_ago(2), "a")],
        hours_ago(2),
    )
    .await;
    sign_at(&store, new, &[signer_at(2, now(), "a")], now()).await;
    corrupt_signature_count(&store, old, 9).await;
    corrupt_signature_count(&store, new, 9).await;

    let since = ReconcilePass::since(hours_ago(1));
    let drifted = run_pass(&store, since, 10).await;
    assert_eq!(
        drifted.iter().map(|d| d.campaign).collect::<Vec<_>>(),
        [new],
        "only what changed in the last hour"
    );
    assert_eq!(campaign_now(&store, old).await.signature_count, 9);
    let drifted = run_pass(&store, ReconcilePass::everything(), 10).await;
    assert_eq!(
        drifted.iter().map(|d| d.campaign).collect::<Vec<_>>(),
        [old]
    );
}

async fn reconcilers_together_repair_a_drift_once(store: Store) {
    let id = published(&store, "هم‌زمان", 10).await;
    let batch: Vec<_> = (1..=5).map(|n| signer_at(n, now(), "a")).collect();
    sign_at(&store, id, &batch, now()).await;
    corrupt_signature_count(&store, id, 100).await;
    let passes = (0..20).map(|_| {
        let store = store.clone();
        tokio::spawn(async move { run_pass(&store, ReconcilePass::everything(), 1).await })
    });
    let mut repairs = 0;
    for pass in passes.collect::<Vec<_>>() {
        repairs += pass.await.unwrap().len();
    }
    assert_eq!(repairs, 1, "one repair, however many looked at once");
    assert_eq!(campaign_now(&store, id).await.signature_count, 5);
}

async fn signing_beside_reconcilers_never_looks_like_drift(store: Store) {
    let id = published(&store, "امضا در حین بررسی", 10).await;
    let signing = {
        let store = store.clone();
        tokio::spawn(async move {
            for round in 0..40 {
                let batch: Vec<_> = (0..5).map(|n| signer(round * 5 + n)).collect();
                sign(&store, id, &batch).await.unwrap();
            }
        })
    };
    let reconcilers: Vec<_> = (0..4)
        .map(|_| {
            let store = store.clone();
            tokio::spawn(async move {
                let mut drifted = Vec::new();
                for _ in 0..20 {
                    drifted.extend(run_pass(&store, ReconcilePass::everything(), 1).await);
                }
                drifted
            })
        })
        .collect();
    signing.await.unwrap();
    for reconciler in reconcilers {
        assert_eq!(reconciler.await.unwrap(), [], "no false drift");
    }
    assert_eq!(campaign_now(&store, id).await.signature_count, 200);
    assert!(!store.recount_signatures(id).await.unwrap().drifted());
}

async fn growth_comes_by_iran_hour_and_by_iran_day(store: Store) {
    let id = published(&store, "رشد", 10).await;
    let at = |text: &str| text.parse::<Timestamp>().unwrap();
    // 23:10 in Tehran on the 15th, then 00:10 and 00:20 on the 16th.
    for (n, when) in [
        (1, "2024-06-15T19:40:00Z"),
        (2, "2024-06-15T20:40:00Z"),
        (3, "2024-06-15T20:50:00Z"),
    ] {
        sign_at(&store, id, &[signer_at(n, at(when), "a")], now()).await;
    }
    let counts = |buckets: Vec<tomar_store::BucketCount>| -> Vec<(Timestamp, u64)> {
        buckets.into_iter().map(|b| (b.start, b.count)).collect()
    };
    let hours = store.signatures_by_hour(id).await.unwrap();
    assert_eq!(
        counts(hours),
        [
            (at("2024-06-15T19:30:00Z"), 1),
            (at("2024-06-15T20:30:00Z"), 2)
        ]
    );
    let days = store.signatures_by_day(id).await.unwrap();
    assert_eq!(
        counts(days),
        [
            (at("2024-06-14T20:30:00Z"), 1),
            (at("2024-06-15T20:30:00Z"), 2)
        ],
        "Iran days begin at Tehran midnight"
    );
    let owner = SignatureOwner::WithdrawKey(&withdraw_key("withdraw-1"));
    store.withdraw_signature(&owner, now()).await.unwrap();
    let days = store.signatures_by_day(id).await.unwrap();
    assert_eq!(
        counts(days),
        [(at("2024-06-15T20:30:00Z"), 2)],
        "a day that counts none is left out"
    );
}
