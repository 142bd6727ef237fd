//! The pages a surge reads, as a shared cache and a visitor meet them: the same for everyone
//! not logged in (no cookie, no token, `Cache-Control: public`, an `ETag`), answered from
//! memory within their life; members' copies private and current; their forms still
//! refused from another site.

use std::time::Duration;

use reqwest::StatusCode;
use reqwest::header::{CACHE_CONTROL, CONTENT_ENCODING, ETAG, SET_COOKIE, VARY};
use tomar_core::language::Language;
use tomar_core::member::Role;

use crate::signing::Signs;
use crate::support::{Backend, Browser, TestApp, csrf_of, location};

/// The pages anyone reads: a campaign, home, the listing, search, a hashtag.
const PUBLIC: [&str; 5] = [
    "/clean-river",
    "/",
    "/campaigns",
    "/search?q=%D8%B1%D9%88%D8%AF",
    "/hashtag/%DA%A9%D8%AA%D8%A7%D8%A8%D8%AE%D8%A7%D9%86%D9%87_%D8%A8%D8%A7%D8%B2",
];

/// A demo Tomar that keeps its public pages a minute: long enough that a test sees the
/// copy in memory, however slow the machine.
async fn remembering() -> TestApp {
    TestApp::spawn_with(Backend::Sqlite, true, |settings| {
        settings.page_memory = Duration::from_secs(60);
    })
    .await
    .expect("SQLite is always there")
}

fn header(response: &reqwest::Response, name: reqwest::header::HeaderName) -> &str {
    response
        .headers()
        .get(name)
        .map_or("", |value| value.to_str().unwrap())
}

/// The campaign page, asked for by a new visitor with one header.
async fn campaign_page_with(app: &TestApp, name: &'static str, value: &str) -> reqwest::Response {
    let request = app.visitor().get(app.url("/clean-river"));
    request.header(name, value).send().await.unwrap()
}

#[tokio::test]
async fn a_visitor_not_logged_in_gets_public_pages_without_a_cookie_or_a_token() {
    let app = TestApp::demo().await;
    for path in PUBLIC {
        let response = app.get(path).await;
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        assert!(response.headers().get(SET_COOKIE).is_none(), "{path}");
        assert_eq!(
            header(&response, CACHE_CONTROL),
            "public, max-age=1, stale-while-revalidate=10",
            "{path}"
        );
        assert_eq!(header(&response, VARY), "Cookie, Accept-Encoding", "{path}");
        assert!(header(&response, ETAG).starts_with("W/\""), "{path}");
        let page = response.text().await.unwrap();
        assert!(!page.contains("name=\"csrf\""), "{path} carries no token");
    }
    let campaign = app.page("/clean-river").await;
    assert!(
        campaign.contains("action=\"/clean-river/sign\""),
        "the sign form is there, without a token"
    );
    app.finish().await;
}

#[tokio::test]
async fn a_client_holding_the_copy_hears_not_modified_and_gzip_goes_to_who_takes_it() {
    let app = TestApp::demo().await;
    let first = app.get("/clean-river").await;
    let tag = header(&first, ETAG).to_owned();
    let again = campaign_page_with(&app, "if-none-match", &tag).await;
    assert_eq!(again.status(), StatusCode::NOT_MODIFIED);
    assert_eq!(header(&again, ETAG), tag);
    assert!(again.bytes().await.unwrap().is_empty());
    let other = campaign_page_with(&app, "if-none-match", "W/\"not-this-one\"").await;
    assert_eq!(other.status(), StatusCode::OK);
    let gzip = campaign_page_with(&app, "accept-encoding", "gzip").await;
    assert_eq!(header(&gzip, CONTENT_ENCODING), "gzip");
    assert!(gzip.headers().get(SET_COOKIE).is_none());
    app.finish().await;
}

#[tokio::test]
async fn a_members_copy_carries_their_token_and_stays_private() {
    let app = TestApp::demo().await;
    let member = app.log_in("09121110021", Role::Member).await;
    for path in PUBLIC {
        let response = member.get(&app, path).await;
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        assert_eq!(
            header(&response, CACHE_CONTROL),
            "private, no-cache",
            "{path}"
        );
        assert!(header(&response, VARY).contains("Cookie"), "{path}");
    }
    let page = member.page(&app, "/clean-river").await;
    assert_eq!(
        csrf_of(&page),
        member.csrf(),
        "the member's forms carry their token"
    );
    app.finish().await;
}

#[tokio::test]
async fn choosing_a_language_by_the_address_is_remembered_and_kept_out_of_shared_caches() {
    let app = TestApp::demo().await;
    let response = app.get("/clean-river?lang=en").await;
    assert_eq!(response.status(), StatusCode::OK);
    let remembered = response
        .headers()
        .get_all(SET_COOKIE)
        .iter()
        .any(|cookie| cookie.to_str().unwrap().starts_with("lang=en"));
    assert!(remembered, "the choice is remembered");
    assert_eq!(header(&response, CACHE_CONTROL), "private, no-cache");
    app.finish().await;
}

#[tokio::test]
async fn the_sign_form_is_taken_without_a_token_from_this_site_and_refused_from_another() {
    let app = TestApp::demo().await;
    let sign = |headers: &'static [(&'static str, &'static str)], contact: &'static str| {
        let app = &app;
        async move {
            let mut request = app.visitor().post(app.url("/clean-river/sign"));
            for (name, value) in headers {
                request = request.header(*name, *value);
            }
            let form = [("name", "سارا"), ("contact", contact)];
            request.form(&form).send().await.unwrap()
        }
    };
    for headers in [
        &[("sec-fetch-site", "cross-site")][..],
        &[("sec-fetch-site", "same-site")],
        &[("origin", "https://evil.example")],
    ] {
        let refused = sign(headers, "09121110031").await;
        assert_eq!(refused.status(), StatusCode::FORBIDDEN, "{headers:?}");
    }
    assert_eq!(app.message_count(), 0, "no code went out");
    let from_here: [(&'static [(&str, &str)], &str); 2] = [
        (&[("sec-fetch-site", "same-origin")], "09121110032"),
        (&[], "09121110033"),
    ];
    for (headers, contact) in from_here {
        let taken = sign(headers, contact).await;
        assert!(
            location(&taken).starts_with("/clean-river/verify/"),
            "{headers:?}"
        );
    }
    app.finish().await;
}

#[tokio::test]
async fn a_members_public_form_still_needs_their_token() {
    let app = TestApp::demo().await;
    let member = app.log_in("09121110041", Role::Member).await;
    let fields = [("name", "سارا"), ("contact", "09121110041")];
    let without = member
        .client
        .post(app.url("/clean-river/sign"))
        .form(&fields);
    assert_eq!(
        without.send().await.unwrap().status(),
        StatusCode::FORBIDDEN
    );
    let comment = [("name", "سارا"), ("body", "نظری بی‌نشان")];
    let without = member
        .client
        .post(app.url("/clean-river/comments"))
        .form(&comment);
    assert_eq!(
        without.send().await.unwrap().status(),
        StatusCode::FORBIDDEN
    );
    let with_token = member.post(&app, "/clean-river/sign", &fields).await;
    assert_eq!(with_token.status(), StatusCode::SEE_OTHER);
    app.finish().await;
}

#[tokio::test]
async fn a_remembered_page_is_the_same_copy_for_visitors_while_a_member_sees_it_current() {
    let app = remembering().await;
    let before = app.campaign("clean-river").await.signature_count;
    let first = app.get("/clean-river").await;
    let tag = header(&first, ETAG).to_owned();
    let first = first.text().await.unwrap();
    let signer = Browser::open(&app, "/clean-river").await;
    let thanks = signer
        .sign(&app, "clean-river", "سارا", "09121110051", false)
        .await;
    assert!(thanks.starts_with("/clean-river/signed/"), "{thanks}");
    assert_eq!(
        app.campaign("clean-river").await.signature_count,
        before + 1
    );

    let later = app.get("/clean-river").await;
    assert_eq!(header(&later, ETAG), tag, "the copy in memory");
    assert_eq!(later.text().await.unwrap(), first);
    let counted = |count| format!("data-live-count>{}<", Language::Fa.count(count));
    assert!(first.contains(&counted(before)), "the count drawn");

    let member = app.log_in("09121110052", Role::Member).await;
    let current = member.page(&app, "/clean-river").await;
    assert!(
        current.contains(&counted(before + 1)),
        "a member's copy is drawn for them"
    );

    let english = campaign_page_with(&app, "cookie", "lang=en").await;
    assert_ne!(header(&english, ETAG), tag, "each language its own copy");
    let english = english.text().await.unwrap();
    assert!(english.contains("lang=\"en\""));
    assert!(english.contains(&format!(
        "data-live-count>{}<",
        Language::En.count(before + 1)
    )));
    app.finish().await;
}

#[tokio::test]
async fn a_page_that_is_not_found_is_not_remembered() {
    let app = remembering().await;
    let missing = app.get("/no-such-campaign").await;
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    assert!(
        !header(&missing, CACHE_CONTROL).contains("public"),
        "an error page is nobody's to keep"
    );
    app.finish().await;
}

#[tokio::test]
async fn a_hundred_visitors_at_once_on_a_page_not_yet_drawn_all_get_the_same_copy() {
    let app = remembering().await;
    let crowd = (0..100).map(|_| async {
        let response = app.get("/library-hours").await;
        let tag = header(&response, ETAG).to_owned();
        (response.status(), tag, response.text().await.unwrap())
    });
    let answers = futures_util::future::join_all(crowd).await;
    let (_, tag, page) = &answers[0];
    for (status, other_tag, other_page) in &answers {
        assert_eq!(*status, StatusCode::OK);
        assert_eq!(other_tag, tag);
        assert_eq!(other_page, page);
    }
    app.finish().await;
}

#[tokio::test]
async fn a_head_is_answered_like_its_get_without_a_cookie_and_keeps_the_page_whole() {
    let app = remembering().await;
    let visitor = app.visitor();
    let head = visitor.head(app.url("/clean-river")).send().await.unwrap();
    assert_eq!(head.status(), StatusCode::OK);
    assert!(
        head.headers().get(SET_COOKIE).is_none(),
        "no cookie on a HEAD either"
    );
    assert!(header(&head, CACHE_CONTROL).starts_with("public"));
    let tag = header(&head, ETAG).to_owned();
    assert!(!tag.is_empty());
    assert!(head.text().await.unwrap().is_empty(), "a HEAD has no body");

    let get = visitor.get(app.url("/clean-river")).send().await.unwrap();
    assert_eq!(header(&get, ETAG), tag, "the copy the HEAD drew");
    let page = get.text().await.unwrap();
    assert!(page.contains("</html>"), "kept whole: {} bytes", page.len());
    app.finish().await;
}
