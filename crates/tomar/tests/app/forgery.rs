//! Forms only from this site's own pages, and the cookies and headers that keep a
//! visitor's session to this site: tried as another site, a planted token, plain http.

use reqwest::StatusCode;

use crate::support::{Backend, Browser, TestApp, code_in, csrf_of, location};

/// Posts the login form with a valid token and `headers`, as a browser would send it.
async fn login_with(app: &TestApp, headers: &[(&str, &str)], contact: &str) -> reqwest::Response {
    let browser = Browser::open(app, "/login").await;
    let mut request = browser.client.post(app.url("/login"));
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let csrf = browser.csrf();
    let form = [("csrf", csrf.as_str()), ("contact", contact)];
    request.form(&form).send().await.unwrap()
}

#[tokio::test]
async fn forms_a_browser_says_came_from_another_site_are_refused_whatever_they_carry() {
    let app = TestApp::demo().await;
    for headers in [
        [("sec-fetch-site", "cross-site")],
        [("sec-fetch-site", "same-site")],
        [("origin", "https://evil.example")],
    ] {
        let refused = login_with(&app, &headers, "09121110001").await;
        assert_eq!(refused.status(), StatusCode::FORBIDDEN, "{headers:?}");
        assert!(refused.text().await.unwrap().contains("این فرم"));
    }
    assert_eq!(app.message_count(), 0, "no code went out");
    let base = app.base.clone();
    for headers in [
        [("sec-fetch-site", "same-origin")],
        [("sec-fetch-site", "none")],
        [("origin", base.as_str())],
    ] {
        let accepted = login_with(&app, &headers, "09121110002").await;
        assert_eq!(accepted.status(), StatusCode::SEE_OTHER, "{headers:?}");
    }
}

#[tokio::test]
async fn logging_in_replaces_the_token_so_one_planted_before_is_worthless() {
    let app = TestApp::demo().await;
    let browser = Browser::open(&app, "/login").await;
    let planted = browser.csrf();
    let code_page = location(
        &browser
            .post(&app, "/login", &[("contact", "09121110003")])
            .await,
    );
    let code = code_in(&app.message_to("+989121110003").await);
    location(&browser.post(&app, &code_page, &[("code", &code)]).await);
    let rename = [("csrf", planted.as_str()), ("name", "نام تازه")];
    let with_planted = browser.client.post(app.url("/me/name")).form(&rename);
    let refused = with_planted.send().await.unwrap();
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    let fresh = csrf_of(&browser.page(&app, "/me").await);
    assert_ne!(fresh, planted);
    let renamed = [("csrf", fresh.as_str()), ("name", "نام تازه")];
    let accepted = browser.client.post(app.url("/me/name")).form(&renamed);
    assert_eq!(
        accepted.send().await.unwrap().status(),
        StatusCode::SEE_OTHER
    );
}

#[tokio::test]
async fn over_https_cookies_are_host_only_and_secure_and_https_is_remembered() {
    let app = TestApp::spawn_with(Backend::Sqlite, true, |settings| {
        settings.public_url = Some("https://tomar.example".into());
    })
    .await
    .unwrap();
    let page = app.get("/login").await;
    let cookies: Vec<_> = page
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .collect();
    let csrf = cookies
        .iter()
        .find(|c| c.starts_with("__Host-csrf="))
        .expect("a __Host- CSRF cookie");
    assert!(csrf.contains("; Secure") && csrf.contains("Path=/") && !csrf.contains("Domain"));
    assert_eq!(
        page.headers()["strict-transport-security"],
        "max-age=63072000"
    );
    let plain = TestApp::demo().await.get("/login").await;
    assert!(plain.headers().get("strict-transport-security").is_none());
    let cookie = plain.headers()["set-cookie"].to_str().unwrap().to_owned();
    assert!(cookie.starts_with("csrf=") && !cookie.contains("Secure"));
}

#[tokio::test]
async fn pages_about_one_person_are_never_stored_by_a_cache() {
    let app = TestApp::demo().await;
    let member = app
        .log_in("09121110004", tomar_core::member::Role::Member)
        .await;
    let no_store = |response: &reqwest::Response| {
        response
            .headers()
            .get("cache-control")
            .is_some_and(|value| value == "no-store")
    };
    assert!(no_store(&member.get(&app, "/me").await));
    assert!(no_store(&app.get("/login").await));
    assert!(!no_store(&app.get("/clean-river").await));
    let signer = Browser::open(&app, "/clean-river").await;
    let fields = [("name", "سیما راد"), ("contact", "09121110005")];
    let code_page = location(&signer.post(&app, "/clean-river/sign", &fields).await);
    assert!(no_store(&signer.get(&app, &code_page).await));
}
