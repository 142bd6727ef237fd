//! `tomar-kill9`: kills a release Tomar with SIGKILL again and again under signing load,
//! and checks after each restart that nothing it had acknowledged was lost:
//!
//! - every signature it answered `201` for is in the campaign's public list, and the
//!   campaign's count equals the list;
//! - every code request it answered `202` for still has its verification (its code page
//!   answers), and so its message, which is written in the same transaction;
//! - at the end, once the leases of messages handed to killed processes have run out,
//!   every acknowledged request's message has been delivered exactly once (the file
//!   outbox names each file by message, so a redelivery would show as a second file to
//!   the same person only if a message were queued twice).
//!
//! One SQLite database lives through every trial, so each restart recovers from all the
//! kills before it. Half the trials are killed while codes are being asked for, half while
//! they are being confirmed, after a varying number of acknowledgements.
//!
//! Usage: `tomar-kill9 --tomar target/release/tomar [--trials 100] [--signers 100]`.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use clap::Parser;
use serde_json::{Value, json};
use tomar_loadgen::{Outbox, code_for, confirm, listed};

#[derive(Parser)]
struct Args {
    /// The tomar binary to run (a release build).
    #[arg(long)]
    tomar: PathBuf,
    #[arg(long, default_value_t = 100)]
    trials: u32,
    /// People who sign in each trial.
    #[arg(long, default_value_t = 100)]
    signers: u32,
    /// Where the database and the outbox live [default: a new temporary directory].
    #[arg(long)]
    dir: Option<PathBuf>,
}

const CAMPAIGN: &str = "clean-river";

/// How long a message handed to a process stays leased to it (`OUTBOX_LEASE`), and a
/// margin for the worker that delivers it afterwards.
const LEASE_AND_MARGIN: Duration = Duration::from_secs(150);

struct Server {
    child: Child,
    base: String,
}

fn start(args: &Args, dir: &Path, port: u16) -> Server {
    let child = Command::new(&args.tomar)
        .args(["serve", "--demo", "--addr", &format!("127.0.0.1:{port}")])
        .arg("--database-url")
        .arg(format!("sqlite:{}", dir.join("tomar.db").display()))
        .arg("--outbox")
        .arg(dir.join("outbox"))
        .env("TOMAR_LOG", "error")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start tomar");
    Server {
        child,
        base: format!("http://127.0.0.1:{port}"),
    }
}

async fn wait_until_up(client: &reqwest::Client, server: &Server) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while Instant::now() < deadline {
        if client
            .get(format!("{}/healthz", server.base))
            .send()
            .await
            .is_ok_and(|r| r.status().is_success())
        {
            return;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("tomar did not start");
}

fn kill_9(server: &mut Server) {
    // `Child::kill` sends SIGKILL on Unix: no shutdown code runs.
    server.child.kill().expect("kill -9");
    server.child.wait().expect("reap");
}

/// A small deterministic generator, so a trial's kill point can be reproduced.
fn mix(seed: u64) -> u64 {
    let mut x = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15).wrapping_add(1);
    x ^= x >> 31;
    x = x.wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x ^ (x >> 29)
}

/// What one trial saw acknowledged before its kill.
#[derive(Default)]
struct Acknowledged {
    /// Verification ids answered `202`, with the mobile they were for.
    requests: Vec<(String, String)>,
    /// Signature numbers answered `201`.
    signatures: Vec<u64>,
}

async fn trial(
    args: &Args,
    dir: &Path,
    port: u16,
    number: u32,
    outbox: &mut Outbox,
) -> Acknowledged {
    let client = reqwest::Client::new();
    let mut server = start(args, dir, port);
    wait_until_up(&client, &server).await;
    let random = mix(u64::from(number));
    let kill_while_asking = random.is_multiple_of(2);
    let kill_after = 1 + (random >> 8) as usize % (args.signers as usize * 4 / 5).max(1);
    let mobiles: Vec<String> = (0..args.signers)
        .map(|n| format!("+98936{:07}", number * args.signers + n))
        .collect();

    let answered = Arc::new(AtomicUsize::new(0));
    let requests: Vec<_> = mobiles
        .iter()
        .map(|mobile| {
            let (client, answered) = (client.clone(), answered.clone());
            let url = format!("{}/api/v1/campaigns/{CAMPAIGN}/signatures", server.base);
            let body = json!({"name": format!("پایدار {mobile}"), "contact": mobile});
            let mobile = mobile.clone();
            tokio::spawn(async move {
                let response = client.post(url).json(&body).send().await.ok()?;
                if response.status() != 202 {
                    return None;
                }
                let started: Value = response.json().await.ok()?;
                answered.fetch_add(1, Ordering::SeqCst);
                Some((started["verification_id"].as_str()?.to_owned(), mobile))
            })
        })
        .collect();
    if kill_while_asking {
        wait_for(&answered, kill_after).await;
        kill_9(&mut server);
    }
    let mut acknowledged = Acknowledged::default();
    for request in requests {
        if let Some(started) = request.await.expect("request task") {
            acknowledged.requests.push(started);
        }
    }
    if kill_while_asking {
        return acknowledged;
    }

    let mut codes = Vec::new();
    for (verification, mobile) in &acknowledged.requests {
        if let Some(code) = code_for(&dir.join("outbox"), outbox, mobile).await {
            codes.push((verification.clone(), code));
        }
    }
    let confirmed = Arc::new(AtomicUsize::new(0));
    let confirmations: Vec<_> = codes
        .into_iter()
        .map(|(verification, code)| {
            let url = format!("{}/api/v1/verifications/{verification}", server.base);
            tokio::spawn(confirm(client.clone(), url, code, confirmed.clone()))
        })
        .collect();
    wait_for(&confirmed, kill_after).await;
    kill_9(&mut server);
    for confirmation in confirmations {
        if let Some(number) = confirmation.await.expect("confirmation task") {
            acknowledged.signatures.push(number);
        }
    }
    acknowledged
}

async fn wait_for(count: &AtomicUsize, at_least: usize) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while count.load(Ordering::SeqCst) < at_least && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
}

#[tokio::main]
async fn main() {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let args = Args::parse();
    let temporary = std::env::temp_dir().join(format!("tomar-kill9-{}", std::process::id()));
    let dir = args.dir.clone().unwrap_or(temporary);
    std::fs::create_dir_all(&dir).expect("a working directory");
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port();
    let client = reqwest::Client::new();
    let mut outbox = Outbox::default();
    let mut all_signatures: HashSet<u64> = HashSet::new();
    let mut all_requests: Vec<(String, String)> = Vec::new();
    let mut failures = 0;
    let started = Instant::now();
    for number in 0..args.trials {
        let acknowledged = trial(&args, &dir, port, number, &mut outbox).await;
        all_signatures.extend(&acknowledged.signatures);
        all_requests.extend(acknowledged.requests.iter().cloned());

        // Restart and check what the kill may not have lost.
        let mut server = start(&args, &dir, port);
        wait_until_up(&client, &server).await;
        let (numbers, count) = listed(&client, &server.base, CAMPAIGN).await;
        let lost: Vec<_> = all_signatures.difference(&numbers).collect();
        let mut lost_requests = 0;
        for (verification, _) in &acknowledged.requests {
            let page = format!("{}/{CAMPAIGN}/verify/{verification}", server.base);
            let answer = client.get(page).send().await.unwrap().status();
            // A used one redirects to its thanks page; a lost one is not found.
            if answer == 404 {
                lost_requests += 1;
            }
        }
        let ok = lost.is_empty() && lost_requests == 0 && count == numbers.len() as u64;
        failures += usize::from(!ok);
        println!(
            "trial {number:3}: {} requests and {} signatures acknowledged; after restart \
             {} listed, count {count}; lost signatures {}, lost requests {lost_requests} {}",
            acknowledged.requests.len(),
            acknowledged.signatures.len(),
            numbers.len(),
            lost.len(),
            if ok { "ok" } else { "FAILED" }
        );
        kill_9(&mut server);
    }

    // Messages handed to killed processes fall due once their lease ends; then every
    // acknowledged request must have exactly one message file.
    println!("waiting {LEASE_AND_MARGIN:?} for leased messages to be delivered");
    let mut server = start(&args, &dir, port);
    wait_until_up(&client, &server).await;
    tokio::time::sleep(LEASE_AND_MARGIN).await;
    outbox.scan(&dir.join("outbox"));
    kill_9(&mut server);
    let (mut missing, mut doubled) = (0, 0);
    for (_, mobile) in &all_requests {
        match outbox.files_to(mobile).len() {
            0 => missing += 1,
            1 => {}
            _ => doubled += 1,
        }
    }
    println!(
        "{} trials in {:.0} s: {failures} failed; {} signatures and {} code requests \
         acknowledged in all; messages missing {missing}, delivered twice {doubled}",
        args.trials,
        started.elapsed().as_secs_f64(),
        all_signatures.len(),
        all_requests.len(),
    );
    if failures > 0 || missing > 0 || doubled > 0 {
        std::process::exit(1);
    }
}
