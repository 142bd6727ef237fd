//! The discussion of a campaign over JSON, with the rules of the forms
//! (`rules::discussion`). Comments posted here are anonymous unless they give a name.

use axum::Json;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use tomar_core::comment::{Comment, CommentStatus};
use tomar_core::ids::CommentId;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::error::WebError;
use crate::http::extract::{ClientIp, PublicCampaign};
use crate::rules::discussion::{self, CommentInput, THREADS_PER_PAGE, comment_id};
use crate::rules::platform::Platform;
use crate::state::AppState;
use crate::view::i18n::Tr;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(comments, post_comment))
}

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
#[into_params(parameter_in = Query)]
struct ThreadsQuery {
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
async fn comments(
    State(state): State<AppState>,
    PublicCampaign(campaign): PublicCampaign,
    Query(query): Query<ThreadsQuery>,
) -> Result<Json<CommentsPage>, WebError> {
    let after: Option<CommentId> = comment_id(query.after.as_deref())?;
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
        (status = 400, description = "The body is not JSON", content_type = "application/problem+json"),
        (status = 415, description = "The body is not sent as application/json", content_type = "application/problem+json"),
        (status = 201, body = Created),
        (status = 404, description = "No such public campaign", content_type = "application/problem+json"),
        (status = 409, description = "The campaign does not take comments now", content_type = "application/problem+json"),
        (status = 422, description = "A field was refused", content_type = "application/problem+json"),
        (status = 429, description = "Too many posts from this network", content_type = "application/problem+json"),
        (status = 503, description = "Comments are paused on the platform", content_type = "application/problem+json"),
    )
)]
async fn post_comment(
    State(state): State<AppState>,
    tr: Tr,
    platform: Platform,
    ClientIp(peer): ClientIp,
    PublicCampaign(campaign): PublicCampaign,
    Json(request): Json<CommentRequest>,
) -> Result<Response, WebError> {
    let input = CommentInput {
        name: request.name.as_deref().unwrap_or_default(),
        body: &request.body,
        parent: request.parent_id.map(CommentId),
    };
    let id = discussion::post_comment(&state, &platform, &campaign, &input, None, peer, tr)
        .await
        .map_err(|refusal| refusal.into_web_error(tr))?;
    Ok((StatusCode::CREATED, Json(Created { id: id.0 })).into_response())
}
