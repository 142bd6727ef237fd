//! Email through a local SMTP server, plain and over implicit TLS.

use super::*;

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
        telegram: Transport::File(FileOutbox::new(dir.path(), false)),
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
        route: Route::Email,
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
