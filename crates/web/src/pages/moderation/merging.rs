//! Merging a duplicate campaign into another:
//!
//! - `GET /moderation/campaigns/{id}/merge`: the form that names the campaign to merge this
//!   one into, and this campaign's merges; `POST` there proposes one → 303 to its page.
//! - `GET /moderation/merges/{id}`: the preview (how many signers are new to the other
//!   campaign, how many signed it already), counted in the background, then the carrying's
//!   progress; `POST …/confirm` merges, once; `POST …/drop` lets a preview go.

use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use jiff::Timestamp;
use serde::Deserialize;
use tomar_core::campaign::Campaign;
use tomar_core::ids::MergeId;
use tomar_core::moderation::{Actor, ModerationAction, ModerationEvent, Target};
use tomar_store::{Merge, MergeStatus, StoreError};

use crate::error::{FieldErrors, WebError, field_error};
use crate::http::auth::Moderator;
use crate::http::csrf::{CsrfForm, CsrfToken};
use crate::http::extract::ReviewableCampaign;
use crate::rules::campaigns::any_campaign;
use crate::rules::merging::MergeForm;
use crate::state::AppState;
use crate::view::Shell;
use crate::view::i18n::Tr;
use crate::view::render::{form_page, render};
use crate::view::text::{Segment, sentence};
use crate::view::url::review_path;

/// The merges listed on a campaign's merging page.
const MERGES_LISTED: u32 = 10;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/moderation/campaigns/{id}/merge",
            get(merging_page).post(propose),
        )
        .route("/moderation/merges/{id}", get(merge_page))
        .route("/moderation/merges/{id}/confirm", post(confirm))
        .route("/moderation/merges/{id}/drop", post(drop_preview))
}

/// A merge, as its page and the lists show it.
struct MergeLine {
    href: String,
    /// «from» into «into», each title isolated.
    label: Vec<Segment>,
    from_title: String,
    from_href: String,
    into_title: String,
    into_href: String,
    status: String,
    /// How far the carrying has come, once confirmed.
    progress: Option<String>,
}

impl MergeLine {
    async fn of(state: &AppState, merge: &Merge, tr: Tr) -> Result<MergeLine, WebError> {
        let (from, into) = tokio::try_join!(
            any_campaign(state, merge.from),
            any_campaign(state, merge.into)
        )?;
        let confirmed = matches!(merge.status, MergeStatus::Carrying | MergeStatus::Done);
        Ok(MergeLine {
            href: merge_path(merge.id),
            label: sentence(
                &tr.t("merge.line"),
                vec![
                    ("from", Segment::Name(from.text.title.to_string())),
                    ("into", Segment::Name(into.text.title.to_string())),
                ],
            ),
            from_title: from.text.title.to_string(),
            from_href: review_path(from.id),
            into_title: into.text.title.to_string(),
            into_href: review_path(into.id),
            status: tr.t(&format!("merge.status_{}", merge.status.name())),
            progress: confirmed.then(|| {
                tr.with(
                    "merge.progress",
                    &[
                        ("carried", &tr.count(merge.carried)),
                        ("new", &tr.count(merge.new_signers)),
                    ],
                )
            }),
        })
    }
}

fn merge_path(id: MergeId) -> String {
    format!("/moderation/merges/{id}")
}

#[derive(Template)]
#[template(path = "moderation_merging.html")]
struct MergingTemplate {
    shell: Shell,
    csrf: String,
    review_href: String,
    title: String,
    into: String,
    errors: FieldErrors,
    merges: Vec<MergeLine>,
}

impl MergingTemplate {
    fn error_for(&self, field: &str) -> Option<&str> {
        field_error(&self.errors, field)
    }
}

async fn merging_template(
    state: &AppState,
    campaign: &Campaign,
    form: MergeForm,
    errors: FieldErrors,
    csrf: String,
    tr: Tr,
) -> Result<MergingTemplate, WebError> {
    let merges = state.store.merges_of(campaign.id, MERGES_LISTED).await?;
    let mut lines = Vec::with_capacity(merges.len());
    for merge in &merges {
        lines.push(MergeLine::of(state, merge, tr).await?);
    }
    Ok(MergingTemplate {
        shell: Shell::new(
            tr,
            tr.t("merge.title"),
            &format!("{}/merge", review_path(campaign.id)),
        ),
        csrf,
        review_href: review_path(campaign.id),
        title: campaign.text.title.to_string(),
        into: form.into,
        errors,
        merges: lines,
    })
}

async fn merging_page(
    State(state): State<AppState>,
    tr: Tr,
    csrf: CsrfToken,
    Moderator(_): Moderator,
    ReviewableCampaign(campaign): ReviewableCampaign,
) -> Result<Html<String>, WebError> {
    let form = MergeForm::default();
    render(&merging_template(&state, &campaign, form, Vec::new(), csrf.0, tr).await?)
}

#[tracing::instrument(skip_all, fields(campaign = %campaign.id))]
async fn propose(
    State(state): State<AppState>,
    tr: Tr,
    csrf: CsrfToken,
    Moderator(moderator): Moderator,
    ReviewableCampaign(campaign): ReviewableCampaign,
    CsrfForm(form): CsrfForm<MergeForm>,
) -> Result<Response, WebError> {
    let proposed = async {
        let into = form.target(&state, &campaign, tr).await?;
        let at = Timestamp::now();
        match state
            .store
            .propose_merge(campaign.id, into.id, moderator.id, at)
            .await
        {
            Err(StoreError::Conflict) => {
                Err(WebError::invalid_field(tr, "into", "merge.not_mergeable"))
            }
            proposed => Ok(proposed?),
        }
    };
    let errors = match proposed.await {
        Ok(id) => return Ok(Redirect::to(&merge_path(id)).into_response()),
        Err(WebError::Invalid { fields, .. }) => fields,
        Err(other) => return Err(other),
    };
    form_page(
        &merging_template(&state, &campaign, form, errors, csrf.0, tr).await?,
        true,
    )
}

#[derive(Deserialize)]
struct MergePath {
    id: i64,
}

async fn find_merge(state: &AppState, id: i64) -> Result<Merge, WebError> {
    state
        .store
        .merge(MergeId(id))
        .await?
        .ok_or(WebError::NotFound)
}

#[derive(Template)]
#[template(path = "moderation_merge.html")]
struct MergeTemplate {
    shell: Shell,
    csrf: String,
    merge: MergeLine,
    /// The preview's numbers, once counted.
    preview: Option<Vec<Segment>>,
    counting: bool,
    counted: bool,
    carrying: bool,
}

async fn merge_page(
    State(state): State<AppState>,
    tr: Tr,
    csrf: CsrfToken,
    Moderator(_): Moderator,
    Path(MergePath { id }): Path<MergePath>,
) -> Result<Html<String>, WebError> {
    let merge = find_merge(&state, id).await?;
    let line = MergeLine::of(&state, &merge, tr).await?;
    render(&MergeTemplate {
        shell: Shell::new(tr, tr.t("merge.run_title"), &line.href),
        csrf: csrf.0,
        preview: merge.counted_at.map(|at| {
            sentence(
                &tr.t("merge.preview"),
                vec![
                    ("new", Segment::Text(tr.count(merge.new_signers))),
                    ("already", Segment::Text(tr.count(merge.already_signed))),
                    ("into", Segment::Name(line.into_title.clone())),
                    ("at", Segment::Text(tr.instant(at))),
                ],
            )
        }),
        counting: merge.status == MergeStatus::Counting,
        counted: merge.status == MergeStatus::Counted,
        carrying: merge.status == MergeStatus::Carrying,
        merge: line,
    })
}

/// Confirming and dropping carry nothing but their token.
#[derive(Deserialize)]
struct DecisionForm {}

#[tracing::instrument(skip_all, fields(merge = id))]
async fn confirm(
    State(state): State<AppState>,
    tr: Tr,
    Moderator(moderator): Moderator,
    Path(MergePath { id }): Path<MergePath>,
    CsrfForm(DecisionForm {}): CsrfForm<DecisionForm>,
) -> Result<Response, WebError> {
    let merge = find_merge(&state, id).await?;
    let (from, into) = (
        any_campaign(&state, merge.from).await?,
        any_campaign(&state, merge.into).await?,
    );
    let note = tr.with(
        "merge.note",
        &[
            ("from", from.text.title.as_ref()),
            ("into", into.text.title.as_ref()),
            ("new", &tr.count(merge.new_signers)),
        ],
    );
    let event = ModerationEvent {
        actor: Actor::Member(moderator.id),
        action: ModerationAction::Merge,
        target: Target::Campaign(merge.from),
        note: Some(note),
        at: Timestamp::now(),
    };
    state.store.confirm_merge(merge.id, &event).await?;
    Ok(Redirect::to(&merge_path(merge.id)).into_response())
}

async fn drop_preview(
    State(state): State<AppState>,
    Moderator(_): Moderator,
    Path(MergePath { id }): Path<MergePath>,
    CsrfForm(DecisionForm {}): CsrfForm<DecisionForm>,
) -> Result<Response, WebError> {
    let merge = find_merge(&state, id).await?;
    if !state.store.drop_merge(merge.id, Timestamp::now()).await? {
        return Err(WebError::Store(StoreError::Conflict));
    }
    Ok(Redirect::to(&format!("{}/merge", review_path(merge.from))).into_response())
}
