//! The JSON API under `/api/v1`, with the same rules as the pages (the signing rules live in
//! `signing`). Every route is registered through `utoipa_axum`, so the OpenAPI document at
//! `/api/v1/openapi.json` is generated from these handlers and cannot miss one. Errors are
//! `application/problem+json`, rendered by the `localize` middleware.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::extract::{ConnectInfo, Path, Query, State};
use axum::http::StatusCode;
use axum::http::header::CONTENT_TYPE;
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json, Router};
use serde::{Deserialize, Serialize};
use tomar_core::Timestamp;
use tomar_core::campaign::Campaign;
use tomar_core::names::CampaignRef;
use tomar_core::verification::Purpose;
use tomar_store::Confirmed;
use utoipa::{IntoParams, OpenApi, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

mod discussion;
mod listing;

use crate::AppState;
use crate::codes;
use crate::error::WebError;
use crate::i18n::Tr;
use crate::pages::campaign::{campaign_to_sign, public_campaign, signers_page};
use crate::signing::{self, RequestRefused, SignInput};

#[derive(OpenApi)]
#[openapi(info(
    title = "Tomar API",
    version = "1",
    description = "Campaigns and signing on Tomar (طومار)."
))]
struct ApiDoc;

/// The API's routes and their OpenAPI document.
pub fn router() -> (Router<AppState>, utoipa::openapi::OpenApi) {
    let (router, document) = OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(listing::campaigns))
        .routes(routes!(campaign))
        .routes(routes!(signatures, request_signature))
        .routes(routes!(confirm_signature))
        .routes(routes!(discussion::comments, discussion::post_comment))
        .routes(routes!(discussion::news, discussion::submit_news))
        .split_for_parts();
    let json: Arc<str> = document.to_json().unwrap_or_default().into();
    let router = router.route(
        "/api/v1/openapi.json",
        axum::routing::get(move || async move {
            ([(CONTENT_TYPE, "application/json")], json.to_string())
        }),
    );
    (router, document)
}

#[derive(Serialize, ToSchema)]
pub struct AddresseeJson {
    name: String,
    position: String,
}

/// A public campaign.
#[derive(Serialize, ToSchema)]
pub struct CampaignJson {
    id: i64,
    slug: Option<String>,
    /// `request`, `complaint` or `appreciation`.
    kind: &'static str,
    title: String,
    addressees: Vec<AddresseeJson>,
    /// Plain text: paragraphs separated by blank lines, `- ` bullets.
    body: String,
    on_behalf_of: String,
    author: String,
    hashtag: String,
    category: Option<String>,
    /// Iran calendar days, `YYYY-MM-DD` (Gregorian).
    start_date: String,
    end_date: String,
    /// `open`, `ended` or `suspended`.
    status: &'static str,
    /// `none`, `delivered`, `special_follow_up`, `succeeded` or `failed`.
    outcome: &'static str,
    signature_count: u64,
    signature_goal: Option<u32>,
}

impl CampaignJson {
    fn new(campaign: &Campaign) -> CampaignJson {
        CampaignJson {
            id: campaign.id.0,
            slug: campaign.slug.as_ref().map(ToString::to_string),
            kind: campaign.kind.name(),
            title: campaign.text.title.to_string(),
            addressees: campaign
                .text
                .addressees
                .iter()
                .map(|a| AddresseeJson {
                    name: a.name.to_string(),
                    position: a.position.to_string(),
                })
                .collect(),
            body: campaign.text.body.as_ref().to_owned(),
            on_behalf_of: campaign.text.on_behalf_of.to_string(),
            author: campaign.text.author_name.to_string(),
            hashtag: campaign.text.hashtag.to_string(),
            category: campaign.category.as_ref().map(ToString::to_string),
            start_date: campaign.start_date.to_string(),
            end_date: campaign.end_date.to_string(),
            status: campaign.status(Timestamp::now()).name(),
            outcome: campaign.outcome.name(),
            signature_count: campaign.signature_count,
            signature_goal: campaign.signature_goal,
        }
    }
}

/// A public campaign by its number or slug.
#[utoipa::path(
    get,
    path = "/api/v1/campaigns/{campaign}",
    params(("campaign" = String, Path, description = "The campaign's number or slug")),
    responses(
        (status = 200, body = CampaignJson),
        (status = 404, description = "No such public campaign", content_type = "application/problem+json"),
    )
)]
async fn campaign(
    State(state): State<AppState>,
    Path(segment): Path<String>,
) -> Result<Json<CampaignJson>, WebError> {
    let campaign = public_campaign(&state, &segment).await?;
    Ok(Json(CampaignJson::new(&campaign)))
}

#[derive(Deserialize, IntoParams)]
struct AfterQuery {
    /// The `next` of the previous page.
    after: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct SignerJson {
    /// The signature's number within the campaign.
    number: u64,
    /// `null` for a signer who hid their name.
    name: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct SignersPage {
    items: Vec<SignerJson>,
    /// Pass as `after` for the next page; `null` on the last.
    next: Option<u64>,
}

/// Confirmed signers, newest first, paged by signature number.
#[utoipa::path(
    get,
    path = "/api/v1/campaigns/{campaign}/signatures",
    params(("campaign" = String, Path, description = "The campaign's number or slug"), AfterQuery),
    responses(
        (status = 200, body = SignersPage),
        (status = 400, description = "A malformed cursor", content_type = "application/problem+json"),
        (status = 404, description = "No such public campaign", content_type = "application/problem+json"),
    )
)]
async fn signatures(
    State(state): State<AppState>,
    Path(segment): Path<String>,
    Query(query): Query<AfterQuery>,
) -> Result<Json<SignersPage>, WebError> {
    let campaign = public_campaign(&state, &segment).await?;
    let (page, next) = signers_page(&state, &campaign, query.after.as_deref()).await?;
    let items = page
        .iter()
        .map(|s| SignerJson {
            number: s.sequence,
            name: s.public_name().map(ToString::to_string),
        })
        .collect();
    Ok(Json(SignersPage { items, next }))
}

#[derive(Deserialize, ToSchema)]
pub struct SignRequest {
    /// Full name, 2–80 letters.
    name: String,
    /// A mobile number (any digits, `09…`, `+98…`, international E.164) or an email address.
    contact: String,
    /// Show the name in the public list.
    #[serde(default = "shown")]
    public: bool,
    /// Send news of this campaign (the contact is then kept, encrypted).
    #[serde(default)]
    updates: bool,
}

fn shown() -> bool {
    true
}

#[derive(Serialize, ToSchema)]
pub struct VerificationStarted {
    /// Confirm with `POST /api/v1/verifications/{verification_id}`.
    verification_id: String,
}

/// Asks for a code to sign a campaign. A contact that already signed gets the same answer
/// (its message says so instead of carrying a code).
#[utoipa::path(
    post,
    path = "/api/v1/campaigns/{campaign}/signatures",
    params(("campaign" = String, Path, description = "The campaign's number or slug")),
    request_body = SignRequest,
    responses(
        (status = 202, body = VerificationStarted),
        (status = 404, description = "No such public campaign", content_type = "application/problem+json"),
        (status = 409, description = "The campaign is not open for signing", content_type = "application/problem+json"),
        (status = 422, description = "A field was refused", content_type = "application/problem+json"),
        (status = 429, description = "Too many codes for this contact or network", content_type = "application/problem+json"),
    )
)]
async fn request_signature(
    State(state): State<AppState>,
    Extension(tr): Extension<Tr>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Path(segment): Path<String>,
    Json(request): Json<SignRequest>,
) -> Result<Response, WebError> {
    let campaign = campaign_to_sign(&state, &segment).await?;
    let input = SignInput {
        name: &request.name,
        contact: &request.contact,
        public: request.public,
        updates: request.updates,
    };
    match signing::request_code(&state, &campaign, &input, peer.ip(), tr).await {
        Ok(verification_id) => Ok((
            StatusCode::ACCEPTED,
            Json(VerificationStarted {
                verification_id: verification_id.to_string(),
            }),
        )
            .into_response()),
        Err(RequestRefused::Invalid { name, contact }) => {
            let fields: Vec<(&'static str, String)> = [("name", name), ("contact", contact)]
                .into_iter()
                .filter_map(|(field, error)| error.map(|e| (field, tr.t(e.key()))))
                .collect();
            Err(WebError::Invalid {
                detail: tr.t("error.invalid"),
                fields,
            })
        }
        Err(RequestRefused::Web(error)) => Err(error),
    }
}

#[derive(Deserialize, ToSchema)]
pub struct CodeRequest {
    /// The six digits, in any digit form.
    code: String,
}

#[derive(Serialize, ToSchema)]
pub struct SignatureConfirmed {
    /// The signature's number; `null` if this contact had already signed.
    number: Option<u64>,
    campaign_id: i64,
}

/// Confirms a signature with the code that was sent.
#[utoipa::path(
    post,
    path = "/api/v1/verifications/{verification}",
    params(("verification" = String, Path, description = "The `verification_id` from the signing request")),
    request_body = CodeRequest,
    responses(
        (status = 201, body = SignatureConfirmed, description = "Counted"),
        (status = 200, body = SignatureConfirmed, description = "Already counted before"),
        (status = 404, description = "No such verification", content_type = "application/problem+json"),
        (status = 409, description = "The campaign is no longer open", content_type = "application/problem+json"),
        (status = 422, description = "A wrong, expired or exhausted code", content_type = "application/problem+json"),
    )
)]
async fn confirm_signature(
    State(state): State<AppState>,
    Extension(tr): Extension<Tr>,
    Path(id): Path<String>,
    Json(request): Json<CodeRequest>,
) -> Result<Response, WebError> {
    let verification = codes::find_verification(&state, &id, Purpose::Sign).await?;
    let campaign_id = verification.campaign_id.ok_or(WebError::NotFound)?;
    let campaign = state
        .store
        .cached_campaign(&CampaignRef::Id(campaign_id))
        .await?
        .ok_or(WebError::NotFound)?;
    let refused = |detail: String| WebError::Invalid {
        fields: vec![("code", detail.clone())],
        detail,
    };
    match signing::confirm_code(&state, &campaign, &verification, &request.code).await {
        Ok(Confirmed::Signed(number)) => Ok((
            StatusCode::CREATED,
            Json(SignatureConfirmed {
                number: Some(number),
                campaign_id: campaign_id.0,
            }),
        )
            .into_response()),
        Ok(Confirmed::AlreadySigned | Confirmed::VerificationUsed) => Ok((
            StatusCode::OK,
            Json(SignatureConfirmed {
                number: verification.signature_sequence,
                campaign_id: campaign_id.0,
            }),
        )
            .into_response()),
        Err(refusal) => Err(refused(refusal.message(tr, "verify")?)),
    }
}
