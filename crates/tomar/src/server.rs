//! The HTTP server: connections accepted under a cap, each closed when it is slow to send
//! its headers or sits idle between requests, each request body read within a deadline.
//! Without these, a few hundred idle or trickling sockets use up the process's file
//! descriptors and the site stops answering.

use std::convert::Infallible;
use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::ConnectInfo;
use axum::http::Request;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tower::ServiceExt;
use tower_http::timeout::RequestBodyTimeoutLayer;

/// How connections are kept in bounds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ConnectionLimits {
    /// How long a client has to send a request's headers, counted from when the server is
    /// ready to read them, so it also closes a connection idle between requests.
    pub header_timeout: Duration,
    /// How long a client has to send a request's body.
    pub body_timeout: Duration,
    /// Connections served at once; the next wait in the listen queue.
    pub max_connections: usize,
}

/// File descriptors kept back from connections, for the database, the outbox and logs.
const RESERVED_DESCRIPTORS: u64 = 128;

/// The most connections the default allows, however many descriptors the system gives.
const MOST_CONNECTIONS: u64 = 16_384;

impl ConnectionLimits {
    pub const DEFAULT_HEADER_TIMEOUT: Duration = Duration::from_secs(10);
    pub const DEFAULT_BODY_TIMEOUT: Duration = Duration::from_secs(30);

    /// The default cap: what the process's descriptor limit leaves after the reserve,
    /// once the soft limit has been raised as far as the hard one allows.
    pub fn default_max_connections() -> usize {
        let descriptors = raise_descriptor_limit();
        let free = descriptors.saturating_sub(RESERVED_DESCRIPTORS);
        usize::try_from(free.clamp(16, MOST_CONNECTIONS)).unwrap_or(16)
    }
}

/// Raises the soft limit on open files to the hard one (many systems start processes at
/// 1,024 with far more allowed); answers the soft limit in force.
fn raise_descriptor_limit() -> u64 {
    use rustix::process::{Resource, Rlimit, getrlimit, setrlimit};
    let limit = getrlimit(Resource::Nofile);
    let Some(hard) = limit.maximum else {
        // No hard limit: ask for a generous one rather than unlimited.
        let wanted = Rlimit {
            current: Some(MOST_CONNECTIONS + RESERVED_DESCRIPTORS),
            maximum: None,
        };
        return match setrlimit(Resource::Nofile, wanted) {
            Ok(()) => MOST_CONNECTIONS + RESERVED_DESCRIPTORS,
            Err(_) => limit.current.unwrap_or(1024),
        };
    };
    if limit.current == Some(hard) {
        return hard;
    }
    let raised = Rlimit {
        current: Some(hard),
        maximum: Some(hard),
    };
    match setrlimit(Resource::Nofile, raised) {
        Ok(()) => hard,
        Err(_) => limit.current.unwrap_or(1024),
    }
}

/// Serves `router` on `listener` within `limits` until `shutdown` completes, then lets the
/// requests in flight finish.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    limits: ConnectionLimits,
    shutdown: impl Future<Output = ()>,
) {
    let router = router.layer(RequestBodyTimeoutLayer::new(limits.body_timeout));
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(limits.header_timeout);
    let permits = Arc::new(Semaphore::new(limits.max_connections));
    let graceful = GracefulShutdown::new();
    tokio::pin!(shutdown);
    loop {
        // A permit first: past the cap, new connections wait in the kernel's queue.
        let permit = tokio::select! {
            permit = permits.clone().acquire_owned() => match permit {
                Ok(permit) => permit,
                Err(_) => break,
            },
            () = &mut shutdown => break,
        };
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(error) => {
                    // Out of descriptors or memory: wait for connections to close.
                    tracing::warn!(%error, "could not accept a connection");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        if let Err(error) = stream.set_nodelay(true) {
            tracing::debug!(%error, "could not set TCP_NODELAY");
        }
        let service = router
            .clone()
            .map_request(move |mut request: Request<Incoming>| {
                request
                    .extensions_mut()
                    .insert(ConnectInfo::<SocketAddr>(peer));
                request
            })
            .map_err(|never: Infallible| match never {});
        let connection =
            http.serve_connection(TokioIo::new(stream), TowerToHyperService::new(service));
        let connection = graceful.watch(connection);
        tokio::spawn(async move {
            if let Err(error) = connection.await {
                tracing::debug!(%error, "connection ended with an error");
            }
            drop(permit);
        });
    }
    graceful.shutdown().await;
}
