//! `/rules`: the platform's rules, as an admin wrote them for this language, or else the
//! rules that come with Tomar.

use askama::Template;
use axum::Router;
use axum::response::Html;
use axum::routing::get;
use tomar_core::body::{Block, LetterBody};

use crate::error::WebError;
use crate::rules::platform::Platform;
use crate::state::AppState;
use crate::view::Shell;
use crate::view::i18n::Tr;
use crate::view::render::render;

pub fn routes() -> Router<AppState> {
    Router::new().route("/rules", get(rules))
}

#[derive(Template)]
#[template(path = "rules.html")]
struct RulesTemplate {
    shell: Shell,
    /// The admin's text, if one is set for this language.
    custom: Option<Vec<Block>>,
}

async fn rules(platform: Platform, tr: Tr) -> Result<Html<String>, WebError> {
    let custom = platform
        .text("rules", tr.code())
        .and_then(|text| LetterBody::parse(text).ok())
        .map(|body| body.blocks());
    render(&RulesTemplate {
        shell: Shell::new(tr, tr.t("rules.title"), "/rules"),
        custom,
    })
}
