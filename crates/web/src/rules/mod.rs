//! What the platform allows, shared by the pages and the JSON API and free of HTML: who may
//! sign, comment or post news and how often, what a code or a form must be, how a campaign
//! moves through its lifecycle, what is suggested and trending. Handlers translate requests
//! into these calls and their answers into pages or JSON.

/// Lets `?` turn a web or store error into a refusal's `Web` variant: the refusals a rule
/// answers with are its own reasons, or a request that failed for any other reason.
macro_rules! refused_by_errors {
    ($refusal:ident) => {
        impl From<crate::error::WebError> for $refusal {
            fn from(error: crate::error::WebError) -> Self {
                $refusal::Web(error)
            }
        }

        impl From<tomar_store::StoreError> for $refusal {
            fn from(error: tomar_store::StoreError) -> Self {
                $refusal::Web(error.into())
            }
        }
    };
}

/// A day typed in a form (Solar Hijri, year/month/day, in any digits): the day, or the
/// message that belongs beside its field.
pub fn typed_day(typed: &str, tr: crate::view::i18n::Tr) -> Result<tomar_core::Date, String> {
    use tomar_core::names::InputError;
    tomar_core::calendar::parse_day(typed).map_err(|error| match error {
        InputError::Empty => tr.t(InputError::Empty.key()),
        _ => tr.t("input.day_invalid"),
    })
}

pub mod announcements;
pub mod campaigns;
pub mod checkpoints;
pub mod codes;
pub mod delivery;
pub mod discussion;
pub mod editor;
pub mod extensions;
pub mod fraud;
pub mod images;
pub mod listing;
pub mod merging;
pub mod moderation;
pub mod platform;
pub mod questions;
pub mod random;
pub mod responses;
pub mod signature_log;
pub mod signatures;
pub mod signing;
pub mod submissions;
pub mod suggestions;
pub mod transitions;
pub mod trending;
pub mod updates;
