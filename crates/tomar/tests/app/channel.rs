//! The platform's Telegram channel: an admin names it on /admin, and from then on the channel
//! hears, in Persian, when a campaign is approved, delivered and succeeds, each once. (The
//! bot's HTTP requests are tested against a stand-in in tomar-notify; here posts reach the
//! memory outbox, as they reach the file outbox when no bot is configured.)

use reqwest::StatusCode;
use tomar_core::member::Role;
use tomar_store::testing::outbox_routes;

use tomar_core::campaign::Campaign;

use crate::support::{Browser, TestApp};

const CHAT: &str = "@tomar_news";

/// A moderator who has just approved the demo's campaign in review, the campaign, and its
/// review page.
async fn approving(app: &TestApp) -> (Browser, Campaign, String) {
    let moderator = app.log_in("09121110000", Role::Moderator).await;
    let campaign = app.campaign("under-review").await;
    let review = format!("/moderation/campaigns/{}", campaign.id);
    moderator.post(app, &format!("{review}/approve"), &[]).await;
    (moderator, campaign, review)
}

#[tokio::test]
async fn the_channel_hears_of_an_approval_a_delivery_and_a_success_once_each() {
    let app = TestApp::demo().await;
    let admin = app.log_in("09127770000", Role::Admin).await;
    for wrong in ["https://t.me/tomar_news", "@tom", "@<b>x</b>", "tomar news"] {
        let refused = admin
            .post(&app, "/admin/settings", &[("channel.telegram_chat", wrong)])
            .await;
        assert_eq!(
            refused.status(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "{wrong}"
        );
        let page = refused.text().await.unwrap();
        assert!(page.contains("کانال تلگرام را با @ و نامش"), "{page}");
    }
    assert!(
        !app.store
            .settings()
            .await
            .unwrap()
            .contains_key("channel.telegram_chat")
    );
    let saved = admin
        .post(
            &app,
            "/admin/settings",
            &[("channel.telegram_chat", " @tomar_news ")],
        )
        .await;
    admin
        .confirmed(&app, &saved, "تنظیم‌ها ذخیره شد و اثر کرد.")
        .await;
    assert!(
        admin
            .page(&app, "/admin")
            .await
            .contains(r#"value="@tomar_news""#)
    );

    let (moderator, campaign, review) = approving(&app).await;
    let approved = app.message_saying(CHAT, "کارزار تازه").await;
    let title = campaign.text.title.as_ref();
    assert!(approved.contains(&format!("«{title}»")), "{approved}");
    assert!(
        approved.contains(&format!("{}/{}", app.base, campaign.id)),
        "{approved}"
    );
    assert!(
        approved.contains(&format!("#{}", campaign.text.hashtag)),
        "{approved}"
    );
    let (name, position) = &campaign.text.addressee_lines()[0];
    assert!(
        approved.contains(&format!("{name}، {position}")),
        "{approved}"
    );

    for _ in 0..3 {
        moderator.mark_delivered(&app, &review).await;
    }
    let told = app.message_saying(CHAT, "تحویل داده شد").await;
    assert!(told.contains(&format!("«{title}» با ")), "{told}");
    let won = [
        ("outcome", "succeeded"),
        ("news_url", "https://news.example/won"),
    ];
    moderator
        .post(&app, &format!("{review}/outcome"), &won)
        .await;
    app.message_saying(CHAT, "https://news.example/won").await;
    let queued = outbox_routes(&app.store).await;
    let posts = queued.iter().filter(|route| *route == "telegram").count();
    assert_eq!(posts, 3, "one post each, however often saved: {queued:?}");
    let posts = app.messages_to(CHAT);
    assert_eq!(posts.len(), 3, "{posts:#?}");
    assert!(posts[2].contains("به نتیجه رسید"), "{}", posts[2]);
}

#[tokio::test]
async fn without_a_channel_nothing_is_posted() {
    let app = TestApp::demo().await;
    let (moderator, _, review) = approving(&app).await;
    moderator.mark_delivered(&app, &review).await;
    let routes = outbox_routes(&app.store).await;
    assert!(
        routes
            .iter()
            .any(|route| route == "email" || route == "sms"),
        "the author was told: {routes:?}"
    );
    assert!(
        !routes.iter().any(|route| route == "telegram"),
        "{routes:?}"
    );
}
