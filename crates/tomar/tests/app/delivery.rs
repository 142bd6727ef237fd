//! The delivery package's list of signatures as its author and the moderators download it:
//! every counted signature in order, hidden names counted and never named, cells a
//! spreadsheet would run as formulas neutralised, and nobody else let in.

use reqwest::StatusCode;
use tomar_core::member::Role;

use crate::moderation::{campaign_form, post_form};
use crate::signing::Signs;
use crate::support::{Browser, TestApp, location};

/// The body of a CSV download, after checking its headers.
async fn csv(browser: &Browser, app: &TestApp, path: &str) -> String {
    let response = browser.get(app, path).await;
    assert_eq!(response.status(), StatusCode::OK, "{path}");
    assert_eq!(
        response.headers()["content-type"],
        "text/csv; charset=utf-8"
    );
    assert_eq!(response.headers()["cache-control"], "no-store");
    assert!(
        response.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("attachment; filename=\"campaign-")
    );
    response.text().await.unwrap()
}

#[tokio::test]
async fn the_author_and_moderators_download_every_counted_signature_and_nobody_else() {
    let app = TestApp::demo().await;
    let author = app.log_in("09122220088", Role::Member).await;
    let saved = post_form(
        &author,
        &app,
        "/new",
        &campaign_form(&[("intent", "submit".into())]),
    )
    .await;
    let page = location(&saved);
    let id: i64 = page.rsplit('/').next().unwrap().parse().unwrap();
    let mine = format!("{page}/delivery.csv");
    let moderators = format!("/moderation/campaigns/{id}/delivery.csv");
    assert_eq!(
        author.get(&app, &mine).await.status(),
        StatusCode::NOT_FOUND,
        "not before it is public"
    );
    let moderator = app.log_in("09129990088", Role::Moderator).await;
    moderator
        .post(&app, &format!("/moderation/campaigns/{id}/approve"), &[])
        .await;

    let slug = id.to_string();
    for (n, (name, public)) in [
        ("سارا نخستین", true),
        ("پنهان‌نام", false),
        ("=HYPERLINK(\"http://evil.example\", \"بزن\")", true),
        ("@SUM سمیرا", true),
    ]
    .into_iter()
    .enumerate()
    {
        let signer = Browser::open(&app, &format!("/{id}")).await;
        signer
            .sign(&app, &slug, name, &format!("0912777020{n}"), public)
            .await;
    }
    let withdrawn = Browser::open(&app, &format!("/{id}")).await;
    let thanks = withdrawn
        .sign(&app, &slug, "پشیمان", "09127770209", true)
        .await;
    withdrawn
        .post(&app, &format!("{thanks}/withdraw"), &[])
        .await;

    let file = csv(&author, &app, &mine).await;
    assert_eq!(
        file,
        csv(&moderator, &app, &moderators).await,
        "one list for both"
    );
    assert!(
        file.starts_with('\u{feff}'),
        "a BOM, for spreadsheets to read Persian"
    );
    let lines: Vec<&str> = file.trim_start_matches('\u{feff}').split("\r\n").collect();
    assert_eq!(
        lines[0],
        "\"شماره\",\"نام\",\"تاریخ (خورشیدی)\",\"تاریخ (میلادی)\""
    );
    assert_eq!(
        lines.len(),
        1 + 4 + 1,
        "a header, the four counted, the end"
    );
    assert!(
        lines[1].starts_with("\"1\",\"سارا نخستین\",\"14"),
        "{}",
        lines[1]
    );
    assert!(
        lines[2].starts_with("\"2\",\"(نام پنهان)\""),
        "{}",
        lines[2]
    );
    assert!(
        !file.contains("پنهان‌نام"),
        "a hidden name is counted, not named"
    );
    assert!(
        lines[3].starts_with("\"3\",\"'=HYPERLINK(\"\"http://evil.example\"\""),
        "{}",
        lines[3]
    );
    assert!(lines[4].starts_with("\"4\",\"'@SUM"), "{}", lines[4]);
    assert!(
        !file.contains("پشیمان"),
        "a withdrawn signature is not counted"
    );
    let english = csv(&author, &app, &format!("{mine}?lang=en")).await;
    assert!(english.contains("\"Number\",\"Name\""), "{english}");

    // Anyone else: the login page, a campaign that does not exist for them, or a refusal.
    let anonymous = app.visitor();
    let response = anonymous.get(app.url(&mine)).send().await.unwrap();
    assert!(response.status().is_redirection(), "{}", response.status());
    let other = app.log_in("09122220089", Role::Member).await;
    assert_eq!(other.get(&app, &mine).await.status(), StatusCode::NOT_FOUND);
    let refused = other.get(&app, &moderators).await.status();
    assert!(
        refused == StatusCode::FORBIDDEN || refused == StatusCode::NOT_FOUND,
        "{refused}"
    );
    let posted = author.post(&app, &mine, &[]).await;
    assert_eq!(posted.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert!(
        author
            .page(&app, &page)
            .await
            .contains(&format!(r#"href="{mine}""#))
    );
    let review = moderator
        .page(&app, &format!("/moderation/campaigns/{id}"))
        .await;
    assert!(review.contains(&format!(r#"href="{moderators}""#)));
}
