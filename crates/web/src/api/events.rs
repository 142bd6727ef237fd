//! A campaign's count as it moves, over Server-Sent Events: what the campaign page's script
//! ticks with, and what anyone may watch. Every stream of a campaign in this process reads
//! the one watch the store's live counts keep (`tomar_store::LiveCounts`): an open stream
//! costs no database work.

use std::convert::Infallible;
use std::time::Duration;

use axum::extract::State;
use axum::response::sse::{Event, KeepAlive, Sse};
use futures_util::Stream;
use tokio::sync::watch;
use utoipa::ToSchema;

use crate::http::extract::PublicCampaign;
use crate::state::AppState;

use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(events))
}

/// At most one event a second per stream: a surge moves a count hundreds of times a second,
/// and nobody reads faster than that.
const EVENT_GAP: Duration = Duration::from_secs(1);
/// A comment line this often keeps proxies from closing a quiet stream.
const KEEP_ALIVE: Duration = Duration::from_secs(15);

/// A public campaign's count as it moves, as `text/event-stream`: at once an event `count`
/// with data `{"count": N}`, then one within a second of each change (at most one a
/// second), and a comment line every 15 seconds.
#[utoipa::path(
    get,
    path = "/api/v1/campaigns/{campaign}/events",
    params(("campaign" = String, Path, description = "The campaign's number or slug")),
    responses(
        (status = 200, description = "Events named `count`, each with data `{\"count\": N}`", content_type = "text/event-stream", body = CountEvent),
        (status = 404, description = "No such public campaign", content_type = "application/problem+json"),
    )
)]
async fn events(
    State(state): State<AppState>,
    PublicCampaign(campaign): PublicCampaign,
) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    let counts = state.live.watch(campaign.id, campaign.signature_count);
    Sse::new(count_events(counts)).keep_alive(KeepAlive::new().interval(KEEP_ALIVE))
}

/// The count now, then the count after each change, no closer together than
/// [`EVENT_GAP`]; ends when the process stops watching (it is shutting down).
fn count_events(counts: watch::Receiver<u64>) -> impl Stream<Item = Result<Event, Infallible>> {
    futures_util::stream::unfold((counts, true), |(mut counts, first)| async move {
        if !first {
            tokio::time::sleep(EVENT_GAP).await;
            counts.changed().await.ok()?;
        }
        let event = CountEvent::of(*counts.borrow_and_update()).into_event();
        Some((Ok(event), (counts, false)))
    })
}

/// One event of a count stream, as a client reads it (the OpenAPI document describes each
/// event of a `text/event-stream` so).
#[derive(ToSchema)]
pub struct CountEvent {
    /// Always `count`.
    event: &'static str,
    /// JSON: `{"count": N}`.
    data: String,
}

impl CountEvent {
    fn of(count: u64) -> CountEvent {
        CountEvent {
            event: "count",
            data: format!("{{\"count\":{count}}}"),
        }
    }

    fn into_event(self) -> Event {
        Event::default().event(self.event).data(self.data)
    }
}
