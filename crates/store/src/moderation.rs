//! The queries of campaign authoring and moderation, shared by both backends like those in
//! `shared.rs`: editing drafts, the review queue, rejection reasons, the moderation log.

/// Implements the authoring and moderation methods for a backend type with
/// `reader()`/`writer()` pools.
macro_rules! moderation_queries {
    ($store:ty, $db:ty) => {
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
                Self::write_text_parts(&mut tx, id.0, &new.text).await?;
                tx.commit().await?;
                self.caches.campaigns.forget();
                Ok(())
            }

            /// Proposes a new text for a published campaign. It waits for review, replacing
            /// any revision already waiting, while the approved text stays live. Refused with
            /// `Conflict` unless the campaign is published.
            pub async fn propose_text(
                &self,
                campaign: tomar_core::ids::CampaignId,
                text: &tomar_core::campaign::CampaignText,
                at: tomar_core::Timestamp,
            ) -> Result<(), $crate::StoreError> {
                let mut tx = self.writer().begin().await?;
                let lifecycle: Option<String> =
                    sqlx::query_scalar("SELECT lifecycle FROM campaigns WHERE id = $1")
                        .bind(campaign.0)
                        .fetch_optional(&mut *tx)
                        .await?;
                if lifecycle.as_deref() != Some("published") {
                    return Err($crate::StoreError::Conflict);
                }
                sqlx::query(
                    "UPDATE text_revisions SET status = 'replaced' \
                     WHERE campaign_id = $1 AND status = 'pending'",
                )
                .bind(campaign.0)
                .execute(&mut *tx)
                .await?;
                let revision: i64 = sqlx::query_scalar(
                    "INSERT INTO text_revisions (campaign_id, title, body, on_behalf_of, \
                     author_name, hashtag, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) \
                     RETURNING id",
                )
                .bind(campaign.0)
                .bind(text.title.as_ref())
                .bind(text.body.as_ref())
                .bind(text.on_behalf_of.as_ref())
                .bind(text.author_name.as_ref())
                .bind(text.hashtag.as_ref())
                .bind(at.as_second())
                .fetch_one(&mut *tx)
                .await?;
                for (ordinal, addressee) in text.addressees.iter().enumerate() {
                    sqlx::query(
                        "INSERT INTO revision_addressees (revision_id, ordinal, name, position) \
                         VALUES ($1, $2, $3, $4)",
                    )
                    .bind(revision)
                    .bind(ordinal as i64)
                    .bind(addressee.name.as_ref())
                    .bind(addressee.position.as_ref())
                    .execute(&mut *tx)
                    .await?;
                }
                tx.commit().await?;
                Ok(())
            }

            /// The revised text waiting for review, if any.
            pub async fn pending_text(
                &self,
                campaign: tomar_core::ids::CampaignId,
            ) -> Result<Option<tomar_core::campaign::CampaignText>, $crate::StoreError> {
                let mut tx = self.reader().begin().await?;
                let revision: Option<i64> = sqlx::query_scalar(
                    "SELECT id FROM text_revisions WHERE campaign_id = $1 AND status = 'pending'",
                )
                .bind(campaign.0)
                .fetch_optional(&mut *tx)
                .await?;
                match revision {
                    Some(revision) => Self::revision_text(&mut tx, revision).await.map(Some),
                    None => Ok(None),
                }
            }

            async fn revision_text(
                tx: &mut sqlx::Transaction<'_, $db>,
                revision: i64,
            ) -> Result<tomar_core::campaign::CampaignText, $crate::StoreError> {
                let row: $crate::rows::RevisionRow = sqlx::query_as(
                    "SELECT title, body, on_behalf_of, author_name, hashtag \
                     FROM text_revisions WHERE id = $1",
                )
                .bind(revision)
                .fetch_one(&mut **tx)
                .await?;
                let addressees: Vec<(String, String)> = sqlx::query_as(
                    "SELECT name, position FROM revision_addressees WHERE revision_id = $1 \
                     ORDER BY ordinal",
                )
                .bind(revision)
                .fetch_all(&mut **tx)
                .await?;
                let addressees = addressees
                    .into_iter()
                    .map(|(name, position)| $crate::rows::addressee(name, position))
                    .collect::<Result<Vec<_>, _>>()?;
                row.into_text(addressees)
            }

            /// Approves or rejects the revised text waiting for review, with its event.
            /// Approving makes it the live text and raises the text version. `Conflict` when
            /// no revision waits or the campaign is no longer published.
            pub async fn review_text(
                &self,
                campaign: tomar_core::ids::CampaignId,
                approve: bool,
                event: &tomar_core::moderation::ModerationEvent,
            ) -> Result<(), $crate::StoreError> {
                let mut tx = self.writer().begin().await?;
                let revision: Option<i64> = sqlx::query_scalar(
                    "UPDATE text_revisions SET status = $1 \
                     WHERE campaign_id = $2 AND status = 'pending' RETURNING id",
                )
                .bind(if approve { "approved" } else { "rejected" })
                .bind(campaign.0)
                .fetch_optional(&mut *tx)
                .await?;
                let Some(revision) = revision else {
                    return Err($crate::StoreError::Conflict);
                };
                if approve {
                    let changed = sqlx::query(
                        "UPDATE campaigns SET (title, body, on_behalf_of, author_name, hashtag) = \
                         (SELECT title, body, on_behalf_of, author_name, hashtag \
                          FROM text_revisions WHERE id = $1), \
                         text_version = text_version + 1 \
                         WHERE id = $2 AND lifecycle = 'published'",
                    )
                    .bind(revision)
                    .bind(campaign.0)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
                    if changed != 1 {
                        return Err($crate::StoreError::Conflict);
                    }
                    sqlx::query("DELETE FROM addressees WHERE campaign_id = $1")
                        .bind(campaign.0)
                        .execute(&mut *tx)
                        .await?;
                    sqlx::query(
                        "INSERT INTO addressees (campaign_id, ordinal, name, position) \
                         SELECT $1, ordinal, name, position FROM revision_addressees \
                         WHERE revision_id = $2",
                    )
                    .bind(campaign.0)
                    .bind(revision)
                    .execute(&mut *tx)
                    .await?;
                    let text = Self::revision_text(&mut tx, revision).await?;
                    let document = tomar_core::search::SearchDocument::of(&text);
                    Self::write_search(&mut tx, campaign.0, &document).await?;
                }
                Self::insert_event(&mut tx, event).await?;
                tx.commit().await?;
                self.caches.campaigns.forget();
                Ok(())
            }

            /// Published campaigns with a revised text waiting for review, oldest first.
            pub async fn revisions_waiting(
                &self,
            ) -> Result<Vec<tomar_core::campaign::CampaignSummary>, $crate::StoreError> {
                let rows: Vec<$crate::rows::SummaryRow> = sqlx::query_as(concat!(
                    $crate::rows::select_summaries!(),
                    " JOIN text_revisions r ON r.campaign_id = c.id AND r.status = 'pending' \
                     ORDER BY r.id"
                ))
                .fetch_all(self.reader())
                .await?;
                rows.into_iter().map(TryInto::try_into).collect()
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
