//! Carrying a confirmed merge's new signers into the campaign that stays, a chunk of the
//! merged campaign's signatures a step, and ending the merged campaign's log.

use tomar_core::Timestamp;
use tomar_core::contact::ContactKey;
use tomar_core::ids::CampaignId;
use tomar_core::names::PersonName;
use tomar_core::signature::{ConfirmedSignature, SignatureOrigin, WithdrawKey};
use tomar_core::signature_log::{LogEntry, name_commitment, to_the_minute};

use crate::merges::{Merge, MergeStep};
use crate::rows::{push_list, timestamp};
use crate::signature_log::{Numbered, shuffled_places};
use crate::signing::Confirmation;
use crate::{Db, StoreError, Tx};

/// One of from's signatures a carrying step read, with whether into has its contact.
#[derive(sqlx::FromRow)]
struct FromSignature {
    sequence: i64,
    name: String,
    public: bool,
    wants_updates: bool,
    contact_sealed: Option<String>,
    contact_key: String,
    withdraw_key: Option<String>,
    created_at: i64,
    confirmed_at: Option<i64>,
    client_key: Option<String>,
    email_domain: Option<String>,
    busy_network: bool,
    signed_into: bool,
}

impl FromSignature {
    /// The signature as into will hold it: the same signer, times and choices, and the
    /// withdrawal link and contact for news, which move with it. Answers to from's
    /// questions stay behind: into asks its own.
    fn carried(self) -> Result<(i64, Confirmation), StoreError> {
        let confirmed_at = timestamp(
            self.confirmed_at.unwrap_or(self.created_at),
            "signature confirmation time",
        )?;
        let signature = ConfirmedSignature {
            name: PersonName::parse(&self.name).map_err(|_| StoreError::Corrupt("signer name"))?,
            public: self.public,
            wants_updates: self.wants_updates,
            sealed_contact: self.contact_sealed,
            sealed_answers: None,
            contact_key: ContactKey::from_stored(self.contact_key),
            withdraw_key: self.withdraw_key.map(WithdrawKey::from_stored),
            created_at: timestamp(self.created_at, "signature time")?,
            confirmed_at,
            origin: SignatureOrigin {
                network: self.client_key,
                email_domain: self.email_domain,
                busy_network: self.busy_network,
            },
        };
        Ok((self.sequence, Confirmation::direct(signature)))
    }
}

/// The text version carried signatures record: none of into's, since they signed from's
/// text (their log entries name the signature there instead).
const CARRIED_TEXT_VERSION: u32 = 0;

backend_helpers! {
    /// Carries the next chunk of from's signers who are new to into, numbered after into's
    /// last under its lock as a batch of confirmations would be; with none left, ends
    /// from's log and the merge.
    pub(super) async fn carry(
        tx: &mut Tx<'_, Self>,
        merge: &Merge,
        passed: i64,
        chunk: u32,
        at: Timestamp,
    ) -> Result<MergeStep, StoreError> {
        let (mut last, log_size): (i64, i64) = sqlx::query_as(
            "UPDATE campaigns SET last_sequence = last_sequence WHERE id = $1 \
             RETURNING last_sequence, log_size",
        )
        .bind(merge.into.0)
        .fetch_one(&mut **tx)
        .await?;
        let read: Vec<FromSignature> = sqlx::query_as(from_chunk!(
            "b.sequence, b.name, b.public, b.wants_updates, b.contact_sealed, b.contact_key, \
             b.withdraw_key, b.created_at, b.confirmed_at, b.client_key, b.email_domain, \
             b.busy_network"
        ))
        .bind(merge.from.0)
        .bind(merge.into.0)
        .bind(passed)
        .bind(i64::from(chunk))
        .fetch_all(&mut **tx)
        .await?;
        let Some(end) = read.last().map(|signature| signature.sequence) else {
            return Self::finish(tx, merge, at).await;
        };
        let carried: Vec<(i64, Confirmation)> = read
            .into_iter()
            .filter(|signature| !signature.signed_into)
            .map(FromSignature::carried)
            .collect::<Result<_, _>>()?;
        if !carried.is_empty() {
            Self::release_from(tx, merge.from, &carried).await?;
            let first = last + 1;
            let pending: Vec<(&Confirmation, i64)> = carried
                .iter()
                .map(|(_, confirmation)| {
                    last += 1;
                    (confirmation, last)
                })
                .collect();
            let mut places = shuffled_places(log_size, pending.len());
            let numbered = Numbered::place(pending, &mut places);
            Self::insert_signatures(tx, merge.into, CARRIED_TEXT_VERSION, &numbered, at).await?;
            sqlx::query(
                "UPDATE signatures SET carried_from = $1 \
                 WHERE campaign_id = $2 AND sequence >= $3 AND sequence <= $4",
            )
            .bind(merge.from.0)
            .bind(merge.into.0)
            .bind(first)
            .bind(last)
            .execute(&mut **tx)
            .await?;
            let from_numbers: Vec<i64> = carried.iter().map(|(number, _)| *number).collect();
            Self::log_carried(tx, merge, &numbered, &from_numbers, log_size).await?;
            sqlx::query(
                "UPDATE campaigns SET last_sequence = $1, \
                 signature_count = signature_count + $2 WHERE id = $3",
            )
            .bind(last)
            .bind(numbered.len() as i64)
            .bind(merge.into.0)
            .execute(&mut **tx)
            .await?;
        }
        sqlx::query("UPDATE merges SET passed = $2, carried = carried + $3 WHERE id = $1")
            .bind(merge.id.0)
            .bind(end)
            .bind(carried.len() as i64)
            .execute(&mut **tx)
            .await?;
        Ok(MergeStep::Carried(carried.len() as u64))
    }

    /// The withdrawal links and contacts for news of from's carried signatures move to
    /// their rows in into (a withdrawal link stays unique), so from keeps neither.
    async fn release_from(
        tx: &mut Tx<'_, Self>,
        from: CampaignId,
        carried: &[(i64, Confirmation)],
    ) -> Result<(), StoreError> {
        let mut release = sqlx::QueryBuilder::<Db<Self>>::new(
            "UPDATE signatures SET withdraw_key = NULL, contact_sealed = NULL, \
             wants_updates = FALSE WHERE campaign_id = ",
        );
        release.push_bind(from.0);
        release.push(" AND sequence IN ");
        push_list(&mut release, carried.iter().map(|(number, _)| *number));
        release.build().execute(&mut **tx).await?;
        Ok(())
    }

    /// Appends the carried signatures' entries to into's log, each at its place and naming
    /// its number in from; `from_numbers` are in the order of `numbered`.
    async fn log_carried(
        tx: &mut Tx<'_, Self>,
        merge: &Merge,
        numbered: &[Numbered<'_>],
        from_numbers: &[i64],
        log_size: i64,
    ) -> Result<(), StoreError> {
        let mut in_order: Vec<(&Numbered<'_>, i64)> =
            numbered.iter().zip(from_numbers.iter().copied()).collect();
        in_order.sort_by_key(|(signature, _)| signature.log_index);
        let entries: Vec<Vec<u8>> = in_order
            .iter()
            .map(|(signature, from_number)| {
                let number = signature.sequence as u64;
                let carried = &signature.confirmation.signature;
                LogEntry::Carried {
                    number,
                    minute: to_the_minute(carried.confirmed_at),
                    from: merge.from,
                    from_number: *from_number as u64,
                    name: name_commitment(merge.into, number, &signature.salt, carried.name.as_ref()),
                }
                .encode()
            })
            .collect();
        match Self::append_to_log(tx, merge.into, &entries).await? {
            start if start == log_size as u64 => Ok(()),
            _ => Err(StoreError::Corrupt("signature log size")),
        }
    }

    /// Ends from's log with where it went and how many went, and the merge with it.
    async fn finish(
        tx: &mut Tx<'_, Self>,
        merge: &Merge,
        at: Timestamp,
    ) -> Result<MergeStep, StoreError> {
        let closing = LogEntry::MergedInto {
            into: merge.into,
            minute: to_the_minute(at),
            carried: merge.carried,
        };
        Self::append_to_log(tx, merge.from, &[closing.encode()]).await?;
        sqlx::query("UPDATE merges SET status = 'done', finished_at = $2 WHERE id = $1")
            .bind(merge.id.0)
            .bind(at.as_second())
            .execute(&mut **tx)
            .await?;
        Ok(MergeStep::Finished)
    }
}
