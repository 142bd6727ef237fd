//! An acknowledged signature survives `kill -9`: the real binary is killed while
//! confirmations stream in, and every signature it had answered `201` for must still be
//! there, with the count matching the rows. On SQLite one process is killed and restarted;
//! on PostgreSQL three processes serve one database, one is killed, and the others carry
//! on: every code message went out exactly once, and each survivor's event stream reports
//! the final count.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use serde_json::json;
use tomar_loadgen::{confirm, listed};
use tomar_store::testing::{TempPostgres, postgres_server};

use crate::live::Events;
use crate::support::post_json;

pub(crate) fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A `tomar serve` process with the demo content and a file outbox of its own.
pub(crate) struct Server {
    child: Child,
    pub(crate) base: String,
    outbox: PathBuf,
}

impl Server {
    async fn start(db: &str, outbox: &Path, port: u16, extra: &[&str]) -> Server {
        Server::spawn(db, outbox, port, extra, None).await
    }

    /// As [`Server::start`], but as a deployment runs it: the demo content is made
    /// beforehand by `tomar demo`, and the server, without `--demo` (which also prints
    /// codes to the console), writes its log to `log` at debug level.
    pub(crate) async fn logging(db: &str, outbox: &Path, port: u16, log: &Path) -> Server {
        let demo = Command::new(env!("CARGO_BIN_EXE_tomar"))
            .args(["demo", "--database-url", db])
            .env("TOMAR_LOG", "off")
            .status()
            .unwrap();
        assert!(demo.success());
        Server::spawn(db, outbox, port, &[], Some(log)).await
    }

    async fn spawn(
        db: &str,
        outbox: &Path,
        port: u16,
        extra: &[&str],
        log: Option<&Path>,
    ) -> Server {
        let stderr = match log {
            Some(path) => Stdio::from(std::fs::File::create(path).unwrap()),
            None => Stdio::null(),
        };
        let mut child = Command::new(env!("CARGO_BIN_EXE_tomar"))
            .args([
                "serve",
                "--database-url",
                db,
                "--addr",
                &format!("127.0.0.1:{port}"),
            ])
            .args(log.is_none().then_some("--demo"))
            .args(extra)
            .arg("--outbox")
            .arg(outbox)
            .env("TOMAR_LOG", if log.is_some() { "debug" } else { "warn" })
            .stdout(Stdio::null())
            .stderr(stderr)
            .spawn()
            .expect("start tomar");
        let base = format!("http://127.0.0.1:{port}");
        let client = reqwest::Client::new();
        for _ in 0..200 {
            if client.get(format!("{base}/healthz")).send().await.is_ok() {
                return Server {
                    child,
                    base,
                    outbox: outbox.to_owned(),
                };
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let _ = child.kill();
        let _ = child.wait();
        panic!("tomar did not start");
    }

    /// `kill -9`.
    pub(crate) fn kill(&mut self) {
        self.child.kill().expect("kill -9");
        self.child.wait().unwrap();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Every message in these outboxes, as `(recipient, code)`.
fn messages(outboxes: &[&Path]) -> Vec<(String, String)> {
    let mut found = Vec::new();
    for outbox in outboxes {
        for entry in std::fs::read_dir(outbox).into_iter().flatten().flatten() {
            let text = std::fs::read_to_string(entry.path()).unwrap_or_default();
            let Some((headers, body)) = text.split_once("\n\n") else {
                continue;
            };
            let Some(recipient) = headers.lines().find_map(|l| l.strip_prefix("To: ")) else {
                continue;
            };
            let code = tomar_loadgen::code_in(body).unwrap_or_default();
            found.push((recipient.to_owned(), code));
        }
    }
    found
}

/// The code sent to each recipient, once the outboxes hold one for each.
async fn codes_for(outboxes: &[&Path], recipients: &[String]) -> HashMap<String, String> {
    for _ in 0..400 {
        let codes: HashMap<_, _> = messages(outboxes).into_iter().collect();
        if recipients.iter().all(|r| codes.contains_key(r)) {
            return codes;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("not every code arrived");
}

/// Asks for a code for `count` signers, the first through `bases[0]`, the next through
/// `bases[1]`, and so on; answers each verification with its signer's number.
async fn request_codes(bases: &[&str], count: u32, prefix: &str) -> Vec<(String, String)> {
    let client = reqwest::Client::new();
    let mut pending = Vec::new();
    for n in 0..count {
        let base = bases[n as usize % bases.len()];
        let mobile = format!("{prefix}{n:07}");
        let url = format!("{base}/api/v1/campaigns/clean-river/signatures");
        let request = json!({"name": format!("پایدار {n}"), "contact": mobile});
        let started = post_json(&client, url, request).await;
        let verification = started["verification_id"].as_str().unwrap().to_owned();
        pending.push((verification, mobile));
    }
    pending
}

/// Confirmations sent all at once, round the servers; each task answers the signature's
/// number if it was acknowledged. `acknowledged` counts them as they come.
fn confirm_all(
    bases: &[&str],
    pending: &[(String, String)],
    codes: &HashMap<String, String>,
    acknowledged: &Arc<AtomicUsize>,
) -> Vec<tokio::task::JoinHandle<Option<u64>>> {
    let client = reqwest::Client::new();
    pending
        .iter()
        .enumerate()
        .map(|(n, (verification, mobile))| {
            let url = format!(
                "{}/api/v1/verifications/{verification}",
                bases[n % bases.len()]
            );
            let code = codes[mobile].clone();
            tokio::spawn(confirm(client.clone(), url, code, acknowledged.clone()))
        })
        .collect()
}

/// Waits until `acknowledged` reaches `at_least`: the moment to kill.
async fn after_acknowledgements(acknowledged: &AtomicUsize, at_least: usize) {
    for _ in 0..400 {
        if acknowledged.load(Ordering::SeqCst) >= at_least {
            return;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

async fn numbers_acknowledged(
    confirmations: Vec<tokio::task::JoinHandle<Option<u64>>>,
) -> HashSet<u64> {
    let mut acknowledged = HashSet::new();
    for confirmation in confirmations {
        if let Some(number) = confirmation.await.unwrap() {
            acknowledged.insert(number);
        }
    }
    acknowledged
}

/// What every kill must leave true: nothing acknowledged is lost, the count is the rows.
fn assert_nothing_acknowledged_lost(
    acknowledged: &HashSet<u64>,
    listed: &HashSet<u64>,
    count: u64,
) {
    // Some confirmations are usually in flight when the kill lands; those may be lost,
    // but only unacknowledged ones.
    eprintln!("acknowledged: {}", acknowledged.len());
    assert!(
        acknowledged.len() >= 20,
        "the kill came after some acknowledgements"
    );
    let missing: Vec<_> = acknowledged.difference(listed).collect();
    assert!(missing.is_empty(), "acknowledged but lost: {missing:?}");
    assert_eq!(count, listed.len() as u64, "the count matches the rows");
}

#[tokio::test]
async fn acknowledged_signatures_survive_kill_9() {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite:{}", dir.path().join("tomar.db").display());
    let outbox = dir.path().join("outbox");
    let port = free_port();
    let mut server = Server::start(&db, &outbox, port, &[]).await;
    let bases = [server.base.clone()];
    let bases: Vec<&str> = bases.iter().map(String::as_str).collect();

    // Codes for 200 people first; then all confirm at once while the server is killed.
    let pending = request_codes(&bases, 200, "+98935").await;
    let recipients: Vec<_> = pending.iter().map(|(_, mobile)| mobile.clone()).collect();
    let codes = codes_for(&[&outbox], &recipients).await;
    let acknowledged = Arc::new(AtomicUsize::new(0));
    let confirmations = confirm_all(&bases, &pending, &codes, &acknowledged);
    after_acknowledgements(&acknowledged, 20).await;
    server.kill();
    let acknowledged = numbers_acknowledged(confirmations).await;

    let server = Server::start(&db, &outbox, port, &[]).await;
    let (listed, count) = listed(&reqwest::Client::new(), &server.base, "clean-river").await;
    assert_nothing_acknowledged_lost(&acknowledged, &listed, count);
}

#[tokio::test]
async fn three_processes_on_one_postgres_lose_nothing_when_one_is_killed() {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let Some(server) = postgres_server() else {
        return;
    };
    let database = TempPostgres::create(&server).await;
    let secret = "ab".repeat(32);
    let dir = tempfile::tempdir().unwrap();
    let mut servers = Vec::new();
    // One after the other: the first migrates and writes the demo content.
    for n in 0..3 {
        let outbox = dir.path().join(format!("outbox-{n}"));
        let extra = ["--secret", secret.as_str()];
        servers.push(Server::start(&database.url, &outbox, free_port(), &extra).await);
    }
    let bases: Vec<String> = servers.iter().map(|s| s.base.clone()).collect();
    let bases: Vec<&str> = bases.iter().map(String::as_str).collect();
    let outboxes: Vec<PathBuf> = servers.iter().map(|s| s.outbox.clone()).collect();
    let outboxes: Vec<&Path> = outboxes.iter().map(PathBuf::as_path).collect();

    let pending = request_codes(&bases, 300, "+98936").await;
    let recipients: Vec<_> = pending.iter().map(|(_, mobile)| mobile.clone()).collect();
    let codes = codes_for(&outboxes, &recipients).await;
    let mut streams = Vec::new();
    for base in &bases[1..] {
        streams.push(Events::open(base, "clean-river").await);
    }

    let acknowledged = Arc::new(AtomicUsize::new(0));
    let confirmations = confirm_all(&bases, &pending, &codes, &acknowledged);
    after_acknowledgements(&acknowledged, 30).await;
    servers[0].kill();
    let acknowledged = numbers_acknowledged(confirmations).await;

    let (listed, count) = listed(&reqwest::Client::new(), &servers[1].base, "clean-river").await;
    assert_nothing_acknowledged_lost(&acknowledged, &listed, count);
    for stream in &mut streams {
        stream.until(count).await;
    }
    let mut sent: HashMap<String, usize> = HashMap::new();
    for (recipient, _) in messages(&outboxes) {
        *sent.entry(recipient).or_default() += 1;
    }
    let twice: Vec<_> = sent.iter().filter(|(_, times)| **times != 1).collect();
    assert!(
        twice.is_empty(),
        "messages not sent exactly once: {twice:?}"
    );
    assert_eq!(sent.len(), recipients.len(), "a message for every signer");
    drop(servers);
    database.drop_database().await;
}

#[tokio::test]
async fn sigterm_ends_open_event_streams_and_the_process() {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite:{}", dir.path().join("tomar.db").display());
    let mut server = Server::start(&db, &dir.path().join("outbox"), free_port(), &[]).await;
    let mut stream = Events::open(&server.base, "clean-river").await;
    stream.next_count().await;
    let pid = server.child.id().to_string();
    let signalled = Command::new("kill").args(["-TERM", &pid]).status().unwrap();
    assert!(signalled.success());
    let mut exited = None;
    for _ in 0..200 {
        exited = server.child.try_wait().unwrap();
        if exited.is_some() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let status = exited.expect("an open event stream kept the process from stopping");
    assert!(status.success(), "{status}");
    assert!(stream.ended().await, "the stream ended with the process");
}
