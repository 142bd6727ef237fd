//! `GET /responses`: the public record of who answers. Delivered campaigns still waiting
//! for their addressee's answer, the longest waiting first and the overdue marked; the latest
//! answers; and per addressee, how many campaigns were delivered, how many answered and the
//! median days it took. Its feed is `/responses.atom` (in `feeds`), its JSON
//! `/api/v1/responses`.

use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::response::Html;
use axum::routing::get;
use jiff::Timestamp;
use tomar_core::calendar::iran_date;

use crate::error::WebError;
use crate::rules::platform::Platform;
use crate::rules::responses::record;
use crate::state::AppState;
use crate::view::i18n::Tr;
use crate::view::render::render;
use crate::view::responses::delivery_line;
use crate::view::{Card, Shell};

pub fn routes() -> Router<AppState> {
    Router::new().route("/responses", get(responses_page))
}

/// A delivered campaign, as a line of the record.
struct Line {
    card: Card,
    /// When it was delivered and how long it has waited, or when it was answered.
    when: String,
    overdue: bool,
}

/// One addressee's row.
struct AddresseeRow {
    name: String,
    delivered: String,
    answered: String,
    median: String,
}

#[derive(Template)]
#[template(path = "responses.html")]
struct ResponsesTemplate {
    shell: Shell,
    intro: String,
    waiting: Vec<Line>,
    answered: Vec<Line>,
    addressees: Vec<AddresseeRow>,
}

/// Answered campaigns shown, the latest deliveries first.
const ANSWERED_SHOWN: usize = 50;

async fn responses_page(
    State(state): State<AppState>,
    platform: Platform,
    tr: Tr,
) -> Result<Html<String>, WebError> {
    let now = Timestamp::now();
    let today = iran_date(now);
    let record = record(&state, &platform).await?;
    let line = |delivered: &tomar_store::DeliveredCampaign| Line {
        card: Card::new(&delivered.campaign, tr, now),
        when: delivery_line(
            delivered.delivered_at,
            delivered.campaign.answered_on,
            today,
            tr,
        ),
        overdue: record.is_overdue(delivered, today),
    };
    let overdue_after = tr.count(u64::from(record.overdue_after));
    render(&ResponsesTemplate {
        shell: Shell::new(tr, tr.t("responses.title"), "/responses"),
        intro: tr.with("responses.intro", &[("days", &overdue_after)]),
        waiting: record.waiting.iter().map(line).collect(),
        answered: record
            .recent
            .iter()
            .filter(|delivered| delivered.campaign.answered_on.is_some())
            .take(ANSWERED_SHOWN)
            .map(line)
            .collect(),
        addressees: record
            .addressees
            .iter()
            .map(|row| AddresseeRow {
                name: row.name.clone(),
                delivered: tr.count(row.delivered),
                answered: tr.count(row.answered),
                median: row.median_days.map_or_else(
                    || tr.t("responses.no_median"),
                    |days| tr.count(u64::from(days)),
                ),
            })
            .collect(),
    })
}
