//! `TestApp`: Tomar started exactly as `tomar serve` starts it, on a free port, over a
//! throw-away database, with the demo content or without.

use std::sync::Arc;
use std::time::Duration;

use reqwest::StatusCode;
use reqwest::cookie::{CookieStore, Jar};
use tomar::config::ServeSettings;
use tomar::generated_secret::secret_for;
use tomar::server::ConnectionLimits;
use tomar::startup::Application;
use tomar_core::Timestamp;
use tomar_core::campaign::Campaign;
use tomar_core::contact::Contact;
use tomar_core::member::Role;
use tomar_core::names::CampaignRef;
use tomar_core::secret::Secret;
use tomar_notify::{MemoryOutbox, Transport, plain_text};
use tomar_store::testing::{TempPostgres, TempSqlite, postgres_server};
use tomar_store::{DatabaseUrl, Store};
use tomar_web::TrustedProxies;

/// reqwest's TLS (built for the SMS gateway) wants a crypto provider chosen once per
/// process before any client is made, even one that only speaks plain http.
pub fn install_tls_provider() {
    let _ = rustls::crypto::ring::default_provider().install_default();
}

/// Runs `story(&app)` as two tests in a module named after it, on SQLite and on PostgreSQL
/// (which says it was skipped when no test server is configured), with the demo content or
/// without.
macro_rules! on_both_backends {
    ($story:ident, demo: $demo:expr) => {
        mod $story {
            use crate::support::{Backend, TestApp};

            #[tokio::test]
            async fn on_sqlite() {
                let app = TestApp::spawn(Backend::Sqlite, $demo).await.unwrap();
                super::$story(&app).await;
            }

            #[tokio::test]
            async fn on_postgres() {
                let Some(app) = TestApp::spawn(Backend::Postgres, $demo).await else {
                    return;
                };
                super::$story(&app).await;
                app.finish().await;
            }
        }
    };
}
pub(crate) use on_both_backends;

pub enum Backend {
    Sqlite,
    Postgres,
}

/// Keeps the database alive as long as the app.
enum Database {
    Sqlite(#[expect(dead_code, reason = "held for its drop, which removes the file")] TempSqlite),
    Postgres(TempPostgres),
}

pub struct TestApp {
    pub base: String,
    /// The app's own store, for arranging what a test needs: a setting changed through it
    /// takes effect at once, as an admin's change does.
    pub store: Store,
    /// Where the app delivers its messages: a memory outbox, read as they arrive.
    outbox: MemoryOutbox,
    database: Option<Database>,
    settings: ServeSettings,
}

/// How long a test waits for the outbox worker to deliver a message.
const DELIVERY: Duration = Duration::from_secs(5);

impl TestApp {
    /// On SQLite, with the demo content.
    pub async fn demo() -> TestApp {
        Self::spawn(Backend::Sqlite, true)
            .await
            .expect("SQLite is always there")
    }

    /// On SQLite, with the demo content and these platform settings.
    pub async fn demo_with(settings: &[(&str, &str)]) -> TestApp {
        let app = Self::demo().await;
        for (key, value) in settings {
            app.store.set_setting(key, value).await.unwrap();
        }
        app
    }

    /// `None` when the backend is PostgreSQL and no test server is configured.
    pub async fn spawn(backend: Backend, with_demo: bool) -> Option<TestApp> {
        Self::spawn_with(backend, with_demo, |_| {}).await
    }

    /// As `spawn`, with the serve settings changed by `adjust` first.
    pub async fn spawn_with(
        backend: Backend,
        with_demo: bool,
        adjust: impl FnOnce(&mut ServeSettings),
    ) -> Option<TestApp> {
        install_tls_provider();
        // SQLite generates its secret beside the file; PostgreSQL must be given one.
        let (url, database, secret) = match backend {
            Backend::Sqlite => {
                let temp = TempSqlite::new().await;
                (temp.url.clone(), Database::Sqlite(temp), None)
            }
            Backend::Postgres => {
                let temp = TempPostgres::create(&postgres_server()?).await;
                let secret = Secret::new(b"the app tests' PostgreSQL secret".to_vec());
                (temp.url.clone(), Database::Postgres(temp), secret)
            }
        };
        let url = DatabaseUrl::parse(&url).unwrap();
        let outbox = MemoryOutbox::default();
        let mut settings = ServeSettings {
            database: url.clone(),
            addr: "127.0.0.1:0".parse().unwrap(),
            demo: with_demo,
            outbox: Transport::Memory(outbox.clone()),
            secret,
            public_url: None,
            sms_gateway: None,
            mailer: None,
            telegram: None,
            connections: ConnectionLimits {
                header_timeout: ConnectionLimits::DEFAULT_HEADER_TIMEOUT,
                body_timeout: ConnectionLimits::DEFAULT_BODY_TIMEOUT,
                max_connections: 512,
            },
            trusted_proxies: TrustedProxies::default(),
            read_replica: None,
            metrics_token: None,
            // Each page drawn for its request, so that a test sees what it just did; the
            // tests of page memory set their own.
            page_memory: Duration::ZERO,
        };
        adjust(&mut settings);
        let (base, store) = Self::start(&settings).await;
        Some(TestApp {
            base,
            store,
            outbox,
            database: Some(database),
            settings,
        })
    }

    /// Starts Tomar as `tomar serve` does; answers its base URL and its store.
    async fn start(settings: &ServeSettings) -> (String, Store) {
        let app = Application::build(settings).await.expect("start Tomar");
        let base = format!("http://{}", app.addr());
        let store = app.store().clone();
        tokio::spawn(app.run_until_stopped());
        (base, store)
    }

    /// A second Tomar serving the same database, sharing nothing else with the first, as a
    /// second `tomar serve` process would (its own outbox, port, caches and writer).
    pub async fn another_process(&self) -> TestApp {
        let outbox = MemoryOutbox::default();
        let settings = ServeSettings {
            outbox: Transport::Memory(outbox.clone()),
            demo: false,
            ..self.settings.clone()
        };
        let (base, store) = Self::start(&settings).await;
        TestApp {
            base,
            store,
            outbox,
            database: None,
            settings,
        }
    }

    /// The campaign a test set up, by number or slug, as the store has it now.
    pub async fn campaign(&self, reference: impl std::fmt::Display) -> Campaign {
        let reference = CampaignRef::parse(&reference.to_string()).expect("a campaign reference");
        self.store
            .campaign(&reference)
            .await
            .unwrap()
            .unwrap_or_else(|| panic!("no campaign {reference:?}"))
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// A first-time visitor: no cookies yet, no language preference.
    pub fn visitor(&self) -> reqwest::Client {
        SiteCookies::at(&self.base).1
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.visitor().get(self.url(path)).send().await.unwrap()
    }

    /// The text of `path` as `client` gets it, whatever its status.
    pub async fn page_for(&self, client: &reqwest::Client, path: &str) -> String {
        let response = client.get(self.url(path)).send().await.unwrap();
        response.text().await.unwrap()
    }

    pub async fn page(&self, path: &str) -> String {
        let response = self.get(path).await;
        assert_eq!(response.status(), 200, "GET {path}");
        response.text().await.unwrap()
    }

    /// The newest message delivered to `recipient`, as the file outbox would have written
    /// it, waiting up to five seconds for the outbox worker.
    pub async fn message_to(&self, recipient: &str) -> String {
        self.outbox
            .wait_for(DELIVERY, |message| message.recipient == recipient)
            .await
            .map(|message| plain_text(&message))
            .unwrap_or_else(|| panic!("no message to {recipient} in the outbox"))
    }

    /// The first message to `recipient` whose text holds `words`, waiting for the worker.
    pub async fn message_saying(&self, recipient: &str, words: &str) -> String {
        self.outbox
            .wait_for(DELIVERY, |m| {
                m.recipient == recipient && m.body.contains(words)
            })
            .await
            .map(|message| plain_text(&message))
            .unwrap_or_else(|| panic!("no message to {recipient} saying {words:?}"))
    }

    /// Waits (up to five seconds) until the outbox holds at least `count` messages.
    pub async fn wait_for_messages(&self, count: usize) {
        assert!(
            self.outbox.wait_for_count(count, DELIVERY).await,
            "the outbox never held {count} messages"
        );
    }

    /// The texts delivered to `recipient` so far, oldest first, without waiting.
    pub fn messages_to(&self, recipient: &str) -> Vec<String> {
        self.outbox
            .messages()
            .into_iter()
            .filter(|message| message.recipient == recipient)
            .map(|message| message.body)
            .collect()
    }

    /// How many messages the outbox holds.
    pub fn message_count(&self) -> usize {
        self.outbox.messages().len()
    }

    /// The secret this Tomar keys its hashes and seals with, found as it finds it.
    pub async fn secret(&self) -> Secret {
        let configured = self.settings.secret.clone();
        secret_for(&self.settings.database, &self.store, configured)
            .await
            .unwrap()
    }

    /// Where this Tomar's SQLite database is, if it runs on SQLite.
    pub fn sqlite_file(&self) -> Option<&std::path::Path> {
        match &self.settings.database {
            DatabaseUrl::Sqlite(path) => Some(path),
            DatabaseUrl::Postgres(_) => None,
        }
    }

    /// A browser logged in through the real login flow (form, code from the outbox), as a
    /// person with `contact` and `role`. Roles are granted as `tomar user grant` does.
    pub async fn log_in(&self, contact: &str, role: Role) -> Browser {
        if role != Role::Member {
            let secret = self.secret().await;
            let contact = Contact::parse(contact).unwrap();
            let sealed = secret.seal(contact.as_ref(), [0; 12]);
            self.store
                .grant_role(
                    &secret.contact_key(&contact),
                    &sealed,
                    role,
                    Timestamp::now(),
                )
                .await
                .unwrap();
        }
        let browser = Browser::open(self, "/login").await;
        let sent = self.message_count();
        let response = browser.post(self, "/login", &[("contact", contact)]).await;
        let code_page = location(&response);
        self.wait_for_messages(sent + 1).await;
        let recipient = Contact::parse(contact).unwrap();
        let code = code_in(&self.message_to(recipient.as_ref()).await);
        let response = browser.post(self, &code_page, &[("code", &code)]).await;
        assert_eq!(location(&response), "/me", "logged in");
        // Logging in replaced the CSRF token: the forms from now on carry the new one.
        let page = browser.page(self, "/me").await;
        assert_eq!(csrf_of(&page), browser.csrf(), "the new token");
        browser
    }

    /// Drops a PostgreSQL test database; SQLite files go with the app.
    pub async fn finish(mut self) {
        if let Some(Database::Postgres(database)) = self.database.take() {
            if let Store::Postgres(pg) = &self.store {
                pg.close().await;
            }
            database.drop_database().await;
        }
    }
}

/// The cookies a browser keeps for one site, where its CSRF token is.
pub struct SiteCookies {
    jar: Arc<Jar>,
    site: reqwest::Url,
}

impl SiteCookies {
    /// An empty jar for the site at `base`, and a client that keeps its cookies there and
    /// follows no redirect.
    pub fn at(base: &str) -> (SiteCookies, reqwest::Client) {
        let jar = Arc::<Jar>::default();
        let client = reqwest::Client::builder()
            .cookie_provider(jar.clone())
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        let site = base.parse().unwrap();
        (SiteCookies { jar, site }, client)
    }

    /// The CSRF token (its cookie), empty before the site gave one: the public pages set
    /// no cookie, so a visitor not logged in has none until a form of theirs was answered.
    pub fn csrf(&self) -> String {
        let cookies = self.jar.cookies(&self.site);
        let cookies = cookies.as_ref().and_then(|value| value.to_str().ok());
        cookies
            .into_iter()
            .flat_map(|cookies| cookies.split(';'))
            .find_map(|cookie| cookie.trim().strip_prefix("csrf="))
            .unwrap_or_default()
            .to_owned()
    }
}

/// A browser: cookies kept, redirects not followed, and its CSRF token in the forms it
/// posts, as the pages' forms carry it.
pub struct Browser {
    pub client: reqwest::Client,
    cookies: SiteCookies,
}

impl Browser {
    /// As a moderator on a campaign's review page (`review`): marks it delivered to its
    /// addressees.
    pub async fn mark_delivered(&self, app: &TestApp, review: &str) -> reqwest::Response {
        let delivered = [("outcome", "delivered")];
        self.post(app, &format!("{review}/outcome"), &delivered)
            .await
    }

    /// A new browser that opens `path` first.
    pub async fn open(app: &TestApp, path: &str) -> Browser {
        let (cookies, client) = SiteCookies::at(&app.base);
        let browser = Browser { client, cookies };
        browser.get(app, path).await;
        browser
    }

    /// This browser's CSRF token; see [`SiteCookies::csrf`].
    pub fn csrf(&self) -> String {
        self.cookies.csrf()
    }

    /// Posts a form with this browser's CSRF token and `fields`.
    pub async fn post(
        &self,
        app: &TestApp,
        path: &str,
        fields: &[(&str, &str)],
    ) -> reqwest::Response {
        let csrf = self.csrf();
        let mut form: Vec<(&str, &str)> = vec![("csrf", &csrf)];
        form.extend_from_slice(fields);
        self.client
            .post(app.url(path))
            .form(&form)
            .send()
            .await
            .unwrap()
    }

    pub async fn get(&self, app: &TestApp, path: &str) -> reqwest::Response {
        self.client.get(app.url(path)).send().await.unwrap()
    }

    /// The text of a page, fetched with this browser's cookies.
    pub async fn page(&self, app: &TestApp, path: &str) -> String {
        self.get(app, path).await.text().await.unwrap()
    }

    /// Where a moderator's or admin's action led: the page, without its `?done=`, after
    /// checking that the page it redirected to says `message` where a person looks.
    pub async fn confirmed(
        &self,
        app: &TestApp,
        response: &reqwest::Response,
        message: &str,
    ) -> String {
        let to = location(response);
        let page = self.page(app, &to).await;
        let notice = page
            .split("id=\"done\" role=\"status\">")
            .nth(1)
            .and_then(|rest| rest.split("</p>").next())
            .unwrap_or_else(|| panic!("{to} says nothing of what was done"));
        assert_eq!(notice, message, "{to}");
        to.split(['?', '#']).next().unwrap().to_owned()
    }
}

/// A page's tag of the static script `name`, as pages link it (by its content hash).
pub fn script_tag(name: &str) -> String {
    format!(
        r#"<script src="{}" defer></script>"#,
        tomar_web::asset_href(name)
    )
}

/// The campaign page's script, which ticks its count and leaves the page whole without it.
pub fn live_script() -> String {
    script_tag("live.js")
}

/// The sharing pages' script, which adds a copy button and the share sheet.
pub fn share_script() -> String {
    script_tag("share.js")
}

/// Runs the `tomar` command with `args`: whether it passed, and what it printed (standard
/// output, then standard error). Awaited, never waited for: the command may be answered by
/// a server in this test's own runtime.
pub async fn run_tomar<I, S>(args: I) -> (bool, String)
where
    I: IntoIterator<Item = S>,
    S: AsRef<std::ffi::OsStr>,
{
    let output = tokio::process::Command::new(env!("CARGO_BIN_EXE_tomar"))
        .args(args)
        .env("TOMAR_LOG", "off")
        .output()
        .await
        .unwrap();
    let printed = String::from_utf8_lossy(&output.stdout).into_owned()
        + &String::from_utf8_lossy(&output.stderr);
    (output.status.success(), printed)
}

/// Posts `body` as JSON to `url`; answers the JSON that comes back.
pub async fn post_json(
    client: &reqwest::Client,
    url: String,
    body: serde_json::Value,
) -> serde_json::Value {
    let response = client.post(url).json(&body).send().await.unwrap();
    response.json().await.unwrap()
}

/// How many script tags `page` has besides the two a page may carry, which only add to a
/// page that works without them.
pub fn other_scripts(page: &str) -> usize {
    page.matches("<script").count()
        - page.matches(&live_script()).count()
        - page.matches(&share_script()).count()
}

/// The CSRF token a page's form carries.
pub fn csrf_of(page: &str) -> String {
    let rest = page
        .split("name=\"csrf\" value=\"")
        .nth(1)
        .expect("a form with a CSRF token");
    rest.split('"').next().unwrap().to_owned()
}

/// Where a post/redirect/get answer leads.
pub fn location(response: &reqwest::Response) -> String {
    assert_eq!(
        response.status(),
        StatusCode::SEE_OTHER,
        "expected a redirect"
    );
    response.headers()["location"].to_str().unwrap().to_owned()
}

/// The code in a code message, in whatever digits it was written.
pub fn code_in(message: &str) -> String {
    let body = message
        .split_once("\n\n")
        .expect("headers, then the text")
        .1;
    tomar_loadgen::code_in(body).expect("a code in the message")
}
