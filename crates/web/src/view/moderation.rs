//! What the moderators' pages show of the audit log and of waiting: an event as a line,
//! and how long something has waited.

use tomar_core::Timestamp;
use tomar_core::moderation::{Actor, Target};
use tomar_store::LoggedEvent;

use crate::view::i18n::Tr;
use crate::view::url::review_path;

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
