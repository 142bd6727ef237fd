//! What the moderators' pages show of the audit log and of waiting: an event as a line,
//! and how long something has waited.

use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use tomar_core::Timestamp;
use tomar_core::moderation::{Actor, Target};
use tomar_store::LoggedEvent;

use crate::view::i18n::Tr;
use crate::view::url::review_path;

/// A moderator's or admin's action that has just succeeded. Its form redirects to a page
/// whose address names it (`?done=approved#done`), and that page says what happened.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Done {
    Approved,
    Rejected,
    Suspended,
    OutcomeSaved,
    TextApproved,
    TextRejected,
    UpdatePosted,
    CommentHidden,
    CommentRestored,
    NewsApproved,
    NewsRejected,
    RoleGiven,
    RoleChanged,
    ReasonAdded,
    ReasonChanged,
    SettingsSaved,
}

/// The `?done=` of a page that confirms actions.
#[derive(Deserialize, Default)]
pub struct DoneQuery {
    done: Option<String>,
}

impl Done {
    const ALL: [Done; 16] = [
        Done::Approved,
        Done::Rejected,
        Done::Suspended,
        Done::OutcomeSaved,
        Done::TextApproved,
        Done::TextRejected,
        Done::UpdatePosted,
        Done::CommentHidden,
        Done::CommentRestored,
        Done::NewsApproved,
        Done::NewsRejected,
        Done::RoleGiven,
        Done::RoleChanged,
        Done::ReasonAdded,
        Done::ReasonChanged,
        Done::SettingsSaved,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Done::Approved => "approved",
            Done::Rejected => "rejected",
            Done::Suspended => "suspended",
            Done::OutcomeSaved => "outcome_saved",
            Done::TextApproved => "text_approved",
            Done::TextRejected => "text_rejected",
            Done::UpdatePosted => "update_posted",
            Done::CommentHidden => "comment_hidden",
            Done::CommentRestored => "comment_restored",
            Done::NewsApproved => "news_approved",
            Done::NewsRejected => "news_rejected",
            Done::RoleGiven => "role_given",
            Done::RoleChanged => "role_changed",
            Done::ReasonAdded => "reason_added",
            Done::ReasonChanged => "reason_changed",
            Done::SettingsSaved => "settings_saved",
        }
    }

    /// 303 to `path`, which will say that this was done.
    pub fn back_to(self, path: &str) -> Response {
        Redirect::to(&format!("{path}?done={}#done", self.name())).into_response()
    }

    /// What the page says for the `?done=` it was given; nothing for a name it does not
    /// know, as after a hand-edited address.
    pub fn message(query: &DoneQuery, tr: Tr) -> Option<String> {
        let name = query.done.as_deref()?;
        let done = Done::ALL.into_iter().find(|done| done.name() == name)?;
        Some(tr.t(&format!("done.{}", done.name())))
    }
}

/// A moderation event as a line of the log.
pub struct EventLine {
    pub date: String,
    pub actor: String,
    pub action: String,
    pub target_href: Option<String>,
    pub target: String,
    pub note: Option<String>,
}

impl EventLine {
    pub fn new(logged: &LoggedEvent, tr: Tr) -> EventLine {
        let event = &logged.event;
        let actor = match (event.actor, &logged.actor_name) {
            (Actor::Platform, _) => tr.t("moderation.platform"),
            (Actor::Member(_), Some(name)) => name.to_string(),
            (Actor::Member(id), None) => tr.with("moderation.member", &[("id", &tr.number(id.0))]),
        };
        EventLine {
            date: tr.instant(event.at),
            actor,
            action: tr.t(&format!("moderation.action_{}", event.action.name())),
            target_href: match event.target {
                Target::Campaign(id) => Some(review_path(id)),
                _ => None,
            },
            target: tr.with(
                &format!("moderation.target_{}", event.target.kind()),
                &[("id", &tr.number(event.target.id()))],
            ),
            note: event.note.clone(),
        }
    }

    pub fn list(events: &[LoggedEvent], tr: Tr) -> Vec<EventLine> {
        events
            .iter()
            .map(|logged| EventLine::new(logged, tr))
            .collect()
    }
}

/// How long something has waited, in the largest whole unit.
pub fn age(tr: Tr, since: Timestamp, now: Timestamp) -> String {
    let minutes = now.duration_since(since).as_secs().max(0) / 60;
    let (key, n) = match minutes {
        m if m < 60 => ("moderation.age_minutes", m),
        m if m < 48 * 60 => ("moderation.age_hours", m / 60),
        m => ("moderation.age_days", m / (24 * 60)),
    };
    tr.with(key, &[("n", &tr.number(n))])
}
