//! The discussion under a campaign as readers see it (threads, placeholders for removed
//! comments) and the comment and news forms, shared by the campaign page, the discussion
//! pages and the forms' own pages.

use jiff::Timestamp;
use tomar_core::campaign::Campaign;
use tomar_core::comment::{Comment, CommentStatus, Thread};
use tomar_core::ids::CampaignId;
use tomar_core::member::Member;

use crate::error::{FieldErrors, field_error};
use crate::view::i18n::Tr;
use crate::view::text::{Segment, lang_of, linkify, sentence};

pub struct CommentView {
    pub id: i64,
    pub is_reply: bool,
    /// `X` for a comment, `X در پاسخ به Y` for a reply, each name isolated.
    pub heading: Vec<Segment>,
    pub lines: Vec<Vec<Segment>>,
    /// The body's language, for its `lang` attribute.
    pub lang: &'static str,
    pub date: String,
}

pub struct ThreadView {
    /// `None` when the comment itself was hidden but its replies stand.
    pub comment: Option<CommentView>,
    pub replies: Vec<CommentView>,
}

/// The name a comment is shown under: its author's, or «anonymous».
pub fn author_name(comment: &Comment, tr: Tr) -> String {
    comment
        .name
        .as_ref()
        .map_or_else(|| tr.t("campaign.anonymous"), ToString::to_string)
}

/// When something on a campaign's page was written, and, if it came with a campaign merged
/// into this one, that it did.
pub fn written_at(at: Timestamp, moved_from: Option<CampaignId>, tr: Tr) -> String {
    match moved_from {
        Some(_) => format!("{} · {}", tr.instant(at), tr.t("merge.moved_here")),
        None => tr.instant(at),
    }
}

fn comment_view(comment: &Comment, heading: Vec<Segment>, tr: Tr) -> CommentView {
    CommentView {
        id: comment.id.0,
        is_reply: comment.parent_id.is_some(),
        heading,
        lines: comment.body.as_ref().lines().map(linkify).collect(),
        lang: lang_of(comment.body.as_ref()),
        date: written_at(comment.created_at, comment.moved_from, tr),
    }
}

/// A thread as readers see it: hidden replies vanish; a hidden comment with visible replies
/// leaves a placeholder so the replies still read; otherwise it vanishes too.
pub fn thread_view(thread: &Thread, tr: Tr) -> Option<ThreadView> {
    let parent_name = author_name(&thread.comment, tr);
    let replies: Vec<CommentView> = thread
        .replies
        .iter()
        .filter(|reply| reply.status == CommentStatus::Visible)
        .map(|reply| {
            let heading = sentence(
                &tr.t("campaign.in_reply_to"),
                vec![
                    ("name", Segment::Name(author_name(reply, tr))),
                    ("parent", Segment::Name(parent_name.clone())),
                ],
            );
            comment_view(reply, heading, tr)
        })
        .collect();
    let comment = (thread.comment.status == CommentStatus::Visible).then(|| {
        comment_view(
            &thread.comment,
            vec![Segment::Name(parent_name.clone())],
            tr,
        )
    });
    (comment.is_some() || !replies.is_empty()).then_some(ThreadView { comment, replies })
}

/// The discussion section: its threads, the form while the campaign takes comments, and
/// the way to older threads.
pub struct Discussion {
    pub href: String,
    pub threads: Vec<ThreadView>,
    /// None on a page that is the same for everyone not logged in.
    pub csrf: Option<String>,
    pub form: Option<CommentFormView>,
    pub older: Option<String>,
}

impl Discussion {
    /// A page of `threads` (`page_size` of them when there may be older ones); the form
    /// shows while the campaign takes comments (`open`).
    pub fn new(
        campaign: &Campaign,
        threads: &[Thread],
        page_size: u32,
        open: bool,
        csrf: Option<String>,
        member: Option<&Member>,
        tr: Tr,
    ) -> Discussion {
        let href = campaign.path();
        let older = (threads.len() == page_size as usize)
            .then(|| threads.last())
            .flatten()
            .map(|last| format!("{href}/comments?before={}", last.comment.id));
        Discussion {
            threads: threads.iter().filter_map(|t| thread_view(t, tr)).collect(),
            csrf,
            form: open.then(|| CommentFormView::fresh(member)),
            older,
            href,
        }
    }
}

/// The comment a reply answers, as the reply form quotes it.
pub struct Answered {
    pub name: String,
    pub lines: Vec<Vec<Segment>>,
    pub lang: &'static str,
}

impl Answered {
    pub fn of(comment: &Comment, tr: Tr) -> Answered {
        Answered {
            name: author_name(comment, tr),
            lines: comment.body.as_ref().lines().map(linkify).collect(),
            lang: lang_of(comment.body.as_ref()),
        }
    }
}

/// The comment form: what was typed, the comment it answers, and a message per field.
#[derive(Default)]
pub struct CommentFormView {
    pub name: String,
    pub body: String,
    pub parent: Option<i64>,
    /// The comment being answered: who wrote it and what it says, shown above the form.
    pub replying_to: Option<Answered>,
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
