//! The JSON API over HTTP: the same signing rules as the pages, errors as problem+json in
//! the caller's language, and an OpenAPI document that lists every route.

use crate::support::{TestApp, code_in, on_both_backends};
use reqwest::StatusCode;
use serde_json::{Value, json};

pub(crate) async fn post(
    app: &TestApp,
    path: &str,
    body: Value,
) -> (StatusCode, Option<String>, Value) {
    let response = app
        .visitor()
        .post(app.url(path))
        .json(&body)
        .send()
        .await
        .unwrap();
    let status = response.status();
    let content_type = response
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_owned());
    (status, content_type, response.json().await.unwrap())
}

async fn get(app: &TestApp, path: &str) -> (StatusCode, Value) {
    let response = app.get(path).await;
    (response.status(), response.json().await.unwrap())
}

async fn signs_through_the_api(app: &TestApp) {
    let (status, campaign) = get(app, "/api/v1/campaigns/clean-river").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(campaign["status"], "open");
    assert_eq!(campaign["kind"], "complaint");
    let before = campaign["signature_count"].as_u64().unwrap();
    let id = campaign["id"].as_i64().unwrap();

    let request = json!({"name": "شبنم راستگو", "contact": "٠٩١٢٦٦٦٧٧٧٧", "public": true});
    let (status, _, started) = post(app, "/api/v1/campaigns/clean-river/signatures", request).await;
    assert_eq!(status, StatusCode::ACCEPTED, "{started}");
    let verification = started["verification_id"].as_str().unwrap().to_owned();
    let code = code_in(&app.message_to("+989126667777").await);

    let (status, _, confirmed) = post(
        app,
        &format!("/api/v1/verifications/{verification}"),
        json!({"code": code}),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{confirmed}");
    assert_eq!(confirmed["number"].as_u64(), Some(before + 1));
    assert_eq!(confirmed["campaign_id"].as_i64(), Some(id));
    let (_, again) = get(app, &format!("/api/v1/campaigns/{id}")).await;
    assert_eq!(again["signature_count"].as_u64(), Some(before + 1));

    let (status, page) = get(app, "/api/v1/campaigns/clean-river/signatures").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(page["items"][0]["name"], "شبنم راستگو");
    assert_eq!(page["items"].as_array().unwrap().len(), 100);
    let next = page["next"].as_u64().unwrap();
    let (_, older) = get(
        app,
        &format!("/api/v1/campaigns/clean-river/signatures?after={next}"),
    )
    .await;
    assert_eq!(older["items"][0]["number"].as_u64(), Some(next - 1));
}

on_both_backends!(signs_through_the_api, demo: true);

#[tokio::test]
async fn refusals_are_problem_json_in_the_callers_language() {
    let app = TestApp::demo().await;
    let (status, content_type, problem) = post(
        &app,
        "/api/v1/campaigns/clean-river/signatures",
        json!({"name": "", "contact": "abc"}),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(content_type.as_deref(), Some("application/problem+json"));
    assert_eq!(problem["status"], 422);
    assert_eq!(problem["errors"]["name"], "این بخش نباید خالی باشد.");
    assert!(
        problem["errors"]["contact"]
            .as_str()
            .unwrap()
            .contains("نامجاز")
    );

    let english = app
        .visitor()
        .post(app.url("/api/v1/campaigns/demo/signatures"))
        .header("accept-language", "en")
        .json(&json!({"name": "Sam Lee", "contact": "sam@example.org"}))
        .send()
        .await
        .unwrap();
    assert_eq!(
        english.status(),
        StatusCode::CONFLICT,
        "the demo campaign has ended"
    );
    let problem: Value = english.json().await.unwrap();
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains("No code was sent")
    );

    for (path, expected) in [
        ("/api/v1/campaigns/nothing-here", StatusCode::NOT_FOUND),
        ("/api/v1/campaigns/under-review", StatusCode::NOT_FOUND),
        (
            "/api/v1/campaigns/demo/signatures?after=x",
            StatusCode::BAD_REQUEST,
        ),
        ("/api/v1/nothing", StatusCode::NOT_FOUND),
    ] {
        let response = app.get(path).await;
        assert_eq!(response.status(), expected, "{path}");
        assert_eq!(
            response.headers()["content-type"],
            "application/problem+json",
            "{path}"
        );
        let problem: Value = response.json().await.unwrap();
        assert!(problem["title"].is_string(), "{path}");
    }

    let broken = app
        .visitor()
        .post(app.url("/api/v1/campaigns/clean-river/signatures"))
        .header("content-type", "application/json")
        .body("{\"name\": \u{0}")
        .send()
        .await
        .unwrap();
    assert!(broken.status().is_client_error());
    assert_eq!(broken.headers()["content-type"], "application/problem+json");

    let (status, _, problem) = post(
        &app,
        "/api/v1/verifications/00000000000000000000000000000000",
        json!({"code": "123456"}),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{problem}");
}

#[tokio::test]
async fn a_wrong_code_is_refused_with_the_tries_left() {
    let app = TestApp::demo().await;
    let request = json!({"name": "کیوان سحرخیز", "contact": "kivan@example.org"});
    let (_, _, started) = post(&app, "/api/v1/campaigns/library-hours/signatures", request).await;
    let verification = started["verification_id"].as_str().unwrap().to_owned();
    let code = code_in(&app.message_to("kivan@example.org").await);
    let wrong = if code == "000000" { "111111" } else { "000000" };
    let (status, _, problem) = post(
        &app,
        &format!("/api/v1/verifications/{verification}"),
        json!({"code": wrong}),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        problem["detail"].as_str().unwrap().contains("۴ بار دیگر"),
        "{problem}"
    );
    let (status, _, _) = post(
        &app,
        &format!("/api/v1/verifications/{verification}"),
        json!({"code": code}),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);
    let (status, _, replay) = post(
        &app,
        &format!("/api/v1/verifications/{verification}"),
        json!({"code": code}),
    )
    .await;
    assert_eq!(
        status,
        StatusCode::OK,
        "a used verification answers what it produced"
    );
    assert!(replay["number"].is_u64());
}

#[tokio::test]
async fn the_openapi_document_parses_and_lists_every_api_route() {
    let app = TestApp::demo().await;
    let (status, document) = get(&app, "/api/v1/openapi.json").await;
    assert_eq!(status, StatusCode::OK);
    assert!(document["openapi"].as_str().unwrap().starts_with("3."));
    let mut routes: Vec<String> = document["paths"]
        .as_object()
        .unwrap()
        .iter()
        .flat_map(|(path, item)| {
            item.as_object()
                .unwrap()
                .keys()
                .map(move |method| format!("{method} {path}"))
        })
        .collect();
    routes.sort();
    assert_eq!(
        routes,
        [
            "get /api/v1/campaigns",
            "get /api/v1/campaigns/{campaign}",
            "get /api/v1/campaigns/{campaign}/comments",
            "get /api/v1/campaigns/{campaign}/count",
            "get /api/v1/campaigns/{campaign}/events",
            "get /api/v1/campaigns/{campaign}/history",
            "get /api/v1/campaigns/{campaign}/history.csv",
            "get /api/v1/campaigns/{campaign}/news",
            "get /api/v1/campaigns/{campaign}/signatures",
            "get /api/v1/responses",
            "post /api/v1/campaigns/{campaign}/comments",
            "post /api/v1/campaigns/{campaign}/news",
            "post /api/v1/campaigns/{campaign}/signatures",
            "post /api/v1/verifications/{verification}",
        ]
    );
    // Every documented route is served: none answers 404 for a real campaign, or 405.
    for route in &routes {
        let (method, path) = route.split_once(' ').unwrap();
        let path = path
            .replace("{campaign}", "clean-river")
            .replace("{verification}", &"0".repeat(32));
        let request = match method {
            "get" => app.visitor().get(app.url(&path)),
            _ => app.visitor().post(app.url(&path)).json(&json!({})),
        };
        let status = request.send().await.unwrap().status();
        assert_ne!(status, StatusCode::METHOD_NOT_ALLOWED, "{route}");
        if !path.contains("verifications") {
            assert_ne!(status, StatusCode::NOT_FOUND, "{route}");
        }
    }
    assert!(document["components"]["schemas"]["CampaignJson"].is_object());

    // Parameters are where clients must put them: path names in the path, the rest in
    // the query; and every POST says how it answers a body that is not JSON.
    for (path, item) in document["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            for parameter in operation["parameters"].as_array().into_iter().flatten() {
                let name = parameter["name"].as_str().unwrap();
                let place = if path.contains(&format!("{{{name}}}")) {
                    "path"
                } else {
                    "query"
                };
                assert_eq!(parameter["in"], place, "{method} {path} {name}");
            }
            if method == "post" {
                for status in ["400", "415"] {
                    let documented = &operation["responses"][status];
                    assert!(documented.is_object(), "{method} {path} {status}");
                }
            }
        }
    }
}
