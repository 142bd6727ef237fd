//! The queries about members, shared by both backends like those in `shared.rs`.

/// Implements the member methods for a backend type with `reader()`/`writer()` pools.
macro_rules! member_queries {
    ($store:ty) => {
        impl $store {
            /// Uses a login verification and answers the member with its contact key,
            /// registering them on their first login. `None` if the verification was
            /// already used (a replayed form).
            pub async fn log_in(
                &self,
                verification_id: &str,
                contact_key: &tomar_core::signature::ContactKey,
                sealed_contact: &str,
                at: tomar_core::Timestamp,
            ) -> Result<Option<tomar_core::member::Member>, $crate::StoreError> {
                let mut tx = self.writer().begin().await?;
                let used: Option<String> = sqlx::query_scalar(
                    "UPDATE verifications SET consumed_at = $1 \
                     WHERE id = $2 AND purpose = 'login' AND consumed_at IS NULL RETURNING id",
                )
                .bind(at.as_second())
                .bind(verification_id)
                .fetch_optional(&mut *tx)
                .await?;
                if used.is_none() {
                    return Ok(None);
                }
                let row: $crate::rows::MemberRow = sqlx::query_as(concat!(
                    "INSERT INTO members (contact_key, contact_sealed, created_at) \
                     VALUES ($1, $2, $3) ON CONFLICT (contact_key) \
                     DO UPDATE SET contact_sealed = excluded.contact_sealed RETURNING ",
                    $crate::rows::member_columns!()
                ))
                .bind(contact_key.as_ref())
                .bind(sealed_contact)
                .bind(at.as_second())
                .fetch_one(&mut *tx)
                .await?;
                tx.commit().await?;
                row.try_into().map(Some)
            }

            /// Gives the person with this contact `role`, registering them if needed.
            pub async fn grant_role(
                &self,
                contact_key: &tomar_core::signature::ContactKey,
                sealed_contact: &str,
                role: tomar_core::member::Role,
                at: tomar_core::Timestamp,
            ) -> Result<tomar_core::member::Member, $crate::StoreError> {
                let row: $crate::rows::MemberRow = sqlx::query_as(concat!(
                    "INSERT INTO members (contact_key, contact_sealed, role, created_at) \
                     VALUES ($1, $2, $3, $4) ON CONFLICT (contact_key) \
                     DO UPDATE SET role = excluded.role, contact_sealed = excluded.contact_sealed \
                     RETURNING ",
                    $crate::rows::member_columns!()
                ))
                .bind(contact_key.as_ref())
                .bind(sealed_contact)
                .bind(role.name())
                .bind(at.as_second())
                .fetch_one(self.writer())
                .await?;
                row.try_into()
            }

            pub async fn member(
                &self,
                id: tomar_core::ids::MemberId,
            ) -> Result<Option<tomar_core::member::Member>, $crate::StoreError> {
                let row: Option<$crate::rows::MemberRow> = sqlx::query_as(concat!(
                    "SELECT ",
                    $crate::rows::member_columns!(),
                    " FROM members WHERE id = $1"
                ))
                .bind(id.0)
                .fetch_optional(self.reader())
                .await?;
                row.map(TryInto::try_into).transpose()
            }

            /// Moderators and admins, admins first.
            pub async fn staff(
                &self,
            ) -> Result<Vec<tomar_core::member::Member>, $crate::StoreError> {
                let rows: Vec<$crate::rows::MemberRow> = sqlx::query_as(concat!(
                    "SELECT ",
                    $crate::rows::member_columns!(),
                    " FROM members WHERE role <> 'member' ORDER BY role, id"
                ))
                .fetch_all(self.reader())
                .await?;
                rows.into_iter().map(TryInto::try_into).collect()
            }

            pub async fn set_role(
                &self,
                id: tomar_core::ids::MemberId,
                role: tomar_core::member::Role,
            ) -> Result<(), $crate::StoreError> {
                let changed = sqlx::query("UPDATE members SET role = $1 WHERE id = $2")
                    .bind(role.name())
                    .bind(id.0)
                    .execute(self.writer())
                    .await?
                    .rows_affected();
                if changed == 0 {
                    return Err($crate::StoreError::NotFound("member"));
                }
                Ok(())
            }

            pub async fn set_display_name(
                &self,
                id: tomar_core::ids::MemberId,
                name: &tomar_core::names::PersonName,
            ) -> Result<(), $crate::StoreError> {
                sqlx::query("UPDATE members SET display_name = $1 WHERE id = $2")
                    .bind(name.as_ref())
                    .bind(id.0)
                    .execute(self.writer())
                    .await?;
                Ok(())
            }

            /// Voids every session the member holds, in every process.
            pub async fn end_sessions(
                &self,
                id: tomar_core::ids::MemberId,
            ) -> Result<(), $crate::StoreError> {
                sqlx::query("UPDATE members SET session_epoch = session_epoch + 1 WHERE id = $1")
                    .bind(id.0)
                    .execute(self.writer())
                    .await?;
                Ok(())
            }

            /// This contact's signature on the campaign, whatever its status.
            pub async fn signature_by_signer(
                &self,
                campaign: tomar_core::ids::CampaignId,
                contact_key: &tomar_core::signature::ContactKey,
            ) -> Result<Option<tomar_core::signature::Signature>, $crate::StoreError> {
                let row: Option<$crate::rows::SignatureRow> = sqlx::query_as(concat!(
                    $crate::rows::select_signatures!(),
                    " WHERE campaign_id = $1 AND contact_key = $2"
                ))
                .bind(campaign.0)
                .bind(contact_key.as_ref())
                .fetch_optional(self.reader())
                .await?;
                row.map(TryInto::try_into).transpose()
            }

            /// Campaigns this contact has a confirmed signature on, last signed first.
            pub async fn campaigns_signed_by(
                &self,
                contact_key: &tomar_core::signature::ContactKey,
            ) -> Result<Vec<tomar_core::campaign::CampaignSummary>, $crate::StoreError> {
                let rows: Vec<$crate::rows::SummaryRow> = sqlx::query_as(concat!(
                    $crate::rows::select_summaries!(),
                    " JOIN signatures s ON s.campaign_id = c.id \
                     WHERE s.contact_key = $1 AND s.status = 'confirmed' ORDER BY s.id DESC"
                ))
                .bind(contact_key.as_ref())
                .fetch_all(self.reader())
                .await?;
                rows.into_iter().map(TryInto::try_into).collect()
            }

            /// Campaigns the member started, in any state, newest first.
            pub async fn campaigns_by_author(
                &self,
                author: tomar_core::ids::MemberId,
            ) -> Result<Vec<tomar_core::campaign::CampaignSummary>, $crate::StoreError> {
                let rows: Vec<$crate::rows::SummaryRow> = sqlx::query_as(concat!(
                    $crate::rows::select_summaries!(),
                    " WHERE c.author_id = $1 ORDER BY c.id DESC"
                ))
                .bind(author.0)
                .fetch_all(self.reader())
                .await?;
                rows.into_iter().map(TryInto::try_into).collect()
            }

            /// The member's comments, newest first.
            pub async fn comments_by_author(
                &self,
                author: tomar_core::ids::MemberId,
            ) -> Result<Vec<tomar_core::comment::Comment>, $crate::StoreError> {
                let rows: Vec<$crate::rows::CommentRow> = sqlx::query_as(concat!(
                    $crate::rows::select_comments!(),
                    " WHERE author_id = $1 ORDER BY id DESC"
                ))
                .bind(author.0)
                .fetch_all(self.reader())
                .await?;
                rows.into_iter().map(TryInto::try_into).collect()
            }
        }
    };
}
pub(crate) use member_queries;
