//! Reading cookies from a request, and how this site's own are named and set.

use axum::extract::Request;
use axum::http::HeaderValue;
use axum::http::header::{CACHE_CONTROL, COOKIE};
use axum::response::Response;

use crate::state::AppState;

/// The value of the cookie `name`, from any of the request's `Cookie` headers.
pub fn cookie(request: &Request, name: &str) -> Option<String> {
    request
        .headers()
        .get_all(COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|header| header.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value.to_owned())
}

/// Whether a shared cache may keep `response` (`Cache-Control: public`): such a response
/// must carry nobody's cookie, or the cache would hand one visitor's to the next.
pub fn shared(response: &Response) -> bool {
    response
        .headers()
        .get(CACHE_CONTROL)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.split(',').any(|d| d.trim() == "public"))
}

/// How the session and CSRF cookies are named and set. Served over https, they carry
/// `Secure` and the `__Host-` prefix, with which a browser accepts them only from this
/// host over https: neither a sibling subdomain nor a plain-http page can plant one.
#[derive(Clone, Copy, Debug)]
pub struct Jar {
    https: bool,
}

impl Jar {
    pub fn of(state: &AppState) -> Jar {
        Jar {
            https: state.public_url.starts_with("https://"),
        }
    }

    /// The cookie's name on this site.
    pub fn name(self, base: &str) -> String {
        match self.https {
            true => format!("__Host-{base}"),
            false => base.to_owned(),
        }
    }

    /// This site's cookie `base` in the request.
    pub fn read(self, request: &Request, base: &str) -> Option<String> {
        cookie(request, &self.name(base))
    }

    /// The `Set-Cookie` value that sets `base` to `value` for the whole site, kept for
    /// `max_age` seconds or, with `None`, for the browser's session. Lax, not Strict: a
    /// member following a link to Tomar from a message stays logged in, and every
    /// state-changing form carries its CSRF token anyway.
    pub fn set(self, base: &str, value: &str, max_age: Option<i64>) -> HeaderValue {
        let age = max_age
            .map(|age| format!("; Max-Age={age}"))
            .unwrap_or_default();
        let secure = if self.https { "; Secure" } else { "" };
        let cookie = format!(
            "{}={value}; Path=/{age}; HttpOnly; SameSite=Lax{secure}",
            self.name(base)
        );
        HeaderValue::from_str(&cookie).expect("cookie values are ASCII without control characters")
    }
}
