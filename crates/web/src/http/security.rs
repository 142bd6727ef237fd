//! Headers every response carries. The Content-Security-Policy allows nothing from another
//! host and no inline script or style: pages must work when foreign hosts are filtered, and
//! user text that slipped past escaping still could not run. Over https, browsers are told
//! to come back only over https; and pages about one person are never cached.

use axum::extract::{Request, State};
use axum::http::HeaderValue;
use axum::http::header::{
    CACHE_CONTROL, CONTENT_SECURITY_POLICY, REFERRER_POLICY, STRICT_TRANSPORT_SECURITY,
    X_CONTENT_TYPE_OPTIONS, X_FRAME_OPTIONS,
};
use axum::middleware::Next;
use axum::response::Response;

use crate::state::AppState;

pub const CONTENT_SECURITY_POLICY_VALUE: &str = "default-src 'none'; script-src 'self'; \
     style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; \
     form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

/// Whether the page at `path` is about the person asking (their account, their code, their
/// withdrawal link, the moderators' and admins' desks): no browser or proxy may keep it.
fn is_private(path: &str) -> bool {
    const DESKS: [&str; 5] = ["/me", "/admin", "/moderation", "/login", "/withdraw/"];
    let desk = DESKS.iter().any(|desk| {
        path.strip_prefix(desk)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with('/') || desk.ends_with('/'))
    });
    // A campaign's code page and its thanks: `/{campaign}/verify/{v}`, `/{campaign}/signed/{v}`.
    desk || path.contains("/verify/") || path.contains("/signed/")
}

pub async fn secure_headers(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let private = is_private(request.uri().path());
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    if private {
        headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    if state.public_url.starts_with("https://") {
        headers.insert(
            STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=63072000"),
        );
    }
    headers.insert(
        CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CONTENT_SECURITY_POLICY_VALUE),
    );
    headers.insert(X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    // Signers arrive from campaign pages; the next site need not learn which one.
    headers.insert(REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    response
}

#[cfg(test)]
mod tests {
    use super::is_private;

    #[test]
    fn pages_about_one_person_are_private() {
        for path in [
            "/me",
            "/me/campaigns/3",
            "/admin",
            "/moderation/log",
            "/login",
            "/login/abc",
            "/withdraw/token",
            "/clean-river/verify/abc",
            "/12/signed/abc",
        ] {
            assert!(is_private(path), "{path}");
        }
        for path in [
            "/",
            "/clean-river",
            "/campaigns",
            "/members-only",
            "/meeting",
            "/search",
        ] {
            assert!(!is_private(path), "{path}");
        }
    }
}
