//! Connections as the server keeps them in bounds: idle and trickling sockets are closed
//! and cannot use up the cap, slow bodies are cut off, and a trusted proxy's forwarded
//! address is the client's.

use std::time::Duration;

use reqwest::StatusCode;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tomar_web::TrustedProxies;

use crate::support::{Backend, Browser, TestApp, location};

/// Tomar on SQLite with the demo, one-second timeouts and room for four connections.
async fn tight() -> TestApp {
    TestApp::spawn_with(Backend::Sqlite, true, |settings| {
        settings.connections.header_timeout = Duration::from_secs(1);
        settings.connections.body_timeout = Duration::from_secs(1);
        settings.connections.max_connections = 4;
    })
    .await
    .unwrap()
}

async fn connect(app: &TestApp) -> TcpStream {
    TcpStream::connect(app.base.trim_start_matches("http://"))
        .await
        .unwrap()
}

/// Reads until the server closes the connection; answers what it sent.
async fn until_closed(stream: &mut TcpStream) -> String {
    let mut answer = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(20), stream.read_to_end(&mut answer));
    read.await
        .expect("the server never closed the connection")
        .ok();
    String::from_utf8_lossy(&answer).into_owned()
}

#[tokio::test]
async fn idle_and_trickling_connections_are_closed_and_the_site_stays_up() {
    let app = tight().await;
    let mut idle = Vec::new();
    for _ in 0..10 {
        idle.push(connect(&app).await);
    }
    let mut trickling = Vec::new();
    for _ in 0..5 {
        let mut stream = connect(&app).await;
        stream
            .write_all(b"GET / HTTP/1.1\r\nHost: tomar\r\n")
            .await
            .unwrap();
        trickling.push(stream);
    }
    // Fifteen sockets hold more than the cap; a real visitor is still served once the
    // server has closed the ones that said nothing.
    let page = tokio::time::timeout(Duration::from_secs(30), app.get("/"))
        .await
        .expect("the site stopped answering");
    assert_eq!(page.status(), StatusCode::OK);
    for stream in idle.iter_mut().chain(trickling.iter_mut()) {
        until_closed(stream).await;
    }
}

#[tokio::test]
async fn a_body_that_trickles_is_cut_off_with_a_client_error() {
    let app = tight().await;
    let mut stream = connect(&app).await;
    let head = "POST /login HTTP/1.1\r\nHost: tomar\r\n\
                Content-Type: application/x-www-form-urlencoded\r\n\
                Content-Length: 500\r\n\r\ncontact=0912";
    stream.write_all(head.as_bytes()).await.unwrap();
    let answer = until_closed(&mut stream).await;
    let status: u16 = answer
        .split_whitespace()
        .nth(1)
        .and_then(|code| code.parse().ok())
        .unwrap_or_default();
    assert!((400..500).contains(&status), "{answer}");
}

/// Asks for a login code as if from `client`, through the test's "proxy" (the loopback).
async fn login_from(app: &TestApp, browser: &Browser, client: &str) -> reqwest::Response {
    browser
        .client
        .post(app.url("/login"))
        .header("x-forwarded-for", client)
        .form(&[
            ("csrf", browser.csrf().as_str()),
            ("contact", "09121110000"),
        ])
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn behind_a_trusted_proxy_each_client_has_its_own_share() {
    let app = TestApp::spawn_with(Backend::Sqlite, true, |settings| {
        settings.trusted_proxies = TrustedProxies::parse(&["127.0.0.0/8".into()]).unwrap();
    })
    .await
    .unwrap();
    app.store
        .set_setting("limits.logins_per_network_per_hour", "1")
        .await
        .unwrap();
    let browser = Browser::open(&app, "/login").await;
    location(&login_from(&app, &browser, "203.0.113.5").await);
    let again = login_from(&app, &browser, "203.0.113.77").await;
    assert_eq!(again.status(), StatusCode::TOO_MANY_REQUESTS, "same /24");
    location(&login_from(&app, &browser, "198.51.100.5").await);
}

#[tokio::test]
async fn without_a_trusted_proxy_forwarded_addresses_are_ignored() {
    let app = TestApp::demo_with(&[("limits.logins_per_network_per_hour", "1")]).await;
    let browser = Browser::open(&app, "/login").await;
    location(&login_from(&app, &browser, "203.0.113.5").await);
    let forged = login_from(&app, &browser, "198.51.100.5").await;
    assert_eq!(forged.status(), StatusCode::TOO_MANY_REQUESTS);
}

/// `--read-database-url`: the listings come from the standby, the campaign itself and
/// everything written from the primary. The standby here is an empty database that has
/// not caught up, so what each page shows says where it was read.
#[tokio::test]
async fn a_read_replica_serves_the_listings_and_the_primary_the_rest() {
    use tomar_store::testing::{TempPostgres, postgres_server};
    use tomar_store::{DatabaseUrl, Store};

    let Some(server) = postgres_server() else {
        return;
    };
    let standby = TempPostgres::create(&server).await;
    let standby_url = DatabaseUrl::parse(&standby.url).unwrap();
    let schema = Store::connect(&standby_url).await.unwrap();
    schema.migrate().await.unwrap();
    let app = TestApp::spawn_with(Backend::Postgres, true, |settings| {
        settings.read_replica = Some(standby_url.clone());
    })
    .await
    .unwrap();

    let listed: serde_json::Value = app.get("/api/v1/campaigns").await.json().await.unwrap();
    assert_eq!(listed["items"], serde_json::json!([]), "{listed}");
    let campaign = app.get("/api/v1/campaigns/clean-river").await;
    assert_eq!(campaign.status(), StatusCode::OK, "from the primary");
    let page = app.page("/clean-river").await;
    assert!(page.contains("tally"), "the campaign page itself works");

    app.finish().await;
    if let Store::Postgres(pg) = schema {
        pg.close().await;
    }
    standby.drop_database().await;
}
