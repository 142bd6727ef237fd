//! `/me`, a member's own page: their display name, the campaigns they started (with their
//! states), the campaigns they signed (withdraw from here), their comments, and the doors
//! to moderation and administration for those whose role opens them.

use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use jiff::Timestamp;
use serde::Deserialize;
use tomar_core::ids::CampaignId;
use tomar_core::member::Member as Account;
use tomar_core::names::PersonName;
use tomar_store::SignatureOwner;

use crate::error::WebError;
use crate::http::auth::Member;
use crate::http::csrf::{CsrfForm, CsrfToken};
use crate::state::AppState;
use crate::view::i18n::Tr;
use crate::view::render::render;
use crate::view::{Card, Shell};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/me", get(me))
        .route("/me/name", post(set_name))
        .route("/me/signatures/{campaign}/withdraw", post(withdraw))
}

/// A campaign the member signed, with the address of its withdraw form.
struct SignedCard {
    card: Card,
    withdraw_action: String,
}

/// One of the member's comments, with where it was written.
struct MyComment {
    href: String,
    body: String,
    date: String,
}

#[derive(Template)]
#[template(path = "me.html")]
struct MeTemplate {
    shell: Shell,
    csrf: String,
    name: String,
    name_error: Option<String>,
    can_moderate: bool,
    is_admin: bool,
    started: Vec<Card>,
    signed: Vec<SignedCard>,
    comments: Vec<MyComment>,
}

async fn me_page(
    state: &AppState,
    tr: Tr,
    csrf: CsrfToken,
    member: &Account,
    typed_name: Option<(String, String)>,
) -> Result<Response, WebError> {
    let now = Timestamp::now();
    let started = state.store.campaigns_by_author(member.id).await?;
    let signed = state.store.campaigns_signed_by(&member.contact_key).await?;
    let comments = state.store.comments_by_author(member.id).await?;
    let (status, name, name_error) = match typed_name {
        Some((typed, error)) => (StatusCode::UNPROCESSABLE_ENTITY, typed, Some(error)),
        None => (
            StatusCode::OK,
            member
                .display_name
                .as_ref()
                .map(ToString::to_string)
                .unwrap_or_default(),
            None,
        ),
    };
    let page = render(&MeTemplate {
        shell: Shell::new(tr, tr.t("me.title"), "/me"),
        csrf: csrf.0,
        name,
        name_error,
        can_moderate: member.can_moderate(),
        is_admin: member.is_admin(),
        // The author's own page of each, which also serves drafts and campaigns in review.
        started: started
            .iter()
            .map(|summary| Card {
                href: format!("/me/campaigns/{}", summary.id),
                ..Card::new(summary, tr, now)
            })
            .collect(),
        signed: signed
            .iter()
            .map(|summary| SignedCard {
                card: Card::new(summary, tr, now),
                withdraw_action: format!("/me/signatures/{}/withdraw", summary.id),
            })
            .collect(),
        comments: comments
            .iter()
            .map(|comment| MyComment {
                href: format!("/{}#comment-{}", comment.campaign_id, comment.id),
                body: comment.body.as_ref().to_owned(),
                date: tr.instant(comment.created_at),
            })
            .collect(),
    })?;
    Ok((status, page).into_response())
}

async fn me(
    State(state): State<AppState>,
    tr: Tr,
    csrf: CsrfToken,
    Member(member): Member,
) -> Result<Response, WebError> {
    me_page(&state, tr, csrf, &member, None).await
}

#[derive(Deserialize)]
struct NameForm {
    name: String,
}

async fn set_name(
    State(state): State<AppState>,
    tr: Tr,
    csrf: CsrfToken,
    Member(member): Member,
    CsrfForm(form): CsrfForm<NameForm>,
) -> Result<Response, WebError> {
    match PersonName::parse(&form.name) {
        Ok(name) => {
            state.store.set_display_name(member.id, &name).await?;
            Ok(Redirect::to("/me").into_response())
        }
        Err(error) => {
            let typed = (form.name.chars().take(200).collect(), tr.t(error.key()));
            me_page(&state, tr, csrf, &member, Some(typed)).await
        }
    }
}

/// Withdrawing carries nothing but its token.
#[derive(Deserialize)]
struct WithdrawForm {}

#[tracing::instrument(skip_all)]
async fn withdraw(
    State(state): State<AppState>,
    Member(member): Member,
    Path(campaign): Path<i64>,
    CsrfForm(WithdrawForm {}): CsrfForm<WithdrawForm>,
) -> Result<Response, WebError> {
    let owner = SignatureOwner::Signer(CampaignId(campaign), &member.contact_key);
    state
        .store
        .withdraw_signature(&owner, Timestamp::now())
        .await?
        .ok_or(WebError::NotFound)?;
    Ok(Redirect::to("/me").into_response())
}
