//! The middleware of the public pages (`pages::shared_routes()`): a visitor not logged in
//! is answered from the memory of drawn pages (`page_cache`), or the page is drawn and
//! kept; a member's copy, and an answer to `?lang=`, is drawn for that request and marked
//! private. It is apart from the memory so that `AppState` can hold the memory without
//! depending on what reads the request.

use std::sync::Arc;
use std::sync::atomic::Ordering;

use axum::body::to_bytes;
use axum::extract::{Request, State};
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE, VARY};
use axum::http::{HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::http::auth::Viewer;
use crate::http::page_cache::{Address, Found, LARGEST, PRIVATE, Page, VARIES_WITH};
use crate::state::AppState;
use crate::view::i18n::Tr;

/// A public page's address drawn for a member (or answering `?lang=`): the same address is
/// public for others, so this answer must say that no shared cache may keep it.
fn kept_private(mut response: Response) -> Response {
    let headers = response.headers_mut();
    if !headers.contains_key(CACHE_CONTROL) {
        headers.insert(CACHE_CONTROL, HeaderValue::from_static(PRIVATE));
    }
    headers.insert(VARY, HeaderValue::from_static(VARIES_WITH));
    response
}

/// The address under which `request`'s page may be shared, if it may: a GET or HEAD from
/// someone not logged in, not choosing a language by the query.
fn shareable(request: &Request) -> Option<Address> {
    if request.method() != Method::GET && request.method() != Method::HEAD {
        return None;
    }
    let member = request
        .extensions()
        .get::<Viewer>()
        .is_none_or(|viewer| viewer.member.is_some());
    let query = request.uri().query().unwrap_or_default();
    if member || query.split('&').any(|pair| pair.starts_with("lang=")) {
        return None;
    }
    let language = request.extensions().get::<Tr>()?.language;
    let path = request.uri().path_and_query()?.as_str().to_owned();
    Some(Address { language, path })
}

/// The middleware of the public pages: answers from memory when it can, otherwise draws
/// the page and keeps it. Anything but a 200 page (a redirect, an error) passes untouched.
pub async fn from_memory(
    State(state): State<AppState>,
    mut request: Request,
    next: Next,
) -> Response {
    let Some(address) = shareable(&request) else {
        return kept_private(next.run(request).await);
    };
    let cache = &state.pages;
    let mut waited = false;
    let (claimed, _first) = loop {
        match cache.find(&address, waited) {
            Found::Page(page) => return page.answer(request.headers()),
            Found::Wait(done) => cache.wait_for(&address, &done).await,
            Found::Draw { claimed, first } => break (claimed, first),
        }
        waited = true;
    };
    let headers = request.headers().clone();
    // A HEAD is answered as its GET, whose body the server leaves out: drawn as a GET,
    // the page kept is whole for the GETs that follow.
    *request.method_mut() = Method::GET;
    let response = next.run(request).await;
    let is_html = response
        .headers()
        .get(CONTENT_TYPE)
        .is_some_and(|value| value.as_bytes().starts_with(b"text/html"));
    if response.status() != StatusCode::OK || !is_html {
        if let Some(old) = claimed {
            old.redrawing.store(false, Ordering::Release);
        }
        return response;
    }
    metrics::counter!("tomar_page_cache_total", "outcome" => "drawn").increment(1);
    let plain = match to_bytes(response.into_body(), usize::MAX).await {
        Ok(plain) => plain,
        Err(error) => {
            tracing::error!(%error, "a page's body could not be read");
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        }
    };
    let kept = !cache.life.is_zero() && plain.len() <= LARGEST;
    let page = Arc::new(Page::new(plain, kept));
    if kept {
        cache.keep(address, page.clone());
    }
    page.answer(&headers)
}
