//! Static files, compiled into the binary and served by Tomar itself. Pages link each by a
//! name that carries a hash of its content (`/static/tomar.1a2b3c4d5e.css`), served as
//! immutable for a year: during a surge a returning reader's browser asks for none of them
//! again, and a new release changes the names, so nobody keeps an old stylesheet. The plain
//! names (`/static/tomar.css`) still answer, cached for a day, and an outdated hashed name
//! is sent on to the current one.

use std::sync::LazyLock;

use axum::Router;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE, LOCATION};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use tomar_core::hash::{hex, sha256};

use crate::error::WebError;
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new().route("/static/{name}", get(asset))
}

/// A file as it is compiled in.
struct Source {
    name: &'static str,
    content_type: &'static str,
    bytes: &'static [u8],
}

const SOURCES: &[Source] = &[
    Source {
        name: "vazirmatn.woff2",
        content_type: "font/woff2",
        bytes: include_bytes!("../assets/fonts/vazirmatn-persian.woff2"),
    },
    Source {
        name: "tomar.css",
        content_type: "text/css; charset=utf-8",
        bytes: include_bytes!("../assets/tomar.css"),
    },
    Source {
        name: "live.js",
        content_type: "text/javascript; charset=utf-8",
        bytes: include_bytes!("../assets/live.js"),
    },
    Source {
        name: "share.js",
        content_type: "text/javascript; charset=utf-8",
        bytes: include_bytes!("../assets/share.js"),
    },
    Source {
        name: "favicon.svg",
        content_type: "image/svg+xml",
        bytes: include_bytes!("../assets/favicon.svg"),
    },
];

/// A file as it is served: its plain name, the hashed name pages link, its bytes.
struct Asset {
    name: &'static str,
    hashed: String,
    content_type: &'static str,
    bytes: Vec<u8>,
}

/// Hex digits of the content hash in a name: enough that two releases never share one.
const HASH_DIGITS: usize = 10;

/// The served files, made once. The stylesheet names the font, so it links the font's
/// hashed name, and its own hash covers that: the font comes before it.
static ASSETS: LazyLock<Vec<Asset>> = LazyLock::new(|| {
    let mut assets: Vec<Asset> = Vec::new();
    for source in SOURCES {
        let mut bytes = source.bytes.to_vec();
        if source.content_type.starts_with("text/css") {
            let mut text = String::from_utf8_lossy(&bytes).into_owned();
            for earlier in &assets {
                text = text.replace(&format!("/static/{}", earlier.name), &earlier.href());
            }
            bytes = text.into_bytes();
        }
        let (stem, extension) = source.name.rsplit_once('.').unwrap_or((source.name, ""));
        let digest = hex(&sha256(&bytes));
        assets.push(Asset {
            name: source.name,
            hashed: format!("{stem}.{}.{extension}", &digest[..HASH_DIGITS]),
            content_type: source.content_type,
            bytes,
        });
    }
    assets
});

impl Asset {
    fn href(&self) -> String {
        format!("/static/{}", self.hashed)
    }

    /// Whether `name` is this file's name with some other hash in it: a page of an
    /// earlier release asking for it.
    fn outdated(&self, name: &str) -> bool {
        let (stem, extension) = self.name.rsplit_once('.').unwrap_or((self.name, ""));
        name.strip_prefix(stem)
            .and_then(|rest| rest.strip_prefix('.'))
            .and_then(|rest| rest.strip_suffix(extension))
            .and_then(|rest| rest.strip_suffix('.'))
            .is_some_and(|hash| {
                hash.len() == HASH_DIGITS && hash.bytes().all(|b| b.is_ascii_hexdigit())
            })
    }
}

/// The address pages link a static file by, its content hash in the name (the plain
/// address for a name that is not compiled in, which answers 404).
pub fn href(name: &str) -> String {
    ASSETS
        .iter()
        .find(|a| a.name == name)
        .map_or_else(|| format!("/static/{name}"), Asset::href)
}

async fn asset(Path(name): Path<String>) -> Result<Response, WebError> {
    if let Some(asset) = ASSETS.iter().find(|a| a.hashed == name) {
        return Ok(served(asset, "public, max-age=31536000, immutable"));
    }
    if let Some(asset) = ASSETS.iter().find(|a| a.name == name) {
        return Ok(served(asset, "public, max-age=86400"));
    }
    match ASSETS.iter().find(|a| a.outdated(&name)) {
        Some(asset) => Ok((
            StatusCode::TEMPORARY_REDIRECT,
            [
                (LOCATION, asset.href()),
                (CACHE_CONTROL, "no-cache".to_owned()),
            ],
        )
            .into_response()),
        None => Err(WebError::NotFound),
    }
}

fn served(asset: &'static Asset, cache: &'static str) -> Response {
    (
        [(CONTENT_TYPE, asset.content_type), (CACHE_CONTROL, cache)],
        asset.bytes.as_slice(),
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_file_is_linked_by_its_content_hash_and_the_stylesheet_by_the_fonts() {
        let css = ASSETS.iter().find(|a| a.name == "tomar.css").unwrap();
        let font = href("vazirmatn.woff2");
        let text = String::from_utf8(css.bytes.clone()).unwrap();
        assert!(text.contains(&format!("url(\"{font}\")")), "{text}");
        assert!(!text.contains("/static/vazirmatn.woff2"));
        for asset in ASSETS.iter() {
            let digest = hex(&sha256(&asset.bytes));
            assert!(
                asset.hashed.contains(&digest[..HASH_DIGITS]),
                "{}",
                asset.hashed
            );
        }
        assert_eq!(href("nothing.css"), "/static/nothing.css");
    }

    #[test]
    fn only_a_name_with_another_hash_of_the_same_file_is_outdated() {
        let css = ASSETS.iter().find(|a| a.name == "tomar.css").unwrap();
        assert!(css.outdated("tomar.0123456789.css"));
        for other in [
            "tomar.css",
            "tomar.012345678.css",
            "tomar.0123456789.js",
            "tomar.zzzzzzzzzz.css",
            "live.0123456789.js",
        ] {
            assert!(!css.outdated(other), "{other}");
        }
    }
}
