//! `/admin`, for admins only: who moderates, the list of rejection reasons, and the
//! platform's run-time settings (texts, channel links, limits, kill switches). Everything
//! lives in the database and takes effect on the next request, in every server process.

use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::response::{Html, Response};
use axum::routing::{get, post};
use jiff::Timestamp;
use serde::Deserialize;
use tomar_core::contact::Contact;
use tomar_core::ids::{MemberId, RejectionReasonId};
use tomar_core::member::Role;
use tomar_core::names::{Line, TelegramChat};
use tomar_core::persian::{ascii_digits, clean_text};

use crate::error::WebError;
use crate::http::auth::Admin;
use crate::http::csrf::{CsrfForm, CsrfToken};
use crate::rules::extensions::{ExtensionFields, extend_open_campaigns};
use crate::rules::platform::{Platform, keys};
use crate::rules::random;
use crate::state::AppState;
use crate::view::Shell;
use crate::view::done::{Done, DoneQuery};
use crate::view::i18n::Tr;
use crate::view::render::render;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/admin", get(admin_page))
        .route("/admin/grant", post(grant))
        .route("/admin/members/{id}/role", post(set_role))
        .route("/admin/reasons", post(add_reason))
        .route("/admin/reasons/{id}", post(set_reason_active))
        .route("/admin/settings", post(save_settings))
        .route("/admin/extend", post(extend))
}

/// The settings an admin edits here, each with how its form field looks.
const SETTINGS: &[(&str, SettingKind)] = &[
    (keys::SIGNING_STOPPED, SettingKind::Switch),
    (keys::CAMPAIGNS_STOPPED, SettingKind::Switch),
    (keys::COMMENTS_STOPPED, SettingKind::Switch),
    (keys::COMMENTS_AFTER_END, SettingKind::Switch),
    (keys::CODES_PER_CONTACT_PER_HOUR, SettingKind::Number),
    (keys::CODES_PER_NETWORK_PER_HOUR, SettingKind::Number),
    (keys::WRONG_CODES_PER_NETWORK_PER_HOUR, SettingKind::Number),
    (keys::LOGINS_PER_NETWORK_PER_HOUR, SettingKind::Number),
    (keys::CAMPAIGN_MAX_DAYS, SettingKind::Number),
    (keys::DELIVERY_THRESHOLD, SettingKind::Number),
    (keys::ANONYMISE_AFTER_DAYS, SettingKind::Number),
    (keys::RESPONSE_OVERDUE_DAYS, SettingKind::Number),
    (keys::NAMES_PER_VOLUME, SettingKind::Number),
    (keys::POSTS_PER_NETWORK_PER_HOUR, SettingKind::Number),
    (keys::FLAGS_TO_HIDE, SettingKind::Number),
    (keys::REPORTS_PER_NETWORK_PER_HOUR, SettingKind::Number),
    (keys::SUBMISSIONS_PER_MEMBER_PER_HOUR, SettingKind::Number),
    (keys::SUBMISSIONS_PER_NETWORK_PER_HOUR, SettingKind::Number),
    ("channel.telegram", SettingKind::Line),
    ("channel.instagram", SettingKind::Line),
    (keys::TELEGRAM_CHAT, SettingKind::TelegramChat),
    ("disclaimer.fa", SettingKind::Text),
    ("disclaimer.en", SettingKind::Text),
    ("rules.fa", SettingKind::Text),
    ("rules.en", SettingKind::Text),
];

#[derive(Clone, Copy, PartialEq, Eq)]
enum SettingKind {
    Switch,
    Number,
    Line,
    /// Where the platform's channel posts go (`@name` or a chat's number).
    TelegramChat,
    Text,
}

struct SettingField {
    key: &'static str,
    label: String,
    value: String,
    kind: SettingKind,
}

struct StaffLine {
    id: i64,
    name: String,
    /// Their mobile or email, masked (`0912***4567`): enough to tell two people apart.
    contact: Option<String>,
    role: &'static str,
}

struct ReasonLine {
    id: i64,
    label_fa: String,
    label_en: String,
    active: bool,
}

#[derive(Template)]
#[template(path = "admin.html")]
struct AdminTemplate {
    shell: Shell,
    csrf: String,
    done: Option<String>,
    staff: Vec<StaffLine>,
    roles: Vec<(&'static str, String)>,
    reasons: Vec<ReasonLine>,
    settings: Vec<SettingField>,
}

async fn admin_page(
    State(state): State<AppState>,
    tr: Tr,
    csrf: CsrfToken,
    Admin(_): Admin,
    Query(query): Query<DoneQuery>,
) -> Result<Html<String>, WebError> {
    let (staff, reasons, settings) = tokio::try_join!(
        state.store.staff(),
        state.store.rejection_reasons(),
        state.store.settings(),
    )?;
    let platform = Platform::new(settings);
    render(&AdminTemplate {
        shell: Shell::new(tr, tr.t("admin.title"), "/admin"),
        csrf: csrf.0,
        done: Done::message(&query, tr),
        staff: staff
            .iter()
            .map(|m| StaffLine {
                id: m.id.0,
                name: m.display_name.as_ref().map_or_else(
                    || tr.with("moderation.member", &[("id", &tr.number(m.id.0))]),
                    ToString::to_string,
                ),
                contact: m
                    .sealed_contact
                    .as_deref()
                    .and_then(|sealed| state.secret.open(sealed))
                    .and_then(|plain| Contact::parse(&plain).ok())
                    .map(|contact| tr.digits(&contact.masked())),
                role: m.role.name(),
            })
            .collect(),
        roles: Role::ALL
            .iter()
            .map(|r| (r.name(), tr.t(&format!("admin.role_{}", r.name()))))
            .collect(),
        reasons: reasons
            .iter()
            .map(|r| ReasonLine {
                id: r.id.0,
                label_fa: r.label_fa.to_string(),
                label_en: r.label_en.to_string(),
                active: r.active,
            })
            .collect(),
        settings: SETTINGS
            .iter()
            .map(|(key, kind)| SettingField {
                key,
                label: tr.t(&format!("admin.setting_{}", key.replace('.', "_"))),
                value: platform.in_use(key),
                kind: *kind,
            })
            .collect(),
    })
}

#[derive(Deserialize)]
struct GrantForm {
    contact: String,
    role: String,
}

/// Gives a role to the person with a mobile or email, registering them if needed.
#[tracing::instrument(skip_all)]
async fn grant(
    State(state): State<AppState>,
    tr: Tr,
    Admin(_): Admin,
    CsrfForm(form): CsrfForm<GrantForm>,
) -> Result<Response, WebError> {
    let role = Role::from_name(&form.role)
        .ok_or_else(|| WebError::invalid_field(tr, "role", "admin.bad_role"))?;
    let contact = Contact::parse(&form.contact)
        .map_err(|_| WebError::invalid_field(tr, "contact", "admin.bad_contact"))?;
    let sealed = state.secret.seal(contact.as_ref(), random::nonce());
    let key = state.secret.contact_key(&contact);
    state
        .store
        .grant_role(&key, &sealed, role, Timestamp::now())
        .await?;
    Ok(Done::RoleGiven.back_to("/admin"))
}

#[derive(Deserialize)]
struct RoleForm {
    role: String,
}

async fn set_role(
    State(state): State<AppState>,
    tr: Tr,
    Admin(admin): Admin,
    Path(id): Path<i64>,
    CsrfForm(form): CsrfForm<RoleForm>,
) -> Result<Response, WebError> {
    let role = Role::from_name(&form.role)
        .ok_or_else(|| WebError::invalid_field(tr, "role", "admin.bad_role"))?;
    // An admin cannot demote themselves: the platform must never be left without one.
    if admin.id == MemberId(id) && role != Role::Admin {
        return Err(WebError::invalid_field(tr, "role", "admin.keep_yourself"));
    }
    state.store.set_role(MemberId(id), role).await?;
    Ok(Done::RoleChanged.back_to("/admin"))
}

#[derive(Deserialize)]
struct ReasonForm {
    label_fa: String,
    label_en: String,
}

async fn add_reason(
    State(state): State<AppState>,
    tr: Tr,
    Admin(_): Admin,
    CsrfForm(form): CsrfForm<ReasonForm>,
) -> Result<Response, WebError> {
    let (Ok(fa), Ok(en)) = (
        Line::parse(&form.label_fa, 200),
        Line::parse(&form.label_en, 200),
    ) else {
        return Err(WebError::invalid_field(
            tr,
            "label_fa",
            "admin.reason_labels",
        ));
    };
    state
        .store
        .add_rejection_reason(fa.as_ref(), en.as_ref())
        .await?;
    Ok(Done::ReasonAdded.back_to("/admin"))
}

#[derive(Deserialize)]
struct ActiveForm {
    active: Option<String>,
}

async fn set_reason_active(
    State(state): State<AppState>,
    Admin(_): Admin,
    Path(id): Path<i64>,
    CsrfForm(form): CsrfForm<ActiveForm>,
) -> Result<Response, WebError> {
    let active = form.active.is_some();
    state
        .store
        .set_rejection_reason_active(RejectionReasonId(id), active)
        .await?;
    Ok(Done::ReasonChanged.back_to("/admin"))
}

/// Saves the settings form: every known key, each checked for its kind. Unknown keys in
/// the form are ignored; nothing is saved if any value is refused.
#[tracing::instrument(skip_all)]
async fn save_settings(
    State(state): State<AppState>,
    tr: Tr,
    Admin(_): Admin,
    CsrfForm(pairs): CsrfForm<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let value_of = |key: &str| {
        pairs
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    };
    let mut values = Vec::new();
    for (key, kind) in SETTINGS {
        let typed = value_of(key).unwrap_or_default().trim();
        let value = match kind {
            SettingKind::Switch => (if typed.is_empty() { "false" } else { "true" }).to_owned(),
            SettingKind::Number if typed.is_empty() => String::new(),
            SettingKind::Number => ascii_digits(typed)
                .parse::<u64>()
                .map(|n| n.to_string())
                .map_err(|_| WebError::invalid_field(tr, "settings", "admin.bad_number"))?,
            SettingKind::Line if typed.is_empty() => String::new(),
            SettingKind::Line
                if typed.starts_with("https://") && !typed.contains(char::is_whitespace) =>
            {
                typed.to_owned()
            }
            SettingKind::Line => {
                return Err(WebError::invalid_field(tr, "settings", "admin.bad_link"));
            }
            SettingKind::TelegramChat if typed.is_empty() => String::new(),
            SettingKind::TelegramChat => TelegramChat::parse(typed)
                .map(|chat| chat.to_string())
                .map_err(|_| WebError::invalid_field(tr, "settings", "admin.bad_telegram_chat"))?,
            SettingKind::Text => clean_text(typed),
        };
        // The default as shown is saved as unset, so that it follows Tomar's own.
        let value = match Platform::is_default(key, &value) {
            true => String::new(),
            false => value,
        };
        values.push((*key, value));
    }
    state.store.set_settings(&values).await?;
    Ok(Done::SettingsSaved.back_to("/admin"))
}

#[derive(Deserialize)]
struct ExtendForm {
    outage_on: Option<String>,
    days: Option<String>,
    reason: Option<String>,
}

/// Gives the days of an outage back to every open campaign.
#[tracing::instrument(skip_all)]
async fn extend(
    State(state): State<AppState>,
    tr: Tr,
    Admin(admin): Admin,
    CsrfForm(form): CsrfForm<ExtendForm>,
) -> Result<Response, WebError> {
    let fields = ExtensionFields {
        outage_on: form.outage_on.as_deref().unwrap_or_default(),
        days: form.days.as_deref().unwrap_or_default(),
        reason: form.reason.as_deref().unwrap_or_default(),
    };
    let moved = extend_open_campaigns(&state, &admin, &fields, tr).await?;
    tracing::info!(moved, "open campaigns extended after an outage");
    Ok(Done::EndDatesExtended.back_to("/admin"))
}
