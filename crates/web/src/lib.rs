//! Tomar's web layer: the router, its middleware, pages, templates and assets. It knows
//! HTTP and the store's interface, never SQL.

mod api;
mod assets;
mod auth;
mod codes;
mod cookies;
mod csrf;
mod discussion;
mod editor;
mod error;
mod i18n;
mod localize;
mod pages;
mod platform;
pub mod random;
mod security;
mod signing;
mod suggestions;
mod transitions;
mod trending;
mod updates;
mod view;

use axum::Router;
use axum::extract::State;
use axum::middleware::{from_fn, from_fn_with_state};
use axum::routing::{get, post};
use std::sync::Arc;

use tokio::sync::Notify;
use tomar_core::secret::Secret;
use tomar_store::{SigningWriter, Store};

pub use error::WebError;
pub use security::CONTENT_SECURITY_POLICY_VALUE;
pub use trending::Trending;

/// What every handler shares.
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
}

/// All of Tomar's routes with their middleware, ready to serve.
pub fn router(state: AppState) -> Router {
    let (api, _) = api::router();
    Router::new()
        .merge(api)
        .route("/", get(pages::home::home))
        .route("/rules", get(pages::rules::rules))
        .route("/campaigns", get(pages::listing::campaigns))
        .route("/search", get(pages::search::search))
        .route("/feed.atom", get(pages::feeds::new_campaigns))
        .route("/{campaign}/feed.atom", get(pages::feeds::campaign_updates))
        .route("/hashtag/{tag}", get(pages::hashtag::hashtag))
        .route("/{campaign}", get(pages::campaign::campaign_page))
        .route(
            "/{campaign}/signatures",
            get(pages::campaign::signatures_page),
        )
        .route(
            "/{campaign}/sign",
            get(pages::signing::sign_page).post(pages::signing::request_code),
        )
        .route(
            "/{campaign}/verify/{verification}",
            get(pages::signing::code_page).post(pages::signing::confirm_code),
        )
        .route(
            "/{campaign}/verify/{verification}/resend",
            post(pages::signing::resend_code),
        )
        .route(
            "/{campaign}/signed",
            get(pages::signing::member_thanks_page),
        )
        .route(
            "/{campaign}/signed/{verification}",
            get(pages::signing::thanks_page),
        )
        .route(
            "/login",
            get(pages::login::login_page).post(pages::login::request_code),
        )
        .route(
            "/login/{verification}",
            get(pages::login::code_page).post(pages::login::confirm_code),
        )
        .route("/logout", post(pages::login::logout))
        .route("/me", get(pages::me::me))
        .route(
            "/new",
            get(pages::authoring::new_page).post(pages::authoring::create),
        )
        .route("/admin", get(pages::admin::admin_page))
        .route("/admin/grant", post(pages::admin::grant))
        .route("/admin/members/{id}/role", post(pages::admin::set_role))
        .route("/admin/reasons", post(pages::admin::add_reason))
        .route("/admin/reasons/{id}", post(pages::admin::set_reason_active))
        .route("/admin/settings", post(pages::admin::save_settings))
        .route("/moderation", get(pages::moderation::queue))
        .route("/moderation/log", get(pages::moderation::log))
        .route(
            "/moderation/comments/{id}/{action}",
            post(pages::moderation::review_comment),
        )
        .route(
            "/moderation/news/{id}/{action}",
            post(pages::moderation::review_news),
        )
        .route(
            "/moderation/campaigns/{id}",
            get(pages::moderation::review_page),
        )
        .route(
            "/moderation/campaigns/{id}/{action}",
            post(pages::moderation::act),
        )
        .route(
            "/me/campaigns/{id}",
            get(pages::authoring::campaign_page).post(pages::authoring::edit),
        )
        .route(
            "/me/campaigns/{id}/updates",
            post(pages::authoring::post_author_update),
        )
        .route("/me/name", post(pages::me::set_name))
        .route(
            "/me/signatures/{campaign}/withdraw",
            post(pages::me::withdraw),
        )
        .route(
            "/{campaign}/comments",
            get(pages::discussion::older).post(pages::discussion::post_comment),
        )
        .route(
            "/{campaign}/comments/new",
            get(pages::discussion::comment_form),
        )
        .route(
            "/{campaign}/comments/{id}/flag",
            post(pages::discussion::flag),
        )
        .route("/{campaign}/news/new", get(pages::discussion::news_form))
        .route("/{campaign}/news", post(pages::discussion::submit_news))
        .route(
            "/withdraw/{token}",
            get(pages::withdraw::confirm_page).post(pages::withdraw::withdraw),
        )
        .fallback(|| async { WebError::NotFound })
        .layer(from_fn_with_state(state.clone(), auth::identify))
        // Added after `identify`, so fonts, styles and health checks never look up a member.
        .route("/healthz", get(health))
        .route("/static/{name}", get(assets::asset))
        .layer(from_fn(csrf::csrf))
        .layer(from_fn(localize::localize))
        .layer(from_fn(security::secure_headers))
        .with_state(state)
}

/// Liveness with a real database round trip, for load balancers and `tomar serve` checks.
async fn health(State(state): State<AppState>) -> Result<&'static str, WebError> {
    state.store.campaign_count().await?;
    Ok("ok")
}
