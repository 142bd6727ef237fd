//! Who is asking: the member behind a session cookie, if any, and the checks that pages for
//! members, moderators and admins make. Sessions are signed cookies (`tomar_core::session`),
//! so any number of server processes accept them without sharing memory; each request
//! reads the member's row, so a changed role or a logout takes effect at once everywhere.

use axum::extract::{Request, State};
use axum::http::HeaderValue;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use jiff::Timestamp;
use tomar_core::member::Member;
use tomar_core::session::{SESSION_LIFETIME, Session};

use crate::AppState;
use crate::cookies::cookie;
use crate::error::WebError;

const COOKIE_NAME: &str = "session";

/// The visitor of this request: a logged-in member or nobody, and the path they asked for
/// (where logging in brings them back to).
#[derive(Clone, Debug)]
pub struct Viewer {
    pub member: Option<Member>,
    path: String,
}

impl Viewer {
    /// The logged-in member, or a redirect to the login page.
    pub fn member(&self) -> Result<&Member, WebError> {
        self.member.as_ref().ok_or_else(|| WebError::LoginRequired {
            next: self.path.clone(),
        })
    }

    /// A moderator or admin; anyone else is refused.
    pub fn moderator(&self) -> Result<&Member, WebError> {
        let member = self.member()?;
        if member.can_moderate() {
            Ok(member)
        } else {
            Err(WebError::Forbidden)
        }
    }

    /// An admin; anyone else is refused.
    pub fn admin(&self) -> Result<&Member, WebError> {
        let member = self.member()?;
        if member.is_admin() {
            Ok(member)
        } else {
            Err(WebError::Forbidden)
        }
    }
}

async fn member_of(
    state: &AppState,
    session_cookie: Option<String>,
) -> Result<Option<Member>, WebError> {
    let Some(session) =
        session_cookie.and_then(|value| Session::decode(&value, &state.secret, Timestamp::now()))
    else {
        return Ok(None);
    };
    let member = state.store.member(session.member).await?;
    Ok(member.filter(|m| m.session_epoch == session.epoch))
}

/// Puts the request's [`Viewer`] in its extensions.
pub async fn identify(State(state): State<AppState>, mut request: Request, next: Next) -> Response {
    let member = match member_of(&state, cookie(&request, COOKIE_NAME)).await {
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
    // Lax, not Strict: a member following a link to Tomar from a message stays logged in;
    // every state-changing form is protected by its CSRF token anyway.
    let secure = if state.public_url.starts_with("https://") {
        "; Secure"
    } else {
        ""
    };
    let cookie =
        format!("{COOKIE_NAME}={value}; Path=/; Max-Age={max_age}; HttpOnly; SameSite=Lax{secure}");
    HeaderValue::from_str(&cookie).expect("session cookies are ASCII without control characters")
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
    use super::*;

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
