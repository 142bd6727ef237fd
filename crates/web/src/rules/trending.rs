//! The open campaigns ordered by their last day's signatures, kept in memory for a few
//! seconds. Counting a day of signatures of every open campaign is the dearest read on the
//! platform; every campaign page (its suggestions), every thank-you page and the home page
//! want it, and during a surge they would all count at once. One request in a while counts;
//! the others share its answer.

use std::sync::Arc;
use std::time::{Duration, Instant};

use jiff::{SignedDuration, Timestamp};
use tokio::sync::Mutex;
use tomar_core::calendar::iran_date;
use tomar_core::campaign::CampaignSummary;
use tomar_core::listing::{ListSort, ListStatus, Listing};
use tomar_store::{Store, StoreError};

/// How long a count is reused.
const FRESH_FOR: Duration = Duration::from_secs(15);
/// Open campaigns kept, most active first.
const KEPT: u32 = 200;

/// An open campaign and its signatures in the last 24 hours.
pub type Active = (CampaignSummary, u64);

#[derive(Default)]
pub struct Trending {
    snapshot: Mutex<Option<(Instant, Arc<Vec<Active>>)>>,
}

impl Trending {
    /// The most active open campaigns, most active first, at most a few seconds old.
    pub async fn open_campaigns(&self, store: &Store) -> Result<Arc<Vec<Active>>, StoreError> {
        // Held while counting, so a burst of requests waits for one count, not many.
        let mut snapshot = self.snapshot.lock().await;
        if let Some((taken, campaigns)) = snapshot.as_ref()
            && taken.elapsed() < FRESH_FOR
        {
            return Ok(campaigns.clone());
        }
        let now = Timestamp::now();
        let since = now
            .checked_sub(SignedDuration::from_hours(24))
            .unwrap_or(now);
        let listing = Listing {
            status: ListStatus::Open,
            sort: ListSort::Trending,
            limit: KEPT,
            ..Listing::default()
        };
        let counted: Vec<Active> = store
            .list_campaigns(&listing, iran_date(now), since)
            .await?
            .into_iter()
            // In the trending order the sort key is the last day's signatures.
            .map(|(summary, cursor)| (summary, u64::try_from(cursor.key).unwrap_or(0)))
            .collect();
        let campaigns = Arc::new(counted);
        *snapshot = Some((Instant::now(), campaigns.clone()));
        Ok(campaigns)
    }
}
