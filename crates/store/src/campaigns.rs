//! Campaigns: creating one, reading it (afresh, or from the moment cache for the signing
//! checks), editing a draft, moving it through its lifecycle, setting its outcome.

use tomar_core::Timestamp;
use tomar_core::body::LetterBody;
use tomar_core::campaign::{Addressee, Campaign, CampaignText, NewCampaign};
use tomar_core::extension::EndDateExtension;
use tomar_core::ids::{CampaignId, MemberId};
use tomar_core::image::ImageVersion;
use tomar_core::lifecycle::{Lifecycle, Outcome};
use tomar_core::message::OutboundMessage;
use tomar_core::moderation::ModerationEvent;
use tomar_core::names::CampaignRef;
use tomar_core::news::NewsUrl;
use tomar_core::response::{AddresseeResponse, ResponseSummary};
use tomar_core::search::SearchDocument;

use crate::outbox::Queued;
use crate::rows::{
    addressee, count, date, hashtag, kind, lifecycle, line, optional_timestamp, outcome, slug,
    timestamp,
};
use crate::{StoreError, Tx};

/// The columns every campaign query selects, in [`CampaignRow`]'s order. Macros rather than
/// constants so that queries stay `&'static str` literals through `concat!`.
macro_rules! campaign_columns {
    () => {
        // The addressees come in the same row (one round trip, not two), each as `name US
        // position`, joined by RS: control characters no stored line can contain.
        "id, slug, kind, title, body, on_behalf_of, author_name, hashtag, category, author_id, \
         start_date, end_date, signature_goal, text_version, lifecycle, rejection_reason_id, \
         suspension_order, outcome, outcome_news_url, signature_count, created_at, published_at, \
         submitted_at, image_version, delivered_at, response_on, response_summary, response_url, \
         merged_into, \
         (SELECT outage_on || '\u{1f}' || CAST(days AS TEXT) || '\u{1f}' || reason \
         FROM end_date_extensions WHERE id = campaigns.extension_id) AS extension, \
         (SELECT string_agg(name || '\u{1f}' || position, '\u{1e}' ORDER BY ordinal) \
         FROM addressees WHERE campaign_id = campaigns.id) AS addressees, \
         (SELECT string_agg(asks || '\u{1f}' || CASE WHEN required THEN '1' ELSE '0' END \
         || '\u{1f}' || CASE WHEN totals_public THEN '1' ELSE '0' END \
         || '\u{1f}' || label_fa || '\u{1f}' || COALESCE(label_en, '') || '\u{1f}' \
         || choices_fa || '\u{1f}' || choices_en, '\u{1e}' ORDER BY place) \
         FROM campaign_questions WHERE campaign_id = campaigns.id) AS questions"
    };
}

store_methods! {
    /// Stores a new campaign as a draft.
    pub async fn create_campaign(
        &self,
        new: &NewCampaign,
        at: Timestamp,
    ) -> Result<CampaignId, StoreError> {
        let mut tx = self.writer().begin().await?;
        let slug = new.slug.as_ref().map(|s| s.as_ref().to_owned());
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO campaigns (slug, kind, title, body, on_behalf_of, author_name, \
             hashtag, category, author_id, start_date, end_date, signature_goal, \
             lifecycle, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, 'draft', $13) \
             RETURNING id",
        )
        .bind(slug.clone())
        .bind(new.kind.name())
        .bind(new.text.title.as_ref())
        .bind(new.text.body.as_ref())
        .bind(new.text.on_behalf_of.as_ref())
        .bind(new.text.author_name.as_ref())
        .bind(new.text.hashtag.as_ref())
        .bind(new.category.as_ref().map(|c| c.as_ref()))
        .bind(new.author_id.map(|id| id.0))
        .bind(new.start_date.to_string())
        .bind(new.end_date.to_string())
        .bind(new.signature_goal.map(i64::from))
        .bind(at.as_second())
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| {
            StoreError::on_insert(e, || {
                StoreError::SlugTaken(slug.clone().unwrap_or_default())
            })
        })?;
        Self::write_text_parts(&mut tx, id, &new.text).await?;
        tx.commit().await?;
        Ok(CampaignId(id))
    }

    pub async fn campaign(
        &self,
        by: &CampaignRef,
    ) -> Result<Option<Campaign>, StoreError> {
        let query = match by {
            CampaignRef::Id(id) => sqlx::query_as::<_, CampaignRow>(concat!(
                "SELECT ",
                campaign_columns!(),
                " FROM campaigns WHERE id = $1"
            ))
            .bind(id.0),
            CampaignRef::Slug(slug) => sqlx::query_as(concat!(
                "SELECT ",
                campaign_columns!(),
                " FROM campaigns WHERE slug = $1"
            ))
            .bind(slug.as_ref()),
        };
        query
            .fetch_optional(self.reader())
            .await?
            .map(CampaignRow::into_campaign)
            .transpose()
    }

    /// A campaign as the signing checks need it: at most [`crate::CACHED_FOR`] old, its count
    /// included; this store's own changes to it show at once.
    pub async fn cached_campaign(
        &self,
        by: &CampaignRef,
    ) -> Result<Option<Campaign>, StoreError> {
        let generation = match self.caches.campaigns.fresh(by) {
            Ok(campaign) => return Ok(Some(campaign)),
            Err(generation) => generation,
        };
        let found = self.campaign(by).await?;
        if let Some(campaign) = &found {
            self.caches.campaigns.keep(generation, by.clone(), campaign.clone());
        }
        Ok(found)
    }

    /// Saves a lifecycle change made by `Campaign::apply`, with its moderation event and the
    /// `messages` it sends (the author hears of an approval or a rejection), if the stored
    /// campaign is still in `before`; otherwise writes nothing and answers `Conflict`.
    pub async fn save_transition(
        &self,
        campaign: &Campaign,
        before: &Lifecycle,
        event: &ModerationEvent,
        messages: &[OutboundMessage],
    ) -> Result<(), StoreError> {
        let (reason, order) = match &campaign.lifecycle {
            Lifecycle::Rejected(reason) => (Some(reason.0), None),
            Lifecycle::Suspended(order) => (None, Some(order.reference.clone())),
            _ => (None, None),
        };
        let mut tx = self.writer().begin().await?;
        let changed = sqlx::query(
            "UPDATE campaigns SET lifecycle = $1, rejection_reason_id = $2, \
             suspension_order = $3, published_at = $4, submitted_at = $7 \
             WHERE id = $5 AND lifecycle = $6",
        )
        .bind(campaign.lifecycle.name())
        .bind(reason)
        .bind(order)
        .bind(campaign.published_at.map(|t| t.as_second()))
        .bind(campaign.id.0)
        .bind(before.name())
        .bind(campaign.submitted_at.map(|t| t.as_second()))
        .execute(&mut *tx)
        .await?
        .rows_affected();
        // Rolled back with the rest if the campaign had moved on.
        Self::insert_messages(&mut tx, &Queued::lasting(messages, event.at), None).await?;
        Self::commit_with_event(tx, changed, StoreError::Conflict, event).await?;
        self.forget_campaigns().await;
        Ok(())
    }

    /// Sets what came of a campaign, with its moderation event; `announcement` (the
    /// platform's post about it) is queued only if the campaign had another outcome before,
    /// so a hundred moderators saving the same outcome at once announce it once.
    pub async fn set_outcome(
        &self,
        campaign: CampaignId,
        outcome: &Outcome,
        event: &ModerationEvent,
        announcement: &[OutboundMessage],
    ) -> Result<(), StoreError> {
        // Delivery is remembered from the first time; undoing the outcome forgets it.
        macro_rules! set_outcome {
            () => {
                "UPDATE campaigns SET outcome = $1, outcome_news_url = $2, \
                 delivered_at = CASE $1 WHEN 'delivered' THEN COALESCE(delivered_at, $4) \
                 WHEN 'none' THEN NULL ELSE delivered_at END \
                 WHERE id = $3"
            };
        }
        let set = |guard: &'static str| {
            sqlx::query(guard)
                .bind(outcome.name())
                .bind(outcome.news_url())
                .bind(campaign.0)
                .bind(event.at.as_second())
        };
        let mut tx = self.writer().begin().await?;
        // The row's lock decides which of several at once finds the outcome new.
        let newly = concat!(set_outcome!(), " AND outcome <> $1");
        let mut changed = set(newly).execute(&mut *tx).await?.rows_affected();
        if changed > 0 {
            Self::insert_messages(&mut tx, &Queued::lasting(announcement, event.at), None).await?;
        } else {
            // The same outcome again (a corrected news link, say): saved, not announced.
            changed = set(set_outcome!()).execute(&mut *tx).await?.rows_affected();
        }
        Self::commit_with_event(tx, changed, StoreError::NotFound("campaign"), event).await?;
        self.forget_campaigns().await;
        Ok(())
    }

    /// Replaces what the author wrote in a draft or rejected campaign; anything else is
    /// refused with `Conflict`.
    pub async fn update_draft(
        &self,
        id: CampaignId,
        new: &NewCampaign,
    ) -> Result<(), StoreError> {
        let mut tx = self.writer().begin().await?;
        let slug = new.slug.as_ref().map(|s| s.as_ref().to_owned());
        let changed = sqlx::query(
            "UPDATE campaigns SET slug = $1, kind = $2, title = $3, body = $4, \
             on_behalf_of = $5, author_name = $6, hashtag = $7, category = $8, \
             start_date = $9, end_date = $10, signature_goal = $11 \
             WHERE id = $12 AND lifecycle IN ('draft', 'rejected')",
        )
        .bind(slug.clone())
        .bind(new.kind.name())
        .bind(new.text.title.as_ref())
        .bind(new.text.body.as_ref())
        .bind(new.text.on_behalf_of.as_ref())
        .bind(new.text.author_name.as_ref())
        .bind(new.text.hashtag.as_ref())
        .bind(new.category.as_ref().map(|c| c.as_ref()))
        .bind(new.start_date.to_string())
        .bind(new.end_date.to_string())
        .bind(new.signature_goal.map(i64::from))
        .bind(id.0)
        .execute(&mut *tx)
        .await
        .map_err(|e| {
            StoreError::on_insert(e, || {
                StoreError::SlugTaken(slug.clone().unwrap_or_default())
            })
        })?
        .rows_affected();
        if changed != 1 {
            return Err(StoreError::Conflict);
        }
        sqlx::query("DELETE FROM addressees WHERE campaign_id = $1")
            .bind(id.0)
            .execute(&mut *tx)
            .await?;
        Self::write_text_parts(&mut tx, id.0, &new.text).await?;
        tx.commit().await?;
        self.forget_campaigns().await;
        Ok(())
    }

    /// The last signature number the campaign handed out (withdrawn ones included).
    pub async fn last_number(&self, campaign: CampaignId) -> Result<u64, StoreError> {
        let last: Option<i64> =
            sqlx::query_scalar("SELECT last_sequence FROM campaigns WHERE id = $1")
                .bind(campaign.0)
                .fetch_optional(self.reader())
                .await?;
        last.map(count).ok_or(StoreError::NotFound("campaign"))
    }

    pub async fn campaign_count(&self) -> Result<u64, StoreError> {
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM campaigns")
            .fetch_one(self.reader())
            .await?;
        Ok(n.max(0) as u64)
    }
}

backend_helpers! {
    /// Writes what of a campaign's text lives beside its row: its addressees (in
    /// order) and its search index entry.
    pub(crate) async fn write_text_parts(
        tx: &mut Tx<'_, Self>,
        campaign: i64,
        text: &CampaignText,
    ) -> Result<(), StoreError> {
        for (ordinal, addressee) in text.addressees.iter().enumerate() {
            sqlx::query(
                "INSERT INTO addressees (campaign_id, ordinal, name, position) \
                 VALUES ($1, $2, $3, $4)",
            )
            .bind(campaign)
            .bind(ordinal as i64)
            .bind(addressee.name.as_ref())
            .bind(addressee.position.as_ref())
            .execute(&mut **tx)
            .await?;
        }
        let document = SearchDocument::of(text);
        Self::write_search(tx, campaign, &document).await
    }
}

#[derive(sqlx::FromRow)]
struct CampaignRow {
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
    image_version: Option<i64>,
    delivered_at: Option<i64>,
    response_on: Option<String>,
    response_summary: Option<String>,
    response_url: Option<String>,
    merged_into: Option<i64>,
    extension: Option<String>,
    addressees: Option<String>,
    questions: Option<String>,
}

/// The addressees aggregated by [`campaign_columns`].
pub(crate) fn addressees(joined: Option<String>) -> Result<Vec<Addressee>, StoreError> {
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

impl CampaignRow {
    fn into_campaign(self) -> Result<Campaign, StoreError> {
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
            image: self.image_version.map(ImageVersion),
            delivered_at: optional_timestamp(self.delivered_at, "campaign delivery time")?,
            response: response(self.response_on, self.response_summary, self.response_url)?,
            extension: self.extension.as_deref().map(extension).transpose()?,
            questions: crate::questions::joined(self.questions.as_deref())?,
            merged_into: self.merged_into.map(CampaignId),
        })
    }
}

/// An outage's extension as [`campaign_columns`] joins it: day, days and reason.
fn extension(joined: &str) -> Result<EndDateExtension, StoreError> {
    let corrupt = || StoreError::Corrupt("campaign end date extension");
    let mut parts = joined.splitn(3, '\u{1f}');
    let (Some(on), Some(days), Some(reason)) = (parts.next(), parts.next(), parts.next()) else {
        return Err(corrupt());
    };
    Ok(EndDateExtension {
        outage_on: date(on, "outage day")?,
        days: days.parse().map_err(|_| corrupt())?,
        reason: line(reason.to_owned(), "extension reason")?,
    })
}

/// The addressee's answer from its stored parts: all of them or none.
pub(crate) fn response(
    on: Option<String>,
    summary: Option<String>,
    url: Option<String>,
) -> Result<Option<AddresseeResponse>, StoreError> {
    let (Some(on), Some(summary)) = (on, summary) else {
        return Ok(None);
    };
    let corrupt = |_| StoreError::Corrupt("campaign response");
    Ok(Some(AddresseeResponse {
        answered_on: date(&on, "campaign response day")?,
        summary: ResponseSummary::parse(&summary).map_err(corrupt)?,
        official_url: url
            .map(|u| NewsUrl::parse(&u))
            .transpose()
            .map_err(corrupt)?,
    }))
}
