//! The JSON API under `/api/v1`, with the same rules as the pages (`crate::rules`), one
//! module per feature, each exporting its routes. Every route is registered through
//! `utoipa_axum`, so the OpenAPI document at `/api/v1/openapi.json` is generated from these
//! handlers and cannot miss one. Errors are `application/problem+json`, rendered by the
//! language middleware (`http::language`).

mod campaigns;
mod discussion;
mod events;
mod growth;
mod news;
mod responses;
mod signing;

use std::sync::Arc;

use axum::Router;
use axum::http::header::CONTENT_TYPE;
use axum::routing::get;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;

use crate::state::AppState;

#[derive(OpenApi)]
#[openapi(info(
    title = "Tomar API",
    version = "1",
    description = "Campaigns and signing on Tomar (طومار)."
))]
struct ApiDoc;

/// The API's routes, and its OpenAPI document at `/api/v1/openapi.json`.
pub fn routes() -> Router<AppState> {
    let (router, document) = OpenApiRouter::with_openapi(ApiDoc::openapi())
        .merge(campaigns::routes())
        .merge(growth::routes())
        .merge(events::routes())
        .merge(signing::routes())
        .merge(discussion::routes())
        .merge(news::routes())
        .merge(responses::routes())
        .split_for_parts();
    let json: Arc<str> = document.to_json().unwrap_or_default().into();
    router.route(
        "/api/v1/openapi.json",
        get(move || async move { ([(CONTENT_TYPE, "application/json")], json.to_string()) }),
    )
}
