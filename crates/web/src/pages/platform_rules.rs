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
    rules: Vec<Block>,
}

async fn rules(platform: Platform, tr: Tr) -> Result<Html<String>, WebError> {
    let rules = LetterBody::parse(&platform.text("rules", tr))
        .map(|body| body.blocks())
        .unwrap_or_default();
    render(&RulesTemplate {
        shell: Shell::new(tr, tr.t("rules.title"), "/rules"),
        rules,
    })
}
