//! `/privacy`: what Tomar keeps about a signer, for how long and who sees it, in the
//! visitor's language, with the number of days this platform's admins set.

use askama::Template;
use axum::Router;
use axum::response::Html;
use axum::routing::get;

use crate::error::WebError;
use crate::rules::platform::Platform;
use crate::state::AppState;
use crate::view::Shell;
use crate::view::i18n::Tr;
use crate::view::render::render;

pub fn routes() -> Router<AppState> {
    Router::new().route("/privacy", get(privacy))
}

#[derive(Template)]
#[template(path = "privacy.html")]
struct PrivacyTemplate {
    shell: Shell,
    /// When the traces are erased, with this platform's number of days.
    erased: String,
}

async fn privacy(platform: Platform, tr: Tr) -> Result<Html<String>, WebError> {
    let days = tr.count(u64::from(platform.anonymise_after_days()));
    render(&PrivacyTemplate {
        shell: Shell::new(tr, tr.t("privacy.title"), "/privacy"),
        erased: tr.with("privacy.erased", &[("days", &days)]),
    })
}
