//! Taking back a signature, two ways: `/withdraw/{token}` with the link from an email, and
//! `/{c}/signed/{v}/withdraw` from the thank-you page (an SMS carries no link, to stay one
//! segment; the thank-you page's address is as unguessable as the link, and as private).
//! `GET` only asks (link scanners and previews must not act); the `POST` of the confirm
//! form withdraws, and the campaign's count drops by one.

use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::response::Html;
use axum::routing::get;
use jiff::Timestamp;
use serde::Deserialize;
use tomar_core::campaign::Campaign;
use tomar_core::signature::{Signature, SignatureStatus, WithdrawKey, WithdrawToken};
use tomar_core::verification::Verification;
use tomar_store::SignatureOwner;

use crate::error::WebError;
use crate::http::csrf::{CsrfForm, CsrfToken};
use crate::http::extract::PublicCampaign;
use crate::rules::campaigns::any_campaign;
use crate::rules::signing;
use crate::state::AppState;
use crate::view::Shell;
use crate::view::i18n::Tr;
use crate::view::render::render;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/withdraw/{token}", get(confirm_page).post(withdraw))
        .route(
            "/{campaign}/signed/{verification}/withdraw",
            get(confirm_after_signing).post(withdraw_after_signing),
        )
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
    ask(
        tr,
        csrf,
        &campaign,
        &signature,
        format!("/withdraw/{token}"),
    )
}

/// The question before withdrawing `signature`, or that it is already withdrawn.
fn ask(
    tr: Tr,
    csrf: CsrfToken,
    campaign: &Campaign,
    signature: &Signature,
    action: String,
) -> Result<Html<String>, WebError> {
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
    render(&WithdrawTemplate {
        shell: Shell::new(tr, tr.t("withdraw.title"), &action),
        campaign_href: campaign.path(),
        question,
        csrf: csrf.0,
        action,
        done,
    })
}

/// That the signature was withdrawn.
fn withdrawn(
    tr: Tr,
    csrf: CsrfToken,
    campaign: &Campaign,
    action: String,
) -> Result<Html<String>, WebError> {
    render(&WithdrawTemplate {
        shell: Shell::new(tr, tr.t("withdraw.title"), &action),
        campaign_href: campaign.path(),
        question: tr.t("withdraw.done"),
        csrf: csrf.0,
        action,
        done: true,
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
    withdrawn(tr, csrf, &campaign, format!("/withdraw/{token}"))
}

/// The `{verification}` of a thank-you page's address.
#[derive(Deserialize)]
struct SignedPath {
    verification: String,
}

/// The verification a thank-you page names, if it signed this campaign.
async fn signed_by(
    state: &AppState,
    campaign: &Campaign,
    verification: &str,
) -> Result<Verification, WebError> {
    let verification = signing::verification_of(state, campaign, verification).await?;
    match verification.signature_sequence {
        Some(_) => Ok(verification),
        None => Err(WebError::NotFound),
    }
}

/// Where a thank-you page's withdrawal is asked and done.
fn after_signing(campaign: &Campaign, verification: &Verification) -> String {
    format!("{}/signed/{}/withdraw", campaign.path(), verification.id)
}

async fn confirm_after_signing(
    State(state): State<AppState>,
    tr: Tr,
    csrf: CsrfToken,
    PublicCampaign(campaign): PublicCampaign,
    Path(SignedPath { verification }): Path<SignedPath>,
) -> Result<Html<String>, WebError> {
    let verification = signed_by(&state, &campaign, &verification).await?;
    let signature = state
        .store
        .signature_by_signer(campaign.id, &verification.contact_key)
        .await?
        .ok_or(WebError::NotFound)?;
    ask(
        tr,
        csrf,
        &campaign,
        &signature,
        after_signing(&campaign, &verification),
    )
}

#[tracing::instrument(skip_all, fields(campaign = %campaign.id))]
async fn withdraw_after_signing(
    State(state): State<AppState>,
    tr: Tr,
    csrf: CsrfToken,
    PublicCampaign(campaign): PublicCampaign,
    Path(SignedPath { verification }): Path<SignedPath>,
    CsrfForm(WithdrawForm {}): CsrfForm<WithdrawForm>,
) -> Result<Html<String>, WebError> {
    let verification = signed_by(&state, &campaign, &verification).await?;
    let signer = SignatureOwner::Signer(campaign.id, &verification.contact_key);
    state
        .store
        .withdraw_signature(&signer, Timestamp::now())
        .await?
        .ok_or(WebError::NotFound)?;
    withdrawn(tr, csrf, &campaign, after_signing(&campaign, &verification))
}
