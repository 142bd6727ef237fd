//! The message a page shows after a form's action succeeded: the form redirects to the
//! page with `?done=<action>`, and the page says what happened, in place.

use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use crate::view::i18n::Tr;

/// An action that has just succeeded (a moderator's, an admin's, an author's). Its form redirects to a page
/// whose address names it (`?done=approved#done`), and that page says what happened.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Done {
    Approved,
    Rejected,
    Suspended,
    OutcomeSaved,
    ResponseRecorded,
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
    EndDatesExtended,
    ImageSaved,
    ImageRemoved,
    SignatureWithdrawn,
    ContactForgotten,
    QuestionsSaved,
}

/// The `?done=` of a page that confirms actions.
#[derive(Deserialize, Default)]
pub struct DoneQuery {
    done: Option<String>,
}

impl Done {
    const ALL: [Done; 23] = [
        Done::Approved,
        Done::Rejected,
        Done::Suspended,
        Done::OutcomeSaved,
        Done::ResponseRecorded,
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
        Done::EndDatesExtended,
        Done::ImageSaved,
        Done::ImageRemoved,
        Done::SignatureWithdrawn,
        Done::ContactForgotten,
        Done::QuestionsSaved,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Done::Approved => "approved",
            Done::Rejected => "rejected",
            Done::Suspended => "suspended",
            Done::OutcomeSaved => "outcome_saved",
            Done::ResponseRecorded => "response_recorded",
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
            Done::EndDatesExtended => "end_dates_extended",
            Done::ImageSaved => "image_saved",
            Done::ImageRemoved => "image_removed",
            Done::SignatureWithdrawn => "signature_withdrawn",
            Done::ContactForgotten => "contact_forgotten",
            Done::QuestionsSaved => "questions_saved",
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
