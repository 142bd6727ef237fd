//! Start-up: the one function that builds a running Tomar, called by `tomar serve` and by
//! the tests alike.

use std::net::SocketAddr;

use tokio::net::TcpListener;
use tomar_store::{DatabaseUrl, Store, StoreError};
use tomar_web::AppState;

use crate::demo;

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
}

/// Opens the database and brings its schema up to date.
pub async fn open_store(url: &DatabaseUrl) -> Result<Store, StoreError> {
    let store = Store::connect(url).await?;
    store.migrate().await?;
    Ok(store)
}

/// A Tomar bound to its address, ready to run.
pub struct Application {
    listener: TcpListener,
    router: axum::Router,
    addr: SocketAddr,
}

impl Application {
    /// Opens and migrates the database, creates the demo content when asked to and the
    /// database is empty, and binds `addr` (port 0 picks a free port).
    pub async fn build(
        database: &DatabaseUrl,
        addr: SocketAddr,
        with_demo: bool,
    ) -> Result<Application, StartupError> {
        let store = open_store(database).await?;
        if with_demo {
            demo::create_if_empty(&store, jiff::Timestamp::now()).await?;
        }
        let listener = TcpListener::bind(addr)
            .await
            .map_err(|source| StartupError::Bind { addr, source })?;
        let addr = listener
            .local_addr()
            .map_err(|source| StartupError::Bind { addr, source })?;
        let router = tomar_web::router(AppState { store });
        Ok(Application {
            listener,
            router,
            addr,
        })
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Serves until Ctrl-C or SIGTERM, then finishes the requests in flight.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        axum::serve(self.listener, self.router)
            .with_graceful_shutdown(shutdown_signal())
            .await
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
