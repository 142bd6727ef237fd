//! `/me`, a member's own page: their display name, the campaigns they started (with their
//! states), the campaigns they signed (withdraw from here), their comments, and the doors
//! to moderation and administration for those whose role opens them.

use askama::Template;
use axum::Extension;
use axum::extract::{Form, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use jiff::Timestamp;
use serde::Deserialize;
use tomar_core::ids::CampaignId;
use tomar_core::member::Member;
use tomar_core::names::PersonName;
use tomar_store::SignatureOwner;

use crate::AppState;
use crate::auth::Viewer;
use crate::csrf::CsrfToken;
use crate::error::WebError;
use crate::i18n::Tr;
use crate::pages::render;
use crate::view::{Card, Shell};

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
    member: &Member,
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

pub async fn me(
    State(state): State<AppState>,
    Extension(tr): Extension<Tr>,
    Extension(csrf): Extension<CsrfToken>,
    Extension(viewer): Extension<Viewer>,
) -> Result<Response, WebError> {
    me_page(&state, tr, csrf, viewer.member()?, None).await
}

#[derive(Deserialize)]
pub struct NameForm {
    csrf: String,
    name: String,
}

pub async fn set_name(
    State(state): State<AppState>,
    Extension(tr): Extension<Tr>,
    Extension(csrf): Extension<CsrfToken>,
    Extension(viewer): Extension<Viewer>,
    Form(form): Form<NameForm>,
) -> Result<Response, WebError> {
    let member = viewer.member()?;
    csrf.verify(&form.csrf)?;
    match PersonName::parse(&form.name) {
        Ok(name) => {
            state.store.set_display_name(member.id, &name).await?;
            Ok(Redirect::to("/me").into_response())
        }
        Err(error) => {
            let typed = (form.name.chars().take(200).collect(), tr.t(error.key()));
            me_page(&state, tr, csrf, member, Some(typed)).await
        }
    }
}

#[derive(Deserialize)]
pub struct WithdrawForm {
    csrf: String,
}

#[tracing::instrument(skip_all)]
pub async fn withdraw(
    State(state): State<AppState>,
    Extension(csrf): Extension<CsrfToken>,
    Extension(viewer): Extension<Viewer>,
    Path(campaign): Path<i64>,
    Form(form): Form<WithdrawForm>,
) -> Result<Response, WebError> {
    let member = viewer.member()?;
    csrf.verify(&form.csrf)?;
    let owner = SignatureOwner::Signer(CampaignId(campaign), &member.contact_key);
    state
        .store
        .withdraw_signature(&owner, Timestamp::now())
        .await?
        .ok_or(WebError::NotFound)?;
    Ok(Redirect::to("/me").into_response())
}
