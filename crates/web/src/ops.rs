//! What operators and load balancers ask of a running Tomar: is it up (`/healthz`), and
//! what has it been doing (`/metrics`, for a scraper with the configured token).

use axum::Router;
use axum::extract::State;
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE, WWW_AUTHENTICATE};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use crate::error::WebError;
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/healthz", get(health))
        .route("/metrics", get(metrics))
}

/// Liveness with a real database round trip, for load balancers and `tomar serve` checks.
async fn health(State(state): State<AppState>) -> Result<&'static str, WebError> {
    state.store.campaign_count().await?;
    Ok("ok")
}

/// What this process has recorded, for a Prometheus scraper with the configured token;
/// a page that does not exist for everyone else, and when none is configured.
async fn metrics(State(state): State<AppState>, headers: HeaderMap) -> Result<Response, WebError> {
    let Some(endpoint) = state.metrics.as_deref() else {
        return Err(WebError::NotFound);
    };
    if !endpoint.admits(&headers) {
        return Ok((StatusCode::UNAUTHORIZED, [(WWW_AUTHENTICATE, "Bearer")]).into_response());
    }
    Ok((
        [
            (CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8"),
            (CACHE_CONTROL, "no-store"),
        ],
        endpoint.render(),
    )
        .into_response())
}
