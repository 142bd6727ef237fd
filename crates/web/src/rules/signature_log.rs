//! A campaign's public log as Tomar vouches for it: the signed checkpoint of its tree as it
//! stands, an entry's inclusion proof against that checkpoint, and a signer's receipt. The
//! pages serve them under `/log/{id}/`; the thank-you page and the API hand out receipts.

use tomar_core::ids::CampaignId;
use tomar_core::note::Checkpoint;
use tomar_core::receipt::{ReceiptCode, receipt};
use tomar_core::signature_log::{origin, signing_key};
use tomar_core::tlog::{self, Fetched, Proof};
use tomar_store::StoreError;

use crate::error::WebError;
use crate::state::AppState;

fn corrupt<E>(_: E) -> WebError {
    WebError::Store(StoreError::Corrupt("signature log"))
}

/// The checkpoint of a tree of `size` leaves, signed with the server's log key.
fn sign(state: &AppState, campaign: CampaignId, size: u64, root: tlog::Hash) -> String {
    let body = Checkpoint {
        origin: origin(&state.public_url, campaign),
        size,
        root,
    }
    .body();
    signing_key(&state.public_url, &state.secret).sign(&body)
}

/// The signed checkpoint of the campaign's log as it stands.
pub async fn signed_checkpoint(state: &AppState, campaign: CampaignId) -> Result<String, WebError> {
    let size = state.store.log_size(campaign).await?;
    let need = tlog::right_edge(size);
    let hashes = state.store.log_hashes(campaign, &need).await?;
    let root = tlog::tree_hash(size, &mut Fetched::new(&need, &hashes)).map_err(corrupt)?;
    Ok(sign(state, campaign, size, root))
}

/// Entry `index`'s inclusion proof against the log's checkpoint as it stands, the entry as
/// its extra data (tlog-proof); `None` if the log has no such entry yet. The root and the
/// proof are read for one size, so they always agree.
pub async fn proof(
    state: &AppState,
    campaign: CampaignId,
    index: u64,
) -> Result<Option<Proof>, WebError> {
    let size = state.store.log_size(campaign).await?;
    if index >= size {
        return Ok(None);
    }
    let need: Vec<u64> = tlog::right_edge(size)
        .into_iter()
        .chain(tlog::inclusion_needs(size, index))
        .collect();
    let hashes = state.store.log_hashes(campaign, &need).await?;
    let mut fetched = Fetched::new(&need, &hashes);
    let root = tlog::tree_hash(size, &mut fetched).map_err(corrupt)?;
    let path = tlog::inclusion_proof(size, index, &mut fetched)
        .map_err(corrupt)?
        .ok_or(WebError::NotFound)?;
    let entry = state
        .store
        .log_entries(campaign, index, 1)
        .await?
        .pop()
        .ok_or_else(|| corrupt(()))?;
    let checkpoint = sign(state, campaign, size, root);
    Ok(Some(receipt(entry, index, path, checkpoint)))
}

/// What a signer is handed for their signature: the proof of its entry and the code that
/// opens its name commitment.
pub struct SignerReceipt {
    pub proof: Proof,
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
    let Some(proof) = proof(state, campaign, held.log_index).await? else {
        return Err(corrupt(()));
    };
    Ok(Some(SignerReceipt {
        proof,
        code: ReceiptCode::new(held.salt),
        file_name: format!("tomar-{campaign}-{number}.tlog-proof"),
    }))
}
