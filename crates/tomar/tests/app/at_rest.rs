//! What a copy of the database files shows: after a signature, neither the signer's number,
//! nor their code, nor the withdrawal link in their message, nor the secret.

use std::os::unix::fs::PermissionsExt;

use crate::support::{Browser, TestApp, code_in, location};

/// The database file and its write-ahead log, as bytes.
fn database_bytes(app: &TestApp) -> Vec<u8> {
    let path = app.sqlite_file().expect("on SQLite");
    let mut bytes = std::fs::read(path).unwrap();
    let mut wal = path.as_os_str().to_owned();
    wal.push("-wal");
    if let Ok(log) = std::fs::read(std::path::PathBuf::from(wal)) {
        bytes.extend(log);
    }
    bytes
}

fn holds(bytes: &[u8], text: &str) -> bool {
    bytes
        .windows(text.len())
        .any(|window| window == text.as_bytes())
}

#[tokio::test]
async fn a_copy_of_the_database_gives_away_no_contact_code_link_or_secret() {
    let app = TestApp::demo().await;
    let signer = Browser::open(&app, "/library-hours").await;
    // By email, whose message carries the withdrawal link (an SMS carries only its code).
    let fields = [
        ("name", "نگار امینی"),
        ("contact", "negar.amini@example.org"),
    ];
    let code_page = location(&signer.post(&app, "/library-hours/sign", &fields).await);
    let message = app.message_to("negar.amini@example.org").await;
    let code = code_in(&message);
    let link = message
        .split_whitespace()
        .find(|word| word.contains("/withdraw/"))
        .expect("a withdrawal link")
        .to_owned();
    let token = link.rsplit('/').next().unwrap().to_owned();
    location(&signer.post(&app, &code_page, &[("code", &code)]).await);
    // The delivery is recorded just after the message is handed over.
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    app.store.truncate_journal().await.unwrap();

    let bytes = database_bytes(&app);
    let persian_code = tomar_core::language::Language::Fa.digits(&code);
    for (what, text) in [
        ("the address", "negar.amini"),
        ("the code", persian_code.as_str()),
        ("the code in ASCII", code.as_str()),
        ("the withdrawal token", token.as_str()),
    ] {
        assert!(!holds(&bytes, text), "{what} is in the database files");
    }
    let secret = app.secret().await.to_hex();
    assert!(!holds(&bytes, &secret), "the secret is in the database");
    let mut secret_file = app.sqlite_file().unwrap().as_os_str().to_owned();
    secret_file.push(".secret");
    let mode = std::fs::metadata(std::path::PathBuf::from(secret_file))
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o600);
}
