//! Addressees' answers: what a moderator may record of one, who is told, and the public
//! record of who answers (`/responses`, its feed and the API), with no HTML.

use jiff::Timestamp;
use serde::Deserialize;
use tomar_core::Date;
use tomar_core::calendar::{iran_date, solar_hijri_numeric};
use tomar_core::campaign::Campaign;
use tomar_core::language::Language;
use tomar_core::member::Member;
use tomar_core::moderation::{Actor, ModerationAction, ModerationEvent, Target};
use tomar_core::names::CampaignRef;
use tomar_core::news::NewsUrl;
use tomar_core::response::{
    AddresseeRecord, AddresseeResponse, Delivery, ResponseSummary, days_since_delivery,
    records_by_addressee,
};
use tomar_core::update::UpdateAuthor;
use tomar_store::{DeliveredCampaign, StoreError};

use crate::error::{FieldErrors, WebError};
use crate::rules::platform::Platform;
use crate::rules::random;
use crate::rules::typed_day;
use crate::rules::updates::post_update;
use crate::state::AppState;
use crate::view::i18n::Tr;

/// Waiting campaigns listed, the longest waiting first.
const WAITING_SHOWN: u32 = 200;
/// The deliveries the record by addressee counts, the newest first: the record stays one
/// bounded read however many campaigns were ever delivered.
const DELIVERIES_COUNTED: u32 = 5000;

/// The answer form (`response_fields.html`) a moderator or the addressee fills in, as
/// typed, or filled with an answer to check or correct.
#[derive(Default, Deserialize)]
#[serde(default)]
pub struct ResponseFields {
    /// An Iran calendar day, `۱۴۰۴/۰۲/۳۰` or `1404/02/30`.
    pub answered_on: String,
    pub summary: String,
    /// Optional.
    pub official_url: String,
}

impl ResponseFields {
    /// The form filled with `response`, or empty without one.
    pub fn of(response: Option<&AddresseeResponse>) -> ResponseFields {
        response.map_or_else(ResponseFields::default, |response| ResponseFields {
            answered_on: solar_hijri_numeric(response.answered_on),
            summary: response.summary.to_string(),
            official_url: response
                .official_url
                .as_ref()
                .map_or_else(String::new, |url| url.as_ref().to_owned()),
        })
    }
}

/// Reads the form: the day between delivery and today, a summary, an optional address.
fn parse(
    fields: &ResponseFields,
    delivered_on: Date,
    today: Date,
    tr: Tr,
) -> Result<AddresseeResponse, FieldErrors> {
    let mut errors = FieldErrors::new();
    let answered_on = match typed_day(&fields.answered_on, tr) {
        Ok(day) if (delivered_on..=today).contains(&day) => Some(day),
        Ok(_) => {
            let delivered = tr.date(delivered_on);
            errors.push((
                "answered_on",
                tr.with("responses.day_range", &[("delivered", &delivered)]),
            ));
            None
        }
        Err(message) => {
            errors.push(("answered_on", message));
            None
        }
    };
    let summary = ResponseSummary::parse(&fields.summary)
        .map_err(|error| errors.push(("summary", tr.input_error(&error))))
        .ok();
    let official_url = match fields.official_url.trim() {
        "" => None,
        typed => NewsUrl::parse(typed)
            .map_err(|_| errors.push(("official_url", tr.t("responses.url_invalid"))))
            .ok(),
    };
    match (answered_on, summary) {
        (Some(answered_on), Some(summary)) if errors.is_empty() => Ok(AddresseeResponse {
            answered_on,
            summary,
            official_url,
        }),
        _ => Err(errors),
    }
}

/// The answer to a delivered campaign as typed, checked now: the day between its delivery
/// and today. `Conflict` if the campaign was never delivered.
fn checked(
    campaign: &Campaign,
    fields: &ResponseFields,
    now: Timestamp,
    tr: Tr,
) -> Result<AddresseeResponse, WebError> {
    let Some(delivered_at) = campaign.delivered_at else {
        return Err(WebError::Store(StoreError::Conflict));
    };
    parse(fields, iran_date(delivered_at), iran_date(now), tr).map_err(|fields| WebError::Invalid {
        detail: tr.t("responses.invalid"),
        fields,
    })
}

/// Records (or corrects) the addressee's answer to a delivered campaign; the first time,
/// the signers who asked for news are told. `Conflict` if it was never delivered.
pub async fn record_response(
    state: &AppState,
    campaign: &Campaign,
    moderator: &Member,
    fields: &ResponseFields,
    tr: Tr,
) -> Result<(), WebError> {
    let now = Timestamp::now();
    let response = checked(campaign, fields, now, tr)?;
    let event = ModerationEvent {
        actor: Actor::Member(moderator.id),
        action: ModerationAction::RecordResponse,
        target: Target::Campaign(campaign.id),
        note: None,
        at: now,
    };
    state
        .store
        .record_response(campaign.id, &response, &event)
        .await?;
    if campaign.response.is_none() {
        tell_signers(state, campaign, &response).await?;
    }
    Ok(())
}

/// How long an addressee's link stays usable.
const LINK_LASTS: jiff::SignedDuration = jiff::SignedDuration::from_hours(24 * 60);

/// A fresh one-time link for a delivered campaign's addressee to send their answer; only its
/// token's keyed hash is kept, so it can be shown this once. `Conflict` if the campaign was
/// never delivered.
pub async fn make_addressee_link(
    state: &AppState,
    campaign: &Campaign,
    moderator: &Member,
) -> Result<String, WebError> {
    let token = random::token();
    let now = Timestamp::now();
    let expires = now
        .checked_add(LINK_LASTS)
        .map_err(|_| WebError::Store(StoreError::Conflict))?;
    let event = ModerationEvent {
        actor: Actor::Member(moderator.id),
        action: ModerationAction::MakeAddresseeLink,
        target: Target::Campaign(campaign.id),
        note: None,
        at: now,
    };
    let hash = state.secret.token_hash(&token);
    state
        .store
        .create_addressee_link(campaign.id, &hash, expires, &event)
        .await?;
    Ok(format!("{}/answer/{token}", state.public_url))
}

/// The delivered campaign an addressee's link is for; none once the link is used, expired
/// or unknown.
pub async fn addressee_link_campaign(
    state: &AppState,
    token: &str,
) -> Result<Option<Campaign>, WebError> {
    let hash = state.secret.token_hash(token);
    let Some(id) = state
        .store
        .open_addressee_link(&hash, Timestamp::now())
        .await?
    else {
        return Ok(None);
    };
    Ok(state.store.campaign(&CampaignRef::Id(id)).await?)
}

/// Keeps what an addressee sent through their link, for a moderator to check and record,
/// and spends the link. A link used meanwhile is a conflict.
pub async fn submit_addressee_answer(
    state: &AppState,
    token: &str,
    campaign: &Campaign,
    fields: &ResponseFields,
    tr: Tr,
) -> Result<(), WebError> {
    let now = Timestamp::now();
    let response = checked(campaign, fields, now, tr)?;
    let hash = state.secret.token_hash(token);
    state
        .store
        .submit_addressee_answer(&hash, &response, now)
        .await?;
    Ok(())
}

/// The answer, in a platform update to the signers who asked for news (in Persian, as all
/// news goes out). Posted after the record's own transaction: should it fail, the answer
/// stands and a moderator can post the update by hand.
async fn tell_signers(
    state: &AppState,
    campaign: &Campaign,
    response: &AddresseeResponse,
) -> Result<(), WebError> {
    let tr = Tr::new(Language::Fa);
    let day = tr.date(response.answered_on);
    let link = response
        .official_url
        .as_ref()
        .map_or_else(String::new, |url| url.as_ref().to_owned());
    let body = tr.with(
        "responses.told_body",
        &[
            ("day", &day),
            ("summary", response.summary.as_ref()),
            ("link", &link),
        ],
    );
    let title = tr.t("responses.told_title");
    post_update(state, campaign, UpdateAuthor::Platform, &title, &body, tr).await
}

/// The public record of answers.
pub struct Record {
    /// Days after delivery when a campaign without an answer is overdue.
    pub overdue_after: u32,
    /// Delivered campaigns still waiting, the longest waiting first.
    pub waiting: Vec<DeliveredCampaign>,
    /// The latest deliveries, the newest first, with the day each was answered.
    pub recent: Vec<DeliveredCampaign>,
    pub addressees: Vec<AddresseeRecord>,
}

/// A delivery as the record by addressee counts it; `None` without an addressee.
fn delivery(delivered: &DeliveredCampaign) -> Option<Delivery> {
    Some(Delivery {
        addressee: delivered
            .campaign
            .first_addressee
            .as_ref()?
            .name
            .to_string(),
        delivered_on: iran_date(delivered.delivered_at),
        answered_on: delivered.campaign.answered_on,
    })
}

impl Record {
    /// Whether a delivered campaign is still waiting, longer than it should, on `today`.
    pub fn is_overdue(&self, delivered: &DeliveredCampaign, today: Date) -> bool {
        delivered.campaign.answered_on.is_none()
            && days_since_delivery(delivered.delivered_at, today) > self.overdue_after
    }
}

/// The record as it stands.
pub async fn record(state: &AppState, platform: &Platform) -> Result<Record, WebError> {
    let overdue_after = platform.response_overdue_days();
    let waiting = state.store.awaiting_response(WAITING_SHOWN).await?;
    let recent = state.store.recent_deliveries(DELIVERIES_COUNTED).await?;
    let deliveries: Vec<Delivery> = recent.iter().filter_map(delivery).collect();
    Ok(Record {
        overdue_after,
        waiting,
        addressees: records_by_addressee(&deliveries),
        recent,
    })
}
