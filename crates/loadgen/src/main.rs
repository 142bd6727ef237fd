//! `tomar-loadgen`: signs a campaign many times over, the way real clients do, against a
//! running Tomar whose file outbox it can read:
//!
//! 1. `POST /api/v1/campaigns/{c}/signatures` with a distinct mobile number per signer;
//! 2. the code is read from the message the server delivered to its file outbox (as a
//!    developer reads it in demo mode: there is no test-only shortcut in the server);
//! 3. `POST /api/v1/verifications/{id}` with the code.
//!
//! Signers come from `--networks` loopback networks (127.0.1.1, 127.0.2.1, …: different
//! /24s to the server's per-network limit), as a surge comes from many places; so the run
//! needs no raised limits, and the target must be a loopback address.
//!
//! It reports confirmed signatures per second, latency percentiles of both steps, the CPU
//! time of the server (by pid) and of itself, and, for comparison in the same run, the
//! plain-HTTP ceiling: the same client fetching a static file from the same server. Last,
//! it checks that every confirmed signature is in the campaign's public list.

use std::collections::{HashMap, HashSet};
use std::net::{IpAddr, Ipv4Addr};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use clap::Parser;
use serde_json::{Value, json};
use tokio::sync::oneshot;
use tomar_loadgen::{code_in, listed};

#[derive(Parser)]
struct Args {
    /// Tomar's address, e.g. http://127.0.0.1:8080; several, comma-separated, for several
    /// processes on one database (signer n goes to the n-th, round the list).
    #[arg(long, value_delimiter = ',', required = true)]
    target: Vec<String>,
    /// The server's file outbox directory.
    #[arg(long)]
    outbox: PathBuf,
    /// The open campaign to sign (number or slug).
    #[arg(long)]
    campaign: String,
    /// How many people sign.
    #[arg(long, default_value_t = 5000)]
    signers: u32,
    /// Signers in flight at once.
    #[arg(long, default_value_t = 64)]
    concurrency: u32,
    /// The servers' process ids, comma-separated, to report their CPU time.
    #[arg(long, value_delimiter = ',')]
    server_pid: Vec<u32>,
    /// Offsets the signers' numbers, so that runs against one database do not collide.
    #[arg(long, default_value_t = 0)]
    first_signer: u32,
    /// Loopback networks the signers come from (at most 254).
    #[arg(long, default_value_t = 64)]
    networks: u8,
}

/// User plus system CPU seconds of a process, from /proc.
fn cpu_seconds(pid: &str) -> f64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    let fields: Vec<&str> = stat
        .rsplit(')')
        .next()
        .unwrap_or("")
        .split_whitespace()
        .collect();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|v| v.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    // utime and stime are fields 14 and 15 of the line, 12 and 13 after the name.
    (ticks(11) + ticks(12)) / 100.0
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[index].as_secs_f64() * 1000.0
}

type Waiting = Arc<Mutex<HashMap<String, oneshot::Sender<String>>>>;

/// Watches the outbox directory and hands each code to the signer waiting for it. Read
/// messages are removed, so each look at the directory costs what is new, not what is old.
async fn read_codes(outbox: PathBuf, waiting: Waiting) {
    loop {
        if let Ok(entries) = std::fs::read_dir(&outbox) {
            for entry in entries.flatten() {
                let name = entry.file_name().to_string_lossy().into_owned();
                if !name.ends_with(".txt") {
                    continue;
                }
                let Ok(text) = std::fs::read_to_string(entry.path()) else {
                    continue;
                };
                let _ = std::fs::remove_file(entry.path());
                let recipient = text
                    .lines()
                    .next()
                    .and_then(|l| l.strip_prefix("To: "))
                    .unwrap_or("");
                let body = text.split_once("\n\n").map_or("", |(_, body)| body);
                let code = code_in(body).unwrap_or_default();
                if let Some(sender) = waiting.lock().unwrap().remove(recipient) {
                    let _ = sender.send(code);
                }
            }
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

struct Outcome {
    requested: Duration,
    confirmed: Duration,
    number: Option<u64>,
}

async fn sign(
    client: &reqwest::Client,
    args: &Args,
    waiting: &Waiting,
    n: u32,
) -> Result<Outcome, String> {
    let mobile = format!("+98912{:07}", n);
    let target = &args.target[n as usize % args.target.len()];
    let (sender, code) = oneshot::channel();
    waiting.lock().unwrap().insert(mobile.clone(), sender);
    let started = Instant::now();
    let response = client
        .post(format!(
            "{target}/api/v1/campaigns/{}/signatures",
            args.campaign
        ))
        .json(&json!({"name": format!("امضاکننده آزمون {n}"), "contact": mobile, "public": true}))
        .send()
        .await
        .map_err(|e| e.to_string())?;
    if response.status() != 202 {
        return Err(format!("request: {}", response.status()));
    }
    let requested = started.elapsed();
    let body: Value = response.json().await.map_err(|e| e.to_string())?;
    let verification = body["verification_id"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let code = tokio::time::timeout(Duration::from_secs(30), code)
        .await
        .map_err(|_| "no code within 30 s".to_owned())?
        .map_err(|_| "code reader stopped".to_owned())?;
    let confirming = Instant::now();
    let response = client
        .post(format!("{target}/api/v1/verifications/{verification}"))
        .json(&json!({"code": code}))
        .send()
        .await
        .map_err(|e| e.to_string())?;
    let status = response.status();
    let body: Value = response.json().await.map_err(|e| e.to_string())?;
    if status != 201 {
        return Err(format!("confirm: {status} {body}"));
    }
    Ok(Outcome {
        requested,
        confirmed: confirming.elapsed(),
        number: body["number"].as_u64(),
    })
}

/// Requests per second and p99 latency of fetching a static file, with the same client.
async fn http_ceiling(client: &reqwest::Client, args: &Args) -> (f64, f64) {
    let requests = args.signers.max(2000) * 2;
    let per_task = requests / args.concurrency;
    let started = Instant::now();
    let tasks: Vec<_> = (0..args.concurrency)
        .map(|_| {
            let client = client.clone();
            let url = format!("{}/static/favicon.svg", args.target[0]);
            tokio::spawn(async move {
                let mut latencies = Vec::with_capacity(per_task as usize);
                for _ in 0..per_task {
                    let at = Instant::now();
                    if let Ok(response) = client.get(&url).send().await {
                        let _ = response.bytes().await;
                    }
                    latencies.push(at.elapsed());
                }
                latencies
            })
        })
        .collect();
    let mut latencies = Vec::new();
    for task in tasks {
        latencies.extend(task.await.unwrap_or_default());
    }
    let rate = latencies.len() as f64 / started.elapsed().as_secs_f64();
    latencies.sort();
    (rate, percentile(&latencies, 0.99))
}

#[tokio::main]
async fn main() {
    let args = Arc::new(Args::parse());
    // reqwest's TLS (needed by the SMS gateway in the same workspace) wants a crypto
    // provider chosen once per process, even for plain http.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let networks = args.networks.clamp(1, 254);
    let clients: Vec<reqwest::Client> = (1..=networks)
        .map(|network| {
            reqwest::Client::builder()
                .local_address(IpAddr::V4(Ipv4Addr::new(127, 0, network, 1)))
                .pool_max_idle_per_host(args.concurrency as usize)
                .build()
                .unwrap()
        })
        .collect();
    let client = clients[0].clone();
    let server_pid: Vec<String> = args.server_pid.iter().map(u32::to_string).collect();
    let cpu = |pids: &[String]| pids.iter().map(|pid| cpu_seconds(pid)).sum::<f64>();

    let (ceiling_rate, ceiling_p99) = http_ceiling(&client, &args).await;

    let waiting: Waiting = Arc::new(Mutex::new(HashMap::new()));
    tokio::spawn(read_codes(args.outbox.clone(), waiting.clone()));
    let server_cpu = cpu(&server_pid);
    let client_cpu = cpu_seconds("self");
    let started = Instant::now();
    let next = Arc::new(std::sync::atomic::AtomicU32::new(0));
    let tasks: Vec<_> = (0..args.concurrency as usize)
        .map(|task| {
            let client = clients[task % clients.len()].clone();
            let (args, waiting, next) = (args.clone(), waiting.clone(), next.clone());
            tokio::spawn(async move {
                let mut outcomes = Vec::new();
                loop {
                    let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    if i >= args.signers {
                        return outcomes;
                    }
                    outcomes.push(sign(&client, &args, &waiting, args.first_signer + i).await);
                }
            })
        })
        .collect();
    let mut outcomes = Vec::new();
    for task in tasks {
        outcomes.extend(task.await.unwrap_or_default());
    }
    let elapsed = started.elapsed().as_secs_f64();
    let server_cpu = cpu(&server_pid) - server_cpu;
    let client_cpu = cpu_seconds("self") - client_cpu;

    let errors: Vec<&String> = outcomes.iter().filter_map(|o| o.as_ref().err()).collect();
    let done: Vec<&Outcome> = outcomes.iter().filter_map(|o| o.as_ref().ok()).collect();
    let mut requested: Vec<Duration> = done.iter().map(|o| o.requested).collect();
    let mut confirmed: Vec<Duration> = done.iter().map(|o| o.confirmed).collect();
    requested.sort();
    confirmed.sort();
    let numbers: HashSet<u64> = done.iter().filter_map(|o| o.number).collect();

    // Every confirmed signature must be in the public list afterwards.
    let (listed, _) = listed(&client, &args.target[0], &args.campaign).await;
    let missing = numbers.difference(&listed).count();

    println!(
        "signers: {} confirmed, {} failed, in {elapsed:.2} s",
        done.len(),
        errors.len()
    );
    if let Some(first) = errors.first() {
        println!("first failure: {first}");
    }
    println!(
        "confirmed signatures per second: {:.0}",
        done.len() as f64 / elapsed
    );
    println!(
        "request code  latency ms: p50 {:.1}  p99 {:.1}",
        percentile(&requested, 0.5),
        percentile(&requested, 0.99)
    );
    println!(
        "confirm code  latency ms: p50 {:.1}  p99 {:.1}",
        percentile(&confirmed, 0.5),
        percentile(&confirmed, 0.99)
    );
    println!(
        "cpu seconds: server {server_cpu:.1}, client {client_cpu:.1} (of {:.1} wall on 2 cores)",
        elapsed * 2.0
    );
    println!(
        "plain-HTTP ceiling (static file, same client): {ceiling_rate:.0} requests/s, p99 {ceiling_p99:.1} ms"
    );
    println!("confirmed signatures missing from the public list: {missing}");
    if missing > 0 || !errors.is_empty() {
        std::process::exit(1);
    }
}
