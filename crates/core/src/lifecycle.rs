//! Where a campaign is in its life, and where it may go next.
//!
//! `draft → in_review → published → ended`, `in_review → rejected(reason) → in_review`,
//! `published → suspended(order)`. Every other move is refused. Separately from these
//! stored states, a published campaign whose end date has passed in Iran is ended at once,
//! whether or not a job has recorded it yet: see [`Lifecycle::status_at`].

use jiff::Timestamp;
use jiff::civil::Date;

use crate::calendar::{days_between, end_of_iran_day, iran_date};
use crate::ids::RejectionReasonId;
use crate::named::named_enum;

/// The legal order under which a campaign was suspended, shown in a public notice.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LegalOrder {
    pub reference: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Lifecycle {
    Draft,
    InReview,
    Published,
    Ended,
    Rejected(RejectionReasonId),
    Suspended(LegalOrder),
}

/// What someone asks to do with a campaign.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Transition {
    Submit,
    Approve,
    Reject(RejectionReasonId),
    End,
    Suspend(LegalOrder),
}

impl Transition {
    pub fn name(&self) -> &'static str {
        match self {
            Transition::Submit => "submit",
            Transition::Approve => "approve",
            Transition::Reject(_) => "reject",
            Transition::End => "end",
            Transition::Suspend(_) => "suspend",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("a campaign that is {from} cannot {action}")]
pub struct TransitionError {
    pub from: &'static str,
    pub action: &'static str,
}

named_enum! {
    /// What a reader of the campaign sees, derived from the stored state and the clock.
    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    pub enum Status {
        Draft = "draft",
        InReview = "in_review",
        Open = "open",
        Ended = "ended",
        Rejected = "rejected",
        Suspended = "suspended",
    }
}

impl Lifecycle {
    /// The stored name of the state, as in the `lifecycle` column.
    pub fn name(&self) -> &'static str {
        match self {
            Lifecycle::Draft => "draft",
            Lifecycle::InReview => "in_review",
            Lifecycle::Published => "published",
            Lifecycle::Ended => "ended",
            Lifecycle::Rejected(_) => "rejected",
            Lifecycle::Suspended(_) => "suspended",
        }
    }

    /// Rebuilds a state from its stored parts; `None` when they do not describe one.
    pub fn from_parts(
        name: &str,
        reason: Option<RejectionReasonId>,
        order: Option<String>,
    ) -> Option<Lifecycle> {
        Some(match (name, reason, order) {
            ("draft", ..) => Lifecycle::Draft,
            ("in_review", ..) => Lifecycle::InReview,
            ("published", ..) => Lifecycle::Published,
            ("ended", ..) => Lifecycle::Ended,
            ("rejected", Some(reason), _) => Lifecycle::Rejected(reason),
            ("suspended", _, Some(reference)) => Lifecycle::Suspended(LegalOrder { reference }),
            _ => return None,
        })
    }

    /// The state after `transition`, or why it is not allowed from here.
    pub fn after(&self, transition: &Transition) -> Result<Lifecycle, TransitionError> {
        use Lifecycle as L;
        use Transition as T;
        match (self, transition) {
            (L::Draft | L::Rejected(_), T::Submit) => Ok(L::InReview),
            (L::InReview, T::Approve) => Ok(L::Published),
            (L::InReview, T::Reject(reason)) => Ok(L::Rejected(*reason)),
            (L::Published, T::End) => Ok(L::Ended),
            (L::Published, T::Suspend(order)) => Ok(L::Suspended(order.clone())),
            (from, action) => Err(TransitionError {
                from: from.name(),
                action: action.name(),
            }),
        }
    }

    /// What readers see at `now` for a campaign ending on `end_date` (an Iran calendar day).
    pub fn status_at(&self, end_date: Date, now: Timestamp) -> Status {
        match self {
            Lifecycle::Draft => Status::Draft,
            Lifecycle::InReview => Status::InReview,
            Lifecycle::Published if now >= end_of_iran_day(end_date) => Status::Ended,
            Lifecycle::Published => Status::Open,
            Lifecycle::Ended => Status::Ended,
            Lifecycle::Rejected(_) => Status::Rejected,
            Lifecycle::Suspended(_) => Status::Suspended,
        }
    }

    /// Whole days left to sign at `now`, while the campaign is open.
    pub fn days_left_at(&self, end_date: Date, now: Timestamp) -> Option<i32> {
        (self.status_at(end_date, now) == Status::Open)
            .then(|| days_between(iran_date(now), end_date))
    }

    /// Whether the public may read the campaign page at all.
    pub fn is_public(&self) -> bool {
        matches!(
            self,
            Lifecycle::Published | Lifecycle::Ended | Lifecycle::Suspended(_)
        )
    }
}

/// What came of a campaign, independent of its lifecycle.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub enum Outcome {
    #[default]
    None,
    /// Sent to the addressee.
    Delivered,
    /// On the platform's special follow-up list (پیگیری ویژه).
    SpecialFollowUp,
    /// Succeeded, with the link to the news of the success.
    Succeeded {
        news_url: String,
    },
    Failed,
}

named_enum! {
    /// Which [`Outcome`] it is, without what it carries: what a moderator picks from a list.
    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    pub enum OutcomeKind {
        None = "none",
        Delivered = "delivered",
        SpecialFollowUp = "special_follow_up",
        Succeeded = "succeeded",
        Failed = "failed",
    }
}

impl Outcome {
    pub fn kind(&self) -> OutcomeKind {
        match self {
            Outcome::None => OutcomeKind::None,
            Outcome::Delivered => OutcomeKind::Delivered,
            Outcome::SpecialFollowUp => OutcomeKind::SpecialFollowUp,
            Outcome::Succeeded { .. } => OutcomeKind::Succeeded,
            Outcome::Failed => OutcomeKind::Failed,
        }
    }

    pub fn name(&self) -> &'static str {
        self.kind().name()
    }

    /// An outcome from its stored parts; `None` when they do not describe one.
    pub fn from_parts(name: &str, news_url: Option<String>) -> Option<Outcome> {
        Outcome::new(OutcomeKind::from_name(name)?, news_url)
    }

    /// The outcome of this kind; `None` for a success without the link to its news.
    pub fn new(kind: OutcomeKind, news_url: Option<String>) -> Option<Outcome> {
        Some(match (kind, news_url) {
            (OutcomeKind::None, _) => Outcome::None,
            (OutcomeKind::Delivered, _) => Outcome::Delivered,
            (OutcomeKind::SpecialFollowUp, _) => Outcome::SpecialFollowUp,
            (OutcomeKind::Succeeded, Some(news_url)) => Outcome::Succeeded { news_url },
            (OutcomeKind::Succeeded, None) => return None,
            (OutcomeKind::Failed, _) => Outcome::Failed,
        })
    }

    pub fn news_url(&self) -> Option<&str> {
        match self {
            Outcome::Succeeded { news_url } => Some(news_url),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn order() -> LegalOrder {
        LegalOrder {
            reference: "۱۴۰۳/۱۲".into(),
        }
    }

    #[test]
    fn every_state_and_action_pair() {
        let reason = RejectionReasonId(3);
        let states = [
            Lifecycle::Draft,
            Lifecycle::InReview,
            Lifecycle::Published,
            Lifecycle::Ended,
            Lifecycle::Rejected(reason),
            Lifecycle::Suspended(order()),
        ];
        let actions = [
            Transition::Submit,
            Transition::Approve,
            Transition::Reject(reason),
            Transition::End,
            Transition::Suspend(order()),
        ];
        let allowed = |from: &Lifecycle, action: &Transition| -> Option<Lifecycle> {
            match (from.name(), action.name()) {
                ("draft", "submit") | ("rejected", "submit") => Some(Lifecycle::InReview),
                ("in_review", "approve") => Some(Lifecycle::Published),
                ("in_review", "reject") => Some(Lifecycle::Rejected(reason)),
                ("published", "end") => Some(Lifecycle::Ended),
                ("published", "suspend") => Some(Lifecycle::Suspended(order())),
                _ => None,
            }
        };
        let mut checked = 0;
        for from in &states {
            for action in &actions {
                let expected = allowed(from, action).ok_or(TransitionError {
                    from: from.name(),
                    action: action.name(),
                });
                assert_eq!(from.after(action), expected, "{from:?} + {action:?}");
                checked += 1;
            }
        }
        assert_eq!(checked, 30);
    }

    #[test]
    fn published_past_its_end_date_reads_as_ended() {
        let end = date(2024, 6, 28);
        let last_minute: Timestamp = "2024-06-28T20:29:59Z".parse().unwrap();
        let next_day: Timestamp = "2024-06-28T20:30:00Z".parse().unwrap();
        assert_eq!(
            Lifecycle::Published.status_at(end, last_minute),
            Status::Open
        );
        assert_eq!(Lifecycle::Published.status_at(end, next_day), Status::Ended);
        assert_eq!(
            Lifecycle::InReview.status_at(end, next_day),
            Status::InReview
        );
    }

    #[test]
    fn stored_parts_round_trip() {
        let states = [
            Lifecycle::Draft,
            Lifecycle::Rejected(RejectionReasonId(1)),
            Lifecycle::Suspended(order()),
        ];
        for state in states {
            let (reason, order) = match &state {
                Lifecycle::Rejected(r) => (Some(*r), None),
                Lifecycle::Suspended(o) => (None, Some(o.reference.clone())),
                _ => (None, None),
            };
            assert_eq!(
                Lifecycle::from_parts(state.name(), reason, order),
                Some(state)
            );
        }
        assert_eq!(Lifecycle::from_parts("rejected", None, None), None);
        assert_eq!(Lifecycle::from_parts("bogus", None, None), None);
        let won = Outcome::Succeeded {
            news_url: "https://example.org/n".into(),
        };
        assert_eq!(
            Outcome::from_parts(won.name(), won.news_url().map(str::to_owned)),
            Some(won)
        );
    }
}
