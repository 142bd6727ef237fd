//! Running the platform from `/admin`: roles, reasons for rejection, the run-time settings
//! (limits, texts, channels, switches), each taking effect without a restart.

use reqwest::StatusCode;
use tomar_core::member::Role;

use crate::support::TestApp;

#[tokio::test]
async fn admins_change_limits_texts_and_switches_without_a_restart() {
    let app = TestApp::demo().await;
    let admin = app.log_in("09127770000", Role::Admin).await;
    let fields = [
        ("switch.signing_stopped", "true"),
        ("limits.campaign_max_days", "۶۰"),
        ("disclaimer.en", "Our own disclaimer."),
        ("rules.fa", "قانون تازه یکم.\n\n- بند دوم"),
        ("channel.telegram", "https://t.me/tomar_example"),
    ];
    let saved = admin.post(&app, "/admin/settings", &fields).await;
    let said = "تنظیم‌ها ذخیره شد و اثر کرد.";
    assert_eq!(admin.confirmed(&app, &saved, said).await, "/admin");
    let settings = app.store.settings().await.unwrap();
    assert_eq!(settings["limits.campaign_max_days"], "60");
    assert_eq!(settings["switch.campaigns_stopped"], "false");
    assert_eq!(
        app.get("/library-hours/sign").await.status(),
        StatusCode::CONFLICT
    );
    let english = app.page("/library-hours?lang=en").await;
    assert!(english.contains("Our own disclaimer."));
    assert!(
        app.page("/demo")
            .await
            .contains("href=\"https://t.me/tomar_example\"")
    );
    let rules = app.page("/rules").await;
    assert!(rules.contains("قانون تازه یکم.") && rules.contains("<li dir=\"auto\">بند دوم</li>"));

    // A bad value refuses the whole form and saves nothing.
    let bad = [
        ("limits.delivery_threshold", "many"),
        ("disclaimer.en", "Changed."),
    ];
    let refused = admin.post(&app, "/admin/settings", &bad).await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(app.store.settings().await.unwrap(), settings);

    // Switching new campaigns off closes the form.
    let stop = [("switch.campaigns_stopped", "true")];
    admin.post(&app, "/admin/settings", &stop).await;
    assert_eq!(
        admin.get(&app, "/new").await.status(),
        StatusCode::SERVICE_UNAVAILABLE
    );

    // An admin cannot demote themselves, but promotes others by contact.
    let me = app.store.staff().await.unwrap()[0].id;
    let demote = admin
        .post(
            &app,
            &format!("/admin/members/{me}/role"),
            &[("role", "member")],
        )
        .await;
    assert_eq!(demote.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let grant = [("contact", "۰۹۱۲ ۸۸۸ ۰۰۰۰"), ("role", "moderator")];
    let granted = admin.post(&app, "/admin/grant", &grant).await;
    assert_eq!(
        admin.confirmed(&app, &granted, "نقش داده شد.").await,
        "/admin"
    );
    let moderator = app.log_in("09128880000", Role::Member).await;
    assert_eq!(
        moderator.get(&app, "/moderation").await.status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn the_admin_page_shows_the_texts_in_use_and_who_holds_each_role() {
    let app = TestApp::demo().await;
    let admin = app.log_in("09125550123", Role::Admin).await;
    let page = admin.page(&app, "/admin").await;
    // Before anyone sets them, the boxes hold what the pages show: Tomar's own texts and
    // the default limits, so an admin edits from there rather than from nothing.
    let disclaimer = page
        .split(r#"<textarea id="disclaimer.fa""#)
        .nth(1)
        .and_then(|rest| rest.split("</textarea>").next())
        .expect("the Persian disclaimer box");
    assert!(
        disclaimer.contains("ادعاهایی مطرح شده که «طومار» نمی‌تواند"),
        "{disclaimer}"
    );
    assert!(page.contains("- Each campaign makes one clear demand of a named addressee."));
    assert!(page.contains(
        r#"name="limits.delivery_threshold" type="text" dir="ltr" maxlength="2000" value="2000""#
    ));
    // Saved as shown, a text stays unset and keeps following Tomar's own.
    let shown = app.page("/rules?lang=en").await;
    let rules_en = page
        .split(r#"name="rules.en" rows="4" dir="auto">"#)
        .nth(1)
        .unwrap()
        .split("</textarea>")
        .next()
        .unwrap()
        .replace("&#39;", "'");
    let saved = admin
        .post(&app, "/admin/settings", &[("rules.en", &rules_en)])
        .await;
    assert_eq!(saved.status(), StatusCode::SEE_OTHER);
    let settings = app.store.settings().await.unwrap();
    assert_eq!(settings.get("rules.en").map(String::as_str), Some(""));
    assert_eq!(app.page("/rules?lang=en").await, shown);
    // Roles name their holder and a masked contact, enough to tell two people apart.
    assert!(
        page.contains(r#"<span class="muted" dir="ltr">۰۹۱۲***۰۱۲۳</span>"#),
        "{page}"
    );
}

#[tokio::test]
async fn after_an_outage_an_admin_gives_every_open_campaign_its_days_back_once() {
    use tomar_core::calendar::{iran_date, solar_hijri_numeric};
    let app = TestApp::demo().await;
    let open = app.campaign("clean-river").await;
    let ended = app.campaign("demo").await;
    let admin = app.log_in("09127770001", Role::Admin).await;
    let today = iran_date(jiff::Timestamp::now());
    let yesterday = solar_hijri_numeric(today.yesterday().unwrap());
    let fields = |outage: &str, days: &str, reason: &str| {
        [
            ("outage_on", outage.to_owned()),
            ("days", days.to_owned()),
            ("reason", reason.to_owned()),
        ]
    };
    let extend = |fields: [(&'static str, String); 3]| {
        let (admin, app) = (&admin, &app);
        async move {
            let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
            admin.post(app, "/admin/extend", &fields).await
        }
    };

    // Ugly forms are refused with a message, and move nothing.
    let tomorrow = solar_hijri_numeric(today.tomorrow().unwrap());
    for (outage, days, reason, says) in [
        (tomorrow.as_str(), "2", "قطعی", "نمی‌تواند پس از امروز باشد"),
        (yesterday.as_str(), "0", "قطعی", "از ۱ تا ۶۰"),
        (yesterday.as_str(), "۹۹۹", "قطعی", "از ۱ تا ۶۰"),
        (
            yesterday.as_str(),
            "2; DROP TABLE campaigns",
            "قطعی",
            "از ۱ تا ۶۰",
        ),
        ("دیروز", "2", "قطعی", "سال/ماه/روز"),
        (yesterday.as_str(), "2", " \u{0} ", "خالی"),
    ] {
        let refused = extend(fields(outage, days, reason)).await;
        assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY, "{days}");
        let page = refused.text().await.unwrap();
        assert!(page.contains(says), "{says}: {page}");
    }
    assert_eq!(app.campaign("clean-river").await.end_date, open.end_date);
    let member = app.log_in("09127770002", Role::Member).await;
    let typed = fields(&yesterday, "2", "قطعی");
    let typed: Vec<(&str, &str)> = typed.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let refused = member.post(&app, "/admin/extend", &typed).await;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN, "admins only");

    let extended = extend(fields(&yesterday, "۲", "قطعی سرورها <b>در شب</b>")).await;
    let said = "مهلت همهٔ کارزارهای باز تمدید شد و صفحهٔ هر کدام دلیلش را می‌گوید.";
    assert_eq!(admin.confirmed(&app, &extended, said).await, "/admin");
    let later = open.end_date.checked_add(jiff::ToSpan::days(2)).unwrap();
    assert_eq!(app.campaign("clean-river").await.end_date, later);
    assert_eq!(
        app.campaign("demo").await.end_date,
        ended.end_date,
        "ended stays ended"
    );
    let page = app.page("/clean-river").await;
    let notice = page
        .split(r#"id="extended"><p dir="auto">"#)
        .nth(1)
        .and_then(|rest| rest.split("</p>").next())
        .unwrap();
    assert!(notice.contains("۲ روز تمدید شد"), "{notice}");
    assert!(
        notice.contains("&#60;b&#62;") || notice.contains("&lt;b&gt;"),
        "escaped: {notice}"
    );
    assert!(!app.page("/demo").await.contains(r#"id="extended""#));

    // The same outage again: refused, nothing moves a second time.
    let again = extend(fields(&yesterday, "5", "دوباره")).await;
    assert_eq!(again.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(again.text().await.unwrap().contains("پیش‌تر تمدید شده‌اند"));
    assert_eq!(app.campaign("clean-river").await.end_date, later);
}
