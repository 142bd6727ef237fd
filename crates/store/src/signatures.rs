//! Signatures: the group commit of confirmations, the public list, withdrawals, and
//! counts recounted from the rows.

use std::collections::{HashMap, HashSet};

use tomar_core::Timestamp;
use tomar_core::contact::ContactKey;
use tomar_core::ids::{CampaignId, SignatureId};
use tomar_core::names::PersonName;
use tomar_core::signature::{Signature, SignatureStatus, WithdrawKey};
use tomar_core::signature_log::{LogEntry, to_the_minute};

use crate::hours::Counted;
use crate::limits::{Counter, hour_of};
use crate::rows::{INSERT_CHUNK, count, optional_timestamp, push_list, timestamp};
use crate::signature_log::{Numbered, shuffled_places};
use crate::signing::{Checked, Confirmation};
use crate::{Db, StoreError, Tx};

/// What became of one confirmation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Confirmed {
    /// Counted, with this sequence number.
    Signed(u64),
    /// This contact had already signed; nothing counted.
    AlreadySigned,
    /// The verification was already used; nothing counted.
    VerificationUsed,
    /// The code was wrong and spent a try; `left` remain. Nothing counted.
    WrongCode { left: u32 },
    /// No try was left (exhausted, expired, or no such verification). Nothing counted.
    NoTryLeft,
}

/// Whose signature to withdraw: the holder of a withdrawal link, or a logged-in signer.
#[derive(Clone, Copy, Debug)]
pub enum SignatureOwner<'a> {
    WithdrawKey(&'a WithdrawKey),
    Signer(CampaignId, &'a ContactKey),
}

/// A campaign's signature count as stored, and as recounted from the signature rows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Recount {
    pub stored: u64,
    pub actual: u64,
}

impl Recount {
    pub fn drifted(&self) -> bool {
        self.stored != self.actual
    }
}

/// `SELECT … FROM signatures`, in [`SignatureRow`]'s order.
macro_rules! select_signatures {
    () => {
        "SELECT id, campaign_id, sequence, name, public, status, text_version, created_at, \
         confirmed_at FROM signatures"
    };
}

store_methods! {
    /// Group commit of confirmations for one campaign, in one transaction: each code is
    /// checked in order (a try spent each; the right one consumes its verification, once),
    /// each new signer gets the next sequence number, a contact that already signed is
    /// skipped, and the campaign's counters move once for the whole batch. Answers what
    /// became of each, in order.
    pub async fn add_confirmations(
        &self,
        campaign: CampaignId,
        text_version: u32,
        batch: &[Confirmation],
        at: Timestamp,
    ) -> Result<Vec<Confirmed>, StoreError> {
        let mut tx = self.writer().begin().await?;
        // Touching the row first takes its lock (PostgreSQL) or the write lock
        // (SQLite), so sequence numbers are handed out by one batch at a time and
        // what is read below cannot change before the commit.
        let locked: Option<(i64, i64)> = sqlx::query_as(
            "UPDATE campaigns SET last_sequence = last_sequence WHERE id = $1 \
             RETURNING last_sequence, log_size",
        )
        .bind(campaign.0)
        .fetch_optional(&mut *tx)
        .await?;
        let Some((mut last, log_size)) = locked else {
            return Err(StoreError::NotFound("campaign"));
        };
        // A few statements for the whole batch, whatever its size: each statement
        // is a round trip to the database.
        let codes: Vec<_> = batch.iter().map(|c| c.code.as_ref()).collect();
        let checked = Self::check_codes(&mut tx, &codes, at).await?;
        let (mut signed, mut withdrawn) = Self::signed_among(&mut tx, campaign, batch).await?;
        let mut new = Vec::with_capacity(batch.len());
        let mut again = Vec::new();
        let outcomes: Vec<Confirmed> = batch
            .iter()
            .zip(checked)
            .map(|(confirmation, checked)| {
                match checked {
                    None | Some(Checked::Right) => {}
                    Some(Checked::Wrong { left }) => return Confirmed::WrongCode { left },
                    Some(Checked::Used) => return Confirmed::VerificationUsed,
                    Some(Checked::NoTry) => return Confirmed::NoTryLeft,
                }
                let key = confirmation.signature.contact_key.as_ref();
                if !signed.insert(key) {
                    return Confirmed::AlreadySigned;
                }
                last += 1;
                // Someone who withdrew may sign again: their row counts anew, numbered last.
                if withdrawn.remove(key) {
                    again.push((confirmation, last));
                } else {
                    new.push((confirmation, last));
                }
                Confirmed::Signed(last as u64)
            })
            .collect();
        // Each new signature's place in the log is chosen before its row is written.
        let mut places = shuffled_places(log_size, new.len() + again.len());
        let numbered = Numbered::place(new, &mut places);
        let revived = Numbered::place(again, &mut places);
        let counted: Vec<&Numbered> = numbered.iter().chain(&revived).collect();
        if !counted.is_empty() {
            // The rows record the version the log pins, as the log does.
            let (version, hash) = Self::logged_text_hash(&mut tx, campaign, text_version).await?;
            Self::insert_signatures(&mut tx, campaign, version, &numbered, at).await?;
            Self::revive_signatures(&mut tx, campaign, version, &revived, at).await?;
            Self::log_signatures(&mut tx, campaign, (version, hash), &counted, log_size, at).await?;
        }
        Self::count_wrong_codes(&mut tx, batch, &outcomes, at).await?;
        sqlx::query(
            "UPDATE campaigns SET last_sequence = $1, \
             signature_count = signature_count + $2 WHERE id = $3",
        )
        .bind(last)
        .bind(counted.len() as i64)
        .bind(campaign.0)
        .execute(&mut *tx)
        .await?;
        if counted.is_empty() {
            tx.commit().await?;
        } else {
            self.commit_moved_count(tx, campaign).await?;
        }
        Ok(outcomes)
    }

    /// Confirmed signatures, newest first, with sequence numbers below `before`.
    pub async fn signatures_page(
        &self,
        campaign: CampaignId,
        before: Option<u64>,
        limit: u32,
    ) -> Result<Vec<Signature>, StoreError> {
        let before = before.map_or(i64::MAX, |n| i64::try_from(n).unwrap_or(i64::MAX));
        let rows: Vec<SignatureRow> = sqlx::query_as(concat!(
            select_signatures!(),
            " WHERE campaign_id = $1 AND status = 'confirmed' AND sequence < $2 \
             ORDER BY sequence DESC LIMIT $3"
        ))
        .bind(campaign.0)
        .bind(before)
        .bind(i64::from(limit))
        .fetch_all(self.public_reader())
        .await?;
        rows.into_iter().map(TryInto::try_into).collect()
    }

    /// Confirmed signatures in the order they were numbered, after number `after`: the
    /// delivery package reads a campaign through these, a page at a time.
    pub async fn signatures_in_order(
        &self,
        campaign: CampaignId,
        after: u64,
        limit: u32,
    ) -> Result<Vec<Signature>, StoreError> {
        let rows: Vec<SignatureRow> = sqlx::query_as(concat!(
            select_signatures!(),
            " WHERE campaign_id = $1 AND status = 'confirmed' AND sequence > $2 \
             ORDER BY sequence LIMIT $3"
        ))
        .bind(campaign.0)
        .bind(i64::try_from(after).unwrap_or(i64::MAX))
        .bind(i64::from(limit))
        .fetch_all(self.reader())
        .await?;
        rows.into_iter().map(TryInto::try_into).collect()
    }

    /// A signature by the keyed hash of its withdrawal token.
    pub async fn signature_by_withdraw_key(
        &self,
        withdraw_key: &WithdrawKey,
    ) -> Result<Option<Signature>, StoreError> {
        let row: Option<SignatureRow> = sqlx::query_as(concat!(
            select_signatures!(),
            " WHERE withdraw_key = $1"
        ))
        .bind(withdraw_key.as_ref())
        .fetch_optional(self.reader())
        .await?;
        row.map(TryInto::try_into).transpose()
    }

    /// This contact's signature on the campaign, whatever its status.
    pub async fn signature_by_signer(
        &self,
        campaign: CampaignId,
        contact_key: &ContactKey,
    ) -> Result<Option<Signature>, StoreError> {
        let row: Option<SignatureRow> = sqlx::query_as(concat!(
            select_signatures!(),
            " WHERE campaign_id = $1 AND contact_key = $2"
        ))
        .bind(campaign.0)
        .bind(contact_key.as_ref())
        .fetch_optional(self.reader())
        .await?;
        row.map(TryInto::try_into).transpose()
    }

    /// Withdraws a confirmed signature; answers its campaign, or `None` if there was none.
    pub async fn withdraw_signature(
        &self,
        owner: &SignatureOwner<'_>,
        at: Timestamp,
    ) -> Result<Option<CampaignId>, StoreError> {
        let (withdraw_key, signer) = match owner {
            SignatureOwner::WithdrawKey(key) => (Some(key.as_ref()), None),
            SignatureOwner::Signer(campaign, contact_key) => {
                (None, Some((campaign.0, contact_key.as_ref())))
            }
        };
        let mut tx = self.writer().begin().await?;
        let gone: Option<Withdrawn> = sqlx::query_as(
            "UPDATE signatures SET status = 'withdrawn', withdrawn_at = $1, answers_sealed = NULL \
             WHERE status = 'confirmed' \
             AND (withdraw_key = $2 OR (campaign_id = $3 AND contact_key = $4)) \
             RETURNING campaign_id, sequence, confirmed_at, client_key, email_domain, \
             text_version",
        )
        .bind(at.as_second())
        .bind(withdraw_key)
        .bind(signer.map(|(campaign, _)| campaign))
        .bind(signer.map(|(_, key)| key))
        .fetch_optional(&mut *tx)
        .await?;
        let Some(gone) = gone else {
            return Ok(None);
        };
        let campaign = CampaignId(gone.campaign_id);
        Self::uncount(&mut tx, campaign, &[gone.counted], at).await?;
        let entry = LogEntry::Withdrawal {
            of: gone.sequence as u64,
            minute: to_the_minute(at),
        };
        Self::append_to_log(&mut tx, campaign, &[entry.encode()]).await?;
        self.commit_moved_count(tx, campaign).await?;
        Ok(Some(campaign))
    }

    /// Recounts a campaign's confirmed signatures from the rows and repairs the stored
    /// count if it drifted. Answers the count as it was and as it is.
    pub async fn recount_signatures(
        &self,
        campaign: CampaignId,
    ) -> Result<Recount, StoreError> {
        let mut tx = self.writer().begin().await?;
        let stored: Option<i64> = sqlx::query_scalar(
            "UPDATE campaigns SET last_sequence = last_sequence WHERE id = $1 \
             RETURNING signature_count",
        )
        .bind(campaign.0)
        .fetch_optional(&mut *tx)
        .await?;
        let Some(stored) = stored else {
            return Err(StoreError::NotFound("campaign"));
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
            self.commit_moved_count(tx, campaign).await?;
        } else {
            tx.commit().await?;
        }
        Ok(Recount {
            stored: stored.max(0) as u64,
            actual: actual.max(0) as u64,
        })
    }

    /// The sealed contacts of confirmed signers who asked for news of the campaign.
    pub async fn sealed_contacts_for_updates(
        &self,
        campaign: CampaignId,
    ) -> Result<Vec<String>, StoreError> {
        Ok(sqlx::query_scalar(
            "SELECT contact_sealed FROM signatures WHERE campaign_id = $1 \
             AND status = 'confirmed' AND wants_updates AND contact_sealed IS NOT NULL \
             ORDER BY sequence",
        )
        .bind(campaign.0)
        .fetch_all(self.reader())
        .await?)
    }
}

backend_helpers! {
    /// Counts the batch's wrong codes against the networks they were typed from.
    pub(crate) async fn count_wrong_codes(
        tx: &mut Tx<'_, Self>,
        batch: &[Confirmation],
        outcomes: &[Confirmed],
        at: Timestamp,
    ) -> Result<(), StoreError> {
        let wrong: Vec<String> = batch
            .iter()
            .zip(outcomes)
            .filter(|(_, outcome)| matches!(outcome, Confirmed::WrongCode { .. }))
            .filter_map(|(confirmation, _)| confirmation.signature.origin.network.clone())
            .map(|network| Counter::WrongCodesFromNetwork(network).key())
            .collect();
        let adds: Vec<(&str, i64, u64)> =
            wrong.iter().map(|key| (key.as_str(), hour_of(at), 1)).collect();
        Self::add_counts(tx, &adds).await?;
        Ok(())
    }

    /// The contact keys of the batch that already have a signature on the campaign: those
    /// that still count (or were invalidated), and those withdrawn.
    pub(crate) async fn signed_among<'b>(
        tx: &mut Tx<'_, Self>,
        campaign: CampaignId,
        batch: &'b [Confirmation],
    ) -> Result<(HashSet<&'b str>, HashSet<&'b str>), StoreError> {
        if batch.is_empty() {
            return Ok(Default::default());
        }
        let mut query = sqlx::QueryBuilder::<Db<Self>>::new(
            "SELECT contact_key, status FROM signatures WHERE campaign_id = ",
        );
        query.push_bind(campaign.0);
        query.push(" AND contact_key IN ");
        push_list(
            &mut query,
            batch.iter().map(|c| c.signature.contact_key.as_ref()),
        );
        let found: Vec<(String, String)> = query.build_query_as().fetch_all(&mut **tx).await?;
        let found: HashMap<String, bool> = found
            .into_iter()
            .map(|(key, status)| (key, status == SignatureStatus::Withdrawn.name()))
            .collect();
        // Answered as the batch's own strings, so the caller can add to the sets.
        let (mut signed, mut withdrawn) = (HashSet::new(), HashSet::new());
        for key in batch.iter().map(|c| c.signature.contact_key.as_ref()) {
            match found.get(key) {
                Some(true) => withdrawn.insert(key),
                Some(false) => signed.insert(key),
                None => false,
            };
        }
        Ok((signed, withdrawn))
    }

    /// Counts withdrawn signatures again, as their signers signed anew: each row takes the
    /// new signature's number, place in the log, name, choices, keys and times. One
    /// statement each: signing again after withdrawing is rare.
    pub(crate) async fn revive_signatures(
        tx: &mut Tx<'_, Self>,
        campaign: CampaignId,
        text_version: u32,
        revived: &[Numbered<'_>],
        at: Timestamp,
    ) -> Result<(), StoreError> {
        for numbered in revived {
            let signature = &numbered.confirmation.signature;
            sqlx::query(
                "UPDATE signatures SET sequence = $1, name = $2, public = $3, \
                 wants_updates = $4, contact_sealed = $5, withdraw_key = $6, \
                 status = 'confirmed', text_version = $7, created_at = $8, \
                 confirmed_at = $9, client_key = $10, email_domain = $11, \
                 busy_network = $12, withdrawn_at = NULL, name_salt = $15, log_index = $16, \
                 answers_sealed = $17 \
                 WHERE campaign_id = $13 AND contact_key = $14 AND status = 'withdrawn'",
            )
            .bind(numbered.sequence)
            .bind(signature.name.as_ref())
            .bind(signature.public)
            .bind(signature.wants_updates)
            .bind(signature.sealed_contact.as_deref())
            .bind(signature.withdraw_key.as_ref().map(AsRef::as_ref))
            .bind(i64::from(text_version))
            .bind(signature.created_at.as_second())
            .bind(signature.confirmed_at.as_second())
            .bind(signature.origin.network.as_deref())
            .bind(signature.origin.email_domain.as_deref())
            .bind(signature.origin.busy_network)
            .bind(campaign.0)
            .bind(signature.contact_key.as_ref())
            .bind(numbered.salt.as_slice())
            .bind(numbered.log_index)
            .bind(signature.sealed_answers.as_deref())
            .execute(&mut **tx)
            .await?;
        }
        Self::number_verifications_and_count(tx, campaign, text_version, revived, at).await
    }

    /// Writes new numbered signatures.
    pub(crate) async fn insert_signatures(
        tx: &mut Tx<'_, Self>,
        campaign: CampaignId,
        text_version: u32,
        numbered: &[Numbered<'_>],
        at: Timestamp,
    ) -> Result<(), StoreError> {
        if numbered.is_empty() {
            return Ok(());
        }
        // In chunks: SQLite bounds the values one statement may bind.
        for chunk in numbered.chunks(INSERT_CHUNK) {
            let mut insert = sqlx::QueryBuilder::<Db<Self>>::new(
                "INSERT INTO signatures (campaign_id, sequence, name, public, \
                 wants_updates, contact_sealed, contact_key, withdraw_key, status, \
                 text_version, created_at, confirmed_at, client_key, email_domain, \
                 busy_network, name_salt, log_index, answers_sealed) ",
            );
            insert.push_values(chunk, |mut row, numbered| {
                let signature = &numbered.confirmation.signature;
                row.push_bind(campaign.0)
                    .push_bind(numbered.sequence)
                    .push_bind(signature.name.as_ref())
                    .push_bind(signature.public)
                    .push_bind(signature.wants_updates)
                    .push_bind(signature.sealed_contact.as_deref())
                    .push_bind(signature.contact_key.as_ref())
                    .push_bind(signature.withdraw_key.as_ref().map(AsRef::as_ref))
                    .push_bind("confirmed")
                    .push_bind(i64::from(text_version))
                    .push_bind(signature.created_at.as_second())
                    .push_bind(signature.confirmed_at.as_second())
                    .push_bind(signature.origin.network.as_deref())
                    .push_bind(signature.origin.email_domain.as_deref())
                    .push_bind(signature.origin.busy_network)
                    .push_bind(numbered.salt.as_slice())
                    .push_bind(numbered.log_index)
                    .push_bind(signature.sealed_answers.as_deref());
            });
            insert.build().execute(&mut **tx).await?;
        }
        Self::number_verifications_and_count(tx, campaign, text_version, numbered, at).await
    }

    /// Writes each new signature's number onto the verification it came from, and adds it
    /// to the counts by hour and source.
    pub(crate) async fn number_verifications_and_count(
        tx: &mut Tx<'_, Self>,
        campaign: CampaignId,
        text_version: u32,
        numbered: &[Numbered<'_>],
        at: Timestamp,
    ) -> Result<(), StoreError> {
        if numbered.is_empty() {
            return Ok(());
        }
        let counted: Vec<Counted> = numbered
            .iter()
            .map(|numbered| {
                let signature = &numbered.confirmation.signature;
                Counted {
                    confirmed_at: signature.confirmed_at.as_second(),
                    client_key: signature.origin.network.clone(),
                    email_domain: signature.origin.email_domain.clone(),
                    text_version: i64::from(text_version),
                }
            })
            .collect();
        Self::count_by_hour(tx, campaign, &counted, 1, at).await?;
        let from_codes: Vec<_> = numbered
            .iter()
            .filter_map(|n| Some((n.confirmation.code.as_ref()?.verification_id.as_ref(), n.sequence)))
            .collect();
        if from_codes.is_empty() {
            return Ok(());
        }
        let mut update = sqlx::QueryBuilder::<Db<Self>>::new(
            "UPDATE verifications SET signature_sequence = numbered.column2 FROM (",
        );
        update.push_values(from_codes, |mut row, (id, sequence)| {
            row.push_bind(id).push_bind(sequence);
        });
        update.push(") AS numbered WHERE verifications.id = numbered.column1");
        update.build().execute(&mut **tx).await?;
        Ok(())
    }
}

/// A withdrawn signature, as its campaign's counts see it.
#[derive(sqlx::FromRow)]
struct Withdrawn {
    campaign_id: i64,
    sequence: i64,
    #[sqlx(flatten)]
    counted: Counted,
}

#[derive(sqlx::FromRow)]
struct SignatureRow {
    id: i64,
    campaign_id: i64,
    sequence: i64,
    name: String,
    public: bool,
    status: String,
    text_version: i64,
    created_at: i64,
    confirmed_at: Option<i64>,
}

impl TryFrom<SignatureRow> for Signature {
    type Error = StoreError;

    fn try_from(row: SignatureRow) -> Result<Self, StoreError> {
        Ok(Signature {
            id: SignatureId(row.id),
            campaign_id: CampaignId(row.campaign_id),
            sequence: count(row.sequence),
            name: PersonName::parse(&row.name).map_err(|_| StoreError::Corrupt("signer name"))?,
            public: row.public,
            status: SignatureStatus::from_name(&row.status)
                .ok_or(StoreError::Corrupt("signature status"))?,
            text_version: u32::try_from(row.text_version).unwrap_or(0),
            created_at: timestamp(row.created_at, "signature time")?,
            confirmed_at: optional_timestamp(row.confirmed_at, "signature confirmation time")?,
        })
    }
}
