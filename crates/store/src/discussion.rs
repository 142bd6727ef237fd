//! The discussion under a campaign: comments and one level of replies, reports, and the
//! moderators' review of reported comments.

use tomar_core::Timestamp;
use tomar_core::body::LetterBody;
use tomar_core::comment::{Comment, CommentStatus, Flagger, Flags, NewComment, Thread};
use tomar_core::ids::{CampaignId, CommentId, MemberId};
use tomar_core::moderation::ModerationEvent;
use tomar_core::names::PersonName;

use crate::StoreError;
use crate::rows::timestamp;

/// `SELECT … FROM comments`, in [`CommentRow`]'s order.
macro_rules! select_comments {
    () => {
        "SELECT id, campaign_id, parent_id, author_id, name, body, status, flags, member_flags, \
         created_at, moved_from FROM comments"
    };
}

store_methods! {
    pub async fn add_comment(
        &self,
        new: &NewComment,
    ) -> Result<CommentId, StoreError> {
        let mut tx = self.writer().begin().await?;
        if let Some(parent) = new.parent_id {
            let found: Option<(i64, Option<i64>)> = sqlx::query_as(
                "SELECT campaign_id, parent_id FROM comments WHERE id = $1",
            )
            .bind(parent.0)
            .fetch_optional(&mut *tx)
            .await?;
            // One level of replies: the parent must itself be top-level.
            if found != Some((new.campaign_id.0, None)) {
                return Err(StoreError::InvalidParent);
            }
        }
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO comments (campaign_id, parent_id, author_id, name, body, \
             client_key, created_at) VALUES ($1, $2, $3, $4, $5, $7, $6) RETURNING id",
        )
        .bind(new.campaign_id.0)
        .bind(new.parent_id.map(|p| p.0))
        .bind(new.author_id.map(|a| a.0))
        .bind(new.name.as_ref().map(|n| n.as_ref()))
        .bind(new.body.as_ref())
        .bind(new.at.as_second())
        .bind(new.client_key.as_deref())
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| StoreError::on_insert(e, || StoreError::Conflict))?;
        tx.commit().await?;
        Ok(CommentId(id))
    }

    /// The newest `limit` top-level comments with ids below `before`, newest first, each
    /// with all its replies, oldest first. Hidden comments are included; the page decides.
    pub async fn comment_threads(
        &self,
        campaign: CampaignId,
        before: Option<CommentId>,
        limit: u32,
    ) -> Result<Vec<Thread>, StoreError> {
        let tops: Vec<CommentRow> = sqlx::query_as(concat!(
            select_comments!(),
            " WHERE campaign_id = $1 AND parent_id IS NULL AND id < $3 \
             ORDER BY id DESC LIMIT $2"
        ))
        .bind(campaign.0)
        .bind(i64::from(limit))
        .bind(before.map_or(i64::MAX, |id| id.0))
        .fetch_all(self.reader())
        .await?;
        let mut threads: Vec<Thread> = tops
            .into_iter()
            .map(|row| {
                Ok(Thread {
                    comment: row.try_into()?,
                    replies: Vec::new(),
                })
            })
            .collect::<Result<_, StoreError>>()?;
        let (Some(oldest), Some(newest)) = (
            threads.last().map(|t| t.comment.id.0),
            threads.first().map(|t| t.comment.id.0),
        ) else {
            return Ok(threads);
        };
        let replies: Vec<CommentRow> = sqlx::query_as(concat!(
            select_comments!(),
            " WHERE campaign_id = $1 AND parent_id BETWEEN $2 AND $3 ORDER BY id"
        ))
        .bind(campaign.0)
        .bind(oldest)
        .bind(newest)
        .fetch_all(self.reader())
        .await?;
        for row in replies {
            let reply: Comment = row.try_into()?;
            if let Some(thread) =
                threads.iter_mut().find(|t| Some(t.comment.id) == reply.parent_id)
            {
                thread.replies.push(reply);
            }
        }
        Ok(threads)
    }

    pub async fn comment(
        &self,
        id: CommentId,
    ) -> Result<Option<Comment>, StoreError> {
        let row: Option<CommentRow> = sqlx::query_as(concat!(
            select_comments!(),
            " WHERE id = $1"
        ))
        .bind(id.0)
        .fetch_optional(self.reader())
        .await?;
        row.map(TryInto::try_into).transpose()
    }

    /// The member's comments, newest first.
    pub async fn comments_by_author(
        &self,
        author: MemberId,
    ) -> Result<Vec<Comment>, StoreError> {
        let rows: Vec<CommentRow> = sqlx::query_as(concat!(
            select_comments!(),
            " WHERE author_id = $1 ORDER BY id DESC"
        ))
        .bind(author.0)
        .fetch_all(self.reader())
        .await?;
        rows.into_iter().map(TryInto::try_into).collect()
    }

    /// Records a report of a comment, once per flagger (a repeat, however many arrive at
    /// once, counts nothing); an unreviewed comment is hidden pending review at `hide_at`
    /// reports. Answers whether the report counted.
    pub async fn flag_comment(
        &self,
        comment: CommentId,
        flagger: &Flagger,
        hide_at: u32,
        at: Timestamp,
    ) -> Result<bool, StoreError> {
        let mut tx = self.writer().begin().await?;
        let counted = sqlx::query(
            "INSERT INTO comment_flags (comment_id, flagger_key, created_at) \
             VALUES ($1, $2, $3) ON CONFLICT (comment_id, flagger_key) DO NOTHING",
        )
        .bind(comment.0)
        .bind(flagger.key())
        .bind(at.as_second())
        .execute(&mut *tx)
        .await
        .map_err(|e| StoreError::on_insert(e, || StoreError::Conflict))?
        .rows_affected()
            == 1;
        if counted {
            sqlx::query(
                "UPDATE comments SET flags = flags + 1, member_flags = member_flags + $3, \
                 status = CASE WHEN flags + 1 >= $1 AND reviewed_at IS NULL THEN 'hidden' \
                 ELSE status END WHERE id = $2",
            )
            .bind(i64::from(hide_at))
            .bind(comment.0)
            .bind(i64::from(matches!(flagger, Flagger::Member(_))))
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(counted)
    }

    /// Flagged comments no moderator has reviewed yet, most-flagged first.
    pub async fn flagged_comments(
        &self,
        limit: u32,
    ) -> Result<Vec<Comment>, StoreError> {
        let rows: Vec<CommentRow> = sqlx::query_as(concat!(
            select_comments!(),
            " WHERE flags > 0 AND reviewed_at IS NULL ORDER BY flags DESC, id LIMIT $1"
        ))
        .bind(i64::from(limit))
        .fetch_all(self.reader())
        .await?;
        rows.into_iter().map(TryInto::try_into).collect()
    }

    /// A moderator hides or restores a comment, with its event.
    pub async fn review_comment(
        &self,
        comment: CommentId,
        status: CommentStatus,
        event: &ModerationEvent,
    ) -> Result<(), StoreError> {
        let mut tx = self.writer().begin().await?;
        let changed = sqlx::query(
            "UPDATE comments SET status = $1, reviewed_at = $2 WHERE id = $3",
        )
        .bind(status.name())
        .bind(event.at.as_second())
        .bind(comment.0)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        Self::commit_with_event(tx, changed, StoreError::NotFound("comment"), event).await
    }
}

#[derive(sqlx::FromRow)]
struct CommentRow {
    id: i64,
    campaign_id: i64,
    parent_id: Option<i64>,
    author_id: Option<i64>,
    name: Option<String>,
    body: String,
    status: String,
    flags: i64,
    member_flags: i64,
    created_at: i64,
    moved_from: Option<i64>,
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
            flags: {
                let total = u32::try_from(row.flags).unwrap_or(u32::MAX);
                let members = u32::try_from(row.member_flags).unwrap_or(0).min(total);
                Flags {
                    networks: total - members,
                    members,
                }
            },
            created_at: timestamp(row.created_at, "comment time")?,
            moved_from: row.moved_from.map(CampaignId),
        })
    }
}
