//! Signing as people without a mouse or without scripts do it, and axe-core's audit of the
//! main pages, in Chromium at phone and desktop width, in both languages.

use serde_json::{Value, json};
use tomar_core::member::Role;
use tomar_core::moderation::{Actor, ModerationAction, ModerationEvent, Target};

use crate::support::{TestApp, code_in};
use crate::webdriver::{Browser, browser_available};

/// WebDriver's codes for the keys a keyboard user presses.
const TAB: &str = "\u{E004}";
const ENTER: &str = "\u{E007}";

impl Browser {
    /// Presses Tab until `wanted` (a script over `e`, the focused element) holds; answers
    /// how many presses it took. Fails if the focus never gets there.
    async fn tab_to(&self, wanted: &str) -> usize {
        let check = format!("const e = document.activeElement; return !!({wanted});");
        for presses in 1..=60 {
            self.press(&[TAB]).await;
            if self.run(&check, json!([])).await == true {
                return presses;
            }
        }
        panic!(
            "Tab never reached `{wanted}`; focus is on {}",
            self.focused().await
        );
    }

    /// Presses `key` and waits for the page it leads to.
    async fn press_for_new_page(&self, key: &str) {
        self.mark_page().await;
        self.press(&[key]).await;
        self.wait_for_new_page().await;
    }
}

/// The signatures `slug` has, as the store counts them.
async fn count(app: &TestApp, slug: &str) -> u64 {
    app.campaign(slug).await.signature_count
}

/// The code sent to `recipient`, once it has been sent.
async fn code_for(app: &TestApp, sent_before: usize, recipient: &str) -> String {
    app.wait_for_messages(sent_before + 1).await;
    code_in(&app.message_to(recipient).await)
}

#[tokio::test]
async fn a_signer_with_only_a_keyboard_signs_on_a_phone() {
    if !browser_available() {
        return;
    }
    let app = TestApp::demo().await;
    let before = count(&app, "clean-river").await;
    let browser = Browser::start(390, 900).await;
    browser.open(&app.url("/clean-river?lang=fa")).await;

    // The sign button under the title comes within a few presses, and leads into the form.
    let presses = browser.tab_to("e.classList.contains('tally-sign')").await;
    assert!(presses <= 12, "{presses} presses to reach the sign button");
    browser.press(&[ENTER]).await;
    browser.press(&[TAB]).await;
    assert_eq!(
        browser.focused().await["name"],
        "name",
        "the form's first field"
    );
    browser.type_text("Nima Karimi").await;
    browser.press(&[TAB]).await;
    let contact = browser.focused().await;
    assert_eq!(contact["name"], "contact", "{contact}");
    assert_eq!(contact["type"], "tel", "a phone's number keypad");
    browser.type_text("09127770022").await;
    browser.tab_to("e.matches('button[type=submit]')").await;
    let sent = app.message_count();
    browser.press_for_new_page(ENTER).await;

    // The code page puts the focus in the code box: type, Enter, done.
    assert!(
        browser.path().await.contains("/verify/"),
        "{}",
        browser.path().await
    );
    assert_eq!(browser.focused().await["name"], "code");
    let code = code_for(&app, sent, "+989127770022").await;
    browser.type_text(&code).await;
    browser.press_for_new_page(ENTER).await;
    assert!(
        browser.path().await.contains("/signed/"),
        "{}",
        browser.path().await
    );
    browser.screenshot("keyboard-signed-fa-390.png").await;
    assert_eq!(count(&app, "clean-river").await, before + 1);
    browser.quit().await;
}

#[tokio::test]
async fn a_signer_without_javascript_signs_in_english_on_a_desktop() {
    if !browser_available() {
        return;
    }
    let app = TestApp::demo().await;
    let before = count(&app, "clean-river").await;
    let browser = Browser::without_javascript(1280, 900).await;
    browser.open(&app.url("/clean-river?lang=en")).await;
    // share.js would have shown the copy button: no page script ran.
    let copy = "return document.querySelector('[data-copy]').hidden";
    assert_eq!(browser.run(copy, json!([])).await, true, "scripts are off");

    let sent = app.message_count();
    browser
        .submit(
            &[("name", "نگار امینی"), ("contact", "0912 777 0033")],
            "#sign button[type=submit]",
        )
        .await;
    assert!(browser.path().await.contains("/verify/"));
    let code = code_for(&app, sent, "+989127770033").await;
    browser
        .submit(&[("code", &code)], "#verify button[type=submit]")
        .await;
    assert!(browser.path().await.contains("/signed/"));
    browser.screenshot("no-script-signed-en-1280.png").await;
    assert_eq!(count(&app, "clean-river").await, before + 1);
    browser.quit().await;
}

/// Where the sign form stands once the reader has scrolled down to the discussion.
const FORM_AFTER_SCROLLING: &str = r#"
    document.getElementById('discussion').scrollIntoView();
    const form = document.getElementById('sign').getBoundingClientRect();
    const letter = document.getElementById('letter').getBoundingClientRect();
    return { top: form.top, bottom: form.bottom, height: innerHeight,
             beside: form.right <= letter.left || form.left >= letter.right,
             below: form.top >= letter.bottom };
"#;

#[tokio::test]
async fn the_sign_form_stays_beside_the_letter_on_a_desktop_and_under_it_on_a_phone() {
    if !browser_available() {
        return;
    }
    let app = TestApp::demo().await;
    let desktop = Browser::start(1280, 900).await;
    desktop.open(&app.url("/clean-river?lang=fa")).await;
    let form = desktop.after_fonts(FORM_AFTER_SCROLLING).await;
    assert_eq!(form["beside"], true, "{form}");
    let (top, bottom) = (
        form["top"].as_f64().unwrap(),
        form["bottom"].as_f64().unwrap(),
    );
    assert!(
        top >= 0.0 && bottom <= form["height"].as_f64().unwrap(),
        "in view: {form}"
    );
    desktop.screenshot("campaign-scrolled-fa-1280.png").await;
    desktop.quit().await;

    let phone = Browser::start(390, 900).await;
    phone.open(&app.url("/clean-river?lang=fa")).await;
    let form = phone.after_fonts(FORM_AFTER_SCROLLING).await;
    assert_eq!(form["below"], true, "one column on a phone: {form}");
    phone.quit().await;
}

#[tokio::test]
async fn the_full_signer_list_is_numbered_once() {
    if !browser_available() {
        return;
    }
    let app = TestApp::demo().await;
    let browser = Browser::start(390, 900).await;
    for lang in ["fa", "en"] {
        browser
            .open(&app.url(&format!("/demo/signatures?lang={lang}")))
            .await;
        let markers = browser
            .after_fonts(
                "const item = document.querySelector('.signers-full li');\
                 return [getComputedStyle(item).listStyleType, \
                         getComputedStyle(item, '::marker').content, \
                         item.querySelector('.signer-number') !== null];",
            )
            .await;
        assert_eq!(markers[0], "none", "{lang}: no list marker: {markers}");
        assert_eq!(markers[2], true, "{lang}: the signature's own number");
    }
    browser.quit().await;
}

/// axe-core's source, installed by `.ci/run` (`npm ci` in `.ci/axe`).
fn axe_source() -> Option<String> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../.ci/axe/node_modules/axe-core/axe.min.js"
    );
    let source = std::fs::read_to_string(path).ok();
    let required = std::env::var("TOMAR_REQUIRE_BROWSER").is_ok_and(|v| v == "1");
    assert!(
        source.is_some() || !required,
        "TOMAR_REQUIRE_BROWSER=1 but {path} is missing: run `npm ci --prefix .ci/axe`"
    );
    if source.is_none() {
        eprintln!("skipped: axe-core is not installed ({path})");
    }
    source
}

/// The serious and critical violations axe finds on the open page, against WCAG 2.1 A
/// and AA, each with the first places it found it.
async fn violations(browser: &Browser, axe: &str) -> Vec<Value> {
    browser
        .run(&format!("{axe}\n;return true;"), json!([]))
        .await;
    let audit = "axe.run(document, { runOnly: { type: 'tag', values: \
                 ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } }).then(r => done(r.violations\
                 .filter(v => v.impact === 'serious' || v.impact === 'critical')\
                 .map(v => ({ id: v.id, impact: v.impact, help: v.help, \
                              at: v.nodes.slice(0, 3).map(n => n.target.join(' ')) }))));";
    let found = browser.after_fonts_async(audit).await;
    found.as_array().cloned().unwrap_or_default()
}

#[tokio::test]
async fn axe_finds_nothing_serious_on_the_main_pages_in_both_languages_and_widths() {
    if !browser_available() {
        return;
    }
    let Some(axe) = axe_source() else {
        return;
    };
    let app = TestApp::demo().await;
    // An admin, so that every staff page is open to the browser too.
    let contact = "09121234560";
    app.log_in(contact, Role::Admin).await;
    let clean_river = app.campaign("clean-river").await.id;
    let review = format!("/moderation/campaigns/{clean_river}");
    // An addressee's one-time link, on the demo's delivered campaign.
    let demo = app.campaign("demo").await.id;
    let token = "0123456789abcdef0123456789abcdef";
    let hash = app.secret().await.token_hash(token);
    let now = jiff::Timestamp::now();
    let later = now + jiff::SignedDuration::from_hours(24);
    let made = ModerationEvent {
        actor: Actor::Platform,
        action: ModerationAction::MakeAddresseeLink,
        target: Target::Campaign(demo),
        note: None,
        at: now,
    };
    app.store
        .create_addressee_link(demo, &hash, later, &made)
        .await
        .unwrap();
    let answer = format!("/answer/{token}");
    assert_eq!(app.get(&answer).await.status(), 200, "the link opens");
    let public = [
        "/",
        "/campaigns",
        "/search?q=کتابخانه",
        "/search?q=واژه‌ای_که_نیست",
        "/clean-river",
        "/demo",
        "/demo/signatures",
        "/clean-river/comments/new",
        "/rules",
        "/privacy",
        "/privacy/mine",
        "/responses",
        "/login",
        answer.as_str(),
    ];
    // A merge's preview, proposed by the admin (the background runner counts it).
    let library = app.campaign("library-hours").await.id;
    let admin = app.store.staff().await.unwrap()[0].id;
    let merge = app.store.propose_merge(library, clean_river, admin, now);
    let merge = format!("/moderation/merges/{}", merge.await.unwrap());
    let merging = format!("/moderation/campaigns/{library}/merge");
    let staff_pages = [
        "/me",
        "/new",
        "/moderation",
        review.as_str(),
        "/admin",
        merging.as_str(),
        merge.as_str(),
    ];

    // The audit itself: an image with no text is one of the critical violations it knows.
    let browser = Browser::start(390, 900).await;
    browser.open(&app.url("/rules")).await;
    let broken = "document.body.append(document.createElement('img')); return true;";
    browser.run(broken, json!([])).await;
    let caught = violations(&browser, &axe).await;
    assert!(
        caught.iter().any(|v| v["id"] == "image-alt"),
        "axe runs and reports: {caught:?}"
    );
    browser.quit().await;

    let mut found = Vec::new();
    for (width, lang) in [(390, "fa"), (1280, "en")] {
        let browser = Browser::start(width, 900).await;
        let with_lang = |path: &str| {
            let joiner = if path.contains('?') { '&' } else { '?' };
            app.url(&format!("{path}{joiner}lang={lang}"))
        };
        for path in public {
            browser.open(&with_lang(path)).await;
            for violation in violations(&browser, &axe).await {
                found.push(format!("{lang} {width} {path}: {violation}"));
            }
        }
        // The signing flow's own pages: the code page and the thank-you page.
        let sent = app.message_count();
        let mobile = format!("0912777{width:04}");
        browser.open(&with_lang("/clean-river")).await;
        browser
            .submit(
                &[("name", "Axe Checker"), ("contact", &mobile)],
                "#sign button[type=submit]",
            )
            .await;
        for violation in violations(&browser, &axe).await {
            found.push(format!("{lang} {width} code page: {violation}"));
        }
        let recipient = format!("+98{}", &mobile[1..]);
        let code = code_for(&app, sent, &recipient).await;
        browser
            .submit(&[("code", &code)], "#verify button[type=submit]")
            .await;
        for violation in violations(&browser, &axe).await {
            found.push(format!("{lang} {width} thank-you page: {violation}"));
        }
        // Logged in as the admin, through the login page as anyone would.
        let sent = app.message_count();
        browser.open(&with_lang("/login")).await;
        browser
            .submit(&[("contact", contact)], "#contact-form button[type=submit]")
            .await;
        let code = code_for(&app, sent, "+989121234560").await;
        browser
            .submit(&[("code", &code)], "#code-form button[type=submit]")
            .await;
        for path in staff_pages {
            browser.open(&with_lang(path)).await;
            for violation in violations(&browser, &axe).await {
                found.push(format!("{lang} {width} {path}: {violation}"));
            }
        }
        browser.quit().await;
    }
    assert!(found.is_empty(), "axe found:\n{}", found.join("\n"));
}
