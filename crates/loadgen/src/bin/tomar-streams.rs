//! `tomar-streams`: opens many event streams of one campaign on a running Tomar, then signs
//! it a few times through the real flow, and reports what the streams cost and how soon
//! they heard:
//!
//! - the server's resident memory before the streams, with them open, and at its peak
//!   (`/proc/PID/status`), and how long opening them took;
//! - for each signature, the delay from its `201` to the event on every stream that
//!   carries the new count (percentiles over all streams and signatures), and how many
//!   streams never heard.
//!
//! Signatures are spaced two seconds apart, past the one-event-a-second gap of a stream, so
//! the delay measured is the server's, not the gap's. Nobody else may sign the campaign
//! meanwhile.
//!
//! Usage: `tomar-streams --target http://127.0.0.1:8080 --outbox OUTBOX --campaign clean-river
//! --pid PID [--streams 10000] [--signatures 10]`.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use clap::Parser;
use serde_json::{Value, json};
use tokio::sync::watch;
use tomar_loadgen::{Outbox, code_for};

#[derive(Parser)]
struct Args {
    /// Tomar's address, e.g. http://127.0.0.1:8080
    #[arg(long)]
    target: String,
    /// The server's file outbox directory.
    #[arg(long)]
    outbox: PathBuf,
    /// The open campaign to watch and sign (its slug or number).
    #[arg(long)]
    campaign: String,
    /// The server's process id, to read its memory.
    #[arg(long)]
    pid: u32,
    #[arg(long, default_value_t = 10_000)]
    streams: usize,
    #[arg(long, default_value_t = 10)]
    signatures: u32,
}

/// The server's resident and peak resident memory, in MiB.
fn memory(pid: u32) -> (f64, f64) {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find_map(|line| line.strip_prefix(name))
            .and_then(|rest| rest.split_whitespace().next()?.parse::<f64>().ok())
            .map_or(0.0, |kib| kib / 1024.0)
    };
    (field("VmRSS:"), field("VmHWM:"))
}

/// Reads one stream for ever; every count it carries goes to `heard` with when it came.
async fn follow(
    client: reqwest::Client,
    url: String,
    opened: Arc<AtomicUsize>,
    heard: watch::Sender<Vec<(u64, Instant)>>,
) {
    let Ok(mut response) = client.get(url).send().await else {
        return;
    };
    opened.fetch_add(1, Ordering::SeqCst);
    let mut unread = String::new();
    while let Ok(Some(chunk)) = response.chunk().await {
        unread.push_str(&String::from_utf8_lossy(&chunk));
        while let Some(end) = unread.find("\n\n") {
            let event: String = unread.drain(..end + 2).collect();
            let count = event
                .lines()
                .find_map(|line| line.strip_prefix("data: "))
                .and_then(|data| serde_json::from_str::<Value>(data).ok())
                .and_then(|data| data["count"].as_u64());
            if let Some(count) = count {
                let now = Instant::now();
                heard.send_modify(|counts| counts.push((count, now)));
            }
        }
    }
}

/// Signs once through the real flow; answers the new signature's number and when its
/// `201` came.
async fn sign(
    client: &reqwest::Client,
    args: &Args,
    n: u32,
    outbox: &mut Outbox,
) -> (u64, Instant) {
    let mobile = format!("+98937{:07}", std::process::id() % 10_000 * 100 + n);
    let started: Value = client
        .post(format!(
            "{}/api/v1/campaigns/{}/signatures",
            args.target, args.campaign
        ))
        .json(&json!({"name": format!("شنونده {n}"), "contact": mobile}))
        .send()
        .await
        .expect("ask for a code")
        .json()
        .await
        .expect("a verification");
    let verification = started["verification_id"]
        .as_str()
        .expect("a verification id");
    let code = code_for(&args.outbox, outbox, &mobile)
        .await
        .expect("the code");
    let confirmed = client
        .post(format!(
            "{}/api/v1/verifications/{verification}",
            args.target
        ))
        .json(&json!({"code": code}))
        .send()
        .await
        .expect("confirm");
    let at = Instant::now();
    assert_eq!(confirmed.status(), 201, "the signature was confirmed");
    let number: Value = confirmed.json().await.expect("the number");
    (number["number"].as_u64().expect("a number"), at)
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let at = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[at].as_secs_f64() * 1000.0
}

#[tokio::main]
async fn main() {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let args = Args::parse();
    let client = reqwest::Client::new();
    let url = format!("{}/api/v1/campaigns/{}/events", args.target, args.campaign);
    let (idle, _) = memory(args.pid);

    let opened = Arc::new(AtomicUsize::new(0));
    let mut hearings = Vec::with_capacity(args.streams);
    let began = Instant::now();
    for _ in 0..args.streams {
        let (heard, hearing) = watch::channel(Vec::new());
        hearings.push(hearing);
        tokio::spawn(follow(client.clone(), url.clone(), opened.clone(), heard));
    }
    while opened.load(Ordering::SeqCst) < args.streams && began.elapsed() < Duration::from_secs(120)
    {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let opening = began.elapsed();
    // Let every stream read its first event before measuring.
    tokio::time::sleep(Duration::from_secs(2)).await;
    let (with_streams, _) = memory(args.pid);
    println!(
        "streams: {} of {} open in {:.2} s; server memory {idle:.1} MiB before, {with_streams:.1} MiB with them ({:.1} KiB a stream)",
        opened.load(Ordering::SeqCst),
        args.streams,
        opening.as_secs_f64(),
        (with_streams - idle) * 1024.0 / args.streams as f64,
    );

    let mut outbox = Outbox::default();
    let mut delays = Vec::new();
    let mut unheard = 0;
    for n in 0..args.signatures {
        tokio::time::sleep(Duration::from_secs(2)).await;
        let (count, confirmed_at) = sign(&client, &args, n, &mut outbox).await;
        tokio::time::sleep(Duration::from_secs(3)).await;
        for hearing in &hearings {
            let heard = hearing.borrow();
            match heard.iter().find(|(seen, _)| *seen >= count) {
                Some((_, at)) => delays.push(at.saturating_duration_since(confirmed_at)),
                None => unheard += 1,
            }
        }
    }
    delays.sort();
    let (after, peak) = memory(args.pid);
    println!(
        "delay from 201 to event over {} hearings: p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms; unheard {unheard}",
        delays.len(),
        percentile(&delays, 0.50),
        percentile(&delays, 0.99),
        percentile(&delays, 1.0),
    );
    println!("server memory after: {after:.1} MiB, peak {peak:.1} MiB");
}
