//! Merging one campaign into another: the preview, the carrying of new signers with their
//! times and numbers, what moves with them, the logs of both, and "once only" under a crowd.

use jiff::SignedDuration;
use tomar_core::contact::Contact;
use tomar_core::ids::{CampaignId, MemberId, MergeId};
use tomar_core::lifecycle::Lifecycle;
use tomar_core::member::Role;
use tomar_core::moderation::{Actor, ModerationAction, ModerationEvent, Target};
use tomar_core::signature::ConfirmedSignature;
use tomar_core::signature_log::LogEntry;
use tomar_store::{MergeStatus, MergeStep, Store, StoreError};

use crate::{
    campaign_now, comment, contact_key, now, published, sign, signer, today, withdraw, withdraw_key,
};

conformance!(
    a_merge_carries_the_new_signers_with_their_times_and_ends_the_merged_log,
    a_campaign_is_merged_once_however_many_confirm_at_once,
    processes_carrying_one_merge_together_carry_each_signer_once,
    anonymisation_waits_for_a_merge_being_carried_and_then_bars_merging,
);

/// Signer `n`, as having confirmed `hours_ago`, with the withdrawal link `withdraw-{n}`.
fn signed_ago(n: u32, hours_ago: i64) -> ConfirmedSignature {
    let at = now()
        .checked_sub(SignedDuration::from_hours(hours_ago))
        .unwrap();
    ConfirmedSignature {
        confirmed_at: at,
        created_at: at,
        ..signer(n)
    }
}

/// Signer `n` of the campaign that stays, an hour ago: their link there is another one.
fn staying(n: u32) -> ConfirmedSignature {
    ConfirmedSignature {
        withdraw_key: Some(withdraw_key(&format!("withdraw-staying-{n}"))),
        ..signed_ago(n, 1)
    }
}

async fn moderator(store: &Store) -> MemberId {
    let key = contact_key(&Contact::parse("09120000998").unwrap());
    let granted = store.grant_role(&key, "sealed", Role::Moderator, now());
    granted.await.unwrap().id
}

fn merge_event(moderator: MemberId, from: CampaignId) -> ModerationEvent {
    ModerationEvent {
        actor: Actor::Member(moderator),
        action: ModerationAction::Merge,
        target: Target::Campaign(from),
        note: Some("duplicate".into()),
        at: now(),
    }
}

/// Steps the merge in chunks of `chunk` until its preview is counted or it is finished;
/// answers what each step did.
async fn step_until_still(store: &Store, merge: MergeId, chunk: u32) -> Vec<MergeStep> {
    let mut steps = Vec::new();
    loop {
        let step = store.merge_step(merge, chunk, now()).await.unwrap();
        steps.push(step);
        let counted = matches!(
            store.merge(merge).await.unwrap().unwrap().status,
            MergeStatus::Counted
        );
        if counted || matches!(step, MergeStep::Finished | MergeStep::Idle) {
            return steps;
        }
    }
}

/// Proposes merging `from` into `into` and counts the preview to the end.
async fn counted(store: &Store, from: CampaignId, into: CampaignId) -> MergeId {
    let moderator = moderator(store).await;
    let merge = store
        .propose_merge(from, into, moderator, now())
        .await
        .unwrap();
    step_until_still(store, merge, 3).await;
    merge
}

/// A merge of `from` into `into`, counted and confirmed; and the moderator who confirmed it.
async fn confirmed(store: &Store, from: CampaignId, into: CampaignId) -> (MergeId, MemberId) {
    let merge = counted(store, from, into).await;
    let moderator = moderator(store).await;
    store
        .confirm_merge(merge, &merge_event(moderator, from))
        .await
        .unwrap();
    (merge, moderator)
}

async fn a_merge_carries_the_new_signers_with_their_times_and_ends_the_merged_log(store: Store) {
    let into = published(&store, "حفظ باغ‌های شهر", 10).await;
    let from = published(&store, "نجات باغ‌های شهر", 10).await;
    let stayed: Vec<_> = (1..=5).map(staying).collect();
    sign(&store, into, &stayed).await.unwrap();
    // Signers 4 and 5 signed both; 6 to 10 only the duplicate, two days ago.
    let merging: Vec<_> = (4..=10).map(|n| signed_ago(n, 48)).collect();
    sign(&store, from, &merging).await.unwrap();
    store
        .add_comment(&comment(from, None, Some("رها"), "باید باغ‌ها بمانند"))
        .await
        .unwrap();
    let moderator = moderator(&store).await;

    let merge = store
        .propose_merge(from, into, moderator, now())
        .await
        .unwrap();
    let steps = step_until_still(&store, merge, 3).await;
    assert_eq!(
        steps,
        [
            MergeStep::Counted(3),
            MergeStep::Counted(3),
            MergeStep::Counted(1)
        ]
    );
    let preview = store.merge(merge).await.unwrap().unwrap();
    assert_eq!(
        (preview.status, preview.new_signers, preview.already_signed),
        (MergeStatus::Counted, 5, 2)
    );
    // The preview changes nothing.
    assert_eq!(campaign_now(&store, into).await.signature_count, 5);
    assert_eq!(campaign_now(&store, from).await.merged_into, None);

    store
        .confirm_merge(merge, &merge_event(moderator, from))
        .await
        .unwrap();
    let closed = campaign_now(&store, from).await;
    assert_eq!(closed.merged_into, Some(into));
    assert_eq!(closed.lifecycle, Lifecycle::Ended);
    let threads = store.comment_threads(into, None, 10).await.unwrap();
    assert_eq!(threads.len(), 1, "the comment moved with the campaign");
    assert_eq!(
        threads[0].comment.moved_from,
        Some(from),
        "and says where from"
    );
    assert!(
        store
            .comment_threads(from, None, 10)
            .await
            .unwrap()
            .is_empty()
    );

    let steps = step_until_still(&store, merge, 2).await;
    assert_eq!(
        steps,
        [
            MergeStep::Carried(0),
            MergeStep::Carried(2),
            MergeStep::Carried(2),
            MergeStep::Carried(1),
            MergeStep::Finished
        ],
        "chunks of from's signers in order: 4 5 | 6 7 | 8 9 | 10 (4 and 5 signed already)"
    );
    let done = store.merge(merge).await.unwrap().unwrap();
    assert_eq!((done.status, done.carried), (MergeStatus::Done, 5));
    assert_eq!(campaign_now(&store, into).await.signature_count, 10);
    assert_eq!(
        campaign_now(&store, from).await.signature_count,
        7,
        "the merged campaign keeps its own record"
    );
    assert_eq!(
        store.totals().await.unwrap(),
        (1, 10),
        "its signers are counted once, where they went"
    );

    // Numbered after into's own, in from's order, with the times they signed.
    let carried = store.signatures_in_order(into, 5, 10).await.unwrap();
    let numbers: Vec<u64> = carried.iter().map(|s| s.sequence).collect();
    assert_eq!(numbers, [6, 7, 8, 9, 10]);
    assert_eq!(carried[0].name.as_ref(), "امضاکننده 6");
    assert_eq!(
        carried[0].confirmed_at,
        Some(signed_ago(6, 48).confirmed_at)
    );
    let hours = store.signatures_by_hour(into).await.unwrap();
    assert_eq!(
        hours.iter().map(|hour| hour.count).sum::<u64>(),
        10,
        "{hours:?}"
    );
    let recount = store.recount_signatures(into).await.unwrap();
    assert!(!recount.drifted(), "{recount:?}");

    // Into's log gains an entry naming each carried signature in from's log.
    let entries = store.log_entries(into, 0, 100).await.unwrap();
    assert_eq!(entries.len(), 10);
    let mut carried_from: Vec<(u64, u64)> = entries
        .iter()
        .filter_map(|entry| match LogEntry::parse(entry) {
            Some(LogEntry::Carried {
                number,
                from: origin,
                from_number,
                ..
            }) if origin == from => Some((number, from_number)),
            _ => None,
        })
        .collect();
    carried_from.sort();
    assert_eq!(carried_from, [(6, 3), (7, 4), (8, 5), (9, 6), (10, 7)]);
    // From's log ends with where it went.
    let entries = store.log_entries(from, 0, 100).await.unwrap();
    assert_eq!(entries.len(), 8);
    assert_eq!(
        LogEntry::parse(&entries[7]),
        Some(LogEntry::MergedInto {
            into,
            minute: tomar_core::signature_log::to_the_minute(now()),
            carried: 5,
        })
    );

    // A carried signer's withdrawal link now withdraws their signature where it went.
    withdraw(&store, 7).await;
    assert_eq!(campaign_now(&store, into).await.signature_count, 9);
    assert_eq!(campaign_now(&store, from).await.signature_count, 7);
    let joined = store.joined_campaigns(into, 5).await.unwrap();
    assert_eq!(
        joined.iter().map(|j| (j.id, j.carried)).collect::<Vec<_>>(),
        [(from, 5)]
    );
}

async fn a_campaign_is_merged_once_however_many_confirm_at_once(store: Store) {
    let into = published(&store, "یکی", 10).await;
    let other = published(&store, "دیگری", 10).await;
    let from = published(&store, "تکراری", 10).await;
    let batch: Vec<_> = (1..=4).map(|n| signed_ago(n, 2)).collect();
    sign(&store, from, &batch).await.unwrap();
    let merges = [
        counted(&store, from, into).await,
        counted(&store, from, other).await,
    ];
    let moderator = moderator(&store).await;
    let crowd: Vec<_> = (0..100)
        .map(|n| {
            let store = store.clone();
            let merge = merges[n % 2];
            tokio::spawn(async move {
                store
                    .confirm_merge(merge, &merge_event(moderator, from))
                    .await
            })
        })
        .collect();
    let mut merged = 0;
    for confirming in crowd {
        match confirming.await.unwrap() {
            Ok(()) => merged += 1,
            Err(StoreError::Conflict) => {}
            Err(other) => panic!("{other}"),
        }
    }
    assert_eq!(merged, 1);
    let went = campaign_now(&store, from).await.merged_into.unwrap();
    assert!(went == into || went == other);
    let log = store.moderation_log(None, 100).await.unwrap();
    let merge_events = log
        .iter()
        .filter(|logged| logged.event.action == ModerationAction::Merge)
        .count();
    assert_eq!(merge_events, 1);
    // Nothing more may be merged from it, nor into it.
    let again = store.propose_merge(from, went, moderator, now()).await;
    assert!(matches!(again, Err(StoreError::Conflict)), "{again:?}");
    let onto = store.propose_merge(went, from, moderator, now()).await;
    assert!(matches!(onto, Err(StoreError::Conflict)), "{onto:?}");
    let itself = store.propose_merge(into, into, moderator, now()).await;
    assert!(matches!(itself, Err(StoreError::Conflict)), "{itself:?}");
}

async fn processes_carrying_one_merge_together_carry_each_signer_once(store: Store) {
    let into = published(&store, "می‌ماند", 10).await;
    let from = published(&store, "می‌رود", 10).await;
    let stayed: Vec<_> = (1..=50).map(staying).collect();
    sign(&store, into, &stayed).await.unwrap();
    let merging: Vec<_> = (26..=325).map(|n| signed_ago(n, 3)).collect();
    sign(&store, from, &merging).await.unwrap();
    let (merge, _) = confirmed(&store, from, into).await;
    let workers: Vec<_> = (0..8)
        .map(|_| {
            let store = store.clone();
            tokio::spawn(async move {
                let mut carried = 0;
                loop {
                    match store.merge_step(merge, 7, now()).await.unwrap() {
                        MergeStep::Carried(n) => carried += n,
                        MergeStep::Finished | MergeStep::Idle => return carried,
                        MergeStep::Counted(_) => panic!("counted after confirming"),
                    }
                }
            })
        })
        .collect();
    let mut carried = 0;
    for worker in workers {
        carried += worker.await.unwrap();
    }
    assert_eq!(carried, 275);
    assert_eq!(campaign_now(&store, into).await.signature_count, 325);
    assert_eq!(store.log_size(into).await.unwrap(), 325);
    assert_eq!(
        store.log_size(from).await.unwrap(),
        301,
        "one closing entry"
    );
    let numbers: Vec<u64> = store
        .signatures_in_order(into, 0, 1000)
        .await
        .unwrap()
        .iter()
        .map(|s| s.sequence)
        .collect();
    assert_eq!(numbers, (1..=325).collect::<Vec<_>>());
}

async fn anonymisation_waits_for_a_merge_being_carried_and_then_bars_merging(store: Store) {
    // Both ended five days ago: due for anonymisation by tomorrow's rule.
    let into = published(&store, "پایان‌یافته که می‌ماند", -5).await;
    let from = published(&store, "پایان‌یافتهٔ تکراری", -5).await;
    sign(&store, from, &[signed_ago(1, 200), signed_ago(2, 200)])
        .await
        .unwrap();
    let (merge, moderator) = confirmed(&store, from, into).await;
    let tomorrow = today().checked_add(jiff::ToSpan::days(1)).unwrap();
    let waited = store
        .anonymise_ended_campaigns(tomorrow, now())
        .await
        .unwrap();
    assert_eq!(
        waited.campaigns, 0,
        "neither is erased while signers are carried"
    );
    step_until_still(&store, merge, 10).await;
    assert_eq!(campaign_now(&store, into).await.signature_count, 2);
    let erased = store
        .anonymise_ended_campaigns(tomorrow, now())
        .await
        .unwrap();
    assert_eq!(erased.campaigns, 2);
    let open = published(&store, "هنوز باز", 10).await;
    let late = store.propose_merge(open, into, moderator, now()).await;
    assert!(matches!(late, Err(StoreError::Conflict)), "{late:?}");
}
