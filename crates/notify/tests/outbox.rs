//! The worker against a real SQLite outbox and a real directory.

use std::sync::Arc;

use jiff::Timestamp;
use tokio::sync::Notify;
use tomar_core::message::OutboundMessage;
use tomar_core::signature::{Channel, Contact};
use tomar_core::verification::{NewVerification, Purpose};
use tomar_notify::{Delivery, FileOutbox, SmsGateway, SmtpMailer, Transport, Worker};
use tomar_store::Store;
use tomar_store::testing::TempSqlite;

async fn queue(store: &Store, id: &str, body: &str) {
    queue_to(store, id, Channel::Email, "sara@example.org", body).await;
}

async fn queue_to(store: &Store, id: &str, channel: Channel, recipient: &str, body: &str) {
    let new = NewVerification {
        id: id.into(),
        purpose: Purpose::Login,
        campaign_id: None,
        contact_key: Contact::parse(recipient).unwrap().key(b"k"),
        channel,
        code_hash: "h".into(),
        name: None,
        public: true,
        wants_updates: false,
        sealed_contact: None,
        withdraw_key: format!("w-{id}"),
        client_key: "c".into(),
        at: Timestamp::now(),
    };
    let message = OutboundMessage {
        channel,
        recipient: recipient.into(),
        subject: "کد ورود".into(),
        body: body.into(),
    };
    store.create_verification(&new, &message).await.unwrap();
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
async fn smtp_sink() -> (u16, Arc<std::sync::Mutex<Vec<String>>>) {
    use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let received = Arc::new(std::sync::Mutex::new(Vec::new()));
    let store = received.clone();
    tokio::spawn(async move {
        while let Ok((socket, _)) = listener.accept().await {
            let store = store.clone();
            tokio::spawn(async move {
                let (read, mut write) = socket.into_split();
                let mut lines = BufReader::new(read).lines();
                write.write_all(b"220 sink ESMTP\r\n").await.unwrap();
                let mut data: Option<String> = None;
                while let Ok(Some(line)) = lines.next_line().await {
                    if let Some(body) = data.as_mut() {
                        if line == "." {
                            store.lock().unwrap().push(data.take().unwrap());
                            write.write_all(b"250 queued\r\n").await.unwrap();
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
                            write.write_all(b"221 bye\r\n").await.unwrap();
                            break;
                        }
                        _ => b"250 OK\r\n",
                    };
                    write.write_all(answer).await.unwrap();
                }
            });
        }
    });
    (port, received)
}

#[tokio::test]
async fn email_goes_through_smtp() {
    let db = TempSqlite::new().await;
    let (port, received) = smtp_sink().await;
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
