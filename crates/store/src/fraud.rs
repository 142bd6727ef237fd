//! The moderators' fraud tools: where a campaign's signatures come from (read from the
//! counts per source and hour the signing writer keeps, never from the signatures), and
//! bulk invalidation of the signatures of one source or time window, in batches that a
//! moderator watches and may cancel.

use tomar_core::Timestamp;
use tomar_core::ids::{CampaignId, InvalidationId, MemberId};
use tomar_core::moderation::ModerationEvent;
use tomar_core::signature_log::{LogEntry, to_the_minute};

use crate::hours::{Counted, SourceKind};
use crate::limits::hour_of;
use crate::rows::{count, optional_timestamp, timestamp};
use crate::{Db, StoreError};

/// The columns of [`InvalidationRow`], in its order.
macro_rules! invalidation_columns {
    () => {
        "id, campaign_id, network, email_domain, from_at, to_at, status, expected, \
         invalidated, moderator_id, created_at, finished_at"
    };
}
/// How many signatures one source brought a campaign lately.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SourceCount {
    /// A network's keyed hash, or an email domain.
    pub source: String,
    /// Since the start of the previous clock hour.
    pub last_hour: u64,
    /// Since the same hour yesterday.
    pub last_day: u64,
}

/// Which of a campaign's confirmed signatures to invalidate: those matching every
/// criterion given. A choice with none matches nothing (see [`SignatureChoice::is_empty`]).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SignatureChoice {
    pub network: Option<String>,
    pub email_domain: Option<String>,
    /// Confirmed at or after.
    pub from: Option<Timestamp>,
    /// Confirmed before.
    pub to: Option<Timestamp>,
}

impl SignatureChoice {
    pub fn is_empty(&self) -> bool {
        self.network.is_none()
            && self.email_domain.is_none()
            && self.from.is_none()
            && self.to.is_none()
    }

    /// Adds ` AND …` for each criterion to a query over `signatures`.
    fn push_conditions<DB: sqlx::Database>(&self, query: &mut sqlx::QueryBuilder<DB>)
    where
        String: for<'t> sqlx::Encode<'t, DB> + sqlx::Type<DB>,
        i64: for<'t> sqlx::Encode<'t, DB> + sqlx::Type<DB>,
    {
        if let Some(network) = &self.network {
            query.push(" AND client_key = ").push_bind(network.clone());
        }
        if let Some(domain) = &self.email_domain {
            query.push(" AND email_domain = ").push_bind(domain.clone());
        }
        if let Some(from) = self.from {
            query
                .push(" AND confirmed_at >= ")
                .push_bind(from.as_second());
        }
        if let Some(to) = self.to {
            query.push(" AND confirmed_at < ").push_bind(to.as_second());
        }
    }
}

/// Where a bulk invalidation stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InvalidationStatus {
    Running,
    Cancelled,
    Done,
}

impl InvalidationStatus {
    pub fn name(self) -> &'static str {
        match self {
            InvalidationStatus::Running => "running",
            InvalidationStatus::Cancelled => "cancelled",
            InvalidationStatus::Done => "done",
        }
    }

    fn from_name(name: &str) -> Option<InvalidationStatus> {
        [Self::Running, Self::Cancelled, Self::Done]
            .into_iter()
            .find(|status| status.name() == name)
    }
}

/// A signature a bulk invalidation took off the count.
#[derive(sqlx::FromRow)]
struct Invalidated {
    sequence: i64,
    #[sqlx(flatten)]
    counted: Counted,
}

/// What the log says of a bulk invalidation's signatures (its moderator's note stays in the
/// moderation log, which may name sources the public log must not).
const INVALIDATION_REASON: &str = "fraud: many signatures from one source";

/// A bulk invalidation and its progress.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Invalidation {
    pub id: InvalidationId,
    pub campaign_id: CampaignId,
    pub choice: SignatureChoice,
    pub status: InvalidationStatus,
    /// How many matched when the moderator confirmed.
    pub expected: u64,
    /// How many have left the count so far.
    pub invalidated: u64,
    pub moderator: MemberId,
    pub created_at: Timestamp,
    pub finished_at: Option<Timestamp>,
}

store_methods! {
    /// The sources that brought `campaign` the most signatures in the last day, busiest
    /// first, with their last hour beside it. Reads one row per source and hour.
    pub async fn busiest_sources(
        &self,
        campaign: CampaignId,
        kind: SourceKind,
        now: Timestamp,
        limit: u32,
    ) -> Result<Vec<SourceCount>, StoreError> {
        let hour_ago = hour_of(now) - 3600;
        let day_ago = hour_of(now) - 24 * 3600;
        let rows: Vec<(String, i64, i64)> = sqlx::query_as(
            // PostgreSQL sums BIGINTs as NUMERIC; both read back as BIGINT.
            "SELECT source, \
             CAST(SUM(CASE WHEN window_start >= $3 THEN count ELSE 0 END) AS BIGINT), \
             CAST(SUM(count) AS BIGINT) FROM signature_sources \
             WHERE campaign_id = $1 AND kind = $2 AND window_start >= $4 \
             GROUP BY source ORDER BY 3 DESC, source LIMIT $5",
        )
        .bind(campaign.0)
        .bind(kind.name())
        .bind(hour_ago)
        .bind(day_ago)
        .bind(i64::from(limit))
        .fetch_all(self.reader())
        .await?;
        Ok(rows
            .into_iter()
            .map(|(source, last_hour, last_day)| SourceCount {
                source,
                last_hour: count(last_hour),
                last_day: count(last_day),
            })
            .collect())
    }

    /// How many of the campaign's confirmed signatures `choice` matches now.
    pub async fn count_chosen(
        &self,
        campaign: CampaignId,
        choice: &SignatureChoice,
    ) -> Result<u64, StoreError> {
        let mut query = sqlx::QueryBuilder::<Db<Self>>::new(
            "SELECT COUNT(*) FROM signatures WHERE status = 'confirmed' AND campaign_id = ",
        );
        query.push_bind(campaign.0);
        choice.push_conditions(&mut query);
        let matched: i64 = query.build_query_scalar().fetch_one(self.reader()).await?;
        Ok(count(matched))
    }

    /// Starts invalidating what `choice` matches in `campaign`, `expected` signatures as
    /// the moderator was shown, with its event (whose actor is the moderator).
    pub async fn start_invalidation(
        &self,
        campaign: CampaignId,
        choice: &SignatureChoice,
        expected: u64,
        moderator: MemberId,
        event: &ModerationEvent,
    ) -> Result<InvalidationId, StoreError> {
        let mut tx = self.writer().begin().await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO invalidations (campaign_id, network, email_domain, from_at, to_at, \
             status, expected, moderator_id, created_at) \
             VALUES ($1, $2, $3, $4, $5, 'running', $6, $7, $8) RETURNING id",
        )
        .bind(campaign.0)
        .bind(choice.network.as_deref())
        .bind(choice.email_domain.as_deref())
        .bind(choice.from.map(|t| t.as_second()))
        .bind(choice.to.map(|t| t.as_second()))
        .bind(i64::try_from(expected).unwrap_or(i64::MAX))
        .bind(moderator.0)
        .bind(event.at.as_second())
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| StoreError::on_insert(e, || StoreError::NotFound("campaign")))?;
        Self::commit_with_event(tx, 1, StoreError::Conflict, event).await?;
        Ok(InvalidationId(id))
    }

    /// Invalidates up to `batch` more signatures of a running invalidation, in one
    /// transaction that also takes them off the campaign's count. The invalidation's row is
    /// locked first, so processes running the same one take turns. Answers how many went;
    /// a batch that finds none left marks it done.
    pub async fn invalidate_batch(
        &self,
        id: InvalidationId,
        batch: u32,
        at: Timestamp,
    ) -> Result<u64, StoreError> {
        let mut tx = self.writer().begin().await?;
        let running: Option<InvalidationRow> = sqlx::query_as(concat!(
            "UPDATE invalidations SET status = status WHERE id = $1 AND status = 'running' \
             RETURNING ",
            invalidation_columns!()
        ))
        .bind(id.0)
        .fetch_optional(&mut *tx)
        .await?;
        let Some(running) = running else {
            return Ok(0);
        };
        let job = Invalidation::try_from(running)?;
        let mut update = sqlx::QueryBuilder::<Db<Self>>::new(
            "UPDATE signatures SET status = 'invalidated', invalidated_at = ",
        );
        update.push_bind(at.as_second());
        update.push(" WHERE status = 'confirmed' AND id IN (SELECT id FROM signatures \
                     WHERE status = 'confirmed' AND campaign_id = ");
        update.push_bind(job.campaign_id.0);
        job.choice.push_conditions(&mut update);
        update.push(" ORDER BY id LIMIT ");
        update.push_bind(i64::from(batch));
        update.push(")");
        update.push(" RETURNING sequence, confirmed_at, client_key, email_domain, text_version");
        let gone: Vec<Invalidated> = update.build_query_as().fetch_all(&mut *tx).await?;
        let entries: Vec<Vec<u8>> = gone
            .iter()
            .map(|signature| {
                LogEntry::Invalidation {
                    of: signature.sequence as u64,
                    minute: to_the_minute(at),
                    reason: INVALIDATION_REASON.to_owned(),
                }
                .encode()
            })
            .collect();
        let gone: Vec<Counted> = gone.into_iter().map(|signature| signature.counted).collect();
        Self::uncount(&mut tx, job.campaign_id, &gone, at).await?;
        Self::append_to_log(&mut tx, job.campaign_id, &entries).await?;
        let gone = gone.len() as u64;
        let gone_signed = i64::try_from(gone).unwrap_or(i64::MAX);
        sqlx::query(
            "UPDATE invalidations SET invalidated = invalidated + $1, \
             status = CASE WHEN $1 = 0 THEN 'done' ELSE status END, \
             finished_at = CASE WHEN $1 = 0 THEN $2 ELSE finished_at END WHERE id = $3",
        )
        .bind(gone_signed)
        .bind(at.as_second())
        .bind(id.0)
        .execute(&mut *tx)
        .await?;
        self.commit_moved_count(tx, job.campaign_id).await?;
        Ok(gone)
    }

    /// Stops a running invalidation after the batch in hand; what went stays gone.
    /// Answers whether it was running.
    pub async fn cancel_invalidation(
        &self,
        id: InvalidationId,
        event: &ModerationEvent,
    ) -> Result<bool, StoreError> {
        let mut tx = self.writer().begin().await?;
        let changed = sqlx::query(
            "UPDATE invalidations SET status = 'cancelled', finished_at = $1 \
             WHERE id = $2 AND status = 'running'",
        )
        .bind(event.at.as_second())
        .bind(id.0)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if changed == 0 {
            return Ok(false);
        }
        Self::commit_with_event(tx, changed, StoreError::Conflict, event).await?;
        Ok(true)
    }

    pub async fn invalidation(
        &self,
        id: InvalidationId,
    ) -> Result<Option<Invalidation>, StoreError> {
        let row: Option<InvalidationRow> = sqlx::query_as(concat!(
            "SELECT ",
            invalidation_columns!(),
            " FROM invalidations WHERE id = $1"
        ))
        .bind(id.0)
        .fetch_optional(self.reader())
        .await?;
        row.map(TryInto::try_into).transpose()
    }

    /// The campaign's invalidations, newest first.
    pub async fn invalidations_of(
        &self,
        campaign: CampaignId,
        limit: u32,
    ) -> Result<Vec<Invalidation>, StoreError> {
        let rows: Vec<InvalidationRow> = sqlx::query_as(concat!(
            "SELECT ",
            invalidation_columns!(),
            " FROM invalidations WHERE campaign_id = $1 ORDER BY id DESC LIMIT $2"
        ))
        .bind(campaign.0)
        .bind(i64::from(limit))
        .fetch_all(self.reader())
        .await?;
        rows.into_iter().map(TryInto::try_into).collect()
    }

    /// The invalidations still running, oldest first, for the worker that runs them.
    pub async fn running_invalidations(&self) -> Result<Vec<InvalidationId>, StoreError> {
        let ids: Vec<i64> =
            sqlx::query_scalar("SELECT id FROM invalidations WHERE status = 'running' ORDER BY id")
                .fetch_all(self.reader())
                .await?;
        Ok(ids.into_iter().map(InvalidationId).collect())
    }
}

#[derive(sqlx::FromRow)]
struct InvalidationRow {
    id: i64,
    campaign_id: i64,
    network: Option<String>,
    email_domain: Option<String>,
    from_at: Option<i64>,
    to_at: Option<i64>,
    status: String,
    expected: i64,
    invalidated: i64,
    moderator_id: i64,
    created_at: i64,
    finished_at: Option<i64>,
}

impl TryFrom<InvalidationRow> for Invalidation {
    type Error = StoreError;

    fn try_from(row: InvalidationRow) -> Result<Self, StoreError> {
        Ok(Invalidation {
            id: InvalidationId(row.id),
            campaign_id: CampaignId(row.campaign_id),
            choice: SignatureChoice {
                network: row.network,
                email_domain: row.email_domain,
                from: optional_timestamp(row.from_at, "invalidation start")?,
                to: optional_timestamp(row.to_at, "invalidation end")?,
            },
            status: InvalidationStatus::from_name(&row.status)
                .ok_or(StoreError::Corrupt("invalidation status"))?,
            expected: count(row.expected),
            invalidated: count(row.invalidated),
            moderator: MemberId(row.moderator_id),
            created_at: timestamp(row.created_at, "invalidation time")?,
            finished_at: optional_timestamp(row.finished_at, "invalidation end time")?,
        })
    }
}
