//! Campaign listings, shared by both backends like the queries in `shared.rs`: filters and
//! four orders, each paged by key (`sort_key`, `id`).

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
              OR ($1 = 'succeeded' AND c.outcome = 'succeeded' \
                  AND c.lifecycle IN ('published', 'ended', 'suspended'))) \
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

/// Implements the listing methods for a backend type with `reader()`/`writer()` pools.
macro_rules! listing_queries {
    ($store:ty) => {
        impl $store {
            /// One page of a listing, with each campaign's sort key for the next cursor.
            pub async fn list_campaigns(
                &self,
                listing: &tomar_core::listing::Listing,
                today: tomar_core::Date,
                since: tomar_core::Timestamp,
            ) -> Result<
                Vec<(
                    tomar_core::campaign::CampaignSummary,
                    tomar_core::listing::Cursor,
                )>,
                $crate::StoreError,
            > {
                use tomar_core::listing::ListSort;
                let descending = listing.sort != ListSort::Ending;
                let start = if descending { i64::MAX } else { i64::MIN };
                let after = listing.after.unwrap_or(tomar_core::listing::Cursor {
                    key: start,
                    id: start,
                });
                let sql = match listing.sort {
                    ListSort::Top => {
                        $crate::listing::listing_sql!("c.signature_count", "DESC", "<")
                    }
                    ListSort::New => {
                        $crate::listing::listing_sql!(
                            "COALESCE(c.published_at, c.created_at)",
                            "DESC",
                            "<"
                        )
                    }
                    ListSort::Trending => $crate::listing::listing_sql!(
                        "(SELECT COUNT(*) FROM signatures s WHERE s.campaign_id = c.id \
                         AND s.status = 'confirmed' AND s.confirmed_at >= $9)",
                        "DESC",
                        "<"
                    ),
                    ListSort::Ending => $crate::listing::listing_sql!(
                        "CAST(REPLACE(c.end_date, '-', '') AS BIGINT)",
                        "ASC",
                        ">"
                    ),
                };
                let mut query = sqlx::query_as::<_, $crate::rows::ListedRow>(sql)
                    .bind(listing.status.name())
                    .bind(today.to_string())
                    .bind(listing.kind.map(|k| k.name()))
                    .bind(listing.category.as_ref().map(|c| c.to_string()))
                    .bind(listing.hashtag.as_ref().map(|h| h.to_string()))
                    .bind(after.key)
                    .bind(after.id)
                    .bind(i64::from(listing.limit));
                if listing.sort == ListSort::Trending {
                    query = query.bind(since.as_second());
                }
                let rows = query.fetch_all(self.reader()).await?;
                rows.into_iter().map(TryInto::try_into).collect()
            }

            /// Public campaigns and the signatures they hold, for the home page.
            pub async fn totals(&self) -> Result<(u64, u64), $crate::StoreError> {
                let (campaigns, signatures): (i64, i64) = sqlx::query_as(
                    "SELECT COUNT(*), CAST(COALESCE(SUM(signature_count), 0) AS BIGINT) \
                     FROM campaigns WHERE lifecycle IN ('published', 'ended', 'suspended')",
                )
                .fetch_one(self.reader())
                .await?;
                Ok((campaigns.max(0) as u64, signatures.max(0) as u64))
            }
        }
    };
}
pub(crate) use {listing_queries, listing_sql};
