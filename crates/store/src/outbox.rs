//! The outbox: messages queued in the transaction of the change that caused them, claimed
//! by workers with a lease, marked sent (forgetting their recipient) or failed.

use tomar_core::SignedDuration;
use tomar_core::Timestamp;
use tomar_core::message::{OutboundMessage, OutboxMessage, Route};

use crate::rows::push_list;
use crate::{Db, Store, StoreError, Tx};

/// How long a claimed message is hidden from other outbox workers: a crashed worker's
/// claims lapse after it and someone else delivers them.
pub const OUTBOX_LEASE: SignedDuration = SignedDuration::from_mins(2);

impl Store {
    /// Claims up to `limit` messages due at `now` for delivery, hiding them from other
    /// workers until `lease_until`.
    pub async fn claim_due_messages(
        &self,
        now: Timestamp,
        lease_until: Timestamp,
        limit: u32,
    ) -> Result<Vec<OutboxMessage>, StoreError> {
        dispatch!(self.claim_due_messages(now, lease_until, limit))
    }
}

store_methods! {
    /// Records delivered messages in one transaction and forgets what they said and to
    /// whom: codes and withdrawal links are not kept once they are on their way.
    pub async fn mark_messages_sent(
        &self,
        ids: &[i64],
        at: Timestamp,
    ) -> Result<(), StoreError> {
        if ids.is_empty() {
            return Ok(());
        }
        let mut update = sqlx::QueryBuilder::<Db<Self>>::new(
            "UPDATE outbox SET recipient = '', subject = '', body = '', \
             attempts = attempts + 1, sent_at = ",
        );
        update.push_bind(at.as_second());
        update.push(" WHERE id IN ");
        push_list(&mut update, ids.iter().copied());
        update.build().execute(self.writer()).await?;
        Ok(())
    }

    /// Records a failed delivery, to be retried at `retry_at` or, with `None`, given up
    /// (and then forgotten, as a sent one is).
    pub async fn mark_message_failed(
        &self,
        id: i64,
        error: &str,
        retry_at: Option<Timestamp>,
        at: Timestamp,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE outbox SET attempts = attempts + 1, last_error = $1, \
             next_attempt_at = COALESCE($2, next_attempt_at), \
             failed_at = CASE WHEN $2 IS NULL THEN $3 ELSE NULL END, \
             recipient = CASE WHEN $2 IS NULL THEN '' ELSE recipient END, \
             subject = CASE WHEN $2 IS NULL THEN '' ELSE subject END, \
             body = CASE WHEN $2 IS NULL THEN '' ELSE body END WHERE id = $4",
        )
        .bind(error)
        .bind(retry_at.map(|t| t.as_second()))
        .bind(at.as_second())
        .bind(id)
        .execute(self.writer())
        .await?;
        Ok(())
    }

    /// Gives up on the unsent messages whose codes have expired, forgetting their text, and
    /// forgets where expired codes went; answers how many messages it gave up.
    pub async fn forget_expired_messages(&self, now: Timestamp) -> Result<u64, StoreError> {
        let done = sqlx::query(
            "UPDATE outbox SET recipient = '', subject = '', body = '', failed_at = $1, \
             last_error = 'expired before it was sent' \
             WHERE sent_at IS NULL AND failed_at IS NULL AND expires_at <= $1",
        )
        .bind(now.as_second())
        .execute(self.writer())
        .await?;
        // Where each expired code went goes with it.
        sqlx::query(
            "UPDATE verifications SET destination = '' \
             WHERE destination <> '' AND expires_at <= $1",
        )
        .bind(now.as_second())
        .execute(self.writer())
        .await?;
        Ok(done.rows_affected())
    }
}

/// A message to queue: created at `at`; a code's message expires with the code.
pub(crate) struct Queued<'a> {
    pub message: &'a OutboundMessage,
    pub at: Timestamp,
    pub expires_at: Option<Timestamp>,
}

impl<'a> Queued<'a> {
    /// Messages that do not expire (news, decisions), all created at `at`.
    pub(crate) fn lasting(messages: &'a [OutboundMessage], at: Timestamp) -> Vec<Queued<'a>> {
        messages
            .iter()
            .map(|message| Queued {
                message,
                at,
                expires_at: None,
            })
            .collect()
    }
}

backend_helpers! {
    /// Queues messages, each created at its own time and first due at `due` (or at
    /// once); answers their ids in the order given.
    pub(crate) async fn insert_messages(
        tx: &mut Tx<'_, Self>,
        messages: &[Queued<'_>],
        due: Option<Timestamp>,
    ) -> Result<Vec<i64>, StoreError> {
        let mut ids = Vec::with_capacity(messages.len());
        // Well under either backend's limit of bound values per statement.
        for chunk in messages.chunks(1000) {
            let mut insert = sqlx::QueryBuilder::<Db<Self>>::new(
                "INSERT INTO outbox (channel, recipient, subject, body, next_attempt_at, \
                 created_at, expires_at) ",
            );
            insert.push_values(chunk, |mut row, queued| {
                let message = queued.message;
                row.push_bind(message.route.name())
                    .push_bind(message.recipient.as_str())
                    .push_bind(message.subject.as_str())
                    .push_bind(message.body.as_str())
                    .push_bind(due.unwrap_or(queued.at).as_second())
                    .push_bind(queued.at.as_second())
                    .push_bind(queued.expires_at.map(|t| t.as_second()));
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
}

/// Claiming, whose lock clause `$claim_lock` differs by backend: the single SQLite writer
/// connection already makes claims exclusive, while PostgreSQL's several processes each skip
/// the rows another holds.
macro_rules! claim_sql {
    ($store:ty, $claim_lock:literal) => {
        impl $store {
            async fn claim_due_messages(
                &self,
                now: Timestamp,
                lease_until: Timestamp,
                limit: u32,
            ) -> Result<Vec<OutboxMessage>, StoreError> {
                let rows: Vec<OutboxRow> = sqlx::query_as(concat!(
                    "UPDATE outbox SET next_attempt_at = $1 WHERE id IN (\
                     SELECT id FROM outbox WHERE sent_at IS NULL AND failed_at IS NULL \
                     AND next_attempt_at <= $2 AND (expires_at IS NULL OR expires_at > $2) \
                     ORDER BY id LIMIT $3",
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
        }
    };
}

claim_sql!(crate::sqlite::SqliteStore, "");
claim_sql!(crate::postgres::PgStore, " FOR UPDATE SKIP LOCKED");

#[derive(sqlx::FromRow)]
struct OutboxRow {
    id: i64,
    channel: String,
    recipient: String,
    subject: String,
    body: String,
    attempts: i64,
}

impl TryFrom<OutboxRow> for OutboxMessage {
    type Error = StoreError;

    fn try_from(row: OutboxRow) -> Result<Self, StoreError> {
        Ok(OutboxMessage {
            id: row.id,
            message: OutboundMessage {
                route: Route::from_name(&row.channel)
                    .ok_or(StoreError::Corrupt("outbox channel"))?,
                recipient: row.recipient,
                subject: row.subject,
                body: row.body,
            },
            attempts: u32::try_from(row.attempts).unwrap_or(u32::MAX),
        })
    }
}
