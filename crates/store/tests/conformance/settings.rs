//! Platform settings.

use tomar_store::Store;

conformance!(settings_are_set_and_replaced,);

async fn settings_are_set_and_replaced(store: Store) {
    assert!(store.settings().await.unwrap().is_empty());
    store
        .set_setting("channel.telegram", "https://t.me/a")
        .await
        .unwrap();
    store
        .set_setting("channel.telegram", "https://t.me/b")
        .await
        .unwrap();
    let settings = store.settings().await.unwrap();
    assert_eq!(
        settings.get("channel.telegram").map(String::as_str),
        Some("https://t.me/b")
    );
    assert_eq!(settings.len(), 1);
    store.forget_setting("channel.telegram").await.unwrap();
    store.forget_setting("never.set").await.unwrap();
    assert!(store.settings().await.unwrap().is_empty());
    store
        .set_settings(&[("a.b", "1".into()), ("c", "سه".into())])
        .await
        .unwrap();
    let settings = store.settings().await.unwrap();
    assert_eq!(settings.get("a.b").map(String::as_str), Some("1"));
    assert_eq!(settings.get("c").map(String::as_str), Some("سه"));
}
