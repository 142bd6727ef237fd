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

/// Whether `code` stands on its own in `bytes`: not inside a longer run of letters and digits.
/// Six ASCII digits turn up by chance inside the hex of hashes and keys, so a bare search for
/// them fails about once in a few dozen runs; a code that leaks is written as itself (a column's
/// value, "code: 123456" in a message), with no letter or digit touching it.
fn holds_on_its_own(bytes: &[u8], code: &str) -> bool {
    let code = code.as_bytes();
    let touches = |byte: Option<&u8>| byte.is_some_and(u8::is_ascii_alphanumeric);
    bytes.windows(code.len()).enumerate().any(|(at, window)| {
        window == code
            && !touches(at.checked_sub(1).and_then(|before| bytes.get(before)))
            && !touches(bytes.get(at + code.len()))
    })
}

/// Every stored value, of every column of every table, that holds `code` on its own. A value
/// is read whole, so a code kept in a column of its own is found even where the bytes of the
/// column before it end in a letter.
async fn values_holding(file: &std::path::Path, code: &str) -> Vec<String> {
    use sqlx::Connection;
    let options = sqlx::sqlite::SqliteConnectOptions::new()
        .filename(file)
        .read_only(true);
    let mut database = sqlx::SqliteConnection::connect_with(&options)
        .await
        .unwrap();
    let tables: Vec<String> =
        sqlx::query_scalar("SELECT name FROM sqlite_master WHERE type = 'table'")
            .fetch_all(&mut database)
            .await
            .unwrap();
    let mut found = Vec::new();
    for table in tables {
        let columns: Vec<String> = sqlx::query_scalar("SELECT name FROM pragma_table_info(?1)")
            .bind(&table)
            .fetch_all(&mut database)
            .await
            .unwrap();
        for column in columns {
            let query = format!(
                r#"SELECT CAST("{column}" AS TEXT) FROM "{table}"
                   WHERE instr(CAST("{column}" AS TEXT), ?1) > 0"#
            );
            let values: Vec<String> = sqlx::query_scalar(sqlx::AssertSqlSafe(query))
                .bind(code)
                .fetch_all(&mut database)
                .await
                .unwrap();
            found.extend(
                values
                    .into_iter()
                    .filter(|value| holds_on_its_own(value.as_bytes(), code))
                    .map(|value| format!("{table}.{column}: {value}")),
            );
        }
    }
    found
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
        ("the withdrawal token", token.as_str()),
    ] {
        assert!(!holds(&bytes, text), "{what} is in the database files");
    }
    assert!(
        !holds_on_its_own(&bytes, &code),
        "the code in ASCII is in the database files"
    );
    let database = app.sqlite_file().unwrap();
    assert_eq!(
        values_holding(database, &code).await,
        Vec::<String>::new(),
        "the code in ASCII is in the database"
    );
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

#[test]
fn a_code_on_its_own_is_told_from_the_same_digits_inside_a_hash() {
    assert!(holds_on_its_own(b"code: 482913.", "482913"));
    assert!(holds_on_its_own(b"482913", "482913"));
    assert!(holds_on_its_own(b"\x01\x17482913\x03", "482913"));
    assert!(!holds_on_its_own(b"9fa482913c0", "482913"));
    assert!(!holds_on_its_own(b"14829130", "482913"));
}
