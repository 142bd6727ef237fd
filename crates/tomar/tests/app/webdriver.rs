//! A WebDriver client for the browser tests: headless Chromium driven by `chromedriver`.
//! A test asks [`browser_available`] first: it skips (with a note) where Chromium is not
//! installed, unless `TOMAR_REQUIRE_BROWSER=1`, as in CI, makes that a failure. Screenshots
//! go to `target/tmp/browser/` for people to look at.

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use base64::Engine;
use serde_json::{Value, json};

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

/// `None` (with a note) when the browser is missing and not required.
pub fn browser_available() -> bool {
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
pub struct Browser {
    driver: Child,
    http: reqwest::Client,
    session: String,
    base: String,
    _profile: tempfile::TempDir,
}

impl Browser {
    pub async fn start(width: u32, height: u32) -> Browser {
        Browser::launch(width, height, true).await
    }

    /// A browser whose pages run no script, as with scripts blocked or on a very old phone.
    pub async fn without_javascript(width: u32, height: u32) -> Browser {
        Browser::launch(width, height, false).await
    }

    async fn launch(width: u32, height: u32, javascript: bool) -> Browser {
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
                    ],
                    // Chromium's own setting: 2 blocks the pages' scripts; WebDriver's own
                    // scripts, which only read the page, still run.
                    "prefs": { "profile.managed_default_content_settings.javascript":
                        if javascript { 1 } else { 2 } }
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

    pub async fn command(&self, method: reqwest::Method, path: &str, body: Value) -> Value {
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

    /// Runs `script` in the page now; its value comes back.
    pub async fn run(&self, script: &str, args: Value) -> Value {
        self.command(
            reqwest::Method::POST,
            "/execute/sync",
            json!({ "script": script, "args": args }),
        )
        .await
    }

    /// Presses each key in turn, as a person at a keyboard would: WebDriver's key codes
    /// (`TAB`, `ENTER`) or any character.
    pub async fn press(&self, keys: &[&str]) {
        let actions: Vec<Value> = keys
            .iter()
            .flat_map(|key| {
                [
                    json!({ "type": "keyDown", "value": key }),
                    json!({ "type": "keyUp", "value": key }),
                ]
            })
            .collect();
        let body = json!({ "actions": [{ "type": "key", "id": "keyboard", "actions": actions }] });
        self.command(reqwest::Method::POST, "/actions", body).await;
    }

    /// Types `text` into whatever has the focus.
    pub async fn type_text(&self, text: &str) {
        let keys: Vec<String> = text.chars().map(String::from).collect();
        let keys: Vec<&str> = keys.iter().map(String::as_str).collect();
        self.press(&keys).await;
    }

    /// What has the keyboard focus: its tag, `name`, `id` and text.
    pub async fn focused(&self) -> Value {
        self.run(
            "const e = document.activeElement; return { tag: e.tagName.toLowerCase(), \
             name: e.getAttribute('name'), id: e.id, text: e.textContent.trim(), \
             type: e.getAttribute('type') };",
            json!([]),
        )
        .await
    }

    /// Marks the page, so that once something has been done its replacement is known
    /// even at the same address; then [`Browser::wait_for_new_page`].
    pub async fn mark_page(&self) {
        self.run("window.tomarOldPage = true;", json!([])).await;
    }

    pub async fn wait_for_new_page(&self) {
        for _ in 0..100 {
            tokio::time::sleep(Duration::from_millis(50)).await;
            let script = "return document.readyState === 'complete' && !window.tomarOldPage";
            if self.run(script, json!([])).await == true {
                return;
            }
        }
        panic!("no new page came");
    }

    pub async fn open(&self, url: &str) {
        self.command(reqwest::Method::POST, "/url", json!({ "url": url }))
            .await;
    }

    /// Runs `script` once the page's fonts have loaded; the script's value comes back.
    pub async fn after_fonts(&self, script: &str) -> Value {
        self.after_fonts_async(&format!("done((() => {{ {script} }})());"))
            .await
    }

    /// Runs `script` once the page's fonts have loaded; the script calls `done(value)`.
    pub async fn after_fonts_async(&self, script: &str) -> Value {
        let wrapped = format!(
            "const done = arguments[arguments.length - 1];\
             document.fonts.ready.then(() => {{ {script} }});"
        );
        self.command(
            reqwest::Method::POST,
            "/execute/async",
            json!({ "script": wrapped, "args": [] }),
        )
        .await
    }

    pub async fn screenshot(&self, name: &str) -> PathBuf {
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
    pub async fn submit(&self, fields: &[(&str, &str)], button: &str) {
        self.mark_page().await;
        let script = "const [fields, button] = arguments;\
            for (const [name, value] of fields) {\
              const input = document.querySelector(`[name=\"${name}\"]`);\
              if (input.type === 'checkbox') { input.checked = value === 'on'; } else { input.value = value; }\
            }\
            document.querySelector(button).click();";
        self.run(script, json!([fields, button])).await;
        self.wait_for_new_page().await;
    }

    /// The current page's path and query.
    pub async fn path(&self) -> String {
        let value = self
            .run("return location.pathname + location.search", json!([]))
            .await;
        value.as_str().unwrap_or_default().to_owned()
    }

    /// Ends the session, which closes Chromium, then the driver.
    pub async fn quit(self) {
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
