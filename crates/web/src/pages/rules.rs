//! `/rules`: the platform's rules, as an admin wrote them for this language, or else the
//! rules that come with Tomar.

use askama::Template;
use axum::Extension;
use axum::extract::State;
use axum::response::Html;
use tomar_core::body::{Block, LetterBody};

use crate::AppState;
use crate::error::WebError;
use crate::i18n::Tr;
use crate::pages::render;
use crate::platform::Platform;
use crate::view::Shell;

#[derive(Template)]
#[template(path = "rules.html")]
struct RulesTemplate {
    shell: Shell,
    /// The admin's text, if one is set for this language.
    custom: Option<Vec<Block>>,
}

pub async fn rules(
    State(state): State<AppState>,
    Extension(tr): Extension<Tr>,
) -> Result<Html<String>, WebError> {
    let platform = Platform::new(state.store.settings().await?);
    let custom = platform
        .text("rules", tr.code())
        .and_then(|text| LetterBody::parse(text).ok())
        .map(|body| body.blocks());
    render(&RulesTemplate {
        shell: Shell::new(tr, tr.t("rules.title"), "/rules"),
        custom,
    })
}
