//! One-time codes: verifications and the messages that carry their codes, the history the
//! sending limits read, tries, and sending a code again.

use std::collections::HashMap;

use tomar_core::Timestamp;
use tomar_core::contact::{Channel, ContactKey};
use tomar_core::ids::CampaignId;
use tomar_core::message::{OutboundMessage, OutboxMessage};
use tomar_core::names::PersonName;
use tomar_core::signature::{ConfirmedSignature, WithdrawKey};
use tomar_core::verification::{
    CODE_ATTEMPTS, CODE_LIFETIME, NewVerification, Purpose, Verification, VerificationId,
};

use crate::limits::{Counter, hour_of};
use crate::outbox::Queued;
use crate::rows::{count, optional_timestamp, push_list, timestamp};
use crate::{Db, Store, StoreError, Tx};

/// A code to send: the verification to store, the message carrying the code, and the
/// limits it is sent under.
#[derive(Clone, Debug)]
pub struct CodeRequest {
    pub verification: NewVerification,
    pub message: OutboundMessage,
    pub limits: CodeLimits,
}

/// How many codes go out in an hour (see `limits`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CodeLimits {
    /// To one contact: past it, codes are refused, since they would bomb one person.
    pub per_contact: u64,
    /// From one network before it counts as busy: past it codes still go out (whole
    /// cities share a carrier's address), and what they confirm is flagged for review.
    pub network_busy_after: u64,
    /// Wrong codes typed from one network this hour before its new codes count as busy
    /// (see `Counter::WrongCodesFromNetwork`).
    pub guesses_busy_after: u64,
}

/// What became of a code request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CodeOutcome {
    /// Stored, with its message queued.
    Queued(OutboxMessage),
    /// The contact has had its share of codes this hour; nothing was stored.
    TooManyForContact,
}

/// What came of typing a code. Either way a try was spent: the right code is for the
/// caller to consume at once.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CodeTry {
    Right,
    /// A wrong code; `left` tries remain.
    Wrong {
        left: u32,
    },
}

/// A code typed for a verification, for the group commit to check (see
/// [`Confirmation`](crate::Confirmation)): only its keyed hash.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TypedCode {
    pub verification_id: VerificationId,
    pub code_hash: String,
}

/// What a typed code was, as the group commit found it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Checked {
    /// Right: the verification is consumed.
    Right,
    Wrong {
        left: u32,
    },
    /// The verification was used before.
    Used,
    /// No try was left to take: exhausted, expired or unknown.
    NoTry,
}

/// What came of asking for a code again.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ResendOutcome {
    Sent,
    /// Too soon after the last code, resent too often already, or no longer open.
    NotNow,
    /// The contact has had its share of codes this hour.
    TooManyForContact,
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
    /// Stores one verification with the message carrying its code, due at once, under its
    /// limits (see [`Store::create_verifications`]).
    pub async fn create_verification(
        &self,
        request: &CodeRequest,
    ) -> Result<CodeOutcome, StoreError> {
        let mut outcomes = self
            .create_verifications(std::slice::from_ref(request), None)
            .await?;
        outcomes.pop().ok_or(StoreError::Conflict)
    }
}

/// One signer's confirmation, as the group commit takes it.
#[derive(Clone, Debug)]
pub struct Confirmation {
    pub signature: ConfirmedSignature,
    /// The code typed for the verification it would consume, checked in the batch; `None`
    /// where the signer was verified otherwise.
    pub code: Option<TypedCode>,
}

impl Confirmation {
    /// A confirmation without a verification (a logged-in member, demo content).
    pub fn direct(signature: ConfirmedSignature) -> Confirmation {
        Confirmation {
            signature,
            code: None,
        }
    }
}

store_methods! {
    /// Stores new verifications, each with the message carrying its code, in one
    /// transaction, and answers what became of each. Each request first takes a slot of its
    /// contact's codes this hour and counts against its network's, in the same
    /// transaction, so no crowd of requests gets past a limit; a contact past its limit gets
    /// nothing stored. Messages are leased to the caller until `leased_until` (it delivers
    /// them itself; should it fail to, they fall due then), or due at once.
    pub async fn create_verifications(
        &self,
        batch: &[CodeRequest],
        leased_until: Option<Timestamp>,
    ) -> Result<Vec<CodeOutcome>, StoreError> {
        if batch.is_empty() {
            return Ok(Vec::new());
        }
        let mut tx = self.writer().begin().await?;
        // Each request takes a slot of its contact's and its network's codes, and reads
        // (adding nothing) its network's wrong codes, all in one statement.
        let counters: Vec<[(String, i64); 3]> = batch
            .iter()
            .map(|request| {
                let new = &request.verification;
                let hour = hour_of(new.at);
                let network = new.client_key.clone();
                [
                    (Counter::CodesToContact(new.contact_key.clone()).key(), hour),
                    (Counter::CodesFromNetwork(network.clone()).key(), hour),
                    (Counter::WrongCodesFromNetwork(network).key(), hour),
                ]
            })
            .collect();
        let adds: Vec<(&str, i64, u64)> = counters
            .iter()
            .flat_map(|[contact, network, wrong]| {
                [(contact, 1), (network, 1), (wrong, 0)]
                    .map(|((key, hour), amount)| (key.as_str(), *hour, amount))
            })
            .collect();
        let counts = Self::add_counts(&mut tx, &adds).await?;
        // Slots go to the batch in its order, after those taken before it.
        let mut next_slot = slots_after(&counts, &adds);
        let mut granted = Vec::with_capacity(batch.len());
        for (request, [contact, network, wrong]) in batch.iter().zip(&counters) {
            let contact_slot = take_slot(&mut next_slot, contact);
            let network_slot = take_slot(&mut next_slot, network);
            let guesses = counts.get(wrong).copied().unwrap_or(0);
            let limits = &request.limits;
            let busy = network_slot > limits.network_busy_after || guesses >= limits.guesses_busy_after;
            if contact_slot <= limits.per_contact {
                granted.push((request, busy));
            }
        }
        if !granted.is_empty() {
            let mut insert = sqlx::QueryBuilder::<Db<Self>>::new(
                "INSERT INTO verifications (id, purpose, campaign_id, contact_key, channel, \
                 code_hash, attempts_left, name, public, wants_updates, sealed_contact, \
                 sealed_answers, withdraw_key, client_key, email_domain, busy_network, \
                 created_at, last_sent_at, expires_at, destination) ",
            );
            insert.push_values(&granted, |mut row, (request, busy)| {
                let new = &request.verification;
                let expires = new.at.checked_add(CODE_LIFETIME).unwrap_or(new.at);
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
                    .push_bind(new.sealed_answers.as_deref())
                    .push_bind(new.withdraw_key.as_ref())
                    .push_bind(new.client_key.as_str())
                    .push_bind(new.email_domain.as_deref())
                    .push_bind(*busy)
                    .push_bind(new.at.as_second())
                    .push_bind(new.at.as_second())
                    .push_bind(expires.as_second())
                    .push_bind(new.destination.as_str());
            });
            insert
                .build()
                .execute(&mut *tx)
                .await
                .map_err(|e| StoreError::on_insert(e, || StoreError::Conflict))?;
        }
        let messages: Vec<_> = granted
            .iter()
            .map(|(request, _)| {
                let at = request.verification.at;
                Queued {
                    message: &request.message,
                    at,
                    expires_at: at.checked_add(CODE_LIFETIME).ok(),
                }
            })
            .collect();
        let mut ids = Self::insert_messages(&mut tx, &messages, leased_until)
            .await?
            .into_iter();
        tx.commit().await?;
        let mut granted = granted.into_iter().map(|(request, _)| request).peekable();
        Ok(batch
            .iter()
            .map(|request| match granted.peek() {
                Some(next) if std::ptr::eq(*next, request) => {
                    granted.next();
                    CodeOutcome::Queued(OutboxMessage {
                        id: ids.next().unwrap_or_default(),
                        message: request.message.clone(),
                        attempts: 0,
                    })
                }
                _ => CodeOutcome::TooManyForContact,
            })
            .collect())
    }

    pub async fn verification(
        &self,
        id: &VerificationId,
    ) -> Result<Option<Verification>, StoreError> {
        let row: Option<VerificationRow> = sqlx::query_as(
            "SELECT id, purpose, campaign_id, contact_key, channel, code_hash, \
             attempts_left, name, public, wants_updates, sealed_contact, sealed_answers, \
             withdraw_key, client_key, email_domain, busy_network, created_at, last_sent_at, resends, \
             expires_at, consumed_at, signature_sequence, destination FROM verifications \
             WHERE id = $1",
        )
        .bind(id.as_ref())
        .fetch_optional(self.reader())
        .await?;
        row.map(TryInto::try_into).transpose()
    }

    /// Whether this contact has a signature on the campaign that was not withdrawn (who
    /// withdrew may sign again).
    pub async fn has_signed(
        &self,
        campaign: CampaignId,
        contact_key: &ContactKey,
    ) -> Result<bool, StoreError> {
        let found: Option<i64> = sqlx::query_scalar(
            "SELECT id FROM signatures WHERE campaign_id = $1 AND contact_key = $2 \
             AND status <> 'withdrawn'",
        )
        .bind(campaign.0)
        .bind(contact_key.as_ref())
        .fetch_optional(self.reader())
        .await?;
        Ok(found.is_some())
    }

    /// Spends a try and compares `code_hash` with the verification's, in one statement: a
    /// code is compared only while a try is left and the code has neither expired nor been
    /// used, so a crowd of guesses at once compares at most as many as there are tries,
    /// the right one among them. Answers `None` when there was no try to take.
    pub async fn try_code(
        &self,
        id: &VerificationId,
        code_hash: &str,
        at: Timestamp,
    ) -> Result<Option<CodeTry>, StoreError> {
        let tried: Option<(i64, bool)> = sqlx::query_as(
            "UPDATE verifications \
             SET attempts_left = attempts_left - 1 \
             WHERE id = $1 AND consumed_at IS NULL AND attempts_left > 0 AND expires_at > $3 \
             RETURNING attempts_left, code_hash = $2",
        )
        .bind(id.as_ref())
        .bind(code_hash)
        .bind(at.as_second())
        .fetch_optional(self.writer())
        .await?;
        Ok(tried.map(|(left, right)| match right {
            true => CodeTry::Right,
            false => CodeTry::Wrong {
                left: u32::try_from(left).unwrap_or(0),
            },
        }))
    }

    /// Sends an open verification's code again (see [`Resend`]), in one transaction with
    /// its message; only once its last code went out at or before `sent_before`, and fewer
    /// than `max_resends` times. Answers whether it was sent.
    pub async fn resend_code(
        &self,
        resend: &Resend,
        sent_before: Timestamp,
        max_resends: u32,
        per_contact: u64,
        at: Timestamp,
    ) -> Result<ResendOutcome, StoreError> {
        let expires = at.checked_add(CODE_LIFETIME).unwrap_or(at);
        let mut tx = self.writer().begin().await?;
        let contact: Option<String> = sqlx::query_scalar(
            "UPDATE verifications SET code_hash = $1, withdraw_key = $2, last_sent_at = $3, \
             expires_at = $4, resends = resends + 1 WHERE id = $5 AND consumed_at IS NULL \
             AND attempts_left > 0 AND last_sent_at <= $6 AND resends < $7 \
             RETURNING contact_key",
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
        let Some(contact) = contact else {
            return Ok(ResendOutcome::NotNow);
        };
        let counter = Counter::CodesToContact(ContactKey::from_stored(contact)).key();
        let counts = Self::add_counts(&mut tx, &[(counter.as_str(), hour_of(at), 1)]).await?;
        if counts.get(&(counter, hour_of(at))).copied().unwrap_or(0) > per_contact {
            // Dropping the transaction rolls all of it back: the code stays as it was.
            return Ok(ResendOutcome::TooManyForContact);
        }
        let queued = Queued {
            message: &resend.message,
            at,
            expires_at: Some(expires),
        };
        Self::insert_messages(&mut tx, &[queued], None).await?;
        tx.commit().await?;
        Ok(ResendOutcome::Sent)
    }
}

/// For each counter a batch added to, the first slot the batch holds: the count after the
/// addition, less what the batch added, plus one.
fn slots_after(
    counts: &HashMap<(String, i64), u64>,
    adds: &[(&str, i64, u64)],
) -> HashMap<(String, i64), u64> {
    let mut added: HashMap<(String, i64), u64> = HashMap::new();
    for (key, hour, amount) in adds {
        *added.entry(((*key).to_owned(), *hour)).or_default() += amount;
    }
    added
        .into_iter()
        .map(|(counter, amount)| {
            let after = counts.get(&counter).copied().unwrap_or(amount);
            (counter, after.saturating_sub(amount) + 1)
        })
        .collect()
}

/// The next slot of `counter`, taken.
fn take_slot(next: &mut HashMap<(String, i64), u64>, counter: &(String, i64)) -> u64 {
    let slot = next.entry(counter.clone()).or_insert(1);
    let taken = *slot;
    *slot += 1;
    taken
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
    sealed_answers: Option<String>,
    withdraw_key: String,
    client_key: String,
    email_domain: Option<String>,
    busy_network: bool,
    created_at: i64,
    last_sent_at: i64,
    resends: i64,
    expires_at: i64,
    consumed_at: Option<i64>,
    signature_sequence: Option<i64>,
    destination: String,
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
            sealed_answers: row.sealed_answers,
            withdraw_key: WithdrawKey::from_stored(row.withdraw_key),
            client_key: row.client_key,
            email_domain: row.email_domain,
            destination: row.destination,
            busy_network: row.busy_network,
            created_at: timestamp(row.created_at, "verification time")?,
            last_sent_at: timestamp(row.last_sent_at, "verification send time")?,
            resends: u32::try_from(row.resends).unwrap_or(u32::MAX),
            expires_at: timestamp(row.expires_at, "verification expiry")?,
            consumed_at: optional_timestamp(row.consumed_at, "verification use time")?,
            signature_sequence: row.signature_sequence.map(count),
        })
    }
}

backend_helpers! {
    /// Within the group commit's transaction, checks each typed code in the order given, as
    /// the tries before it left its verification: each spends a try while one is left and
    /// the code lives, and the right one consumes it. The verifications are locked first,
    /// so processes checking codes of one verification take turns; however many guesses
    /// arrive together, no more are compared than there are tries. Answers each code's
    /// result, `None` where there was no code.
    pub(crate) async fn check_codes(
        tx: &mut Tx<'_, Self>,
        codes: &[Option<&TypedCode>],
        at: Timestamp,
    ) -> Result<Vec<Option<Checked>>, StoreError> {
        let ids: Vec<&str> = codes
            .iter()
            .flatten()
            .map(|code| code.verification_id.as_ref())
            .collect();
        if ids.is_empty() {
            return Ok(vec![None; codes.len()]);
        }
        let mut lock = sqlx::QueryBuilder::<Db<Self>>::new(
            "UPDATE verifications SET attempts_left = attempts_left WHERE id IN ",
        );
        push_list(&mut lock, ids);
        lock.push(" RETURNING id, code_hash, attempts_left, expires_at, consumed_at");
        let rows: Vec<(String, String, i64, i64, Option<i64>)> =
            lock.build_query_as().fetch_all(&mut **tx).await?;
        let mut open: HashMap<String, TryState> = rows
            .into_iter()
            .map(|(id, hash, left, expires_at, consumed_at)| {
                let state = TryState {
                    hash,
                    left,
                    expired: expires_at <= at.as_second(),
                    used: consumed_at.is_some(),
                    changed: false,
                };
                (id, state)
            })
            .collect();
        let checked = codes
            .iter()
            .map(|code| {
                let code = (*code)?;
                let Some(state) = open.get_mut(code.verification_id.as_ref()) else {
                    return Some(Checked::NoTry);
                };
                Some(state.try_code(&code.code_hash))
            })
            .collect();
        let changed: Vec<(&str, i64, bool)> = open
            .iter()
            .filter(|(_, state)| state.changed)
            .map(|(id, state)| (id.as_str(), state.left, state.used))
            .collect();
        if !changed.is_empty() {
            let mut update = sqlx::QueryBuilder::<Db<Self>>::new(
                "UPDATE verifications SET attempts_left = tried.column2, \
                 destination = CASE WHEN tried.column3 = 1 THEN '' ELSE destination END, \
                 consumed_at = CASE WHEN tried.column3 = 1 THEN ",
            );
            update.push_bind(at.as_second());
            update.push(" ELSE consumed_at END FROM (");
            update.push_values(changed, |mut row, (id, left, used)| {
                row.push_bind(id).push_bind(left).push_bind(i64::from(used));
            });
            update.push(") AS tried WHERE verifications.id = tried.column1");
            update.build().execute(&mut **tx).await?;
        }
        Ok(checked)
    }
}

/// A verification as the codes typed for it in one batch leave it.
struct TryState {
    hash: String,
    left: i64,
    expired: bool,
    used: bool,
    changed: bool,
}

impl TryState {
    fn try_code(&mut self, code_hash: &str) -> Checked {
        if self.used {
            return Checked::Used;
        }
        if self.expired || self.left <= 0 {
            return Checked::NoTry;
        }
        self.left -= 1;
        self.changed = true;
        if self.hash == code_hash {
            self.used = true;
            return Checked::Right;
        }
        Checked::Wrong {
            left: u32::try_from(self.left).unwrap_or(0),
        }
    }
}
