//! The demo page in a real browser: headless Chromium driven over WebDriver by
//! `chromedriver`. Skipped (with a note) where Chromium is not installed, unless
//! `TOMAR_REQUIRE_BROWSER=1`, as in CI, makes that a failure. Screenshots go to
//! `target/tmp/browser/` for people to look at.

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use crate::support::TestApp;
use base64::Engine;
use serde_json::{Value, json};
use tomar_core::member::Role;

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

/// `None` (with a note) when the browser is missing and not required.
fn browser_available() -> bool {
    let present =
        std::path::Path::new(CHROMIUM).exists() && std::path::Path::new(CHROMEDRIVER).exists();
    if !present {
        let required = std::env::var("TOMAR_REQUIRE_BROWSER").is_ok_and(|v| v == "1");
        assert!(
            !required,
            "TOMAR_REQUIRE_BROWSER=1 but {CHROMIUM} or {CHROMEDRIVER} is missing"
        );
        eprintln!("skipped: browser test ({CHROMIUM} and {CHROMEDRIVER} are not installed)");
    }
    present
}

/// A chromedriver process and one browser session in it, ended on drop.
struct Browser {
    driver: Child,
    http: reqwest::Client,
    session: String,
    base: String,
    _profile: tempfile::TempDir,
}

impl Browser {
    async fn start(width: u32, height: u32) -> Browser {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let driver = Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start chromedriver");
        let base = format!("http://127.0.0.1:{port}");
        let http = reqwest::Client::new();
        for _ in 0..100 {
            if http.get(format!("{base}/status")).send().await.is_ok() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let profile = tempfile::tempdir().unwrap();
        let capabilities = json!({
            "capabilities": { "alwaysMatch": {
                "browserName": "chrome",
                "goog:chromeOptions": {
                    "binary": CHROMIUM,
                    "args": [
                        "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                        "--disable-background-networking", "--disable-component-update",
                        "--disable-sync", "--no-first-run", "--hide-scrollbars",
                        "--lang=fa",
                        format!("--user-data-dir={}", profile.path().display()),
                        format!("--window-size={width},{height}"),
                    ]
                }
            }}
        });
        let created: Value = http
            .post(format!("{base}/session"))
            .json(&capabilities)
            .send()
            .await
            .expect("create a browser session")
            .json()
            .await
            .unwrap();
        let session = created["value"]["sessionId"]
            .as_str()
            .unwrap_or_else(|| panic!("no session: {created}"))
            .to_owned();
        Browser {
            driver,
            http,
            session,
            base,
            _profile: profile,
        }
    }

    async fn command(&self, method: reqwest::Method, path: &str, body: Value) -> Value {
        let url = format!("{}/session/{}{path}", self.base, self.session);
        let mut request = self.http.request(method, url);
        if !body.is_null() {
            request = request.json(&body);
        }
        let response: Value = request.send().await.unwrap().json().await.unwrap();
        assert!(
            response["value"]["error"].is_null(),
            "webdriver {path}: {response}"
        );
        response["value"].clone()
    }

    async fn open(&self, url: &str) {
        self.command(reqwest::Method::POST, "/url", json!({ "url": url }))
            .await;
    }

    /// Runs `script` once the page's fonts have loaded; the script's value comes back.
    async fn after_fonts(&self, script: &str) -> Value {
        let wrapped = format!(
            "const done = arguments[arguments.length - 1];\
             document.fonts.ready.then(() => done((() => {{ {script} }})()));"
        );
        self.command(
            reqwest::Method::POST,
            "/execute/async",
            json!({ "script": wrapped, "args": [] }),
        )
        .await
    }

    async fn screenshot(&self, name: &str) -> PathBuf {
        let data = self
            .command(reqwest::Method::GET, "/screenshot", Value::Null)
            .await;
        let png = base64::engine::general_purpose::STANDARD
            .decode(data.as_str().unwrap())
            .unwrap();
        let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("browser");
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(name);
        std::fs::write(&path, png).unwrap();
        path
    }
}

impl Browser {
    /// Fills in the form fields named in `fields` and clicks `button` (a CSS selector),
    /// then waits for the next page to load.
    async fn submit(&self, fields: &[(&str, &str)], button: &str) {
        // The old page is marked, so its replacement is known even at the same address.
        let script = "const [fields, button] = arguments; window.tomarOldPage = true;\
            for (const [name, value] of fields) {\
              const input = document.querySelector(`[name=\"${name}\"]`);\
              if (input.type === 'checkbox') { input.checked = value === 'on'; } else { input.value = value; }\
            }\
            document.querySelector(button).click();";
        self.command(
            reqwest::Method::POST,
            "/execute/sync",
            json!({ "script": script, "args": [fields, button] }),
        )
        .await;
        for _ in 0..100 {
            tokio::time::sleep(Duration::from_millis(50)).await;
            let script = "return document.readyState === 'complete' && !window.tomarOldPage";
            let loaded = self
                .command(
                    reqwest::Method::POST,
                    "/execute/sync",
                    json!({ "script": script, "args": [] }),
                )
                .await;
            if loaded == true {
                return;
            }
        }
        panic!("no new page after submitting a form");
    }

    /// The current page's path and query.
    async fn path(&self) -> String {
        let script = "return location.pathname + location.search";
        let value = self
            .command(
                reqwest::Method::POST,
                "/execute/sync",
                json!({ "script": script, "args": [] }),
            )
            .await;
        value.as_str().unwrap_or_default().to_owned()
    }

    /// Ends the session, which closes Chromium, then the driver.
    async fn quit(self) {
        let url = format!("{}/session/{}", self.base, self.session);
        let _ = self.http.delete(url).send().await;
    }
}

impl Drop for Browser {
    // Also runs after a failed assertion, so no driver outlives its test.
    fn drop(&mut self) {
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

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
            "#login button[type=submit]",
        )
        .await;
    app.wait_for_messages(sent + 1).await;
    let code = crate::support::code_in(&app.message_to("+989121231234").await);
    browser
        .submit(&[("code", &code)], "#login-code button[type=submit]")
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
