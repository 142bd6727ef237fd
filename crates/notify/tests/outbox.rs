//! The worker against a real SQLite outbox and a real directory.

use std::sync::Arc;

use jiff::Timestamp;
use tokio::sync::Notify;
use tomar_core::message::OutboundMessage;
use tomar_core::signature::{Channel, Contact};
use tomar_core::verification::{NewVerification, Purpose};
use tomar_notify::{FileOutbox, Transport, Worker};
use tomar_store::Store;
use tomar_store::testing::TempSqlite;

async fn queue(store: &Store, id: &str, body: &str) {
    let new = NewVerification {
        id: id.into(),
        purpose: Purpose::Login,
        campaign_id: None,
        contact_key: Contact::parse("sara@example.org").unwrap().key(b"k"),
        channel: Channel::Email,
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
        channel: Channel::Email,
        recipient: "sara@example.org".into(),
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
        Transport::File(FileOutbox::new(dir.path(), false)),
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
        Transport::File(FileOutbox::new(&blocked, false)),
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
