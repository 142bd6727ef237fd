//! The store conformance suite: every store behaviour, written once, run against SQLite and
//! against PostgreSQL (when `TOMAR_TEST_POSTGRES_URL` names a server).

use jiff::ToSpan;
use tomar_core::body::LetterBody;
use tomar_core::campaign::{Addressee, CampaignKind, CampaignText, NewCampaign};
use tomar_core::comment::{CommentStatus, NewComment};
use tomar_core::ids::{CampaignId, CommentId, MemberId};
use tomar_core::lifecycle::{LegalOrder, Lifecycle, Outcome, Status, Transition};
use tomar_core::listing::{ListSort, ListStatus, Listing};
use tomar_core::member::Role;
use tomar_core::message::{OutboundMessage, OutboxMessage};
use tomar_core::moderation::{Actor, ModerationEvent, Target};
use tomar_core::names::{CampaignRef, Hashtag, Line, PersonName, Slug};
use tomar_core::news::{NewNewsLink, NewsStatus};
use tomar_core::search::SearchQuery;
use tomar_core::signature::Channel;
use tomar_core::signature::{ConfirmedSignature, Contact, SignatureStatus};
use tomar_core::update::{NewUpdate, UpdateAuthor};
use tomar_core::verification::{
    CODE_ATTEMPTS, NewVerification, Purpose, RESENDS, VerificationState,
};
use tomar_core::{Date, Timestamp};
use tomar_store::testing::corrupt_signature_count;
use tomar_store::{
    Confirmation, Confirmed, Resend, SignatureOwner, SigningWriter, Store, StoreError,
};

macro_rules! conformance {
    ($($test:ident),* $(,)?) => {
        mod sqlite {
            $(#[tokio::test] async fn $test() { tomar_store::testing::on_sqlite(super::$test).await })*
        }
        mod postgres {
            $(#[tokio::test] async fn $test() { tomar_store::testing::on_postgres(super::$test).await })*
        }
    };
}

conformance!(
    a_draft_reads_back_by_id_and_by_slug,
    hostile_text_reads_back_exactly,
    a_taken_slug_is_refused,
    unknown_campaigns_are_none,
    transitions_are_saved_with_their_events,
    a_stale_transition_writes_nothing,
    outcomes_are_saved_with_their_events,
    hashtags_list_public_campaigns_only,
    signatures_are_numbered_and_counted_once_per_batch,
    duplicate_contacts_are_not_counted,
    signature_pages_go_newest_first_by_key,
    recount_repairs_drift,
    reconciliation_reports_and_repairs_every_drifted_campaign,
    comments_thread_one_level_deep,
    replies_must_answer_a_top_level_comment_of_the_same_campaign,
    news_links_wait_for_review_and_are_unique,
    updates_list_newest_first,
    settings_are_set_and_replaced,
    a_cached_campaign_shows_this_stores_changes_at_once,
    references_to_missing_campaigns_are_refused,
    verifications_are_stored_with_their_message,
    attempts_run_out,
    a_verification_confirms_once,
    contact_history_counts_codes_by_contact_and_network_and_knows_signers,
    withdrawal_takes_a_signature_off_the_count_once,
    only_confirmed_signers_who_asked_for_news_are_kept_for_updates,
    outbox_messages_are_claimed_once_and_forget_their_recipient,
    code_messages_leased_to_their_writer_are_claimed_only_after_the_lease,
    failed_messages_are_retried_then_given_up,
    concurrent_confirmations_are_counted_exactly,
    concurrent_codes_are_all_stored_with_their_messages,
    members_register_on_first_login_and_keep_their_role,
    sessions_end_and_names_change,
    a_members_signatures_campaigns_and_comments_are_listed,
    drafts_and_rejected_campaigns_are_edited_in_place_and_nothing_else,
    the_review_queue_is_oldest_first,
    campaigns_past_the_threshold_without_an_outcome_are_due_for_delivery,
    rejection_reasons_are_listed_and_retired,
    the_moderation_log_pages_newest_first,
    a_published_text_is_revised_through_review,
    flags_count_once_per_person_and_hide_until_reviewed,
    posts_are_counted_per_network,
    pending_news_links_are_listed_across_campaigns,
    listings_filter_by_status_kind_category_and_hashtag,
    listings_sort_four_ways,
    listings_page_by_key_without_duplicates_or_gaps_while_campaigns_arrive,
    persian_search_folds_letters_digits_and_joiners_and_ranks_titles_first,
    search_follows_edits_and_revisions,
    codes_are_resent_after_a_cooldown_a_few_times,
);

fn now() -> Timestamp {
    "2024-06-16T08:00:00Z".parse().unwrap()
}

fn today() -> Date {
    tomar_core::calendar::iran_date(now())
}

fn line(s: &str) -> Line {
    Line::parse(s, 500).unwrap()
}

fn new_campaign(title: &str, slug: Option<&str>, end_in_days: i32) -> NewCampaign {
    NewCampaign {
        slug: slug.map(|s| Slug::parse(s).unwrap()),
        kind: CampaignKind::Request,
        text: CampaignText {
            title: line(title),
            addressees: vec![
                Addressee {
                    name: line("جناب آقای نمونه"),
                    position: line("ریاست محترم اداره"),
                },
                Addressee {
                    name: line("سرکار خانم مثال"),
                    position: line("معاون محترم"),
                },
            ],
            body: LetterBody::parse("بند اول\n\n- نکته یک\n- نکته دو").unwrap(),
            on_behalf_of: line("جمعی از شهروندان"),
            author_name: line("نویسنده آزمایشی"),
            hashtag: Hashtag::parse("#آزمایش").unwrap(),
        },
        category: Some(line("محیط زیست")),
        author_id: None,
        start_date: today().checked_sub(30.days()).unwrap(),
        end_date: today().checked_add(end_in_days.days()).unwrap(),
        signature_goal: Some(1000),
    }
}

/// Creates a campaign and moves it through review to published.
async fn published(store: &Store, title: &str, end_in_days: i32) -> CampaignId {
    let id = store
        .create_campaign(&new_campaign(title, None, end_in_days), now())
        .await
        .unwrap();
    for step in [Transition::Submit, Transition::Approve] {
        transition(store, id, step).await.unwrap();
    }
    id
}

async fn transition(store: &Store, id: CampaignId, step: Transition) -> Result<(), StoreError> {
    let mut campaign = store.campaign(&CampaignRef::Id(id)).await.unwrap().unwrap();
    let before = campaign.lifecycle.clone();
    let event = campaign.apply(step, Actor::Platform, None, now()).unwrap();
    store.save_transition(&campaign, &before, &event).await
}

/// Confirms `batch` directly (no verification).
async fn sign(
    store: &Store,
    campaign: CampaignId,
    batch: &[ConfirmedSignature],
) -> Result<Vec<Confirmed>, StoreError> {
    let batch: Vec<_> = batch.iter().cloned().map(Confirmation::direct).collect();
    store.add_confirmations(campaign, 1, &batch, now()).await
}

fn signer(n: u32) -> ConfirmedSignature {
    let contact = Contact::parse(&format!("0912{n:07}")).unwrap();
    ConfirmedSignature {
        name: PersonName::parse(&format!("امضاکننده {n}")).unwrap(),
        public: !n.is_multiple_of(3),
        wants_updates: false,
        sealed_contact: None,
        contact_key: contact.key(b"test secret"),
        withdraw_key: Some(format!("withdraw-{n}")),
        created_at: now(),
        confirmed_at: now(),
    }
}

async fn a_draft_reads_back_by_id_and_by_slug(store: Store) {
    let new = new_campaign("درخواست آزمایشی", Some("trial"), 10);
    let id = store.create_campaign(&new, now()).await.unwrap();
    let by_id = store.campaign(&CampaignRef::Id(id)).await.unwrap().unwrap();
    let by_slug = store
        .campaign(&CampaignRef::parse("trial").unwrap())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(by_id.id, id);
    assert_eq!(by_slug.id, id);
    assert_eq!(by_id.text, new.text);
    assert_eq!(by_id.slug, new.slug);
    assert_eq!(by_id.kind, CampaignKind::Request);
    assert_eq!(by_id.category, new.category);
    assert_eq!(
        (by_id.start_date, by_id.end_date),
        (new.start_date, new.end_date)
    );
    assert_eq!(by_id.signature_goal, Some(1000));
    assert_eq!(by_id.text_version, 1);
    assert_eq!(by_id.lifecycle, Lifecycle::Draft);
    assert_eq!(by_id.outcome, Outcome::None);
    assert_eq!(by_id.signature_count, 0);
    assert_eq!(by_id.created_at, now());
    assert_eq!(by_id.published_at, None);
    assert_eq!(store.campaign_count().await.unwrap(), 1);
}

async fn hostile_text_reads_back_exactly(store: Store) {
    let hostile = "'; DROP TABLE campaigns; -- <script>alert(\"x\")</script> \\ %_";
    let mut new = new_campaign(hostile, None, 10);
    new.text.body = LetterBody::parse(hostile).unwrap();
    let id = store.create_campaign(&new, now()).await.unwrap();
    let back = store.campaign(&CampaignRef::Id(id)).await.unwrap().unwrap();
    assert_eq!(back.text.title.as_ref(), hostile);
    assert_eq!(back.text.body.as_ref(), hostile);
    assert_eq!(store.campaign_count().await.unwrap(), 1);
}

async fn a_taken_slug_is_refused(store: Store) {
    store
        .create_campaign(&new_campaign("یک", Some("same"), 10), now())
        .await
        .unwrap();
    let second = store
        .create_campaign(&new_campaign("دو", Some("same"), 10), now())
        .await;
    assert!(matches!(second, Err(StoreError::SlugTaken(slug)) if slug == "same"));
    assert_eq!(
        store.campaign_count().await.unwrap(),
        1,
        "nothing half-written"
    );
}

async fn unknown_campaigns_are_none(store: Store) {
    assert!(
        store
            .campaign(&CampaignRef::Id(CampaignId(424242)))
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        store
            .campaign(&CampaignRef::parse("nobody").unwrap())
            .await
            .unwrap()
            .is_none()
    );
}

async fn transitions_are_saved_with_their_events(store: Store) {
    let id = published(&store, "منتشرشده", 10).await;
    let campaign = store.campaign(&CampaignRef::Id(id)).await.unwrap().unwrap();
    assert_eq!(campaign.lifecycle, Lifecycle::Published);
    assert_eq!(campaign.published_at, Some(now()));
    assert_eq!(campaign.status(now()), Status::Open);

    let order = LegalOrder {
        reference: "دستور ۱۲/۱۴۰۳".into(),
    };
    transition(&store, id, Transition::Suspend(order.clone()))
        .await
        .unwrap();
    let campaign = store.campaign(&CampaignRef::Id(id)).await.unwrap().unwrap();
    assert_eq!(campaign.lifecycle, Lifecycle::Suspended(order));

    let events = store.moderation_events(Target::Campaign(id)).await.unwrap();
    let actions: Vec<_> = events.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(actions, ["submit", "approve", "suspend"]);
    assert!(
        events
            .iter()
            .all(|e| e.actor == Actor::Platform && e.at == now())
    );

    let reason = store
        .add_rejection_reason("نامشخص", "Unclear")
        .await
        .unwrap();
    let draft = store
        .create_campaign(&new_campaign("رد", None, 10), now())
        .await
        .unwrap();
    transition(&store, draft, Transition::Submit).await.unwrap();
    transition(&store, draft, Transition::Reject(reason))
        .await
        .unwrap();
    let rejected = store
        .campaign(&CampaignRef::Id(draft))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(rejected.lifecycle, Lifecycle::Rejected(reason));
}

async fn a_stale_transition_writes_nothing(store: Store) {
    let id = store
        .create_campaign(&new_campaign("کهنه", None, 10), now())
        .await
        .unwrap();
    let mut stale = store.campaign(&CampaignRef::Id(id)).await.unwrap().unwrap();
    transition(&store, id, Transition::Submit).await.unwrap();
    // `stale` still thinks it is a draft; saving its submit must not apply twice.
    let before = stale.lifecycle.clone();
    let event = stale
        .apply(Transition::Submit, Actor::Platform, None, now())
        .unwrap();
    let result = store.save_transition(&stale, &before, &event).await;
    assert!(matches!(result, Err(StoreError::Conflict)));
    assert_eq!(
        store
            .moderation_events(Target::Campaign(id))
            .await
            .unwrap()
            .len(),
        1
    );
}

async fn outcomes_are_saved_with_their_events(store: Store) {
    let id = published(&store, "موفق", 10).await;
    let won = Outcome::Succeeded {
        news_url: "https://news.example/1".into(),
    };
    let event = ModerationEvent {
        actor: Actor::Platform,
        action: "outcome".into(),
        target: Target::Campaign(id),
        note: Some("خبر موفقیت".into()),
        at: now(),
    };
    store.set_outcome(id, &won, &event).await.unwrap();
    let campaign = store.campaign(&CampaignRef::Id(id)).await.unwrap().unwrap();
    assert_eq!(campaign.outcome, won);
    let events = store.moderation_events(Target::Campaign(id)).await.unwrap();
    assert_eq!(events.last(), Some(&event));
    let missing = store
        .set_outcome(CampaignId(9999), &Outcome::Failed, &event)
        .await;
    assert!(matches!(missing, Err(StoreError::NotFound(_))));
}

async fn hashtags_list_public_campaigns_only(store: Store) {
    let open = published(&store, "باز", 10).await;
    let ended = published(&store, "تمام", -1).await;
    store
        .create_campaign(&new_campaign("پیش‌نویس", None, 10), now())
        .await
        .unwrap();
    let mut other = new_campaign("دیگر", None, 10);
    other.text.hashtag = Hashtag::parse("دیگر").unwrap();
    let other = store.create_campaign(&other, now()).await.unwrap();
    for step in [Transition::Submit, Transition::Approve] {
        transition(&store, other, step).await.unwrap();
    }
    sign(&store, ended, &[signer(1)]).await.unwrap();
    let tagged = store
        .campaigns_with_hashtag(&Hashtag::parse("#آزمایش").unwrap(), 10)
        .await
        .unwrap();
    assert_eq!(
        tagged.iter().map(|c| c.id).collect::<Vec<_>>(),
        [ended, open]
    );
}

async fn signatures_are_numbered_and_counted_once_per_batch(store: Store) {
    let id = published(&store, "امضا", 10).await;
    let first = sign(&store, id, &[signer(1), signer(2)]).await.unwrap();
    let second = sign(&store, id, &[signer(3)]).await.unwrap();
    assert_eq!(first, [Confirmed::Signed(1), Confirmed::Signed(2)]);
    assert_eq!(second, [Confirmed::Signed(3)]);
    let campaign = store.campaign(&CampaignRef::Id(id)).await.unwrap().unwrap();
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
    elsewhere.withdraw_key = Some("withdraw-elsewhere".into());
    assert_eq!(
        sign(&store, other, &[elsewhere]).await.unwrap(),
        [Confirmed::Signed(1)]
    );
    let campaign = store.campaign(&CampaignRef::Id(id)).await.unwrap().unwrap();
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
    assert_eq!(
        store
            .campaign(&CampaignRef::Id(id))
            .await
            .unwrap()
            .unwrap()
            .signature_count,
        2
    );
}

fn comment(
    campaign: CampaignId,
    parent: Option<CommentId>,
    name: Option<&str>,
    body: &str,
) -> NewComment {
    NewComment {
        campaign_id: campaign,
        parent_id: parent,
        author_id: None,
        name: name.map(|n| PersonName::parse(n).unwrap()),
        body: LetterBody::parse(body).unwrap(),
        client_key: None,
        at: now(),
    }
}

async fn comments_thread_one_level_deep(store: Store) {
    let id = published(&store, "گفتگو", 10).await;
    let first = store
        .add_comment(&comment(id, None, Some("مریم"), "نخست"))
        .await
        .unwrap();
    let second = store
        .add_comment(&comment(id, None, None, "ناشناس"))
        .await
        .unwrap();
    let reply = store
        .add_comment(&comment(id, Some(first), Some("رضا"), "پاسخ"))
        .await
        .unwrap();
    let threads = store.comment_threads(id, None, 10).await.unwrap();
    assert_eq!(
        threads.iter().map(|t| t.comment.id).collect::<Vec<_>>(),
        [second, first]
    );
    assert_eq!(threads[0].comment.name, None);
    assert!(threads[0].replies.is_empty());
    assert_eq!(
        threads[1].replies.iter().map(|r| r.id).collect::<Vec<_>>(),
        [reply]
    );
    assert_eq!(threads[1].replies[0].status, CommentStatus::Visible);
    let newest_only = store.comment_threads(id, None, 1).await.unwrap();
    assert_eq!(newest_only.len(), 1);
    assert_eq!(newest_only[0].comment.id, second);
    // The next page starts below the last thread shown, with its replies.
    let older = store.comment_threads(id, Some(second), 1).await.unwrap();
    assert_eq!(older.len(), 1);
    assert_eq!((older[0].comment.id, older[0].replies.len()), (first, 1));
    assert!(
        store
            .comment_threads(id, Some(first), 1)
            .await
            .unwrap()
            .is_empty()
    );
}

async fn replies_must_answer_a_top_level_comment_of_the_same_campaign(store: Store) {
    let id = published(&store, "یک", 10).await;
    let other = published(&store, "دو", 10).await;
    let top = store
        .add_comment(&comment(id, None, None, "سلام"))
        .await
        .unwrap();
    let reply = store
        .add_comment(&comment(id, Some(top), None, "پاسخ"))
        .await
        .unwrap();
    for bad in [
        comment(id, Some(reply), None, "پاسخ به پاسخ"),
        comment(other, Some(top), None, "از کارزار دیگر"),
        comment(id, Some(CommentId(9999)), None, "بی‌پدر"),
    ] {
        assert!(matches!(
            store.add_comment(&bad).await,
            Err(StoreError::InvalidParent)
        ));
    }
    let threads = store.comment_threads(id, None, 10).await.unwrap();
    assert_eq!(threads.len(), 1);
    assert_eq!(threads[0].replies.len(), 1);
}

async fn news_links_wait_for_review_and_are_unique(store: Store) {
    let id = published(&store, "خبر", 10).await;
    let link = |url: &str| NewNewsLink {
        campaign_id: id,
        url: url.into(),
        title: line("عنوان خبر"),
        source_host: "news.example".into(),
        submitter_name: None,
        client_key: None,
        at: now(),
    };
    let first = store
        .add_news_link(&link("https://news.example/a"))
        .await
        .unwrap();
    let second = store
        .add_news_link(&link("https://news.example/b"))
        .await
        .unwrap();
    let again = store.add_news_link(&link("https://news.example/a")).await;
    assert!(matches!(again, Err(StoreError::DuplicateNewsLink)));
    assert!(
        store
            .news_links(id, NewsStatus::Approved)
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        store
            .news_links(id, NewsStatus::Pending)
            .await
            .unwrap()
            .len(),
        2
    );

    for (link, status) in [
        (first, NewsStatus::Approved),
        (second, NewsStatus::Approved),
    ] {
        let event = ModerationEvent {
            actor: Actor::Platform,
            action: "approve".into(),
            target: Target::NewsLink(link),
            note: None,
            at: now(),
        };
        store.review_news_link(link, status, &event).await.unwrap();
    }
    let approved = store.news_links(id, NewsStatus::Approved).await.unwrap();
    assert_eq!(
        approved.iter().map(|l| l.id).collect::<Vec<_>>(),
        [second, first]
    );
    assert_eq!(approved[0].source_host, "news.example");
    assert_eq!(
        store
            .moderation_events(Target::NewsLink(first))
            .await
            .unwrap()
            .len(),
        1
    );
}

async fn updates_list_newest_first(store: Store) {
    let id = published(&store, "به‌روزرسانی", 10).await;
    for (title, author) in [
        ("اول", UpdateAuthor::CampaignAuthor),
        ("دوم", UpdateAuthor::Platform),
    ] {
        let update = NewUpdate {
            campaign_id: id,
            author,
            title: line(title),
            body: LetterBody::parse("متن").unwrap(),
            at: now(),
        };
        // Each update's news goes out in the same transaction as the update.
        store.add_update(&update, &[message(title)]).await.unwrap();
    }
    let queued = store.claim_due_messages(now(), now(), 10).await.unwrap();
    assert_eq!(bodies(&queued), ["اول", "دوم"]);
    let updates = store.updates(id).await.unwrap();
    let titles: Vec<_> = updates.iter().map(|u| u.title.as_ref()).collect();
    assert_eq!(titles, ["دوم", "اول"]);
    assert_eq!(updates[0].author, UpdateAuthor::Platform);
}

async fn a_cached_campaign_shows_this_stores_changes_at_once(store: Store) {
    let id = store
        .create_campaign(&new_campaign("در حافظه", Some("kept"), 10), now())
        .await
        .unwrap();
    let by_slug = CampaignRef::Slug(Slug::parse("kept").unwrap());
    let by_id = CampaignRef::Id(id);
    let lifecycle = |by: CampaignRef| {
        let store = store.clone();
        async move {
            let campaign = store.cached_campaign(&by).await.unwrap().unwrap();
            campaign.lifecycle.name()
        }
    };
    assert_eq!(lifecycle(by_slug.clone()).await, "draft");
    assert_eq!(lifecycle(by_id.clone()).await, "draft");
    for (step, name) in [
        (Transition::Submit, "in_review"),
        (Transition::Approve, "published"),
        (Transition::End, "ended"),
    ] {
        transition(&store, id, step).await.unwrap();
        assert_eq!(lifecycle(by_slug.clone()).await, name, "by slug");
        assert_eq!(lifecycle(by_id.clone()).await, name, "by number");
    }
    let missing = CampaignRef::Id(CampaignId(9999));
    assert!(store.cached_campaign(&missing).await.unwrap().is_none());
}

async fn settings_are_set_and_replaced(store: Store) {
    assert!(store.settings().await.unwrap().is_empty());
    store
        .set_setting("channel.telegram", "https://t.me/a")
        .await
        .unwrap();
    store
        .set_setting("channel.telegram", "https://t.me/b")
        .await
        .unwrap();
    let settings = store.settings().await.unwrap();
    assert_eq!(
        settings.get("channel.telegram").map(String::as_str),
        Some("https://t.me/b")
    );
    assert_eq!(settings.len(), 1);
    assert_eq!(
        store
            .setting_or_insert("channel.telegram", "https://t.me/c")
            .await
            .unwrap(),
        "https://t.me/b"
    );
    assert_eq!(
        store.setting_or_insert("fresh", "first").await.unwrap(),
        "first"
    );
    assert_eq!(
        store.setting_or_insert("fresh", "second").await.unwrap(),
        "first"
    );
    store
        .set_settings(&[("a.b", "1".into()), ("c", "سه".into())])
        .await
        .unwrap();
    let settings = store.settings().await.unwrap();
    assert_eq!(settings.get("a.b").map(String::as_str), Some("1"));
    assert_eq!(settings.get("c").map(String::as_str), Some("سه"));
}

async fn references_to_missing_campaigns_are_refused(store: Store) {
    let result = store
        .add_comment(&comment(CampaignId(9999), None, None, "هیچ"))
        .await;
    assert!(matches!(result, Err(StoreError::MissingReference)));
}

fn new_verification(
    id: &str,
    campaign: CampaignId,
    contact: &str,
    network: &str,
) -> NewVerification {
    NewVerification {
        id: id.into(),
        purpose: Purpose::Sign,
        campaign_id: Some(campaign),
        contact_key: Contact::parse(contact).unwrap().key(b"test secret"),
        channel: Channel::Sms,
        code_hash: format!("hash-of-{id}"),
        name: Some(PersonName::parse("سارا نیک‌نام").unwrap()),
        public: false,
        wants_updates: true,
        sealed_contact: Some(format!("sealed-{contact}")),
        withdraw_key: format!("withdraw-key-{id}"),
        client_key: network.into(),
        at: now(),
    }
}

/// The texts of outbox messages, in order.
fn bodies(messages: &[OutboxMessage]) -> Vec<&str> {
    messages.iter().map(|m| m.message.body.as_str()).collect()
}

fn message(body: &str) -> OutboundMessage {
    OutboundMessage {
        channel: Channel::Sms,
        recipient: "+989121234567".into(),
        subject: String::new(),
        body: body.into(),
    }
}

async fn verifications_are_stored_with_their_message(store: Store) {
    let id = published(&store, "تأیید", 10).await;
    store
        .create_verification(
            &new_verification("v1", id, "09121234567", "net"),
            &message("کد: 123456"),
        )
        .await
        .unwrap();
    let stored = store.verification("v1").await.unwrap().unwrap();
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
    assert!(store.verification("nope").await.unwrap().is_none());
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
        assert_eq!(store.spend_attempt("v1").await.unwrap(), Some(left));
    }
    assert_eq!(store.spend_attempt("v1").await.unwrap(), None);
    let dead = store.verification("v1").await.unwrap().unwrap();
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
        verification_id: Some("v1".into()),
    };
    let both = [confirmation.clone(), confirmation];
    let outcomes = store.add_confirmations(id, 1, &both, now()).await.unwrap();
    assert_eq!(
        outcomes,
        [Confirmed::Signed(1), Confirmed::VerificationUsed]
    );
    assert!(store.has_signed(id, &signer(1).contact_key).await.unwrap());
    let used = store.verification("v1").await.unwrap().unwrap();
    assert_eq!(used.state(now()), VerificationState::Used);
    assert_eq!(used.signature_sequence, Some(1));
    assert_eq!(used.withdraw_key, "withdraw-key-v1");
    assert_eq!(used.sealed_contact.as_deref(), Some("sealed-09121234567"));
    assert_eq!(
        store.spend_attempt("v1").await.unwrap(),
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
        verification_id: Some("v2".into()),
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
            .verification("v2")
            .await
            .unwrap()
            .unwrap()
            .state(now()),
        VerificationState::Used
    );
    assert_eq!(
        store
            .campaign(&CampaignRef::Id(id))
            .await
            .unwrap()
            .unwrap()
            .signature_count,
        1
    );
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
    let key = Contact::parse("09121234567").unwrap().key(b"test secret");
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

async fn withdrawal_takes_a_signature_off_the_count_once(store: Store) {
    let id = published(&store, "انصراف", 10).await;
    sign(&store, id, &[signer(1), signer(2)]).await.unwrap();
    let signature = store
        .signature_by_withdraw_key("withdraw-1")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(signature.sequence, 1);
    assert_eq!(
        store
            .withdraw_signature(&SignatureOwner::WithdrawKey("withdraw-1"), now())
            .await
            .unwrap(),
        Some(id)
    );
    assert_eq!(
        store
            .withdraw_signature(&SignatureOwner::WithdrawKey("withdraw-1"), now())
            .await
            .unwrap(),
        None
    );
    assert_eq!(
        store
            .withdraw_signature(&SignatureOwner::WithdrawKey("no-such-key"), now())
            .await
            .unwrap(),
        None
    );
    let campaign = store.campaign(&CampaignRef::Id(id)).await.unwrap().unwrap();
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
    // Withdrawn is final for this contact on this campaign.
    assert_eq!(
        sign(&store, id, &[signer(1)]).await.unwrap(),
        [Confirmed::AlreadySigned]
    );
}

async fn code_messages_leased_to_their_writer_are_claimed_only_after_the_lease(store: Store) {
    let id = published(&store, "اجاره", 10).await;
    let batch: Vec<_> = (1..=3)
        .map(|n| {
            let new = new_verification(&format!("v{n}"), id, &format!("0912000000{n}"), "a");
            (new, message(&format!("m{n}")))
        })
        .collect();
    let lease = now()
        .checked_add(jiff::SignedDuration::from_mins(2))
        .unwrap();
    let written = store
        .create_verifications(&batch, Some(lease))
        .await
        .unwrap();
    assert_eq!(
        bodies(&written),
        ["m1", "m2", "m3"],
        "answered in the order given"
    );
    assert!(written.windows(2).all(|pair| pair[0].id < pair[1].id));
    assert!(written.iter().all(|m| m.attempts == 0));
    assert!(
        store
            .claim_due_messages(now(), now(), 10)
            .await
            .unwrap()
            .is_empty(),
        "leased to the writer"
    );
    store
        .mark_messages_sent(&[written[0].id], now())
        .await
        .unwrap();
    // Should the writer's process die, the others fall due when the lease ends.
    let after_lease = lease
        .checked_add(jiff::SignedDuration::from_secs(1))
        .unwrap();
    let lapsed = store
        .claim_due_messages(after_lease, after_lease, 10)
        .await
        .unwrap();
    let ids: Vec<_> = lapsed.iter().map(|m| m.id).collect();
    assert_eq!(ids, [written[1].id, written[2].id]);
}

async fn outbox_messages_are_claimed_once_and_forget_their_recipient(store: Store) {
    let id = published(&store, "صندوق", 10).await;
    for n in 1..=3 {
        let new = new_verification(&format!("v{n}"), id, &format!("0912000000{n}"), "a");
        store
            .create_verification(&new, &message(&format!("m{n}")))
            .await
            .unwrap();
    }
    let lease = now()
        .checked_add(jiff::SignedDuration::from_mins(1))
        .unwrap();
    let first = store.claim_due_messages(now(), lease, 2).await.unwrap();
    let second = store.claim_due_messages(now(), lease, 2).await.unwrap();
    assert_eq!(bodies(&first), ["m1", "m2"]);
    assert_eq!(bodies(&second), ["m3"]);
    store
        .mark_messages_sent(&[first[0].id], now())
        .await
        .unwrap();
    // After the lease, unsent claims come back; sent ones never do.
    let after_lease = lease
        .checked_add(jiff::SignedDuration::from_secs(1))
        .unwrap();
    let again = store
        .claim_due_messages(after_lease, after_lease, 10)
        .await
        .unwrap();
    assert_eq!(bodies(&again), ["m2", "m3"]);
}

async fn failed_messages_are_retried_then_given_up(store: Store) {
    let id = published(&store, "خطا", 10).await;
    store
        .create_verification(
            &new_verification("v1", id, "09121234567", "a"),
            &message("m"),
        )
        .await
        .unwrap();
    let claimed = store.claim_due_messages(now(), now(), 1).await.unwrap();
    let retry_at = now()
        .checked_add(jiff::SignedDuration::from_secs(30))
        .unwrap();
    store
        .mark_message_failed(claimed[0].id, "gateway down", Some(retry_at), now())
        .await
        .unwrap();
    assert!(
        store
            .claim_due_messages(now(), now(), 1)
            .await
            .unwrap()
            .is_empty()
    );
    let retried = store
        .claim_due_messages(retry_at, retry_at, 1)
        .await
        .unwrap();
    assert_eq!(retried[0].attempts, 1);
    store
        .mark_message_failed(retried[0].id, "gateway down", None, retry_at)
        .await
        .unwrap();
    let much_later = retry_at
        .checked_add(jiff::SignedDuration::from_hours(1))
        .unwrap();
    assert!(
        store
            .claim_due_messages(much_later, much_later, 1)
            .await
            .unwrap()
            .is_empty()
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
            signature.withdraw_key = Some(format!("w{i}"));
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
            Confirmed::VerificationUsed => panic!("no verifications here"),
        }
    }
    numbers.sort_unstable();
    assert_eq!(
        numbers,
        (1..=200).collect::<Vec<u64>>(),
        "each person once, numbers without gaps"
    );
    assert_eq!(duplicates, 100);
    let campaign = store.campaign(&CampaignRef::Id(id)).await.unwrap().unwrap();
    assert_eq!(campaign.signature_count, 200);
    assert!(!store.recount_signatures(id).await.unwrap().drifted());
}

async fn reconciliation_reports_and_repairs_every_drifted_campaign(store: Store) {
    let steady = published(&store, "پایدار", 10).await;
    let drifting = published(&store, "لغزان", 10).await;
    store
        .create_campaign(&new_campaign("پیش‌نویس", None, 10), now())
        .await
        .unwrap();
    sign(&store, steady, &[signer(1)]).await.unwrap();
    let mut other = signer(2);
    other.withdraw_key = None;
    sign(&store, drifting, &[other]).await.unwrap();
    corrupt_signature_count(&store, drifting, 40).await;
    assert_eq!(
        store.signed_campaign_ids().await.unwrap(),
        [steady, drifting]
    );
    let drifted = store.reconcile_counts().await.unwrap();
    assert_eq!(
        drifted,
        [(
            drifting,
            tomar_store::Recount {
                stored: 40,
                actual: 1
            }
        )]
    );
    assert!(
        store.reconcile_counts().await.unwrap().is_empty(),
        "repaired"
    );
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
        .withdraw_signature(&SignatureOwner::WithdrawKey("withdraw-3"), now())
        .await
        .unwrap();
    assert_eq!(
        store.sealed_contacts_for_updates(id).await.unwrap(),
        ["sealed-1"]
    );
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
                .verification(&format!("v{i}"))
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

fn login_verification(id: &str, contact: &str) -> NewVerification {
    NewVerification {
        purpose: Purpose::Login,
        campaign_id: None,
        name: None,
        sealed_contact: None,
        ..new_verification(id, CampaignId(0), contact, "net")
    }
}

async fn members_register_on_first_login_and_keep_their_role(store: Store) {
    let key = Contact::parse("09121234567").unwrap().key(b"test secret");
    for id in ["login-1", "login-2"] {
        store
            .create_verification(&login_verification(id, "09121234567"), &message("x"))
            .await
            .unwrap();
    }
    let first = store
        .log_in("login-1", &key, "sealed-1", now())
        .await
        .unwrap()
        .unwrap();
    assert_eq!((first.role, first.session_epoch), (Role::Member, 0));
    assert_eq!(first.sealed_contact.as_deref(), Some("sealed-1"));
    assert!(first.display_name.is_none());
    // A used login cannot be replayed.
    assert!(
        store
            .log_in("login-1", &key, "sealed-1", now())
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        store
            .log_in("no-such", &key, "sealed-1", now())
            .await
            .unwrap()
            .is_none()
    );

    let moderator = store
        .grant_role(&key, "sealed-2", Role::Moderator, now())
        .await
        .unwrap();
    assert_eq!((moderator.id, moderator.role), (first.id, Role::Moderator));
    let again = store
        .log_in("login-2", &key, "sealed-3", now())
        .await
        .unwrap()
        .unwrap();
    assert_eq!((again.id, again.role), (first.id, Role::Moderator));

    let other_key = Contact::parse("sara@example.org")
        .unwrap()
        .key(b"test secret");
    let admin = store
        .grant_role(&other_key, "sealed-4", Role::Admin, now())
        .await
        .unwrap();
    assert_ne!(admin.id, first.id);
    let staff: Vec<_> = store.staff().await.unwrap().iter().map(|m| m.id).collect();
    assert_eq!(staff, [admin.id, first.id]);
    store.set_role(first.id, Role::Member).await.unwrap();
    assert_eq!(store.staff().await.unwrap().len(), 1);
    assert!(matches!(
        store.set_role(MemberId(999_999), Role::Admin).await,
        Err(StoreError::NotFound(_))
    ));
}

async fn sessions_end_and_names_change(store: Store) {
    let key = Contact::parse("09121234567").unwrap().key(b"test secret");
    let member = store
        .grant_role(&key, "s", Role::Member, now())
        .await
        .unwrap();
    store.end_sessions(member.id).await.unwrap();
    store.end_sessions(member.id).await.unwrap();
    let name = PersonName::parse("مریم <b>رضایی</b>").unwrap();
    store.set_display_name(member.id, &name).await.unwrap();
    let stored = store.member(member.id).await.unwrap().unwrap();
    assert_eq!(stored.session_epoch, 2);
    assert_eq!(stored.display_name, Some(name));
    assert!(store.member(MemberId(999_999)).await.unwrap().is_none());
}

async fn signed_by(store: &Store, signer: &ConfirmedSignature) -> Vec<CampaignId> {
    let signed = store
        .campaigns_signed_by(&signer.contact_key)
        .await
        .unwrap();
    signed.iter().map(|c| c.id).collect()
}

async fn a_members_signatures_campaigns_and_comments_are_listed(store: Store) {
    let first = published(&store, "یکم", 10).await;
    let second = published(&store, "دوم", 10).await;
    // Signed in one step while logged in: no withdrawal link, the member withdraws from /me.
    let me = ConfirmedSignature {
        withdraw_key: None,
        ..signer(7)
    };
    let member = store
        .grant_role(&me.contact_key, "s", Role::Member, now())
        .await
        .unwrap();
    sign(&store, first, &[me.clone(), signer(1)]).await.unwrap();
    sign(&store, second, std::slice::from_ref(&me))
        .await
        .unwrap();
    assert_eq!(signed_by(&store, &me).await, [second, first]);

    let mine = store
        .signature_by_signer(first, &me.contact_key)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (mine.sequence, mine.status),
        (1, SignatureStatus::Confirmed)
    );
    assert!(
        store
            .signature_by_signer(first, &signer(99).contact_key)
            .await
            .unwrap()
            .is_none()
    );
    let owner = SignatureOwner::Signer(first, &me.contact_key);
    assert_eq!(
        store.withdraw_signature(&owner, now()).await.unwrap(),
        Some(first)
    );
    assert_eq!(store.withdraw_signature(&owner, now()).await.unwrap(), None);
    let campaign = store
        .campaign(&CampaignRef::Id(first))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(campaign.signature_count, 1);
    assert_eq!(signed_by(&store, &me).await, [second]);
    let withdrawn = store
        .signature_by_signer(first, &me.contact_key)
        .await
        .unwrap();
    assert_eq!(withdrawn.unwrap().status, SignatureStatus::Withdrawn);

    let draft = store
        .create_campaign(
            &NewCampaign {
                author_id: Some(member.id),
                ..new_campaign("پیش‌نویس من", None, 10)
            },
            now(),
        )
        .await
        .unwrap();
    let mine = store.campaigns_by_author(member.id).await.unwrap();
    assert_eq!(mine.len(), 1);
    assert_eq!((mine[0].id, &mine[0].lifecycle), (draft, &Lifecycle::Draft));

    let mut written = comment(second, None, Some("مریم"), "نظر من");
    written.author_id = Some(member.id);
    let comment_id = store.add_comment(&written).await.unwrap();
    store
        .add_comment(&comment(second, None, None, "نظر دیگری"))
        .await
        .unwrap();
    let comments = store.comments_by_author(member.id).await.unwrap();
    assert_eq!(comments.len(), 1);
    assert_eq!(comments[0].id, comment_id);
}

async fn drafts_and_rejected_campaigns_are_edited_in_place_and_nothing_else(store: Store) {
    let id = store
        .create_campaign(&new_campaign("نخست", Some("first-draft"), 10), now())
        .await
        .unwrap();
    let mut edited = new_campaign("ویرایش‌شده", Some("edited"), 20);
    edited.text.addressees = vec![
        Addressee {
            name: line("وزیر"),
            position: line("وزارت"),
        },
        Addressee {
            name: line("معاون"),
            position: line("معاونت"),
        },
    ];
    store.update_draft(id, &edited).await.unwrap();
    let stored = store.campaign(&CampaignRef::Id(id)).await.unwrap().unwrap();
    assert_eq!(stored.text, edited.text);
    assert_eq!(stored.end_date, edited.end_date);
    assert_eq!(stored.slug.unwrap().as_ref(), "edited");

    let other = store
        .create_campaign(&new_campaign("دیگری", Some("taken"), 10), now())
        .await
        .unwrap();
    let clash = new_campaign("دیگری", Some("edited"), 10);
    assert!(matches!(
        store.update_draft(other, &clash).await,
        Err(StoreError::SlugTaken(_))
    ));

    let reason = store
        .add_rejection_reason("ناقص", "Incomplete")
        .await
        .unwrap();
    for step in [Transition::Submit, Transition::Reject(reason)] {
        transition(&store, id, step).await.unwrap();
    }
    store
        .update_draft(id, &new_campaign("اصلاح", Some("edited"), 20))
        .await
        .unwrap();
    transition(&store, id, Transition::Submit).await.unwrap();
    assert!(matches!(
        store.update_draft(id, &edited).await,
        Err(StoreError::Conflict)
    ));
    let published = published(&store, "منتشرشده", 10).await;
    assert!(matches!(
        store.update_draft(published, &edited).await,
        Err(StoreError::Conflict)
    ));
    let stored = store.campaign(&CampaignRef::Id(id)).await.unwrap().unwrap();
    assert_eq!(stored.text.title.as_ref(), "اصلاح");
}

async fn the_review_queue_is_oldest_first(store: Store) {
    let mut submitted = Vec::new();
    for (title, minutes) in [("دیرتر", 30), ("زودتر", 10), ("پیش‌نویس", 0)] {
        let id = store
            .create_campaign(&new_campaign(title, None, 10), now())
            .await
            .unwrap();
        if minutes > 0 {
            let mut campaign = store.campaign(&CampaignRef::Id(id)).await.unwrap().unwrap();
            let at = now()
                .checked_add(jiff::SignedDuration::from_mins(minutes))
                .unwrap();
            let event = campaign
                .apply(Transition::Submit, Actor::Platform, None, at)
                .unwrap();
            store
                .save_transition(&campaign, &Lifecycle::Draft, &event)
                .await
                .unwrap();
            submitted.push((id, at));
        }
    }
    submitted.reverse();
    let queue = store.review_queue(10).await.unwrap();
    let queue: Vec<_> = queue.iter().map(|(c, at)| (c.id, *at)).collect();
    assert_eq!(queue, submitted);
    assert_eq!(store.review_queue(1).await.unwrap().len(), 1);
}

async fn campaigns_past_the_threshold_without_an_outcome_are_due_for_delivery(store: Store) {
    let big = published(&store, "بزرگ", 10).await;
    let small = published(&store, "کوچک", 10).await;
    let delivered = published(&store, "تحویل‌شده", 10).await;
    let batch: Vec<_> = (0..3).map(signer).collect();
    sign(&store, big, &batch).await.unwrap();
    sign(&store, small, &[signer(5)]).await.unwrap();
    let later: Vec<_> = (10..13).map(signer).collect();
    sign(&store, delivered, &later).await.unwrap();
    let event = |id| ModerationEvent {
        actor: Actor::Platform,
        action: "outcome".into(),
        target: Target::Campaign(id),
        note: None,
        at: now(),
    };
    store
        .set_outcome(delivered, &Outcome::Delivered, &event(delivered))
        .await
        .unwrap();
    let due: Vec<_> = store
        .due_for_delivery(2, 10)
        .await
        .unwrap()
        .iter()
        .map(|c| c.id)
        .collect();
    assert_eq!(due, [big]);
    assert_eq!(store.due_for_delivery(1, 10).await.unwrap().len(), 2);
}

async fn rejection_reasons_are_listed_and_retired(store: Store) {
    let first = store
        .add_rejection_reason("توهین‌آمیز", "Offensive")
        .await
        .unwrap();
    let second = store
        .add_rejection_reason("تکراری", "Duplicate")
        .await
        .unwrap();
    store
        .set_rejection_reason_active(first, false)
        .await
        .unwrap();
    let reasons = store.rejection_reasons().await.unwrap();
    let listed: Vec<_> = reasons.iter().map(|r| (r.id, r.active)).collect();
    assert_eq!(listed, [(first, false), (second, true)]);
    assert_eq!(reasons[1].label_en.as_ref(), "Duplicate");
    assert!(matches!(
        store
            .set_rejection_reason_active(tomar_core::ids::RejectionReasonId(999_999), true)
            .await,
        Err(StoreError::NotFound(_))
    ));
}

async fn the_moderation_log_pages_newest_first(store: Store) {
    let first = published(&store, "یکم", 10).await;
    let second = published(&store, "دوم", 10).await;
    let log = store.moderation_log(None, 3).await.unwrap();
    let seen: Vec<_> = log
        .iter()
        .map(|(_, e)| (e.target, e.action.as_str()))
        .collect();
    assert_eq!(
        seen,
        [
            (Target::Campaign(second), "approve"),
            (Target::Campaign(second), "submit"),
            (Target::Campaign(first), "approve"),
        ]
    );
    let rest = store.moderation_log(Some(log[2].0), 3).await.unwrap();
    let seen: Vec<_> = rest
        .iter()
        .map(|(_, e)| (e.target, e.action.as_str()))
        .collect();
    assert_eq!(seen, [(Target::Campaign(first), "submit")]);
}

async fn a_published_text_is_revised_through_review(store: Store) {
    let id = published(&store, "متن نخست", 10).await;
    let draft = store
        .create_campaign(&new_campaign("پیش‌نویس", None, 10), now())
        .await
        .unwrap();
    let mut revised = new_campaign("متن دوم", None, 10).text;
    revised.addressees.push(Addressee {
        name: line("معاون"),
        position: line("معاونت"),
    });
    assert!(matches!(
        store.propose_text(draft, &revised, now()).await,
        Err(StoreError::Conflict)
    ));
    let first_try = new_campaign("متن میانی", None, 10).text;
    store.propose_text(id, &first_try, now()).await.unwrap();
    // A newer revision replaces the one waiting.
    store.propose_text(id, &revised, now()).await.unwrap();
    assert_eq!(store.pending_text(id).await.unwrap(), Some(revised.clone()));
    let waiting: Vec<_> = store
        .revisions_waiting()
        .await
        .unwrap()
        .iter()
        .map(|c| c.id)
        .collect();
    assert_eq!(waiting, [id]);
    let live = store.campaign(&CampaignRef::Id(id)).await.unwrap().unwrap();
    assert_eq!(
        live.text.title.as_ref(),
        "متن نخست",
        "the approved text stays live"
    );

    let event = |action: &str| ModerationEvent {
        actor: Actor::Platform,
        action: action.into(),
        target: Target::Campaign(id),
        note: None,
        at: now(),
    };
    store
        .review_text(id, true, &event("approve_text"))
        .await
        .unwrap();
    let live = store.campaign(&CampaignRef::Id(id)).await.unwrap().unwrap();
    assert_eq!(live.text, revised);
    assert_eq!(live.text_version, 2);
    assert!(store.pending_text(id).await.unwrap().is_none());
    assert!(matches!(
        store.review_text(id, true, &event("approve_text")).await,
        Err(StoreError::Conflict)
    ));

    store.propose_text(id, &first_try, now()).await.unwrap();
    store
        .review_text(id, false, &event("reject_text"))
        .await
        .unwrap();
    let live = store.campaign(&CampaignRef::Id(id)).await.unwrap().unwrap();
    assert_eq!((live.text_version, live.text), (2, revised));
    let actions: Vec<_> = store
        .moderation_events(Target::Campaign(id))
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.action)
        .collect();
    assert_eq!(
        actions,
        ["submit", "approve", "approve_text", "reject_text"]
    );
}

async fn flags_count_once_per_person_and_hide_until_reviewed(store: Store) {
    let id = published(&store, "پرچم", 10).await;
    let target = store
        .add_comment(&comment(id, None, None, "نظر بحث‌برانگیز"))
        .await
        .unwrap();
    let calm = store
        .add_comment(&comment(id, None, None, "نظر آرام"))
        .await
        .unwrap();
    assert!(store.flag_comment(target, "a", 2, now()).await.unwrap());
    assert!(
        !store.flag_comment(target, "a", 2, now()).await.unwrap(),
        "once per person"
    );
    let flagged = store.comment(target).await.unwrap().unwrap();
    assert_eq!((flagged.flags, flagged.status), (1, CommentStatus::Visible));
    assert!(store.flag_comment(target, "b", 2, now()).await.unwrap());
    let hidden = store.comment(target).await.unwrap().unwrap();
    assert_eq!((hidden.flags, hidden.status), (2, CommentStatus::Hidden));
    store.flag_comment(calm, "a", 2, now()).await.unwrap();
    let listed: Vec<_> = store
        .flagged_comments(10)
        .await
        .unwrap()
        .iter()
        .map(|c| c.id)
        .collect();
    assert_eq!(listed, [target, calm], "most-flagged first");

    let restore = ModerationEvent {
        actor: Actor::Platform,
        action: "restore".into(),
        target: Target::Comment(target),
        note: Some("نقدی است، نه توهین".into()),
        at: now(),
    };
    store
        .review_comment(target, CommentStatus::Visible, &restore)
        .await
        .unwrap();
    // Reviewed: more flags count but no longer hide it, and it leaves the list.
    assert!(store.flag_comment(target, "c", 2, now()).await.unwrap());
    let restored = store.comment(target).await.unwrap().unwrap();
    assert_eq!(
        (restored.flags, restored.status),
        (3, CommentStatus::Visible)
    );
    let listed: Vec<_> = store
        .flagged_comments(10)
        .await
        .unwrap()
        .iter()
        .map(|c| c.id)
        .collect();
    assert_eq!(listed, [calm]);
    assert_eq!(
        store
            .moderation_events(Target::Comment(target))
            .await
            .unwrap(),
        [restore]
    );
    assert!(matches!(
        store.flag_comment(CommentId(999_999), "a", 2, now()).await,
        Err(StoreError::MissingReference | StoreError::Conflict)
    ));
    assert!(store.comment(CommentId(999_999)).await.unwrap().is_none());
}

async fn posts_are_counted_per_network(store: Store) {
    let id = published(&store, "شمارش", 10).await;
    for n in 0..3 {
        let mut posted = comment(id, None, None, &format!("نظر {n}"));
        posted.client_key = Some("net-a".into());
        store.add_comment(&posted).await.unwrap();
    }
    store
        .add_news_link(&NewNewsLink {
            campaign_id: id,
            url: "https://example.org/a".into(),
            title: line("خبر"),
            source_host: "example.org".into(),
            submitter_name: None,
            client_key: Some("net-a".into()),
            at: now(),
        })
        .await
        .unwrap();
    assert_eq!(store.recent_posts("net-a", now()).await.unwrap(), 4);
    assert_eq!(store.recent_posts("net-b", now()).await.unwrap(), 0);
    let later = now()
        .checked_add(jiff::SignedDuration::from_secs(1))
        .unwrap();
    assert_eq!(store.recent_posts("net-a", later).await.unwrap(), 0);
}

async fn pending_news_links_are_listed_across_campaigns(store: Store) {
    let first = published(&store, "یکم", 10).await;
    let second = published(&store, "دوم", 10).await;
    let mut ids = Vec::new();
    for (campaign, url) in [
        (first, "https://a.example/1"),
        (second, "https://b.example/2"),
    ] {
        let link = NewNewsLink {
            campaign_id: campaign,
            url: url.into(),
            title: line("خبر"),
            source_host: "example".into(),
            submitter_name: None,
            client_key: None,
            at: now(),
        };
        ids.push(store.add_news_link(&link).await.unwrap());
    }
    let event = ModerationEvent {
        actor: Actor::Platform,
        action: "approve".into(),
        target: Target::NewsLink(ids[0]),
        note: None,
        at: now(),
    };
    store
        .review_news_link(ids[0], NewsStatus::Approved, &event)
        .await
        .unwrap();
    let pending: Vec<_> = store
        .pending_news_links(10)
        .await
        .unwrap()
        .iter()
        .map(|l| (l.id, l.campaign_id))
        .collect();
    assert_eq!(pending, [(ids[1], second)]);
}

async fn list(store: &Store, listing: &Listing) -> Vec<CampaignId> {
    let since = now()
        .checked_sub(jiff::SignedDuration::from_hours(24))
        .unwrap();
    store
        .list_campaigns(listing, today(), since)
        .await
        .unwrap()
        .iter()
        .map(|(c, _)| c.id)
        .collect()
}

fn listing(status: ListStatus, sort: ListSort) -> Listing {
    Listing {
        status,
        sort,
        limit: 50,
        ..Listing::default()
    }
}

async fn listings_filter_by_status_kind_category_and_hashtag(store: Store) {
    let open = published(&store, "باز", 10).await;
    let ended = published(&store, "پایان‌یافته", 10).await;
    transition(&store, ended, Transition::End).await.unwrap();
    let succeeded = published(&store, "موفق", 10).await;
    let event = ModerationEvent {
        actor: Actor::Platform,
        action: "outcome".into(),
        target: Target::Campaign(succeeded),
        note: None,
        at: now(),
    };
    let outcome = Outcome::Succeeded {
        news_url: "https://news.example/ok".into(),
    };
    store
        .set_outcome(succeeded, &outcome, &event)
        .await
        .unwrap();
    let mut other = new_campaign("شکایت", None, 10);
    other.kind = CampaignKind::Complaint;
    other.category = Some(line("آب و خاک"));
    other.text.hashtag = Hashtag::parse("رود_پاک").unwrap();
    let complaint = store.create_campaign(&other, now()).await.unwrap();
    for step in [Transition::Submit, Transition::Approve] {
        transition(&store, complaint, step).await.unwrap();
    }
    store
        .create_campaign(&new_campaign("پیش‌نویس", None, 10), now())
        .await
        .unwrap();

    let mut all = list(&store, &listing(ListStatus::All, ListSort::New)).await;
    all.sort();
    assert_eq!(
        all,
        [open, ended, succeeded, complaint],
        "drafts are never listed"
    );
    let mut open_ones = list(&store, &listing(ListStatus::Open, ListSort::New)).await;
    open_ones.sort();
    assert_eq!(open_ones, [open, succeeded, complaint]);
    assert_eq!(
        list(&store, &listing(ListStatus::Ended, ListSort::New)).await,
        [ended]
    );
    assert_eq!(
        list(&store, &listing(ListStatus::Succeeded, ListSort::New)).await,
        [succeeded]
    );
    let by_kind = Listing {
        kind: Some(CampaignKind::Complaint),
        ..listing(ListStatus::All, ListSort::Top)
    };
    assert_eq!(list(&store, &by_kind).await, [complaint]);
    let by_category = Listing {
        category: Some(line("آب و خاک")),
        ..listing(ListStatus::All, ListSort::Top)
    };
    assert_eq!(list(&store, &by_category).await, [complaint]);
    let by_hashtag = Listing {
        hashtag: Some(Hashtag::parse("رود_پاک").unwrap()),
        ..listing(ListStatus::All, ListSort::Top)
    };
    assert_eq!(list(&store, &by_hashtag).await, [complaint]);
}

async fn listings_sort_four_ways(store: Store) {
    let few = published(&store, "کم", 30).await;
    let many = published(&store, "زیاد", 20).await;
    let soon = published(&store, "نزدیک", 5).await;
    let old: Vec<_> = (0..3).map(signer).collect();
    sign(&store, many, &old).await.unwrap();
    // Signatures confirmed two days ago count for "top" but not for "trending".
    let two_days_ago = now()
        .checked_sub(jiff::SignedDuration::from_hours(48))
        .unwrap();
    let stale: Vec<_> = (10..12)
        .map(|n| ConfirmedSignature {
            confirmed_at: two_days_ago,
            ..signer(n)
        })
        .map(Confirmation::direct)
        .collect();
    store
        .add_confirmations(few, 1, &stale, two_days_ago)
        .await
        .unwrap();
    sign(&store, soon, &[signer(20)]).await.unwrap();

    assert_eq!(
        list(&store, &listing(ListStatus::Open, ListSort::Top)).await,
        [many, few, soon]
    );
    assert_eq!(
        list(&store, &listing(ListStatus::Open, ListSort::Trending)).await,
        [many, soon, few]
    );
    assert_eq!(
        list(&store, &listing(ListStatus::Open, ListSort::Ending)).await,
        [soon, many, few]
    );
    assert_eq!(
        list(&store, &listing(ListStatus::Open, ListSort::New)).await,
        [soon, many, few]
    );
    assert_eq!(store.totals().await.unwrap(), (3, 6));
}

async fn listings_page_by_key_without_duplicates_or_gaps_while_campaigns_arrive(store: Store) {
    let mut expected = Vec::new();
    for n in 0..5 {
        let id = published(&store, &format!("کارزار {n}"), 10).await;
        let signers: Vec<_> = (0..n % 3).map(|k| signer(n * 10 + k)).collect();
        sign(&store, id, &signers).await.unwrap();
        expected.push(id);
    }
    for sort in ListSort::ALL {
        let since = now()
            .checked_sub(jiff::SignedDuration::from_hours(24))
            .unwrap();
        let mut seen = Vec::new();
        let mut page = Listing {
            limit: 2,
            ..listing(ListStatus::All, sort)
        };
        loop {
            let items = store.list_campaigns(&page, today(), since).await.unwrap();
            if items.is_empty() {
                break;
            }
            seen.extend(items.iter().map(|(c, _)| c.id));
            page.after = items.last().map(|(_, cursor)| *cursor);
            // A campaign published while someone pages does not shift their pages.
            if seen.len() == 2 {
                published(&store, &format!("تازه {}", sort.name()), 10).await;
            }
        }
        let original: Vec<_> = seen.iter().filter(|id| expected.contains(id)).collect();
        assert_eq!(
            original.len(),
            expected.len(),
            "{sort:?}: no gaps: {seen:?}"
        );
        let mut unique = seen.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), seen.len(), "{sort:?}: no duplicates");
    }
}

async fn publish(store: &Store, new: NewCampaign) -> CampaignId {
    let id = store.create_campaign(&new, now()).await.unwrap();
    for step in [Transition::Submit, Transition::Approve] {
        transition(store, id, step).await.unwrap();
    }
    id
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
        action: "approve_text".into(),
        target: Target::Campaign(draft),
        note: None,
        at: now(),
    };
    store.review_text(draft, true, &event).await.unwrap();
    assert_eq!(found(&store, "بازنگری").await, [draft]);
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
    store.spend_attempt("v1").await.unwrap();
    let resend = |n: u32| Resend {
        verification_id: "v1".into(),
        code_hash: format!("hash-{n}"),
        withdraw_key: format!("withdraw-again-{n}"),
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
    let stored = store.verification("v1").await.unwrap().unwrap();
    assert_eq!(stored.code_hash, format!("hash-{RESENDS}"));
    assert_eq!(stored.withdraw_key, format!("withdraw-again-{RESENDS}"));
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
