//! Starting and editing a campaign, for members:
//!
//! - `GET /new`: the campaign form. `POST /new` previews it (the letter as it will read),
//!   saves it as a draft, or submits it for review; refused fields come back with a
//!   message beside each and everything typed kept.
//! - `GET /me/campaigns/{id}`: the author's view of their campaign: its state, the reason
//!   and note of a rejection, and the form again while it is a draft or rejected.
//!   `POST` it like `/new`. Nobody but the author sees this page.
//! - `POST /me/campaigns/{id}/image` (a file) and `…/image/remove`: the campaign's picture,
//!   while it is a draft or rejected.

use askama::Template;
use axum::Router;
use axum::extract::{DefaultBodyLimit, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use jiff::Timestamp;
use serde::Deserialize;
use tomar_core::calendar::{format_date, iran_date, solar_hijri_numeric};
use tomar_core::campaign::{Campaign, CampaignKind, CampaignText};
use tomar_core::image::ImageSize;
use tomar_core::language::Language;
use tomar_core::lifecycle::{Lifecycle, Transition};
use tomar_core::moderation::{Actor, ModerationAction, Target};
use tomar_core::update::UpdateAuthor;
use tomar_store::StoreError;

use crate::error::{FieldErrors, WebError, field_error};
use crate::http::auth::Member;
use crate::http::csrf::{CsrfForm, CsrfToken, CsrfUpload, Upload};
use crate::http::extract::{AuthorsCampaign, ClientIp};
use crate::rules::campaigns::authors_campaign;
use crate::rules::delivery::package_links;
use crate::rules::editor::{self, CampaignFields, DateRules, Intent};
use crate::rules::images::{self, ImageRefusal};
use crate::rules::platform::Platform;
use crate::rules::submissions::Submitter;
use crate::rules::transitions;
use crate::rules::updates::post_update;
use crate::state::AppState;
use crate::view::Shell;
use crate::view::done::{Done, DoneQuery};
use crate::view::i18n::Tr;
use crate::view::letter::Preview;
use crate::view::questions::QuestionLine;
use crate::view::render::form_page;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/new", get(new_page).post(create))
        .route("/me/campaigns/{id}", get(campaign_page).post(edit))
        .route("/me/campaigns/{id}/updates", post(post_author_update))
        // A picture's file, and a little for the rest of the form.
        .route(
            "/me/campaigns/{id}/image",
            post(upload_image).layer(DefaultBodyLimit::max(images::MAX_UPLOAD + 64 * 1024)),
        )
        .route("/me/campaigns/{id}/image/remove", post(remove_image))
}

#[derive(Template)]
#[template(path = "editor.html")]
struct EditorTemplate {
    shell: Shell,
    /// How to write the end date, with an example a month from today.
    end_date_hint: String,
    heading: String,
    csrf: String,
    action: String,
    /// The campaign's state and what the author may do next.
    status: Option<String>,
    /// Why a moderator rejected it, and their note.
    rejection: Option<(String, Option<String>)>,
    public_href: Option<String>,
    /// The delivery package's PDF, a link a volume.
    package_links: Vec<(String, String)>,
    editable: bool,
    revising: bool,
    can_post_update: bool,
    picture: Option<Picture>,
    questions: Option<QuestionsPanel>,
    done: Option<String>,
    kinds: Vec<(&'static str, String)>,
    fields: CampaignFields,
    addressee_rows: Vec<(String, String)>,
    errors: FieldErrors,
    preview: Option<Preview>,
}

impl EditorTemplate {
    fn error_for(&self, field: &str) -> Option<&str> {
        field_error(&self.errors, field)
    }
}

/// What a page around the form says about the campaign it edits.
#[derive(Default)]
struct Around {
    status: Option<String>,
    rejection: Option<(String, Option<String>)>,
    public_href: Option<String>,
    package_links: Vec<(String, String)>,
    /// A draft or rejected campaign is edited in place.
    editable: bool,
    /// A published campaign's text is revised through review.
    revising: bool,
    /// The revised text waiting for review, which the author goes on editing.
    pending_revision: Option<CampaignText>,
    /// Published and ended campaigns take updates from their author.
    can_post_update: bool,
    /// The picture and its form, while the campaign is a draft or rejected.
    picture: Option<Picture>,
    /// The sign form's extra questions, once the campaign is saved.
    questions: Option<QuestionsPanel>,
    /// What the author just did, said at the top.
    done: Option<String>,
}

/// The picture section of the author's page.
struct Picture {
    /// The current picture, as the campaign page shows it.
    current: Option<String>,
    /// Where the upload form goes; `…/remove` takes the picture away.
    action: String,
}

/// The questions section of the author's page: what the sign form asks, and where the
/// questions are changed (`pages::questions`).
struct QuestionsPanel {
    lines: Vec<QuestionLine>,
    href: String,
    editable: bool,
}

struct EditorPage {
    heading: String,
    action: String,
    around: Around,
    fields: CampaignFields,
    errors: FieldErrors,
    preview: Option<Preview>,
}

fn editor_page(tr: Tr, csrf: CsrfToken, page: EditorPage) -> Result<Response, WebError> {
    let refused = !page.errors.is_empty();
    let example = iran_date(Timestamp::now())
        .checked_add(jiff::ToSpan::days(30))
        .unwrap_or_else(|_| iran_date(Timestamp::now()));
    let template = EditorTemplate {
        end_date_hint: tr.with(
            "editor.end_date_hint",
            &[
                ("example", &tr.digits(&solar_hijri_numeric(example))),
                ("written", &format_date(example, Language::Fa)),
            ],
        ),
        shell: Shell::new(tr, page.heading.clone(), &page.action),
        heading: page.heading,
        csrf: csrf.0,
        status: match (page.around.status, page.around.pending_revision.is_some()) {
            (Some(status), true) => Some(format!("{status} {}", tr.t("editor.revision_waiting"))),
            (status, _) => status,
        },
        rejection: page.around.rejection,
        public_href: page.around.public_href,
        package_links: page.around.package_links,
        editable: page.around.editable,
        revising: page.around.revising,
        can_post_update: page.around.can_post_update,
        picture: page.around.picture,
        questions: page.around.questions,
        done: page.around.done,
        kinds: CampaignKind::ALL
            .iter()
            .map(|k| (k.name(), tr.t(&format!("kind.{}", k.name()))))
            .collect(),
        addressee_rows: page.fields.addressee_rows(),
        fields: page.fields,
        errors: page.errors,
        preview: page.preview,
        action: page.action,
    };
    form_page(&template, refused)
}

async fn new_page(
    tr: Tr,
    csrf: CsrfToken,
    Member(_): Member,
    platform: Platform,
) -> Result<Response, WebError> {
    if platform.campaigns_stopped() {
        return Err(WebError::Paused);
    }
    let fields = CampaignFields {
        kind: CampaignKind::Request.name().to_owned(),
        ..CampaignFields::default()
    };
    editor_page(
        tr,
        csrf,
        EditorPage {
            heading: tr.t("editor.new_title"),
            action: "/new".into(),
            around: Around {
                editable: true,
                ..Around::default()
            },
            fields,
            errors: Vec::new(),
            preview: None,
        },
    )
}

#[tracing::instrument(skip_all)]
async fn create(
    State(state): State<AppState>,
    tr: Tr,
    csrf: CsrfToken,
    Member(member): Member,
    platform: Platform,
    ClientIp(peer): ClientIp,
    CsrfForm(pairs): CsrfForm<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let (fields, intent) = CampaignFields::from_pairs(pairs);
    let page = |around, errors, preview| EditorPage {
        heading: tr.t("editor.new_title"),
        action: "/new".into(),
        around,
        fields: fields.clone(),
        errors,
        preview,
    };
    let editable = Around {
        editable: true,
        ..Around::default()
    };
    if platform.campaigns_stopped() {
        return Err(WebError::Paused);
    }
    let new = match editor::parse_campaign(&fields, intent, member.id, &date_rules(&platform), tr) {
        Ok(new) => new,
        Err(errors) => return editor_page(tr, csrf, page(editable, errors, None)),
    };
    if intent == Intent::Preview {
        let preview = Preview::of(new.kind, &new.text, new.end_date, tr);
        return editor_page(tr, csrf, page(editable, Vec::new(), Some(preview)));
    }
    let id = match state.store.create_campaign(&new, Timestamp::now()).await {
        Ok(id) => id,
        Err(StoreError::SlugTaken(_)) => {
            let errors = vec![("slug", tr.t("editor.slug_taken"))];
            return editor_page(tr, csrf, page(editable, errors, None));
        }
        Err(error) => return Err(error.into()),
    };
    if intent == Intent::Submit {
        let campaign = authors_campaign(&state, id, &member).await?;
        let submitter = Submitter {
            platform: &platform,
            member: member.id,
            peer,
        };
        submit(&state, campaign, &submitter).await?;
    }
    Ok(Redirect::to(&format!("/me/campaigns/{id}")).into_response())
}

fn date_rules(platform: &Platform) -> DateRules {
    DateRules {
        today: iran_date(Timestamp::now()),
        max_days: platform.campaign_max_days(),
    }
}

/// Sends a draft or rejected campaign to the moderators' queue, within the submitter's
/// share; a refused one stays a draft.
async fn submit(
    state: &AppState,
    campaign: Campaign,
    submitter: &Submitter<'_>,
) -> Result<(), WebError> {
    submitter.take_a_submission(state).await?;
    let actor = Actor::Member(submitter.member);
    transitions::apply(state, campaign, actor, Transition::Submit, None, &[]).await
}

/// What the author's page says around the form: the state, and a rejection's reason.
async fn around(state: &AppState, campaign: &Campaign, tr: Tr) -> Result<Around, WebError> {
    let now = Timestamp::now();
    let status_key = format!("editor.status_{}", campaign.status(now).name());
    let rejection = match &campaign.lifecycle {
        Lifecycle::Rejected(reason) => {
            let reasons = state.store.rejection_reasons().await?;
            let label = reasons
                .iter()
                .find(|r| r.id == *reason)
                .map(|r| r.label(tr.language).to_string())
                .unwrap_or_default();
            let events = state
                .store
                .moderation_events(Target::Campaign(campaign.id))
                .await?;
            let note = events
                .iter()
                .rev()
                .find(|e| e.event.action == ModerationAction::Reject)
                .and_then(|e| e.event.note.clone());
            Some((label, note))
        }
        _ => None,
    };
    // Only a published campaign has revisions.
    let revising = campaign.lifecycle == Lifecycle::Published;
    let editable = matches!(
        campaign.lifecycle,
        Lifecycle::Draft | Lifecycle::Rejected(_)
    );
    Ok(Around {
        status: Some(tr.t(&status_key)),
        rejection,
        public_href: campaign.lifecycle.is_public().then(|| campaign.path()),
        package_links: match campaign.lifecycle.is_public() {
            true => {
                let base = format!("/me/campaigns/{}", campaign.id);
                package_links(&state.store, campaign.id, &base, tr).await?
            }
            false => Vec::new(),
        },
        editable,
        revising,
        pending_revision: if revising {
            state.store.pending_text(campaign.id).await?
        } else {
            None
        },
        can_post_update: matches!(campaign.lifecycle, Lifecycle::Published | Lifecycle::Ended),
        picture: editable.then(|| Picture {
            current: campaign.image_path(ImageSize::Wide),
            action: format!("/me/campaigns/{}/image", campaign.id),
        }),
        questions: Some(QuestionsPanel {
            lines: QuestionLine::list(&campaign.questions, tr),
            href: format!("/me/campaigns/{}/questions", campaign.id),
            editable,
        }),
        done: None,
    })
}

async fn campaign_page(
    State(state): State<AppState>,
    tr: Tr,
    csrf: CsrfToken,
    AuthorsCampaign { campaign, .. }: AuthorsCampaign,
    Query(query): Query<DoneQuery>,
) -> Result<Response, WebError> {
    let done = Done::message(&query, tr);
    author_page(&state, tr, csrf, &campaign, done, Vec::new()).await
}

/// The author's page as it stands: with what was just done, or with refused fields.
async fn author_page(
    state: &AppState,
    tr: Tr,
    csrf: CsrfToken,
    campaign: &Campaign,
    done: Option<String>,
    errors: FieldErrors,
) -> Result<Response, WebError> {
    let around = Around {
        done,
        ..around(state, campaign, tr).await?
    };
    // A revision waiting for review is what the author goes on editing.
    let fields = match &around.pending_revision {
        Some(text) => CampaignFields::of(campaign).with_text(text),
        None => CampaignFields::of(campaign),
    };
    editor_page(
        tr,
        csrf,
        EditorPage {
            heading: campaign.text.title.to_string(),
            action: format!("/me/campaigns/{}", campaign.id),
            around,
            fields,
            errors,
            preview: None,
        },
    )
}

/// `POST /me/campaigns/{id}/image`: a picture for a draft or rejected campaign, drawn
/// afresh (`rules::images`); a refused file comes back on the page with the reason.
#[tracing::instrument(skip_all, fields(campaign = %campaign.id))]
async fn upload_image(
    State(state): State<AppState>,
    tr: Tr,
    csrf: CsrfToken,
    AuthorsCampaign { campaign, .. }: AuthorsCampaign,
    CsrfUpload { file }: CsrfUpload,
) -> Result<Response, WebError> {
    let drawn = match file {
        Upload::File(bytes) if bytes.is_empty() => Err("image.missing"),
        Upload::File(bytes) => images::prepare(bytes).await.map_err(ImageRefusal::key),
        Upload::TooLarge => Err(ImageRefusal::TooLarge.key()),
    };
    match drawn {
        Ok(image) => {
            state.store.set_campaign_image(campaign.id, &image).await?;
            Ok(Done::ImageSaved.back_to(&format!("/me/campaigns/{}", campaign.id)))
        }
        Err(key) => {
            let errors = vec![("file", tr.t(key))];
            author_page(&state, tr, csrf, &campaign, None, errors).await
        }
    }
}

/// Removing the picture carries nothing but its token.
#[derive(Deserialize)]
struct RemoveForm {}

/// `POST /me/campaigns/{id}/image/remove`.
#[tracing::instrument(skip_all, fields(campaign = %campaign.id))]
async fn remove_image(
    State(state): State<AppState>,
    AuthorsCampaign { campaign, .. }: AuthorsCampaign,
    CsrfForm(RemoveForm {}): CsrfForm<RemoveForm>,
) -> Result<Response, WebError> {
    state.store.remove_campaign_image(campaign.id).await?;
    Ok(Done::ImageRemoved.back_to(&format!("/me/campaigns/{}", campaign.id)))
}

#[tracing::instrument(skip_all)]
async fn edit(
    State(state): State<AppState>,
    tr: Tr,
    csrf: CsrfToken,
    platform: Platform,
    ClientIp(peer): ClientIp,
    AuthorsCampaign { author, campaign }: AuthorsCampaign,
    CsrfForm(pairs): CsrfForm<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let (fields, intent) = CampaignFields::from_pairs(pairs);
    let around = around(&state, &campaign, tr).await?;
    let submitter = Submitter {
        platform: &platform,
        member: author.id,
        peer,
    };
    if around.revising {
        let proposal = match intent {
            Intent::Preview => Proposal::Preview,
            Intent::Save | Intent::Submit => Proposal::Submit(submitter),
        };
        return revise(&state, tr, csrf, &campaign, around, fields, proposal).await;
    }
    if !around.editable {
        return Err(WebError::Store(StoreError::Conflict));
    }
    if intent == Intent::Submit && platform.campaigns_stopped() {
        return Err(WebError::Paused);
    }
    let action = format!("/me/campaigns/{}", campaign.id);
    let heading = campaign.text.title.to_string();
    let page = |around, errors, preview| EditorPage {
        heading: heading.clone(),
        action: action.clone(),
        around,
        fields: fields.clone(),
        errors,
        preview,
    };
    let new = match editor::parse_campaign(&fields, intent, author.id, &date_rules(&platform), tr) {
        Ok(new) => new,
        Err(errors) => return editor_page(tr, csrf, page(around, errors, None)),
    };
    if intent == Intent::Preview {
        let preview = Preview::of(new.kind, &new.text, new.end_date, tr);
        return editor_page(tr, csrf, page(around, Vec::new(), Some(preview)));
    }
    match state.store.update_draft(campaign.id, &new).await {
        Ok(()) => {}
        Err(StoreError::SlugTaken(_)) => {
            let errors = vec![("slug", tr.t("editor.slug_taken"))];
            return editor_page(tr, csrf, page(around, errors, None));
        }
        Err(error) => return Err(error.into()),
    }
    if intent == Intent::Submit {
        // Submitted as edited: read again, so the review sees the text just saved.
        let edited = authors_campaign(&state, campaign.id, &author).await?;
        submit(&state, edited, &submitter).await?;
    }
    Ok(Redirect::to(&action).into_response())
}

/// What to do with a published campaign's new text.
enum Proposal<'a> {
    Preview,
    /// Send it for review, within the submitter's share.
    Submit(Submitter<'a>),
}

/// A published campaign's new text: previewed, or sent for review while the approved text
/// stays live.
async fn revise(
    state: &AppState,
    tr: Tr,
    csrf: CsrfToken,
    campaign: &Campaign,
    around: Around,
    fields: CampaignFields,
    proposal: Proposal<'_>,
) -> Result<Response, WebError> {
    let action = format!("/me/campaigns/{}", campaign.id);
    let (errors, preview) = match (editor::parse_text(&fields, tr), proposal) {
        (Err(errors), _) => (errors, None),
        (Ok(text), Proposal::Preview) => {
            let preview = Preview::of(campaign.kind, &text, campaign.end_date, tr);
            (Vec::new(), Some(preview))
        }
        (Ok(text), Proposal::Submit(submitter)) => {
            submitter.take_a_submission(state).await?;
            state
                .store
                .propose_text(campaign.id, &text, Timestamp::now())
                .await?;
            return Ok(Redirect::to(&action).into_response());
        }
    };
    let page = EditorPage {
        heading: campaign.text.title.to_string(),
        action,
        around,
        fields,
        errors,
        preview,
    };
    editor_page(tr, csrf, page)
}

#[derive(Deserialize)]
struct UpdateForm {
    title: String,
    body: String,
}

/// `POST /me/campaigns/{id}/updates`: the author's news, shown on the page and sent to the
/// signers who asked for it.
#[tracing::instrument(skip_all)]
async fn post_author_update(
    State(state): State<AppState>,
    tr: Tr,
    AuthorsCampaign { campaign, .. }: AuthorsCampaign,
    CsrfForm(form): CsrfForm<UpdateForm>,
) -> Result<Response, WebError> {
    if !matches!(campaign.lifecycle, Lifecycle::Published | Lifecycle::Ended) {
        return Err(WebError::Store(StoreError::Conflict));
    }
    let author = UpdateAuthor::CampaignAuthor;
    post_update(&state, &campaign, author, &form.title, &form.body, tr).await?;
    Ok(Redirect::to(&format!("/me/campaigns/{}", campaign.id)).into_response())
}
