//! Search: each backend keeps its own index (SQLite FTS5, a PostgreSQL `tsvector`) over the
//! same folded words; matching candidates are ranked in Rust, so both answer alike.

use tomar_core::campaign::CampaignSummary;
use tomar_core::ids::CampaignId;
use tomar_core::names::CampaignRef;
use tomar_core::search::{SearchDocument, SearchQuery};

use crate::postgres::PgStore;
use crate::rows::SummaryRow;
use crate::sqlite::SqliteStore;
use crate::{Store, StoreError};

/// Matches of a search ranked in memory; more than any page of results shows.
pub const SEARCH_CANDIDATES: u32 = 200;

impl Store {
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

/// The queries over the index, compiled for each backend with the name of its campaign column
/// (`$key`) and its match condition on the expression in `$1` (`$matches`).
macro_rules! search_sql {
    ($store:ty, $key:literal, $matches:literal) => {
        impl $store {
            /// Campaigns missing from the search index (written before it existed).
            pub(crate) async fn unindexed_campaigns(&self) -> Result<Vec<CampaignId>, StoreError> {
                let ids: Vec<i64> = sqlx::query_scalar(concat!(
                    "SELECT id FROM campaigns WHERE id NOT IN (SELECT ",
                    $key,
                    " FROM campaign_search) ORDER BY id"
                ))
                .fetch_all(self.reader())
                .await?;
                Ok(ids.into_iter().map(CampaignId).collect())
            }

            /// Writes one campaign's search row.
            pub(crate) async fn index_campaign(
                &self,
                campaign: CampaignId,
                document: &SearchDocument,
            ) -> Result<(), StoreError> {
                let mut tx = self.writer().begin().await?;
                Self::write_search(&mut tx, campaign.0, document).await?;
                tx.commit().await?;
                Ok(())
            }

            /// Public campaigns containing every word of the query (as word prefixes),
            /// newest first, with their indexed words for ranking.
            pub(crate) async fn search_candidates(
                &self,
                query: &SearchQuery,
                limit: u32,
            ) -> Result<Vec<(CampaignSummary, SearchDocument)>, StoreError> {
                let rows: Vec<SearchRow> = sqlx::query_as(concat!(
                    "SELECT ",
                    search_columns!(),
                    " FROM campaign_search s JOIN campaigns c ON c.id = s.",
                    $key,
                    " ",
                    crate::rows::summary_join!(),
                    " WHERE ",
                    $matches,
                    " AND c.lifecycle IN ('published', 'ended', 'suspended') \
                     AND c.merged_into IS NULL \
                     ORDER BY c.id DESC LIMIT $2"
                ))
                .bind(Self::match_expression(query))
                .bind(i64::from(limit))
                .fetch_all(self.public_reader())
                .await?;
                rows.into_iter().map(TryInto::try_into).collect()
            }
        }
    };
}

search_sql!(SqliteStore, "rowid", "campaign_search MATCH $1");
search_sql!(PgStore, "campaign_id", "s.document @@ CAST($1 AS tsquery)");

/// SQLite's index is an FTS5 table keyed by the campaign's id as its `rowid`.
impl SqliteStore {
    /// Replaces a campaign's row in the search index.
    pub(crate) async fn write_search(
        tx: &mut sqlx::Transaction<'_, sqlx::Sqlite>,
        campaign: i64,
        document: &SearchDocument,
    ) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM campaign_search WHERE rowid = $1")
            .bind(campaign)
            .execute(&mut **tx)
            .await?;
        sqlx::query(
            "INSERT INTO campaign_search (rowid, title, addressees, body, hashtag, on_behalf_of, \
             compounds) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(campaign)
        .bind(&document.title)
        .bind(&document.addressees)
        .bind(&document.body)
        .bind(&document.hashtag)
        .bind(&document.on_behalf_of)
        .bind(document.compounds().join(" "))
        .execute(&mut **tx)
        .await?;
        Ok(())
    }

    /// The backend's form of a search query: every term as a word prefix.
    fn match_expression(query: &SearchQuery) -> String {
        // Terms are letters and digits only (see `tomar_core::search::words`), so quoting
        // them is enough to keep FTS5 syntax out.
        every_term(query, |term| format!("\"{term}\"*"), " AND ", " OR ")
    }
}

/// PostgreSQL's index is a `tsvector` of the same folded words (so its locale never splits
/// Persian), one row per campaign.
impl PgStore {
    /// Replaces a campaign's row in the search index.
    pub(crate) async fn write_search(
        tx: &mut sqlx::Transaction<'_, sqlx::Postgres>,
        campaign: i64,
        document: &SearchDocument,
    ) -> Result<(), StoreError> {
        let mut words = document.all_words();
        words.extend(document.compounds());
        words.sort();
        words.dedup();
        sqlx::query(
            "INSERT INTO campaign_search (campaign_id, title, addressees, body, hashtag, \
             on_behalf_of, document) VALUES ($1, $2, $3, $4, $5, $6, array_to_tsvector($7)) \
             ON CONFLICT (campaign_id) DO UPDATE SET title = excluded.title, \
             addressees = excluded.addressees, body = excluded.body, hashtag = excluded.hashtag, \
             on_behalf_of = excluded.on_behalf_of, document = excluded.document",
        )
        .bind(campaign)
        .bind(&document.title)
        .bind(&document.addressees)
        .bind(&document.body)
        .bind(&document.hashtag)
        .bind(&document.on_behalf_of)
        .bind(words)
        .execute(&mut **tx)
        .await?;
        Ok(())
    }

    /// The backend's form of a search query: every term as a word prefix.
    fn match_expression(query: &SearchQuery) -> String {
        // Terms are letters and digits only (see `tomar_core::search::words`): quoted as
        // tsquery lexemes they are taken literally, never parsed by PostgreSQL.
        every_term(query, |term| format!("'{term}':*"), " & ", " | ")
    }
}

/// The query in the backend's syntax: for each way of writing it
/// (`SearchQuery::alternatives`), every term as a prefix joined by the backend's "and", and
/// the ways joined by its "or".
fn every_term(query: &SearchQuery, prefix: impl Fn(&str) -> String, and: &str, or: &str) -> String {
    let ways: Vec<String> = query
        .alternatives()
        .iter()
        .map(|terms| {
            let terms: Vec<String> = terms.iter().map(|term| prefix(term)).collect();
            format!("({})", terms.join(and))
        })
        .collect();
    ways.join(or)
}

#[derive(sqlx::FromRow)]
struct SearchRow {
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
