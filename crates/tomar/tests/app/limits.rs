//! Limits over HTTP, tried as an attacker tries them: crowds of the same request at once,
//! and the shares of one network.

use futures_util::future::join_all;
use reqwest::StatusCode;
use tomar_core::language::Language;

use crate::support::{Browser, TestApp, code_in, location, on_both_backends};

/// How many copies of a request each crowd sends at once.
const CROWD: usize = 100;

/// `count` six-digit codes, none of them `right`.
fn wrong_codes(right: &str, count: usize) -> Vec<String> {
    (0..)
        .map(|n| format!("{n:06}"))
        .filter(|code| code != right)
        .take(count)
        .collect()
}

/// What a crowd of guesses at one code page got: how many got in (a redirect), and the
/// "tries left" each wrong guess that was compared was told.
struct Guessed {
    got_in: usize,
    left_told: Vec<u32>,
}

/// Posts all `codes` to `code_page` at once from `browser`.
async fn guess_together(
    app: &TestApp,
    browser: &Browser,
    code_page: &str,
    codes: &[String],
) -> Guessed {
    let answers = join_all(
        codes
            .iter()
            .map(|code| async move { browser.post(app, code_page, &[("code", code)]).await }),
    )
    .await;
    let mut guessed = Guessed {
        got_in: 0,
        left_told: Vec::new(),
    };
    for answer in answers {
        if answer.status() == StatusCode::SEE_OTHER {
            guessed.got_in += 1;
            continue;
        }
        assert!(answer.status().is_client_error(), "{}", answer.status());
        let page = answer.text().await.unwrap();
        if let Some(left) = (1..5).find(|left| {
            let left = Language::Fa.number(*left);
            page.contains(&format!("{left} بار دیگر"))
        }) {
            guessed.left_told.push(left);
        }
    }
    guessed
}

/// Exactly five guesses are compared: each "tries left" (4 to 1) is told once, and the right
/// code, sent last, gets in only if it was among the five. Whichever was compared last was
/// told none are left, which a guess that came too late is told too.
fn assert_five_compared(guessed: &Guessed) {
    let mut told = guessed.left_told.clone();
    told.sort_unstable();
    told.dedup();
    assert_eq!(
        told.len(),
        guessed.left_told.len(),
        "a count told twice: {told:?}"
    );
    assert!(guessed.got_in <= 1);
    let compared_and_told = guessed.left_told.len() + guessed.got_in;
    assert!((4..=5).contains(&compared_and_told), "{compared_and_told}");
}

/// Asks for a login code for the Iranian mobile `09…` from a new browser; answers the
/// browser, its code page and the code that was sent.
async fn ask_login_code(app: &TestApp, mobile: &str) -> (Browser, String, String) {
    let browser = Browser::open(app, "/login").await;
    let code_page = location(&browser.post(app, "/login", &[("contact", mobile)]).await);
    let international = format!("+98{}", &mobile[1..]);
    let code = code_in(&app.message_to(&international).await);
    (browser, code_page, code)
}

on_both_backends!(a_crowd_of_guesses_at_a_signing_code_is_compared_five_times, demo: true);

async fn a_crowd_of_guesses_at_a_signing_code_is_compared_five_times(app: &TestApp) {
    let before = app.campaign("library-hours").await.signature_count;
    let signer = Browser::open(app, "/library-hours").await;
    let fields = [("name", "کامیار دلاور"), ("contact", "09351112233")];
    let code_page = location(&signer.post(app, "/library-hours/sign", &fields).await);
    let right = code_in(&app.message_to("+989351112233").await);
    let mut codes = wrong_codes(&right, CROWD - 1);
    codes.push(right.clone());
    let guessed = guess_together(app, &signer, &code_page, &codes).await;
    assert_five_compared(&guessed);
    let after = app.campaign("library-hours").await.signature_count;
    assert_eq!(after, before + guessed.got_in as u64);
    if guessed.got_in == 0 {
        let too_late = signer.post(app, &code_page, &[("code", &right)]).await;
        assert_eq!(too_late.status(), StatusCode::UNPROCESSABLE_ENTITY);
    }
}

on_both_backends!(a_crowd_of_guesses_at_a_login_code_is_compared_five_times, demo: true);

async fn a_crowd_of_guesses_at_a_login_code_is_compared_five_times(app: &TestApp) {
    let (browser, code_page, right) = ask_login_code(app, "09121110000").await;
    let mut codes = wrong_codes(&right, CROWD - 1);
    codes.push(right);
    let guessed = guess_together(app, &browser, &code_page, &codes).await;
    assert_five_compared(&guessed);
}

on_both_backends!(a_crowd_of_code_requests_for_one_contact_sends_five, demo: true);

async fn a_crowd_of_code_requests_for_one_contact_sends_five(app: &TestApp) {
    let signer = Browser::open(app, "/library-hours").await;
    let login = Browser::open(app, "/login").await;
    let fields = [("name", "پرسش‌گر"), ("contact", "09127770000")];
    // Half ask for signing codes, half for login codes: one share holds for both.
    let answers = join_all((0..CROWD).map(|n| {
        let (signer, login, fields) = (&signer, &login, &fields);
        async move {
            match n % 2 {
                0 => signer.post(app, "/library-hours/sign", fields).await,
                _ => login.post(app, "/login", &fields[1..]).await,
            }
        }
    }))
    .await;
    let sent = answers
        .iter()
        .filter(|answer| answer.status() == StatusCode::SEE_OTHER)
        .count();
    let refused = answers
        .iter()
        .filter(|answer| answer.status() == StatusCode::TOO_MANY_REQUESTS)
        .count();
    assert_eq!((sent, refused), (5, CROWD - 5));
    app.wait_for_messages(5).await;
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert_eq!(app.message_count(), 5, "only five messages leave");
}

on_both_backends!(a_crowd_from_one_network_is_served_whole, demo: true);

/// Every test client is on 127.0.0.1: a carrier's address that a whole city shares.
async fn a_crowd_from_one_network_is_served_whole(app: &TestApp) {
    app.store
        .set_setting("limits.codes_per_network_per_hour", "10")
        .await
        .unwrap();
    let signer = Browser::open(app, "/library-hours").await;
    let contacts: Vec<String> = (0..CROWD).map(|n| format!("0912555{n:04}")).collect();
    let answers = join_all(contacts.iter().map(|contact| {
        let signer = &signer;
        async move {
            let fields = [("name", "شهروند"), ("contact", contact.as_str())];
            signer.post(app, "/library-hours/sign", &fields).await
        }
    }))
    .await;
    for answer in &answers {
        assert_eq!(answer.status(), StatusCode::SEE_OTHER, "nobody is refused");
    }
    app.wait_for_messages(CROWD).await;
}

#[tokio::test]
async fn a_network_that_guesses_too_much_can_no_longer_log_in() {
    let app = TestApp::demo_with(&[("limits.wrong_codes_per_network_per_hour", "3")]).await;
    let (browser, code_page, right) = ask_login_code(&app, "09121110000").await;
    for wrong in wrong_codes(&right, 3) {
        let answer = browser.post(&app, &code_page, &[("code", &wrong)]).await;
        assert_eq!(answer.status(), StatusCode::UNPROCESSABLE_ENTITY);
    }
    let answer = browser.post(&app, &code_page, &[("code", &right)]).await;
    assert_eq!(answer.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(answer.text().await.unwrap().contains("لطفاً کمی بعد"));
}

#[tokio::test]
async fn login_codes_are_limited_per_network() {
    let app = TestApp::demo_with(&[("limits.logins_per_network_per_hour", "2")]).await;
    let browser = Browser::open(&app, "/login").await;
    for n in 0..2 {
        let contact = format!("0912111000{n}");
        location(&browser.post(&app, "/login", &[("contact", &contact)]).await);
    }
    let third = browser
        .post(&app, "/login", &[("contact", "09121110009")])
        .await;
    assert_eq!(third.status(), StatusCode::TOO_MANY_REQUESTS);
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert_eq!(app.message_count(), 2, "no third code");
}

#[tokio::test]
async fn a_malformed_code_spends_no_try() {
    let app = TestApp::demo().await;
    let (browser, code_page, right) = ask_login_code(&app, "09121110000").await;
    for ugly in ["", "12345", "<script>", "1234567", "\u{0}", "۱۲۳"] {
        let answer = browser.post(&app, &code_page, &[("code", ugly)]).await;
        assert_eq!(
            answer.status(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "{ugly:?}"
        );
        assert!(answer.text().await.unwrap().contains("شش رقم"), "{ugly:?}");
    }
    let answer = browser.post(&app, &code_page, &[("code", &right)]).await;
    assert_eq!(location(&answer), "/me");
}
