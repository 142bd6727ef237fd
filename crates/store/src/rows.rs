//! What the features share: campaign cards as both databases return them and their way
//! back into domain values (a row that does not parse is reported as corrupt rather than
//! shown half-right), the parsers every row uses, and the list of a batch's `IN (…)`.

use tomar_core::campaign::{Addressee, CampaignKind, CampaignSummary};
use tomar_core::ids::{CampaignId, RejectionReasonId};
use tomar_core::image::ImageVersion;
use tomar_core::lifecycle::{Lifecycle, Outcome};
use tomar_core::names::{Hashtag, Line, Slug};
use tomar_core::{Date, Timestamp};

use crate::error::StoreError;

/// Rows a bulk insert writes in one statement, under both backends' limits on bound values
/// (SQLite's 32,766 at the 17 columns of a signature).
pub(crate) const INSERT_CHUNK: usize = 1000;

/// Stored text is re-read through the same parsers that admitted it; limits are not
/// re-applied, so tightening a limit later never makes old rows unreadable.
pub(crate) fn line(text: String, what: &'static str) -> Result<Line, StoreError> {
    Line::parse(&text, usize::MAX).map_err(|_| StoreError::Corrupt(what))
}

pub(crate) fn timestamp(seconds: i64, what: &'static str) -> Result<Timestamp, StoreError> {
    Timestamp::from_second(seconds).map_err(|_| StoreError::Corrupt(what))
}

pub(crate) fn optional_timestamp(
    seconds: Option<i64>,
    what: &'static str,
) -> Result<Option<Timestamp>, StoreError> {
    seconds.map(|s| timestamp(s, what)).transpose()
}

pub(crate) fn date(text: &str, what: &'static str) -> Result<Date, StoreError> {
    text.parse().map_err(|_| StoreError::Corrupt(what))
}

pub(crate) fn count(n: i64) -> u64 {
    u64::try_from(n).unwrap_or(0)
}

pub(crate) fn lifecycle(
    name: &str,
    reason: Option<i64>,
    order: Option<String>,
) -> Result<Lifecycle, StoreError> {
    Lifecycle::from_parts(name, reason.map(RejectionReasonId), order)
        .ok_or(StoreError::Corrupt("campaign lifecycle"))
}

pub(crate) fn outcome(name: &str, news_url: Option<String>) -> Result<Outcome, StoreError> {
    Outcome::from_parts(name, news_url).ok_or(StoreError::Corrupt("campaign outcome"))
}

pub(crate) fn slug(text: Option<String>) -> Result<Option<Slug>, StoreError> {
    text.map(|s| Slug::parse(&s).map_err(|_| StoreError::Corrupt("campaign slug")))
        .transpose()
}

pub(crate) fn hashtag(text: &str) -> Result<Hashtag, StoreError> {
    Hashtag::parse(text).map_err(|_| StoreError::Corrupt("campaign hashtag"))
}

pub(crate) fn kind(name: &str) -> Result<CampaignKind, StoreError> {
    CampaignKind::from_name(name).ok_or(StoreError::Corrupt("campaign kind"))
}

/// The columns of a campaign card, in [`SummaryRow`]'s order: campaign `c` and its first
/// addressee `a` (joined by [`summary_join`]).
macro_rules! summary_columns {
    () => {
        "c.id, c.slug, c.kind, c.title, c.hashtag, c.category, c.end_date, c.lifecycle, \
         c.rejection_reason_id, c.suspension_order, c.outcome, c.outcome_news_url, \
         c.signature_count, c.image_version, c.response_on, a.name AS addressee_name, \
         a.position AS addressee_position"
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
    image_version: Option<i64>,
    response_on: Option<String>,
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
            image: row.image_version.map(ImageVersion),
            answered_on: row
                .response_on
                .map(|on| date(&on, "campaign response day"))
                .transpose()?,
        })
    }
}

pub(crate) fn addressee(name: String, position: String) -> Result<Addressee, StoreError> {
    Ok(Addressee {
        name: line(name, "addressee name")?,
        position: line(position, "addressee position")?,
    })
}

/// Appends `(v1, v2, …)`, each value bound: the list of an `IN` for a batch.
pub(crate) fn push_list<DB: sqlx::Database, T>(
    query: &mut sqlx::QueryBuilder<DB>,
    values: impl IntoIterator<Item = T>,
) where
    T: for<'q> sqlx::Encode<'q, DB> + sqlx::Type<DB>,
{
    query.push("(");
    let mut list = query.separated(", ");
    for value in values {
        list.push_bind(value);
    }
    query.push(")");
}
