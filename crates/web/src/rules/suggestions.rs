//! The campaigns suggested beside a campaign: open campaigns ranked by
//! `tomar_core::suggestions`, from the same candidates (`trending`) on every page that
//! suggests.

use tomar_core::campaign::{Campaign, CampaignSummary};
use tomar_core::suggestions::{Candidate, suggest};

use crate::error::WebError;
use crate::state::AppState;

/// Up to `limit` open campaigns to suggest beside `campaign`, best first.
pub async fn suggestions_for(
    state: &AppState,
    campaign: &Campaign,
    limit: usize,
) -> Result<Vec<CampaignSummary>, WebError> {
    let active = state.trending.open_campaigns(&state.store).await?;
    let candidates: Vec<Candidate> = active
        .iter()
        .map(|(summary, recent)| Candidate {
            summary,
            recent_signatures: *recent,
        })
        .collect();
    let chosen = suggest(campaign, &candidates, limit);
    Ok(chosen
        .iter()
        .filter_map(|id| active.iter().find(|(s, _)| s.id == *id))
        .map(|(summary, _)| summary.clone())
        .collect())
}
