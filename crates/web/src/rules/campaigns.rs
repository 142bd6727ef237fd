//! Which campaign a request may reach: one the public may see (read afresh for pages, or
//! from the moment cache for the signing checks), any campaign for moderators, or an
//! author's own.

use tomar_core::campaign::Campaign;
use tomar_core::ids::CampaignId;
use tomar_core::member::Member;
use tomar_core::names::CampaignRef;

use crate::error::WebError;
use crate::state::AppState;
use crate::view::url::percent_encode;

/// A campaign the public may see, by a path segment (a number in any digits, or a slug);
/// anything else is not found.
pub async fn public_campaign(state: &AppState, segment: &str) -> Result<Campaign, WebError> {
    let by = CampaignRef::parse(segment).ok_or(WebError::NotFound)?;
    public(state.store.campaign(&by).await?)
}

/// A campaign the public may see, for the signing checks: at most a second old (see
/// `Store::cached_campaign`), so a surge of signers does not read it again per request.
/// Pages that show it, and its count, use [`public_campaign`].
pub async fn campaign_to_sign(state: &AppState, segment: &str) -> Result<Campaign, WebError> {
    let by = CampaignRef::parse(segment).ok_or(WebError::NotFound)?;
    public(state.store.cached_campaign(&by).await?)
}

/// Where a request for `path`, which names a merged campaign by `segment`, goes instead:
/// the same address with the campaign it was merged into in its place (its page, if the
/// segment is not found as written). Refused as not found if that one is not public.
pub async fn merged_away(
    state: &AppState,
    into: CampaignId,
    path: &str,
    segment: &str,
    query: Option<&str>,
) -> WebError {
    let into = match any_campaign(state, into).await {
        Ok(into) if into.lifecycle.is_public() => into,
        Ok(_) => return WebError::NotFound,
        Err(error) => return error,
    };
    let written = percent_encode(segment);
    let mut parts: Vec<&str> = path.split('/').collect();
    let new_segment = into.path_segment();
    let moved = match parts
        .iter()
        .position(|part| *part == segment || part.eq_ignore_ascii_case(&written))
    {
        Some(at) => {
            parts[at] = &new_segment;
            parts.join("/")
        }
        None => into.path(),
    };
    WebError::MovedTo(match query {
        Some(query) => format!("{moved}?{query}"),
        None => moved,
    })
}

fn public(found: Option<Campaign>) -> Result<Campaign, WebError> {
    match found {
        Some(campaign) if campaign.lifecycle.is_public() => Ok(campaign),
        _ => Err(WebError::NotFound),
    }
}

/// Any campaign, in any state.
pub async fn any_campaign(state: &AppState, id: CampaignId) -> Result<Campaign, WebError> {
    state
        .store
        .campaign(&CampaignRef::Id(id))
        .await?
        .ok_or(WebError::NotFound)
}

/// The campaign with this id if `member` wrote it; to anyone else it does not exist.
pub async fn authors_campaign(
    state: &AppState,
    id: CampaignId,
    member: &Member,
) -> Result<Campaign, WebError> {
    match any_campaign(state, id).await {
        Ok(campaign) if campaign.author_id == Some(member.id) => Ok(campaign),
        Ok(_) => Err(WebError::NotFound),
        Err(error) => Err(error),
    }
}
