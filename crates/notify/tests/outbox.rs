//! The worker against a real SQLite outbox and a real directory.

use std::sync::Arc;

use jiff::Timestamp;
use tokio::sync::Notify;
use tomar_core::contact::{Channel, Contact};
use tomar_core::message::OutboundMessage;
use tomar_core::secret::Secret;
use tomar_core::signature::WithdrawKey;
use tomar_core::verification::{NewVerification, Purpose, VerificationId};
use tomar_notify::{Delivery, FileOutbox, SmsGateway, SmtpMailer, Transport, Worker};
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
        channel,
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

/// A local stand-in for an SMS gateway: records each request's path and form or query.
async fn gateway_sink(status: u16) -> (String, Arc<std::sync::Mutex<Vec<String>>>) {
    use axum::extract::{RawQuery, State};
    use axum::http::{StatusCode, Uri};
    let seen = Arc::new(std::sync::Mutex::new(Vec::new()));
    let record = move |seen: Arc<std::sync::Mutex<Vec<String>>>, line: String| {
        seen.lock().unwrap().push(line);
        StatusCode::from_u16(status).unwrap()
    };
    let app = axum::Router::new()
        .fallback(
            move |State(seen): State<Arc<std::sync::Mutex<Vec<String>>>>,
                  uri: Uri,
                  RawQuery(query): RawQuery,
                  body: String| async move {
                record(
                    seen,
                    format!("{} {} {}", uri.path(), query.unwrap_or_default(), body),
                )
            },
        )
        .with_state(seen.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    (base, seen)
}

#[tokio::test]
async fn sms_goes_through_the_kavenegar_api_and_email_to_its_own_transport() {
    let db = TempSqlite::new().await;
    let dir = tempfile::tempdir().unwrap();
    let (base, seen) = gateway_sink(200).await;
    let gateway =
        SmsGateway::parse(&format!("kavenegar:TEST-KEY?sender=10004346&base={base}")).unwrap();
    let delivery = Delivery {
        sms: Transport::Sms(gateway),
        email: Transport::File(FileOutbox::new(dir.path(), false)),
    };
    let worker = Worker::new(db.store.clone(), delivery, Arc::new(Notify::new()));
    queue_to(&db.store, "v1", Channel::Sms, "+989121234567", "کد: ۱۲۳").await;
    queue(&db.store, "v2", "by email").await;
    assert_eq!(worker.deliver_due().await.unwrap(), 2);
    let requests = seen.lock().unwrap().clone();
    assert_eq!(requests.len(), 1, "{requests:?}");
    assert!(
        requests[0].starts_with("/v1/TEST-KEY/sms/send.json "),
        "{}",
        requests[0]
    );
    assert!(
        requests[0].contains("receptor=%2B989121234567"),
        "{}",
        requests[0]
    );
    assert!(requests[0].contains("sender=10004346"));
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        1,
        "email went to the file outbox"
    );
}

#[tokio::test]
async fn codes_go_through_kavenegars_verify_lookup_with_a_template_and_other_sms_through_send() {
    let db = TempSqlite::new().await;
    let (base, seen) = gateway_sink(200).await;
    let spec = format!("kavenegar:TEST-KEY?sender=10004346&lookup=tomar-code&base={base}");
    let worker = Worker::new(
        db.store.clone(),
        Delivery::all(Transport::Sms(SmsGateway::parse(&spec).unwrap())),
        Arc::new(Notify::new()),
    );
    let code = "482913 کد امضای شما در طومار است.\n\n@tomar.example #482913";
    queue_to(&db.store, "v1", Channel::Sms, "+989121234567", code).await;
    assert_eq!(worker.deliver_due().await.unwrap(), 1);
    queue_to(
        &db.store,
        "v2",
        Channel::Sms,
        "+989121234568",
        "خبر تازهٔ کارزار",
    )
    .await;
    assert_eq!(worker.deliver_due().await.unwrap(), 1);
    let requests = seen.lock().unwrap().clone();
    assert_eq!(
        requests[0],
        "/v1/TEST-KEY/verify/lookup.json  receptor=%2B989121234567&token=482913&template=tomar-code",
    );
    assert!(
        requests[1].starts_with("/v1/TEST-KEY/sms/send.json "),
        "a message without a code goes as text: {}",
        requests[1]
    );
}

#[tokio::test]
async fn a_template_gateway_gets_the_values_filled_in_and_its_failures_retried() {
    let db = TempSqlite::new().await;
    let (base, seen) = gateway_sink(503).await;
    let gateway = SmsGateway::parse(&format!("{base}/send?to={{to}}&text={{text}}&key=k")).unwrap();
    let worker = Worker::new(
        db.store.clone(),
        Delivery::all(Transport::Sms(gateway)),
        Arc::new(Notify::new()),
    );
    queue_to(&db.store, "v1", Channel::Sms, "+989121234567", "a b").await;
    assert_eq!(worker.deliver_due().await.unwrap(), 1);
    assert_eq!(
        seen.lock().unwrap()[0],
        "/send to=%2B989121234567&text=a%20b&key=k "
    );
    assert_eq!(
        worker.deliver_due().await.unwrap(),
        0,
        "not due again until its retry time"
    );
    let later = Timestamp::now()
        .checked_add(jiff::SignedDuration::from_mins(5))
        .unwrap();
    assert_eq!(
        db.store.claim_due_messages(later, later, 10).await.unwrap()[0].attempts,
        1
    );
}

/// A minimal SMTP server that accepts every message and keeps its DATA, one message per
/// connection.
/// What a local SMTP sink has received: the message texts.
type Received = Arc<std::sync::Mutex<Vec<String>>>;

/// A local SMTP server that accepts every message; with `tls`, only over implicit TLS
/// (as `smtps://` speaks it) with the test certificate in `tests/tls/`.
async fn smtp_sink(tls: Option<tokio_rustls::TlsAcceptor>) -> (u16, Received) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let received = Received::default();
    let store = received.clone();
    tokio::spawn(async move {
        while let Ok((socket, _)) = listener.accept().await {
            let store = store.clone();
            let tls = tls.clone();
            tokio::spawn(async move {
                match tls {
                    Some(acceptor) => {
                        if let Ok(stream) = acceptor.accept(socket).await {
                            smtp_session(stream, store).await;
                        }
                    }
                    None => smtp_session(socket, store).await,
                }
            });
        }
    });
    (port, received)
}

/// One SMTP conversation: every command answered with success, messages kept.
async fn smtp_session<S>(stream: S, store: Received)
where
    S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin,
{
    use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
    let (read, mut write) = tokio::io::split(stream);
    let mut lines = BufReader::new(read).lines();
    if write.write_all(b"220 sink ESMTP\r\n").await.is_err() {
        return;
    }
    let mut data: Option<String> = None;
    while let Ok(Some(line)) = lines.next_line().await {
        if let Some(body) = data.as_mut() {
            if line == "." {
                store.lock().unwrap().push(data.take().unwrap());
                let _ = write.write_all(b"250 queued\r\n").await;
            } else {
                body.push_str(&line);
                body.push('\n');
            }
            continue;
        }
        let verb = line
            .split_whitespace()
            .next()
            .unwrap_or("")
            .to_ascii_uppercase();
        let answer: &[u8] = match verb.as_str() {
            "EHLO" | "HELO" => b"250 sink\r\n",
            "DATA" => {
                data = Some(String::new());
                b"354 go on\r\n"
            }
            "QUIT" => {
                let _ = write.write_all(b"221 bye\r\n").await;
                let _ = write.flush().await;
                break;
            }
            _ => b"250 OK\r\n",
        };
        let _ = write.write_all(answer).await;
        let _ = write.flush().await;
    }
}

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

#[tokio::test]
async fn email_goes_through_smtp() {
    let db = TempSqlite::new().await;
    let (port, received) = smtp_sink(None).await;
    let mailer = SmtpMailer::new(
        &format!("smtp://127.0.0.1:{port}"),
        "Tomar <codes@tomar.example>",
    )
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let delivery = Delivery {
        sms: Transport::File(FileOutbox::new(dir.path(), false)),
        email: Transport::Smtp(mailer),
    };
    let worker = Worker::new(db.store.clone(), delivery, Arc::new(Notify::new()));
    queue(&db.store, "v1", "کد شما: ۱۲۳۴۵۶").await;
    assert_eq!(worker.deliver_due().await.unwrap(), 1);
    assert_eq!(worker.deliver_due().await.unwrap(), 0, "delivered once");
    let mails = received.lock().unwrap().clone();
    assert_eq!(mails.len(), 1);
    assert!(mails[0].contains("To: sara@example.org"), "{}", mails[0]);
    assert!(
        mails[0].contains("From: Tomar <codes@tomar.example>"),
        "{}",
        mails[0]
    );
    assert!(SmtpMailer::new("http://x", "a@b.c").is_err());
    assert!(SmtpMailer::new("smtp://localhost:25", "not an address").is_err());
}

#[tokio::test]
async fn email_goes_through_smtps_to_a_relay_with_a_private_authority() {
    let (port, received) = smtp_sink(Some(test_tls_acceptor())).await;
    let ca = test_tls_path("ca.pem");
    let message = OutboundMessage {
        channel: Channel::Email,
        recipient: "sara@example.org".into(),
        subject: "کد".into(),
        body: "کد شما: ۱۲۳۴۵۶".into(),
    };
    // Without the authority the relay's certificate is not trusted, and nothing is sent.
    let untrusted =
        SmtpMailer::new(&format!("smtps://localhost:{port}"), "Tomar <t@x.org>").unwrap();
    assert!(untrusted.deliver(&message).await.is_err());
    assert!(received.lock().unwrap().is_empty());

    let trusted = SmtpMailer::new(
        &format!("smtps://localhost:{port}?ca={ca}"),
        "Tomar <t@x.org>",
    )
    .unwrap();
    trusted.deliver(&message).await.unwrap();
    let received = received.lock().unwrap();
    assert_eq!(received.len(), 1);
    assert!(received[0].contains("sara@example.org"), "{}", received[0]);
    assert!(
        SmtpMailer::new("smtps://localhost:465?ca=/no/such/ca.pem", "t@x.org").is_err(),
        "a missing authority file is a configuration error"
    );
}

/// A local HTTPS gateway (the test certificate in `tests/tls/`) that answers every request
/// with 200 and keeps each request's body.
async fn https_gateway_sink() -> (u16, Received) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let acceptor = test_tls_acceptor();
    let received = Received::default();
    let store = received.clone();
    tokio::spawn(async move {
        while let Ok((socket, _)) = listener.accept().await {
            let (acceptor, store) = (acceptor.clone(), store.clone());
            tokio::spawn(async move {
                let Ok(mut stream) = acceptor.accept(socket).await else {
                    return;
                };
                let mut request = Vec::new();
                let mut buffer = [0u8; 4096];
                // The head, then as much body as Content-Length says.
                loop {
                    let Ok(n) = stream.read(&mut buffer).await else {
                        return;
                    };
                    if n == 0 {
                        return;
                    }
                    request.extend_from_slice(&buffer[..n]);
                    let text = String::from_utf8_lossy(&request).to_string();
                    if let Some((head, body)) = text.split_once("\r\n\r\n") {
                        let length = head
                            .lines()
                            .find_map(|l| {
                                l.to_ascii_lowercase()
                                    .strip_prefix("content-length:")
                                    .map(|v| v.trim().parse::<usize>().unwrap_or(0))
                            })
                            .unwrap_or(0);
                        if body.len() >= length {
                            store.lock().unwrap().push(body.to_owned());
                            break;
                        }
                    }
                }
                let answer = "{\"return\":{\"status\":200}}";
                let response = format!(
                    "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{answer}",
                    answer.len()
                );
                let _ = stream.write_all(response.as_bytes()).await;
                let _ = stream.shutdown().await;
            });
        }
    });
    (port, received)
}

#[tokio::test]
async fn sms_goes_over_https_to_a_gateway_with_a_private_authority() {
    let (port, received) = https_gateway_sink().await;
    let base = format!("https://localhost:{port}");
    let message = OutboundMessage {
        channel: Channel::Sms,
        recipient: "+989121234567".into(),
        subject: String::new(),
        body: "کد شما: ۱۲۳۴۵۶".into(),
    };
    let untrusted =
        SmsGateway::parse(&format!("kavenegar:TEST-KEY?sender=10004346&base={base}")).unwrap();
    assert!(
        untrusted.deliver(&message).await.is_err(),
        "an unknown authority is refused"
    );
    assert!(received.lock().unwrap().is_empty());
    let ca = test_tls_path("ca.pem");
    let trusted = SmsGateway::parse(&format!(
        "kavenegar:TEST-KEY?sender=10004346&base={base}&ca={ca}"
    ))
    .unwrap();
    trusted.deliver(&message).await.unwrap();
    let received = received.lock().unwrap();
    assert_eq!(received.len(), 1);
    assert!(
        received[0].contains("receptor=%2B989121234567"),
        "{}",
        received[0]
    );
    assert!(SmsGateway::parse("kavenegar:K?sender=1&ca=/no/such.pem").is_err());
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
