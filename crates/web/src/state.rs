//! What every handler shares, built once at start-up.

use std::sync::Arc;

use tokio::sync::Notify;
use tomar_core::secret::Secret;
use tomar_store::{LiveCounts, SigningWriter, Store};

use crate::http::metrics::MetricsEndpoint;
use crate::http::page_cache::PageCache;
use crate::http::proxies::TrustedProxies;
use crate::rules::checkpoints::Checkpoints;
use crate::rules::trending::Trending;

#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    /// Keys contact hashes, code hashes and tokens.
    pub secret: Secret,
    /// The group commit that codes and signature confirmations go through.
    pub writer: SigningWriter,
    /// Wakes the outbox worker when a message is queued.
    pub outbox: Arc<Notify>,
    /// Where people reach this Tomar, for links in messages (no trailing slash).
    pub public_url: String,
    /// The most active open campaigns, counted at most every few seconds.
    pub trending: Arc<Trending>,
    /// The counts this process's event streams watch, kept current by its own task.
    pub live: Arc<LiveCounts>,
    /// Each campaign log's signed checkpoint, signed at most once a second.
    pub checkpoints: Arc<Checkpoints>,
    /// Peers whose `X-Forwarded-For` names the client.
    pub trusted_proxies: TrustedProxies,
    /// The public pages drawn lately, answered from memory to visitors not logged in.
    pub pages: Arc<PageCache>,
    /// `/metrics`, when an operator configured its token.
    pub metrics: Option<Arc<MetricsEndpoint>>,
}
