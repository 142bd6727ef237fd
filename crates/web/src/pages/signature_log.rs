//! A campaign's public log, laid out as C2SP tlog-tiles lays out a log, so that any client
//! of that spec can read it:
//!
//! - `GET /log/{id}/checkpoint`: the signed checkpoint (origin `<host>/log/<id>`, size,
//!   root), signed at most once a second and cached a second;
//! - `GET /log/{id}/tile/<L>/<N>[.p/<W>]` and `/log/{id}/tile/entries/<N>[.p/<W>]`: hashes
//!   and entries, never changing once served, cached a year;
//! - `GET /log/{id}/proof/<index>`: entry `<index>`'s inclusion proof against the
//!   latest checkpoint that holds it (C2SP tlog-proof, the entry as its extra data): a signer's
//!   receipt;
//! - `GET /log/{id}/names/<N>`: the openings of the shown names among entries
//!   `256·N … 256·N + 255` (`index number salt name`, one a line), listed apart from the
//!   tree so that a name can be taken down without touching it;
//! - `GET /log/{id}/text/<version>.txt`: the canonical text each signature entry pins;
//! - `GET /.well-known/tomar-log-key`: the key the checkpoints are signed with.
//!
//! Campaigns that are not public have no public log.

use axum::Router;
use axum::extract::{Path, State};
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use tomar_core::hash::hex;
use tomar_core::ids::CampaignId;
use tomar_core::tlog::{self, TILE_WIDTH, Tile};

use crate::error::WebError;
use crate::rules::campaigns::any_campaign;
use crate::rules::signature_log;
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/log/{campaign}/checkpoint", get(checkpoint))
        .route("/log/{campaign}/tile/{*tile}", get(tile))
        .route("/log/{campaign}/proof/{index}", get(proof))
        .route("/log/{campaign}/names/{tile}", get(names))
        .route("/log/{campaign}/text/{file}", get(text))
        .route("/.well-known/tomar-log-key", get(log_key))
}

const TEXT: &str = "text/plain; charset=utf-8";
const IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// A checkpoint, and a proof against it, change with every signature.
const CHECKPOINT: &str = "public, max-age=1";

/// The public campaign a log address names.
async fn public_log(state: &AppState, campaign: &str) -> Result<CampaignId, WebError> {
    let id = campaign
        .parse()
        .map(CampaignId)
        .map_err(|_| WebError::NotFound)?;
    let campaign = any_campaign(state, id).await?;
    match campaign.lifecycle.is_public() {
        true => Ok(id),
        false => Err(WebError::NotFound),
    }
}

/// The log's latest signed checkpoint.
async fn checkpoint(
    State(state): State<AppState>,
    Path(campaign): Path<String>,
) -> Result<Response, WebError> {
    let id = public_log(&state, &campaign).await?;
    let note = signature_log::signed_checkpoint(&state, id).await?;
    Ok(([(CONTENT_TYPE, TEXT), (CACHE_CONTROL, CHECKPOINT)], note).into_response())
}

/// A number in a log address: decimal, one spelling.
fn number(text: &str) -> Result<u64, WebError> {
    text.parse::<u64>()
        .ok()
        .filter(|n| n.to_string() == text)
        .ok_or(WebError::NotFound)
}

/// Entry `<index>`'s inclusion proof, as its signer's receipt carries it.
async fn proof(
    State(state): State<AppState>,
    Path((campaign, index)): Path<(String, String)>,
) -> Result<Response, WebError> {
    let id = public_log(&state, &campaign).await?;
    let proof = signature_log::proof(&state, id, number(&index)?)
        .await?
        .ok_or(WebError::NotFound)?;
    Ok((
        [(CONTENT_TYPE, TEXT), (CACHE_CONTROL, CHECKPOINT)],
        proof.encode(),
    )
        .into_response())
}

/// The openings of the shown names among one tile's width of entries.
async fn names(
    State(state): State<AppState>,
    Path((campaign, tile)): Path<(String, String)>,
) -> Result<Response, WebError> {
    let id = public_log(&state, &campaign).await?;
    let from = number(&tile)?
        .checked_mul(TILE_WIDTH)
        .ok_or(WebError::NotFound)?;
    if from >= state.store.log_size(id).await? {
        return Err(WebError::NotFound);
    }
    let openings = state.store.name_openings(id, from, TILE_WIDTH).await?;
    let body: String = openings
        .iter()
        .map(|o| format!("{} {} {} {}\n", o.log_index, o.number, hex(&o.salt), o.name))
        .collect();
    // Short-lived: a name taken down leaves the listing within a minute.
    Ok((
        [(CONTENT_TYPE, TEXT), (CACHE_CONTROL, "public, max-age=60")],
        body,
    )
        .into_response())
}

/// A tile of hashes or a bundle of entries, if the log's current tree has it.
async fn tile(
    State(state): State<AppState>,
    Path((campaign, path)): Path<(String, String)>,
) -> Result<Response, WebError> {
    let id = public_log(&state, &campaign).await?;
    let (level, tail) = path.split_once('/').ok_or(WebError::NotFound)?;
    let entries = level == "entries";
    let level = match entries {
        true => 0,
        false => u8::try_from(number(level)?)
            .ok()
            .filter(|l| *l < 64)
            .ok_or(WebError::NotFound)?,
    };
    let tile = Tile::parse_tail(level, tail).ok_or(WebError::NotFound)?;
    let size = state.store.log_size(id).await?;
    if !tile.exists_in(size) {
        return Err(WebError::NotFound);
    }
    let body = match entries {
        true => {
            let entries = state
                .store
                .log_entries(id, tile.index * TILE_WIDTH, tile.width)
                .await?;
            // Entries are a few hundred bytes: a u16 length always fits.
            tlog::bundle(entries.iter().map(Vec::as_slice)).ok_or(WebError::NotFound)?
        }
        false => state
            .store
            .log_hashes(id, &tile.hash_indexes())
            .await?
            .concat(),
    };
    Ok((
        [
            (CONTENT_TYPE, "application/octet-stream"),
            (CACHE_CONTROL, IMMUTABLE),
        ],
        body,
    )
        .into_response())
}

/// The canonical text of version `<v>` (`<v>.txt`).
async fn text(
    State(state): State<AppState>,
    Path((campaign, file)): Path<(String, String)>,
) -> Result<Response, WebError> {
    let id = public_log(&state, &campaign).await?;
    let version = file
        .strip_suffix(".txt")
        .and_then(|v| v.parse::<u32>().ok())
        .ok_or(WebError::NotFound)?;
    let text = state
        .store
        .logged_text(id, version)
        .await?
        .ok_or(WebError::NotFound)?;
    Ok(([(CONTENT_TYPE, TEXT), (CACHE_CONTROL, IMMUTABLE)], text).into_response())
}

/// The verifier key of every log here, as signed-note writes keys.
async fn log_key(State(state): State<AppState>) -> Response {
    let key = state.checkpoints.verifier_key();
    (
        [
            (CONTENT_TYPE, TEXT),
            (CACHE_CONTROL, "public, max-age=3600"),
        ],
        format!("{key}\n"),
    )
        .into_response()
}
