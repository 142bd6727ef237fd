//! The demo page in a real browser (see `webdriver`): layout, fonts and direction at
//! phone and desktop width, and the pages that change while one looks at them.

use std::time::Duration;

use serde_json::Value;
use tomar_core::member::Role;

use crate::support::TestApp;
use crate::webdriver::{Browser, browser_available};

/// What the layout looks like, measured in the page.
const MEASURE: &str = r#"
    const title = document.querySelector('h1.campaign-title');
    const box = title.getBoundingClientRect();
    const width = document.documentElement.clientWidth;
    return {
        dir: getComputedStyle(document.documentElement).direction,
        titleDir: getComputedStyle(title).direction,
        titleLeft: box.left,
        titleRight: box.right,
        firstLineRight: (() => { const r = document.createRange(); r.selectNodeContents(title); return r.getClientRects()[0].right; })(),
        firstLineLeft: (() => { const r = document.createRange(); r.selectNodeContents(title); return r.getClientRects()[0].left; })(),
        width,
        overflow: document.documentElement.scrollWidth - width,
        fontLoaded: [...document.fonts].some(f => f.family.includes('Vazirmatn') && f.status === 'loaded'),
        signers: document.querySelectorAll('#signers li').length,
        bannerLinks: document.querySelectorAll('#ended li a').length,
        sectionsVisible: ['ended', 'letter', 'meta', 'signers', 'discussion', 'news', 'disclaimer', 'approval', 'suggestions']
            .every(id => { const e = document.getElementById(id); return e && e.getBoundingClientRect().height > 0; }),
    };
"#;

#[tokio::test]
async fn the_demo_page_renders_right_to_left_in_vazirmatn_on_a_phone() {
    if !browser_available() {
        return;
    }
    let app = TestApp::demo().await;
    let browser = Browser::start(390, 2400).await;
    browser.open(&app.url("/demo?lang=fa")).await;
    let layout = browser.after_fonts(MEASURE).await;
    let shot = browser.screenshot("demo-fa-390.png").await;
    eprintln!("screenshot: {}", shot.display());

    let number = |key: &str| {
        layout[key]
            .as_f64()
            .unwrap_or_else(|| panic!("{key}: {layout}"))
    };
    assert_eq!(layout["dir"], "rtl", "{layout}");
    assert_eq!(layout["titleDir"], "rtl");
    // Right-to-left: the title's first line starts at the right margin, not the left.
    let width = number("width");
    assert!(width - number("firstLineRight") < 40.0, "{layout}");
    assert!(number("firstLineLeft") > 0.0, "{layout}");
    assert!(
        number("overflow") <= 0.0,
        "nothing sticks out sideways on a phone: {layout}"
    );
    assert_eq!(
        layout["fontLoaded"], true,
        "Vazirmatn is served and used: {layout}"
    );
    assert_eq!(layout["signers"], 30);
    assert_eq!(layout["bannerLinks"], 3);
    assert_eq!(layout["sectionsVisible"], true, "{layout}");
    browser.quit().await;
}

#[tokio::test]
async fn the_english_page_renders_left_to_right_on_a_desktop() {
    if !browser_available() {
        return;
    }
    let app = TestApp::demo().await;
    let browser = Browser::start(1280, 2400).await;
    browser.open(&app.url("/demo?lang=en")).await;
    let layout = browser.after_fonts(MEASURE).await;
    browser.screenshot("demo-en-1280.png").await;
    assert_eq!(layout["dir"], "ltr", "{layout}");
    assert!(layout["overflow"].as_f64().unwrap() <= 0.0, "{layout}");
    browser.open(&app.url("/?lang=fa")).await;
    browser.screenshot("home-fa-1280.png").await;
    browser.quit().await;
}

/// How far the page sticks out sideways, once its fonts have loaded.
const OVERFLOW: &str =
    "return document.documentElement.scrollWidth - document.documentElement.clientWidth;";

#[tokio::test]
async fn a_moderator_logs_in_and_writes_a_campaign_on_a_phone() {
    if !browser_available() {
        return;
    }
    let app = TestApp::demo().await;
    // Made a moderator the way `tomar user grant` does, then logged in like anyone.
    app.log_in("09121231234", Role::Moderator).await;
    let browser = Browser::start(390, 1800).await;
    browser.open(&app.url("/me?lang=fa")).await;
    assert_eq!(browser.path().await, "/login?next=%2Fme%3Flang%3Dfa");
    let sent = app.message_count();
    browser
        .submit(
            &[("contact", "۰۹۱۲ ۱۲۳ ۱۲۳۴")],
            "#contact-form button[type=submit]",
        )
        .await;
    app.wait_for_messages(sent + 1).await;
    let code = crate::support::code_in(&app.message_to("+989121231234").await);
    browser
        .submit(&[("code", &code)], "#code-form button[type=submit]")
        .await;
    assert_eq!(browser.path().await, "/me?lang=fa");
    assert_eq!(browser.after_fonts(OVERFLOW).await, 0, "/me fits a phone");
    browser.screenshot("me-fa-390.png").await;

    browser.open(&app.url("/new")).await;
    let long_word = "ب".repeat(60);
    browser
        .submit(
            &[
                ("title", &format!("عنوانی با واژهٔ بلند {long_word}")),
                ("addressee_name", "شهردار"),
                ("addressee_position", "شهرداری"),
                ("body", "بند یکم\n\n- خواستهٔ نخست\n- خواستهٔ دوم"),
                ("on_behalf_of", "اهالی"),
                ("author_name", "نویسنده"),
                ("hashtag", "آزمون"),
                ("end_date", "not a date"),
            ],
            "button[value=preview]",
        )
        .await;
    let layout = browser
        .after_fonts(
            "return { errors: document.querySelectorAll('.field-error').length, \
             overflow: document.documentElement.scrollWidth - document.documentElement.clientWidth };",
        )
        .await;
    assert_eq!(layout["errors"], 1, "only the date is refused: {layout}");
    assert_eq!(
        layout["overflow"], 0,
        "a long word does not widen the page: {layout}"
    );
    browser.screenshot("new-fa-390.png").await;

    browser.open(&app.url("/moderation")).await;
    assert_eq!(
        browser.after_fonts(OVERFLOW).await,
        0,
        "/moderation fits a phone"
    );
    browser.screenshot("moderation-fa-390.png").await;
    browser.quit().await;
}

#[tokio::test]
async fn long_words_in_comments_do_not_widen_a_phone_page() {
    if !browser_available() {
        return;
    }
    let app = TestApp::demo().await;
    let visitor = crate::support::Browser::open(&app, "/clean-river").await;
    let word = "ن".repeat(300);
    let link = format!("https://example.org/{}", "a".repeat(300));
    let body = format!("{word} {link} \u{202E}وارونه");
    let name = "م".repeat(80);
    let posted = visitor
        .post(
            &app,
            "/clean-river/comments",
            &[("name", &name), ("body", &body)],
        )
        .await;
    assert_eq!(posted.status(), 303);
    let browser = Browser::start(390, 2400).await;
    browser
        .open(&app.url("/clean-river?lang=fa#discussion"))
        .await;
    assert_eq!(
        browser.after_fonts(OVERFLOW).await,
        0,
        "the page keeps its width"
    );
    browser.screenshot("discussion-fa-390.png").await;
    browser.quit().await;
}

#[tokio::test]
async fn the_count_under_the_title_ticks_as_signatures_arrive() {
    if !browser_available() {
        return;
    }
    let app = TestApp::demo().await;
    let campaign = app.campaign("clean-river").await;
    let browser = Browser::start(390, 900).await;
    browser.open(&app.url("/clean-river?lang=fa")).await;
    let shown = "return [document.querySelector('[data-live-count]').textContent, \
                 document.querySelector('#tally progress').value]";
    let before = browser.after_fonts(shown).await;
    let persian = |n: u64| tomar_core::language::Language::Fa.count(n);
    assert_eq!(before[0], persian(campaign.signature_count), "{before}");

    let signer = crate::support::Browser::open(&app, "/clean-river").await;
    crate::signing::Signs::sign(
        &signer,
        &app,
        "clean-river",
        "نگار امینی",
        "09127770011",
        false,
    )
    .await;
    let after = persian(campaign.signature_count + 1);
    let mut seen = Value::Null;
    for _ in 0..150 {
        seen = browser.after_fonts(shown).await;
        if seen[0] == after {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(seen[0], after, "the count ticked without a reload: {seen}");
    assert_eq!(
        seen[1],
        campaign.signature_count + 1,
        "and so did the goal bar"
    );
    let copy = "return document.querySelector('[data-copy]').hidden";
    assert_eq!(
        browser.after_fonts(copy).await,
        false,
        "share.js shows the copy button"
    );
    browser.quit().await;
}
