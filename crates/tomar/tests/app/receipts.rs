//! A signer's receipt, as they are handed it (the thank-you page, the API's confirmation)
//! and as anyone checks it: the proof of their entry in the campaign's public log, which
//! on its own says nothing of who signed, and the code that with their name shows it is
//! theirs. The public openings of shown names sit beside the log.

use reqwest::StatusCode;
use serde_json::json;
use tomar_core::names::PersonName;
use tomar_core::note::Verifier;
use tomar_core::receipt::{ReceiptCode, ReceiptRefused, check_receipt};
use tomar_core::signature_log::{LogEntry, name_commitment};
use tomar_core::tlog::Proof;

use crate::api::post;
use crate::signing::Signs;
use crate::support::{Browser, TestApp, code_in, on_both_backends, run_tomar};

/// The text between `start` and the next `end` in `page`.
fn between<'a>(page: &'a str, start: &str, end: &str) -> &'a str {
    let from = page
        .find(start)
        .unwrap_or_else(|| panic!("{start} in {page}"))
        + start.len();
    &page[from..from + page[from..].find(end).unwrap()]
}

/// The log key the server publishes, as text.
async fn published_key(app: &TestApp) -> String {
    let response = app.get("/.well-known/tomar-log-key").await;
    response.text().await.unwrap().trim().to_owned()
}

async fn log_key(app: &TestApp) -> Verifier {
    Verifier::parse(&published_key(app).await).unwrap()
}

fn name(text: &str) -> PersonName {
    PersonName::parse(text).unwrap()
}

/// The receipt and code a thank-you page hands out, and the proof's address.
async fn receipt_on(signer: &Browser, app: &TestApp, thanks: &str) -> (String, String, String) {
    let page = signer.page(app, thanks).await;
    assert!(page.contains(r#"id="receipt""#), "{page}");
    let code = between(
        &page,
        r#"<code class="receipt-code" dir="ltr" translate="no">"#,
        "<",
    );
    let href = between(&page, r#"<a class="button" href=""#, r#"""#).to_owned();
    let response = app.get(&href).await;
    assert_eq!(response.status(), StatusCode::OK, "{href}");
    assert!(response.headers().get("set-cookie").is_none(), "{href}");
    assert!(page.contains(r#"download="tomar-"#));
    (response.text().await.unwrap(), code.to_owned(), href)
}

async fn the_thank_you_page_and_the_api_hand_out_receipts(app: &TestApp) {
    let campaign = app.campaign("clean-river").await;
    let key = log_key(app).await;
    let signer = Browser::open(app, "/clean-river").await;
    let thanks = signer
        .sign(app, "clean-river", "سارا رسیدنگار", "09127770101", false)
        .await;
    let (file, receipt_code, href) = receipt_on(&signer, app, &thanks).await;
    let receipt = check_receipt(&file, &key).expect("a receipt that stands");
    assert_eq!(receipt.campaign, campaign.id);
    assert_eq!(receipt.number, campaign.signature_count + 1);
    assert_eq!(
        href,
        format!("/log/{}/proof/{}", campaign.id, receipt.index)
    );
    let code = ReceiptCode::parse(&receipt_code).expect("a code as the page writes it");
    assert!(
        receipt.is_of(&code, &name("سارا رسیدنگار")),
        "theirs, with the code"
    );
    assert!(!receipt.is_of(&code, &name("سارا دیگری")), "not another's");
    let elsewhere = app.page("/clean-river").await;
    assert!(
        !elsewhere.contains(&receipt_code),
        "the code is on the signer's page alone"
    );
    assert!(!file.contains("سارا"), "the receipt names nobody");
    // A hidden name has no public opening.
    let tile = receipt.index / 256;
    let names = app.get(&format!("/log/{}/names/{tile}", campaign.id)).await;
    assert_eq!(names.status(), StatusCode::OK);
    assert!(!names.text().await.unwrap().contains("رسیدنگار"));

    // A shown name is opened in public: anyone can check it against its entry.
    let shown = Browser::open(app, "/clean-river").await;
    let shown_thanks = shown
        .sign(app, "clean-river", "بهار آشکار", "09127770102", true)
        .await;
    let (file, _, _) = receipt_on(&shown, app, &shown_thanks).await;
    let receipt = check_receipt(&file, &key).unwrap();
    let listing = app
        .get(&format!(
            "/log/{}/names/{}",
            campaign.id,
            receipt.index / 256
        ))
        .await
        .text()
        .await
        .unwrap();
    let line = listing
        .lines()
        .find(|line| line.ends_with(" بهار آشکار"))
        .unwrap_or_else(|| panic!("the shown name is opened: {listing}"));
    let fields: Vec<&str> = line.splitn(4, ' ').collect();
    assert_eq!(fields[0], receipt.index.to_string());
    assert_eq!(fields[1], receipt.number.to_string());
    let salt = ReceiptCode::parse(fields[2]).unwrap();
    assert!(receipt.is_of(&salt, &name("بهار آشکار")));

    // Through the API: the same receipt and code, again on a repeated confirmation.
    let request = json!({"name": "نگار رابط", "contact": "09127770103", "public": false});
    let (_, _, started) = post(app, "/api/v1/campaigns/clean-river/signatures", request).await;
    let verification = started["verification_id"].as_str().unwrap();
    let code = code_in(&app.message_to("+989127770103").await);
    let confirm = || async {
        let (status, _, answer) = post(
            app,
            &format!("/api/v1/verifications/{verification}"),
            json!({"code": code}),
        )
        .await;
        (status, answer)
    };
    let (status, confirmed) = confirm().await;
    assert_eq!(status, StatusCode::CREATED, "{confirmed}");
    let receipt = check_receipt(confirmed["receipt"].as_str().unwrap(), &key).unwrap();
    assert_eq!(Some(receipt.number), confirmed["number"].as_u64());
    let code = ReceiptCode::parse(confirmed["receipt_code"].as_str().unwrap()).unwrap();
    assert!(receipt.is_of(&code, &name("نگار رابط")));
    let (status, again) = confirm().await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(again["receipt_code"], confirmed["receipt_code"]);

    // Withdrawn, a signature has no receipt; the proof of its entry stays public.
    withdraw_from(&signer, app, &thanks).await;
    let page = signer.page(app, &thanks).await;
    assert!(!page.contains(r#"id="receipt""#));
    assert_eq!(app.get(&href).await.status(), StatusCode::OK);
}

/// Withdraws the signature confirmed on the thank-you page `thanks`.
async fn withdraw_from(signer: &Browser, app: &TestApp, thanks: &str) {
    let response = signer.post(app, &format!("{thanks}/withdraw"), &[]).await;
    assert!(response.status().is_success() || response.status().is_redirection());
}

on_both_backends!(the_thank_you_page_and_the_api_hand_out_receipts, demo: true);

#[tokio::test]
async fn proofs_and_openings_are_only_served_for_entries_that_exist() {
    let app = TestApp::demo().await;
    let campaign = app.campaign("clean-river").await;
    let size = app
        .get(&format!("/log/{}/checkpoint", campaign.id))
        .await
        .text()
        .await
        .unwrap()
        .lines()
        .nth(1)
        .unwrap()
        .parse::<u64>()
        .unwrap();
    let key = log_key(&app).await;
    let last = app
        .get(&format!("/log/{}/proof/{}", campaign.id, size - 1))
        .await;
    assert_eq!(last.headers()["cache-control"], "public, max-age=1");
    let proof = Proof::parse(&last.text().await.unwrap()).unwrap();
    assert!(matches!(
        LogEntry::parse(proof.extra.as_deref().unwrap()),
        Some(LogEntry::Signature { .. })
    ));
    assert!(check_receipt(&proof.encode(), &key).is_ok());
    for missing in [
        format!("/log/{}/proof/{size}", campaign.id),
        format!("/log/{}/proof/0{}", campaign.id, size - 1),
        format!("/log/{}/proof/-1", campaign.id),
        format!("/log/{}/proof/%00", campaign.id),
        format!("/log/{}/proof/99999999999999999999999", campaign.id),
        format!("/log/{}/names/{}", campaign.id, size.div_ceil(256)),
        format!("/log/{}/names/x", campaign.id),
        "/log/999999/proof/0".to_owned(),
    ] {
        assert_eq!(
            app.get(&missing).await.status(),
            StatusCode::NOT_FOUND,
            "{missing}"
        );
    }
    // The demo's shown names open their entries, linked from the page; its hidden ones are
    // not listed.
    let page = app.page("/clean-river").await;
    assert!(page.contains(&format!(r#"href="/log/{}/names/0""#, campaign.id)));
    let listing = app
        .get(&format!("/log/{}/names/0", campaign.id))
        .await
        .text()
        .await
        .unwrap();
    assert!(listing.lines().count() > 10, "{listing}");
    let entries = app.store.log_entries(campaign.id, 0, 256).await.unwrap();
    for line in listing.lines() {
        let fields: Vec<&str> = line.splitn(4, ' ').collect();
        let index: usize = fields[0].parse().unwrap();
        let number: u64 = fields[1].parse().unwrap();
        let salt: [u8; 32] = tomar_core::hash::from_hex(fields[2])
            .unwrap()
            .try_into()
            .unwrap();
        let Some(LogEntry::Signature { name, .. }) = LogEntry::parse(&entries[index]) else {
            panic!("entry {index} is a signature");
        };
        assert_eq!(name, name_commitment(campaign.id, number, &salt, fields[3]));
    }
}

/// Runs `tomar verify receipt` on `file` with `extra` arguments: whether it passed, and
/// what it printed.
async fn verify_receipt(file: &std::path::Path, extra: &[&str]) -> (bool, String) {
    let file = file.to_str().unwrap();
    run_tomar(["verify", "receipt", file].iter().chain(extra)).await
}

#[tokio::test]
async fn tomar_verify_receipt_checks_a_receipt_offline_and_whose_it_is() {
    let app = TestApp::demo().await;
    let key = &published_key(&app).await;
    let signer = Browser::open(&app, "/clean-river").await;
    let thanks = signer
        .sign(&app, "clean-river", "مریم وارسی", "09127770104", false)
        .await;
    let (file, code, _) = receipt_on(&signer, &app, &thanks).await;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("receipt.tlog-proof");
    std::fs::write(&path, &file).unwrap();

    let (ok, printed) = verify_receipt(&path, &["--key", key]).await;
    assert!(ok, "{printed}");
    assert!(
        printed.contains("signature and inclusion checked"),
        "{printed}"
    );
    assert!(printed.contains("--code and --name"), "{printed}");
    let (ok, printed) = verify_receipt(
        &path,
        &["--key", key, "--code", &code, "--name", "مريم  وارسي"],
    )
    .await;
    assert!(ok && printed.contains("is مریم وارسی's"), "{printed}");
    let (ok, printed) = verify_receipt(
        &path,
        &["--key", key, "--code", &code, "--name", "مریم دیگر"],
    )
    .await;
    assert!(!ok && printed.contains("do not open"), "{printed}");
    let (ok, printed) = verify_receipt(&path, &["--key", key, "--code", "12ab"]).await;
    assert!(
        !ok && printed.contains("--name"),
        "--code needs --name: {printed}"
    );

    let stranger = tomar_core::note::SigningKey::from_seed("elsewhere/log", &[3; 32]).unwrap();
    let (ok, printed) = verify_receipt(&path, &["--key", &stranger.verifier_key()]).await;
    assert!(
        !ok && printed.contains("not signed by the key"),
        "{printed}"
    );
    let proof = Proof::parse(&file).unwrap();
    let moved = Proof {
        index: proof.index ^ 1,
        ..proof.clone()
    };
    std::fs::write(&path, moved.encode()).unwrap();
    let (ok, printed) = verify_receipt(&path, &["--key", key]).await;
    assert!(
        !ok && printed.contains(&ReceiptRefused::NotInLog.to_string()),
        "{printed}"
    );
    std::fs::write(&path, "not a receipt").unwrap();
    let (ok, printed) = verify_receipt(&path, &["--key", key]).await;
    assert!(!ok && printed.contains("not a Tomar receipt"), "{printed}");
    let (ok, printed) = verify_receipt(&dir.path().join("absent"), &["--key", key]).await;
    assert!(!ok && printed.contains("absent"), "{printed}");
}
