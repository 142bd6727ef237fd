//! `/admin`, for admins only: who moderates, the list of rejection reasons, and the
//! platform's run-time settings (texts, channel links, limits, kill switches). Everything
//! lives in the database and takes effect on the next request, in every server process.

use askama::Template;
use axum::Extension;
use axum::extract::{Form, Path, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use jiff::Timestamp;
use serde::Deserialize;
use tomar_core::contact::Contact;
use tomar_core::ids::{MemberId, RejectionReasonId};
use tomar_core::member::Role;
use tomar_core::names::Line;

use crate::AppState;
use crate::auth::Viewer;
use crate::csrf::CsrfToken;
use crate::error::WebError;
use crate::i18n::Tr;
use crate::pages::render;
use crate::platform::keys;
use crate::random;
use crate::view::Shell;

/// The settings an admin edits here, each with how its form field looks.
const SETTINGS: &[(&str, SettingKind)] = &[
    (keys::SIGNING_STOPPED, SettingKind::Switch),
    (keys::CAMPAIGNS_STOPPED, SettingKind::Switch),
    (keys::COMMENTS_STOPPED, SettingKind::Switch),
    (keys::COMMENTS_AFTER_END, SettingKind::Switch),
    (keys::CODES_PER_CONTACT_PER_HOUR, SettingKind::Number),
    (keys::CODES_PER_NETWORK_PER_HOUR, SettingKind::Number),
    (keys::CAMPAIGN_MAX_DAYS, SettingKind::Number),
    (keys::DELIVERY_THRESHOLD, SettingKind::Number),
    (keys::POSTS_PER_NETWORK_PER_HOUR, SettingKind::Number),
    (keys::FLAGS_TO_HIDE, SettingKind::Number),
    ("channel.telegram", SettingKind::Line),
    ("channel.instagram", SettingKind::Line),
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
    staff: Vec<StaffLine>,
    roles: Vec<(&'static str, String)>,
    reasons: Vec<ReasonLine>,
    settings: Vec<SettingField>,
}

pub async fn admin_page(
    State(state): State<AppState>,
    Extension(tr): Extension<Tr>,
    Extension(csrf): Extension<CsrfToken>,
    Extension(viewer): Extension<Viewer>,
) -> Result<Html<String>, WebError> {
    viewer.admin()?;
    let (staff, reasons, settings) = tokio::try_join!(
        state.store.staff(),
        state.store.rejection_reasons(),
        state.store.settings(),
    )?;
    render(&AdminTemplate {
        shell: Shell::new(tr, tr.t("admin.title"), "/admin"),
        csrf: csrf.0,
        staff: staff
            .iter()
            .map(|m| StaffLine {
                id: m.id.0,
                name: m.display_name.as_ref().map_or_else(
                    || tr.with("moderation.member", &[("id", &tr.number(m.id.0))]),
                    ToString::to_string,
                ),
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
                value: settings.get(*key).cloned().unwrap_or_default(),
                kind: *kind,
            })
            .collect(),
    })
}

fn back() -> Response {
    Redirect::to("/admin").into_response()
}

#[derive(Deserialize)]
pub struct GrantForm {
    csrf: String,
    contact: String,
    role: String,
}

/// Gives a role to the person with a mobile or email, registering them if needed.
#[tracing::instrument(skip_all)]
pub async fn grant(
    State(state): State<AppState>,
    Extension(tr): Extension<Tr>,
    Extension(csrf): Extension<CsrfToken>,
    Extension(viewer): Extension<Viewer>,
    Form(form): Form<GrantForm>,
) -> Result<Response, WebError> {
    viewer.admin()?;
    csrf.verify(&form.csrf)?;
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
    Ok(back())
}

#[derive(Deserialize)]
pub struct RoleForm {
    csrf: String,
    role: String,
}

pub async fn set_role(
    State(state): State<AppState>,
    Extension(tr): Extension<Tr>,
    Extension(csrf): Extension<CsrfToken>,
    Extension(viewer): Extension<Viewer>,
    Path(id): Path<i64>,
    Form(form): Form<RoleForm>,
) -> Result<Response, WebError> {
    let admin = viewer.admin()?;
    csrf.verify(&form.csrf)?;
    let role = Role::from_name(&form.role)
        .ok_or_else(|| WebError::invalid_field(tr, "role", "admin.bad_role"))?;
    // An admin cannot demote themselves: the platform must never be left without one.
    if admin.id == MemberId(id) && role != Role::Admin {
        return Err(WebError::invalid_field(tr, "role", "admin.keep_yourself"));
    }
    state.store.set_role(MemberId(id), role).await?;
    Ok(back())
}

#[derive(Deserialize)]
pub struct ReasonForm {
    csrf: String,
    label_fa: String,
    label_en: String,
}

pub async fn add_reason(
    State(state): State<AppState>,
    Extension(tr): Extension<Tr>,
    Extension(csrf): Extension<CsrfToken>,
    Extension(viewer): Extension<Viewer>,
    Form(form): Form<ReasonForm>,
) -> Result<Response, WebError> {
    viewer.admin()?;
    csrf.verify(&form.csrf)?;
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
    Ok(back())
}

#[derive(Deserialize)]
pub struct ActiveForm {
    csrf: String,
    active: Option<String>,
}

pub async fn set_reason_active(
    State(state): State<AppState>,
    Extension(csrf): Extension<CsrfToken>,
    Extension(viewer): Extension<Viewer>,
    Path(id): Path<i64>,
    Form(form): Form<ActiveForm>,
) -> Result<Response, WebError> {
    viewer.admin()?;
    csrf.verify(&form.csrf)?;
    let active = form.active.is_some();
    state
        .store
        .set_rejection_reason_active(RejectionReasonId(id), active)
        .await?;
    Ok(back())
}

/// Saves the settings form: every known key, each checked for its kind. Unknown keys in
/// the form are ignored; nothing is saved if any value is refused.
#[tracing::instrument(skip_all)]
pub async fn save_settings(
    State(state): State<AppState>,
    Extension(tr): Extension<Tr>,
    Extension(csrf): Extension<CsrfToken>,
    Extension(viewer): Extension<Viewer>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    viewer.admin()?;
    let value_of = |key: &str| {
        pairs
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    };
    csrf.verify(value_of("csrf").unwrap_or_default())?;
    let mut values = Vec::new();
    for (key, kind) in SETTINGS {
        let typed = value_of(key).unwrap_or_default().trim();
        let value = match kind {
            SettingKind::Switch => (if typed.is_empty() { "false" } else { "true" }).to_owned(),
            SettingKind::Number if typed.is_empty() => continue,
            SettingKind::Number => tomar_core::persian::ascii_digits(typed)
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
            SettingKind::Text => tomar_core::persian::clean_text(typed),
        };
        values.push((*key, value));
    }
    state.store.set_settings(&values).await?;
    Ok(back())
}
