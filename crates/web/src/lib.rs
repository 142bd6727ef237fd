//! Tomar's web layer: the router, its middleware, pages, the JSON API, templates and
//! assets. It knows HTTP and the store's interface, never SQL.
//!
//! The folders name the layers, and each points only downwards: `pages` and `api` (one
//! module per page or feature, each with its `routes()`) use `http` (middleware and
//! extractors), `rules` (what the platform allows) and `view` (what templates show);
//! `http` uses `rules`; `rules` and `view` use neither.

mod api;
mod assets;
mod error;
mod http;
mod ops;
mod pages;
mod rules;
mod state;
mod view;

use axum::Router;
use axum::middleware::{from_fn, from_fn_with_state};
use tower_http::compression::CompressionLayer;
use tower_http::compression::predicate::{DefaultPredicate, NotForContentType, Predicate};

pub use assets::href as asset_href;
pub use error::WebError;
pub use http::metrics::MetricsEndpoint;
pub use http::page_cache::PageCache;
pub use http::proxies::TrustedProxies;
pub use http::security::CONTENT_SECURITY_POLICY_VALUE;
pub use rules::checkpoints::Checkpoints;
pub use rules::delivery::{PackageOf, pdf_package, volumes};
pub use rules::platform::Platform;
pub use rules::random;
pub use rules::trending::Trending;
pub use state::AppState;
pub use view::delivery::Volume;
pub use view::i18n::Tr;

/// All of Tomar's routes with their middleware, ready to serve. Middleware runs outermost
/// first: the request's metrics (when `/metrics` is configured), gzip for whoever accepts
/// it, security headers, language (and error pages), the CSRF token, who is asking.
pub fn router(state: AppState) -> Router {
    let routes = Router::new()
        .merge(pages::shared_routes().route_layer(from_fn_with_state(
            state.clone(),
            http::public_pages::from_memory,
        )))
        .merge(pages::routes())
        .merge(api::routes())
        .fallback(|| async { WebError::NotFound })
        .layer(from_fn_with_state(state.clone(), http::auth::identify))
        // Merged after `identify`, so fonts, styles and health checks never look up a member.
        .merge(assets::routes())
        .merge(ops::routes())
        .layer(from_fn_with_state(state.clone(), http::csrf::csrf))
        .layer(from_fn(http::language::localize))
        .layer(from_fn_with_state(
            state.clone(),
            http::security::secure_headers,
        ))
        // Pages, styles and JSON shrink to a fraction on a phone's connection; fonts are
        // compressed already.
        .layer(
            CompressionLayer::new()
                .compress_when(DefaultPredicate::new().and(NotForContentType::const_new("font/"))),
        );
    let routes = match state.metrics {
        Some(_) => routes.layer(from_fn(http::metrics::record)),
        None => routes,
    };
    routes.with_state(state)
}
