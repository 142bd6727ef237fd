//! Extractors for what a request names: the campaign behind its path, loaded and checked
//! (or the request is refused before the handler runs), the platform's settings, and the
//! address it came from.
//!
//! Public pages name their campaign `{campaign}` (a number in any digits, or a slug); the
//! author's and the moderators' pages name it `{id}` (its number).

use std::net::{IpAddr, SocketAddr};

use axum::extract::{ConnectInfo, FromRequestParts, Path};
use axum::http::request::Parts;
use serde::Deserialize;
use tomar_core::campaign::Campaign;
use tomar_core::ids::CampaignId;
use tomar_core::member::Member as Account;

use crate::error::WebError;
use crate::http::auth::Member;
use crate::http::from_extensions;
use crate::rules::campaigns;
use crate::rules::platform::Platform;
use crate::state::AppState;

#[derive(Deserialize)]
struct CampaignSegment {
    campaign: String,
}

#[derive(Deserialize)]
struct CampaignNumber {
    id: i64,
}

/// A path segment that does not decode (bad UTF-8, a number that is not one) is a bad
/// request, as axum's own `Path` answers it.
async fn path<T: for<'de> Deserialize<'de> + Send>(
    parts: &mut Parts,
    state: &AppState,
) -> Result<T, WebError> {
    let Path(value) = Path::<T>::from_request_parts(parts, state)
        .await
        .map_err(|_| WebError::BadRequest)?;
    Ok(value)
}

/// A campaign the public may see (published, ended or suspended), read afresh: what pages
/// show. Anything else is not found; one merged into another answers 301 to the same
/// address of the other.
pub struct PublicCampaign(pub Campaign);

impl FromRequestParts<AppState> for PublicCampaign {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, WebError> {
        let CampaignSegment { campaign } = path(parts, state).await?;
        let found = campaigns::public_campaign(state, &campaign).await?;
        match found.merged_into {
            Some(into) => {
                let (address, query) = (parts.uri.path(), parts.uri.query());
                Err(campaigns::merged_away(state, into, address, &campaign, query).await)
            }
            None => Ok(PublicCampaign(found)),
        }
    }
}

/// A campaign the public may see, at most a second old (`Store::cached_campaign`): what the
/// signing checks read, so that a surge of signers does not read it again per request.
/// Whether it is open is for the signing rules to say, in their order.
pub struct CampaignToSign(pub Campaign);

impl FromRequestParts<AppState> for CampaignToSign {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, WebError> {
        let CampaignSegment { campaign } = path(parts, state).await?;
        Ok(CampaignToSign(
            campaigns::campaign_to_sign(state, &campaign).await?,
        ))
    }
}

/// Any campaign, in any state, by its number: what moderators review and act on. Name the
/// [`Moderator`](crate::http::auth::Moderator) before it, so nobody else learns which
/// numbers exist.
pub struct ReviewableCampaign(pub Campaign);

impl FromRequestParts<AppState> for ReviewableCampaign {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, WebError> {
        let CampaignNumber { id } = path(parts, state).await?;
        Ok(ReviewableCampaign(
            campaigns::any_campaign(state, CampaignId(id)).await?,
        ))
    }
}

/// A campaign by its number, with its author, the logged-in member. To anyone else it
/// does not exist; anonymous visitors are sent to log in first.
pub struct AuthorsCampaign {
    pub author: Account,
    pub campaign: Campaign,
}

impl FromRequestParts<AppState> for AuthorsCampaign {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, WebError> {
        let Member(author) = Member::from_request_parts(parts, state).await?;
        let CampaignNumber { id } = path(parts, state).await?;
        let campaign = campaigns::authors_campaign(state, CampaignId(id), &author).await?;
        Ok(AuthorsCampaign { author, campaign })
    }
}

/// A moderator's decision on the item numbered `{id}`, as the address says it
/// (`…/{id}/{decision}`); an address that names no decision of `D` is not found.
pub struct Decided<D> {
    pub id: i64,
    pub decision: D,
}

impl<S, D> FromRequestParts<S> for Decided<D>
where
    S: Send + Sync,
    D: for<'de> Deserialize<'de> + Send,
{
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, WebError> {
        #[derive(Deserialize)]
        struct DecisionPath<D> {
            id: i64,
            decision: D,
        }
        let Path(DecisionPath { id, decision }) =
            Path::<DecisionPath<D>>::from_request_parts(parts, state)
                .await
                .map_err(|_| WebError::NotFound)?;
        Ok(Decided { id, decision })
    }
}

/// The platform's settings as this request sees them (at most a second old).
impl FromRequestParts<AppState> for Platform {
    type Rejection = WebError;

    async fn from_request_parts(_parts: &mut Parts, state: &AppState) -> Result<Self, WebError> {
        Ok(Platform::new(state.store.settings().await?))
    }
}

/// The address the request came from, for the limits per network: the TCP peer, or the
/// client a trusted proxy forwarded (see `http::proxies`).
pub struct ClientIp(pub IpAddr);

impl FromRequestParts<AppState> for ClientIp {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, WebError> {
        let ConnectInfo(peer) =
            from_extensions::<ConnectInfo<SocketAddr>>(parts, "the client's address")?;
        Ok(ClientIp(
            state.trusted_proxies.client(peer.ip(), &parts.headers),
        ))
    }
}
