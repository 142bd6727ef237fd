//! A campaign's public log as Tomar vouches for it: the signed checkpoint of its tree as it
//! stands, an entry's inclusion proof against that checkpoint, and a signer's receipt. The
//! pages serve them under `/log/{id}/`; the thank-you page and the API hand out receipts.

use tomar_core::ids::CampaignId;
use tomar_core::receipt::{ReceiptCode, receipt};
use tomar_core::tlog::{self, Fetched, Proof};
use tomar_store::StoreError;

use crate::error::WebError;
use crate::state::AppState;

fn corrupt<E>(_: E) -> WebError {
    WebError::Store(StoreError::Corrupt("signature log"))
}

/// The campaign log's latest signed checkpoint (at most a second old).
pub async fn signed_checkpoint(state: &AppState, campaign: CampaignId) -> Result<String, WebError> {
    Ok(state
        .checkpoints
        .latest(&state.store, campaign)
        .await?
        .note
        .to_string())
}

/// Entry `index`'s inclusion proof against the latest checkpoint that holds it, the entry as
/// its extra data (tlog-proof); `None` if the log has no such entry yet.
pub async fn proof(
    state: &AppState,
    campaign: CampaignId,
    index: u64,
) -> Result<Option<Proof>, WebError> {
    let Some(checkpoint) = state
        .checkpoints
        .covering(&state.store, campaign, index)
        .await?
    else {
        return Ok(None);
    };
    let need = tlog::inclusion_needs(checkpoint.size, index);
    let hashes = state.store.log_hashes(campaign, &need).await?;
    let path = tlog::inclusion_proof(checkpoint.size, index, &mut Fetched::new(&need, &hashes))
        .map_err(corrupt)?
        .ok_or_else(|| corrupt(()))?;
    let entry = state
        .store
        .log_entries(campaign, index, 1)
        .await?
        .pop()
        .ok_or_else(|| corrupt(()))?;
    Ok(Some(receipt(
        entry,
        index,
        path,
        checkpoint.note.to_string(),
    )))
}

/// What a signer is handed for their signature: where its entry stands in the log (its
/// proof is served at `/log/{id}/proof/<index>`) and the code that opens its name commitment.
pub struct SignerReceipt {
    pub index: u64,
    pub code: ReceiptCode,
    /// The file name a browser saves the proof under.
    pub file_name: String,
}

/// The receipt of counted signature `number`; `None` if it has none (it was signed before
/// the log, no longer counts, or its salt was erased).
pub async fn signer_receipt(
    state: &AppState,
    campaign: CampaignId,
    number: u64,
) -> Result<Option<SignerReceipt>, WebError> {
    let Some(held) = state.store.signature_receipt(campaign, number).await? else {
        return Ok(None);
    };
    Ok(Some(SignerReceipt {
        index: held.log_index,
        code: ReceiptCode::new(held.salt),
        file_name: format!("tomar-{campaign}-{number}.tlog-proof"),
    }))
}
