//! The rules of public discussion and news, shared by the pages and the JSON API: when a
//! campaign takes comments, how often a network may post, what a comment or a news link may
//! be, and flags. Handlers only translate requests and answers.

use std::net::IpAddr;

use jiff::Timestamp;
use tomar_core::campaign::Campaign;
use tomar_core::comment::{Comment, Flagger, NewComment, parse_comment_body};
use tomar_core::ids::{CommentId, NewsLinkId};
use tomar_core::lifecycle::Status;
use tomar_core::member::Member;
use tomar_core::names::{InputError, Line, PersonName};
use tomar_core::news::{NewNewsLink, NewsUrl};
use tomar_core::persian::ascii_digits;
use tomar_store::{Counter, StoreError};

use crate::error::{FieldErrors, Limited, WebError};
use crate::rules::platform::{Platform, network_key};
use crate::state::AppState;
use crate::view::i18n::Tr;

/// The longest news title, in characters.
pub const NEWS_TITLE_MAX: usize = 300;

/// Threads on one page of the discussion, on its pages and in the API.
pub const THREADS_PER_PAGE: u32 = 20;

/// A comment id as typed in an address or a form, in any digits; empty is none.
pub fn comment_id(typed: Option<&str>) -> Result<Option<CommentId>, WebError> {
    match typed.map(|text| ascii_digits(text.trim())) {
        Some(digits) if !digits.is_empty() => digits
            .parse()
            .map(|id| Some(CommentId(id)))
            .map_err(|_| WebError::BadRequest),
        _ => Ok(None),
    }
}

/// The comment a reply answers: a top-level comment of the same campaign.
pub async fn reply_target(
    state: &AppState,
    campaign: &Campaign,
    parent: CommentId,
) -> Result<Comment, WebError> {
    match state.store.comment(parent).await? {
        Some(comment) if comment.campaign_id == campaign.id && comment.parent_id.is_none() => {
            Ok(comment)
        }
        _ => Err(WebError::NotFound),
    }
}

/// A comment as typed.
pub struct CommentInput<'a> {
    pub name: &'a str,
    pub body: &'a str,
    pub parent: Option<CommentId>,
}

/// A news link as typed.
pub struct NewsInput<'a> {
    pub url: &'a str,
    pub title: &'a str,
}

/// Why a post was not taken.
pub enum PostRefused {
    /// Fields that did not parse, each with its message.
    Invalid(FieldErrors),
    Web(WebError),
}

refused_by_errors!(PostRefused);

impl PostRefused {
    /// The refusal as a `WebError`, for answers that are not a form (the API).
    pub fn into_web_error(self, tr: Tr) -> WebError {
        match self {
            PostRefused::Invalid(fields) => WebError::Invalid {
                detail: fields
                    .first()
                    .map_or_else(|| tr.t("error.invalid"), |(_, m)| m.clone()),
                fields,
            },
            PostRefused::Web(error) => error,
        }
    }
}

/// Refuses posting to a campaign that does not take comments now: one not public, one
/// suspended, or one ended unless the admin allows discussion after the end; and everything
/// while the comments switch is off.
pub fn ensure_discussion_open(
    campaign: &Campaign,
    platform: &Platform,
    now: Timestamp,
) -> Result<(), WebError> {
    if platform.comments_stopped() {
        return Err(WebError::Paused);
    }
    match campaign.status(now) {
        Status::Open => Ok(()),
        Status::Ended if platform.comments_after_end() => Ok(()),
        _ => Err(WebError::DiscussionClosed),
    }
}

/// Takes one of the network's posts this hour, or refuses once it has had its share;
/// answers the network's key.
async fn within_posting_limit(
    state: &AppState,
    platform: &Platform,
    peer: IpAddr,
    now: Timestamp,
) -> Result<String, WebError> {
    let client_key = network_key(state, peer);
    let posts = Counter::PostsFromNetwork(client_key.clone());
    if state.store.count_one(&posts, now).await? > platform.posts_per_network_per_hour() {
        return Err(WebError::TooMany(Limited::Posts));
    }
    Ok(client_key)
}

/// Stores a comment on `campaign`. A member's comment carries their display name; anyone
/// else may give a name or none (shown as anonymous).
pub async fn post_comment(
    state: &AppState,
    platform: &Platform,
    campaign: &Campaign,
    input: &CommentInput<'_>,
    member: Option<&Member>,
    peer: IpAddr,
    tr: Tr,
) -> Result<CommentId, PostRefused> {
    let now = Timestamp::now();
    ensure_discussion_open(campaign, platform, now)?;
    let mut errors = Vec::new();
    let name = match member.and_then(|m| m.display_name.clone()) {
        Some(display_name) => Some(display_name),
        None if input.name.trim().is_empty() => None,
        None => PersonName::parse(input.name)
            .map_err(|e| errors.push(("name", tr.input_error(&e))))
            .ok(),
    };
    let body = parse_comment_body(input.body)
        .map_err(|e| errors.push(("body", tr.input_error(&e))))
        .ok();
    let Some(body) = body.filter(|_| errors.is_empty()) else {
        return Err(PostRefused::Invalid(errors));
    };
    let client_key = within_posting_limit(state, platform, peer, now).await?;
    let new = NewComment {
        campaign_id: campaign.id,
        parent_id: input.parent,
        author_id: member.map(|m| m.id),
        name,
        body,
        client_key: Some(client_key),
        at: now,
    };
    match state.store.add_comment(&new).await {
        Ok(id) => Ok(id),
        Err(StoreError::InvalidParent) => Err(PostRefused::Invalid(vec![(
            "parent",
            tr.t("discussion.bad_parent"),
        )])),
        Err(error) => Err(error.into()),
    }
}

/// Submits a news link about `campaign`; it waits for a moderator.
pub async fn submit_news(
    state: &AppState,
    platform: &Platform,
    campaign: &Campaign,
    input: &NewsInput<'_>,
    peer: IpAddr,
    tr: Tr,
) -> Result<NewsLinkId, PostRefused> {
    let now = Timestamp::now();
    if platform.comments_stopped() {
        return Err(WebError::Paused.into());
    }
    if !campaign.lifecycle.is_public() {
        return Err(WebError::NotFound.into());
    }
    let mut errors = Vec::new();
    let url = NewsUrl::parse(input.url)
        .map_err(|e| {
            let message = match e {
                InputError::TooLong { .. } => tr.input_error(&e),
                _ => tr.t("discussion.bad_url"),
            };
            errors.push(("url", message));
        })
        .ok();
    let title = Line::parse(input.title, NEWS_TITLE_MAX)
        .map_err(|e| errors.push(("title", tr.input_error(&e))))
        .ok();
    let (Some(url), Some(title)) = (url, title) else {
        return Err(PostRefused::Invalid(errors));
    };
    let client_key = within_posting_limit(state, platform, peer, now).await?;
    let new = NewNewsLink {
        campaign_id: campaign.id,
        source_host: url.host().to_owned(),
        url: url.as_ref().to_owned(),
        title,
        submitter_name: None,
        client_key: Some(client_key),
        at: now,
    };
    match state.store.add_news_link(&new).await {
        Ok(id) => Ok(id),
        Err(StoreError::DuplicateNewsLink) => Err(PostRefused::Invalid(vec![(
            "url",
            tr.t("discussion.duplicate_url"),
        )])),
        Err(error) => Err(error.into()),
    }
}

/// Records a report of a comment of `campaign`: once per member, and once per network for
/// anyone not logged in (a new cookie is no new person). Each network has an hourly share
/// of reports, members' included.
pub async fn flag_comment(
    state: &AppState,
    platform: &Platform,
    campaign: &Campaign,
    comment: CommentId,
    member: Option<&Member>,
    peer: IpAddr,
) -> Result<(), WebError> {
    match state.store.comment(comment).await? {
        Some(found) if found.campaign_id == campaign.id => {}
        _ => return Err(WebError::NotFound),
    }
    let now = Timestamp::now();
    let network = network_key(state, peer);
    let reports = Counter::ReportsFromNetwork(network.clone());
    if state.store.count_one(&reports, now).await? > platform.reports_per_network_per_hour() {
        return Err(WebError::TooMany(Limited::Reports));
    }
    let flagger = match member {
        Some(member) => Flagger::Member(member.id),
        None => Flagger::Network(network),
    };
    state
        .store
        .flag_comment(comment, &flagger, platform.flags_to_hide(), now)
        .await?;
    Ok(())
}
