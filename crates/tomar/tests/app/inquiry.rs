//! "What do you hold about me" for a signer without an account: their contact and a code,
//! then every campaign their signature counts on, with withdraw and erase, for half an hour.

use reqwest::StatusCode;

use crate::signing::Signs;
use crate::support::{Browser, TestApp, code_in, location};

/// Asks what is held about `contact`; answers the asker and their code page.
async fn ask(app: &TestApp, contact: &str) -> (Browser, String) {
    let asker = Browser::open(app, "/privacy/mine").await;
    let sent = asker
        .post(app, "/privacy/mine", &[("contact", contact)])
        .await;
    assert_eq!(sent.status(), StatusCode::SEE_OTHER);
    (asker, location(&sent))
}

async fn inquiry_code(app: &TestApp, recipient: &str) -> String {
    code_in(&app.message_saying(recipient, "امضاهای شما").await)
}

#[tokio::test]
async fn a_signer_sees_withdraws_and_erases_what_is_held_about_them_without_an_account() {
    let app = TestApp::demo().await;
    let before = app.campaign("clean-river").await.signature_count;
    let signer = Browser::open(&app, "/clean-river").await;
    let fields = [
        ("name", "مینا پرسا"),
        ("contact", "09127770301"),
        ("updates", "on"),
    ];
    let code_page = location(&signer.post(&app, "/clean-river/sign", &fields).await);
    let code = code_in(&app.message_saying("+989127770301", "کد امضای").await);
    signer.post(&app, &code_page, &[("code", &code)]).await;
    signer
        .sign(&app, "library-hours", "مینا پرسا", "09127770301", false)
        .await;
    let library = app.campaign("library-hours").await.signature_count;

    // The privacy page leads here; a bad contact comes back in Persian.
    assert!(
        app.page("/privacy")
            .await
            .contains(r#"href="/privacy/mine""#)
    );
    let asker = Browser::open(&app, "/privacy/mine").await;
    let refused = asker
        .post(&app, "/privacy/mine", &[("contact", "abc")])
        .await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let forged = app
        .visitor()
        .post(app.url("/privacy/mine"))
        .form(&[("contact", "09127770301")])
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), StatusCode::FORBIDDEN, "no CSRF token");

    let (asker, code_page) = ask(&app, "۰۹۱۲۷۷۷۰۳۰۱").await;
    assert!(asker.page(&app, &code_page).await.contains("۰۹۱۲***۰۳۰۱"));
    let wrong = asker.post(&app, &code_page, &[("code", "000000")]).await;
    assert_eq!(wrong.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(wrong.text().await.unwrap().contains("این کد درست نیست"));
    let held = app.url(&format!("{code_page}/held"));
    let early = asker.client.get(&held).send().await.unwrap();
    assert_eq!(location(&early), "/privacy/mine", "not before the code");
    let code = inquiry_code(&app, "+989127770301").await;
    let opened = asker.post(&app, &code_page, &[("code", &code)]).await;
    let held = location(&opened);
    assert_eq!(held, format!("{code_page}/held"));

    let page = asker.page(&app, &held).await;
    assert!(page.contains(r#"href="/clean-river""#), "{page}");
    assert!(page.contains(r#"href="/library-hours""#), "{page}");
    let forget = format!("{code_page}/forget/");
    assert_eq!(
        page.matches(&forget).count(),
        1,
        "news kept on one campaign only"
    );
    let clean = app.campaign("clean-river").await;
    let lib = app.campaign("library-hours").await;
    let kept = app
        .store
        .sealed_contacts_for_updates(clean.id)
        .await
        .unwrap()
        .len();

    let erased = asker
        .post(&app, &format!("{forget}{}", clean.id), &[])
        .await;
    assert_eq!(
        location(&erased),
        format!("{held}?done=contact_forgotten#done")
    );
    let page = asker
        .page(&app, &format!("{held}?done=contact_forgotten"))
        .await;
    assert!(page.contains("نشانی تماستان از آن امضا پاک شد"));
    assert!(!page.contains(&forget));
    let left = app
        .store
        .sealed_contacts_for_updates(clean.id)
        .await
        .unwrap()
        .len();
    assert_eq!(left, kept - 1, "the encrypted contact is gone");
    let again = asker
        .post(&app, &format!("{forget}{}", clean.id), &[])
        .await;
    assert_eq!(
        again.status(),
        StatusCode::NOT_FOUND,
        "nothing left to erase"
    );

    let withdrawn = asker
        .post(&app, &format!("{code_page}/withdraw/{}", lib.id), &[])
        .await;
    assert_eq!(
        location(&withdrawn),
        format!("{held}?done=signature_withdrawn#done")
    );
    assert_eq!(
        app.campaign("library-hours").await.signature_count,
        library - 1
    );
    assert_eq!(
        app.campaign("clean-river").await.signature_count,
        before + 1
    );
    let page = asker.page(&app, &held).await;
    assert!(!page.contains(&format!("/withdraw/{}", lib.id)));

    // Another person's list is not theirs to act on; a login code opens no list; half an
    // hour later the list is closed.
    let (_, others) = ask(&app, "09127770302").await;
    let foreign = asker
        .post(&app, &format!("{others}/withdraw/{}", clean.id), &[])
        .await;
    assert_eq!(foreign.status(), StatusCode::NOT_FOUND);
    let id = code_page.rsplit('/').next().unwrap();
    tomar_store::testing::age_use(&app.store, id, 31 * 60).await;
    let late = asker.client.get(app.url(&held)).send().await.unwrap();
    assert_eq!(location(&late), "/privacy/mine");
    let late_withdraw = asker
        .post(&app, &format!("{code_page}/withdraw/{}", clean.id), &[])
        .await;
    assert_eq!(late_withdraw.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_crowd_typing_the_right_code_at_once_opens_the_list_once() {
    let app = TestApp::demo().await;
    let (asker, code_page) = ask(&app, "09127770303").await;
    let code = inquiry_code(&app, "+989127770303").await;
    let fields = [("code", code.as_str())];
    let tries = (0..20).map(|_| asker.post(&app, &code_page, &fields));
    let answers = futures_util::future::join_all(tries).await;
    let opened = answers
        .iter()
        .filter(|answer| answer.status() == StatusCode::SEE_OTHER)
        .count();
    assert_eq!(opened, 1, "one of twenty opened the list");
}
