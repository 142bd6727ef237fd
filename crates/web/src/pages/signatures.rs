//! `/{id-or-slug}/signatures`: the full public list of a campaign's signers, newest first,
//! paged by signature number.

use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::response::Html;
use axum::routing::get;
use serde::Deserialize;

use crate::error::WebError;
use crate::http::extract::PublicCampaign;
use crate::rules::signatures::signers_page;
use crate::state::AppState;
use crate::view::Shell;
use crate::view::i18n::Tr;
use crate::view::render::render;
use crate::view::signing::Signer;

pub fn routes() -> Router<AppState> {
    Router::new().route("/{campaign}/signatures", get(signatures_page))
}

#[derive(Deserialize)]
struct SignaturesQuery {
    after: Option<String>,
}

#[derive(Template)]
#[template(path = "signatures.html")]
struct SignaturesTemplate {
    shell: Shell,
    href: String,
    title: String,
    count: String,
    signers: Vec<Signer>,
    next_href: Option<String>,
}

#[tracing::instrument(skip_all, fields(campaign = %campaign.id))]
async fn signatures_page(
    State(state): State<AppState>,
    tr: Tr,
    PublicCampaign(campaign): PublicCampaign,
    Query(query): Query<SignaturesQuery>,
) -> Result<Html<String>, WebError> {
    let (page, next) = signers_page(&state, &campaign, query.after.as_deref()).await?;
    let href = campaign.path();
    let next_href = next.map(|after| format!("{href}/signatures?after={after}"));
    let title = tr.with(
        "signatures.title",
        &[("title", campaign.text.title.as_ref())],
    );
    render(&SignaturesTemplate {
        shell: Shell::new(tr, title.clone(), &format!("{href}/signatures")),
        title,
        count: tr.with(
            "signatures.count",
            &[("count", &tr.count(campaign.signature_count))],
        ),
        signers: page.iter().map(|s| Signer::new(s, tr)).collect(),
        next_href,
        href,
    })
}
