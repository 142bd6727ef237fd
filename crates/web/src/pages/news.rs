//! News of a campaign, without JavaScript: `GET /{c}/news/new` shows the form for a link to
//! a news story about it, `POST /{c}/news` submits it, to show once a moderator approves it.

use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde::Deserialize;
use tomar_core::campaign::Campaign;

use crate::error::WebError;
use crate::http::csrf::{CsrfForm, CsrfToken};
use crate::http::extract::{ClientIp, PublicCampaign};
use crate::rules::discussion::{self, NewsInput, PostRefused};
use crate::rules::platform::Platform;
use crate::state::AppState;
use crate::view::discussion::NewsFormView;
use crate::view::i18n::Tr;
use crate::view::render::form_page;
use crate::view::{CampaignHead, Shell};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/{campaign}/news/new", get(news_form))
        .route("/{campaign}/news", post(submit_news))
}

#[derive(Template)]
#[template(path = "news_form.html")]
struct NewsFormTemplate {
    shell: Shell,
    head: CampaignHead,
    csrf: String,
    form: NewsFormView,
}

fn news_form_page(
    campaign: &Campaign,
    tr: Tr,
    csrf: CsrfToken,
    form: NewsFormView,
) -> Result<Response, WebError> {
    let head = CampaignHead::of(campaign);
    let refused = !form.errors.is_empty();
    let template = NewsFormTemplate {
        shell: head.shell(tr, tr.t("discussion.news_title"), "/news/new"),
        head,
        csrf: csrf.0,
        form,
    };
    form_page(&template, refused)
}

#[derive(Deserialize)]
struct SentQuery {
    sent: Option<String>,
}

async fn news_form(
    tr: Tr,
    csrf: CsrfToken,
    PublicCampaign(campaign): PublicCampaign,
    Query(query): Query<SentQuery>,
) -> Result<Response, WebError> {
    let form = NewsFormView {
        sent: query.sent.is_some(),
        ..NewsFormView::default()
    };
    news_form_page(&campaign, tr, csrf, form)
}

#[derive(Deserialize)]
struct NewsForm {
    url: String,
    title: String,
}

#[tracing::instrument(skip_all, fields(campaign = %campaign.id))]
async fn submit_news(
    State(state): State<AppState>,
    tr: Tr,
    csrf: CsrfToken,
    platform: Platform,
    ClientIp(peer): ClientIp,
    PublicCampaign(campaign): PublicCampaign,
    CsrfForm(form): CsrfForm<NewsForm>,
) -> Result<Response, WebError> {
    let input = NewsInput {
        url: &form.url,
        title: &form.title,
    };
    match discussion::submit_news(&state, &platform, &campaign, &input, peer, tr).await {
        Ok(_) => {
            let sent = format!("{}/news/new?sent=1", campaign.path());
            Ok(Redirect::to(&sent).into_response())
        }
        Err(PostRefused::Invalid(errors)) => {
            let view = NewsFormView {
                url: form.url.chars().take(2100).collect(),
                title: form.title.chars().take(400).collect(),
                errors,
                sent: false,
            };
            news_form_page(&campaign, tr, csrf, view)
        }
        Err(PostRefused::Web(error)) => Err(error),
    }
}
