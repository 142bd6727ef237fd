//! The worker against a real SQLite outbox and a real directory, and each transport against
//! a local stand-in: SMS and Telegram gateways over HTTP(S), mail servers over SMTP(S).

mod gateways;
mod smtp;

use std::sync::Arc;

use jiff::Timestamp;
use tokio::sync::Notify;
use tomar_core::contact::{Channel, Contact};
use tomar_core::message::{OutboundMessage, Route};
use tomar_core::secret::Secret;
use tomar_core::signature::WithdrawKey;
use tomar_core::verification::{NewVerification, Purpose, VerificationId};
use tomar_notify::{
    Delivery, FileOutbox, MemoryOutbox, SmsGateway, SmtpMailer, TelegramBot, Transport, Worker,
};
use tomar_store::testing::TempSqlite;
use tomar_store::{CodeLimits, CodeOutcome, CodeRequest, Store};

async fn queue(store: &Store, id: &str, body: &str) {
    queue_to(store, id, Channel::Email, "sara@example.org", body).await;
}

async fn queue_to(store: &Store, id: &str, channel: Channel, recipient: &str, body: &str) {
    let request = verification(id, channel, recipient, body);
    let queued = store.create_verifications(&[request], None).await.unwrap();
    assert!(matches!(queued[..], [CodeOutcome::Queued(_)]), "{queued:?}");
}

/// A login code for `recipient` and the message carrying it, under limits no test reaches.
fn verification(id: &str, channel: Channel, recipient: &str, body: &str) -> CodeRequest {
    let new = NewVerification {
        sealed_answers: None,
        id: VerificationId::from_stored(id.into()),
        purpose: Purpose::Login,
        campaign_id: None,
        contact_key: Secret::new(vec![7; 32])
            .unwrap()
            .contact_key(&Contact::parse(recipient).unwrap()),
        channel,
        code_hash: "h".into(),
        name: None,
        public: true,
        wants_updates: false,
        sealed_contact: None,
        withdraw_key: WithdrawKey::from_stored(format!("w-{id}")),
        client_key: "c".into(),
        email_domain: None,
        destination: String::new(),
        at: Timestamp::now(),
    };
    let message = OutboundMessage {
        route: channel.into(),
        recipient: recipient.into(),
        subject: "کد ورود".into(),
        body: body.into(),
    };
    let limits = CodeLimits {
        per_contact: u64::MAX,
        network_busy_after: u64::MAX,
        guesses_busy_after: u64::MAX,
    };
    CodeRequest {
        verification: new,
        message,
        limits,
    }
}

#[tokio::test]
async fn messages_become_files_once() {
    let db = TempSqlite::new().await;
    let dir = tempfile::tempdir().unwrap();
    let worker = Worker::new(
        db.store.clone(),
        Delivery::all(Transport::File(FileOutbox::new(dir.path(), false))),
        Arc::new(Notify::new()),
    );
    queue(&db.store, "v1", "کد شما: ۱۲۳۴۵۶").await;
    queue(&db.store, "v2", "دومی").await;
    assert_eq!(worker.deliver_due().await.unwrap(), 2);
    assert_eq!(
        worker.deliver_due().await.unwrap(),
        0,
        "sent messages are not sent again"
    );
    let mut names: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    assert_eq!(names.len(), 2);
    assert!(names[0].ends_with("-email.txt"), "{names:?}");
    let first = std::fs::read_to_string(dir.path().join(&names[0])).unwrap();
    assert!(first.starts_with("To: sara@example.org\nChannel: email\nSubject: کد ورود\n\n"));
    assert!(first.contains("کد شما: ۱۲۳۴۵۶"));
}

#[tokio::test]
async fn a_failing_transport_leaves_the_message_for_a_retry() {
    let db = TempSqlite::new().await;
    let dir = tempfile::tempdir().unwrap();
    let blocked = dir.path().join("not-a-directory");
    std::fs::write(&blocked, "a file where the outbox directory should be").unwrap();
    let worker = Worker::new(
        db.store.clone(),
        Delivery::all(Transport::File(FileOutbox::new(&blocked, false))),
        Arc::new(Notify::new()),
    );
    queue(&db.store, "v1", "body").await;
    assert_eq!(worker.deliver_due().await.unwrap(), 1);
    // Not due again until its retry time (30 s away), and not lost.
    assert_eq!(worker.deliver_due().await.unwrap(), 0);
    let later = Timestamp::now()
        .checked_add(jiff::SignedDuration::from_mins(5))
        .unwrap();
    let due = db.store.claim_due_messages(later, later, 10).await.unwrap();
    assert_eq!(due.len(), 1);
    assert_eq!(due[0].attempts, 1);
}

/// What a local SMTP sink has received: the message texts.
type Received = Arc<std::sync::Mutex<Vec<String>>>;

fn test_tls_path(name: &str) -> String {
    format!("{}/tests/tls/{name}", env!("CARGO_MANIFEST_DIR"))
}

/// The acceptor of the sink's TLS, with the test server certificate.
fn test_tls_acceptor() -> tokio_rustls::TlsAcceptor {
    use tokio_rustls::rustls;
    use tokio_rustls::rustls::pki_types::pem::PemObject;
    use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer};
    let _ = rustls::crypto::ring::default_provider().install_default();
    let certs: Vec<CertificateDer> = CertificateDer::pem_file_iter(test_tls_path("server.pem"))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let key = PrivateKeyDer::from_pem_file(test_tls_path("server.key")).unwrap();
    let config = rustls::ServerConfig::builder()
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .unwrap();
    tokio_rustls::TlsAcceptor::from(Arc::new(config))
}

/// Starts a worker delivering to `dir` that also takes messages handed over on the answered
/// sender, as `tomar serve` wires it; it runs until the test ends.
fn spawn_worker_with_handoff(
    store: &Store,
    dir: &std::path::Path,
) -> tokio::sync::mpsc::UnboundedSender<Vec<tomar_core::message::OutboxMessage>> {
    let (handoff, handed) = tokio::sync::mpsc::unbounded_channel();
    let worker = Worker::new(
        store.clone(),
        Delivery::all(Transport::File(FileOutbox::new(dir, false))),
        Arc::new(Notify::new()),
    )
    .with_handoff(handed);
    tokio::spawn(worker.run());
    handoff
}

/// The text of a message file in `dir` containing `needle`, looking until `within` has
/// passed; `None` if none came.
async fn message_containing(
    dir: &std::path::Path,
    needle: &str,
    within: std::time::Duration,
) -> Option<String> {
    let deadline = tokio::time::Instant::now() + within;
    loop {
        let found = std::fs::read_dir(dir)
            .unwrap()
            .filter_map(|entry| std::fs::read_to_string(entry.unwrap().path()).ok())
            .find(|text| text.contains(needle));
        if found.is_some() || tokio::time::Instant::now() > deadline {
            return found;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
}

/// The hot path of signing: the writer commits a code and hands its message to the worker,
/// which delivers it and records it sent, with no claiming in between.
#[tokio::test]
async fn codes_handed_over_by_the_signing_writer_are_delivered_and_recorded() {
    let db = TempSqlite::new().await;
    let dir = tempfile::tempdir().unwrap();
    let handoff = spawn_worker_with_handoff(&db.store, dir.path());
    let writer = tomar_store::SigningWriter::start(db.store.clone(), Some(handoff));
    let request = verification("v1", Channel::Sms, "+989121234567", "کد: ۴۵۶");
    writer.send_code(request).await.unwrap();

    let text = message_containing(dir.path(), "کد: ۴۵۶", std::time::Duration::from_secs(30))
        .await
        .expect("never delivered");
    assert!(text.starts_with("To: +989121234567\n"), "{text}");
    // Recorded as sent: even once its lease has lapsed, nobody claims it again.
    let later = Timestamp::now()
        .checked_add(tomar_store::OUTBOX_LEASE)
        .unwrap()
        .checked_add(jiff::SignedDuration::from_secs(1))
        .unwrap();
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(30);
    loop {
        let claimed = db.store.claim_due_messages(later, later, 10).await.unwrap();
        if claimed.is_empty() {
            break;
        }
        // Claimed before the worker recorded it: give the claim back and look again.
        assert!(
            tokio::time::Instant::now() < deadline,
            "never recorded as sent"
        );
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
}

/// A surge keeps handing messages over; a message only a claim finds (here one queued
/// without waking the worker, as a retry falls due) must still go out at the next poll.
#[tokio::test]
async fn handed_messages_do_not_postpone_the_poll() {
    let db = TempSqlite::new().await;
    let dir = tempfile::tempdir().unwrap();
    let handoff = spawn_worker_with_handoff(&db.store, dir.path());
    // Let the worker's first claim find nothing, so only the poll can find what follows.
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    queue(&db.store, "due", "found by the poll").await;
    let surge = tokio::spawn(async move {
        for n in 0.. {
            let message = verification("x", Channel::Sms, "+989121234567", "handed").message;
            let held = tomar_core::message::OutboxMessage {
                id: 1_000_000 + n,
                message,
                attempts: 0,
            };
            if handoff.send(vec![held]).is_err() {
                return;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
    });
    let found = message_containing(
        dir.path(),
        "found by the poll",
        std::time::Duration::from_secs(20),
    )
    .await;
    surge.abort();
    assert!(
        found.is_some(),
        "the due message waited for the surge to end"
    );
}
