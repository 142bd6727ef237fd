//! What an admin may give back after a platform outage: days added to every open campaign's
//! end date, once per outage, with the reason each campaign page shows.

use jiff::Timestamp;
use tomar_core::calendar::iran_date;
use tomar_core::extension::EndDateExtension;
use tomar_core::member::Member;
use tomar_core::moderation::Actor;
use tomar_core::names::Line;
use tomar_core::persian::ascii_digits;

use crate::error::{FieldErrors, WebError};
use crate::rules::typed_day;
use crate::state::AppState;
use crate::view::i18n::Tr;

/// The form an admin fills in, as typed.
pub struct ExtensionFields<'a> {
    /// The Iran calendar day the outage began, not after today.
    pub outage_on: &'a str,
    pub days: &'a str,
    pub reason: &'a str,
}

fn parse(
    fields: &ExtensionFields<'_>,
    now: Timestamp,
    tr: Tr,
) -> Result<EndDateExtension, FieldErrors> {
    let mut errors = FieldErrors::new();
    let outage_on = match typed_day(fields.outage_on, tr) {
        Ok(day) if day <= iran_date(now) => Some(day),
        Ok(_) => {
            errors.push(("outage_on", tr.t("extension.outage_future")));
            None
        }
        Err(message) => {
            errors.push(("outage_on", message));
            None
        }
    };
    let typed = ascii_digits(fields.days.trim());
    let days = match typed.parse::<u32>() {
        Ok(days) if (1..=EndDateExtension::MAX_DAYS).contains(&days) => Some(days),
        _ => {
            let max = tr.number(EndDateExtension::MAX_DAYS);
            errors.push(("days", tr.with("extension.days_range", &[("max", &max)])));
            None
        }
    };
    let reason = Line::parse(fields.reason, EndDateExtension::REASON_MAX)
        .map_err(|error| errors.push(("reason", tr.input_error(&error))))
        .ok();
    match (outage_on, days, reason) {
        (Some(outage_on), Some(days), Some(reason)) => Ok(EndDateExtension {
            outage_on,
            days,
            reason,
        }),
        _ => Err(errors),
    }
}

/// Extends every open campaign; answers how many moved. Refused if this outage was made
/// up for already.
pub async fn extend_open_campaigns(
    state: &AppState,
    admin: &Member,
    fields: &ExtensionFields<'_>,
    tr: Tr,
) -> Result<u64, WebError> {
    let now = Timestamp::now();
    // The admin page has no form to show again: the error page says every refusal.
    let invalid = |fields: FieldErrors| WebError::Invalid {
        detail: fields
            .iter()
            .map(|(_, message)| message.as_str())
            .collect::<Vec<_>>()
            .join(" "),
        fields,
    };
    let extension = parse(fields, now, tr).map_err(invalid)?;
    state
        .store
        .extend_open_campaigns(&extension, Actor::Member(admin.id), iran_date(now), now)
        .await?
        .ok_or_else(|| invalid(vec![("outage_on", tr.t("extension.already"))]))
}
