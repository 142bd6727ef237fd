//! How a delivered campaign's wait for an answer reads, on `/responses`, in its feed and on
//! the campaign page.

use jiff::Timestamp;
use tomar_core::Date;
use tomar_core::calendar::iran_date;
use tomar_core::response::days_since_delivery;

use crate::view::i18n::Tr;

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
