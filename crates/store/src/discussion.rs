//! The queries of public discussion and news, shared by both backends like those in
//! `shared.rs`: limits on posting, flags, and the moderators' review of comments and news.

/// Implements the discussion methods for a backend type with `reader()`/`writer()` pools.
macro_rules! discussion_queries {
    ($store:ty) => {
        impl $store {
            /// Comments and news links posted from this network since `since`.
            pub async fn recent_posts(
                &self,
                client_key: &str,
                since: tomar_core::Timestamp,
            ) -> Result<u64, $crate::StoreError> {
                let count: i64 = sqlx::query_scalar(
                    "SELECT (SELECT COUNT(*) FROM comments \
                     WHERE client_key = $1 AND created_at >= $2) + \
                     (SELECT COUNT(*) FROM news_links WHERE client_key = $1 AND created_at >= $2)",
                )
                .bind(client_key)
                .bind(since.as_second())
                .fetch_one(self.reader())
                .await?;
                Ok(count.max(0) as u64)
            }

            pub async fn comment(
                &self,
                id: tomar_core::ids::CommentId,
            ) -> Result<Option<tomar_core::comment::Comment>, $crate::StoreError> {
                let row: Option<$crate::rows::CommentRow> = sqlx::query_as(concat!(
                    $crate::rows::select_comments!(),
                    " WHERE id = $1"
                ))
                .bind(id.0)
                .fetch_optional(self.reader())
                .await?;
                row.map(TryInto::try_into).transpose()
            }

            /// Records one person's flag on a comment; a second flag by the same person
            /// counts nothing. A comment no moderator has reviewed yet is hidden, pending
            /// review, once it has `hide_at` flags. Answers whether this flag counted.
            pub async fn flag_comment(
                &self,
                comment: tomar_core::ids::CommentId,
                flagger_key: &str,
                hide_at: u32,
                at: tomar_core::Timestamp,
            ) -> Result<bool, $crate::StoreError> {
                let mut tx = self.writer().begin().await?;
                let counted = sqlx::query(
                    "INSERT INTO comment_flags (comment_id, flagger_key, created_at) \
                     VALUES ($1, $2, $3) ON CONFLICT (comment_id, flagger_key) DO NOTHING",
                )
                .bind(comment.0)
                .bind(flagger_key)
                .bind(at.as_second())
                .execute(&mut *tx)
                .await
                .map_err(|e| $crate::StoreError::on_insert(e, || $crate::StoreError::Conflict))?
                .rows_affected()
                    == 1;
                if counted {
                    sqlx::query(
                        "UPDATE comments SET flags = flags + 1, status = CASE \
                         WHEN flags + 1 >= $1 AND reviewed_at IS NULL THEN 'hidden' \
                         ELSE status END WHERE id = $2",
                    )
                    .bind(i64::from(hide_at))
                    .bind(comment.0)
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
            ) -> Result<Vec<tomar_core::comment::Comment>, $crate::StoreError> {
                let rows: Vec<$crate::rows::CommentRow> = sqlx::query_as(concat!(
                    $crate::rows::select_comments!(),
                    " WHERE flags > 0 AND reviewed_at IS NULL ORDER BY flags DESC, id LIMIT $1"
                ))
                .bind(i64::from(limit))
                .fetch_all(self.reader())
                .await?;
                rows.into_iter().map(TryInto::try_into).collect()
            }

            /// A moderator's decision on a comment (hide or restore), with its event; the
            /// comment then leaves the flagged list and is not hidden by flags again.
            pub async fn review_comment(
                &self,
                comment: tomar_core::ids::CommentId,
                status: tomar_core::comment::CommentStatus,
                event: &tomar_core::moderation::ModerationEvent,
            ) -> Result<(), $crate::StoreError> {
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
                if changed != 1 {
                    return Err($crate::StoreError::NotFound("comment"));
                }
                Self::insert_event(&mut tx, event).await?;
                tx.commit().await?;
                Ok(())
            }

            /// News links waiting for review on any campaign, oldest first.
            pub async fn pending_news_links(
                &self,
                limit: u32,
            ) -> Result<Vec<tomar_core::news::NewsLink>, $crate::StoreError> {
                let rows: Vec<$crate::rows::NewsLinkRow> = sqlx::query_as(concat!(
                    $crate::rows::select_news_links!(),
                    " WHERE status = 'pending' ORDER BY id LIMIT $1"
                ))
                .bind(i64::from(limit))
                .fetch_all(self.reader())
                .await?;
                rows.into_iter().map(TryInto::try_into).collect()
            }
        }
    };
}
pub(crate) use discussion_queries;
