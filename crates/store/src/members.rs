//! Members: logging in with a code (registering on the first), roles, display names,
//! sessions, and what a member started or signed.

use tomar_core::Timestamp;
use tomar_core::campaign::CampaignSummary;
use tomar_core::contact::ContactKey;
use tomar_core::ids::MemberId;
use tomar_core::member::{Member, Role};
use tomar_core::names::PersonName;
use tomar_core::verification::VerificationId;

use crate::StoreError;
use crate::rows::SummaryRow;
use crate::rows::timestamp;

/// The columns every member query selects, in [`MemberRow`]'s order.
macro_rules! member_columns {
    () => {
        "id, display_name, role, contact_key, contact_sealed, session_epoch, created_at"
    };
}

store_methods! {
    /// Uses a login verification and answers the member with `contact_key`, registering
    /// them on their first login; `None` if the verification was already used.
    pub async fn log_in(
        &self,
        verification_id: &VerificationId,
        contact_key: &ContactKey,
        sealed_contact: &str,
        at: Timestamp,
    ) -> Result<Option<Member>, StoreError> {
        let mut tx = self.writer().begin().await?;
        let used: Option<String> = sqlx::query_scalar(
            "UPDATE verifications SET consumed_at = $1, destination = '' \
             WHERE id = $2 AND purpose = 'login' AND consumed_at IS NULL RETURNING id",
        )
        .bind(at.as_second())
        .bind(verification_id.as_ref())
        .fetch_optional(&mut *tx)
        .await?;
        if used.is_none() {
            return Ok(None);
        }
        let row: MemberRow = sqlx::query_as(concat!(
            "INSERT INTO members (contact_key, contact_sealed, created_at) \
             VALUES ($1, $2, $3) ON CONFLICT (contact_key) \
             DO UPDATE SET contact_sealed = excluded.contact_sealed RETURNING ",
            member_columns!()
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
        contact_key: &ContactKey,
        sealed_contact: &str,
        role: Role,
        at: Timestamp,
    ) -> Result<Member, StoreError> {
        let row: MemberRow = sqlx::query_as(concat!(
            "INSERT INTO members (contact_key, contact_sealed, role, created_at) \
             VALUES ($1, $2, $3, $4) ON CONFLICT (contact_key) \
             DO UPDATE SET role = excluded.role, contact_sealed = excluded.contact_sealed \
             RETURNING ",
            member_columns!()
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
        id: MemberId,
    ) -> Result<Option<Member>, StoreError> {
        let row: Option<MemberRow> = sqlx::query_as(concat!(
            "SELECT ",
            member_columns!(),
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
    ) -> Result<Vec<Member>, StoreError> {
        let rows: Vec<MemberRow> = sqlx::query_as(concat!(
            "SELECT ",
            member_columns!(),
            " FROM members WHERE role <> 'member' ORDER BY role, id"
        ))
        .fetch_all(self.reader())
        .await?;
        rows.into_iter().map(TryInto::try_into).collect()
    }

    pub async fn set_role(
        &self,
        id: MemberId,
        role: Role,
    ) -> Result<(), StoreError> {
        let changed = sqlx::query("UPDATE members SET role = $1 WHERE id = $2")
            .bind(role.name())
            .bind(id.0)
            .execute(self.writer())
            .await?
            .rows_affected();
        if changed == 0 {
            return Err(StoreError::NotFound("member"));
        }
        Ok(())
    }

    pub async fn set_display_name(
        &self,
        id: MemberId,
        name: &PersonName,
    ) -> Result<(), StoreError> {
        sqlx::query("UPDATE members SET display_name = $1 WHERE id = $2")
            .bind(name.as_ref())
            .bind(id.0)
            .execute(self.writer())
            .await?;
        Ok(())
    }

    /// Voids every session the member holds, in every server process.
    pub async fn end_sessions(
        &self,
        id: MemberId,
    ) -> Result<(), StoreError> {
        sqlx::query("UPDATE members SET session_epoch = session_epoch + 1 WHERE id = $1")
            .bind(id.0)
            .execute(self.writer())
            .await?;
        Ok(())
    }

    /// Campaigns the member started, in any state, newest first.
    pub async fn campaigns_by_author(
        &self,
        author: MemberId,
    ) -> Result<Vec<CampaignSummary>, StoreError> {
        let rows: Vec<SummaryRow> = sqlx::query_as(concat!(
            crate::rows::select_summaries!(),
            " WHERE c.author_id = $1 ORDER BY c.id DESC"
        ))
        .bind(author.0)
        .fetch_all(self.reader())
        .await?;
        rows.into_iter().map(TryInto::try_into).collect()
    }

    /// Campaigns this contact has a confirmed signature on, last signed first.
    pub async fn campaigns_signed_by(
        &self,
        contact_key: &ContactKey,
    ) -> Result<Vec<CampaignSummary>, StoreError> {
        let rows: Vec<SummaryRow> = sqlx::query_as(concat!(
            crate::rows::select_summaries!(),
            " JOIN signatures s ON s.campaign_id = c.id \
             WHERE s.contact_key = $1 AND s.status = 'confirmed' ORDER BY s.id DESC"
        ))
        .bind(contact_key.as_ref())
        .fetch_all(self.reader())
        .await?;
        rows.into_iter().map(TryInto::try_into).collect()
    }
}

#[derive(sqlx::FromRow)]
struct MemberRow {
    id: i64,
    display_name: Option<String>,
    role: String,
    contact_key: String,
    contact_sealed: Option<String>,
    session_epoch: i64,
    created_at: i64,
}

impl TryFrom<MemberRow> for Member {
    type Error = StoreError;

    fn try_from(row: MemberRow) -> Result<Self, StoreError> {
        Ok(Member {
            id: MemberId(row.id),
            display_name: row
                .display_name
                .map(|n| PersonName::parse(&n).map_err(|_| StoreError::Corrupt("member name")))
                .transpose()?,
            role: Role::from_name(&row.role).ok_or(StoreError::Corrupt("member role"))?,
            contact_key: ContactKey::from_stored(row.contact_key),
            sealed_contact: row.contact_sealed,
            session_epoch: u32::try_from(row.session_epoch)
                .map_err(|_| StoreError::Corrupt("session epoch"))?,
            created_at: timestamp(row.created_at, "member time")?,
        })
    }
}
