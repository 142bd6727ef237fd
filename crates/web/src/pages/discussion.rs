//! The discussion under a campaign, without JavaScript:
//!
//! - `GET /{c}/comments/new?reply={id}`: the comment form on a page of its own (the campaign
//!   page embeds it too); with `reply`, it answers that comment. `POST /{c}/comments`
//!   stores it → 303 to the comment on the campaign page, or the form again with a message
//!   beside each refused field. A filled-in honeypot field is thanked and dropped.
//! - `POST /{c}/comments/{id}/flag`: one flag per person.
//! - `GET /{c}/comments?before={id}`: older threads, paged by key.

use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use jiff::Timestamp;
use serde::Deserialize;
use tomar_core::campaign::Campaign;
use tomar_core::comment::COMMENT_MAX;
use tomar_core::ids::CommentId;

use crate::error::WebError;
use crate::http::auth::Viewer;
use crate::http::csrf::{CsrfToken, PublicForm};
use crate::http::extract::{ClientIp, PublicCampaign};
use crate::rules::discussion::{
    self, CommentInput, PostRefused, THREADS_PER_PAGE, comment_id, reply_target,
};
use crate::rules::platform::Platform;
use crate::state::AppState;
use crate::view::discussion::{Answered, CommentFormView, Discussion, ThreadView, thread_view};
use crate::view::i18n::Tr;
use crate::view::render::{form_page, render};
use crate::view::{CampaignHead, Shell};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/{campaign}/comments", get(older).post(post_comment))
        .route("/{campaign}/comments/new", get(comment_form))
        .route("/{campaign}/comments/{id}/flag", post(flag))
}

#[derive(Template)]
#[template(path = "comment_form.html")]
struct CommentFormTemplate {
    shell: Shell,
    head: CampaignHead,
    csrf: Option<String>,
    form: CommentFormView,
}

fn comment_form_page(
    campaign: &Campaign,
    tr: Tr,
    csrf: CsrfToken,
    form: CommentFormView,
) -> Result<Response, WebError> {
    let head = CampaignHead::of(campaign);
    let refused = !form.errors.is_empty();
    let template = CommentFormTemplate {
        shell: head.shell(tr, tr.t("discussion.write"), "/comments/new"),
        head,
        csrf: Some(csrf.0),
        form,
    };
    form_page(&template, refused)
}

#[derive(Deserialize)]
struct ReplyQuery {
    reply: Option<String>,
}

async fn comment_form(
    State(state): State<AppState>,
    tr: Tr,
    csrf: CsrfToken,
    viewer: Viewer,
    platform: Platform,
    PublicCampaign(campaign): PublicCampaign,
    Query(query): Query<ReplyQuery>,
) -> Result<Response, WebError> {
    discussion::ensure_discussion_open(&campaign, &platform, Timestamp::now())?;
    let mut form = CommentFormView::fresh(viewer.member.as_ref());
    if let Some(parent) = comment_id(query.reply.as_deref())? {
        let answered = reply_target(&state, &campaign, parent).await?;
        form.replying_to = Some(Answered::of(&answered, tr));
        form.parent = Some(parent.0);
    }
    comment_form_page(&campaign, tr, csrf, form)
}

#[derive(Deserialize)]
struct CommentForm {
    #[serde(default)]
    name: String,
    body: String,
    parent: Option<String>,
    /// The honeypot: hidden from people, filled in by careless robots.
    #[serde(default)]
    website: String,
}

#[tracing::instrument(skip_all, fields(campaign = %campaign.id))]
#[expect(
    clippy::too_many_arguments,
    reason = "each argument is an extractor: what the request must carry, not a parameter"
)]
async fn post_comment(
    State(state): State<AppState>,
    tr: Tr,
    csrf: CsrfToken,
    viewer: Viewer,
    platform: Platform,
    ClientIp(peer): ClientIp,
    PublicCampaign(campaign): PublicCampaign,
    PublicForm(form): PublicForm<CommentForm>,
) -> Result<Response, WebError> {
    let href = campaign.path();
    if !form.website.is_empty() {
        return Ok(Redirect::to(&format!("{href}#discussion")).into_response());
    }
    let parent = comment_id(form.parent.as_deref())?;
    let input = CommentInput {
        name: &form.name,
        body: &form.body,
        parent,
    };
    let member = viewer.member.as_ref();
    match discussion::post_comment(&state, &platform, &campaign, &input, member, peer, tr).await {
        Ok(id) => Ok(Redirect::to(&format!("{href}#comment-{id}")).into_response()),
        Err(PostRefused::Invalid(errors)) => {
            let replying = match parent {
                Some(parent) => reply_target(&state, &campaign, parent)
                    .await
                    .ok()
                    .map(|answered| Answered::of(&answered, tr)),
                None => None,
            };
            let view = CommentFormView {
                name: form.name.chars().take(200).collect(),
                body: form.body.chars().take(COMMENT_MAX + 100).collect(),
                parent: parent.map(|id| id.0),
                replying_to: replying,
                errors,
                ..CommentFormView::fresh(member)
            };
            comment_form_page(&campaign, tr, csrf, view)
        }
        Err(PostRefused::Web(error)) => Err(error),
    }
}

/// A flag carries nothing but its token.
#[derive(Deserialize)]
struct FlagForm {}

/// The `{id}` of a comment's address.
#[derive(Deserialize)]
struct CommentPath {
    id: String,
}

#[tracing::instrument(skip_all, fields(campaign = %campaign.id))]
async fn flag(
    State(state): State<AppState>,
    viewer: Viewer,
    platform: Platform,
    ClientIp(peer): ClientIp,
    PublicCampaign(campaign): PublicCampaign,
    Path(CommentPath { id }): Path<CommentPath>,
    PublicForm(FlagForm {}): PublicForm<FlagForm>,
) -> Result<Response, WebError> {
    let comment = comment_id(Some(&id))?.ok_or(WebError::BadRequest)?;
    let member = viewer.member.as_ref();
    discussion::flag_comment(&state, &platform, &campaign, comment, member, peer).await?;
    // Back where the person was, with a word that the report arrived.
    let back = format!("{}?reported={comment}#reported", campaign.path());
    Ok(Redirect::to(&back).into_response())
}

#[derive(Template)]
#[template(path = "discussion.html")]
struct DiscussionTemplate {
    shell: Shell,
    head: CampaignHead,
    discussion: Discussion,
}

#[derive(Deserialize)]
struct PageQuery {
    before: Option<String>,
}

async fn older(
    State(state): State<AppState>,
    tr: Tr,
    csrf: CsrfToken,
    viewer: Viewer,
    platform: Platform,
    PublicCampaign(campaign): PublicCampaign,
    Query(query): Query<PageQuery>,
) -> Result<Response, WebError> {
    let before: Option<CommentId> = comment_id(query.before.as_deref())?;
    let threads = state
        .store
        .comment_threads(campaign.id, before, THREADS_PER_PAGE)
        .await?;
    let open = discussion::ensure_discussion_open(&campaign, &platform, Timestamp::now()).is_ok();
    let discussion = Discussion::new(
        &campaign,
        &threads,
        THREADS_PER_PAGE,
        open,
        Some(csrf.0),
        viewer.member.as_ref(),
        tr,
    );
    let views: Vec<ThreadView> = threads.iter().filter_map(|t| thread_view(t, tr)).collect();
    if views.is_empty() && before.is_some() {
        return Err(WebError::NotFound);
    }
    let head = CampaignHead::of(&campaign);
    Ok(render(&DiscussionTemplate {
        shell: head.shell(tr, tr.t("campaign.discussion"), "/comments"),
        head,
        discussion,
    })?
    .into_response())
}
