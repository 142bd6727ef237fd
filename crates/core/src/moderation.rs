//! The audit log: who did what to which item, why, and when.

use jiff::Timestamp;

use crate::ids::{CampaignId, CommentId, MemberId, NewsLinkId, RejectionReasonId};
use crate::language::Language;
use crate::lifecycle::{OutcomeKind, Transition};
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

/// What was done. A campaign's lifecycle moves, its outcome and its revised texts; a
/// comment hidden or restored; a news link approved or rejected (`Approve`, `Reject`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ModerationAction {
    Submit,
    Approve,
    Reject,
    End,
    Suspend,
    SetOutcome(OutcomeKind),
    ApproveText,
    RejectText,
    Hide,
    Restore,
    /// Signatures chosen by their source invalidated in bulk, or such a run cancelled.
    Invalidate,
    CancelInvalidation,
    /// The addressee's answer to a delivered campaign recorded (or corrected).
    RecordResponse,
    /// A one-time link made for the addressee to send their answer.
    MakeAddresseeLink,
    /// The end date moved later after a platform outage.
    ExtendEndDate,
    /// The campaign merged into another: its new signers, comments and news carried there.
    Merge,
}

impl ModerationAction {
    /// The action a lifecycle transition is recorded as.
    pub fn of(transition: &Transition) -> ModerationAction {
        match transition {
            Transition::Submit => ModerationAction::Submit,
            Transition::Approve => ModerationAction::Approve,
            Transition::Reject(_) => ModerationAction::Reject,
            Transition::End => ModerationAction::End,
            Transition::Suspend(_) => ModerationAction::Suspend,
        }
    }

    /// Every action, for reading stored names back.
    fn all() -> impl Iterator<Item = ModerationAction> {
        use ModerationAction as A;
        [
            A::Submit,
            A::Approve,
            A::Reject,
            A::End,
            A::Suspend,
            A::ApproveText,
            A::RejectText,
            A::Hide,
            A::Restore,
            A::Invalidate,
            A::CancelInvalidation,
            A::RecordResponse,
            A::MakeAddresseeLink,
            A::ExtendEndDate,
            A::Merge,
        ]
        .into_iter()
        .chain(OutcomeKind::ALL.into_iter().map(A::SetOutcome))
    }

    /// The stored name, also the key of its description (`moderation.action_{name}`).
    pub fn name(self) -> &'static str {
        match self {
            ModerationAction::Submit => "submit",
            ModerationAction::Approve => "approve",
            ModerationAction::Reject => "reject",
            ModerationAction::End => "end",
            ModerationAction::Suspend => "suspend",
            ModerationAction::SetOutcome(OutcomeKind::None) => "outcome_none",
            ModerationAction::SetOutcome(OutcomeKind::Delivered) => "outcome_delivered",
            ModerationAction::SetOutcome(OutcomeKind::SpecialFollowUp) => {
                "outcome_special_follow_up"
            }
            ModerationAction::SetOutcome(OutcomeKind::Succeeded) => "outcome_succeeded",
            ModerationAction::SetOutcome(OutcomeKind::Failed) => "outcome_failed",
            ModerationAction::ApproveText => "approve_text",
            ModerationAction::RejectText => "reject_text",
            ModerationAction::Hide => "hide",
            ModerationAction::Restore => "restore",
            ModerationAction::Invalidate => "invalidate",
            ModerationAction::CancelInvalidation => "cancel_invalidation",
            ModerationAction::RecordResponse => "record_response",
            ModerationAction::MakeAddresseeLink => "make_addressee_link",
            ModerationAction::ExtendEndDate => "extend_end_date",
            ModerationAction::Merge => "merge",
        }
    }

    pub fn from_name(name: &str) -> Option<ModerationAction> {
        Self::all().find(|action| action.name() == name)
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ModerationEvent {
    pub actor: Actor,
    pub action: ModerationAction,
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn actions_round_trip_through_their_names() {
        let all: Vec<_> = ModerationAction::all().collect();
        assert_eq!(all.len(), 20);
        for action in all {
            assert_eq!(ModerationAction::from_name(action.name()), Some(action));
        }
        assert_eq!(ModerationAction::from_name("outcome"), None);
        assert_eq!(
            ModerationAction::of(&Transition::Reject(RejectionReasonId(1))),
            ModerationAction::Reject
        );
    }
}
