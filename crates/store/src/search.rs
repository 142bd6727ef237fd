//! The search queries both backends share. Each backend keeps its own index (FTS5 or a
//! `tsvector`) and provides `write_search` and `match_expression`; `$key` names the
//! index's campaign column and `$matches` its condition on the expression in `$1`.

/// Implements the shared search methods for a backend type.
macro_rules! search_queries {
    ($store:ty, $key:literal, $matches:literal) => {
        impl $store {
            /// Campaigns missing from the search index (written before it existed).
            pub async fn unindexed_campaigns(
                &self,
            ) -> Result<Vec<tomar_core::ids::CampaignId>, $crate::StoreError> {
                let ids: Vec<i64> = sqlx::query_scalar(concat!(
                    "SELECT id FROM campaigns WHERE id NOT IN (SELECT ",
                    $key,
                    " FROM campaign_search) ORDER BY id"
                ))
                .fetch_all(self.reader())
                .await?;
                Ok(ids.into_iter().map(tomar_core::ids::CampaignId).collect())
            }

            /// Writes one campaign's search row.
            pub async fn index_campaign(
                &self,
                campaign: tomar_core::ids::CampaignId,
                document: &tomar_core::search::SearchDocument,
            ) -> Result<(), $crate::StoreError> {
                let mut tx = self.writer().begin().await?;
                Self::write_search(&mut tx, campaign.0, document).await?;
                tx.commit().await?;
                Ok(())
            }

            /// Public campaigns containing every word of the query (as word prefixes),
            /// newest first, with their indexed words for ranking.
            pub async fn search_candidates(
                &self,
                query: &tomar_core::search::SearchQuery,
                limit: u32,
            ) -> Result<
                Vec<(
                    tomar_core::campaign::CampaignSummary,
                    tomar_core::search::SearchDocument,
                )>,
                $crate::StoreError,
            > {
                let rows: Vec<$crate::rows::SearchRow> = sqlx::query_as(concat!(
                    "SELECT ",
                    $crate::rows::search_columns!(),
                    " FROM campaign_search s JOIN campaigns c ON c.id = s.",
                    $key,
                    " ",
                    $crate::rows::summary_join!(),
                    " WHERE ",
                    $matches,
                    " AND c.lifecycle IN ('published', 'ended', 'suspended') \
                     ORDER BY c.id DESC LIMIT $2"
                ))
                .bind(Self::match_expression(query))
                .bind(i64::from(limit))
                .fetch_all(self.reader())
                .await?;
                rows.into_iter().map(TryInto::try_into).collect()
            }
        }
    };
}
pub(crate) use search_queries;
