//! Tomar's persistence. Handlers call [`Store`]; only this crate speaks SQL. The backend is
//! chosen at run time from the database URL, and every method behaves the same on both,
//! which the conformance suite in `tests/conformance.rs` checks.

mod discussion;
mod error;
mod listing;
mod members;
mod moderation;
mod moment_cache;
mod postgres;
mod rows;
mod search;
mod shared;
mod sqlite;
#[cfg(feature = "testing")]
pub mod testing;
mod url;
mod writer;

use tomar_core::campaign::{Campaign, CampaignSummary, CampaignText, NewCampaign};
use tomar_core::comment::{Comment, CommentStatus, NewComment, Thread};
use tomar_core::ids::{CampaignId, CommentId, MemberId, NewsLinkId, RejectionReasonId, UpdateId};
use tomar_core::lifecycle::{Lifecycle, Outcome};
use tomar_core::listing::{Cursor, Listing};
use tomar_core::member::{Member, Role};
use tomar_core::message::{OutboundMessage, OutboxMessage};
use tomar_core::moderation::{ModerationEvent, RejectionReason, Target};
use tomar_core::names::{CampaignRef, Hashtag, PersonName};
use tomar_core::news::{NewNewsLink, NewsLink, NewsStatus};
use tomar_core::search::{SearchDocument, SearchQuery};
use tomar_core::signature::{ConfirmedSignature, ContactKey, Signature};
use tomar_core::update::{NewUpdate, Update};
use tomar_core::verification::{NewVerification, Verification};
use tomar_core::{Date, Timestamp};

pub use error::StoreError;
pub use moment_cache::FRESH_FOR as CACHED_FOR;
pub use postgres::PgStore;
pub use sqlite::SqliteStore;
pub use url::DatabaseUrl;
pub use writer::{Handoff, SigningWriter};

/// One signer's confirmation, as the group commit takes it.
#[derive(Clone, Debug)]
pub struct Confirmation {
    pub signature: ConfirmedSignature,
    /// The verification it consumes; `None` where the signer was verified otherwise.
    pub verification_id: Option<String>,
}

impl Confirmation {
    /// A confirmation without a verification (imports, demo content).
    pub fn direct(signature: ConfirmedSignature) -> Confirmation {
        Confirmation {
            signature,
            verification_id: None,
        }
    }
}

/// A code sent again: a new code and withdrawal token for a verification, and the message
/// that carries them. The code is good for another full lifetime; wrong tries stay spent.
#[derive(Clone, Debug)]
pub struct Resend {
    pub verification_id: String,
    pub code_hash: String,
    pub withdraw_key: String,
    pub message: OutboundMessage,
}

/// Whose signature to withdraw: the holder of a withdrawal link, or a logged-in signer.
#[derive(Clone, Copy, Debug)]
pub enum SignatureOwner<'a> {
    /// The keyed hash of the token in a withdrawal link.
    WithdrawKey(&'a str),
    Signer(CampaignId, &'a ContactKey),
}

/// What became of one confirmation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Confirmed {
    /// Counted, with this sequence number.
    Signed(u64),
    /// This contact had already signed; nothing counted.
    AlreadySigned,
    /// The verification was already used; nothing counted.
    VerificationUsed,
}

/// A campaign's signature count as stored, and as recounted from the signature rows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Recount {
    pub stored: u64,
    pub actual: u64,
}

impl Recount {
    pub fn drifted(&self) -> bool {
        self.stored != self.actual
    }
}

/// Every platform setting by key.
pub type Settings = std::sync::Arc<std::collections::BTreeMap<String, String>>;

/// What the rules for sending a code need to know about a contact.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ContactHistory {
    /// Codes sent to the contact lately (counted up to a cap).
    pub codes_to_contact: u64,
    /// Codes asked for from the network lately (counted up to a cap).
    pub codes_from_network: u64,
    /// Whether the contact has a signature, of any status, on the campaign asked about.
    pub signed: bool,
}

/// How long a claimed message is hidden from other outbox workers: a crashed worker's
/// claims lapse after it and someone else delivers them.
pub const OUTBOX_LEASE: tomar_core::SignedDuration = tomar_core::SignedDuration::from_mins(2);

/// Matches of a search ranked in memory; more than any page of results shows.
pub const SEARCH_CANDIDATES: u32 = 200;

#[derive(Clone, Debug)]
pub enum Store {
    Sqlite(SqliteStore),
    Postgres(PgStore),
}

/// Calls the same method on whichever backend this store is.
macro_rules! dispatch {
    ($self:ident.$method:ident($($arg:expr),*)) => {
        match $self {
            Store::Sqlite(store) => store.$method($($arg),*).await,
            Store::Postgres(store) => store.$method($($arg),*).await,
        }
    };
}

impl Store {
    /// Opens the database named by `url` (creating a SQLite file if needed). Does not
    /// migrate: call [`Store::migrate`].
    pub async fn connect(url: &DatabaseUrl) -> Result<Store, StoreError> {
        Ok(match url {
            DatabaseUrl::Sqlite(path) => Store::Sqlite(SqliteStore::open(path).await?),
            DatabaseUrl::Postgres(url) => Store::Postgres(PgStore::connect(url).await?),
        })
    }

    /// Applies this backend's pending migrations.
    pub async fn migrate(&self) -> Result<(), StoreError> {
        dispatch!(self.migrate())
    }

    /// Stores a new campaign as a draft.
    pub async fn create_campaign(
        &self,
        new: &NewCampaign,
        at: Timestamp,
    ) -> Result<CampaignId, StoreError> {
        dispatch!(self.create_campaign(new, at))
    }

    /// A campaign as the signing checks need it: at most [`CACHED_FOR`] old, its count
    /// included; this store's own changes to it show at once.
    pub async fn cached_campaign(&self, by: &CampaignRef) -> Result<Option<Campaign>, StoreError> {
        dispatch!(self.cached_campaign(by))
    }

    pub async fn campaign(&self, by: &CampaignRef) -> Result<Option<Campaign>, StoreError> {
        dispatch!(self.campaign(by))
    }

    /// Saves a lifecycle change made by `Campaign::apply`, with its moderation event, if the
    /// stored campaign is still in `before`; otherwise writes nothing and answers `Conflict`.
    pub async fn save_transition(
        &self,
        campaign: &Campaign,
        before: &Lifecycle,
        event: &ModerationEvent,
    ) -> Result<(), StoreError> {
        dispatch!(self.save_transition(campaign, before, event))
    }

    pub async fn set_outcome(
        &self,
        campaign: CampaignId,
        outcome: &Outcome,
        event: &ModerationEvent,
    ) -> Result<(), StoreError> {
        dispatch!(self.set_outcome(campaign, outcome, event))
    }

    /// The audit log of one item, oldest first.
    pub async fn moderation_events(
        &self,
        target: Target,
    ) -> Result<Vec<ModerationEvent>, StoreError> {
        dispatch!(self.moderation_events(target))
    }

    /// One page of a listing on the Iran day `today`, each campaign with its cursor;
    /// signatures since `since` count for the trending order.
    pub async fn list_campaigns(
        &self,
        listing: &Listing,
        today: Date,
        since: Timestamp,
    ) -> Result<Vec<(CampaignSummary, Cursor)>, StoreError> {
        dispatch!(self.list_campaigns(listing, today, since))
    }

    /// Public campaigns that contain every word of `query`, best first: ranked by
    /// `SearchQuery::score`, then by signatures, then newest. At most `limit`, chosen among
    /// the newest [`SEARCH_CANDIDATES`] matches.
    pub async fn search(
        &self,
        query: &SearchQuery,
        limit: usize,
    ) -> Result<Vec<CampaignSummary>, StoreError> {
        let mut hits = dispatch!(self.search_candidates(query, SEARCH_CANDIDATES))?;
        hits.sort_by_key(|(summary, document)| {
            std::cmp::Reverse((query.score(document), summary.signature_count, summary.id))
        });
        Ok(hits
            .into_iter()
            .take(limit)
            .map(|(summary, _)| summary)
            .collect())
    }

    /// Adds campaigns written before the search index existed to it; answers how many.
    pub async fn index_missing_campaigns(&self) -> Result<usize, StoreError> {
        let missing = dispatch!(self.unindexed_campaigns())?;
        for id in &missing {
            if let Some(campaign) = self.campaign(&CampaignRef::Id(*id)).await? {
                let document = SearchDocument::of(&campaign.text);
                dispatch!(self.index_campaign(*id, &document))?;
            }
        }
        Ok(missing.len())
    }

    /// Public campaigns and the signatures they hold.
    pub async fn totals(&self) -> Result<(u64, u64), StoreError> {
        dispatch!(self.totals())
    }

    /// Public campaigns with this official hashtag, most-signed first.
    pub async fn campaigns_with_hashtag(
        &self,
        hashtag: &Hashtag,
        limit: u32,
    ) -> Result<Vec<CampaignSummary>, StoreError> {
        dispatch!(self.campaigns_with_hashtag(hashtag, limit))
    }

    /// Campaigns that hold signatures: published, ended or suspended ones.
    pub async fn signed_campaign_ids(&self) -> Result<Vec<CampaignId>, StoreError> {
        dispatch!(self.signed_campaign_ids())
    }

    /// Recounts every campaign that holds signatures and repairs drifted counts. Answers the
    /// campaigns whose count had drifted, with the count as stored and as recounted.
    pub async fn reconcile_counts(&self) -> Result<Vec<(CampaignId, Recount)>, StoreError> {
        let mut drifted = Vec::new();
        for campaign in self.signed_campaign_ids().await? {
            let recount = self.recount_signatures(campaign).await?;
            if recount.drifted() {
                drifted.push((campaign, recount));
            }
        }
        Ok(drifted)
    }

    pub async fn campaign_count(&self) -> Result<u64, StoreError> {
        dispatch!(self.campaign_count())
    }

    /// Group commit of confirmations for one campaign: one transaction, one counter
    /// update. Answers what became of each, in order.
    pub async fn add_confirmations(
        &self,
        campaign: CampaignId,
        text_version: u32,
        batch: &[Confirmation],
        at: Timestamp,
    ) -> Result<Vec<Confirmed>, StoreError> {
        dispatch!(self.add_confirmations(campaign, text_version, batch, at))
    }

    /// Stores new verifications, each with the message carrying its code, in one
    /// transaction; answers the messages. They are leased to the caller until
    /// `leased_until` (it delivers them itself; should it fail to, they fall due then), or
    /// due at once.
    pub async fn create_verifications(
        &self,
        batch: &[(NewVerification, OutboundMessage)],
        leased_until: Option<Timestamp>,
    ) -> Result<Vec<OutboxMessage>, StoreError> {
        dispatch!(self.create_verifications(batch, leased_until))
    }

    /// Stores one verification with the message carrying its code, due at once.
    pub async fn create_verification(
        &self,
        new: &NewVerification,
        message: &OutboundMessage,
    ) -> Result<(), StoreError> {
        self.create_verifications(&[(new.clone(), message.clone())], None)
            .await
            .map(drop)
    }

    pub async fn verification(&self, id: &str) -> Result<Option<Verification>, StoreError> {
        dispatch!(self.verification(id))
    }

    /// The sealed contacts of confirmed signers who asked for news of the campaign.
    pub async fn sealed_contacts_for_updates(
        &self,
        campaign: CampaignId,
    ) -> Result<Vec<String>, StoreError> {
        dispatch!(self.sealed_contacts_for_updates(campaign))
    }

    /// Whether this contact has a signature, of any status, on the campaign.
    pub async fn has_signed(
        &self,
        campaign: CampaignId,
        contact_key: &ContactKey,
    ) -> Result<bool, StoreError> {
        dispatch!(self.has_signed(campaign, contact_key))
    }

    /// Codes sent since `since` to this contact and from this network, each counted up to
    /// `cap`, and whether the contact has signed `campaign`.
    pub async fn contact_history(
        &self,
        contact_key: &ContactKey,
        client_key: &str,
        since: Timestamp,
        cap: u64,
        campaign: Option<CampaignId>,
    ) -> Result<ContactHistory, StoreError> {
        dispatch!(self.contact_history(contact_key, client_key, since, cap, campaign))
    }

    /// Uses up one try; answers the tries left, or `None` if there were none.
    pub async fn spend_attempt(&self, id: &str) -> Result<Option<u32>, StoreError> {
        dispatch!(self.spend_attempt(id))
    }

    /// Sends an open verification's code again (see [`Resend`]), in one transaction with
    /// its message; only once its last code went out at or before `sent_before`, and fewer
    /// than `max_resends` times. Answers whether it was sent.
    pub async fn resend_code(
        &self,
        resend: &Resend,
        sent_before: Timestamp,
        max_resends: u32,
        at: Timestamp,
    ) -> Result<bool, StoreError> {
        dispatch!(self.resend_code(resend, sent_before, max_resends, at))
    }

    pub async fn signature_by_withdraw_key(
        &self,
        withdraw_key: &str,
    ) -> Result<Option<Signature>, StoreError> {
        dispatch!(self.signature_by_withdraw_key(withdraw_key))
    }

    /// Withdraws a confirmed signature; answers its campaign, or `None` if there was none.
    pub async fn withdraw_signature(
        &self,
        owner: &SignatureOwner<'_>,
        at: Timestamp,
    ) -> Result<Option<CampaignId>, StoreError> {
        dispatch!(self.withdraw_signature(owner, at))
    }

    /// Uses a login verification and answers the member with `contact_key`, registering
    /// them on their first login; `None` if the verification was already used.
    pub async fn log_in(
        &self,
        verification_id: &str,
        contact_key: &ContactKey,
        sealed_contact: &str,
        at: Timestamp,
    ) -> Result<Option<Member>, StoreError> {
        dispatch!(self.log_in(verification_id, contact_key, sealed_contact, at))
    }

    /// Gives the person with this contact `role`, registering them if needed.
    pub async fn grant_role(
        &self,
        contact_key: &ContactKey,
        sealed_contact: &str,
        role: Role,
        at: Timestamp,
    ) -> Result<Member, StoreError> {
        dispatch!(self.grant_role(contact_key, sealed_contact, role, at))
    }

    pub async fn member(&self, id: MemberId) -> Result<Option<Member>, StoreError> {
        dispatch!(self.member(id))
    }

    /// Moderators and admins, admins first.
    pub async fn staff(&self) -> Result<Vec<Member>, StoreError> {
        dispatch!(self.staff())
    }

    pub async fn set_role(&self, id: MemberId, role: Role) -> Result<(), StoreError> {
        dispatch!(self.set_role(id, role))
    }

    pub async fn set_display_name(
        &self,
        id: MemberId,
        name: &PersonName,
    ) -> Result<(), StoreError> {
        dispatch!(self.set_display_name(id, name))
    }

    /// Voids every session the member holds, in every server process.
    pub async fn end_sessions(&self, id: MemberId) -> Result<(), StoreError> {
        dispatch!(self.end_sessions(id))
    }

    /// This contact's signature on the campaign, whatever its status.
    pub async fn signature_by_signer(
        &self,
        campaign: CampaignId,
        contact_key: &ContactKey,
    ) -> Result<Option<Signature>, StoreError> {
        dispatch!(self.signature_by_signer(campaign, contact_key))
    }

    /// Campaigns this contact has a confirmed signature on, last signed first.
    pub async fn campaigns_signed_by(
        &self,
        contact_key: &ContactKey,
    ) -> Result<Vec<CampaignSummary>, StoreError> {
        dispatch!(self.campaigns_signed_by(contact_key))
    }

    /// Campaigns the member started, in any state, newest first.
    pub async fn campaigns_by_author(
        &self,
        author: MemberId,
    ) -> Result<Vec<CampaignSummary>, StoreError> {
        dispatch!(self.campaigns_by_author(author))
    }

    /// The member's comments, newest first.
    pub async fn comments_by_author(&self, author: MemberId) -> Result<Vec<Comment>, StoreError> {
        dispatch!(self.comments_by_author(author))
    }

    /// Claims up to `limit` messages due at `now` for delivery, hiding them from other
    /// workers until `lease_until`.
    pub async fn claim_due_messages(
        &self,
        now: Timestamp,
        lease_until: Timestamp,
        limit: u32,
    ) -> Result<Vec<OutboxMessage>, StoreError> {
        dispatch!(self.claim_due_messages(now, lease_until, limit))
    }

    /// Records delivered messages in one transaction and forgets their recipients.
    pub async fn mark_messages_sent(&self, ids: &[i64], at: Timestamp) -> Result<(), StoreError> {
        dispatch!(self.mark_messages_sent(ids, at))
    }

    /// Records a failed delivery, to be retried at `retry_at` or, with `None`, given up.
    pub async fn mark_message_failed(
        &self,
        id: i64,
        error: &str,
        retry_at: Option<Timestamp>,
        at: Timestamp,
    ) -> Result<(), StoreError> {
        dispatch!(self.mark_message_failed(id, error, retry_at, at))
    }

    /// Confirmed signatures, newest first, with sequence numbers below `before`.
    pub async fn signatures_page(
        &self,
        campaign: CampaignId,
        before: Option<u64>,
        limit: u32,
    ) -> Result<Vec<Signature>, StoreError> {
        dispatch!(self.signatures_page(campaign, before, limit))
    }

    pub async fn recount_signatures(&self, campaign: CampaignId) -> Result<Recount, StoreError> {
        dispatch!(self.recount_signatures(campaign))
    }

    pub async fn add_comment(&self, new: &NewComment) -> Result<CommentId, StoreError> {
        dispatch!(self.add_comment(new))
    }

    /// The newest `limit` top-level comments with ids below `before`, newest first, each
    /// with all its replies, oldest first. Hidden comments are included; the page decides.
    pub async fn comment_threads(
        &self,
        campaign: CampaignId,
        before: Option<CommentId>,
        limit: u32,
    ) -> Result<Vec<Thread>, StoreError> {
        dispatch!(self.comment_threads(campaign, before, limit))
    }

    /// Comments and news links posted from this network since `since`.
    pub async fn recent_posts(
        &self,
        client_key: &str,
        since: Timestamp,
    ) -> Result<u64, StoreError> {
        dispatch!(self.recent_posts(client_key, since))
    }

    pub async fn comment(&self, id: CommentId) -> Result<Option<Comment>, StoreError> {
        dispatch!(self.comment(id))
    }

    /// Records one person's flag on a comment (a repeat counts nothing); an unreviewed
    /// comment is hidden pending review at `hide_at` flags. Answers whether the flag counted.
    pub async fn flag_comment(
        &self,
        comment: CommentId,
        flagger_key: &str,
        hide_at: u32,
        at: Timestamp,
    ) -> Result<bool, StoreError> {
        dispatch!(self.flag_comment(comment, flagger_key, hide_at, at))
    }

    /// Flagged comments no moderator has reviewed yet, most-flagged first.
    pub async fn flagged_comments(&self, limit: u32) -> Result<Vec<Comment>, StoreError> {
        dispatch!(self.flagged_comments(limit))
    }

    /// A moderator hides or restores a comment, with its event.
    pub async fn review_comment(
        &self,
        comment: CommentId,
        status: CommentStatus,
        event: &ModerationEvent,
    ) -> Result<(), StoreError> {
        dispatch!(self.review_comment(comment, status, event))
    }

    /// News links waiting for review on any campaign, oldest first.
    pub async fn pending_news_links(&self, limit: u32) -> Result<Vec<NewsLink>, StoreError> {
        dispatch!(self.pending_news_links(limit))
    }

    pub async fn add_news_link(&self, new: &NewNewsLink) -> Result<NewsLinkId, StoreError> {
        dispatch!(self.add_news_link(new))
    }

    pub async fn review_news_link(
        &self,
        link: NewsLinkId,
        status: NewsStatus,
        event: &ModerationEvent,
    ) -> Result<(), StoreError> {
        dispatch!(self.review_news_link(link, status, event))
    }

    pub async fn news_links(
        &self,
        campaign: CampaignId,
        status: NewsStatus,
    ) -> Result<Vec<NewsLink>, StoreError> {
        dispatch!(self.news_links(campaign, status))
    }

    /// Posts an update and queues `messages` (its news, to the signers who asked for it) in
    /// the same transaction.
    pub async fn add_update(
        &self,
        new: &NewUpdate,
        messages: &[OutboundMessage],
    ) -> Result<UpdateId, StoreError> {
        dispatch!(self.add_update(new, messages))
    }

    /// Replaces what the author wrote in a draft or rejected campaign; anything else is
    /// refused with `Conflict`.
    pub async fn update_draft(&self, id: CampaignId, new: &NewCampaign) -> Result<(), StoreError> {
        dispatch!(self.update_draft(id, new))
    }

    /// Proposes a new text for a published campaign; it waits for review (replacing any
    /// revision already waiting) while the approved text stays live.
    pub async fn propose_text(
        &self,
        campaign: CampaignId,
        text: &CampaignText,
        at: Timestamp,
    ) -> Result<(), StoreError> {
        dispatch!(self.propose_text(campaign, text, at))
    }

    /// The revised text waiting for review, if any.
    pub async fn pending_text(
        &self,
        campaign: CampaignId,
    ) -> Result<Option<CampaignText>, StoreError> {
        dispatch!(self.pending_text(campaign))
    }

    /// Approves (making it live, with a new text version) or rejects the revised text
    /// waiting for review, with its event.
    pub async fn review_text(
        &self,
        campaign: CampaignId,
        approve: bool,
        event: &ModerationEvent,
    ) -> Result<(), StoreError> {
        dispatch!(self.review_text(campaign, approve, event))
    }

    /// Published campaigns with a revised text waiting for review, oldest first.
    pub async fn revisions_waiting(&self) -> Result<Vec<CampaignSummary>, StoreError> {
        dispatch!(self.revisions_waiting())
    }

    /// Campaigns waiting for review, longest-waiting first, with when they entered review.
    pub async fn review_queue(
        &self,
        limit: u32,
    ) -> Result<Vec<(CampaignSummary, Timestamp)>, StoreError> {
        dispatch!(self.review_queue(limit))
    }

    /// Campaigns with at least `threshold` signatures and no outcome yet, most-signed first.
    pub async fn due_for_delivery(
        &self,
        threshold: u64,
        limit: u32,
    ) -> Result<Vec<CampaignSummary>, StoreError> {
        dispatch!(self.due_for_delivery(threshold, limit))
    }

    /// Every rejection reason, retired ones too.
    pub async fn rejection_reasons(&self) -> Result<Vec<RejectionReason>, StoreError> {
        dispatch!(self.rejection_reasons())
    }

    pub async fn set_rejection_reason_active(
        &self,
        id: RejectionReasonId,
        active: bool,
    ) -> Result<(), StoreError> {
        dispatch!(self.set_rejection_reason_active(id, active))
    }

    /// The moderation log, newest first, with ids below `before`; each event with its id.
    pub async fn moderation_log(
        &self,
        before: Option<i64>,
        limit: u32,
    ) -> Result<Vec<(i64, ModerationEvent)>, StoreError> {
        dispatch!(self.moderation_log(before, limit))
    }

    pub async fn updates(&self, campaign: CampaignId) -> Result<Vec<Update>, StoreError> {
        dispatch!(self.updates(campaign))
    }

    pub async fn add_rejection_reason(
        &self,
        label_fa: &str,
        label_en: &str,
    ) -> Result<RejectionReasonId, StoreError> {
        dispatch!(self.add_rejection_reason(label_fa, label_en))
    }

    /// Every platform setting by key, at most [`CACHED_FOR`] old (see `moment_cache`).
    pub async fn settings(&self) -> Result<Settings, StoreError> {
        dispatch!(self.settings())
    }

    /// Sets `key` only if it has no value yet; answers its value afterwards.
    pub async fn setting_or_insert(&self, key: &str, value: &str) -> Result<String, StoreError> {
        dispatch!(self.setting_or_insert(key, value))
    }

    /// Sets several settings in one transaction: all of them or none.
    pub async fn set_settings(&self, values: &[(&str, String)]) -> Result<(), StoreError> {
        dispatch!(self.set_settings(values))
    }

    pub async fn set_setting(&self, key: &str, value: &str) -> Result<(), StoreError> {
        dispatch!(self.set_setting(key, value))
    }
}
