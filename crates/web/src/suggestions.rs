//! The campaigns suggested beside a campaign: open campaigns ranked by
//! `tomar_core::suggestions`, from the same candidates on every page that suggests.

use jiff::{SignedDuration, Timestamp};
use tomar_core::calendar::iran_date;
use tomar_core::campaign::{Campaign, CampaignSummary};
use tomar_core::listing::{ListSort, ListStatus, Listing};
use tomar_core::suggestions::{Candidate, suggest};

use crate::AppState;
use crate::error::WebError;

/// Open campaigns considered for suggestions: the most active of the last day.
const CANDIDATES: u32 = 200;

/// Up to `limit` open campaigns to suggest beside `campaign`, best first.
pub async fn suggestions_for(
    state: &AppState,
    campaign: &Campaign,
    limit: usize,
) -> Result<Vec<CampaignSummary>, WebError> {
    let now = Timestamp::now();
    let since = now
        .checked_sub(SignedDuration::from_hours(24))
        .unwrap_or(now);
    let listing = Listing {
        status: ListStatus::Open,
        sort: ListSort::Trending,
        limit: CANDIDATES,
        ..Listing::default()
    };
    let open = state
        .store
        .list_campaigns(&listing, iran_date(now), since)
        .await?;
    let candidates: Vec<Candidate> = open
        .iter()
        .map(|(summary, cursor)| Candidate {
            summary,
            // The trending order sorts by the last day's signatures.
            recent_signatures: u64::try_from(cursor.key).unwrap_or(0),
        })
        .collect();
    let chosen = suggest(campaign, &candidates, limit);
    Ok(chosen
        .iter()
        .filter_map(|id| open.iter().find(|(s, _)| s.id == *id))
        .map(|(summary, _)| summary.clone())
        .collect())
}
