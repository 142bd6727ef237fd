//! Members over HTTP: passwordless login, sessions that hold across server processes and
//! end on logout, the member's page, and signing in one step.

use crate::support::{Browser, TestApp, location, on_both_backends};
use reqwest::StatusCode;
use tomar_core::member::Role;

#[tokio::test]
async fn members_log_in_with_a_code_and_out_everywhere() {
    let app = TestApp::demo().await;
    let anonymous = app.get("/me").await;
    assert_eq!(location(&anonymous), "/login?next=%2Fme");

    let phone = app.log_in("۰۹۱۲ ۵۵۵ ۴۴۳۳", Role::Member).await;
    let laptop = app.log_in("09125554433", Role::Member).await;
    let me = phone.page(&app, "/me").await;
    assert!(me.contains("صفحهٔ من") && me.contains("action=\"/logout\""));
    assert!(
        !me.contains("href=\"/moderation\""),
        "no doors for a plain member"
    );

    let renamed = phone
        .post(&app, "/me/name", &[("name", "  نگار   <b>")])
        .await;
    assert_eq!(location(&renamed), "/me");
    assert!(
        laptop
            .page(&app, "/me")
            .await
            .contains("value=\"نگار &#60;b&#62;\"")
    );
    let refused = phone.post(&app, "/me/name", &[("name", "\u{202E}x")]).await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);

    // Logging out on one device ends the session on every device.
    let out = phone.post(&app, "/logout", &[]).await;
    assert_eq!(location(&out), "/");
    let cookie = out.headers()["set-cookie"].to_str().unwrap();
    assert!(cookie.starts_with("session=;") && cookie.contains("Max-Age=0"));
    assert_eq!(
        location(&laptop.get(&app, "/me").await),
        "/login?next=%2Fme"
    );
}

#[tokio::test]
async fn session_cookies_are_http_only_and_forged_ones_are_ignored() {
    let app = TestApp::demo().await;
    let browser = Browser::open(&app, "/login").await;
    let sent = app.message_count();
    let code_page = location(
        &browser
            .post(&app, "/login", &[("contact", "sara@example.org")])
            .await,
    );
    assert!(code_page.starts_with("/login/") && code_page.ends_with("?next=%2Fme"));
    app.wait_for_messages(sent + 1).await;
    let message = app.message_to("sara@example.org").await;
    assert!(message.contains("Channel: email"));
    let code = crate::support::code_in(&message);

    let wrong = if code == "000000" { "111111" } else { "000000" };
    let refused = browser.post(&app, &code_page, &[("code", wrong)]).await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.text().await.unwrap().contains("۴ بار دیگر"));

    let response = browser
        .post(
            &app,
            &code_page,
            &[("code", &code), ("next", "//evil.example/")],
        )
        .await;
    assert_eq!(location(&response), "/me", "never off the site");
    let cookie = response.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
        "{cookie}"
    );
    // The same code cannot log anyone in twice.
    let replay = app.visitor();
    let replayed = replay
        .post(app.url(&code_page))
        .form(&[("csrf", browser.csrf().as_str()), ("code", code.as_str())])
        .header("cookie", format!("csrf={}", browser.csrf()))
        .send()
        .await
        .unwrap();
    assert_eq!(replayed.status(), StatusCode::UNPROCESSABLE_ENTITY);

    let value = cookie
        .split(';')
        .next()
        .unwrap()
        .trim_start_matches("session=");
    let forged = value.replacen(|c: char| c.is_ascii_digit(), "9", 1);
    for session in [forged.as_str(), "1.0.99999999999.abc", "", "%00"] {
        let response = app
            .visitor()
            .get(app.url("/me"))
            .header("cookie", format!("session={session}"))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "{session}");
    }
}

#[tokio::test]
async fn a_session_holds_in_another_server_process() {
    let app = TestApp::demo().await;
    let browser = app.log_in("09125554433", Role::Member).await;
    let other = app.another_process().await;
    let response = browser.get(&other, "/me").await;
    assert_eq!(response.status(), StatusCode::OK);
}

async fn members_sign_in_one_step_and_withdraw_from_their_page(app: &TestApp) {
    let member = app.log_in("09127770000", Role::Member).await;
    member
        .post(app, "/me/name", &[("name", "کاوه آهنگر")])
        .await;
    let page = member.page(app, "/library-hours").await;
    assert!(
        page.contains("value=\"کاوه آهنگر\""),
        "the name is filled in"
    );
    assert!(
        !page.contains("name=\"contact\""),
        "no contact field for a member"
    );

    let before = app.campaign("library-hours").await.signature_count;
    let sent = app.message_count();
    let signed = member
        .post(
            app,
            "/library-hours/sign",
            &[("name", "کاوه آهنگر"), ("public", "on")],
        )
        .await;
    assert_eq!(location(&signed), "/library-hours/signed");
    let thanks = member.page(app, "/library-hours/signed").await;
    let number = tomar_core::language::Language::Fa.count(before + 1);
    assert!(thanks.contains(&number), "{thanks}");
    assert_eq!(
        app.campaign("library-hours").await.signature_count,
        before + 1
    );
    assert_eq!(app.message_count(), sent, "no code for a member");

    // The page now says so instead of offering the form.
    let page = member.page(app, "/library-hours").await;
    assert!(page.contains("id=\"signed-already\"") && page.contains(&number));
    assert!(!page.contains("action=\"/library-hours/sign\""));
    // Signing again counts nothing.
    member
        .post(app, "/library-hours/sign", &[("name", "کاوه آهنگر")])
        .await;
    assert_eq!(
        app.campaign("library-hours").await.signature_count,
        before + 1
    );

    let me = member.page(app, "/me").await;
    let campaign = app.campaign("library-hours").await;
    let withdraw = format!("/me/signatures/{}/withdraw", campaign.id);
    assert!(me.contains(&withdraw), "listed with a withdraw button");
    assert_eq!(location(&member.post(app, &withdraw, &[]).await), "/me");
    assert_eq!(app.campaign("library-hours").await.signature_count, before);
    assert!(!member.page(app, "/me").await.contains(&withdraw));
    assert_eq!(
        member.post(app, &withdraw, &[]).await.status(),
        StatusCode::NOT_FOUND
    );
}

on_both_backends!(members_sign_in_one_step_and_withdraw_from_their_page, demo: true);

#[tokio::test]
async fn member_pages_refuse_forms_without_their_token() {
    let app = TestApp::demo().await;
    let member = app.log_in("09127770001", Role::Member).await;
    for path in ["/me/name", "/logout", "/me/signatures/1/withdraw", "/new"] {
        let response = member
            .client
            .post(app.url(path))
            .form(&[("csrf", "0".repeat(32)), ("name", "x y".into())])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::FORBIDDEN, "{path}");
    }
    assert_eq!(member.get(&app, "/me").await.status(), StatusCode::OK);
}
