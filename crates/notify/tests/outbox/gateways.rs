//! The HTTP gateways: SMS (Kavenegar, a URL template, over HTTPS with a private authority)
//! and Telegram's Bot API.

use super::*;

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
        telegram: Transport::Memory(MemoryOutbox::default()),
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
        route: Route::Sms,
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

/// A post for the platform's channel, as the web side writes one.
fn channel_post(text: &str) -> OutboundMessage {
    OutboundMessage {
        route: Route::Telegram,
        recipient: "@tomar_channel".into(),
        subject: String::new(),
        body: text.into(),
    }
}

#[tokio::test]
async fn channel_posts_go_to_the_bot_api_and_nothing_else_does() {
    let (base, seen) = gateway_sink(200).await;
    let people = MemoryOutbox::default();
    let delivery = Delivery {
        sms: Transport::Memory(people.clone()),
        email: Transport::Memory(people.clone()),
        telegram: Transport::Telegram(TelegramBot::new("123456:TEST-token_1", &base).unwrap()),
    };
    delivery
        .deliver(1, &channel_post("کارزار «آب» منتشر شد & امضا می‌پذیرد"))
        .await
        .unwrap();
    let code = verification("v1", Channel::Sms, "+989121234567", "کد: ۱۲۳").message;
    delivery.deliver(2, &code).await.unwrap();
    let requests = seen.lock().unwrap().clone();
    assert_eq!(
        requests.len(),
        1,
        "only the post reached the bot: {requests:?}"
    );
    let (path, form) = requests[0].split_once("  ").unwrap();
    assert_eq!(path, "/bot123456:TEST-token_1/sendMessage");
    let fields: Vec<(String, String)> = form
        .split('&')
        .map(|pair| {
            let (key, value) = pair.split_once('=').unwrap();
            (key.to_owned(), percent_decoded(value))
        })
        .collect();
    assert_eq!(
        fields,
        [
            ("chat_id".to_owned(), "@tomar_channel".to_owned()),
            (
                "text".to_owned(),
                "کارزار «آب» منتشر شد & امضا می‌پذیرد".to_owned()
            ),
        ]
    );
    assert_eq!(people.messages(), [code], "the code went to its person");
}

#[tokio::test]
async fn a_refused_post_is_a_failure_that_does_not_name_the_token() {
    let (base, seen) = gateway_sink(403).await;
    let bot = TelegramBot::new("123456:SECRET-token", &base).unwrap();
    let error = Delivery::all(Transport::Telegram(bot))
        .deliver(1, &channel_post("خبر"))
        .await
        .unwrap_err()
        .to_string();
    assert_eq!(seen.lock().unwrap().len(), 1);
    assert!(error.contains("403"), "{error}");
    assert!(!error.contains("SECRET"), "{error}");
    // Nobody listening: a network failure, said without the address that holds the token.
    let closed = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let gone = format!("http://{}", closed.local_addr().unwrap());
    drop(closed);
    let error = TelegramBot::new("123456:SECRET-token", &gone)
        .unwrap()
        .deliver(&channel_post("خبر"))
        .await
        .unwrap_err()
        .to_string();
    assert!(!error.contains("SECRET"), "{error}");
}

/// A form value as it was before encoding (`+` for a space, `%XX` for a byte).
fn percent_decoded(value: &str) -> String {
    let bytes = value.replace('+', " ").into_bytes();
    let mut decoded = Vec::new();
    let mut at = 0;
    while at < bytes.len() {
        if bytes[at] == b'%' {
            let hex = std::str::from_utf8(&bytes[at + 1..at + 3]).unwrap();
            decoded.push(u8::from_str_radix(hex, 16).unwrap());
            at += 3;
        } else {
            decoded.push(bytes[at]);
            at += 1;
        }
    }
    String::from_utf8(decoded).unwrap()
}
