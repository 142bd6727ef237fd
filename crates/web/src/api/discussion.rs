//! The discussion and news of a campaign over JSON, with the rules of the forms
//! (`crate::discussion`). Comments posted here are anonymous unless they give a name.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use serde::{Deserialize, Serialize};
use tomar_core::comment::{Comment, CommentStatus};
use tomar_core::ids::CommentId;
use tomar_core::news::NewsStatus;
use tomar_core::persian::ascii_digits;
use utoipa::{IntoParams, ToSchema};

use crate::AppState;
use crate::discussion::{self, CommentInput, NewsInput};
use crate::error::WebError;
use crate::i18n::Tr;
use crate::pages::campaign::public_campaign;
use crate::pages::discussion::THREADS_PER_PAGE;

#[derive(Serialize, ToSchema)]
pub struct CommentJson {
    id: i64,
    /// `null` for an anonymous author, and for a comment the moderators removed.
    name: Option<String>,
    /// Plain text with line breaks; `null` for a comment the moderators removed.
    body: Option<String>,
    /// The moderators removed this comment; its replies still stand.
    removed: bool,
    /// RFC 3339, UTC.
    created_at: String,
}

impl CommentJson {
    fn new(comment: &Comment) -> CommentJson {
        let visible = comment.status == CommentStatus::Visible;
        CommentJson {
            id: comment.id.0,
            name: comment
                .name
                .as_ref()
                .filter(|_| visible)
                .map(ToString::to_string),
            body: visible.then(|| comment.body.as_ref().to_owned()),
            removed: !visible,
            created_at: comment.created_at.to_string(),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct ThreadJson {
    comment: CommentJson,
    /// Visible replies, oldest first.
    replies: Vec<CommentJson>,
}

#[derive(Serialize, ToSchema)]
pub struct CommentsPage {
    /// Threads, newest first.
    items: Vec<ThreadJson>,
    /// Pass as `after` for the next page; `null` on the last.
    next: Option<i64>,
}

#[derive(Deserialize, IntoParams)]
pub struct ThreadsQuery {
    /// The `next` of the previous page.
    after: Option<String>,
}

/// A campaign's discussion, newest threads first, paged by key.
#[utoipa::path(
    get,
    path = "/api/v1/campaigns/{campaign}/comments",
    params(("campaign" = String, Path, description = "The campaign's number or slug"), ThreadsQuery),
    responses(
        (status = 200, body = CommentsPage),
        (status = 400, description = "A malformed cursor", content_type = "application/problem+json"),
        (status = 404, description = "No such public campaign", content_type = "application/problem+json"),
    )
)]
pub async fn comments(
    State(state): State<AppState>,
    Path(segment): Path<String>,
    Query(query): Query<ThreadsQuery>,
) -> Result<Json<CommentsPage>, WebError> {
    let campaign = public_campaign(&state, &segment).await?;
    let after = match query.after.as_deref().map(|a| ascii_digits(a.trim())) {
        Some(digits) if !digits.is_empty() => {
            Some(CommentId(digits.parse().map_err(|_| WebError::BadRequest)?))
        }
        _ => None,
    };
    let threads = state
        .store
        .comment_threads(campaign.id, after, THREADS_PER_PAGE)
        .await?;
    let next = (threads.len() == THREADS_PER_PAGE as usize)
        .then(|| threads.last().map(|t| t.comment.id.0))
        .flatten();
    let items = threads
        .iter()
        .filter_map(|thread| {
            let replies: Vec<CommentJson> = thread
                .replies
                .iter()
                .filter(|r| r.status == CommentStatus::Visible)
                .map(CommentJson::new)
                .collect();
            let shown = thread.comment.status == CommentStatus::Visible || !replies.is_empty();
            shown.then(|| ThreadJson {
                comment: CommentJson::new(&thread.comment),
                replies,
            })
        })
        .collect();
    Ok(Json(CommentsPage { items, next }))
}

#[derive(Deserialize, ToSchema)]
pub struct CommentRequest {
    /// Empty or absent for an anonymous comment.
    #[serde(default)]
    name: Option<String>,
    /// Plain text, at most 2,000 characters.
    body: String,
    /// The top-level comment this answers.
    #[serde(default)]
    parent_id: Option<i64>,
}

#[derive(Serialize, ToSchema)]
pub struct Created {
    id: i64,
}

/// Posts a comment, or a reply to a top-level comment.
#[utoipa::path(
    post,
    path = "/api/v1/campaigns/{campaign}/comments",
    params(("campaign" = String, Path, description = "The campaign's number or slug")),
    request_body = CommentRequest,
    responses(
        (status = 201, body = Created),
        (status = 404, description = "No such public campaign", content_type = "application/problem+json"),
        (status = 409, description = "The campaign does not take comments now", content_type = "application/problem+json"),
        (status = 422, description = "A field was refused", content_type = "application/problem+json"),
        (status = 429, description = "Too many posts from this network", content_type = "application/problem+json"),
        (status = 503, description = "Comments are paused on the platform", content_type = "application/problem+json"),
    )
)]
pub async fn post_comment(
    State(state): State<AppState>,
    Extension(tr): Extension<Tr>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Path(segment): Path<String>,
    Json(request): Json<CommentRequest>,
) -> Result<Response, WebError> {
    let campaign = public_campaign(&state, &segment).await?;
    let input = CommentInput {
        name: request.name.as_deref().unwrap_or_default(),
        body: &request.body,
        parent: request.parent_id,
    };
    let id = discussion::post_comment(&state, &campaign, &input, None, peer.ip(), tr)
        .await
        .map_err(|refusal| refusal.into_web_error(tr))?;
    Ok((StatusCode::CREATED, Json(Created { id: id.0 })).into_response())
}

#[derive(Serialize, ToSchema)]
pub struct NewsJson {
    title: String,
    url: String,
    /// The host of the address, as shown beside the title.
    host: String,
    /// RFC 3339, UTC.
    created_at: String,
}

/// A campaign's approved news links, newest first.
#[utoipa::path(
    get,
    path = "/api/v1/campaigns/{campaign}/news",
    params(("campaign" = String, Path, description = "The campaign's number or slug")),
    responses(
        (status = 200, body = Vec<NewsJson>),
        (status = 404, description = "No such public campaign", content_type = "application/problem+json"),
    )
)]
pub async fn news(
    State(state): State<AppState>,
    Path(segment): Path<String>,
) -> Result<Json<Vec<NewsJson>>, WebError> {
    let campaign = public_campaign(&state, &segment).await?;
    let links = state
        .store
        .news_links(campaign.id, NewsStatus::Approved)
        .await?;
    Ok(Json(
        links
            .iter()
            .map(|link| NewsJson {
                title: link.title.to_string(),
                url: link.url.clone(),
                host: link.source_host.clone(),
                created_at: link.created_at.to_string(),
            })
            .collect(),
    ))
}

#[derive(Deserialize, ToSchema)]
pub struct NewsRequest {
    /// An http or https address, at most 2,000 characters, without credentials.
    url: String,
    title: String,
}

#[derive(Serialize, ToSchema)]
pub struct NewsReceived {
    /// Always `pending`: a moderator reviews it before it is shown.
    status: &'static str,
}

/// Submits a news link about a campaign; it waits for a moderator.
#[utoipa::path(
    post,
    path = "/api/v1/campaigns/{campaign}/news",
    params(("campaign" = String, Path, description = "The campaign's number or slug")),
    request_body = NewsRequest,
    responses(
        (status = 202, body = NewsReceived),
        (status = 404, description = "No such public campaign", content_type = "application/problem+json"),
        (status = 422, description = "A field was refused, or the address was already submitted", content_type = "application/problem+json"),
        (status = 429, description = "Too many posts from this network", content_type = "application/problem+json"),
    )
)]
pub async fn submit_news(
    State(state): State<AppState>,
    Extension(tr): Extension<Tr>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Path(segment): Path<String>,
    Json(request): Json<NewsRequest>,
) -> Result<Response, WebError> {
    let campaign = public_campaign(&state, &segment).await?;
    let input = NewsInput {
        url: &request.url,
        title: &request.title,
    };
    discussion::submit_news(&state, &campaign, &input, peer.ip(), tr)
        .await
        .map_err(|refusal| refusal.into_web_error(tr))?;
    let received = NewsReceived { status: "pending" };
    Ok((StatusCode::ACCEPTED, Json(received)).into_response())
}
