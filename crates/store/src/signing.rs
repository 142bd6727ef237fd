//! One-time codes: verifications and the messages that carry their codes, the history the
//! sending limits read, tries, and sending a code again.

use tomar_core::Timestamp;
use tomar_core::contact::{Channel, ContactKey};
use tomar_core::ids::CampaignId;
use tomar_core::message::{OutboundMessage, OutboxMessage};
use tomar_core::names::PersonName;
use tomar_core::signature::WithdrawKey;
use tomar_core::verification::{
    CODE_ATTEMPTS, CODE_LIFETIME, NewVerification, Purpose, Verification, VerificationId,
};

use crate::rows::{count, optional_timestamp, timestamp};
use crate::{Db, Store, StoreError};

/// What the rules for sending a code need to know about a contact.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ContactHistory {
    /// Codes sent to the contact lately (counted up to a cap).
    pub codes_to_contact: u64,
    /// Codes asked for from the network lately (counted up to a cap).
    pub codes_from_network: u64,
    /// Whether the contact has a signature, of any status, on the campaign asked about.
    pub signed: bool,
}

/// A code sent again: a new code and withdrawal token for a verification, and the message
/// that carries them. The code is good for another full lifetime; wrong tries stay spent.
#[derive(Clone, Debug)]
pub struct Resend {
    pub verification_id: VerificationId,
    pub code_hash: String,
    pub withdraw_key: WithdrawKey,
    pub message: OutboundMessage,
}

impl Store {
    /// Stores one verification with the message carrying its code, due at once.
    pub async fn create_verification(
        &self,
        new: &NewVerification,
        message: &OutboundMessage,
    ) -> Result<(), StoreError> {
        self.create_verifications(&[(new.clone(), message.clone())], None)
            .await
            .map(drop)
    }
}

store_methods! {
    /// Stores new verifications, each with the message carrying its code, in one
    /// transaction; answers the messages. They are leased to the caller until
    /// `leased_until` (it delivers them itself; should it fail to, they fall due then), or
    /// due at once.
    pub async fn create_verifications(
        &self,
        batch: &[(NewVerification, OutboundMessage)],
        leased_until: Option<Timestamp>,
    ) -> Result<Vec<OutboxMessage>, StoreError> {
        if batch.is_empty() {
            return Ok(Vec::new());
        }
        let mut tx = self.writer().begin().await?;
        let mut insert = sqlx::QueryBuilder::<Db<Self>>::new(
            "INSERT INTO verifications (id, purpose, campaign_id, contact_key, channel, \
             code_hash, attempts_left, name, public, wants_updates, sealed_contact, \
             withdraw_key, client_key, created_at, last_sent_at, expires_at) ",
        );
        insert.push_values(batch, |mut row, (new, _)| {
            let expires = new
                .at
                .checked_add(CODE_LIFETIME)
                .unwrap_or(new.at);
            row.push_bind(new.id.as_ref())
                .push_bind(new.purpose.name())
                .push_bind(new.campaign_id.map(|c| c.0))
                .push_bind(new.contact_key.as_ref())
                .push_bind(new.channel.name())
                .push_bind(new.code_hash.as_str())
                .push_bind(i64::from(CODE_ATTEMPTS))
                .push_bind(new.name.as_ref().map(|n| n.as_ref()))
                .push_bind(new.public)
                .push_bind(new.wants_updates)
                .push_bind(new.sealed_contact.as_deref())
                .push_bind(new.withdraw_key.as_ref())
                .push_bind(new.client_key.as_str())
                .push_bind(new.at.as_second())
                .push_bind(new.at.as_second())
                .push_bind(expires.as_second());
        });
        insert
            .build()
            .execute(&mut *tx)
            .await
            .map_err(|e| StoreError::on_insert(e, || StoreError::Conflict))?;
        let messages: Vec<_> = batch.iter().map(|(new, message)| (message, new.at)).collect();
        let ids = Self::insert_messages(&mut tx, &messages, leased_until).await?;
        tx.commit().await?;
        Ok(ids
            .into_iter()
            .zip(batch)
            .map(|(id, (_, message))| OutboxMessage {
                id,
                message: message.clone(),
                attempts: 0,
            })
            .collect())
    }

    pub async fn verification(
        &self,
        id: &VerificationId,
    ) -> Result<Option<Verification>, StoreError> {
        let row: Option<VerificationRow> = sqlx::query_as(
            "SELECT id, purpose, campaign_id, contact_key, channel, code_hash, \
             attempts_left, name, public, wants_updates, sealed_contact, withdraw_key, \
             created_at, last_sent_at, resends, expires_at, consumed_at, \
             signature_sequence FROM verifications WHERE id = $1",
        )
        .bind(id.as_ref())
        .fetch_optional(self.reader())
        .await?;
        row.map(TryInto::try_into).transpose()
    }

    /// Whether this contact has a signature, of any status, on the campaign.
    pub async fn has_signed(
        &self,
        campaign: CampaignId,
        contact_key: &ContactKey,
    ) -> Result<bool, StoreError> {
        let found: Option<i64> = sqlx::query_scalar(
            "SELECT id FROM signatures WHERE campaign_id = $1 AND contact_key = $2",
        )
        .bind(campaign.0)
        .bind(contact_key.as_ref())
        .fetch_optional(self.reader())
        .await?;
        Ok(found.is_some())
    }

    /// Codes sent since `since` to this contact and from this network, each counted up to
    /// `cap`, and whether the contact has signed `campaign`.
    pub async fn contact_history(
        &self,
        contact_key: &ContactKey,
        client_key: &str,
        since: Timestamp,
        cap: u64,
        campaign: Option<CampaignId>,
    ) -> Result<ContactHistory, StoreError> {
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
        Ok(ContactHistory {
            codes_to_contact: by_contact.max(0) as u64,
            codes_from_network: by_client.max(0) as u64,
            signed,
        })
    }

    /// Uses up one try; answers the tries left, or `None` if there were none.
    pub async fn spend_attempt(
        &self,
        id: &VerificationId,
    ) -> Result<Option<u32>, StoreError> {
        let left: Option<i64> = sqlx::query_scalar(
            "UPDATE verifications SET attempts_left = attempts_left - 1 \
             WHERE id = $1 AND attempts_left > 0 AND consumed_at IS NULL \
             RETURNING attempts_left",
        )
        .bind(id.as_ref())
        .fetch_optional(self.writer())
        .await?;
        Ok(left.map(|n| n.max(0) as u32))
    }

    /// Sends an open verification's code again (see [`Resend`]), in one transaction with
    /// its message; only once its last code went out at or before `sent_before`, and fewer
    /// than `max_resends` times. Answers whether it was sent.
    pub async fn resend_code(
        &self,
        resend: &Resend,
        sent_before: Timestamp,
        max_resends: u32,
        at: Timestamp,
    ) -> Result<bool, StoreError> {
        let expires = at
            .checked_add(CODE_LIFETIME)
            .unwrap_or(at);
        let mut tx = self.writer().begin().await?;
        let resent: Option<String> = sqlx::query_scalar(
            "UPDATE verifications SET code_hash = $1, withdraw_key = $2, last_sent_at = $3, \
             expires_at = $4, resends = resends + 1 WHERE id = $5 AND consumed_at IS NULL \
             AND attempts_left > 0 AND last_sent_at <= $6 AND resends < $7 RETURNING id",
        )
        .bind(resend.code_hash.as_str())
        .bind(resend.withdraw_key.as_ref())
        .bind(at.as_second())
        .bind(expires.as_second())
        .bind(resend.verification_id.as_ref())
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
}

#[derive(sqlx::FromRow)]
struct VerificationRow {
    id: String,
    purpose: String,
    campaign_id: Option<i64>,
    contact_key: String,
    channel: String,
    code_hash: String,
    attempts_left: i64,
    name: Option<String>,
    public: bool,
    wants_updates: bool,
    sealed_contact: Option<String>,
    withdraw_key: String,
    created_at: i64,
    last_sent_at: i64,
    resends: i64,
    expires_at: i64,
    consumed_at: Option<i64>,
    signature_sequence: Option<i64>,
}

impl TryFrom<VerificationRow> for Verification {
    type Error = StoreError;

    fn try_from(row: VerificationRow) -> Result<Self, StoreError> {
        Ok(Verification {
            id: VerificationId::from_stored(row.id),
            purpose: Purpose::from_name(&row.purpose)
                .ok_or(StoreError::Corrupt("verification purpose"))?,
            campaign_id: row.campaign_id.map(CampaignId),
            contact_key: ContactKey::from_stored(row.contact_key),
            channel: Channel::from_name(&row.channel)
                .ok_or(StoreError::Corrupt("verification channel"))?,
            code_hash: row.code_hash,
            attempts_left: u32::try_from(row.attempts_left).unwrap_or(0),
            name: row
                .name
                .map(|n| {
                    PersonName::parse(&n).map_err(|_| StoreError::Corrupt("verification name"))
                })
                .transpose()?,
            public: row.public,
            wants_updates: row.wants_updates,
            sealed_contact: row.sealed_contact,
            withdraw_key: WithdrawKey::from_stored(row.withdraw_key),
            created_at: timestamp(row.created_at, "verification time")?,
            last_sent_at: timestamp(row.last_sent_at, "verification send time")?,
            resends: u32::try_from(row.resends).unwrap_or(u32::MAX),
            expires_at: timestamp(row.expires_at, "verification expiry")?,
            consumed_at: optional_timestamp(row.consumed_at, "verification use time")?,
            signature_sequence: row.signature_sequence.map(count),
        })
    }
}
