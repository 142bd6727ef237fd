//! Reading cookies from a request.

use axum::extract::Request;
use axum::http::header::COOKIE;

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
