//! The fraud tools of one campaign:
//!
//! - `GET /moderation/campaigns/{id}/sources?network=&domain=&from=&to=`: the networks and
//!   email domains that brought it the most signatures in the last hour and day; with a
//!   choice in the query, how many of its signatures that choice matches now.
//! - `POST …/invalidate`: invalidates what the choice matches, in batches run in the
//!   background → 303 to the run's page.
//! - `GET /moderation/invalidations/{id}`: the run's progress; `POST …/cancel` stops it.

use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use jiff::Timestamp;
use serde::Deserialize;
use tomar_core::campaign::Campaign;
use tomar_core::ids::InvalidationId;
use tomar_core::moderation::{Actor, ModerationAction, ModerationEvent, Target};
use tomar_store::{Invalidation, InvalidationStatus, SourceKind, StoreError};

use crate::error::{FieldErrors, WebError, field_error};
use crate::http::auth::Moderator;
use crate::http::csrf::{CsrfForm, CsrfToken};
use crate::http::extract::ReviewableCampaign;
use crate::rules::fraud::{ChoiceForm, describe, short};
use crate::state::AppState;
use crate::view::Shell;
use crate::view::i18n::Tr;
use crate::view::render::{form_page, render};
use crate::view::url::{percent_encode, review_path};

/// The busiest sources listed of each kind.
const BUSIEST: u32 = 20;

/// The runs listed on a campaign's page.
const RUNS_LISTED: u32 = 10;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/moderation/campaigns/{id}/sources", get(sources_page))
        .route("/moderation/campaigns/{id}/invalidate", post(invalidate))
        .route("/moderation/invalidations/{id}", get(run_page))
        .route("/moderation/invalidations/{id}/cancel", post(cancel))
}

/// One line of a sources table.
struct SourceLine {
    label: String,
    last_hour: String,
    last_day: String,
    /// This page, choosing the source.
    choose_href: String,
}

/// One invalidation run, as listed.
struct RunLine {
    href: String,
    description: String,
    progress: String,
    status: String,
}

impl RunLine {
    fn of(run: &Invalidation, tr: Tr) -> RunLine {
        RunLine {
            href: format!("/moderation/invalidations/{}", run.id),
            description: describe(&run.choice, tr),
            progress: tr.with(
                "fraud.progress",
                &[
                    ("done", &tr.count(run.invalidated)),
                    ("expected", &tr.count(run.expected)),
                ],
            ),
            status: tr.t(&format!("fraud.status_{}", run.status.name())),
        }
    }
}

#[derive(Template)]
#[template(path = "moderation_sources.html")]
struct SourcesTemplate {
    shell: Shell,
    csrf: String,
    review_href: String,
    /// The networks' table, then the domains'.
    tables: [(String, Vec<SourceLine>); 2],
    choice: ChoiceForm,
    errors: FieldErrors,
    /// How many signatures the choice matches, when there is a valid one.
    matching: Option<(u64, String)>,
    runs: Vec<RunLine>,
}

impl SourcesTemplate {
    fn error_for(&self, field: &str) -> Option<&str> {
        field_error(&self.errors, field)
    }

    /// The choice's fields: name, value as typed, input type.
    fn fields(&self) -> [(&'static str, &str, &'static str); 4] {
        [
            ("network", &self.choice.network, "text"),
            ("domain", &self.choice.domain, "text"),
            ("from", &self.choice.from, "datetime-local"),
            ("to", &self.choice.to, "datetime-local"),
        ]
    }
}

async fn sources_page(
    State(state): State<AppState>,
    tr: Tr,
    csrf: CsrfToken,
    Moderator(_): Moderator,
    ReviewableCampaign(campaign): ReviewableCampaign,
    Query(choice): Query<ChoiceForm>,
) -> Result<Response, WebError> {
    let (matching, errors) = match choice.is_blank() {
        true => (None, Vec::new()),
        false => match choice.parse(tr) {
            Ok(chosen) => {
                let count = state.store.count_chosen(campaign.id, &chosen).await?;
                let label = tr.with("fraud.matching", &[("count", &tr.count(count))]);
                (Some((count, label)), Vec::new())
            }
            Err(WebError::Invalid { fields, .. }) => (None, fields),
            Err(other) => return Err(other),
        },
    };
    let refused = !errors.is_empty();
    let template = SourcesTemplate {
        shell: Shell::new(tr, tr.t("fraud.title"), &sources_path(&campaign)),
        csrf: csrf.0,
        review_href: review_path(campaign.id),
        tables: [
            (
                tr.t("fraud.networks"),
                source_lines(&state, &campaign, SourceKind::Network, tr).await?,
            ),
            (
                tr.t("fraud.domains"),
                source_lines(&state, &campaign, SourceKind::Domain, tr).await?,
            ),
        ],
        choice,
        errors,
        matching,
        runs: state
            .store
            .invalidations_of(campaign.id, RUNS_LISTED)
            .await?
            .iter()
            .map(|run| RunLine::of(run, tr))
            .collect(),
    };
    form_page(&template, refused)
}

fn sources_path(campaign: &Campaign) -> String {
    format!("/moderation/campaigns/{}/sources", campaign.id)
}

async fn source_lines(
    state: &AppState,
    campaign: &Campaign,
    kind: SourceKind,
    tr: Tr,
) -> Result<Vec<SourceLine>, WebError> {
    let busiest = state
        .store
        .busiest_sources(campaign.id, kind, Timestamp::now(), BUSIEST)
        .await?;
    let field = match kind {
        SourceKind::Network => "network",
        SourceKind::Domain => "domain",
    };
    Ok(busiest
        .iter()
        .map(|count| SourceLine {
            label: match kind {
                SourceKind::Network => short(&count.source).to_owned(),
                SourceKind::Domain => count.source.clone(),
            },
            last_hour: tr.count(count.last_hour),
            last_day: tr.count(count.last_day),
            choose_href: format!(
                "{}?{field}={}#choice",
                sources_path(campaign),
                percent_encode(&count.source)
            ),
        })
        .collect())
}

#[tracing::instrument(skip_all, fields(campaign = %campaign.id))]
async fn invalidate(
    State(state): State<AppState>,
    tr: Tr,
    Moderator(moderator): Moderator,
    ReviewableCampaign(campaign): ReviewableCampaign,
    CsrfForm(form): CsrfForm<ChoiceForm>,
) -> Result<Response, WebError> {
    let choice = form.parse(tr)?;
    // What goes is what matches now; the moderator saw the count a moment ago.
    let expected = state.store.count_chosen(campaign.id, &choice).await?;
    if expected == 0 {
        return Err(WebError::invalid_field(
            tr,
            "network",
            "fraud.nothing_matches",
        ));
    }
    let note = tr.with(
        "fraud.note",
        &[
            ("count", &tr.count(expected)),
            ("choice", &describe(&choice, tr)),
        ],
    );
    let event = ModerationEvent {
        actor: Actor::Member(moderator.id),
        action: ModerationAction::Invalidate,
        target: Target::Campaign(campaign.id),
        note: Some(note),
        at: Timestamp::now(),
    };
    let run = state
        .store
        .start_invalidation(campaign.id, &choice, expected, moderator.id, &event)
        .await?;
    Ok(Redirect::to(&format!("/moderation/invalidations/{run}")).into_response())
}

#[derive(Deserialize)]
struct RunPath {
    id: i64,
}

async fn find_run(state: &AppState, id: i64) -> Result<Invalidation, WebError> {
    state
        .store
        .invalidation(InvalidationId(id))
        .await?
        .ok_or(WebError::NotFound)
}

#[derive(Template)]
#[template(path = "moderation_invalidation.html")]
struct RunTemplate {
    shell: Shell,
    csrf: String,
    sources_href: String,
    /// The sources page with the same choice, to see what it matches now.
    again_href: String,
    run: RunLine,
    running: bool,
}

async fn run_page(
    State(state): State<AppState>,
    tr: Tr,
    csrf: CsrfToken,
    Moderator(_): Moderator,
    Path(RunPath { id }): Path<RunPath>,
) -> Result<Html<String>, WebError> {
    let run = find_run(&state, id).await?;
    let path = format!("/moderation/invalidations/{}", run.id);
    render(&RunTemplate {
        shell: Shell::new(tr, tr.t("fraud.run_title"), &path),
        csrf: csrf.0,
        sources_href: format!("/moderation/campaigns/{}/sources", run.campaign_id),
        again_href: format!(
            "/moderation/campaigns/{}/sources?{}#choice",
            run.campaign_id,
            ChoiceForm::of(&run.choice).query()
        ),
        running: run.status == InvalidationStatus::Running,
        run: RunLine::of(&run, tr),
    })
}

/// Cancelling carries nothing but its token.
#[derive(Deserialize)]
struct CancelForm {}

async fn cancel(
    State(state): State<AppState>,
    Moderator(moderator): Moderator,
    Path(RunPath { id }): Path<RunPath>,
    CsrfForm(CancelForm {}): CsrfForm<CancelForm>,
) -> Result<Response, WebError> {
    let run = find_run(&state, id).await?;
    let event = ModerationEvent {
        actor: Actor::Member(moderator.id),
        action: ModerationAction::CancelInvalidation,
        target: Target::Campaign(run.campaign_id),
        note: None,
        at: Timestamp::now(),
    };
    if !state.store.cancel_invalidation(run.id, &event).await? {
        return Err(WebError::Store(StoreError::Conflict));
    }
    Ok(Redirect::to(&format!("/moderation/invalidations/{}", run.id)).into_response())
}
