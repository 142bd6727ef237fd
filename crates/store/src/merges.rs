//! Merging a duplicate campaign ("from") into another ("into"): a moderator proposes it, the
//! preview counts in chunks how many of from's signers are new to into (by contact key) and
//! how many signed it already; once confirmed, from closes and leads to into, its comments,
//! news links and updates move there, and its new signers are carried in batches, each with
//! its original times, the next number of into and an entry in into's log naming where it
//! came from. The last batch ends from's log with an entry that says where it went.
//!
//! Both passes go through from's signatures in order of their numbers, a chunk a step, so
//! neither costs more at ten million signatures than at ten; each step locks the merge's row,
//! so processes running the same merge take turns.

/// A chunk of from's (`$1`) confirmed signatures after number `$3`, `$4` of them in order,
/// each with whether into (`$2`) has its contact: what both passes of a merge read.
macro_rules! from_chunk {
    ($columns:literal) => {
        concat!(
            "SELECT ",
            $columns,
            ", EXISTS (SELECT 1 FROM signatures a \
             WHERE a.campaign_id = $2 AND a.contact_key = b.contact_key) AS signed_into \
             FROM signatures b WHERE b.campaign_id = $1 AND b.status = 'confirmed' \
             AND b.sequence > $3 ORDER BY b.sequence LIMIT $4"
        )
    };
}

/// What both campaigns of a merge must be, the campaign row named `$table`: public and
/// holding its signers' contacts (published or ended, not yet anonymised), and not merged.
macro_rules! mergeable {
    ($table:literal) => {
        concat!(
            $table,
            ".merged_into IS NULL AND ",
            $table,
            ".lifecycle IN ('published', 'ended') AND ",
            $table,
            ".signers_anonymised_at IS NULL"
        )
    };
}

mod carrying;

use tomar_core::Timestamp;
use tomar_core::ids::{CampaignId, MemberId, MergeId};
use tomar_core::moderation::ModerationEvent;
use tomar_core::names::Line;

use crate::rows::{count, line, optional_timestamp, timestamp};
use crate::{StoreError, Tx};

/// The columns of [`MergeRow`], in its order.
macro_rules! merge_columns {
    () => {
        "id, from_id, into_id, status, passed, new_signers, already_signed, carried, \
         moderator_id, created_at, counted_at, confirmed_at, finished_at"
    };
}

/// Where a merge stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MergeStatus {
    /// The preview is being counted.
    Counting,
    /// The preview is ready for the moderator to confirm or drop.
    Counted,
    /// The moderator let it go; nothing moved.
    Dropped,
    /// Confirmed: from is closed and its new signers are being carried.
    Carrying,
    Done,
}

impl MergeStatus {
    const ALL: [MergeStatus; 5] = [
        MergeStatus::Counting,
        MergeStatus::Counted,
        MergeStatus::Dropped,
        MergeStatus::Carrying,
        MergeStatus::Done,
    ];

    pub fn name(self) -> &'static str {
        match self {
            MergeStatus::Counting => "counting",
            MergeStatus::Counted => "counted",
            MergeStatus::Dropped => "dropped",
            MergeStatus::Carrying => "carrying",
            MergeStatus::Done => "done",
        }
    }

    fn from_name(name: &str) -> Option<MergeStatus> {
        Self::ALL.into_iter().find(|status| status.name() == name)
    }
}

/// A merge and its progress.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Merge {
    pub id: MergeId,
    pub from: CampaignId,
    pub into: CampaignId,
    pub status: MergeStatus,
    /// From's signers new to into, and those who had signed it already, as last counted.
    pub new_signers: u64,
    pub already_signed: u64,
    /// Carried so far.
    pub carried: u64,
    pub moderator: MemberId,
    pub created_at: Timestamp,
    pub counted_at: Option<Timestamp>,
    pub confirmed_at: Option<Timestamp>,
    pub finished_at: Option<Timestamp>,
}

/// What one step of a running merge did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MergeStep {
    /// The preview looked at this many more signatures (it is counted once fewer than a
    /// chunk were left).
    Counted(u64),
    /// This many more signers were carried.
    Carried(u64),
    /// Nothing was left to carry: the merge is done.
    Finished,
    /// The merge was not running (done, dropped, waiting to be confirmed, or unknown).
    Idle,
}

/// A campaign merged into another, as the other's page names it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JoinedCampaign {
    pub id: CampaignId,
    pub title: Line,
    pub carried: u64,
    pub merged_at: Timestamp,
}

store_methods! {
    /// Proposes merging `from` into `into` and starts counting the preview. Both must be
    /// public and still hold their signers' contacts (published or ended, not yet
    /// anonymised) and neither merged, as `mergeable!` says; otherwise `Conflict`.
    pub async fn propose_merge(
        &self,
        from: CampaignId,
        into: CampaignId,
        moderator: MemberId,
        at: Timestamp,
    ) -> Result<MergeId, StoreError> {
        let id: Option<i64> = sqlx::query_scalar(concat!(
            "INSERT INTO merges (from_id, into_id, status, moderator_id, created_at) \
             SELECT f.id, i.id, 'counting', $3, $4 FROM campaigns f, campaigns i \
             WHERE f.id = $1 AND i.id = $2 AND f.id <> i.id AND ",
            mergeable!("f"),
            " AND ",
            mergeable!("i"),
            " RETURNING id"
        ))
        .bind(from.0)
        .bind(into.0)
        .bind(moderator.0)
        .bind(at.as_second())
        .fetch_optional(self.writer())
        .await
        .map_err(|e| StoreError::on_insert(e, || StoreError::Conflict))?;
        id.map(MergeId).ok_or(StoreError::Conflict)
    }

    /// One step of a running merge: `chunk` more of from's signatures counted for the
    /// preview, or carried into into.
    pub async fn merge_step(
        &self,
        id: MergeId,
        chunk: u32,
        at: Timestamp,
    ) -> Result<MergeStep, StoreError> {
        let mut tx = self.writer().begin().await?;
        let running: Option<MergeRow> = sqlx::query_as(concat!(
            "UPDATE merges SET status = status WHERE id = $1 \
             AND status IN ('counting', 'carrying') RETURNING ",
            merge_columns!()
        ))
        .bind(id.0)
        .fetch_optional(&mut *tx)
        .await?;
        let Some(running) = running else {
            return Ok(MergeStep::Idle);
        };
        let passed = running.passed;
        let merge = Merge::try_from(running)?;
        let step = match merge.status {
            MergeStatus::Counting => Self::count_preview(&mut tx, &merge, passed, chunk, at).await?,
            _ => Self::carry(&mut tx, &merge, passed, chunk, at).await?,
        };
        match step {
            MergeStep::Carried(_) => self.commit_moved_count(tx, merge.into).await?,
            _ => tx.commit().await?,
        }
        Ok(step)
    }

    /// Confirms a counted merge, with its event: from stops taking signatures (a published
    /// campaign ends) and leads to into, as do the campaigns merged into from before; its
    /// comments, updates and the news links into lacks move to into; the carrying starts.
    /// A campaign is merged once: anything else (a merge not counted, a campaign merged or
    /// anonymised meanwhile, another merge of from confirmed first) is `Conflict`, and
    /// nothing changes.
    pub async fn confirm_merge(
        &self,
        id: MergeId,
        event: &ModerationEvent,
    ) -> Result<(), StoreError> {
        let mut tx = self.writer().begin().await?;
        let pair: Option<(i64, i64)> = sqlx::query_as(
            "UPDATE merges SET status = 'carrying', passed = 0, confirmed_at = $2 \
             WHERE id = $1 AND status = 'counted' RETURNING from_id, into_id",
        )
        .bind(id.0)
        .bind(event.at.as_second())
        .fetch_optional(&mut *tx)
        .await
        .map_err(|e| StoreError::on_insert(e, || StoreError::Conflict))?;
        let Some((from, into)) = pair else {
            return Err(StoreError::Conflict);
        };
        let closed = sqlx::query(concat!(
            "UPDATE campaigns SET merged_into = $2, \
             lifecycle = CASE WHEN lifecycle = 'published' THEN 'ended' ELSE lifecycle END \
             WHERE id = $1 AND ",
            mergeable!("campaigns")
        ))
        .bind(from)
        .bind(into)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        // Taking into's row too, so that it cannot be merged away in the meantime.
        let open = sqlx::query(concat!(
            "UPDATE campaigns SET merged_into = merged_into WHERE id = $1 AND ",
            mergeable!("campaigns")
        ))
        .bind(into)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if closed != 1 || open != 1 {
            return Err(StoreError::Conflict);
        }
        for moving in [
            "UPDATE campaigns SET merged_into = $2 WHERE merged_into = $1",
            "UPDATE comments SET campaign_id = $2, moved_from = $1 WHERE campaign_id = $1",
            "UPDATE updates SET campaign_id = $2, moved_from = $1 WHERE campaign_id = $1",
            // A link both campaigns had stays where it is: into lists it already.
            "UPDATE news_links SET campaign_id = $2, moved_from = $1 WHERE campaign_id = $1 \
             AND url NOT IN (SELECT url FROM news_links WHERE campaign_id = $2)",
        ] {
            sqlx::query(moving)
                .bind(from)
                .bind(into)
                .execute(&mut *tx)
                .await?;
        }
        Self::commit_with_event(tx, 1, StoreError::Conflict, event).await?;
        self.forget_campaigns().await;
        Ok(())
    }

    /// Lets a merge that was not confirmed go; answers whether it was still a preview.
    pub async fn drop_merge(&self, id: MergeId, at: Timestamp) -> Result<bool, StoreError> {
        let dropped = sqlx::query(
            "UPDATE merges SET status = 'dropped', finished_at = $2 \
             WHERE id = $1 AND status IN ('counting', 'counted')",
        )
        .bind(id.0)
        .bind(at.as_second())
        .execute(self.writer())
        .await?
        .rows_affected();
        Ok(dropped == 1)
    }

    pub async fn merge(&self, id: MergeId) -> Result<Option<Merge>, StoreError> {
        let row: Option<MergeRow> = sqlx::query_as(concat!(
            "SELECT ",
            merge_columns!(),
            " FROM merges WHERE id = $1"
        ))
        .bind(id.0)
        .fetch_optional(self.reader())
        .await?;
        row.map(TryInto::try_into).transpose()
    }

    /// The merges from or into `campaign`, newest first.
    pub async fn merges_of(
        &self,
        campaign: CampaignId,
        limit: u32,
    ) -> Result<Vec<Merge>, StoreError> {
        let rows: Vec<MergeRow> = sqlx::query_as(concat!(
            "SELECT ",
            merge_columns!(),
            " FROM merges WHERE from_id = $1 OR into_id = $1 ORDER BY id DESC LIMIT $2"
        ))
        .bind(campaign.0)
        .bind(i64::from(limit))
        .fetch_all(self.reader())
        .await?;
        rows.into_iter().map(TryInto::try_into).collect()
    }

    /// The campaigns merged into `campaign`, the latest first, for its page.
    pub async fn joined_campaigns(
        &self,
        campaign: CampaignId,
        limit: u32,
    ) -> Result<Vec<JoinedCampaign>, StoreError> {
        let rows: Vec<(i64, String, i64, i64)> = sqlx::query_as(
            "SELECT c.id, c.title, m.carried, m.confirmed_at FROM merges m \
             JOIN campaigns c ON c.id = m.from_id \
             WHERE m.into_id = $1 AND m.status IN ('carrying', 'done') \
             ORDER BY m.id DESC LIMIT $2",
        )
        .bind(campaign.0)
        .bind(i64::from(limit))
        .fetch_all(self.public_reader())
        .await?;
        rows.into_iter()
            .map(|(id, title, carried, merged_at)| {
                Ok(JoinedCampaign {
                    id: CampaignId(id),
                    title: line(title, "campaign title")?,
                    carried: count(carried),
                    merged_at: timestamp(merged_at, "merge time")?,
                })
            })
            .collect()
    }

    /// The merges with steps to run (counting or carrying), oldest first.
    pub async fn running_merges(&self) -> Result<Vec<MergeId>, StoreError> {
        let ids: Vec<i64> = sqlx::query_scalar(
            "SELECT id FROM merges WHERE status IN ('counting', 'carrying') ORDER BY id",
        )
        .fetch_all(self.reader())
        .await?;
        Ok(ids.into_iter().map(MergeId).collect())
    }
}

backend_helpers! {
    /// Counts the next chunk of from's signatures for the preview: those whose contact
    /// already signed into, and the rest. A short chunk ends the counting.
    async fn count_preview(
        tx: &mut Tx<'_, Self>,
        merge: &Merge,
        passed: i64,
        chunk: u32,
        at: Timestamp,
    ) -> Result<MergeStep, StoreError> {
        let looked: Vec<(i64, bool)> = sqlx::query_as(from_chunk!("b.sequence"))
            .bind(merge.from.0)
            .bind(merge.into.0)
            .bind(passed)
            .bind(i64::from(chunk))
            .fetch_all(&mut **tx)
            .await?;
        let already = looked.iter().filter(|(_, signed)| *signed).count() as i64;
        let last = looked.last().map_or(passed, |(sequence, _)| *sequence);
        let finished = looked.len() < chunk as usize;
        sqlx::query(
            "UPDATE merges SET passed = $2, already_signed = already_signed + $3, \
             new_signers = new_signers + $4, \
             status = CASE WHEN $5 THEN 'counted' ELSE status END, \
             counted_at = CASE WHEN $5 THEN $6 ELSE counted_at END WHERE id = $1",
        )
        .bind(merge.id.0)
        .bind(last)
        .bind(already)
        .bind(looked.len() as i64 - already)
        .bind(finished)
        .bind(at.as_second())
        .execute(&mut **tx)
        .await?;
        Ok(MergeStep::Counted(looked.len() as u64))
    }
}

#[derive(sqlx::FromRow)]
struct MergeRow {
    id: i64,
    from_id: i64,
    into_id: i64,
    status: String,
    passed: i64,
    new_signers: i64,
    already_signed: i64,
    carried: i64,
    moderator_id: i64,
    created_at: i64,
    counted_at: Option<i64>,
    confirmed_at: Option<i64>,
    finished_at: Option<i64>,
}

impl TryFrom<MergeRow> for Merge {
    type Error = StoreError;

    fn try_from(row: MergeRow) -> Result<Self, StoreError> {
        Ok(Merge {
            id: MergeId(row.id),
            from: CampaignId(row.from_id),
            into: CampaignId(row.into_id),
            status: MergeStatus::from_name(&row.status)
                .ok_or(StoreError::Corrupt("merge status"))?,
            new_signers: count(row.new_signers),
            already_signed: count(row.already_signed),
            carried: count(row.carried),
            moderator: MemberId(row.moderator_id),
            created_at: timestamp(row.created_at, "merge time")?,
            counted_at: optional_timestamp(row.counted_at, "merge count time")?,
            confirmed_at: optional_timestamp(row.confirmed_at, "merge confirmation time")?,
            finished_at: optional_timestamp(row.finished_at, "merge end time")?,
        })
    }
}
