//! The queries both backends share. The SQL here is the common dialect of SQLite and
//! PostgreSQL (`$n` placeholders, `RETURNING`, `ON CONFLICT`), so it is written once and
//! compiled once per backend by [`shared_queries!`]: each backend provides `reader()` and
//! `writer()` pools and gets these methods. What differs (connection set-up, migrations)
//! lives in the backend's own module.

/// Appends `(v1, v2, …)`, each value bound: the list of an `IN` for a batch.
pub(crate) fn push_list<DB: sqlx::Database, T>(
    query: &mut sqlx::QueryBuilder<DB>,
    values: impl IntoIterator<Item = T>,
) where
    T: for<'q> sqlx::Encode<'q, DB> + sqlx::Type<DB>,
{
    query.push("(");
    let mut list = query.separated(", ");
    for value in values {
        list.push_bind(value);
    }
    query.push(")");
}

/// Implements the shared store methods for a backend type with `reader()`/`writer()` pools.
/// `$claim_lock` is appended to the row selection of outbox claims.
macro_rules! shared_queries {
    ($store:ty, $db:ty, $claim_lock:literal) => {
        impl $store {
            pub async fn create_campaign(
                &self,
                new: &tomar_core::campaign::NewCampaign,
                at: tomar_core::Timestamp,
            ) -> Result<tomar_core::ids::CampaignId, $crate::StoreError> {
                let mut tx = self.writer().begin().await?;
                let slug = new.slug.as_ref().map(|s| s.as_ref().to_owned());
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO campaigns (slug, kind, title, body, on_behalf_of, author_name, \
                     hashtag, category, author_id, start_date, end_date, signature_goal, \
                     lifecycle, created_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, 'draft', $13) \
                     RETURNING id",
                )
                .bind(slug.clone())
                .bind(new.kind.name())
                .bind(new.text.title.as_ref())
                .bind(new.text.body.as_ref())
                .bind(new.text.on_behalf_of.as_ref())
                .bind(new.text.author_name.as_ref())
                .bind(new.text.hashtag.as_ref())
                .bind(new.category.as_ref().map(|c| c.as_ref()))
                .bind(new.author_id.map(|id| id.0))
                .bind(new.start_date.to_string())
                .bind(new.end_date.to_string())
                .bind(new.signature_goal.map(i64::from))
                .bind(at.as_second())
                .fetch_one(&mut *tx)
                .await
                .map_err(|e| {
                    $crate::StoreError::on_insert(e, || {
                        $crate::StoreError::SlugTaken(slug.clone().unwrap_or_default())
                    })
                })?;
                Self::write_text_parts(&mut tx, id, &new.text).await?;
                tx.commit().await?;
                Ok(tomar_core::ids::CampaignId(id))
            }

            /// Writes what of a campaign's text lives beside its row: its addressees (in
            /// order) and its search index entry.
            async fn write_text_parts(
                tx: &mut sqlx::Transaction<'_, $db>,
                campaign: i64,
                text: &tomar_core::campaign::CampaignText,
            ) -> Result<(), $crate::StoreError> {
                for (ordinal, addressee) in text.addressees.iter().enumerate() {
                    sqlx::query(
                        "INSERT INTO addressees (campaign_id, ordinal, name, position) \
                         VALUES ($1, $2, $3, $4)",
                    )
                    .bind(campaign)
                    .bind(ordinal as i64)
                    .bind(addressee.name.as_ref())
                    .bind(addressee.position.as_ref())
                    .execute(&mut **tx)
                    .await?;
                }
                let document = tomar_core::search::SearchDocument::of(text);
                Self::write_search(tx, campaign, &document).await
            }

            pub async fn campaign(
                &self,
                by: &tomar_core::names::CampaignRef,
            ) -> Result<Option<tomar_core::campaign::Campaign>, $crate::StoreError> {
                use tomar_core::names::CampaignRef;
                let query = match by {
                    CampaignRef::Id(id) => sqlx::query_as::<_, $crate::rows::CampaignRow>(concat!(
                        "SELECT ",
                        $crate::rows::campaign_columns!(),
                        " FROM campaigns WHERE id = $1"
                    ))
                    .bind(id.0),
                    CampaignRef::Slug(slug) => sqlx::query_as(concat!(
                        "SELECT ",
                        $crate::rows::campaign_columns!(),
                        " FROM campaigns WHERE slug = $1"
                    ))
                    .bind(slug.as_ref()),
                };
                query
                    .fetch_optional(self.reader())
                    .await?
                    .map($crate::rows::CampaignRow::into_campaign)
                    .transpose()
            }

            /// A campaign as the signing checks need it: at most [`crate::CACHED_FOR`] old,
            /// its count included; this store's own changes to it show at once.
            pub async fn cached_campaign(
                &self,
                by: &tomar_core::names::CampaignRef,
            ) -> Result<Option<tomar_core::campaign::Campaign>, $crate::StoreError> {
                let generation = match self.caches.campaigns.fresh(by) {
                    Ok(campaign) => return Ok(Some(campaign)),
                    Err(generation) => generation,
                };
                let found = self.campaign(by).await?;
                if let Some(campaign) = &found {
                    self.caches.campaigns.keep(generation, by.clone(), campaign.clone());
                }
                Ok(found)
            }

            /// Saves a lifecycle change made by `Campaign::apply`, with its event, if the
            /// stored campaign is still in `before`; otherwise writes nothing.
            pub async fn save_transition(
                &self,
                campaign: &tomar_core::campaign::Campaign,
                before: &tomar_core::lifecycle::Lifecycle,
                event: &tomar_core::moderation::ModerationEvent,
            ) -> Result<(), $crate::StoreError> {
                use tomar_core::lifecycle::Lifecycle;
                let (reason, order) = match &campaign.lifecycle {
                    Lifecycle::Rejected(reason) => (Some(reason.0), None),
                    Lifecycle::Suspended(order) => (None, Some(order.reference.clone())),
                    _ => (None, None),
                };
                let mut tx = self.writer().begin().await?;
                let changed = sqlx::query(
                    "UPDATE campaigns SET lifecycle = $1, rejection_reason_id = $2, \
                     suspension_order = $3, published_at = $4, submitted_at = $7 \
                     WHERE id = $5 AND lifecycle = $6",
                )
                .bind(campaign.lifecycle.name())
                .bind(reason)
                .bind(order)
                .bind(campaign.published_at.map(|t| t.as_second()))
                .bind(campaign.id.0)
                .bind(before.name())
                .bind(campaign.submitted_at.map(|t| t.as_second()))
                .execute(&mut *tx)
                .await?
                .rows_affected();
                if changed != 1 {
                    return Err($crate::StoreError::Conflict);
                }
                Self::insert_event(&mut tx, event).await?;
                tx.commit().await?;
                self.caches.campaigns.forget();
                Ok(())
            }

            pub async fn set_outcome(
                &self,
                campaign: tomar_core::ids::CampaignId,
                outcome: &tomar_core::lifecycle::Outcome,
                event: &tomar_core::moderation::ModerationEvent,
            ) -> Result<(), $crate::StoreError> {
                let mut tx = self.writer().begin().await?;
                let changed = sqlx::query(
                    "UPDATE campaigns SET outcome = $1, outcome_news_url = $2 WHERE id = $3",
                )
                .bind(outcome.name())
                .bind(outcome.news_url())
                .bind(campaign.0)
                .execute(&mut *tx)
                .await?
                .rows_affected();
                if changed != 1 {
                    return Err($crate::StoreError::NotFound("campaign"));
                }
                Self::insert_event(&mut tx, event).await?;
                tx.commit().await?;
                self.caches.campaigns.forget();
                Ok(())
            }

            async fn insert_event<'c>(
                tx: &mut sqlx::Transaction<'c, $db>,
                event: &tomar_core::moderation::ModerationEvent,
            ) -> Result<(), $crate::StoreError> {
                sqlx::query(
                    "INSERT INTO moderation_events (actor_id, action, target_kind, target_id, \
                     note, created_at) VALUES ($1, $2, $3, $4, $5, $6)",
                )
                .bind($crate::rows::actor_id(event.actor))
                .bind(event.action.as_str())
                .bind(event.target.kind())
                .bind(event.target.id())
                .bind(event.note.as_deref())
                .bind(event.at.as_second())
                .execute(&mut **tx)
                .await?;
                Ok(())
            }

            pub async fn moderation_events(
                &self,
                target: tomar_core::moderation::Target,
            ) -> Result<Vec<tomar_core::moderation::ModerationEvent>, $crate::StoreError> {
                let rows: Vec<$crate::rows::EventRow> = sqlx::query_as(concat!(
                    $crate::rows::select_events!(),
                    " WHERE target_kind = $1 AND target_id = $2 ORDER BY id"
                ))
                .bind(target.kind())
                .bind(target.id())
                .fetch_all(self.reader())
                .await?;
                rows.into_iter().map(TryInto::try_into).collect()
            }

            /// Public campaigns (open, ended or suspended) with this official hashtag,
            /// most-signed first.
            pub async fn campaigns_with_hashtag(
                &self,
                hashtag: &tomar_core::names::Hashtag,
                limit: u32,
            ) -> Result<Vec<tomar_core::campaign::CampaignSummary>, $crate::StoreError> {
                let rows: Vec<$crate::rows::SummaryRow> = sqlx::query_as(concat!(
                    $crate::rows::select_summaries!(),
                    " WHERE c.hashtag = $1 AND c.lifecycle IN ('published', 'ended', 'suspended') \
                     ORDER BY c.signature_count DESC, c.id DESC LIMIT $2"
                ))
                .bind(hashtag.as_ref())
                .bind(i64::from(limit))
                .fetch_all(self.reader())
                .await?;
                rows.into_iter().map(TryInto::try_into).collect()
            }

            /// Campaigns that hold signatures: published, ended or suspended ones.
            pub async fn signed_campaign_ids(
                &self,
            ) -> Result<Vec<tomar_core::ids::CampaignId>, $crate::StoreError> {
                let ids: Vec<i64> = sqlx::query_scalar(
                    "SELECT id FROM campaigns \
                     WHERE lifecycle IN ('published', 'ended', 'suspended') ORDER BY id",
                )
                .fetch_all(self.reader())
                .await?;
                Ok(ids.into_iter().map(tomar_core::ids::CampaignId).collect())
            }

            pub async fn campaign_count(&self) -> Result<u64, $crate::StoreError> {
                let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM campaigns")
                    .fetch_one(self.reader())
                    .await?;
                Ok(n.max(0) as u64)
            }

            /// Stores a batch of confirmations in one transaction (group commit): each
            /// consumes its verification (once), each new signer gets the next sequence
            /// number, a contact that already signed is skipped, and the campaign's counters
            /// move once for the whole batch. Answers, for each
            /// confirmation in order, what became of it.
            pub async fn add_confirmations(
                &self,
                campaign: tomar_core::ids::CampaignId,
                text_version: u32,
                batch: &[$crate::Confirmation],
                at: tomar_core::Timestamp,
            ) -> Result<Vec<$crate::Confirmed>, $crate::StoreError> {
                let mut tx = self.writer().begin().await?;
                // Touching the row first takes its lock (PostgreSQL) or the write lock
                // (SQLite), so sequence numbers are handed out by one batch at a time and
                // what is read below cannot change before the commit.
                let last: Option<i64> = sqlx::query_scalar(
                    "UPDATE campaigns SET last_sequence = last_sequence WHERE id = $1 \
                     RETURNING last_sequence",
                )
                .bind(campaign.0)
                .fetch_optional(&mut *tx)
                .await?;
                let Some(mut last) = last else {
                    return Err($crate::StoreError::NotFound("campaign"));
                };
                // A few statements for the whole batch, whatever its size: each statement
                // is a round trip to the database.
                let mut unused = Self::consume_verifications(&mut tx, batch, at).await?;
                let mut signed = Self::signed_among(&mut tx, campaign, batch).await?;
                let mut numbered = Vec::with_capacity(batch.len());
                let outcomes = batch
                    .iter()
                    .map(|confirmation| {
                        if let Some(verification) = &confirmation.verification_id {
                            if !unused.remove(verification.as_str()) {
                                return $crate::Confirmed::VerificationUsed;
                            }
                        }
                        if !signed.insert(confirmation.signature.contact_key.as_ref()) {
                            return $crate::Confirmed::AlreadySigned;
                        }
                        last += 1;
                        numbered.push((confirmation, last));
                        $crate::Confirmed::Signed(last as u64)
                    })
                    .collect();
                Self::insert_signatures(&mut tx, campaign, text_version, &numbered).await?;
                sqlx::query(
                    "UPDATE campaigns SET last_sequence = $1, \
                     signature_count = signature_count + $2 WHERE id = $3",
                )
                .bind(last)
                .bind(numbered.len() as i64)
                .bind(campaign.0)
                .execute(&mut *tx)
                .await?;
                tx.commit().await?;
                Ok(outcomes)
            }

            /// Marks the batch's verifications used; answers those that were not used before.
            async fn consume_verifications(
                tx: &mut sqlx::Transaction<'_, $db>,
                batch: &[$crate::Confirmation],
                at: tomar_core::Timestamp,
            ) -> Result<std::collections::HashSet<String>, $crate::StoreError> {
                let ids: Vec<&str> = batch
                    .iter()
                    .filter_map(|c| c.verification_id.as_deref())
                    .collect();
                if ids.is_empty() {
                    return Ok(Default::default());
                }
                let mut query = sqlx::QueryBuilder::<$db>::new("UPDATE verifications SET consumed_at = ");
                query.push_bind(at.as_second());
                query.push(" WHERE consumed_at IS NULL AND id IN ");
                $crate::shared::push_list(&mut query, ids);
                query.push(" RETURNING id");
                let consumed: Vec<String> = query.build_query_scalar().fetch_all(&mut **tx).await?;
                Ok(consumed.into_iter().collect())
            }

            /// The contact keys of the batch that already have a signature on the campaign.
            async fn signed_among<'b>(
                tx: &mut sqlx::Transaction<'_, $db>,
                campaign: tomar_core::ids::CampaignId,
                batch: &'b [$crate::Confirmation],
            ) -> Result<std::collections::HashSet<&'b str>, $crate::StoreError> {
                if batch.is_empty() {
                    return Ok(Default::default());
                }
                let mut query = sqlx::QueryBuilder::<$db>::new(
                    "SELECT contact_key FROM signatures WHERE campaign_id = ",
                );
                query.push_bind(campaign.0);
                query.push(" AND contact_key IN ");
                $crate::shared::push_list(
                    &mut query,
                    batch.iter().map(|c| c.signature.contact_key.as_ref()),
                );
                let found: Vec<String> = query.build_query_scalar().fetch_all(&mut **tx).await?;
                let found: std::collections::HashSet<String> = found.into_iter().collect();
                // Answered as the batch's own strings, so the caller can add to the set.
                Ok(batch
                    .iter()
                    .map(|c| c.signature.contact_key.as_ref())
                    .filter(|key| found.contains(*key))
                    .collect())
            }

            /// Writes numbered signatures, and each number onto the verification it came from.
            async fn insert_signatures(
                tx: &mut sqlx::Transaction<'_, $db>,
                campaign: tomar_core::ids::CampaignId,
                text_version: u32,
                numbered: &[(&$crate::Confirmation, i64)],
            ) -> Result<(), $crate::StoreError> {
                if numbered.is_empty() {
                    return Ok(());
                }
                let mut insert = sqlx::QueryBuilder::<$db>::new(
                    "INSERT INTO signatures (campaign_id, sequence, name, public, \
                     wants_updates, contact_sealed, contact_key, withdraw_key, status, \
                     text_version, created_at, confirmed_at) ",
                );
                insert.push_values(numbered, |mut row, (confirmation, sequence)| {
                    let signature = &confirmation.signature;
                    row.push_bind(campaign.0)
                        .push_bind(*sequence)
                        .push_bind(signature.name.as_ref())
                        .push_bind(signature.public)
                        .push_bind(signature.wants_updates)
                        .push_bind(signature.sealed_contact.as_deref())
                        .push_bind(signature.contact_key.as_ref())
                        .push_bind(signature.withdraw_key.as_deref())
                        .push_bind("confirmed")
                        .push_bind(i64::from(text_version))
                        .push_bind(signature.created_at.as_second())
                        .push_bind(signature.confirmed_at.as_second());
                });
                insert.build().execute(&mut **tx).await?;
                let from_codes: Vec<_> = numbered
                    .iter()
                    .filter_map(|(c, sequence)| Some((c.verification_id.as_deref()?, *sequence)))
                    .collect();
                if from_codes.is_empty() {
                    return Ok(());
                }
                let mut update = sqlx::QueryBuilder::<$db>::new(
                    "UPDATE verifications SET signature_sequence = numbered.column2 FROM (",
                );
                update.push_values(from_codes, |mut row, (id, sequence)| {
                    row.push_bind(id).push_bind(sequence);
                });
                update.push(") AS numbered WHERE verifications.id = numbered.column1");
                update.build().execute(&mut **tx).await?;
                Ok(())
            }

            /// Queues messages, each created at its own time and first due at `due` (or at
            /// once); answers their ids in the order given.
            async fn insert_messages(
                tx: &mut sqlx::Transaction<'_, $db>,
                messages: &[(&tomar_core::message::OutboundMessage, tomar_core::Timestamp)],
                due: Option<tomar_core::Timestamp>,
            ) -> Result<Vec<i64>, $crate::StoreError> {
                let mut ids = Vec::with_capacity(messages.len());
                // Well under either backend's limit of bound values per statement.
                for chunk in messages.chunks(1000) {
                    let mut insert = sqlx::QueryBuilder::<$db>::new(
                        "INSERT INTO outbox (channel, recipient, subject, body, next_attempt_at, \
                         created_at) ",
                    );
                    insert.push_values(chunk, |mut row, (message, at)| {
                        row.push_bind(message.channel.name())
                            .push_bind(message.recipient.as_str())
                            .push_bind(message.subject.as_str())
                            .push_bind(message.body.as_str())
                            .push_bind(due.unwrap_or(*at).as_second())
                            .push_bind(at.as_second());
                    });
                    insert.push(" RETURNING id");
                    let mut chunk_ids: Vec<i64> =
                        insert.build_query_scalar().fetch_all(&mut **tx).await?;
                    // RETURNING promises no order, but one statement draws its ids in row order.
                    chunk_ids.sort_unstable();
                    ids.extend(chunk_ids);
                }
                Ok(ids)
            }

            /// Stores new verifications, each with the message carrying its code, in one
            /// transaction. The messages are leased to the caller until `leased_until` (it
            /// delivers them itself; should it fail to, they fall due then), or due at once.
            pub async fn create_verifications(
                &self,
                batch: &[(tomar_core::verification::NewVerification, tomar_core::message::OutboundMessage)],
                leased_until: Option<tomar_core::Timestamp>,
            ) -> Result<Vec<tomar_core::message::OutboxMessage>, $crate::StoreError> {
                if batch.is_empty() {
                    return Ok(Vec::new());
                }
                let mut tx = self.writer().begin().await?;
                let mut insert = sqlx::QueryBuilder::<$db>::new(
                    "INSERT INTO verifications (id, purpose, campaign_id, contact_key, channel, \
                     code_hash, attempts_left, name, public, wants_updates, sealed_contact, \
                     withdraw_key, client_key, created_at, last_sent_at, expires_at) ",
                );
                insert.push_values(batch, |mut row, (new, _)| {
                    let expires = new
                        .at
                        .checked_add(tomar_core::verification::CODE_LIFETIME)
                        .unwrap_or(new.at);
                    row.push_bind(new.id.as_str())
                        .push_bind(new.purpose.name())
                        .push_bind(new.campaign_id.map(|c| c.0))
                        .push_bind(new.contact_key.as_ref())
                        .push_bind(new.channel.name())
                        .push_bind(new.code_hash.as_str())
                        .push_bind(i64::from(tomar_core::verification::CODE_ATTEMPTS))
                        .push_bind(new.name.as_ref().map(|n| n.as_ref()))
                        .push_bind(new.public)
                        .push_bind(new.wants_updates)
                        .push_bind(new.sealed_contact.as_deref())
                        .push_bind(new.withdraw_key.as_str())
                        .push_bind(new.client_key.as_str())
                        .push_bind(new.at.as_second())
                        .push_bind(new.at.as_second())
                        .push_bind(expires.as_second());
                });
                insert
                    .build()
                    .execute(&mut *tx)
                    .await
                    .map_err(|e| $crate::StoreError::on_insert(e, || $crate::StoreError::Conflict))?;
                let messages: Vec<_> = batch.iter().map(|(new, message)| (message, new.at)).collect();
                let ids = Self::insert_messages(&mut tx, &messages, leased_until).await?;
                tx.commit().await?;
                Ok(ids
                    .into_iter()
                    .zip(batch)
                    .map(|(id, (_, message))| tomar_core::message::OutboxMessage {
                        id,
                        message: message.clone(),
                        attempts: 0,
                    })
                    .collect())
            }

            pub async fn verification(
                &self,
                id: &str,
            ) -> Result<Option<tomar_core::verification::Verification>, $crate::StoreError> {
                let row: Option<$crate::rows::VerificationRow> = sqlx::query_as(
                    "SELECT id, purpose, campaign_id, contact_key, channel, code_hash, \
                     attempts_left, name, public, wants_updates, sealed_contact, withdraw_key, \
                     created_at, last_sent_at, resends, expires_at, consumed_at, \
                     signature_sequence FROM verifications WHERE id = $1",
                )
                .bind(id)
                .fetch_optional(self.reader())
                .await?;
                row.map(TryInto::try_into).transpose()
            }

            /// The sealed contacts of confirmed signers who asked for news of the campaign.
            pub async fn sealed_contacts_for_updates(
                &self,
                campaign: tomar_core::ids::CampaignId,
            ) -> Result<Vec<String>, $crate::StoreError> {
                Ok(sqlx::query_scalar(
                    "SELECT contact_sealed FROM signatures WHERE campaign_id = $1 \
                     AND status = 'confirmed' AND wants_updates AND contact_sealed IS NOT NULL \
                     ORDER BY sequence",
                )
                .bind(campaign.0)
                .fetch_all(self.reader())
                .await?)
            }

            /// Whether this contact has a signature (of any status) on the campaign.
            pub async fn has_signed(
                &self,
                campaign: tomar_core::ids::CampaignId,
                contact_key: &tomar_core::signature::ContactKey,
            ) -> Result<bool, $crate::StoreError> {
                let found: Option<i64> = sqlx::query_scalar(
                    "SELECT id FROM signatures WHERE campaign_id = $1 AND contact_key = $2",
                )
                .bind(campaign.0)
                .bind(contact_key.as_ref())
                .fetch_optional(self.reader())
                .await?;
                Ok(found.is_some())
            }

            /// Verifications created since `since` for this contact and from this network,
            /// each counted up to `cap` (a limit only needs to know it was reached), and
            /// whether the contact has signed `campaign`: one round trip for all three.
            pub async fn contact_history(
                &self,
                contact_key: &tomar_core::signature::ContactKey,
                client_key: &str,
                since: tomar_core::Timestamp,
                cap: u64,
                campaign: Option<tomar_core::ids::CampaignId>,
            ) -> Result<$crate::ContactHistory, $crate::StoreError> {
                let (by_contact, by_client, signed): (i64, i64, bool) = sqlx::query_as(
                    "SELECT \
                     (SELECT COUNT(*) FROM (SELECT 1 FROM verifications \
                      WHERE contact_key = $1 AND created_at >= $3 LIMIT $4) AS by_contact), \
                     (SELECT COUNT(*) FROM (SELECT 1 FROM verifications \
                      WHERE client_key = $2 AND created_at >= $3 LIMIT $4) AS by_client), \
                     EXISTS (SELECT 1 FROM signatures WHERE campaign_id = $5 AND contact_key = $1)",
                )
                .bind(contact_key.as_ref())
                .bind(client_key)
                .bind(since.as_second())
                .bind(i64::try_from(cap).unwrap_or(i64::MAX))
                .bind(campaign.map(|c| c.0))
                .fetch_one(self.reader())
                .await?;
                Ok($crate::ContactHistory {
                    codes_to_contact: by_contact.max(0) as u64,
                    codes_from_network: by_client.max(0) as u64,
                    signed,
                })
            }

            /// Uses up one try of a verification; answers the tries left, or `None` if none were.
            pub async fn spend_attempt(&self, id: &str) -> Result<Option<u32>, $crate::StoreError> {
                let left: Option<i64> = sqlx::query_scalar(
                    "UPDATE verifications SET attempts_left = attempts_left - 1 \
                     WHERE id = $1 AND attempts_left > 0 AND consumed_at IS NULL \
                     RETURNING attempts_left",
                )
                .bind(id)
                .fetch_optional(self.writer())
                .await?;
                Ok(left.map(|n| n.max(0) as u32))
            }

            /// Sends an open verification's code again (see `Resend`), in one transaction
            /// with its message, if its last code went out at or before `sent_before` and it
            /// was resent fewer than `max_resends` times. Answers whether it was sent.
            pub async fn resend_code(
                &self,
                resend: &$crate::Resend,
                sent_before: tomar_core::Timestamp,
                max_resends: u32,
                at: tomar_core::Timestamp,
            ) -> Result<bool, $crate::StoreError> {
                let expires = at
                    .checked_add(tomar_core::verification::CODE_LIFETIME)
                    .unwrap_or(at);
                let mut tx = self.writer().begin().await?;
                let resent: Option<String> = sqlx::query_scalar(
                    "UPDATE verifications SET code_hash = $1, withdraw_key = $2, last_sent_at = $3, \
                     expires_at = $4, resends = resends + 1 WHERE id = $5 AND consumed_at IS NULL \
                     AND attempts_left > 0 AND last_sent_at <= $6 AND resends < $7 RETURNING id",
                )
                .bind(resend.code_hash.as_str())
                .bind(resend.withdraw_key.as_str())
                .bind(at.as_second())
                .bind(expires.as_second())
                .bind(resend.verification_id.as_str())
                .bind(sent_before.as_second())
                .bind(i64::from(max_resends))
                .fetch_optional(&mut *tx)
                .await?;
                if resent.is_none() {
                    return Ok(false);
                }
                Self::insert_messages(&mut tx, &[(&resend.message, at)], None).await?;
                tx.commit().await?;
                Ok(true)
            }

            /// A signature by the keyed hash of its withdrawal token.
            pub async fn signature_by_withdraw_key(
                &self,
                withdraw_key: &str,
            ) -> Result<Option<tomar_core::signature::Signature>, $crate::StoreError> {
                let row: Option<$crate::rows::SignatureRow> = sqlx::query_as(concat!(
                    $crate::rows::select_signatures!(),
                    " WHERE withdraw_key = $1"
                ))
                .bind(withdraw_key)
                .fetch_optional(self.reader())
                .await?;
                row.map(TryInto::try_into).transpose()
            }

            /// Withdraws a confirmed signature and takes it off its campaign's count.
            /// Answers the campaign, or `None` if there was no such confirmed signature.
            pub async fn withdraw_signature(
                &self,
                owner: &$crate::SignatureOwner<'_>,
                at: tomar_core::Timestamp,
            ) -> Result<Option<tomar_core::ids::CampaignId>, $crate::StoreError> {
                use $crate::SignatureOwner;
                let (withdraw_key, signer) = match owner {
                    SignatureOwner::WithdrawKey(key) => (Some(*key), None),
                    SignatureOwner::Signer(campaign, contact_key) => {
                        (None, Some((campaign.0, contact_key.as_ref())))
                    }
                };
                let mut tx = self.writer().begin().await?;
                let campaign: Option<i64> = sqlx::query_scalar(
                    "UPDATE signatures SET status = 'withdrawn', withdrawn_at = $1 \
                     WHERE status = 'confirmed' \
                     AND (withdraw_key = $2 OR (campaign_id = $3 AND contact_key = $4)) \
                     RETURNING campaign_id",
                )
                .bind(at.as_second())
                .bind(withdraw_key)
                .bind(signer.map(|(campaign, _)| campaign))
                .bind(signer.map(|(_, key)| key))
                .fetch_optional(&mut *tx)
                .await?;
                let Some(campaign) = campaign else {
                    return Ok(None);
                };
                sqlx::query("UPDATE campaigns SET signature_count = signature_count - 1 WHERE id = $1")
                    .bind(campaign)
                    .execute(&mut *tx)
                    .await?;
                tx.commit().await?;
                Ok(Some(tomar_core::ids::CampaignId(campaign)))
            }

            /// Claims due messages for delivery, hiding them from other workers until
            /// `lease_until` (after which a crashed worker's claim lapses).
            pub async fn claim_due_messages(
                &self,
                now: tomar_core::Timestamp,
                lease_until: tomar_core::Timestamp,
                limit: u32,
            ) -> Result<Vec<tomar_core::message::OutboxMessage>, $crate::StoreError> {
                let rows: Vec<$crate::rows::OutboxRow> = sqlx::query_as(concat!(
                    "UPDATE outbox SET next_attempt_at = $1 WHERE id IN (\
                     SELECT id FROM outbox WHERE sent_at IS NULL AND failed_at IS NULL \
                     AND next_attempt_at <= $2 ORDER BY id LIMIT $3",
                    $claim_lock,
                    ") RETURNING id, channel, recipient, subject, body, attempts"
                ))
                .bind(lease_until.as_second())
                .bind(now.as_second())
                .bind(i64::from(limit))
                .fetch_all(self.writer())
                .await?;
                rows.into_iter().map(TryInto::try_into).collect()
            }

            /// Records delivered messages, in one transaction, and forgets their recipients.
            pub async fn mark_messages_sent(
                &self,
                ids: &[i64],
                at: tomar_core::Timestamp,
            ) -> Result<(), $crate::StoreError> {
                if ids.is_empty() {
                    return Ok(());
                }
                let mut update = sqlx::QueryBuilder::<$db>::new(
                    "UPDATE outbox SET recipient = '', attempts = attempts + 1, sent_at = ",
                );
                update.push_bind(at.as_second());
                update.push(" WHERE id IN ");
                $crate::shared::push_list(&mut update, ids.iter().copied());
                update.build().execute(self.writer()).await?;
                Ok(())
            }

            /// Records a failed delivery: tried again at `retry_at`, or given up on.
            pub async fn mark_message_failed(
                &self,
                id: i64,
                error: &str,
                retry_at: Option<tomar_core::Timestamp>,
                at: tomar_core::Timestamp,
            ) -> Result<(), $crate::StoreError> {
                sqlx::query(
                    "UPDATE outbox SET attempts = attempts + 1, last_error = $1, \
                     next_attempt_at = COALESCE($2, next_attempt_at), \
                     failed_at = CASE WHEN $2 IS NULL THEN $3 ELSE NULL END WHERE id = $4",
                )
                .bind(error)
                .bind(retry_at.map(|t| t.as_second()))
                .bind(at.as_second())
                .bind(id)
                .execute(self.writer())
                .await?;
                Ok(())
            }

            /// Confirmed signatures, newest first, with sequence numbers below `before`.
            pub async fn signatures_page(
                &self,
                campaign: tomar_core::ids::CampaignId,
                before: Option<u64>,
                limit: u32,
            ) -> Result<Vec<tomar_core::signature::Signature>, $crate::StoreError> {
                let before = before.map_or(i64::MAX, |n| i64::try_from(n).unwrap_or(i64::MAX));
                let rows: Vec<$crate::rows::SignatureRow> = sqlx::query_as(concat!(
                    $crate::rows::select_signatures!(),
                    " WHERE campaign_id = $1 AND status = 'confirmed' AND sequence < $2 \
                     ORDER BY sequence DESC LIMIT $3"
                ))
                .bind(campaign.0)
                .bind(before)
                .bind(i64::from(limit))
                .fetch_all(self.reader())
                .await?;
                rows.into_iter().map(TryInto::try_into).collect()
            }

            /// Recounts a campaign's confirmed signatures from the rows and repairs the stored
            /// count if it drifted. Answers the count as it was and as it is.
            pub async fn recount_signatures(
                &self,
                campaign: tomar_core::ids::CampaignId,
            ) -> Result<$crate::Recount, $crate::StoreError> {
                let mut tx = self.writer().begin().await?;
                let stored: Option<i64> = sqlx::query_scalar(
                    "UPDATE campaigns SET last_sequence = last_sequence WHERE id = $1 \
                     RETURNING signature_count",
                )
                .bind(campaign.0)
                .fetch_optional(&mut *tx)
                .await?;
                let Some(stored) = stored else {
                    return Err($crate::StoreError::NotFound("campaign"));
                };
                let actual: i64 = sqlx::query_scalar(
                    "SELECT COUNT(*) FROM signatures WHERE campaign_id = $1 AND status = 'confirmed'",
                )
                .bind(campaign.0)
                .fetch_one(&mut *tx)
                .await?;
                if stored != actual {
                    sqlx::query("UPDATE campaigns SET signature_count = $1 WHERE id = $2")
                        .bind(actual)
                        .bind(campaign.0)
                        .execute(&mut *tx)
                        .await?;
                }
                tx.commit().await?;
                Ok($crate::Recount {
                    stored: stored.max(0) as u64,
                    actual: actual.max(0) as u64,
                })
            }

            pub async fn add_comment(
                &self,
                new: &tomar_core::comment::NewComment,
            ) -> Result<tomar_core::ids::CommentId, $crate::StoreError> {
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
                        return Err($crate::StoreError::InvalidParent);
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
                .map_err(|e| $crate::StoreError::on_insert(e, || $crate::StoreError::Conflict))?;
                tx.commit().await?;
                Ok(tomar_core::ids::CommentId(id))
            }

            /// The newest `limit` top-level comments, newest first, each with all its
            /// replies, oldest first. Hidden comments are included; the page decides.
            pub async fn comment_threads(
                &self,
                campaign: tomar_core::ids::CampaignId,
                before: Option<tomar_core::ids::CommentId>,
                limit: u32,
            ) -> Result<Vec<tomar_core::comment::Thread>, $crate::StoreError> {
                let tops: Vec<$crate::rows::CommentRow> = sqlx::query_as(concat!(
                    $crate::rows::select_comments!(),
                    " WHERE campaign_id = $1 AND parent_id IS NULL AND id < $3 \
                     ORDER BY id DESC LIMIT $2"
                ))
                .bind(campaign.0)
                .bind(i64::from(limit))
                .bind(before.map_or(i64::MAX, |id| id.0))
                .fetch_all(self.reader())
                .await?;
                let mut threads: Vec<tomar_core::comment::Thread> = tops
                    .into_iter()
                    .map(|row| {
                        Ok(tomar_core::comment::Thread {
                            comment: row.try_into()?,
                            replies: Vec::new(),
                        })
                    })
                    .collect::<Result<_, $crate::StoreError>>()?;
                let (Some(oldest), Some(newest)) = (
                    threads.last().map(|t| t.comment.id.0),
                    threads.first().map(|t| t.comment.id.0),
                ) else {
                    return Ok(threads);
                };
                let replies: Vec<$crate::rows::CommentRow> = sqlx::query_as(concat!(
                    $crate::rows::select_comments!(),
                    " WHERE campaign_id = $1 AND parent_id BETWEEN $2 AND $3 ORDER BY id"
                ))
                .bind(campaign.0)
                .bind(oldest)
                .bind(newest)
                .fetch_all(self.reader())
                .await?;
                for row in replies {
                    let reply: tomar_core::comment::Comment = row.try_into()?;
                    if let Some(thread) =
                        threads.iter_mut().find(|t| Some(t.comment.id) == reply.parent_id)
                    {
                        thread.replies.push(reply);
                    }
                }
                Ok(threads)
            }

            pub async fn add_news_link(
                &self,
                new: &tomar_core::news::NewNewsLink,
            ) -> Result<tomar_core::ids::NewsLinkId, $crate::StoreError> {
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO news_links (campaign_id, url, title, source_host, \
                     submitter_name, client_key, created_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
                )
                .bind(new.campaign_id.0)
                .bind(new.url.as_str())
                .bind(new.title.as_ref())
                .bind(new.source_host.as_str())
                .bind(new.submitter_name.as_deref())
                .bind(new.client_key.as_deref())
                .bind(new.at.as_second())
                .fetch_one(self.writer())
                .await
                .map_err(|e| {
                    $crate::StoreError::on_insert(e, || $crate::StoreError::DuplicateNewsLink)
                })?;
                Ok(tomar_core::ids::NewsLinkId(id))
            }

            pub async fn review_news_link(
                &self,
                link: tomar_core::ids::NewsLinkId,
                status: tomar_core::news::NewsStatus,
                event: &tomar_core::moderation::ModerationEvent,
            ) -> Result<(), $crate::StoreError> {
                let mut tx = self.writer().begin().await?;
                let changed = sqlx::query("UPDATE news_links SET status = $1 WHERE id = $2")
                    .bind(status.name())
                    .bind(link.0)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
                if changed != 1 {
                    return Err($crate::StoreError::NotFound("news link"));
                }
                Self::insert_event(&mut tx, event).await?;
                tx.commit().await?;
                Ok(())
            }

            /// A campaign's news links in `status`, newest first.
            pub async fn news_links(
                &self,
                campaign: tomar_core::ids::CampaignId,
                status: tomar_core::news::NewsStatus,
            ) -> Result<Vec<tomar_core::news::NewsLink>, $crate::StoreError> {
                let rows: Vec<$crate::rows::NewsLinkRow> = sqlx::query_as(concat!(
                    $crate::rows::select_news_links!(),
                    " WHERE campaign_id = $1 AND status = $2 ORDER BY id DESC"
                ))
                .bind(campaign.0)
                .bind(status.name())
                .fetch_all(self.reader())
                .await?;
                rows.into_iter().map(TryInto::try_into).collect()
            }

            /// Posts an update and queues `messages` (its news, to the signers who asked for
            /// it) in the same transaction.
            pub async fn add_update(
                &self,
                new: &tomar_core::update::NewUpdate,
                messages: &[tomar_core::message::OutboundMessage],
            ) -> Result<tomar_core::ids::UpdateId, $crate::StoreError> {
                let mut tx = self.writer().begin().await?;
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO updates (campaign_id, author, title, body, created_at) \
                     VALUES ($1, $2, $3, $4, $5) RETURNING id",
                )
                .bind(new.campaign_id.0)
                .bind(new.author.name())
                .bind(new.title.as_ref())
                .bind(new.body.as_ref())
                .bind(new.at.as_second())
                .fetch_one(&mut *tx)
                .await
                .map_err(|e| $crate::StoreError::on_insert(e, || $crate::StoreError::Conflict))?;
                let messages: Vec<_> = messages.iter().map(|message| (message, new.at)).collect();
                Self::insert_messages(&mut tx, &messages, None).await?;
                tx.commit().await?;
                Ok(tomar_core::ids::UpdateId(id))
            }

            /// A campaign's updates, newest first.
            pub async fn updates(
                &self,
                campaign: tomar_core::ids::CampaignId,
            ) -> Result<Vec<tomar_core::update::Update>, $crate::StoreError> {
                let rows: Vec<$crate::rows::UpdateRow> = sqlx::query_as(
                    "SELECT id, campaign_id, author, title, body, created_at FROM updates \
                     WHERE campaign_id = $1 ORDER BY id DESC",
                )
                .bind(campaign.0)
                .fetch_all(self.reader())
                .await?;
                rows.into_iter().map(TryInto::try_into).collect()
            }

            pub async fn add_rejection_reason(
                &self,
                label_fa: &str,
                label_en: &str,
            ) -> Result<tomar_core::ids::RejectionReasonId, $crate::StoreError> {
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO rejection_reasons (label_fa, label_en) VALUES ($1, $2) RETURNING id",
                )
                .bind(label_fa)
                .bind(label_en)
                .fetch_one(self.writer())
                .await?;
                Ok(tomar_core::ids::RejectionReasonId(id))
            }

            /// Every platform setting (texts, links, switches) by key.
            pub async fn settings(&self) -> Result<$crate::Settings, $crate::StoreError> {
                let generation = match self.caches.settings.fresh(&()) {
                    Ok(settings) => return Ok(settings),
                    Err(generation) => generation,
                };
                let rows: Vec<(String, String)> = sqlx::query_as("SELECT key, value FROM settings")
                    .fetch_all(self.reader())
                    .await?;
                let settings: $crate::Settings = std::sync::Arc::new(rows.into_iter().collect());
                self.caches.settings.keep(generation, (), settings.clone());
                Ok(settings)
            }

            /// Runs a two-parameter statement behind the store's back, for tests only.
            #[cfg(feature = "testing")]
            pub(crate) async fn execute_raw<T>(&self, sql: &'static str, first: T, second: i64)
            where
                T: for<'q> sqlx::Encode<'q, $db> + sqlx::Type<$db> + Send,
            {
                sqlx::query(sql)
                    .bind(first)
                    .bind(second)
                    .execute(self.writer())
                    .await
                    .expect("raw test statement");
                self.caches.campaigns.forget();
                self.caches.settings.forget();
            }

            /// Sets `key` only if it has no value yet; answers the value it has afterwards,
            /// so processes racing to set it all agree on the winner.
            pub async fn setting_or_insert(&self, key: &str, value: &str) -> Result<String, $crate::StoreError> {
                sqlx::query("INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING")
                    .bind(key)
                    .bind(value)
                    .execute(self.writer())
                    .await?;
                self.caches.settings.forget();
                Ok(sqlx::query_scalar("SELECT value FROM settings WHERE key = $1")
                    .bind(key)
                    .fetch_one(self.writer())
                    .await?)
            }

            /// Sets several settings in one transaction: all of them or none.
            pub async fn set_settings(
                &self,
                values: &[(&str, String)],
            ) -> Result<(), $crate::StoreError> {
                let mut tx = self.writer().begin().await?;
                for (key, value) in values {
                    Self::upsert_setting(&mut tx, key, value).await?;
                }
                tx.commit().await?;
                self.caches.settings.forget();
                Ok(())
            }

            pub async fn set_setting(&self, key: &str, value: &str) -> Result<(), $crate::StoreError> {
                self.set_settings(&[(key, value.to_owned())]).await
            }

            async fn upsert_setting(
                tx: &mut sqlx::Transaction<'_, $db>,
                key: &str,
                value: &str,
            ) -> Result<(), $crate::StoreError> {
                sqlx::query(
                    "INSERT INTO settings (key, value) VALUES ($1, $2) \
                     ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                )
                .bind(key)
                .bind(value)
                .execute(&mut **tx)
                .await?;
                Ok(())
            }
        }
    };
}

pub(crate) use shared_queries;
