//! Discussion and news over HTTP: threads one level deep, anonymity, escaping, limits,
//! switches, flags and their moderation, news links through review, and the JSON API.

use crate::support::{Browser, TestApp, location, on_both_backends};
use reqwest::StatusCode;
use serde_json::{Value, json};
use tomar_core::member::Role;

/// Posts the comment form of `campaign` from `browser`.
async fn comment(
    browser: &Browser,
    app: &TestApp,
    campaign: &str,
    fields: &[(&str, &str)],
) -> reqwest::Response {
    browser
        .post(app, &format!("/{campaign}/comments"), fields)
        .await
}

/// The id in a `…#comment-{id}` redirect.
fn comment_id(response: &reqwest::Response) -> String {
    location(response)
        .rsplit("#comment-")
        .next()
        .unwrap()
        .to_owned()
}

async fn threads_read_as_in_the_reference(app: &TestApp) {
    let visitor = Browser::open(app, "/clean-river").await;
    let anonymous = comment(&visitor, app, "clean-river", &[("body", "بی‌نام می‌نویسم.")]).await;
    let anonymous_id = comment_id(&anonymous);
    let named = comment(
        &visitor,
        app,
        "clean-river",
        &[("name", "آرش"), ("body", "با نام می‌نویسم.\nخط دوم.")],
    )
    .await;
    let named_id = comment_id(&named);
    let reply_form = visitor
        .page(app, &format!("/clean-river/comments/new?reply={named_id}"))
        .await;
    assert!(reply_form.contains("در پاسخ به آرش"));
    assert!(
        reply_form.contains(
            r#"<blockquote lang="fa"><p dir="auto">با نام می‌نویسم.</p><p dir="auto">خط دوم.</p></blockquote>"#
        ),
        "the reply page quotes what it answers: {reply_form}"
    );
    let reply = comment(
        &visitor,
        app,
        "clean-river",
        &[("name", "بهار"), ("body", "موافقم."), ("parent", &named_id)],
    )
    .await;
    let reply_id = comment_id(&reply);
    let page = app.page("/clean-river").await;
    assert!(page.contains(&format!("id=\"comment-{anonymous_id}\"")));
    assert!(page.contains("کاربر ناشناس"));
    assert!(
        page.contains("<bdi>بهار</bdi> در پاسخ به <bdi>آرش</bdi>"),
        "each name isolated, so the sentence reads in order in either language"
    );
    assert!(
        page.contains("<p class=\"comment-body\" dir=\"auto\" lang=\"fa\">خط دوم.</p>"),
        "line breaks kept"
    );
    // One level deep: a reply cannot be answered.
    let deeper = comment(
        &visitor,
        app,
        "clean-river",
        &[("body", "پاسخ به پاسخ"), ("parent", &reply_id)],
    )
    .await;
    assert_eq!(deeper.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        visitor
            .get(app, &format!("/clean-river/comments/new?reply={reply_id}"))
            .await
            .status(),
        StatusCode::NOT_FOUND
    );

    // A member's comment carries their display name.
    let member = app.log_in("09121112222", Role::Member).await;
    member
        .post(app, "/me/name", &[("name", "سیمین دانشور")])
        .await;
    let form = member.page(app, "/clean-river/comments/new").await;
    assert!(form.contains("سیمین دانشور") && !form.contains("name=\"name\""));
    comment(
        &member,
        app,
        "clean-river",
        &[("name", "جعلی"), ("body", "از طرف عضو")],
    )
    .await;
    let page = app.page("/clean-river").await;
    assert!(page.contains("سیمین دانشور") && !page.contains("جعلی"));
    assert!(member.page(app, "/me").await.contains("از طرف عضو"));
}

on_both_backends!(threads_read_as_in_the_reference, demo: true);

#[tokio::test]
async fn hostile_comments_are_escaped_and_links_carry_ugc() {
    let app = TestApp::demo().await;
    let visitor = Browser::open(&app, "/clean-river").await;
    let body =
        "<script>alert(1)</script> javascript:alert(2) \u{202E}وارونه https://example.org/a?b=<i>";
    let posted = comment(
        &visitor,
        &app,
        "clean-river",
        &[("name", "<b>نام</b>"), ("body", body)],
    )
    .await;
    assert_eq!(posted.status(), StatusCode::SEE_OTHER);
    let page = app.page("/clean-river").await;
    assert!(!page.contains("<script>alert(1)"));
    assert!(page.contains("&#60;script&#62;alert(1)"));
    assert!(!page.contains("href=\"javascript:"));
    assert!(!page.contains('\u{202E}'), "bidi overrides are removed");
    assert!(page.contains("rel=\"nofollow ugc noopener\""));
    assert!(page.contains("&#60;b&#62;نام&#60;/b&#62;"));
    for bad in ["", "   ", &"ا".repeat(2001)] {
        let refused = comment(&visitor, &app, "clean-river", &[("body", bad)]).await;
        assert_eq!(
            refused.status(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "{}",
            bad.len()
        );
    }
    let nul = comment(&visitor, &app, "clean-river", &[("body", "a\u{0}b")]).await;
    assert_ne!(nul.status(), StatusCode::INTERNAL_SERVER_ERROR);
}

#[tokio::test]
async fn honeypots_limits_and_switches_stop_posts() {
    let app = TestApp::demo().await;
    let robot = Browser::open(&app, "/clean-river").await;
    let before = app
        .page("/clean-river")
        .await
        .matches("class=\"comment")
        .count();
    let trapped = comment(
        &robot,
        &app,
        "clean-river",
        &[("body", "تبلیغ"), ("website", "http://spam.example")],
    )
    .await;
    assert_eq!(location(&trapped), "/clean-river#discussion");
    assert!(!app.page("/clean-river").await.contains("تبلیغ"));
    assert_eq!(
        app.page("/clean-river")
            .await
            .matches("class=\"comment")
            .count(),
        before
    );

    app.store
        .set_setting("limits.posts_per_network_per_hour", "2")
        .await
        .unwrap();
    let visitor = Browser::open(&app, "/clean-river").await;
    for n in 0..2 {
        let body = format!("نظر شمارهٔ {n}");
        let posted = comment(&visitor, &app, "clean-river", &[("body", &body)]).await;
        assert_eq!(posted.status(), StatusCode::SEE_OTHER);
    }
    let third = comment(&visitor, &app, "clean-river", &[("body", "سومی")]).await;
    assert_eq!(third.status(), StatusCode::TOO_MANY_REQUESTS);
    let news = visitor
        .post(
            &app,
            "/clean-river/news",
            &[("url", "https://news.example/x"), ("title", "خبر")],
        )
        .await;
    assert_eq!(
        news.status(),
        StatusCode::TOO_MANY_REQUESTS,
        "news share the limit"
    );
    app.store
        .set_setting("limits.posts_per_network_per_hour", "100")
        .await
        .unwrap();

    // Ended campaigns keep their discussion readable; new comments only if the admin allows.
    let ended = app.page("/demo").await;
    assert!(ended.contains("این کارزار اکنون نظر تازه نمی‌پذیرد."));
    let closed = comment(&visitor, &app, "demo", &[("body", "دیر رسیدم")]).await;
    assert_eq!(closed.status(), StatusCode::CONFLICT);
    app.store
        .set_setting("switch.comments_after_end", "true")
        .await
        .unwrap();
    let late = comment(&visitor, &app, "demo", &[("body", "دیر رسیدم")]).await;
    assert_eq!(late.status(), StatusCode::SEE_OTHER);

    app.store
        .set_setting("switch.comments_stopped", "true")
        .await
        .unwrap();
    let stopped = comment(&visitor, &app, "clean-river", &[("body", "متوقف؟")]).await;
    assert_eq!(stopped.status(), StatusCode::SERVICE_UNAVAILABLE);
    let forged = visitor
        .client
        .post(app.url("/clean-river/comments"))
        .header("sec-fetch-site", "cross-site")
        .form(&[("csrf", "0".repeat(32)), ("body", "x".into())])
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn flags_hide_a_comment_until_a_moderator_decides() {
    let app = TestApp::demo_with(&[("limits.flags_to_hide", "2")]).await;
    let author = Browser::open(&app, "/clean-river").await;
    let top = comment_id(&comment(&author, &app, "clean-river", &[("body", "نظری تند")]).await);
    comment(
        &author,
        &app,
        "clean-river",
        &[("body", "پاسخی آرام"), ("parent", &top)],
    )
    .await;
    let flag = format!("/clean-river/comments/{top}/flag");
    let first = Browser::open(&app, "/clean-river").await;
    let back = location(&first.post(&app, &flag, &[]).await);
    assert_eq!(back, format!("/clean-river?reported={top}#reported"));
    let page = first.page(&app, &back).await;
    assert!(
        page.contains(
            r#"<p class="notice notice-success" id="reported" role="status">گزارش شما رسید"#
        ),
        "the report is acknowledged in place"
    );
    first.post(&app, &flag, &[]).await;
    assert!(
        app.page("/clean-river").await.contains("نظری تند"),
        "one person, one flag"
    );
    // Fresh cookies from the same network are the same reporter.
    let fresh_cookies = Browser::open(&app, "/clean-river").await;
    fresh_cookies.post(&app, &flag, &[]).await;
    assert!(app.page("/clean-river").await.contains("نظری تند"));
    let member = app.log_in("09121114444", Role::Member).await;
    member.post(&app, &flag, &[]).await;
    let page = app.page("/clean-river").await;
    assert!(!page.contains("نظری تند"), "hidden pending review");
    assert!(page.contains("پاسخی آرام") && page.contains("این نظر را ناظران حذف کرده‌اند."));

    let moderator = app.log_in("09121113333", Role::Moderator).await;
    let queue = moderator.page(&app, "/moderation").await;
    assert!(queue.contains("نظری تند") && queue.contains("گزارش از ۱ شبکه و ۱ عضو"));
    let no_reason = moderator
        .post(
            &app,
            &format!("/moderation/comments/{top}/hide"),
            &[("note", "")],
        )
        .await;
    assert_eq!(no_reason.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let restored = moderator
        .post(&app, &format!("/moderation/comments/{top}/restore"), &[])
        .await;
    let said = "دیدگاه دوباره نمایش داده می‌شود.";
    assert_eq!(
        moderator.confirmed(&app, &restored, said).await,
        "/moderation"
    );
    assert!(app.page("/clean-river").await.contains("نظری تند"));
    assert!(
        !moderator
            .page(&app, "/moderation")
            .await
            .contains("نظری تند")
    );
    let hidden = moderator
        .post(
            &app,
            &format!("/moderation/comments/{top}/hide"),
            &[("note", "توهین")],
        )
        .await;
    let said = "دیدگاه پنهان شد.";
    assert_eq!(
        moderator.confirmed(&app, &hidden, said).await,
        "/moderation"
    );
    assert!(!app.page("/clean-river").await.contains("نظری تند"));
    let log = moderator.page(&app, "/moderation/log").await;
    assert!(log.contains("توهین") && log.contains("بازگرداندن"));
    assert_eq!(
        first
            .post(&app, "/clean-river/comments/999999/flag", &[])
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn reports_are_limited_per_network() {
    let app = TestApp::demo_with(&[("limits.reports_per_network_per_hour", "2")]).await;
    let author = Browser::open(&app, "/clean-river").await;
    let mut ids = Vec::new();
    for body in ["یکم", "دوم", "سوم"] {
        ids.push(comment_id(
            &comment(&author, &app, "clean-river", &[("body", body)]).await,
        ));
    }
    let reporter = Browser::open(&app, "/clean-river").await;
    for id in &ids[..2] {
        let flag = format!("/clean-river/comments/{id}/flag");
        location(&reporter.post(&app, &flag, &[]).await);
    }
    let flag = format!("/clean-river/comments/{}/flag", ids[2]);
    let refused = reporter.post(&app, &flag, &[]).await;
    assert_eq!(refused.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(refused.text().await.unwrap().contains("گزارش شده است"));
}

#[tokio::test]
async fn news_links_are_checked_and_wait_for_review() {
    let app = TestApp::demo().await;
    let visitor = Browser::open(&app, "/clean-river/news/new").await;
    assert!(
        app.page("/clean-river")
            .await
            .contains("href=\"/clean-river/news/new\"")
    );
    let long = format!("https://example.org/{}", "a".repeat(2000));
    for (url, title) in [
        ("javascript:alert(1)", "خبر"),
        ("ftp://files.example/a", "خبر"),
        ("https://user:secret@news.example/a", "خبر"),
        (long.as_str(), "خبر"),
        ("https://news.example/a", ""),
    ] {
        let refused = visitor
            .post(&app, "/clean-river/news", &[("url", url), ("title", title)])
            .await;
        assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY, "{url}");
    }
    let sent = visitor
        .post(
            &app,
            "/clean-river/news",
            &[
                ("url", "https://خبرگزاری.ایران/رود"),
                ("title", "رود پاک شد"),
            ],
        )
        .await;
    assert_eq!(location(&sent), "/clean-river/news/new?sent=1");
    let thanks = visitor.page(&app, "/clean-river/news/new?sent=1").await;
    assert!(
        thanks.contains(r#"<p class="notice notice-success" id="news-sent" role="status">سپاس!"#),
        "the thanks stands out, with the way back: {thanks}"
    );
    let again = visitor
        .post(
            &app,
            "/clean-river/news",
            &[("url", "https://خبرگزاری.ایران/رود"), ("title", "دوباره")],
        )
        .await;
    assert_eq!(again.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        again
            .text()
            .await
            .unwrap()
            .contains("پیش‌تر برای این کارزار ثبت شده")
    );
    assert!(
        !app.page("/clean-river").await.contains("رود پاک شد"),
        "waits for review"
    );

    let moderator = app.log_in("09121114444", Role::Moderator).await;
    assert!(
        moderator
            .page(&app, "/moderation")
            .await
            .contains("رود پاک شد")
    );
    let pending = app.store.pending_news_links(10).await.unwrap();
    let link = pending
        .iter()
        .find(|l| l.title.as_ref() == "رود پاک شد")
        .unwrap()
        .id;
    let approved = moderator
        .post(&app, &format!("/moderation/news/{link}/approve"), &[])
        .await;
    let said = "پیوند خبر تأیید شد و در صفحهٔ کارزار دیده می‌شود.";
    assert_eq!(
        moderator.confirmed(&app, &approved, said).await,
        "/moderation"
    );
    let page = app.page("/clean-river").await;
    let news = page.split("id=\"news\"").nth(1).unwrap();
    assert!(
        news.contains("رود پاک شد") && news.contains("<bdi>خبرگزاری.ایران</bdi>"),
        "{news}"
    );
}

async fn api(app: &TestApp, method: &str, path: &str, body: Value) -> (StatusCode, Value) {
    let client = app.visitor();
    let request = match method {
        "GET" => client.get(app.url(path)),
        _ => client.post(app.url(path)).json(&body),
    };
    let response = request.send().await.unwrap();
    let status = response.status();
    (status, response.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn the_api_reads_and_posts_with_the_same_rules() {
    let app = TestApp::demo().await;
    let path = "/api/v1/campaigns/demo/comments";
    let (status, page) = api(&app, "GET", path, Value::Null).await;
    assert_eq!(status, StatusCode::OK);
    let items = page["items"].as_array().unwrap();
    assert!(!items.is_empty());
    assert!(
        items
            .iter()
            .any(|t| !t["replies"].as_array().unwrap().is_empty())
    );

    let path = "/api/v1/campaigns/clean-river/comments";
    let (status, created) = api(&app, "POST", path, json!({"body": "از راه API"})).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let parent = created["id"].as_i64().unwrap();
    let reply = json!({"name": "نسرین", "body": "پاسخ از API", "parent_id": parent});
    let (status, _) = api(&app, "POST", path, reply).await;
    assert_eq!(status, StatusCode::CREATED);
    let (_, page) = api(&app, "GET", path, Value::Null).await;
    let thread = &page["items"][0];
    assert_eq!(thread["comment"]["id"], parent);
    assert_eq!(thread["comment"]["name"], Value::Null);
    assert_eq!(thread["replies"][0]["name"], "نسرین");

    let (status, problem) = api(&app, "POST", path, json!({"body": ""})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(problem["errors"]["body"].is_string());
    let (status, _) = api(
        &app,
        "POST",
        "/api/v1/campaigns/demo/comments",
        json!({"body": "x y"}),
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT, "the demo campaign has ended");

    let news = json!({"url": "https://news.example/api", "title": "از API"});
    let (status, received) = api(
        &app,
        "POST",
        "/api/v1/campaigns/clean-river/news",
        news.clone(),
    )
    .await;
    assert_eq!(
        (status, received["status"].as_str()),
        (StatusCode::ACCEPTED, Some("pending"))
    );
    let (status, _) = api(&app, "POST", "/api/v1/campaigns/clean-river/news", news).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let (status, listed) = api(&app, "GET", "/api/v1/campaigns/demo/news", Value::Null).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        listed
            .as_array()
            .unwrap()
            .iter()
            .all(|n| n["host"].is_string())
    );
    let (status, _) = api(
        &app,
        "GET",
        "/api/v1/campaigns/demo/comments?after=x",
        Value::Null,
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}
