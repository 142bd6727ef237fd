//! Moving a campaign through its lifecycle on someone's behalf: the lifecycle decides
//! whether the move is allowed, and the store saves it with its moderation event only if
//! nobody moved the campaign first.

use jiff::Timestamp;
use tomar_core::campaign::Campaign;
use tomar_core::lifecycle::Transition;
use tomar_core::moderation::Actor;
use tomar_store::StoreError;

use crate::error::WebError;
use crate::state::AppState;

/// Applies `step` as `actor`, with an optional note; a move the campaign's state does not
/// allow, or one that lost a race, is a conflict.
pub async fn apply(
    state: &AppState,
    mut campaign: Campaign,
    actor: Actor,
    step: Transition,
    note: Option<String>,
) -> Result<(), WebError> {
    let before = campaign.lifecycle.clone();
    let event = campaign
        .apply(step, actor, note, Timestamp::now())
        .map_err(|_| WebError::Store(StoreError::Conflict))?;
    state
        .store
        .save_transition(&campaign, &before, &event)
        .await?;
    Ok(())
}
