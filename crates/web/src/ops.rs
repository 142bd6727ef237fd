//! What operators and load balancers ask of a running Tomar.

use axum::Router;
use axum::extract::State;
use axum::routing::get;

use crate::error::WebError;
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new().route("/healthz", get(health))
}

/// Liveness with a real database round trip, for load balancers and `tomar serve` checks.
async fn health(State(state): State<AppState>) -> Result<&'static str, WebError> {
    state.store.campaign_count().await?;
    Ok("ok")
}
