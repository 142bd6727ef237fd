//! Limits, taken atomically and at a fixed cost: a counter per key and hour. Counting one
//! more is one statement that answers the count it made, so a hundred callers at once see
//! a hundred different counts and exactly as many as the limit allows get through; and a
//! check reads one row, whatever the limit.
//!
//! Windows are whole hours of UTC: a limit of five an hour lets five through in each clock
//! hour (so at most ten in any sixty minutes that straddle two).

use std::collections::{BTreeMap, HashMap};

use tomar_core::Timestamp;
use tomar_core::contact::ContactKey;
use tomar_core::ids::MemberId;

use crate::{StoreError, Tx};

/// What a counter counts, and whose. Networks are named by their keyed hash (the
/// `client_key` of `Secret::client_key`), never by address.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Counter {
    /// Codes sent to one phone number or email address.
    CodesToContact(ContactKey),
    /// Codes asked for from one network.
    CodesFromNetwork(String),
    /// Wrong codes typed from one network.
    WrongCodesFromNetwork(String),
    /// Login codes asked for from one network.
    LoginsFromNetwork(String),
    /// Comments and news links posted from one network.
    PostsFromNetwork(String),
    /// Comments reported from one network.
    ReportsFromNetwork(String),
    /// Campaigns a member sent for review.
    SubmissionsByMember(MemberId),
    /// Campaigns sent for review from one network.
    SubmissionsFromNetwork(String),
}

impl Counter {
    /// The counter's key as stored.
    pub(crate) fn key(&self) -> String {
        match self {
            Counter::CodesToContact(contact) => format!("codes-to:{}", contact.as_ref()),
            Counter::CodesFromNetwork(network) => format!("codes-from:{network}"),
            Counter::WrongCodesFromNetwork(network) => format!("wrong-codes-from:{network}"),
            Counter::LoginsFromNetwork(network) => format!("logins-from:{network}"),
            Counter::PostsFromNetwork(network) => format!("posts-from:{network}"),
            Counter::ReportsFromNetwork(network) => format!("reports-from:{network}"),
            Counter::SubmissionsByMember(member) => format!("submissions-by:{member}"),
            Counter::SubmissionsFromNetwork(network) => format!("submissions-from:{network}"),
        }
    }
}

/// The hour `at` falls in, as the second it starts.
pub(crate) fn hour_of(at: Timestamp) -> i64 {
    hour_of_second(at.as_second())
}

/// The UTC hour holding the second `at_second`, as the second it starts.
pub(crate) fn hour_of_second(at_second: i64) -> i64 {
    at_second.div_euclid(3600) * 3600
}

store_methods! {
    /// Counts one more under `counter` in the hour of `at`, and answers the count, this one
    /// included. Compare it with a limit to take a slot: the `n`-th caller is granted while
    /// `n` is within the limit, however many arrive together.
    pub async fn count_one(&self, counter: &Counter, at: Timestamp) -> Result<u64, StoreError> {
        let mut tx = self.writer().begin().await?;
        let key = counter.key();
        let counts = Self::add_counts(&mut tx, &[(key.as_str(), hour_of(at), 1)]).await?;
        tx.commit().await?;
        Ok(counts.get(&(key, hour_of(at))).copied().unwrap_or(0))
    }

    /// The count under `counter` in the hour of `at`, without counting.
    pub async fn counted(&self, counter: &Counter, at: Timestamp) -> Result<u64, StoreError> {
        let count: Option<i64> = sqlx::query_scalar(
            "SELECT count FROM rate_counters WHERE key = $1 AND window_start = $2",
        )
        .bind(counter.key())
        .bind(hour_of(at))
        .fetch_optional(self.reader())
        .await?;
        Ok(count.map_or(0, |n| n.max(0) as u64))
    }

    /// Forgets the counts of hours before the one before `at`; answers how many went.
    pub async fn forget_old_counts(&self, at: Timestamp) -> Result<u64, StoreError> {
        let done = sqlx::query("DELETE FROM rate_counters WHERE window_start < $1")
            .bind(hour_of(at) - 3600)
            .execute(self.writer())
            .await?;
        Ok(done.rows_affected())
    }
}

backend_helpers! {
    /// Within a transaction, adds each amount to its counter (key and hour) in one
    /// statement; answers every counter's count after the addition.
    pub(crate) async fn add_counts(
        tx: &mut Tx<'_, Self>,
        adds: &[(&str, i64, u64)],
    ) -> Result<HashMap<(String, i64), u64>, StoreError> {
        // One statement may not touch a row twice: the same counter's amounts are summed.
        let mut summed: BTreeMap<(&str, i64), u64> = BTreeMap::new();
        for (key, window, amount) in adds {
            *summed.entry((*key, *window)).or_default() += amount;
        }
        if summed.is_empty() {
            return Ok(HashMap::new());
        }
        let mut insert = sqlx::QueryBuilder::<crate::Db<Self>>::new(
            "INSERT INTO rate_counters (key, window_start, count) ",
        );
        insert.push_values(summed, |mut row, ((key, window), amount)| {
            row.push_bind(key)
                .push_bind(window)
                .push_bind(i64::try_from(amount).unwrap_or(i64::MAX));
        });
        insert.push(
            " ON CONFLICT (key, window_start) DO UPDATE \
             SET count = rate_counters.count + excluded.count \
             RETURNING key, window_start, count",
        );
        let rows: Vec<(String, i64, i64)> = insert.build_query_as().fetch_all(&mut **tx).await?;
        Ok(rows
            .into_iter()
            .map(|(key, window, count)| ((key, window), count.max(0) as u64))
            .collect())
    }
}
