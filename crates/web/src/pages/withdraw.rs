//! `/withdraw/{token}`: a signer takes back their signature with the link from their code
//! message. `GET` only asks (link scanners and previews must not act); the `POST` of the
//! confirm form withdraws, and the campaign's count drops by one.

use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::response::Html;
use axum::routing::get;
use jiff::Timestamp;
use serde::Deserialize;
use tomar_core::signature::{SignatureStatus, WithdrawKey, WithdrawToken};
use tomar_store::SignatureOwner;

use crate::error::WebError;
use crate::http::csrf::{CsrfForm, CsrfToken};
use crate::rules::campaigns::any_campaign;
use crate::state::AppState;
use crate::view::Shell;
use crate::view::i18n::Tr;
use crate::view::render::render;

pub fn routes() -> Router<AppState> {
    Router::new().route("/withdraw/{token}", get(confirm_page).post(withdraw))
}

#[derive(Template)]
#[template(path = "withdraw.html")]
struct WithdrawTemplate {
    shell: Shell,
    campaign_href: String,
    question: String,
    csrf: String,
    action: String,
    done: bool,
}

/// Withdrawing carries nothing but its token.
#[derive(Deserialize)]
struct WithdrawForm {}

/// The signature's withdrawal key; malformed tokens are simply unknown.
fn withdraw_key(state: &AppState, token: &str) -> Result<WithdrawKey, WebError> {
    let token = WithdrawToken::parse(token).ok_or(WebError::NotFound)?;
    Ok(state.secret.withdraw_key(&token))
}

async fn confirm_page(
    State(state): State<AppState>,
    tr: Tr,
    csrf: CsrfToken,
    Path(token): Path<String>,
) -> Result<Html<String>, WebError> {
    let key = withdraw_key(&state, &token)?;
    let signature = state
        .store
        .signature_by_withdraw_key(&key)
        .await?
        .ok_or(WebError::NotFound)?;
    let campaign = any_campaign(&state, signature.campaign_id).await?;
    let done = signature.status != SignatureStatus::Confirmed;
    let question = if done {
        tr.t("withdraw.already")
    } else {
        tr.with(
            "withdraw.question",
            &[
                ("number", &tr.count(signature.sequence)),
                ("title", campaign.text.title.as_ref()),
            ],
        )
    };
    let action = format!("/withdraw/{token}");
    render(&WithdrawTemplate {
        shell: Shell::new(tr, tr.t("withdraw.title"), &action),
        campaign_href: campaign.path(),
        question,
        csrf: csrf.0,
        action,
        done,
    })
}

#[tracing::instrument(skip_all)]
async fn withdraw(
    State(state): State<AppState>,
    tr: Tr,
    csrf: CsrfToken,
    Path(token): Path<String>,
    CsrfForm(WithdrawForm {}): CsrfForm<WithdrawForm>,
) -> Result<Html<String>, WebError> {
    let key = withdraw_key(&state, &token)?;
    let campaign = state
        .store
        .withdraw_signature(&SignatureOwner::WithdrawKey(&key), Timestamp::now())
        .await?
        .ok_or(WebError::NotFound)?;
    let campaign = any_campaign(&state, campaign).await?;
    let action = format!("/withdraw/{token}");
    render(&WithdrawTemplate {
        shell: Shell::new(tr, tr.t("withdraw.title"), &action),
        campaign_href: campaign.path(),
        question: tr.t("withdraw.done"),
        csrf: csrf.0,
        action,
        done: true,
    })
}
