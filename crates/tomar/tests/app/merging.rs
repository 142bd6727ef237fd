//! Merging a duplicate campaign into another, as a moderator does it: the form refuses what
//! cannot be merged, the preview counts in the background, confirming carries the new signers
//! and closes the duplicate, whose every address then leads to the campaign that stayed.

use std::time::Duration;

use reqwest::StatusCode;
use tomar_core::ids::MergeId;
use tomar_core::lifecycle::Lifecycle;
use tomar_core::member::Role;
use tomar_core::persian::persian_digits;
use tomar_store::MergeStatus;

use crate::moderation::sign;
use crate::support::{Browser, TestApp, location, on_both_backends};

on_both_backends!(a_duplicate_is_previewed_merged_once_and_leads_to_the_one_that_stays, demo: true);

/// Reloads the merge's page, as the moderator would, until it says `words`.
async fn wait_for(app: &TestApp, moderator: &Browser, page: &str, words: &str) -> String {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    loop {
        let shown = moderator.page(app, page).await;
        if shown.contains(words) {
            return shown;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "never {words}: {shown}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn a_duplicate_is_previewed_merged_once_and_leads_to_the_one_that_stays(app: &TestApp) {
    let (staying, duplicate) = (
        app.campaign("clean-river").await,
        app.campaign("library-hours").await,
    );
    // One signer signed both, another only the duplicate.
    sign(app, staying.id, "رها کاظمی", "both@mail.example", false).await;
    sign(app, duplicate.id, "رها کاظمی", "both@mail.example", false).await;
    sign(app, duplicate.id, "کاوه نادری", "only@mail.example", true).await;
    let staying_before = app.campaign("clean-river").await.signature_count;
    let duplicate_count = app.campaign("library-hours").await.signature_count;
    app.store
        .add_comment(&tomar_core::comment::NewComment {
            campaign_id: duplicate.id,
            parent_id: None,
            author_id: None,
            name: Some(tomar_core::names::PersonName::parse("ساکن محل").unwrap()),
            body: tomar_core::body::LetterBody::parse("کتابخانه شب‌ها هم باز باشد").unwrap(),
            client_key: None,
            at: jiff::Timestamp::now(),
        })
        .await
        .unwrap();

    let moderator = app.log_in("09121110000", Role::Moderator).await;
    let merging = format!("/moderation/campaigns/{}/merge", duplicate.id);
    let form = moderator.page(app, &merging).await;
    assert!(form.contains("name=\"into\""), "{form}");
    for (typed, says) in [
        ("۹۹۹۹", "هیچ کارزار عمومی"),
        ("under-review", "هیچ کارزار عمومی"),
        ("library-hours", "در خودش ادغام"),
        ("<script>alert(1)</script>", "هیچ کارزار عمومی"),
        ("", "هیچ کارزار عمومی"),
    ] {
        let refused = moderator.post(app, &merging, &[("into", typed)]).await;
        assert_eq!(
            refused.status(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "{typed:?}"
        );
        let page = refused.text().await.unwrap();
        assert!(page.contains(says), "{typed:?}: {page}");
        assert!(!page.contains("<script>alert"), "the typed text is escaped");
    }

    // Named by its page's address, as copied from the browser.
    let url = format!("{}/clean-river?from=share", app.base);
    let proposed = moderator.post(app, &merging, &[("into", &url)]).await;
    assert_eq!(proposed.status(), StatusCode::SEE_OTHER);
    let merge_page = location(&proposed);
    let id: i64 = merge_page.rsplit('/').next().unwrap().parse().unwrap();
    let preview = wait_for(app, &moderator, &merge_page, "پیش‌نمایش آماده است").await;
    let counted = app.store.merge(MergeId(id)).await.unwrap().unwrap();
    assert!(counted.already_signed >= 1, "{counted:?}");
    assert_eq!(
        counted.new_signers + counted.already_signed,
        duplicate_count
    );
    assert!(
        preview.contains(&persian_digits(&counted.new_signers.to_string())),
        "{preview}"
    );
    assert_eq!(
        app.campaign("clean-river").await.signature_count,
        staying_before,
        "a preview changes nothing"
    );

    let confirmed = moderator
        .post(app, &format!("{merge_page}/confirm"), &[])
        .await;
    assert_eq!(confirmed.status(), StatusCode::SEE_OTHER);
    wait_for(app, &moderator, &merge_page, "ادغام شد").await;
    let again = moderator
        .post(app, &format!("{merge_page}/confirm"), &[])
        .await;
    assert_eq!(again.status(), StatusCode::CONFLICT, "merged once only");
    let done = app.store.merge(MergeId(id)).await.unwrap().unwrap();
    assert_eq!(
        (done.status, done.carried),
        (MergeStatus::Done, counted.new_signers)
    );
    assert_eq!(
        app.campaign("clean-river").await.signature_count,
        staying_before + counted.new_signers
    );
    let closed = app.campaign(duplicate.id).await;
    assert_eq!(closed.lifecycle, Lifecycle::Ended);

    // Every address of the duplicate leads to the same address of the one that stayed.
    for (from, to) in [
        ("/library-hours", "/clean-river".to_owned()),
        (
            "/library-hours/signatures",
            "/clean-river/signatures".to_owned(),
        ),
        (
            &format!("/{}?page=2", duplicate.id) as &str,
            "/clean-river?page=2".to_owned(),
        ),
        (
            "/api/v1/campaigns/library-hours",
            "/api/v1/campaigns/clean-river".to_owned(),
        ),
    ] {
        let moved = app.get(from).await;
        assert_eq!(moved.status(), StatusCode::MOVED_PERMANENTLY, "{from}");
        assert_eq!(moved.headers()["location"], to.as_str(), "{from}");
    }
    let stayed = app.page("/clean-river").await;
    assert!(
        stayed.contains("id=\"joined\"") && stayed.contains(duplicate.text.title.as_ref()),
        "the page names what joined it"
    );
    assert!(
        stayed.contains("کتابخانه شب‌ها هم باز باشد"),
        "its comment moved"
    );
    assert!(
        stayed.contains("از کارزاری که در این کارزار ادغام شد"),
        "with a note of where it came from"
    );
    let signers = app.page("/clean-river/signatures").await;
    assert!(signers.contains("کاوه نادری"), "a carried signer is listed");
    let listed = app.page("/campaigns?status=all").await;
    assert!(!listed.contains(duplicate.text.title.as_ref()));
    let signing = Browser::open(app, "/clean-river").await;
    let closed_form = signing
        .post(
            app,
            &format!("/{}/sign", duplicate.id),
            &[("name", "دیرآمده"), ("contact", "late@mail.example")],
        )
        .await;
    assert_eq!(
        closed_form.status(),
        StatusCode::CONFLICT,
        "it takes no signatures"
    );
    let log = moderator.page(app, "/moderation/log").await;
    assert!(log.contains("ادغام در کارزاری دیگر"), "{log}");
    let review = moderator
        .page(app, &format!("/moderation/campaigns/{}", duplicate.id))
        .await;
    assert!(
        review.contains(&format!("href=\"/moderation/campaigns/{}\"", staying.id)),
        "the duplicate's review page leads to where it went"
    );
    let listed = moderator.page(app, &merging).await;
    assert!(
        listed.contains("ادغام شد"),
        "the duplicate's merges are listed"
    );
}
