//! HTML pages: one module per page, or per group of pages at one address, each with its
//! own `routes()`. A handler names what it needs in its arguments (the extractors of
//! `http`), asks the rules or the store, shapes the answer with `view` and renders a
//! template; it never builds an error body itself. No page module uses another: what two
//! pages share lives in `rules` or `view`.

mod admin;
mod answer;
mod authoring;
mod campaign;
mod delivery;
mod discussion;
mod feeds;
mod hashtag;
mod held;
mod home;
mod images;
mod listing;
mod login;
mod me;
mod moderation;
mod news;
mod platform_rules;
mod privacy;
mod questions;
mod responses;
mod search;
mod signature_log;
mod signatures;
mod signing;
mod withdraw;

use axum::Router;

use crate::state::AppState;

/// The pages a surge reads, the same for every visitor not logged in: answered from memory
/// for them (see `http::page_cache`).
pub fn shared_routes() -> Router<AppState> {
    Router::new()
        .merge(home::routes())
        .merge(listing::routes())
        .merge(search::routes())
        .merge(hashtag::routes())
        .merge(campaign::routes())
}

/// Every other page.
pub fn routes() -> Router<AppState> {
    Router::new()
        .merge(answer::routes())
        .merge(feeds::routes())
        .merge(images::routes())
        .merge(signature_log::routes())
        .merge(platform_rules::routes())
        .merge(privacy::routes())
        .merge(responses::routes())
        .merge(held::routes())
        .merge(signatures::routes())
        .merge(signing::routes())
        .merge(discussion::routes())
        .merge(news::routes())
        .merge(withdraw::routes())
        .merge(login::routes())
        .merge(me::routes())
        .merge(authoring::routes())
        .merge(questions::routes())
        .merge(moderation::routes())
        .merge(admin::routes())
        .merge(delivery::routes())
}
