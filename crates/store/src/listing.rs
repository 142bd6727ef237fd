//! Listings of public campaigns: filters and four orders, each paged by key (`sort_key`,
//! `id`); campaigns by hashtag; the platform's totals.

use tomar_core::campaign::CampaignSummary;
use tomar_core::listing::{Cursor, ListSort, Listing};
use tomar_core::names::Hashtag;
use tomar_core::{Date, Timestamp};

use crate::StoreError;
use crate::hours::iran_hour_of;
use crate::rows::SummaryRow;

/// The listing query for one order: `$key` is the sort key's SQL, `$dir` the direction and
/// `$cmp` the comparison that continues after the cursor. Parameters: $1 status, $2 today,
/// $3 kind, $4 category, $5 hashtag, $6 and $7 the cursor, $8 the limit (and $9, since when
/// signatures count as recent, for the trending order).
macro_rules! listing_sql {
    ($key:literal, $dir:literal, $cmp:literal) => {
        concat!(
            "SELECT * FROM (SELECT ",
            $crate::rows::summary_columns!(),
            ", ",
            $key,
            " AS sort_key FROM campaigns c ",
            $crate::rows::summary_join!(),
            " WHERE \
             (($1 = 'all' AND c.lifecycle IN ('published', 'ended', 'suspended')) \
              OR ($1 = 'open' AND c.lifecycle = 'published' AND c.end_date >= $2) \
              OR ($1 = 'ended' AND (c.lifecycle = 'ended' \
                  OR (c.lifecycle = 'published' AND c.end_date < $2))) \
              OR ($1 IN ('succeeded', 'delivered', 'special_follow_up') AND c.outcome = $1 \
                  AND c.lifecycle IN ('published', 'ended', 'suspended'))) \
             AND c.merged_into IS NULL \
             AND ($3 IS NULL OR c.kind = $3) AND ($4 IS NULL OR c.category = $4) \
             AND ($5 IS NULL OR c.hashtag = $5)) AS t \
             WHERE (t.sort_key ",
            $cmp,
            " $6 OR (t.sort_key = $6 AND t.id ",
            $cmp,
            " $7)) ORDER BY t.sort_key ",
            $dir,
            ", t.id ",
            $dir,
            " LIMIT $8"
        )
    };
}

store_methods! {
    /// One page of a listing on the Iran day `today`, each campaign with its cursor;
    /// signatures since the hour of `since` count for the trending order (read from the
    /// counts by hour, a row an hour, never from the signatures).
    pub async fn list_campaigns(
        &self,
        listing: &Listing,
        today: Date,
        since: Timestamp,
    ) -> Result<Vec<(CampaignSummary, Cursor)>, StoreError> {
        let descending = listing.sort != ListSort::Ending;
        let start = if descending { i64::MAX } else { i64::MIN };
        let after = listing.after.unwrap_or(Cursor {
            key: start,
            id: start,
        });
        let sql = match listing.sort {
            ListSort::Top => {
                listing_sql!("c.signature_count", "DESC", "<")
            }
            ListSort::New => {
                listing_sql!("COALESCE(c.published_at, c.created_at)", "DESC", "<")
            }
            ListSort::Trending => listing_sql!(
                // PostgreSQL sums BIGINTs as NUMERIC; both read back as BIGINT.
                "CAST(COALESCE((SELECT SUM(h.count) FROM signature_hours h \
                 WHERE h.campaign_id = c.id AND h.hour_start >= $9), 0) AS BIGINT)",
                "DESC",
                "<"
            ),
            ListSort::Ending => {
                listing_sql!("CAST(REPLACE(c.end_date, '-', '') AS BIGINT)", "ASC", ">")
            }
        };
        let mut query = sqlx::query_as::<_, ListedRow>(sql)
            .bind(listing.status.name())
            .bind(today.to_string())
            .bind(listing.kind.map(|k| k.name()))
            .bind(listing.category.as_ref().map(|c| c.to_string()))
            .bind(listing.hashtag.as_ref().map(|h| h.to_string()))
            .bind(after.key)
            .bind(after.id)
            .bind(i64::from(listing.limit));
        if listing.sort == ListSort::Trending {
            query = query.bind(iran_hour_of(since.as_second()));
        }
        let rows = query.fetch_all(self.public_reader()).await?;
        rows.into_iter().map(TryInto::try_into).collect()
    }

    /// Public campaigns with this official hashtag, most-signed first.
    pub async fn campaigns_with_hashtag(
        &self,
        hashtag: &Hashtag,
        limit: u32,
    ) -> Result<Vec<CampaignSummary>, StoreError> {
        let rows: Vec<SummaryRow> = sqlx::query_as(concat!(
            crate::rows::select_summaries!(),
            " WHERE c.hashtag = $1 AND c.lifecycle IN ('published', 'ended', 'suspended') \
             AND c.merged_into IS NULL \
             ORDER BY c.signature_count DESC, c.id DESC LIMIT $2"
        ))
        .bind(hashtag.as_ref())
        .bind(i64::from(limit))
        .fetch_all(self.public_reader())
        .await?;
        rows.into_iter().map(TryInto::try_into).collect()
    }

    /// Public campaigns and the signatures they hold; a merged campaign's signers are
    /// counted where they went.
    pub async fn totals(&self) -> Result<(u64, u64), StoreError> {
        let (campaigns, signatures): (i64, i64) = sqlx::query_as(
            "SELECT COUNT(*), CAST(COALESCE(SUM(signature_count), 0) AS BIGINT) \
             FROM campaigns WHERE lifecycle IN ('published', 'ended', 'suspended') \
             AND merged_into IS NULL",
        )
        .fetch_one(self.public_reader())
        .await?;
        Ok((campaigns.max(0) as u64, signatures.max(0) as u64))
    }
}

/// A campaign card with the key it was sorted by, for a listing's next cursor.
#[derive(sqlx::FromRow)]
struct ListedRow {
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
