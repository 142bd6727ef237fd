//! A campaign's count and growth over the API: cacheable, answered 304 when unchanged, and
//! adding up to the count however they are bucketed.

use reqwest::StatusCode;
use reqwest::header::{CACHE_CONTROL, CONTENT_TYPE, ETAG, IF_NONE_MATCH};
use serde_json::Value;

use crate::signing::Signs;
use crate::support::{Browser, TestApp, on_both_backends, other_scripts};

async fn json(app: &TestApp, path: &str) -> Value {
    let response = app.get(path).await;
    assert_eq!(response.status(), StatusCode::OK, "{path}");
    response.json().await.unwrap()
}

/// The sum of a growth answer's counts.
fn total(growth: &Value) -> u64 {
    growth["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|item| item["count"].as_u64().unwrap())
        .sum()
}

async fn the_count_is_cacheable_and_answers_304_until_it_moves(app: &TestApp) {
    let path = "/api/v1/campaigns/clean-river/count";
    let response = app.get(path).await;
    assert_eq!(response.status(), StatusCode::OK);
    let cache = response.headers()[CACHE_CONTROL]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(cache.starts_with("public, max-age=1"), "{cache}");
    assert!(
        response.headers().get("set-cookie").is_none(),
        "nothing private in it"
    );
    let tag = response.headers()[ETAG].clone();
    let count: Value = response.json().await.unwrap();
    let before = app.campaign("clean-river").await.signature_count;
    assert_eq!(count["count"].as_u64(), Some(before));
    assert!(count["updated_at"].as_str().unwrap().ends_with('Z'));

    let again = app
        .visitor()
        .get(app.url(path))
        .header(IF_NONE_MATCH, tag.clone());
    let again = again.send().await.unwrap();
    assert_eq!(again.status(), StatusCode::NOT_MODIFIED);
    assert!(again.bytes().await.unwrap().is_empty());

    let signer = Browser::open(app, "/clean-river").await;
    signer
        .sign(app, "clean-river", "رضا نیک‌پی", "09127778899", true)
        .await;
    let moved = app.visitor().get(app.url(path)).header(IF_NONE_MATCH, tag);
    let moved = moved.send().await.unwrap();
    assert_eq!(moved.status(), StatusCode::OK, "a new count, a new tag");
    let count: Value = moved.json().await.unwrap();
    assert_eq!(count["count"].as_u64(), Some(before + 1));

    let hours = json(app, "/api/v1/campaigns/clean-river/history").await;
    assert_eq!(hours["bucket"], "hour");
    assert_eq!(total(&hours), before + 1, "the hours add up to the count");
    let days = json(app, "/api/v1/campaigns/clean-river/history?bucket=day").await;
    assert_eq!(days["bucket"], "day");
    assert_eq!(total(&days), before + 1, "so do the days");
    for day in days["items"].as_array().unwrap() {
        // An Iran day begins at 20:30 UTC (midnight in Tehran, UTC+3:30).
        assert!(
            day["start"].as_str().unwrap().ends_with("T20:30:00Z"),
            "{day}"
        );
        assert_eq!(day["date"].as_str().unwrap().len(), 10);
    }
}

on_both_backends!(the_count_is_cacheable_and_answers_304_until_it_moves, demo: true);

#[tokio::test]
async fn the_history_comes_as_csv_and_refuses_unknown_buckets_and_campaigns() {
    let app = TestApp::demo().await;
    let response = app
        .get("/api/v1/campaigns/demo/history.csv?bucket=day")
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()[CONTENT_TYPE], "text/csv; charset=utf-8");
    let csv = response.text().await.unwrap();
    let mut lines = csv.lines();
    assert_eq!(lines.next(), Some("date,start,count"));
    let counted: u64 = lines
        .map(|line| line.rsplit(',').next().unwrap().parse::<u64>().unwrap())
        .sum();
    assert_eq!(counted, app.campaign("demo").await.signature_count);
    let hours = app.get("/api/v1/campaigns/demo/history.csv").await;
    let hours = hours.text().await.unwrap();
    assert!(hours.starts_with("start,count\n"), "{hours}");

    for bad in ["week", "HOUR", "%00", "ساعت", "1;DROP TABLE"] {
        let path = format!("/api/v1/campaigns/demo/history?bucket={bad}");
        let response = app.get(&path).await;
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{bad}");
        assert_eq!(
            response.headers()[CONTENT_TYPE],
            "application/problem+json",
            "{bad}"
        );
    }
    for path in [
        "/api/v1/campaigns/no-such-campaign/count",
        "/api/v1/campaigns/999999/history",
        "/api/v1/campaigns/no-such-campaign/history.csv",
    ] {
        assert_eq!(
            app.get(path).await.status(),
            StatusCode::NOT_FOUND,
            "{path}"
        );
    }
    app.finish().await;
}

#[tokio::test]
async fn the_campaign_page_draws_its_growth_in_each_language_and_moderators_see_it() {
    let app = TestApp::demo().await;
    let page = app.page("/demo").await;
    assert!(page.contains(r#"<svg class="growth-chart""#), "{page}");
    assert!(page.contains(r#"role="img" aria-labelledby="growth-title growth-desc""#));
    assert!(page.contains(r#"<title id="growth-title">روند امضاها</title>"#));
    let count = app.campaign("demo").await.signature_count;
    let total = tomar_core::persian::persian_digits(&count.to_string());
    assert!(
        page.contains(&format!("<td>{total}</td>")),
        "a table with the total, {total}"
    );
    assert_eq!(other_scripts(&page), 0, "drawn on the server");

    let english = app.page("/demo?lang=en").await;
    assert!(english.contains(r#"<title id="growth-title">How the count grew</title>"#));
    assert!(english.contains(&format!("<td>{count}</td>")));

    let moderator = app
        .log_in("09121110000", tomar_core::member::Role::Moderator)
        .await;
    let id = app.campaign("demo").await.id;
    let review = moderator
        .page(&app, &format!("/moderation/campaigns/{id}"))
        .await;
    assert!(review.contains(r#"<svg class="growth-chart""#), "{review}");
}
