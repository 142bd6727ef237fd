//! Listings of public campaigns as addresses and the API ask for them: the query, checked
//! into a `Listing`, and one page of it with the cursor of the next.

use jiff::{SignedDuration, Timestamp};
use serde::Deserialize;
use tomar_core::calendar::iran_date;
use tomar_core::campaign::{CampaignKind, CampaignSummary};
use tomar_core::listing::{Cursor, ListSort, ListStatus, Listing};
use tomar_core::names::{Hashtag, Line};

use crate::error::WebError;
use crate::state::AppState;

/// A listing's query string, as typed in an address or sent by the API.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct ListingQuery {
    pub status: Option<String>,
    pub sort: Option<String>,
    pub kind: Option<String>,
    pub category: Option<String>,
    pub hashtag: Option<String>,
    pub after: Option<String>,
}

/// An empty value means "not given", as forms send it.
fn given(value: &Option<String>) -> Option<&str> {
    value.as_deref().map(str::trim).filter(|v| !v.is_empty())
}

impl ListingQuery {
    /// The listing asked for; a value that names nothing is a bad request.
    pub fn listing(&self, limit: u32) -> Result<Listing, WebError> {
        Ok(Listing {
            status: given(&self.status)
                .map(|v| ListStatus::from_name(v).ok_or(WebError::BadRequest))
                .transpose()?
                .unwrap_or_default(),
            sort: given(&self.sort)
                .map(|v| ListSort::from_name(v).ok_or(WebError::BadRequest))
                .transpose()?
                .unwrap_or_default(),
            kind: given(&self.kind)
                .map(|v| CampaignKind::from_name(v).ok_or(WebError::BadRequest))
                .transpose()?,
            category: given(&self.category)
                .map(|v| Line::parse(v, 200).map_err(|_| WebError::BadRequest))
                .transpose()?,
            hashtag: given(&self.hashtag)
                .map(|v| Hashtag::parse(v).map_err(|_| WebError::BadRequest))
                .transpose()?,
            after: given(&self.after)
                .map(|v| Cursor::parse(v).ok_or(WebError::BadRequest))
                .transpose()?,
            limit,
        })
    }
}

/// One page of a listing, and the cursor of the next page if there may be one.
pub async fn list_page(
    state: &AppState,
    listing: &Listing,
) -> Result<(Vec<CampaignSummary>, Option<Cursor>), WebError> {
    let now = Timestamp::now();
    let since = now
        .checked_sub(SignedDuration::from_hours(24))
        .unwrap_or(now);
    let page = state
        .store
        .list_campaigns(listing, iran_date(now), since)
        .await?;
    let next = (page.len() == listing.limit as usize)
        .then(|| page.last().map(|(_, cursor)| *cursor))
        .flatten();
    Ok((page.into_iter().map(|(summary, _)| summary).collect(), next))
}
