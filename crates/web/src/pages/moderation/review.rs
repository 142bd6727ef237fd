//! `GET /moderation/campaigns/{id}`: one campaign in any state, its history, and the actions
//! its state allows, each a `POST` of its own under the same address: approve, reject with
//! a reason and a note for the author, suspend by legal order, approve or reject a revised
//! text, set the outcome, record the addressee's answer once delivered, post a platform
//! update. Each answers 303 back to the page, which
//! then says what was done; a refused form comes back filled in, its error beside it.

use askama::Template;
use axum::Router;
use axum::extract::{FromRequestParts, Query, State};
use axum::http::request::Parts;
use axum::response::Response;
use axum::routing::{get, post};
use jiff::Timestamp;
use serde::Deserialize;
use tomar_core::calendar::iran_date;
use tomar_core::campaign::Campaign;
use tomar_core::image::ImageSize;
use tomar_core::lifecycle::{OutcomeKind, Status};
use tomar_core::member::Member;
use tomar_core::moderation::Target;
use tomar_core::update::UpdateAuthor;
use tomar_store::StoreError;

use super::NoteForm;
use crate::error::{FieldErrors, WebError, field_error};
use crate::http::auth::Moderator;
use crate::http::csrf::{CsrfForm, CsrfToken};
use crate::http::extract::{Decided, ReviewableCampaign};
use crate::rules::delivery::package_links;
use crate::rules::moderation::{self, note};
use crate::rules::responses::{self, ResponseFields};
use crate::rules::updates::post_update;
use crate::state::AppState;
use crate::view::Shell;
use crate::view::done::{Done, DoneQuery};
use crate::view::growth::GrowthChart;
use crate::view::i18n::Tr;
use crate::view::letter::Preview;
use crate::view::moderation::EventLine;
use crate::view::questions::QuestionLine;
use crate::view::render::form_page;
use crate::view::url::review_path;

pub fn routes() -> Router<AppState> {
    let campaign = "/moderation/campaigns/{id}";
    Router::new()
        .route(campaign, get(review_page))
        .route(&format!("{campaign}/approve"), post(approve))
        .route(&format!("{campaign}/reject"), post(reject))
        .route(&format!("{campaign}/suspend"), post(suspend))
        .route(&format!("{campaign}/outcome"), post(set_outcome))
        .route(&format!("{campaign}/response"), post(record_response))
        .route(
            &format!("{campaign}/addressee_link"),
            post(make_addressee_link),
        )
        // The other actions' fixed names come first; what is left names a text decision.
        .route(&format!("{campaign}/{{decision}}"), post(review_text))
        .route(&format!("{campaign}/update"), post(platform_update))
}

#[derive(Template)]
#[template(path = "moderation_campaign.html")]
struct ReviewTemplate {
    shell: Shell,
    csrf: String,
    done: Option<String>,
    action_base: String,
    public_href: Option<String>,
    /// The delivery package's PDF, a link a volume.
    package_links: Vec<(String, String)>,
    /// Where a campaign merged into another went: that one's review page.
    merged_into: Option<String>,
    status: String,
    count: String,
    growth: Option<GrowthChart>,
    preview: Preview,
    /// What its sign form asks besides name and contact.
    questions: Vec<QuestionLine>,
    /// The campaign's picture, as the page would show it.
    image: Option<String>,
    /// A revised text waiting for review, as it would read.
    revision: Option<Preview>,
    /// The moderator wrote it: another must review it.
    own: bool,
    can_review: bool,
    can_suspend: bool,
    can_set_outcome: bool,
    /// Delivered: the addressee's answer may be recorded.
    can_record_response: bool,
    reasons: Vec<(i64, String)>,
    outcomes: Vec<(&'static str, String, bool)>,
    refill: Refill,
    /// The answer form's fields.
    answer: ResponseFields,
    /// When the addressee sent the answer the form holds, through their link.
    submitted: Option<String>,
    history: Vec<EventLine>,
}

impl ReviewTemplate {
    fn error_for(&self, field: &str) -> Option<&str> {
        field_error(&self.refill.errors, field)
    }

    /// A moderator sums up what the addressee answered.
    fn summary_label(&self) -> &'static str {
        "responses.summary_label"
    }

    fn reason_chosen(&self, id: &i64) -> bool {
        self.refill.reason == Some(*id)
    }
}

/// A refused action's form as it was sent: the page comes back with it filled in and the
/// message beside the field, rather than on an error page that loses what was typed.
#[derive(Default)]
struct Refill {
    errors: FieldErrors,
    reason: Option<i64>,
    note: String,
    outcome: Option<String>,
    news_url: String,
    order: String,
    /// The answer form as it was sent, when it was refused.
    response: Option<ResponseFields>,
}

async fn review_page(
    State(state): State<AppState>,
    tr: Tr,
    csrf: CsrfToken,
    Moderator(moderator): Moderator,
    ReviewableCampaign(campaign): ReviewableCampaign,
    Query(query): Query<DoneQuery>,
) -> Result<Response, WebError> {
    let done = Done::message(&query, tr);
    review(
        &state,
        tr,
        csrf,
        &moderator,
        &campaign,
        done,
        Refill::default(),
    )
    .await
}

/// The page, fresh (with what was just done) or with a refused form filled in again (422).
async fn review(
    state: &AppState,
    tr: Tr,
    csrf: CsrfToken,
    moderator: &Member,
    campaign: &Campaign,
    done: Option<String>,
    mut refill: Refill,
) -> Result<Response, WebError> {
    let own = moderation::is_their_own(campaign, moderator);
    let status = campaign.status(Timestamp::now());
    let reasons = state.store.rejection_reasons().await?;
    let events = state
        .store
        .moderation_events(Target::Campaign(campaign.id))
        .await?;
    let days = state.store.signatures_by_day(campaign.id).await?;
    let action_base = review_path(campaign.id);
    let chosen_outcome = refill
        .outcome
        .clone()
        .unwrap_or_else(|| campaign.outcome.kind().name().to_owned());
    let refused = !refill.errors.is_empty();
    // An answer the addressee sent waits in the form for a moderator to record it.
    let submitted = state.store.submitted_answer(campaign.id).await?;
    let answer = refill.response.take().unwrap_or_else(|| {
        let waiting = submitted.as_ref().map(|sent| &sent.response);
        ResponseFields::of(waiting.or(campaign.response.as_ref()))
    });
    form_page(
        &ReviewTemplate {
            shell: Shell::new(tr, campaign.text.title.to_string(), &action_base),
            csrf: csrf.0,
            done,
            public_href: campaign.lifecycle.is_public().then(|| campaign.path()),
            package_links: package_links(&state.store, campaign.id, &action_base, tr).await?,
            merged_into: campaign.merged_into.map(review_path),
            status: tr.t(&format!("moderation.status_{}", status.name())),
            count: tr.with(
                "card.signatures",
                &[("count", &tr.count(campaign.signature_count))],
            ),
            growth: GrowthChart::of_days(&days, tr),
            preview: Preview::of(campaign.kind, &campaign.text, campaign.end_date, tr),
            questions: QuestionLine::list(&campaign.questions, tr),
            image: campaign.image_path(ImageSize::Wide),
            revision: state
                .store
                .pending_text(campaign.id)
                .await?
                .map(|text| Preview::of(campaign.kind, &text, campaign.end_date, tr)),
            own,
            can_review: status == Status::InReview && !own,
            can_suspend: status == Status::Open,
            can_set_outcome: matches!(status, Status::Open | Status::Ended),
            can_record_response: campaign.delivered_at.is_some(),
            reasons: reasons
                .iter()
                .filter(|r| r.active)
                .map(|r| (r.id.0, r.label(tr.language).to_string()))
                .collect(),
            outcomes: OutcomeKind::ALL
                .iter()
                .map(|kind| {
                    (
                        kind.name(),
                        tr.t(&format!("moderation.outcome_{}", kind.name())),
                        chosen_outcome == kind.name(),
                    )
                })
                .collect(),
            refill,
            answer,
            submitted: submitted.map(|sent| {
                let day = tr.date(iran_date(sent.submitted_at));
                tr.with("responses.submitted", &[("day", &day)])
            }),
            history: EventLine::list(&events, tr),
            action_base,
        },
        refused,
    )
}

/// A moderator on one campaign's page: what each of its actions needs to answer, whether
/// by going back to the page or by showing it again with a refused form. Extracted in the
/// order that refuses strangers before reading the campaign.
struct AtReview {
    tr: Tr,
    csrf: CsrfToken,
    moderator: Member,
    campaign: Campaign,
}

impl FromRequestParts<AppState> for AtReview {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, WebError> {
        let Moderator(moderator) = Moderator::from_request_parts(parts, state).await?;
        let ReviewableCampaign(campaign) =
            ReviewableCampaign::from_request_parts(parts, state).await?;
        Ok(AtReview {
            tr: Tr::from_request_parts(parts, state).await?,
            csrf: CsrfToken::from_request_parts(parts, state).await?,
            moderator,
            campaign,
        })
    }
}

impl AtReview {
    /// The page itself, saying `done` or with a refused form filled in again.
    async fn page(
        self,
        state: &AppState,
        done: Option<String>,
        refill: Refill,
    ) -> Result<Response, WebError> {
        let AtReview {
            tr,
            csrf,
            moderator,
            campaign,
        } = self;
        review(state, tr, csrf, &moderator, &campaign, done, refill).await
    }

    /// Back to the page, which says what was done; or, when the form was refused, the page
    /// again with the form as it was sent.
    async fn after(
        self,
        state: &AppState,
        outcome: Result<(), WebError>,
        done: Done,
        refill: impl FnOnce(FieldErrors) -> Refill,
    ) -> Result<Response, WebError> {
        match outcome {
            Ok(()) => Ok(done.back_to(&review_path(self.campaign.id))),
            Err(WebError::Invalid { fields, .. }) => self.page(state, None, refill(fields)).await,
            Err(other) => Err(other),
        }
    }
}

/// Approving carries nothing but its token.
#[derive(Deserialize)]
struct ApproveForm {}

#[tracing::instrument(skip_all, fields(campaign = %campaign.id))]
async fn approve(
    State(state): State<AppState>,
    Moderator(moderator): Moderator,
    ReviewableCampaign(campaign): ReviewableCampaign,
    CsrfForm(ApproveForm {}): CsrfForm<ApproveForm>,
) -> Result<Response, WebError> {
    let back = Done::Approved.back_to(&review_path(campaign.id));
    moderation::approve(&state, campaign, &moderator).await?;
    Ok(back)
}

#[derive(Deserialize)]
struct RejectForm {
    reason: Option<i64>,
    note: Option<String>,
}

#[tracing::instrument(skip_all, fields(campaign = %at.campaign.id))]
async fn reject(
    State(state): State<AppState>,
    at: AtReview,
    CsrfForm(form): CsrfForm<RejectForm>,
) -> Result<Response, WebError> {
    let note = note(form.note.as_deref());
    let (campaign, moderator) = (at.campaign.clone(), &at.moderator);
    let outcome = moderation::reject(&state, campaign, moderator, form.reason, note, at.tr).await;
    at.after(&state, outcome, Done::Rejected, |errors| Refill {
        errors,
        reason: form.reason,
        note: form.note.unwrap_or_default(),
        ..Refill::default()
    })
    .await
}

#[derive(Deserialize)]
struct SuspendForm {
    order: Option<String>,
    /// The box that says the moderator means it: a suspension stops signing at once and
    /// shows the order to everyone.
    confirm: Option<String>,
}

#[tracing::instrument(skip_all, fields(campaign = %at.campaign.id))]
async fn suspend(
    State(state): State<AppState>,
    at: AtReview,
    CsrfForm(form): CsrfForm<SuspendForm>,
) -> Result<Response, WebError> {
    let order = form.order.unwrap_or_default();
    let (campaign, moderator, tr) = (at.campaign.clone(), &at.moderator, at.tr);
    let outcome = match form.confirm.is_some() {
        true => moderation::suspend(&state, campaign, moderator, &order, tr).await,
        false => Err(WebError::invalid_field(
            tr,
            "confirm",
            "moderation.confirm_suspend_required",
        )),
    };
    at.after(&state, outcome, Done::Suspended, |errors| Refill {
        errors,
        order,
        ..Refill::default()
    })
    .await
}

#[derive(Deserialize)]
struct OutcomeForm {
    outcome: Option<String>,
    news_url: Option<String>,
}

#[tracing::instrument(skip_all, fields(campaign = %at.campaign.id))]
async fn set_outcome(
    State(state): State<AppState>,
    at: AtReview,
    CsrfForm(form): CsrfForm<OutcomeForm>,
) -> Result<Response, WebError> {
    let (outcome, news_url) = (form.outcome, form.news_url.unwrap_or_default());
    let chosen = outcome.as_deref().unwrap_or_default();
    let (campaign, moderator) = (&at.campaign, &at.moderator);
    let result =
        moderation::set_outcome(&state, campaign, moderator, chosen, &news_url, at.tr).await;
    at.after(&state, result, Done::OutcomeSaved, |errors| Refill {
        errors,
        outcome,
        news_url,
        ..Refill::default()
    })
    .await
}

#[tracing::instrument(skip_all, fields(campaign = %at.campaign.id))]
async fn record_response(
    State(state): State<AppState>,
    at: AtReview,
    CsrfForm(typed): CsrfForm<ResponseFields>,
) -> Result<Response, WebError> {
    let (campaign, moderator) = (&at.campaign, &at.moderator);
    let result = responses::record_response(&state, campaign, moderator, &typed, at.tr).await;
    at.after(&state, result, Done::ResponseRecorded, |errors| Refill {
        errors,
        response: Some(typed),
        ..Refill::default()
    })
    .await
}

/// What a moderator decided on a revised text, as its address says it.
#[derive(Deserialize)]
#[serde(rename_all = "snake_case")]
enum TextDecision {
    ApproveText,
    RejectText,
}

/// `POST …/approve_text` or `…/reject_text`: the revised text waiting for review becomes
/// live, or is turned down.
#[tracing::instrument(skip_all, fields(campaign = %campaign.id))]
async fn review_text(
    State(state): State<AppState>,
    Moderator(moderator): Moderator,
    ReviewableCampaign(campaign): ReviewableCampaign,
    Decided { decision, .. }: Decided<TextDecision>,
    CsrfForm(form): CsrfForm<NoteForm>,
) -> Result<Response, WebError> {
    let approve = matches!(decision, TextDecision::ApproveText);
    let note = form.note();
    moderation::review_text(&state, &campaign, &moderator, approve, note).await?;
    let done = match approve {
        true => Done::TextApproved,
        false => Done::TextRejected,
    };
    Ok(done.back_to(&review_path(campaign.id)))
}

#[derive(Deserialize)]
struct UpdateForm {
    title: Option<String>,
    body: Option<String>,
}

/// The platform's own update on a public campaign, sent to the signers who asked for news.
#[tracing::instrument(skip_all, fields(campaign = %campaign.id))]
async fn platform_update(
    State(state): State<AppState>,
    tr: Tr,
    Moderator(_): Moderator,
    ReviewableCampaign(campaign): ReviewableCampaign,
    CsrfForm(form): CsrfForm<UpdateForm>,
) -> Result<Response, WebError> {
    if !campaign.lifecycle.is_public() {
        return Err(WebError::Store(StoreError::Conflict));
    }
    let (title, body) = (
        form.title.unwrap_or_default(),
        form.body.unwrap_or_default(),
    );
    post_update(&state, &campaign, UpdateAuthor::Platform, &title, &body, tr).await?;
    Ok(Done::UpdatePosted.back_to(&review_path(campaign.id)))
}

/// Making the addressee's link carries nothing but its token.
#[derive(Deserialize)]
struct LinkForm {}

/// A one-time link for the addressee, shown on the page this once.
#[tracing::instrument(skip_all, fields(campaign = %at.campaign.id))]
async fn make_addressee_link(
    State(state): State<AppState>,
    at: AtReview,
    CsrfForm(LinkForm {}): CsrfForm<LinkForm>,
) -> Result<Response, WebError> {
    let link = responses::make_addressee_link(&state, &at.campaign, &at.moderator).await?;
    let made = at.tr.with("responses.link_made", &[("link", &link)]);
    at.page(&state, Some(made), Refill::default()).await
}
