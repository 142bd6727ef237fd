//! Start-up: the one function that builds a running Tomar, called by `tomar serve` and by
//! the tests alike.

use std::net::SocketAddr;

use std::sync::Arc;

use tokio::net::TcpListener;
use tokio::sync::Notify;
use tomar_notify::{Delivery, Transport, Worker};
use tomar_store::{DatabaseUrl, LiveCounts, SigningWriter, Store, StoreError};
use tomar_web::AppState;

use crate::config::ServeSettings;
use crate::generated_secret::{SecretError, secret_for};
use crate::server::{self, ConnectionLimits};
use crate::{demo, upkeep};

#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: SocketAddr,
        source: std::io::Error,
    },
    #[error("cannot create the demo content: {0}")]
    Demo(#[from] demo::DemoError),
    #[error(transparent)]
    Secret(#[from] SecretError),
}

/// Opens the database, brings its schema up to date and indexes any campaign the search
/// index is missing.
pub async fn open_store(url: &DatabaseUrl) -> Result<Store, StoreError> {
    open_replicated_store(url, None).await
}

/// As [`open_store`], reading the public lists and counts from `replica` if there is one.
pub async fn open_replicated_store(
    url: &DatabaseUrl,
    replica: Option<&DatabaseUrl>,
) -> Result<Store, StoreError> {
    let store = Store::connect_with_replica(url, replica).await?;
    store.migrate().await?;
    let indexed = store.index_missing_campaigns().await?;
    if indexed > 0 {
        tracing::info!(campaigns = indexed, "added campaigns to the search index");
    }
    Ok(store)
}

/// A Tomar bound to its address, ready to run.
pub struct Application {
    listener: TcpListener,
    router: axum::Router,
    addr: SocketAddr,
    store: Store,
    /// The event streams' counts, closed at shutdown.
    live: Arc<LiveCounts>,
    connections: ConnectionLimits,
}

impl Application {
    /// Opens and migrates the database, creates the demo content when asked to and the
    /// database is empty, binds the address (port 0 picks a free port), and starts the
    /// signature writer and the outbox worker.
    pub async fn build(settings: &ServeSettings) -> Result<Application, StartupError> {
        let store =
            open_replicated_store(&settings.database, settings.read_replica.as_ref()).await?;
        if settings.demo {
            demo::create_if_empty(&store, jiff::Timestamp::now()).await?;
        }
        let secret = secret_for(&settings.database, &store, settings.secret.clone()).await?;
        let requested = settings.addr;
        let listener = TcpListener::bind(requested)
            .await
            .map_err(|source| StartupError::Bind {
                addr: requested,
                source,
            })?;
        let addr = listener.local_addr().map_err(|source| StartupError::Bind {
            addr: requested,
            source,
        })?;

        let outbox = Arc::new(Notify::new());
        let local = settings.outbox.clone();
        let delivery = Delivery {
            sms: settings
                .sms_gateway
                .clone()
                .map_or_else(|| local.clone(), Transport::Sms),
            email: settings
                .mailer
                .clone()
                .map_or_else(|| local.clone(), Transport::Smtp),
            telegram: settings.telegram.clone().map_or(local, Transport::Telegram),
        };
        let (handoff, handed) = tokio::sync::mpsc::unbounded_channel();
        tokio::spawn(
            Worker::new(store.clone(), delivery, outbox.clone())
                .with_handoff(handed)
                .run(),
        );
        tokio::spawn(upkeep::run(store.clone(), secret.clone()));
        tokio::spawn(upkeep::run_batches(store.clone()));
        let live = Arc::new(LiveCounts::default());
        tokio::spawn(live.clone().run(store.clone()));
        let relay = store.clone();
        tokio::spawn(async move { relay.relay_notifications().await });
        let public_url = settings
            .public_url
            .clone()
            .unwrap_or_else(|| format!("http://{addr}"));
        let state = AppState {
            trending: Arc::new(tomar_web::Trending::default()),
            checkpoints: Arc::new(tomar_web::Checkpoints::new(&public_url, &secret)),
            live: live.clone(),
            trusted_proxies: settings.trusted_proxies.clone(),
            pages: Arc::new(tomar_web::PageCache::new(settings.page_memory)),
            metrics: settings
                .metrics_token
                .clone()
                .map(|token| Arc::new(tomar_web::MetricsEndpoint::install(token))),
            writer: SigningWriter::start(store.clone(), Some(handoff)),
            store: store.clone(),
            secret,
            outbox,
            public_url,
        };
        let router = tomar_web::router(state);
        Ok(Application {
            listener,
            router,
            addr,
            store,
            live,
            connections: settings.connections,
        })
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The store the application serves from (sharing its settings cache).
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// Serves until Ctrl-C or SIGTERM, then finishes the requests in flight.
    pub async fn run_until_stopped(self) {
        let live = self.live;
        let stopping = async move {
            shutdown_signal().await;
            // Event streams never finish by themselves; end them so the shutdown can.
            live.close();
        };
        server::serve(self.listener, self.router, self.connections, stopping).await;
    }
}

async fn shutdown_signal() {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut term =
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(term) => term,
                Err(_) => {
                    ctrl_c.await.ok();
                    return;
                }
            };
        tokio::select! {
            _ = ctrl_c => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    ctrl_c.await.ok();
}
