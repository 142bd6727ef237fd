//! What `/metrics` reports, in Prometheus text: every request's route, method, status and
//! time (recorded here), and what the store's writer, its caches and the outbox worker
//! record into the same process-wide recorder. Served only when an operator configured a
//! token, and only to a scraper that presents it.

use std::sync::OnceLock;
use std::time::{Duration, Instant};

use axum::extract::{MatchedPath, Request};
use axum::http::header::AUTHORIZATION;
use axum::http::{HeaderMap, Method};
use axum::middleware::Next;
use axum::response::Response;
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use tomar_core::hash::constant_time_eq;

/// Upper bounds of the time histograms, in seconds: from a page from memory to a stall.
const SECONDS: [f64; 12] = [
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5,
];
/// Upper bounds of the writer's batch sizes and the outbox's rounds.
const SIZES: [f64; 10] = [1.0, 2.0, 5.0, 10.0, 20.0, 50.0, 100.0, 200.0, 500.0, 1000.0];
/// How often histograms are folded, so that samples between scrapes do not pile up.
const UPKEEP_EVERY: Duration = Duration::from_secs(5);

/// The `/metrics` endpoint: the recorder's handle and the token a scraper must present.
pub struct MetricsEndpoint {
    handle: PrometheusHandle,
    token: String,
}

impl MetricsEndpoint {
    /// Installs the process's recorder and answers the endpoint guarded by `token`. A
    /// recorder is global, so a second app in one process (as in the tests) shares it.
    pub fn install(token: String) -> MetricsEndpoint {
        static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
        let handle = HANDLE.get_or_init(|| {
            let handle = PrometheusBuilder::new()
                .set_buckets_for_metric(Matcher::Suffix("_seconds".into()), &SECONDS)
                .and_then(|builder| {
                    builder.set_buckets_for_metric(Matcher::Suffix("_size".into()), &SIZES)
                })
                .and_then(|builder| {
                    builder.set_buckets_for_metric(Matcher::Suffix("_messages".into()), &SIZES)
                })
                .and_then(PrometheusBuilder::install_recorder)
                .expect("fixed buckets, and the only recorder of the process");
            let upkeep = handle.clone();
            std::thread::spawn(move || {
                loop {
                    std::thread::sleep(UPKEEP_EVERY);
                    upkeep.run_upkeep();
                }
            });
            handle
        });
        MetricsEndpoint {
            handle: handle.clone(),
            token,
        }
    }

    /// Whether the request carries `Authorization: Bearer <token>`.
    pub fn admits(&self, headers: &HeaderMap) -> bool {
        headers
            .get(AUTHORIZATION)
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.strip_prefix("Bearer "))
            .is_some_and(|token| constant_time_eq(token.as_bytes(), self.token.as_bytes()))
    }

    /// Everything recorded so far, as Prometheus text.
    pub fn render(&self) -> String {
        self.handle.render()
    }
}

/// Records each request under its route's pattern (`/{campaign}`, never the path itself,
/// which would name campaigns and tokens and grow without end), its method and status.
pub async fn record(request: Request, next: Next) -> Response {
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_owned(), |path| path.as_str().to_owned());
    // Any token is a method to HTTP: an unknown one is "other", or a client could mint
    // series without end.
    let method = match *request.method() {
        Method::GET => "GET",
        Method::HEAD => "HEAD",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::PATCH => "PATCH",
        Method::DELETE => "DELETE",
        Method::OPTIONS => "OPTIONS",
        _ => "other",
    };
    let started = Instant::now();
    let response = next.run(request).await;
    let status = response.status().as_u16().to_string();
    metrics::histogram!(
        "tomar_http_request_seconds",
        "route" => route.clone(),
        "method" => method
    )
    .record(started.elapsed().as_secs_f64());
    metrics::counter!(
        "tomar_http_requests_total",
        "route" => route,
        "method" => method,
        "status" => status
    )
    .increment(1);
    response
}
