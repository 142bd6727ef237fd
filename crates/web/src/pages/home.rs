//! `/`: the open campaigns, most-signed first.

use askama::Template;
use axum::Extension;
use axum::extract::State;
use axum::response::Html;
use tomar_core::Timestamp;
use tomar_core::calendar::iran_date;

use crate::AppState;
use crate::error::WebError;
use crate::i18n::Tr;
use crate::pages::render;
use crate::view::{Card, Shell};

const CAMPAIGNS_ON_HOME: u32 = 30;

#[derive(Template)]
#[template(path = "home.html")]
struct HomeTemplate {
    shell: Shell,
    cards: Vec<Card>,
}

#[tracing::instrument(skip_all)]
pub async fn home(
    State(state): State<AppState>,
    Extension(tr): Extension<Tr>,
) -> Result<Html<String>, WebError> {
    let now = Timestamp::now();
    let open = state
        .store
        .open_campaigns(iran_date(now), None, CAMPAIGNS_ON_HOME)
        .await?;
    render(&HomeTemplate {
        shell: Shell::new(tr, tr.t("home.title"), "/"),
        cards: Card::list(&open, tr, now),
    })
}
