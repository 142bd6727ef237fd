//! The public list of a campaign's signers, paged by signature number, for the signatures
//! page and the API alike.

use tomar_core::campaign::Campaign;
use tomar_core::persian::ascii_digits;
use tomar_core::signature::Signature;

use crate::error::WebError;
use crate::state::AppState;

/// Signers on one page of the list.
const SIGNERS_PER_PAGE: u32 = 100;

/// One page of a campaign's confirmed signers, newest first, after the cursor `after` (a
/// signature number, typed in any digits), and the cursor of the next page if there is one.
pub async fn signers_page(
    state: &AppState,
    campaign: &Campaign,
    after: Option<&str>,
) -> Result<(Vec<Signature>, Option<u64>), WebError> {
    let after = match after.map(|a| ascii_digits(a.trim())) {
        None => None,
        Some(digits) if digits.is_empty() => None,
        Some(digits) => Some(digits.parse::<u64>().map_err(|_| WebError::BadRequest)?),
    };
    let page = state
        .store
        .signatures_page(campaign.id, after, SIGNERS_PER_PAGE)
        .await?;
    let next = match page.last() {
        Some(last) if page.len() == SIGNERS_PER_PAGE as usize && last.sequence > 1 => {
            Some(last.sequence)
        }
        _ => None,
    };
    Ok((page, next))
}
