//! `/rules`: the platform's rules.

use askama::Template;
use axum::Extension;
use axum::response::Html;

use crate::error::WebError;
use crate::i18n::Tr;
use crate::pages::render;
use crate::view::Shell;

#[derive(Template)]
#[template(path = "rules.html")]
struct RulesTemplate {
    shell: Shell,
}

pub async fn rules(Extension(tr): Extension<Tr>) -> Result<Html<String>, WebError> {
    render(&RulesTemplate {
        shell: Shell::new(tr, tr.t("rules.title"), "/rules"),
    })
}
