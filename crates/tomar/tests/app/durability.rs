//! An acknowledged signature survives `kill -9`: the real binary on a SQLite file is
//! killed while confirmations stream in, restarted, and every signature it had answered
//! `201` for must still be there, with the count matching the rows.

use std::collections::HashSet;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use serde_json::{Value, json};
use tomar_core::persian::ascii_digits;

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

async fn start(db: &str, outbox: &Path, port: u16) -> Child {
    let mut child = Command::new(env!("CARGO_BIN_EXE_tomar"))
        .args([
            "serve",
            "--demo",
            "--database-url",
            db,
            "--addr",
            &format!("127.0.0.1:{port}"),
        ])
        .arg("--outbox")
        .arg(outbox)
        .env("TOMAR_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start tomar");
    let client = reqwest::Client::new();
    for _ in 0..200 {
        if client
            .get(format!("http://127.0.0.1:{port}/healthz"))
            .send()
            .await
            .is_ok()
        {
            return child;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let _ = child.kill();
    let _ = child.wait();
    panic!("tomar did not start");
}

/// The code in the outbox message to `recipient`, waiting for the worker.
async fn code_for(outbox: &Path, recipient: &str) -> String {
    let header = format!("To: {recipient}\n");
    for _ in 0..200 {
        for entry in std::fs::read_dir(outbox).into_iter().flatten().flatten() {
            let text = std::fs::read_to_string(entry.path()).unwrap_or_default();
            if text.starts_with(&header) {
                let body = text.split_once("\n\n").unwrap().1;
                return ascii_digits(body.lines().next().unwrap().rsplit(' ').next().unwrap());
            }
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("no code for {recipient}");
}

#[tokio::test]
async fn acknowledged_signatures_survive_kill_9() {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite:{}", dir.path().join("tomar.db").display());
    let outbox = dir.path().join("outbox");
    let port = free_port();
    let mut server = start(&db, &outbox, port).await;
    let base = format!("http://127.0.0.1:{port}");
    let client = reqwest::Client::new();

    // Codes for 200 people first; then all confirm at once while the server is killed.
    let mut pending = Vec::new();
    for n in 0..200u32 {
        let mobile = format!("+98935{n:07}");
        let started: Value = client
            .post(format!("{base}/api/v1/campaigns/clean-river/signatures"))
            .json(&json!({"name": format!("پایدار {n}"), "contact": mobile}))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        pending.push((
            started["verification_id"].as_str().unwrap().to_owned(),
            mobile,
        ));
    }
    let mut codes = Vec::new();
    for (verification, mobile) in pending {
        codes.push((verification, code_for(&outbox, &mobile).await));
    }
    let acknowledged_so_far = Arc::new(AtomicUsize::new(0));
    let mut confirmations = Vec::new();
    for (verification, code) in codes {
        let counted = acknowledged_so_far.clone();
        let (client, url) = (
            client.clone(),
            format!("{base}/api/v1/verifications/{verification}"),
        );
        confirmations.push(tokio::spawn(async move {
            let response = client
                .post(url)
                .json(&json!({"code": code}))
                .send()
                .await
                .ok()?;
            if response.status() != 201 {
                return None;
            }
            let number = response.json::<Value>().await.ok()?["number"].as_u64();
            counted.fetch_add(1, Ordering::SeqCst);
            number
        }));
    }
    // Kill while confirmations are still streaming in: after the first 20 acknowledgements.
    for _ in 0..400 {
        if acknowledged_so_far.load(Ordering::SeqCst) >= 20 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    server.kill().expect("kill -9");
    server.wait().unwrap();
    let mut acknowledged = HashSet::new();
    for confirmation in confirmations {
        if let Some(number) = confirmation.await.unwrap() {
            acknowledged.insert(number);
        }
    }
    // Usually some confirmations are still in flight when the kill lands; those may be
    // lost, but only unacknowledged ones.
    eprintln!(
        "acknowledged before the kill: {} of 200",
        acknowledged.len()
    );
    assert!(
        acknowledged.len() >= 20,
        "the kill came after some acknowledgements"
    );

    let mut server = start(&db, &outbox, port).await;
    let mut listed = HashSet::new();
    let mut after = String::new();
    loop {
        let page: Value = client
            .get(format!(
                "{base}/api/v1/campaigns/clean-river/signatures?after={after}"
            ))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        for item in page["items"].as_array().unwrap() {
            listed.insert(item["number"].as_u64().unwrap());
        }
        match page["next"].as_u64() {
            Some(next) => after = next.to_string(),
            None => break,
        }
    }
    let campaign: Value = client
        .get(format!("{base}/api/v1/campaigns/clean-river"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    server.kill().unwrap();
    server.wait().unwrap();

    let missing: Vec<_> = acknowledged.difference(&listed).collect();
    assert!(missing.is_empty(), "acknowledged but lost: {missing:?}");
    assert_eq!(
        campaign["signature_count"].as_u64().unwrap(),
        listed.len() as u64,
        "the count matches the rows"
    );
}
