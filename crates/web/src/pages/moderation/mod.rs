//! The moderators' pages. Every handler names a [`Moderator`](crate::http::auth::Moderator)
//! first, so anonymous people are sent to log in and plain members get a 403, before
//! anything is read or changed.

mod comments;
mod fraud;
mod log;
mod merging;
mod news;
mod queue;
mod review;

use axum::Router;
use serde::Deserialize;

use crate::rules::moderation::note;
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .merge(queue::routes())
        .merge(review::routes())
        .merge(comments::routes())
        .merge(fraud::routes())
        .merge(merging::routes())
        .merge(news::routes())
        .merge(log::routes())
}

/// A moderator's decision that carries only a note for the log.
#[derive(Deserialize)]
struct NoteForm {
    note: Option<String>,
}

impl NoteForm {
    /// The note, cleaned; none if empty.
    fn note(&self) -> Option<String> {
        note(self.note.as_deref())
    }
}
