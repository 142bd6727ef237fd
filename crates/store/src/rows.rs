//! Rows as both databases return them, and their way back into domain values. A row that
//! does not parse is reported as corrupt rather than shown half-right.

use tomar_core::body::LetterBody;
use tomar_core::campaign::{Addressee, Campaign, CampaignKind, CampaignSummary, CampaignText};
use tomar_core::comment::{Comment, CommentStatus};
use tomar_core::ids::{
    CampaignId, CommentId, MemberId, NewsLinkId, RejectionReasonId, SignatureId, UpdateId,
};
use tomar_core::lifecycle::{Lifecycle, Outcome};
use tomar_core::listing::Cursor;
use tomar_core::member::{Member, Role};
use tomar_core::message::{OutboundMessage, OutboxMessage};
use tomar_core::moderation::{Actor, ModerationEvent, RejectionReason, Target};
use tomar_core::names::{Hashtag, Line, PersonName, Slug};
use tomar_core::news::{NewsLink, NewsStatus};
use tomar_core::search::SearchDocument;
use tomar_core::signature::{Channel, ContactKey, Signature, SignatureStatus};
use tomar_core::update::{Update, UpdateAuthor};
use tomar_core::verification::{Purpose, Verification};
use tomar_core::{Date, Timestamp};

use crate::error::StoreError;

/// Stored text is re-read through the same parsers that admitted it; limits are not
/// re-applied, so tightening a limit later never makes old rows unreadable.
fn line(text: String, what: &'static str) -> Result<Line, StoreError> {
    Line::parse(&text, usize::MAX).map_err(|_| StoreError::Corrupt(what))
}

pub(crate) fn timestamp(seconds: i64, what: &'static str) -> Result<Timestamp, StoreError> {
    Timestamp::from_second(seconds).map_err(|_| StoreError::Corrupt(what))
}

fn optional_timestamp(
    seconds: Option<i64>,
    what: &'static str,
) -> Result<Option<Timestamp>, StoreError> {
    seconds.map(|s| timestamp(s, what)).transpose()
}

fn date(text: &str, what: &'static str) -> Result<Date, StoreError> {
    text.parse().map_err(|_| StoreError::Corrupt(what))
}

fn count(n: i64) -> u64 {
    u64::try_from(n).unwrap_or(0)
}

/// The columns every campaign query selects, in [`CampaignRow`]'s order. Macros rather than
/// constants so that queries stay `&'static str` literals through `concat!`.
macro_rules! campaign_columns {
    () => {
        // The addressees come in the same row (one round trip, not two), each as `name US
        // position`, joined by RS: control characters no stored line can contain.
        "id, slug, kind, title, body, on_behalf_of, author_name, hashtag, category, author_id, \
         start_date, end_date, signature_goal, text_version, lifecycle, rejection_reason_id, \
         suspension_order, outcome, outcome_news_url, signature_count, created_at, published_at, \
         submitted_at, (SELECT string_agg(name || '\u{1f}' || position, '\u{1e}' ORDER BY ordinal) \
         FROM addressees WHERE campaign_id = campaigns.id) AS addressees"
    };
}
pub(crate) use campaign_columns;

#[derive(sqlx::FromRow)]
pub(crate) struct CampaignRow {
    id: i64,
    slug: Option<String>,
    kind: String,
    title: String,
    body: String,
    on_behalf_of: String,
    author_name: String,
    hashtag: String,
    category: Option<String>,
    author_id: Option<i64>,
    start_date: String,
    end_date: String,
    signature_goal: Option<i64>,
    text_version: i64,
    lifecycle: String,
    rejection_reason_id: Option<i64>,
    suspension_order: Option<String>,
    outcome: String,
    outcome_news_url: Option<String>,
    signature_count: i64,
    created_at: i64,
    published_at: Option<i64>,
    submitted_at: Option<i64>,
    addressees: Option<String>,
}

/// The addressees aggregated by [`campaign_columns`].
fn addressees(joined: Option<String>) -> Result<Vec<Addressee>, StoreError> {
    let Some(joined) = joined else {
        return Ok(Vec::new());
    };
    joined
        .split('\u{1e}')
        .map(|pair| {
            let (name, position) = pair
                .split_once('\u{1f}')
                .ok_or(StoreError::Corrupt("campaign addressee"))?;
            addressee(name.to_owned(), position.to_owned())
        })
        .collect()
}

fn lifecycle(
    name: &str,
    reason: Option<i64>,
    order: Option<String>,
) -> Result<Lifecycle, StoreError> {
    Lifecycle::from_parts(name, reason.map(RejectionReasonId), order)
        .ok_or(StoreError::Corrupt("campaign lifecycle"))
}

fn outcome(name: &str, news_url: Option<String>) -> Result<Outcome, StoreError> {
    Outcome::from_parts(name, news_url).ok_or(StoreError::Corrupt("campaign outcome"))
}

fn slug(text: Option<String>) -> Result<Option<Slug>, StoreError> {
    text.map(|s| Slug::parse(&s).map_err(|_| StoreError::Corrupt("campaign slug")))
        .transpose()
}

fn hashtag(text: &str) -> Result<Hashtag, StoreError> {
    Hashtag::parse(text).map_err(|_| StoreError::Corrupt("campaign hashtag"))
}

fn kind(name: &str) -> Result<CampaignKind, StoreError> {
    CampaignKind::from_name(name).ok_or(StoreError::Corrupt("campaign kind"))
}

impl CampaignRow {
    pub(crate) fn into_campaign(self) -> Result<Campaign, StoreError> {
        Ok(Campaign {
            id: CampaignId(self.id),
            slug: slug(self.slug)?,
            kind: kind(&self.kind)?,
            text: CampaignText {
                title: line(self.title, "campaign title")?,
                addressees: addressees(self.addressees)?,
                body: LetterBody::parse(&self.body)
                    .map_err(|_| StoreError::Corrupt("campaign body"))?,
                on_behalf_of: line(self.on_behalf_of, "campaign on-behalf-of")?,
                author_name: line(self.author_name, "campaign author")?,
                hashtag: hashtag(&self.hashtag)?,
            },
            text_version: u32::try_from(self.text_version)
                .map_err(|_| StoreError::Corrupt("campaign text version"))?,
            category: self
                .category
                .map(|c| line(c, "campaign category"))
                .transpose()?,
            author_id: self.author_id.map(MemberId),
            start_date: date(&self.start_date, "campaign start date")?,
            end_date: date(&self.end_date, "campaign end date")?,
            signature_goal: self.signature_goal.and_then(|g| u32::try_from(g).ok()),
            lifecycle: lifecycle(
                &self.lifecycle,
                self.rejection_reason_id,
                self.suspension_order,
            )?,
            outcome: outcome(&self.outcome, self.outcome_news_url)?,
            signature_count: count(self.signature_count),
            created_at: timestamp(self.created_at, "campaign creation time")?,
            published_at: optional_timestamp(self.published_at, "campaign publication time")?,
            submitted_at: optional_timestamp(self.submitted_at, "campaign submission time")?,
        })
    }
}

/// The columns of a campaign card, in [`SummaryRow`]'s order: campaign `c` and its first
/// addressee `a` (joined by [`summary_join`]).
macro_rules! summary_columns {
    () => {
        "c.id, c.slug, c.kind, c.title, c.hashtag, c.category, c.end_date, c.lifecycle, \
         c.rejection_reason_id, c.suspension_order, c.outcome, c.outcome_news_url, \
         c.signature_count, a.name AS addressee_name, a.position AS addressee_position"
    };
}
pub(crate) use summary_columns;

/// Joins a campaign `c` to its first addressee `a`, for [`summary_columns`].
macro_rules! summary_join {
    () => {
        "LEFT JOIN addressees a ON a.campaign_id = c.id AND a.ordinal = 0"
    };
}
pub(crate) use summary_join;

/// `SELECT … FROM` for campaign cards, in [`SummaryRow`]'s order.
macro_rules! select_summaries {
    () => {
        concat!(
            "SELECT ",
            $crate::rows::summary_columns!(),
            " FROM campaigns c ",
            $crate::rows::summary_join!()
        )
    };
}
pub(crate) use select_summaries;

#[derive(sqlx::FromRow)]
pub(crate) struct SummaryRow {
    id: i64,
    slug: Option<String>,
    kind: String,
    title: String,
    hashtag: String,
    category: Option<String>,
    end_date: String,
    lifecycle: String,
    rejection_reason_id: Option<i64>,
    suspension_order: Option<String>,
    outcome: String,
    outcome_news_url: Option<String>,
    signature_count: i64,
    addressee_name: Option<String>,
    addressee_position: Option<String>,
}

impl TryFrom<SummaryRow> for CampaignSummary {
    type Error = StoreError;

    fn try_from(row: SummaryRow) -> Result<Self, StoreError> {
        let first_addressee = match (row.addressee_name, row.addressee_position) {
            (Some(name), Some(position)) => Some(addressee(name, position)?),
            _ => None,
        };
        Ok(CampaignSummary {
            id: CampaignId(row.id),
            slug: slug(row.slug)?,
            kind: kind(&row.kind)?,
            title: line(row.title, "campaign title")?,
            hashtag: hashtag(&row.hashtag)?,
            category: row
                .category
                .map(|c| line(c, "campaign category"))
                .transpose()?,
            first_addressee,
            end_date: date(&row.end_date, "campaign end date")?,
            lifecycle: lifecycle(
                &row.lifecycle,
                row.rejection_reason_id,
                row.suspension_order,
            )?,
            outcome: outcome(&row.outcome, row.outcome_news_url)?,
            signature_count: count(row.signature_count),
        })
    }
}

pub(crate) fn addressee(name: String, position: String) -> Result<Addressee, StoreError> {
    Ok(Addressee {
        name: line(name, "addressee name")?,
        position: line(position, "addressee position")?,
    })
}

/// `SELECT … FROM signatures`, in [`SignatureRow`]'s order.
macro_rules! select_signatures {
    () => {
        "SELECT id, campaign_id, sequence, name, public, status, text_version, created_at, \
         confirmed_at FROM signatures"
    };
}
pub(crate) use select_signatures;

#[derive(sqlx::FromRow)]
pub(crate) struct SignatureRow {
    id: i64,
    campaign_id: i64,
    sequence: i64,
    name: String,
    public: bool,
    status: String,
    text_version: i64,
    created_at: i64,
    confirmed_at: Option<i64>,
}

impl TryFrom<SignatureRow> for Signature {
    type Error = StoreError;

    fn try_from(row: SignatureRow) -> Result<Self, StoreError> {
        Ok(Signature {
            id: SignatureId(row.id),
            campaign_id: CampaignId(row.campaign_id),
            sequence: count(row.sequence),
            name: PersonName::parse(&row.name).map_err(|_| StoreError::Corrupt("signer name"))?,
            public: row.public,
            status: SignatureStatus::from_name(&row.status)
                .ok_or(StoreError::Corrupt("signature status"))?,
            text_version: u32::try_from(row.text_version).unwrap_or(0),
            created_at: timestamp(row.created_at, "signature time")?,
            confirmed_at: optional_timestamp(row.confirmed_at, "signature confirmation time")?,
        })
    }
}

/// `SELECT … FROM comments`, in [`CommentRow`]'s order.
macro_rules! select_comments {
    () => {
        "SELECT id, campaign_id, parent_id, author_id, name, body, status, flags, created_at \
         FROM comments"
    };
}
pub(crate) use select_comments;

#[derive(sqlx::FromRow)]
pub(crate) struct CommentRow {
    id: i64,
    campaign_id: i64,
    parent_id: Option<i64>,
    author_id: Option<i64>,
    name: Option<String>,
    body: String,
    status: String,
    flags: i64,
    created_at: i64,
}

impl TryFrom<CommentRow> for Comment {
    type Error = StoreError;

    fn try_from(row: CommentRow) -> Result<Self, StoreError> {
        Ok(Comment {
            id: CommentId(row.id),
            campaign_id: CampaignId(row.campaign_id),
            parent_id: row.parent_id.map(CommentId),
            author_id: row.author_id.map(MemberId),
            name: row
                .name
                .map(|n| PersonName::parse(&n).map_err(|_| StoreError::Corrupt("comment name")))
                .transpose()?,
            body: LetterBody::parse(&row.body).map_err(|_| StoreError::Corrupt("comment body"))?,
            status: CommentStatus::from_name(&row.status)
                .ok_or(StoreError::Corrupt("comment status"))?,
            flags: u32::try_from(row.flags).unwrap_or(u32::MAX),
            created_at: timestamp(row.created_at, "comment time")?,
        })
    }
}

/// `SELECT … FROM news_links`, in [`NewsLinkRow`]'s order.
macro_rules! select_news_links {
    () => {
        "SELECT id, campaign_id, url, title, source_host, status, created_at FROM news_links"
    };
}
pub(crate) use select_news_links;

#[derive(sqlx::FromRow)]
pub(crate) struct NewsLinkRow {
    id: i64,
    campaign_id: i64,
    url: String,
    title: String,
    source_host: String,
    status: String,
    created_at: i64,
}

impl TryFrom<NewsLinkRow> for NewsLink {
    type Error = StoreError;

    fn try_from(row: NewsLinkRow) -> Result<Self, StoreError> {
        Ok(NewsLink {
            id: NewsLinkId(row.id),
            campaign_id: CampaignId(row.campaign_id),
            url: row.url,
            title: line(row.title, "news title")?,
            source_host: row.source_host,
            status: NewsStatus::from_name(&row.status).ok_or(StoreError::Corrupt("news status"))?,
            created_at: timestamp(row.created_at, "news time")?,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct UpdateRow {
    id: i64,
    campaign_id: i64,
    author: String,
    title: String,
    body: String,
    created_at: i64,
}

impl TryFrom<UpdateRow> for Update {
    type Error = StoreError;

    fn try_from(row: UpdateRow) -> Result<Self, StoreError> {
        Ok(Update {
            id: UpdateId(row.id),
            campaign_id: CampaignId(row.campaign_id),
            author: UpdateAuthor::from_name(&row.author)
                .ok_or(StoreError::Corrupt("update author"))?,
            title: line(row.title, "update title")?,
            body: LetterBody::parse(&row.body).map_err(|_| StoreError::Corrupt("update body"))?,
            created_at: timestamp(row.created_at, "update time")?,
        })
    }
}

/// `SELECT … FROM moderation_events`, in [`EventRow`]'s order.
macro_rules! select_events {
    () => {
        "SELECT id, actor_id, action, target_kind, target_id, note, created_at \
         FROM moderation_events"
    };
}
pub(crate) use select_events;

#[derive(sqlx::FromRow)]
pub(crate) struct EventRow {
    pub(crate) id: i64,
    actor_id: Option<i64>,
    action: String,
    target_kind: String,
    target_id: i64,
    note: Option<String>,
    created_at: i64,
}

impl TryFrom<EventRow> for ModerationEvent {
    type Error = StoreError;

    fn try_from(row: EventRow) -> Result<Self, StoreError> {
        let target = match row.target_kind.as_str() {
            "campaign" => Target::Campaign(CampaignId(row.target_id)),
            "comment" => Target::Comment(CommentId(row.target_id)),
            "news_link" => Target::NewsLink(NewsLinkId(row.target_id)),
            _ => return Err(StoreError::Corrupt("moderation event target")),
        };
        Ok(ModerationEvent {
            actor: row
                .actor_id
                .map_or(Actor::Platform, |id| Actor::Member(MemberId(id))),
            action: row.action,
            target,
            note: row.note,
            at: timestamp(row.created_at, "moderation event time")?,
        })
    }
}

/// How a moderation event's actor is stored: NULL for the platform itself.
pub(crate) fn actor_id(actor: Actor) -> Option<i64> {
    match actor {
        Actor::Platform => None,
        Actor::Member(id) => Some(id.0),
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct VerificationRow {
    id: String,
    purpose: String,
    campaign_id: Option<i64>,
    contact_key: String,
    channel: String,
    code_hash: String,
    attempts_left: i64,
    name: Option<String>,
    public: bool,
    wants_updates: bool,
    sealed_contact: Option<String>,
    withdraw_key: String,
    created_at: i64,
    last_sent_at: i64,
    resends: i64,
    expires_at: i64,
    consumed_at: Option<i64>,
    signature_sequence: Option<i64>,
}

impl TryFrom<VerificationRow> for Verification {
    type Error = StoreError;

    fn try_from(row: VerificationRow) -> Result<Self, StoreError> {
        Ok(Verification {
            id: row.id,
            purpose: Purpose::from_name(&row.purpose)
                .ok_or(StoreError::Corrupt("verification purpose"))?,
            campaign_id: row.campaign_id.map(CampaignId),
            contact_key: ContactKey::from_stored(row.contact_key),
            channel: Channel::from_name(&row.channel)
                .ok_or(StoreError::Corrupt("verification channel"))?,
            code_hash: row.code_hash,
            attempts_left: u32::try_from(row.attempts_left).unwrap_or(0),
            name: row
                .name
                .map(|n| {
                    PersonName::parse(&n).map_err(|_| StoreError::Corrupt("verification name"))
                })
                .transpose()?,
            public: row.public,
            wants_updates: row.wants_updates,
            sealed_contact: row.sealed_contact,
            withdraw_key: row.withdraw_key,
            created_at: timestamp(row.created_at, "verification time")?,
            last_sent_at: timestamp(row.last_sent_at, "verification send time")?,
            resends: u32::try_from(row.resends).unwrap_or(u32::MAX),
            expires_at: timestamp(row.expires_at, "verification expiry")?,
            consumed_at: optional_timestamp(row.consumed_at, "verification use time")?,
            signature_sequence: row.signature_sequence.map(count),
        })
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct OutboxRow {
    id: i64,
    channel: String,
    recipient: String,
    subject: String,
    body: String,
    attempts: i64,
}

impl TryFrom<OutboxRow> for OutboxMessage {
    type Error = StoreError;

    fn try_from(row: OutboxRow) -> Result<Self, StoreError> {
        Ok(OutboxMessage {
            id: row.id,
            message: OutboundMessage {
                channel: Channel::from_name(&row.channel)
                    .ok_or(StoreError::Corrupt("outbox channel"))?,
                recipient: row.recipient,
                subject: row.subject,
                body: row.body,
            },
            attempts: u32::try_from(row.attempts).unwrap_or(u32::MAX),
        })
    }
}

/// The columns every member query selects, in [`MemberRow`]'s order.
macro_rules! member_columns {
    () => {
        "id, display_name, role, contact_key, contact_sealed, session_epoch, created_at"
    };
}
pub(crate) use member_columns;

#[derive(sqlx::FromRow)]
pub(crate) struct MemberRow {
    id: i64,
    display_name: Option<String>,
    role: String,
    contact_key: String,
    contact_sealed: Option<String>,
    session_epoch: i64,
    created_at: i64,
}

impl TryFrom<MemberRow> for Member {
    type Error = StoreError;

    fn try_from(row: MemberRow) -> Result<Self, StoreError> {
        Ok(Member {
            id: MemberId(row.id),
            display_name: row
                .display_name
                .map(|n| PersonName::parse(&n).map_err(|_| StoreError::Corrupt("member name")))
                .transpose()?,
            role: Role::from_name(&row.role).ok_or(StoreError::Corrupt("member role"))?,
            contact_key: ContactKey::from_stored(row.contact_key),
            sealed_contact: row.contact_sealed,
            session_epoch: u32::try_from(row.session_epoch)
                .map_err(|_| StoreError::Corrupt("session epoch"))?,
            created_at: timestamp(row.created_at, "member time")?,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct ReasonRow {
    id: i64,
    label_fa: String,
    label_en: String,
    active: bool,
}

impl TryFrom<ReasonRow> for RejectionReason {
    type Error = StoreError;

    fn try_from(row: ReasonRow) -> Result<Self, StoreError> {
        Ok(RejectionReason {
            id: RejectionReasonId(row.id),
            label_fa: line(row.label_fa, "rejection reason")?,
            label_en: line(row.label_en, "rejection reason")?,
            active: row.active,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct RevisionRow {
    title: String,
    body: String,
    on_behalf_of: String,
    author_name: String,
    hashtag: String,
}

impl RevisionRow {
    pub(crate) fn into_text(self, addressees: Vec<Addressee>) -> Result<CampaignText, StoreError> {
        Ok(CampaignText {
            title: line(self.title, "revised title")?,
            addressees,
            body: LetterBody::parse(&self.body).map_err(|_| StoreError::Corrupt("revised body"))?,
            on_behalf_of: line(self.on_behalf_of, "revised on-behalf-of")?,
            author_name: line(self.author_name, "revised author")?,
            hashtag: hashtag(&self.hashtag)?,
        })
    }
}

/// A campaign card with the key it was sorted by, for a listing's next cursor.
#[derive(sqlx::FromRow)]
pub(crate) struct ListedRow {
    #[sqlx(flatten)]
    summary: SummaryRow,
    sort_key: i64,
}

impl TryFrom<ListedRow> for (CampaignSummary, Cursor) {
    type Error = StoreError;

    fn try_from(row: ListedRow) -> Result<Self, StoreError> {
        let summary: CampaignSummary = row.summary.try_into()?;
        let cursor = Cursor {
            key: row.sort_key,
            id: summary.id.0,
        };
        Ok((summary, cursor))
    }
}

/// The columns of a search hit: a campaign card (`c`, `a`) and its indexed words (`s`).
macro_rules! search_columns {
    () => {
        concat!(
            $crate::rows::summary_columns!(),
            ", s.title AS words_title, s.addressees AS words_addressees, s.body AS words_body, \
             s.hashtag AS words_hashtag, s.on_behalf_of AS words_on_behalf_of"
        )
    };
}
pub(crate) use search_columns;

#[derive(sqlx::FromRow)]
pub(crate) struct SearchRow {
    #[sqlx(flatten)]
    summary: SummaryRow,
    words_title: String,
    words_addressees: String,
    words_body: String,
    words_hashtag: String,
    words_on_behalf_of: String,
}

impl TryFrom<SearchRow> for (CampaignSummary, SearchDocument) {
    type Error = StoreError;

    fn try_from(row: SearchRow) -> Result<Self, StoreError> {
        let document = SearchDocument {
            title: row.words_title,
            addressees: row.words_addressees,
            body: row.words_body,
            hashtag: row.words_hashtag,
            on_behalf_of: row.words_on_behalf_of,
        };
        Ok((row.summary.try_into()?, document))
    }
}
