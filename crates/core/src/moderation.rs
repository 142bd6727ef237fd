//! The audit log: who did what to which item, why, and when.

use jiff::Timestamp;

use crate::ids::{CampaignId, CommentId, MemberId, NewsLinkId, RejectionReasonId};
use crate::language::Language;
use crate::names::Line;

/// Who acted: a person, or the platform itself (scheduled jobs, the end of a campaign).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Actor {
    Platform,
    Member(MemberId),
}

/// What was acted on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    Campaign(CampaignId),
    Comment(CommentId),
    NewsLink(NewsLinkId),
}

impl Target {
    pub fn kind(self) -> &'static str {
        match self {
            Target::Campaign(_) => "campaign",
            Target::Comment(_) => "comment",
            Target::NewsLink(_) => "news_link",
        }
    }

    pub fn id(self) -> i64 {
        match self {
            Target::Campaign(id) => id.0,
            Target::Comment(id) => id.0,
            Target::NewsLink(id) => id.0,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ModerationEvent {
    pub actor: Actor,
    /// The action's name, e.g. `approve`, `reject`, `hide`.
    pub action: String,
    pub target: Target,
    pub note: Option<String>,
    pub at: Timestamp,
}

/// An entry of the admin-managed list of reasons a campaign may be rejected for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RejectionReason {
    pub id: RejectionReasonId,
    pub label_fa: Line,
    pub label_en: Line,
    /// Retired reasons stay readable on old rejections but are not offered any more.
    pub active: bool,
}

impl RejectionReason {
    pub fn label(&self, language: Language) -> &Line {
        match language {
            Language::Fa => &self.label_fa,
            Language::En => &self.label_en,
        }
    }
}
