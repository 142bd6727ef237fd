//! Signing over JSON: a campaign's public signers, asking for a code, and confirming it.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use tomar_core::ids::CampaignId;
use tomar_core::names::CampaignRef;
use tomar_core::questions::FIELDS;
use tomar_core::verification::Purpose;

use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::error::WebError;
use crate::http::extract::{CampaignToSign, ClientIp, PublicCampaign};
use crate::rules::codes;
use crate::rules::platform::Platform;
use crate::rules::signature_log::{proof, signer_receipt};
use crate::rules::signatures::signers_page;
use crate::rules::signing::{self, Counted, RequestRefused, SignInput};
use crate::state::AppState;
use crate::view::i18n::Tr;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(signatures, request_signature))
        .routes(routes!(confirm_signature))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
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
    PublicCampaign(campaign): PublicCampaign,
    Query(query): Query<AfterQuery>,
) -> Result<Json<SignersPage>, WebError> {
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
    /// Answers to the campaign's `questions`, by their `field` (`q1`…): the text, or the
    /// place (from 0) of the choice taken, or for several choices a list of places.
    #[serde(default)]
    answers: BTreeMap<String, GivenAnswer>,
}

/// One answer as an API client sends it.
#[derive(Deserialize, ToSchema)]
#[serde(untagged)]
pub enum GivenAnswer {
    One(String),
    Several(Vec<String>),
}

impl SignRequest {
    /// The answers as the sign form's fields: one pair per value.
    fn answer_fields(&self) -> Vec<(String, String)> {
        self.answers
            .iter()
            .flat_map(|(field, given)| {
                let values = match given {
                    GivenAnswer::One(value) => std::slice::from_ref(value),
                    GivenAnswer::Several(values) => values.as_slice(),
                };
                values.iter().map(|value| (field.clone(), value.clone()))
            })
            .collect()
    }
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
        (status = 400, description = "The body is not JSON", content_type = "application/problem+json"),
        (status = 415, description = "The body is not sent as application/json", content_type = "application/problem+json"),
        (status = 202, body = VerificationStarted),
        (status = 404, description = "No such public campaign", content_type = "application/problem+json"),
        (status = 409, description = "The campaign is not open for signing", content_type = "application/problem+json"),
        (status = 422, description = "A field was refused", content_type = "application/problem+json"),
        (status = 429, description = "Too many codes for this contact or network", content_type = "application/problem+json"),
    )
)]
async fn request_signature(
    State(state): State<AppState>,
    tr: Tr,
    platform: Platform,
    ClientIp(peer): ClientIp,
    CampaignToSign(campaign): CampaignToSign,
    Json(request): Json<SignRequest>,
) -> Result<Response, WebError> {
    let answers = request.answer_fields();
    let input = SignInput {
        name: &request.name,
        contact: &request.contact,
        public: request.public,
        updates: request.updates,
        answers: &answers,
    };
    match signing::request_code(&state, &platform, &campaign, &input, peer, tr).await {
        Ok(verification_id) => Ok((
            StatusCode::ACCEPTED,
            Json(VerificationStarted {
                verification_id: verification_id.to_string(),
            }),
        )
            .into_response()),
        Err(RequestRefused::Invalid {
            name,
            contact,
            answers,
        }) => {
            let typed = [("name", name), ("contact", contact)]
                .into_iter()
                .filter_map(|(field, error)| error.map(|e| (field, tr.t(e.key()))));
            let answered = answers
                .iter()
                .map(|(at, error)| (FIELDS[*at], tr.t(error.key())));
            let fields: Vec<(&'static str, String)> = typed.chain(answered).collect();
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
    /// The signer's receipt: a C2SP tlog-proof of the signature's entry in the campaign's
    /// public log, the entry as its extra data. It does not say who signed. `null` where the
    /// signature has no entry.
    receipt: Option<String>,
    /// With the signer's name, shows that the receipt's signature is theirs: for the signer
    /// alone. `null` with `receipt`.
    receipt_code: Option<String>,
}

impl SignatureConfirmed {
    async fn of(
        state: &AppState,
        campaign: CampaignId,
        number: Option<u64>,
    ) -> Result<SignatureConfirmed, WebError> {
        let receipt = match number {
            Some(number) => signer_receipt(state, campaign, number).await?,
            None => None,
        };
        let proof = match &receipt {
            Some(receipt) => proof(state, campaign, receipt.index).await?,
            None => None,
        };
        Ok(SignatureConfirmed {
            number,
            campaign_id: campaign.0,
            receipt_code: receipt.map(|r| r.code.to_string()),
            receipt: proof.map(|p| p.encode()),
        })
    }
}

/// Confirms a signature with the code that was sent.
#[utoipa::path(
    post,
    path = "/api/v1/verifications/{verification}",
    params(("verification" = String, Path, description = "The `verification_id` from the signing request")),
    request_body = CodeRequest,
    responses(
        (status = 400, description = "The body is not JSON", content_type = "application/problem+json"),
        (status = 415, description = "The body is not sent as application/json", content_type = "application/problem+json"),
        (status = 201, body = SignatureConfirmed, description = "Counted"),
        (status = 200, body = SignatureConfirmed, description = "Already counted before"),
        (status = 404, description = "No such verification", content_type = "application/problem+json"),
        (status = 409, description = "The campaign is no longer open", content_type = "application/problem+json"),
        (status = 422, description = "A wrong, expired or exhausted code", content_type = "application/problem+json"),
    )
)]
async fn confirm_signature(
    State(state): State<AppState>,
    tr: Tr,
    platform: Platform,
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
    match signing::confirm_code(&state, &platform, &campaign, &verification, &request.code).await {
        Ok(Counted::Now(number)) => Ok((
            StatusCode::CREATED,
            Json(SignatureConfirmed::of(&state, campaign_id, Some(number)).await?),
        )
            .into_response()),
        Ok(Counted::Before) => Ok((
            StatusCode::OK,
            Json(
                SignatureConfirmed::of(&state, campaign_id, verification.signature_sequence)
                    .await?,
            ),
        )
            .into_response()),
        Err(refusal) => Err(refused(refusal.message(tr, "verify")?)),
    }
}
