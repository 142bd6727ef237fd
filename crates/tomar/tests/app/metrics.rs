//! `/metrics` as a Prometheus scraper meets it: absent unless an operator configured a
//! token, refused without it, and with it, what the requests, the signing writer, the
//! store's caches and the outbox did, labelled by route pattern, never by path.

use reqwest::StatusCode;

use crate::signing::Signs;
use crate::support::{Backend, Browser, TestApp};

const TOKEN: &str = "the-scraper-token-0123";

#[tokio::test]
async fn metrics_are_served_only_with_the_configured_token_and_count_what_happened() {
    let unconfigured = TestApp::demo().await;
    let response = unconfigured.get("/metrics").await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);

    let app = TestApp::spawn_with(Backend::Sqlite, true, |settings| {
        settings.metrics_token = Some(TOKEN.into())
    })
    .await
    .unwrap();
    assert_eq!(app.get("/library-hours").await.status(), StatusCode::OK);
    assert_eq!(
        app.get("/no-such-page/at/all").await.status(),
        StatusCode::NOT_FOUND
    );
    let signer = Browser::open(&app, "/library-hours").await;
    signer
        .sign(&app, "library-hours", "سارا سنجیده", "09127770400", true)
        .await;

    let scraper = app.visitor();
    let scrape = |authorization: Option<String>| {
        let mut request = scraper.get(app.url("/metrics"));
        if let Some(value) = authorization {
            request = request.header("authorization", value);
        }
        request.send()
    };
    for refused in [
        None,
        Some(format!("Bearer {TOKEN}x")),
        Some(format!("Basic {TOKEN}")),
        Some("Bearer ".to_owned()),
    ] {
        let response = scrape(refused.clone()).await.unwrap();
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED, "{refused:?}");
        assert_eq!(response.headers()["www-authenticate"], "Bearer");
    }
    let response = scrape(Some(format!("Bearer {TOKEN}"))).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/plain; version=0.0.4")
    );
    let text = response.text().await.unwrap();
    for expected in [
        r#"tomar_http_requests_total{route="/{campaign}",method="GET",status="200"}"#,
        r#"tomar_http_requests_total{route="unmatched",method="GET",status="404"}"#,
        r#"tomar_http_request_seconds_bucket{route="/{campaign}",method="GET",le="0.005"}"#,
        r#"tomar_writer_batch_size_bucket{kind="codes""#,
        r#"tomar_writer_batch_size_bucket{kind="confirmations""#,
        r#"tomar_writer_commit_seconds_count{kind="confirmations"}"#,
        r#"tomar_cache_lookups_total{cache="settings",result="hit"}"#,
        r#"tomar_outbox_messages_total{result="sent"}"#,
        "tomar_outbox_round_messages_count",
    ] {
        assert!(text.contains(expected), "{expected} in\n{text}");
    }
    assert!(
        !text.contains("library-hours") && !text.contains("no-such-page"),
        "paths, which name campaigns and tokens, are never labels"
    );
}
