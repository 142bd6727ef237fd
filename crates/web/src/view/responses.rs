//! How a delivered campaign's wait for an answer reads, on `/responses`, in its feed and on
//! the campaign page.

use jiff::Timestamp;
use serde::Deserialize;
use tomar_core::Date;
use tomar_core::calendar::{iran_date, solar_hijri_numeric};
use tomar_core::response::{AddresseeResponse, days_since_delivery};

use crate::view::i18n::Tr;

/// The answer form (`response_fields.html`) as typed, or filled with an answer to check or
/// correct.
#[derive(Default, Deserialize)]
#[serde(default)]
pub struct ResponseRefill {
    pub answered_on: String,
    pub summary: String,
    pub official_url: String,
}

impl ResponseRefill {
    pub fn of(response: Option<&AddresseeResponse>) -> ResponseRefill {
        response.map_or_else(ResponseRefill::default, |response| ResponseRefill {
            answered_on: solar_hijri_numeric(response.answered_on),
            summary: response.summary.to_string(),
            official_url: response
                .official_url
                .as_ref()
                .map_or_else(String::new, |url| url.as_ref().to_owned()),
        })
    }
}

/// "Delivered on …; waiting N days" or "Delivered on …; answered on … after N days".
pub fn delivery_line(
    delivered_at: Timestamp,
    answered_on: Option<Date>,
    today: Date,
    tr: Tr,
) -> String {
    let delivered = tr.date(iran_date(delivered_at));
    match answered_on {
        Some(answered_on) => {
            let days = tr.count(u64::from(days_since_delivery(delivered_at, answered_on)));
            let day = tr.date(answered_on);
            tr.with(
                "responses.answered_line",
                &[("delivered", &delivered), ("day", &day), ("days", &days)],
            )
        }
        None => {
            let days = tr.count(u64::from(days_since_delivery(delivered_at, today)));
            tr.with(
                "responses.waiting_line",
                &[("delivered", &delivered), ("days", &days)],
            )
        }
    }
}
