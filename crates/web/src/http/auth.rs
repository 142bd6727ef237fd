//! Who is asking: the member behind a session cookie, if any. Sessions are signed cookies
//! (`tomar_core::session`), so any number of server processes accept them without sharing
//! memory; each request reads the member's row, so a changed role or a logout takes effect
//! at once everywhere.
//!
//! A handler says who may call it by its arguments: [`Viewer`] (anyone), [`Member`],
//! [`Moderator`] or [`Admin`]. The last three refuse before the handler runs: anonymous
//! visitors are sent to log in (the API answers 401), others get a 403.

use axum::extract::{FromRequestParts, Request, State};
use axum::http::HeaderValue;
use axum::http::request::Parts;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use jiff::Timestamp;
use tomar_core::member::Member as Account;
use tomar_core::session::{SESSION_LIFETIME, Session};

use crate::error::WebError;
use crate::http::cookies::Jar;
use crate::http::from_extensions;
use crate::state::AppState;

const COOKIE_NAME: &str = "session";

/// The visitor of this request: a logged-in member or nobody, and the path they asked for
/// (where logging in brings them back to).
#[derive(Clone, Debug)]
pub struct Viewer {
    pub member: Option<Account>,
    path: String,
}

impl Viewer {
    /// The logged-in member, or a redirect to the login page.
    fn signed_in(self) -> Result<Account, WebError> {
        self.member
            .ok_or(WebError::LoginRequired { next: self.path })
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Viewer {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Viewer, WebError> {
        from_extensions(parts, "the viewer")
    }
}

/// A logged-in member, of any role.
pub struct Member(pub Account);

/// A moderator or an admin.
pub struct Moderator(pub Account);

/// An admin.
pub struct Admin(pub Account);

impl<S: Send + Sync> FromRequestParts<S> for Member {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Member, WebError> {
        Ok(Member(
            Viewer::from_request_parts(parts, state)
                .await?
                .signed_in()?,
        ))
    }
}

/// The logged-in member if their role `allows`; anyone else is refused.
async fn member_who<S: Send + Sync>(
    parts: &mut Parts,
    state: &S,
    allows: fn(&Account) -> bool,
) -> Result<Account, WebError> {
    let Member(member) = Member::from_request_parts(parts, state).await?;
    if allows(&member) {
        Ok(member)
    } else {
        Err(WebError::Forbidden)
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Moderator {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Moderator, WebError> {
        member_who(parts, state, Account::can_moderate)
            .await
            .map(Moderator)
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Admin {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Admin, WebError> {
        member_who(parts, state, Account::is_admin).await.map(Admin)
    }
}

async fn member_of(
    state: &AppState,
    session_cookie: Option<String>,
) -> Result<Option<Account>, WebError> {
    let Some(session) =
        session_cookie.and_then(|value| Session::decode(&value, &state.secret, Timestamp::now()))
    else {
        return Ok(None);
    };
    let member = state.store.member(session.member).await?;
    Ok(member.filter(|m| m.session_epoch == session.epoch))
}

/// Finds who is asking and puts the [`Viewer`] in the request.
pub async fn identify(State(state): State<AppState>, mut request: Request, next: Next) -> Response {
    let session = Jar::of(&state).read(&request, COOKIE_NAME);
    let member = match member_of(&state, session).await {
        Ok(member) => member,
        Err(error) => return error.into_response(),
    };
    let path = request
        .uri()
        .path_and_query()
        .map_or("/", |p| p.as_str())
        .to_owned();
    request.extensions_mut().insert(Viewer { member, path });
    next.run(request).await
}

/// The `Set-Cookie` header that starts `session` in this browser.
pub fn start_session(state: &AppState, session: &Session) -> HeaderValue {
    session_cookie(
        state,
        &session.encode(&state.secret),
        SESSION_LIFETIME.as_secs(),
    )
}

/// The `Set-Cookie` header that forgets the session in this browser.
pub fn end_session(state: &AppState) -> HeaderValue {
    session_cookie(state, "", 0)
}

fn session_cookie(state: &AppState, value: &str, max_age: i64) -> HeaderValue {
    Jar::of(state).set(COOKIE_NAME, value, Some(max_age))
}

/// Where to go after logging in: a path on this site, or the member's page.
pub fn local_path(next: Option<&str>) -> String {
    match next {
        // `//host` and `/\host` would leave the site.
        Some(path)
            if path.starts_with('/')
                && !path.starts_with("//")
                && !path.starts_with("/\\")
                && !path.chars().any(char::is_control) =>
        {
            path.to_owned()
        }
        _ => "/me".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use axum::Router;
    use axum::body::Body;
    use axum::http::{StatusCode, header};
    use axum::middleware::from_fn;
    use axum::routing::get;
    use tower::ServiceExt;

    use super::*;
    use crate::http::language::localize;

    async fn members_only(Member(_): Member) -> &'static str {
        "for members"
    }

    /// Answers `path` to an anonymous visitor, through the language middleware.
    async fn anonymous_get(path: &str) -> Response {
        let app = Router::new()
            .route("/api/v1/mine", get(members_only))
            .route("/mine", get(members_only))
            .layer(from_fn(|mut request: Request, next: Next| async move {
                let path = request.uri().path().to_owned();
                request
                    .extensions_mut()
                    .insert(Viewer { member: None, path });
                next.run(request).await
            }))
            .layer(from_fn(localize));
        let request = Request::get(path).body(Body::empty()).unwrap();
        app.oneshot(request).await.unwrap()
    }

    #[tokio::test]
    async fn pages_send_anonymous_visitors_to_log_in_and_the_api_says_401() {
        let page = anonymous_get("/mine").await;
        assert_eq!(page.status(), StatusCode::SEE_OTHER);
        assert_eq!(page.headers()[header::LOCATION], "/login?next=%2Fmine");

        let api = anonymous_get("/api/v1/mine").await;
        assert_eq!(api.status(), StatusCode::UNAUTHORIZED);
        assert_eq!(
            api.headers()[header::CONTENT_TYPE],
            "application/problem+json"
        );
        assert!(api.headers().get(header::LOCATION).is_none());
    }

    #[test]
    fn only_local_paths_are_followed_after_login() {
        assert_eq!(local_path(Some("/new")), "/new");
        assert_eq!(local_path(Some("/12/sign?x=1")), "/12/sign?x=1");
        for away in [
            "//evil.example",
            "/\\evil.example",
            "https://evil.example",
            "",
            "/a\nb",
        ] {
            assert_eq!(local_path(Some(away)), "/me", "{away}");
        }
        assert_eq!(local_path(None), "/me");
    }
}
