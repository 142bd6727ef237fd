//! The queries of campaign authoring and moderation, shared by both backends like those in
//! `shared.rs`: editing drafts, the review queue, rejection reasons, the moderation log.

/// Implements the authoring and moderation methods for a backend type with
/// `reader()`/`writer()` pools.
macro_rules! moderation_queries {
    ($store:ty) => {
        impl $store {
            /// Replaces what the author wrote in a draft or rejected campaign; anything else
            /// is refused with `Conflict` and left unchanged.
            pub async fn update_draft(
                &self,
                id: tomar_core::ids::CampaignId,
                new: &tomar_core::campaign::NewCampaign,
            ) -> Result<(), $crate::StoreError> {
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
                    $crate::StoreError::on_insert(e, || {
                        $crate::StoreError::SlugTaken(slug.clone().unwrap_or_default())
                    })
                })?
                .rows_affected();
                if changed != 1 {
                    return Err($crate::StoreError::Conflict);
                }
                sqlx::query("DELETE FROM addressees WHERE campaign_id = $1")
                    .bind(id.0)
                    .execute(&mut *tx)
                    .await?;
                Self::insert_addressees(&mut tx, id.0, &new.text.addressees).await?;
                tx.commit().await?;
                Ok(())
            }

            /// Campaigns waiting for review, longest-waiting first, with when they entered review.
            pub async fn review_queue(
                &self,
                limit: u32,
            ) -> Result<
                Vec<(tomar_core::campaign::CampaignSummary, tomar_core::Timestamp)>,
                $crate::StoreError,
            > {
                let ids: Vec<(i64, Option<i64>)> = sqlx::query_as(
                    "SELECT id, submitted_at FROM campaigns WHERE lifecycle = 'in_review' \
                     ORDER BY submitted_at, id LIMIT $1",
                )
                .bind(i64::from(limit))
                .fetch_all(self.reader())
                .await?;
                let mut queue = Vec::with_capacity(ids.len());
                for (id, submitted_at) in ids {
                    let row: $crate::rows::SummaryRow = sqlx::query_as(concat!(
                        $crate::rows::select_summaries!(),
                        " WHERE c.id = $1"
                    ))
                    .bind(id)
                    .fetch_one(self.reader())
                    .await?;
                    let submitted = $crate::rows::timestamp(
                        submitted_at.unwrap_or_default(),
                        "campaign submission time",
                    )?;
                    queue.push((row.try_into()?, submitted));
                }
                Ok(queue)
            }

            /// Published or ended campaigns with at least `threshold` signatures and no
            /// outcome yet, most-signed first: due to be delivered to their addressees.
            pub async fn due_for_delivery(
                &self,
                threshold: u64,
                limit: u32,
            ) -> Result<Vec<tomar_core::campaign::CampaignSummary>, $crate::StoreError> {
                let rows: Vec<$crate::rows::SummaryRow> = sqlx::query_as(concat!(
                    $crate::rows::select_summaries!(),
                    " WHERE c.lifecycle IN ('published', 'ended') AND c.outcome = 'none' \
                     AND c.signature_count >= $1 ORDER BY c.signature_count DESC, c.id LIMIT $2"
                ))
                .bind(i64::try_from(threshold).unwrap_or(i64::MAX))
                .bind(i64::from(limit))
                .fetch_all(self.reader())
                .await?;
                rows.into_iter().map(TryInto::try_into).collect()
            }

            /// Every rejection reason, retired ones too, in the order they were added.
            pub async fn rejection_reasons(
                &self,
            ) -> Result<Vec<tomar_core::moderation::RejectionReason>, $crate::StoreError> {
                let rows: Vec<$crate::rows::ReasonRow> = sqlx::query_as(
                    "SELECT id, label_fa, label_en, active FROM rejection_reasons ORDER BY id",
                )
                .fetch_all(self.reader())
                .await?;
                rows.into_iter().map(TryInto::try_into).collect()
            }

            pub async fn set_rejection_reason_active(
                &self,
                id: tomar_core::ids::RejectionReasonId,
                active: bool,
            ) -> Result<(), $crate::StoreError> {
                let changed = sqlx::query("UPDATE rejection_reasons SET active = $1 WHERE id = $2")
                    .bind(active)
                    .bind(id.0)
                    .execute(self.writer())
                    .await?
                    .rows_affected();
                if changed == 0 {
                    return Err($crate::StoreError::NotFound("rejection reason"));
                }
                Ok(())
            }

            /// The moderation log, newest first, with ids below `before`; each event with its id.
            pub async fn moderation_log(
                &self,
                before: Option<i64>,
                limit: u32,
            ) -> Result<Vec<(i64, tomar_core::moderation::ModerationEvent)>, $crate::StoreError>
            {
                let rows: Vec<$crate::rows::EventRow> = sqlx::query_as(concat!(
                    $crate::rows::select_events!(),
                    " WHERE id < $1 ORDER BY id DESC LIMIT $2"
                ))
                .bind(before.unwrap_or(i64::MAX))
                .bind(i64::from(limit))
                .fetch_all(self.reader())
                .await?;
                rows.into_iter()
                    .map(|row| Ok((row.id, row.try_into()?)))
                    .collect()
            }
        }
    };
}
pub(crate) use moderation_queries;
