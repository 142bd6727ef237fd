//! Discussion and news under a campaign, without JavaScript:
//!
//! - `GET /{c}/comments/new?reply={id}`: the comment form on a page of its own (the campaign
//!   page embeds it too); with `reply`, it answers that comment. `POST /{c}/comments`
//!   stores it → 303 to the comment on the campaign page, or the form again with a message
//!   beside each refused field. A filled-in honeypot field is thanked and dropped.
//! - `POST /{c}/comments/{id}/flag`: one flag per person.
//! - `GET /{c}/comments?before={id}`: older threads, paged by key.
//! - `GET /{c}/news/new`, `POST /{c}/news`: a news link, waiting for a moderator.

use std::net::SocketAddr;

use askama::Template;
use axum::Extension;
use axum::extract::{ConnectInfo, Form, Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use jiff::Timestamp;
use serde::Deserialize;
use tomar_core::campaign::Campaign;
use tomar_core::ids::CommentId;
use tomar_core::member::Member;
use tomar_core::persian::ascii_digits;

use crate::AppState;
use crate::auth::Viewer;
use crate::csrf::CsrfToken;
use crate::discussion::{self, CommentInput, NewsInput, PostRefused};
use crate::error::{FieldErrors, WebError, field_error};
use crate::i18n::Tr;
use crate::pages::campaign::{Discussion, ThreadView, public_campaign, thread_view};
use crate::pages::{form_page, render};
use crate::platform::Platform;
use crate::view::{Segment, Shell};

/// Threads on one page of the discussion.
pub const THREADS_PER_PAGE: u32 = 20;

/// The comment form: what was typed, the comment it answers, and a message per field.
#[derive(Default)]
pub struct CommentFormView {
    pub name: String,
    pub body: String,
    pub parent: Option<i64>,
    /// `X` of «in reply to X», when answering a comment.
    pub replying_to: Option<String>,
    /// A member's comment carries their display name; there is no name field.
    pub as_member: Option<String>,
    pub errors: FieldErrors,
}

impl CommentFormView {
    pub fn fresh(member: Option<&Member>) -> CommentFormView {
        CommentFormView {
            as_member: member
                .and_then(|m| m.display_name.as_ref())
                .map(ToString::to_string),
            ..CommentFormView::default()
        }
    }

    pub fn error_for(&self, field: &str) -> Option<&str> {
        field_error(&self.errors, field)
    }
}

#[derive(Template)]
#[template(path = "comment_form.html")]
struct CommentFormTemplate {
    shell: Shell,
    href: String,
    title: String,
    csrf: String,
    form: CommentFormView,
}

fn comment_form_page(
    campaign: &Campaign,
    tr: Tr,
    csrf: CsrfToken,
    form: CommentFormView,
) -> Result<Response, WebError> {
    let href = format!("/{}", campaign.path_segment());
    let refused = !form.errors.is_empty();
    let template = CommentFormTemplate {
        shell: Shell::new(
            tr,
            tr.t("discussion.write"),
            &format!("{href}/comments/new"),
        ),
        title: campaign.text.title.to_string(),
        csrf: csrf.0,
        form,
        href,
    };
    form_page(&template, refused)
}

/// The name of a comment's author as the form says «in reply to X».
async fn replying_to(
    state: &AppState,
    campaign: &Campaign,
    parent: i64,
    tr: Tr,
) -> Result<String, WebError> {
    match state.store.comment(CommentId(parent)).await? {
        Some(comment) if comment.campaign_id == campaign.id && comment.parent_id.is_none() => {
            Ok(comment
                .name
                .as_ref()
                .map_or_else(|| tr.t("campaign.anonymous"), ToString::to_string))
        }
        _ => Err(WebError::NotFound),
    }
}

#[derive(Deserialize)]
pub struct ReplyQuery {
    reply: Option<String>,
}

/// A comment id as typed in an address, in any digits.
fn comment_id(text: &str) -> Result<i64, WebError> {
    ascii_digits(text.trim())
        .parse()
        .map_err(|_| WebError::BadRequest)
}

pub async fn comment_form(
    State(state): State<AppState>,
    Extension(tr): Extension<Tr>,
    Extension(csrf): Extension<CsrfToken>,
    Extension(viewer): Extension<Viewer>,
    Path(segment): Path<String>,
    Query(query): Query<ReplyQuery>,
) -> Result<Response, WebError> {
    let campaign = public_campaign(&state, &segment).await?;
    let platform = Platform::new(state.store.settings().await?);
    discussion::ensure_discussion_open(&campaign, &platform, Timestamp::now())?;
    let mut form = CommentFormView::fresh(viewer.member.as_ref());
    if let Some(reply) = query.reply.as_deref() {
        let parent = comment_id(reply)?;
        form.replying_to = Some(replying_to(&state, &campaign, parent, tr).await?);
        form.parent = Some(parent);
    }
    comment_form_page(&campaign, tr, csrf, form)
}

#[derive(Deserialize)]
pub struct CommentForm {
    csrf: String,
    #[serde(default)]
    name: String,
    body: String,
    parent: Option<String>,
    /// The honeypot: hidden from people, filled in by careless robots.
    #[serde(default)]
    website: String,
}

#[tracing::instrument(skip_all, fields(campaign = %segment))]
pub async fn post_comment(
    State(state): State<AppState>,
    Extension(tr): Extension<Tr>,
    Extension(csrf): Extension<CsrfToken>,
    Extension(viewer): Extension<Viewer>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Path(segment): Path<String>,
    Form(form): Form<CommentForm>,
) -> Result<Response, WebError> {
    csrf.verify(&form.csrf)?;
    let campaign = public_campaign(&state, &segment).await?;
    let href = format!("/{}", campaign.path_segment());
    if !form.website.is_empty() {
        return Ok(Redirect::to(&format!("{href}#discussion")).into_response());
    }
    let parent = match form.parent.as_deref().filter(|p| !p.trim().is_empty()) {
        Some(parent) => Some(comment_id(parent)?),
        None => None,
    };
    let input = CommentInput {
        name: &form.name,
        body: &form.body,
        parent,
    };
    let member = viewer.member.as_ref();
    match discussion::post_comment(&state, &campaign, &input, member, peer.ip(), tr).await {
        Ok(id) => Ok(Redirect::to(&format!("{href}#comment-{id}")).into_response()),
        Err(PostRefused::Invalid(errors)) => {
            let replying = match parent {
                Some(parent) => replying_to(&state, &campaign, parent, tr).await.ok(),
                None => None,
            };
            let view = CommentFormView {
                name: form.name.chars().take(200).collect(),
                body: form
                    .body
                    .chars()
                    .take(tomar_core::comment::COMMENT_MAX + 100)
                    .collect(),
                parent,
                replying_to: replying,
                errors,
                ..CommentFormView::fresh(member)
            };
            comment_form_page(&campaign, tr, csrf, view)
        }
        Err(PostRefused::Web(error)) => Err(error),
    }
}

#[derive(Deserialize)]
pub struct FlagForm {
    csrf: String,
}

#[tracing::instrument(skip_all, fields(campaign = %segment))]
pub async fn flag(
    State(state): State<AppState>,
    Extension(csrf): Extension<CsrfToken>,
    Extension(viewer): Extension<Viewer>,
    Path((segment, id)): Path<(String, String)>,
    Form(form): Form<FlagForm>,
) -> Result<Response, WebError> {
    csrf.verify(&form.csrf)?;
    let campaign = public_campaign(&state, &segment).await?;
    let comment = CommentId(comment_id(&id)?);
    let member = viewer.member.as_ref();
    discussion::flag_comment(&state, &campaign, comment, member, &csrf.0).await?;
    Ok(Redirect::to(&format!("/{}#comment-{comment}", campaign.path_segment())).into_response())
}

#[derive(Template)]
#[template(path = "discussion.html")]
struct DiscussionTemplate {
    shell: Shell,
    href: String,
    title: String,
    discussion: Discussion,
}

#[derive(Deserialize)]
pub struct PageQuery {
    before: Option<String>,
}

pub async fn older(
    State(state): State<AppState>,
    Extension(tr): Extension<Tr>,
    Extension(csrf): Extension<CsrfToken>,
    Extension(viewer): Extension<Viewer>,
    Path(segment): Path<String>,
    Query(query): Query<PageQuery>,
) -> Result<Response, WebError> {
    let campaign = public_campaign(&state, &segment).await?;
    let before = match query.before.as_deref().filter(|b| !b.trim().is_empty()) {
        Some(before) => Some(CommentId(comment_id(before)?)),
        None => None,
    };
    let threads = state
        .store
        .comment_threads(campaign.id, before, THREADS_PER_PAGE)
        .await?;
    let href = format!("/{}", campaign.path_segment());
    let platform = Platform::new(state.store.settings().await?);
    let discussion = Discussion::new(
        &campaign,
        &threads,
        THREADS_PER_PAGE,
        &platform,
        csrf,
        viewer.member.as_ref(),
        tr,
    );
    let views: Vec<ThreadView> = threads.iter().filter_map(|t| thread_view(t, tr)).collect();
    if views.is_empty() && before.is_some() {
        return Err(WebError::NotFound);
    }
    Ok(render(&DiscussionTemplate {
        shell: Shell::new(tr, tr.t("campaign.discussion"), &format!("{href}/comments")),
        title: campaign.text.title.to_string(),
        discussion,
        href,
    })?
    .into_response())
}

/// The news form: what was typed and a message per field.
#[derive(Default)]
pub struct NewsFormView {
    pub url: String,
    pub title: String,
    pub errors: FieldErrors,
    pub sent: bool,
}

impl NewsFormView {
    pub fn error_for(&self, field: &str) -> Option<&str> {
        field_error(&self.errors, field)
    }
}

#[derive(Template)]
#[template(path = "news_form.html")]
struct NewsFormTemplate {
    shell: Shell,
    href: String,
    title: String,
    csrf: String,
    form: NewsFormView,
}

fn news_form_page(
    campaign: &Campaign,
    tr: Tr,
    csrf: CsrfToken,
    form: NewsFormView,
) -> Result<Response, WebError> {
    let href = format!("/{}", campaign.path_segment());
    let refused = !form.errors.is_empty();
    let template = NewsFormTemplate {
        shell: Shell::new(
            tr,
            tr.t("discussion.news_title"),
            &format!("{href}/news/new"),
        ),
        title: campaign.text.title.to_string(),
        csrf: csrf.0,
        form,
        href,
    };
    form_page(&template, refused)
}

#[derive(Deserialize)]
pub struct SentQuery {
    sent: Option<String>,
}

pub async fn news_form(
    State(state): State<AppState>,
    Extension(tr): Extension<Tr>,
    Extension(csrf): Extension<CsrfToken>,
    Path(segment): Path<String>,
    Query(query): Query<SentQuery>,
) -> Result<Response, WebError> {
    let campaign = public_campaign(&state, &segment).await?;
    let form = NewsFormView {
        sent: query.sent.is_some(),
        ..NewsFormView::default()
    };
    news_form_page(&campaign, tr, csrf, form)
}

#[derive(Deserialize)]
pub struct NewsForm {
    csrf: String,
    url: String,
    title: String,
}

#[tracing::instrument(skip_all, fields(campaign = %segment))]
pub async fn submit_news(
    State(state): State<AppState>,
    Extension(tr): Extension<Tr>,
    Extension(csrf): Extension<CsrfToken>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Path(segment): Path<String>,
    Form(form): Form<NewsForm>,
) -> Result<Response, WebError> {
    csrf.verify(&form.csrf)?;
    let campaign = public_campaign(&state, &segment).await?;
    let input = NewsInput {
        url: &form.url,
        title: &form.title,
    };
    match discussion::submit_news(&state, &campaign, &input, peer.ip(), tr).await {
        Ok(_) => {
            let sent = format!("/{}/news/new?sent=1", campaign.path_segment());
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
