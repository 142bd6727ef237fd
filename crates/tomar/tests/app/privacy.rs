//! What Tomar keeps about signers, as they are told it (`/privacy`, linked from every sign
//! form), as it is forgotten (the upkeep's anonymisation of ended campaigns), and what its
//! log output never holds (a whole signing session of the real binary, read back).

use std::path::Path;

use reqwest::StatusCode;
use serde_json::json;
use tomar_core::contact::Contact;

use crate::durability::{Server, free_port};
use crate::signing::Signs;
use crate::support::{Browser, SiteCookies, TestApp, location, post_json};

#[tokio::test]
async fn the_privacy_page_says_what_is_kept_and_for_the_days_the_admins_set() {
    let app = TestApp::demo().await;
    let persian = app.page("/privacy").await;
    assert!(
        persian.contains("۹۰ روز پس از پایان"),
        "the default, in Persian digits"
    );
    let english = app.page("/privacy?lang=en").await;
    assert!(
        english.contains("90 days after a campaign ends"),
        "{english}"
    );
    assert!(english.contains("keyed fingerprint"));
    app.store
        .set_setting("limits.anonymise_after_days", "30")
        .await
        .unwrap();
    tokio::time::sleep(tomar_store::CACHED_FOR).await;
    assert!(app.page("/privacy").await.contains("۳۰ روز پس از پایان"));
    // Every sign form and every page's footer point to it.
    for page in ["/clean-river", "/clean-river/sign", "/"] {
        assert!(
            app.page(page).await.contains(r#"href="/privacy""#),
            "{page}"
        );
    }
}

#[tokio::test]
async fn the_upkeep_forgets_the_signers_of_campaigns_ended_long_enough_ago() {
    let app = TestApp::demo().await;
    app.store
        .set_setting("limits.anonymise_after_days", "30")
        .await
        .unwrap();
    let campaign = app.campaign("clean-river").await;
    let signer = Browser::open(&app, "/clean-river").await;
    let thanks = signer
        .sign(&app, "clean-river", "رها فراموش", "09127770120", true)
        .await;
    let key = app
        .secret()
        .await
        .contact_key(&Contact::parse("09127770120").unwrap());
    let today = tomar_core::calendar::iran_date(jiff::Timestamp::now());
    let day = today.checked_sub(jiff::Span::new().days(31)).unwrap();
    tomar_store::testing::run_campaign_on(&app.store, campaign.id, day).await;

    tomar::upkeep::anonymise_ended_campaigns(&app.store).await;
    let after = app.campaign("clean-river").await;
    assert_eq!(
        after.signature_count,
        campaign.signature_count + 1,
        "the count stays"
    );
    assert!(
        app.store
            .signature_by_signer(campaign.id, &key)
            .await
            .unwrap()
            .is_none(),
        "the contact's fingerprint is gone"
    );
    assert_eq!(
        signer.get(&app, &thanks).await.status(),
        StatusCode::NOT_FOUND,
        "the code's record is gone with it"
    );
    let list = app.page("/clean-river/signatures").await;
    assert!(list.contains("رها فراموش"), "a shown name stays");
}

/// A visitor of a separate server process: a cookie jar and its CSRF token.
struct Visitor {
    client: reqwest::Client,
    base: String,
    cookies: SiteCookies,
}

impl Visitor {
    async fn open(base: &str, path: &str) -> Visitor {
        let (cookies, client) = SiteCookies::at(base);
        client.get(format!("{base}{path}")).send().await.unwrap();
        Visitor {
            client,
            base: base.to_owned(),
            cookies,
        }
    }

    async fn post(&self, path: &str, fields: &[(&str, &str)]) -> reqwest::Response {
        let csrf = self.cookies.csrf();
        let mut form = vec![("csrf", csrf.as_str())];
        form.extend_from_slice(fields);
        let url = format!("{}{path}", self.base);
        self.client.post(url).form(&form).send().await.unwrap()
    }

    async fn page(&self, path: &str) -> String {
        let url = format!("{}{path}", self.base);
        self.client
            .get(url)
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap()
    }
}

/// The newest message in `outbox` to `recipient`, whole, once it is there (within half a
/// minute: the server is another process, and CI shares its cores with builds).
async fn message_to(outbox: &Path, recipient: &str) -> String {
    for _ in 0..600 {
        let mut found: Vec<_> = std::fs::read_dir(outbox)
            .into_iter()
            .flatten()
            .flatten()
            .map(|entry| entry.path())
            .collect();
        found.sort();
        let text = found
            .iter()
            .rev()
            .filter_map(|path| std::fs::read_to_string(path).ok())
            .find(|text| text.contains(&format!("To: {recipient}\n")));
        if let Some(text) = text {
            return text;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("no message to {recipient}");
}

/// The code in the newest message to `recipient`.
async fn code_to(outbox: &Path, recipient: &str) -> String {
    let message = message_to(outbox, recipient).await;
    let (_, body) = message.split_once("\n\n").unwrap();
    tomar_loadgen::code_in(body).expect("a code in the message")
}

#[tokio::test]
async fn a_whole_signing_session_leaves_no_contact_code_or_token_in_the_log() {
    crate::support::install_tls_provider();
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite:{}", dir.path().join("tomar.db").display());
    let outbox = dir.path().join("outbox");
    let log = dir.path().join("tomar.log");
    let mut server = Server::logging(&db, &outbox, free_port(), &log).await;
    let base = server.base.clone();
    // Everything secret that passes through the server in this session.
    let mut secrets: Vec<String> = vec![
        "9127770131".into(),
        "۹۱۲۷۷۷۰۱۳۱".into(),
        "log.signer@example.org".into(),
        "log.signer".into(),
    ];

    // By mobile: a wrong code, the right one, the receipt, a withdrawal.
    let mobile = Visitor::open(&base, "/clean-river").await;
    let fields = [("name", "نگار گزارش"), ("contact", "۰۹۱۲۷۷۷۰۱۳۱")];
    let code_page = location(&mobile.post("/clean-river/sign", &fields).await);
    let code_page = code_page.trim_start_matches(&base).to_owned();
    let code = code_to(&outbox, "+989127770131").await;
    secrets.push(code.clone());
    secrets.push(code_page.rsplit('/').next().unwrap().to_owned());
    let wrong = if code == "000000" { "111111" } else { "000000" };
    mobile.post(&code_page, &[("code", wrong)]).await;
    let thanks = location(&mobile.post(&code_page, &[("code", &code)]).await);
    let thanks = thanks.trim_start_matches(&base).to_owned();
    let page = mobile.page(&thanks).await;
    let receipt = page
        .split(r#"<code class="receipt-code" dir="ltr" translate="no">"#)
        .nth(1)
        .and_then(|rest| rest.split('<').next())
        .expect("a receipt code")
        .to_owned();
    secrets.push(receipt.replace('-', ""));
    secrets.push(receipt);
    mobile.post(&format!("{thanks}/withdraw"), &[]).await;

    // By email, withdrawn with the link the message carries.
    let email = Visitor::open(&base, "/library-hours").await;
    let fields = [("name", "سامان گزارش"), ("email", "Log.Signer@example.org")];
    let code_page = location(&email.post("/library-hours/sign", &fields).await);
    let message = message_to(&outbox, "log.signer@example.org").await;
    let code = code_to(&outbox, "log.signer@example.org").await;
    let token = message
        .split("/withdraw/")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .expect("a withdrawal link")
        .to_owned();
    secrets.extend([code.clone(), token.clone()]);
    email
        .post(code_page.trim_start_matches(&base), &[("code", &code)])
        .await;
    email.post(&format!("/withdraw/{token}"), &[]).await;

    // Logging in with the same number, and signing through the API.
    let member = Visitor::open(&base, "/login").await;
    let code_page = location(&member.post("/login", &[("contact", "09127770131")]).await);
    let code = code_to(&outbox, "+989127770131").await;
    secrets.push(code.clone());
    member
        .post(code_page.trim_start_matches(&base), &[("code", &code)])
        .await;
    let api = reqwest::Client::new();
    let url = format!("{base}/api/v1/campaigns/clean-river/signatures");
    let started = post_json(
        &api,
        url,
        json!({"name": "آرش گزارش", "contact": "09127770132"}),
    )
    .await;
    let verification = started["verification_id"].as_str().unwrap().to_owned();
    let code = code_to(&outbox, "+989127770132").await;
    let url = format!("{base}/api/v1/verifications/{verification}");
    let confirmed = post_json(&api, url, json!({"code": code})).await;
    assert!(confirmed["number"].is_u64(), "{confirmed}");
    secrets.extend([
        "9127770132".into(),
        code,
        verification,
        confirmed["receipt_code"].as_str().unwrap().replace('-', ""),
    ]);

    server.kill();
    let logged = std::fs::read_to_string(&log).unwrap();
    assert!(logged.lines().count() > 10, "the log was written: {logged}");
    // Each line less its timestamp, whose fraction of a second could read as a code.
    let logged: String = logged
        .lines()
        .map(|line| line.split_once(' ').map_or(line, |(_, rest)| rest))
        .collect::<Vec<_>>()
        .join("\n")
        .to_lowercase();
    for secret in &secrets {
        assert!(
            !logged.contains(&secret.to_lowercase()),
            "{secret:?} is in the log:\n{logged}"
        );
    }
}
