//! Addressees' answers over HTTP: a moderator marks a campaign delivered and records the
//! answer; the campaign page, its card, `/responses`, its feed and the API show it, and the
//! signers who asked for news are told.

use reqwest::StatusCode;
use tomar_core::calendar::{iran_date, solar_hijri_numeric};
use tomar_core::member::Role;

use crate::support::{Browser, TestApp, code_in, location};

/// Today in Iran, as a moderator types it.
fn typed_today() -> String {
    solar_hijri_numeric(iran_date(jiff::Timestamp::now()))
}

/// A news subscriber's signature on `campaign`.
async fn subscribe(app: &TestApp, campaign: &str, contact: &str) {
    let subscriber = Browser::open(app, &format!("/{campaign}")).await;
    let fields = [
        ("name", "پویا پیگیر"),
        ("contact", contact),
        ("updates", "on"),
    ];
    let sign = format!("/{campaign}/sign");
    let code_page = location(&subscriber.post(app, &sign, &fields).await);
    let recipient = tomar_core::contact::Contact::parse(contact).unwrap();
    let code = code_in(&app.message_saying(recipient.as_ref(), "کد امضای").await);
    subscriber.post(app, &code_page, &[("code", &code)]).await;
}

#[tokio::test]
async fn a_recorded_answer_shows_everywhere_and_is_told_to_the_subscribers_once() {
    let app = TestApp::demo().await;
    let campaign = app.campaign("clean-river").await;
    let id = campaign.id;
    subscribe(&app, "clean-river", "09127770601").await;
    let moderator = app.log_in("09129990601", Role::Moderator).await;
    let review = format!("/moderation/campaigns/{id}");
    let answer = |fields: Vec<(&'static str, String)>| {
        let (moderator, app, review) = (&moderator, &app, &review);
        async move {
            let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
            moderator
                .post(app, &format!("{review}/response"), &fields)
                .await
        }
    };
    let good = || {
        vec![
            ("answered_on", typed_today()),
            (
                "summary",
                "وزارت نیرو پاسخ داد: <b>بازرسی</b> آغاز شد.".to_owned(),
            ),
            ("official_url", "https://gov.example/answer".to_owned()),
        ]
    };

    // Not delivered yet: no form, and nothing waits (the demo's one delivery was answered).
    assert!(
        !moderator
            .page(&app, &review)
            .await
            .contains(r#"id="response""#)
    );
    assert_eq!(answer(good()).await.status(), StatusCode::CONFLICT);
    let record = app.page("/responses").await;
    assert!(
        record.contains("هیچ کارزار تحویل‌شده‌ای در انتظار پاسخ نیست."),
        "{record}"
    );

    let delivered = moderator.mark_delivered(&app, &review).await;
    assert_eq!(delivered.status(), StatusCode::SEE_OTHER);
    let page = app.page("/clean-river").await;
    assert!(page.contains(r#"id="answer""#), "the wait shows");
    assert!(page.contains("۰ روز در انتظار پاسخ"), "{page}");
    let record = app.page("/responses").await;
    let waiting = record.split(r#"id="answered""#).next().unwrap();
    assert!(
        waiting.contains(&campaign.text.title.to_string()),
        "{record}"
    );
    assert!(
        !waiting.contains("دیرکرد</span>"),
        "not overdue on its first day"
    );

    // Refused forms come back filled in, each message beside its field.
    let mut ugly = good();
    ugly[0].1 = "۱۴۰۴/۱۳/۴۰".into();
    ugly[1].1 = " \u{0} ".into();
    ugly[2].1 = "javascript:alert(1)".into();
    let refused = answer(ugly).await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let again = refused.text().await.unwrap();
    for field in ["answered_on", "summary", "official_url"] {
        assert!(
            again.contains(&format!(r#"<span class="field-error" id="{field}-error">"#)),
            "{field}"
        );
    }
    assert!(
        again.contains(r#"value="javascript:alert(1)""#),
        "kept as typed"
    );
    let mut early = good();
    early[0].1 = "1400/01/01".into();
    let refused = answer(early).await.text().await.unwrap();
    assert!(
        refused.contains("روز باید میان تحویل"),
        "before the delivery"
    );
    let mut long = good();
    long[1].1 = "ب".repeat(2001);
    assert_eq!(
        answer(long).await.status(),
        StatusCode::UNPROCESSABLE_ENTITY
    );
    let forged = moderator
        .client
        .post(app.url(&format!("{review}/response")))
        .form(&good())
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), StatusCode::FORBIDDEN, "no CSRF token");
    let stranger = Browser::open(&app, "/clean-river").await;
    let typed = good();
    let fields: Vec<(&str, &str)> = typed.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let refused = stranger
        .post(&app, &format!("{review}/response"), &fields)
        .await;
    assert!(location(&refused).starts_with("/login"), "moderators only");
    assert!(app.campaign(id).await.response.is_none());

    let sent = app.message_count();
    let recorded = answer(good()).await;
    let said = "پاسخ ثبت شد و در صفحهٔ کارزار و در فهرست پاسخ‌ها دیده می‌شود.";
    assert_eq!(moderator.confirmed(&app, &recorded, said).await, review);
    let told = app
        .message_saying("+989127770601", "مخاطب این کارزار")
        .await;
    assert!(
        told.contains("بازرسی") && told.contains("https://gov.example/answer"),
        "{told}"
    );

    let page = app.page("/clean-river").await;
    assert!(
        page.contains("وزارت نیرو پاسخ داد: &#60;b&#62;بازرسی&#60;/b&#62; آغاز شد.")
            || page.contains("وزارت نیرو پاسخ داد: &lt;b&gt;بازرسی&lt;/b&gt; آغاز شد."),
        "escaped: {page}"
    );
    assert!(page.contains(r#"<a href="https://gov.example/answer" rel="noopener" dir="ltr">"#));
    assert!(page.contains("پس از ۰ روز"), "{page}");
    let listing = app.page("/campaigns").await;
    assert!(listing.contains("مخاطب پاسخ داد"), "the card says so");

    let record = app.page("/responses").await;
    let (waiting, answered) = record.split_once(r#"id="answered""#).unwrap();
    assert!(!waiting.contains(&campaign.text.title.to_string()));
    assert!(answered.contains(r#"<a href="/clean-river#answer" dir="auto">"#));
    let addressee = campaign.text.addressees[0].name.to_string();
    assert!(
        record.contains(&format!(
            r#"<tr><td><bdi>{addressee}</bdi></td><td>۱</td><td>۱</td><td>۰</td></tr>"#
        )),
        "{record}"
    );

    // A correction replaces the answer and tells no one again.
    let mut corrected = good();
    corrected[1].1 = "وزارت نیرو پاسخ داد و پذیرفت.".into();
    corrected[2].1 = String::new();
    let recorded = answer(corrected).await;
    assert_eq!(recorded.status(), StatusCode::SEE_OTHER);
    let page = app.page("/clean-river").await;
    let section = page
        .split(r#"id="answer""#)
        .nth(1)
        .and_then(|rest| rest.split("</section>").next())
        .unwrap();
    assert!(section.contains("پاسخ داد و پذیرفت.") && !section.contains("gov.example"));
    app.wait_for_messages(sent + 1).await;
    assert_eq!(app.message_count(), sent + 1, "told once");
    let form = moderator.page(&app, &review).await;
    assert!(
        form.contains(&format!(r#"value="{}""#, typed_today())),
        "the form holds it"
    );

    let json: serde_json::Value = app
        .get(&format!("/api/v1/campaigns/{id}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(json["response"]["summary"], "وزارت نیرو پاسخ داد و پذیرفت.");
    assert_eq!(json["response"]["official_url"], serde_json::Value::Null);
    assert!(json["delivered_at"].is_string());
}

#[tokio::test]
async fn the_record_marks_the_overdue_and_counts_each_addressee_in_json_and_atom() {
    let app = TestApp::demo_with(&[("limits.response_overdue_days", "10")]).await;
    let moderator = app.log_in("09129990602", Role::Moderator).await;
    let mut ids = Vec::new();
    for slug in ["clean-river", "library-hours"] {
        let id = app.campaign(slug).await.id;
        let review = format!("/moderation/campaigns/{id}");
        moderator.mark_delivered(&app, &review).await;
        ids.push((id, review));
    }
    // The river waited 12 days, over the admin's 10; the library 4, and was answered.
    tomar_store::testing::age_delivery(&app.store, ids[0].0, 12).await;
    tomar_store::testing::age_delivery(&app.store, ids[1].0, 4).await;
    let answered = moderator
        .post(
            &app,
            &format!("{}/response", ids[1].1),
            &[
                ("answered_on", &typed_today()),
                ("summary", "کتابخانه تا ساعت ۲۲ باز است."),
            ],
        )
        .await;
    assert_eq!(answered.status(), StatusCode::SEE_OTHER);

    let record = app.page("/responses?lang=en").await;
    assert!(record.contains("without an answer 10 days after delivery is overdue"));
    let waiting = record.split(r#"id="answered""#).next().unwrap();
    assert!(waiting.contains(r#"<li class="overdue">"#), "{waiting}");
    assert!(
        waiting.contains("waiting 12 days for an answer"),
        "{waiting}"
    );

    let json: serde_json::Value = app.get("/api/v1/responses").await.json().await.unwrap();
    assert_eq!(json["overdue_after_days"], 10);
    let waiting = json["waiting"].as_array().unwrap();
    assert_eq!(waiting.len(), 1);
    assert_eq!(waiting[0]["campaign_id"], ids[0].0.0);
    assert_eq!(waiting[0]["days"], 12);
    assert_eq!(waiting[0]["overdue"], true);
    // The demo's ended campaign was delivered ten days ago and answered in seven.
    let demo = app.campaign("demo").await;
    let recent: Vec<_> = json["recent"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["campaign_id"].as_i64().unwrap(),
                d["days"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        recent,
        [(ids[1].0.0, 4), (demo.id.0, 7), (ids[0].0.0, 12)],
        "the newest delivery first"
    );
    assert_eq!(json["recent"][0]["overdue"], false);
    let library = app.campaign("library-hours").await;
    let addressee = library.text.addressees[0].name.to_string();
    let record = json["addressees"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == addressee.as_str())
        .unwrap();
    assert_eq!(record["delivered"], 1);
    assert_eq!(record["answered"], 1);
    assert_eq!(record["median_days"], 4);

    let feed = app.get("/responses.atom").await;
    assert_eq!(
        feed.headers()["content-type"],
        "application/atom+xml; charset=utf-8"
    );
    let xml = feed.text().await.unwrap();
    let document = roxmltree::Document::parse(&xml).expect("well-formed XML");
    let entries: Vec<_> = document
        .descendants()
        .filter(|n| n.has_tag_name("entry"))
        .collect();
    assert_eq!(entries.len(), 3);
    let content = |entry: &roxmltree::Node| {
        entry
            .children()
            .find(|n| n.has_tag_name("content"))
            .and_then(|n| n.text())
            .unwrap_or_default()
            .to_owned()
    };
    assert!(content(&entries[0]).contains("پس از ۴ روز"), "{xml}");
    assert!(
        content(&entries[2]).contains("۱۲ روز در انتظار پاسخ"),
        "{xml}"
    );
}

/// The addressee's own answer: a moderator makes a one-time link, the addressee sends the
/// answer with it (a refused form kept, then the answer), the link is spent, and the answer
/// waits in the moderator's form until it is recorded; only then does the page show it.
#[tokio::test]
async fn an_addressee_answers_through_a_one_time_link_and_a_moderator_records_it() {
    let app = TestApp::demo().await;
    let campaign = app.campaign("clean-river").await;
    let id = campaign.id;
    let moderator = app.log_in("09129990602", Role::Moderator).await;
    let review = format!("/moderation/campaigns/{id}");
    let make = format!("{review}/addressee_link");
    assert_eq!(
        moderator.post(&app, &make, &[]).await.status(),
        StatusCode::CONFLICT,
        "no link before the campaign is delivered"
    );
    moderator.mark_delivered(&app, &review).await;
    let made = moderator.post(&app, &make, &[]).await;
    assert_eq!(made.status(), StatusCode::OK);
    let page = made.text().await.unwrap();
    assert!(
        page.contains("ساختن پیوند یک‌باره برای پاسخ مخاطب"),
        "the making is in the campaign's history"
    );
    let link = page
        .split(&format!("{}/answer/", app.base))
        .nth(1)
        .and_then(|rest| rest.split(['<', ' ', '"']).next())
        .map(|token| format!("/answer/{token}"))
        .unwrap_or_else(|| panic!("no link on the page: {page}"));
    assert!(
        !app.store
            .settings()
            .await
            .unwrap()
            .values()
            .any(|v| v.contains(&link))
    );

    // The addressee, a stranger to Tomar, opens it.
    let addressee = Browser::open(&app, &link).await;
    let form = addressee.page(&app, &link).await;
    assert!(form.contains(campaign.text.title.as_ref()), "{form}");
    assert!(form.contains(r#"name="summary""#));
    assert!(
        form.contains("پاسخ شما (کوتاه"),
        "the addressee's own label"
    );
    let refused = addressee
        .post(
            &app,
            &link,
            &[("answered_on", "۱۳۹۰/۰۱/۰۱"), ("summary", "پاسخ ما")],
        )
        .await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let refused = refused.text().await.unwrap();
    assert!(refused.contains(r#"id="answered_on-error""#), "{refused}");
    assert!(
        refused.contains(">پاسخ ما</textarea>"),
        "what was typed is kept"
    );
    let sent = [
        ("answered_on", typed_today()),
        (
            "summary",
            "شهرداری پاسخ داد: <script>x</script> طرح بازبینی می‌شود.".to_owned(),
        ),
        ("official_url", "https://city.example/answer".to_owned()),
    ];
    let sent: Vec<(&str, &str)> = sent.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let thanks = addressee.post(&app, &link, &sent).await;
    assert_eq!(thanks.status(), StatusCode::OK);
    assert!(thanks.text().await.unwrap().contains(r#"id="sent""#));
    let again = addressee.post(&app, &link, &sent).await;
    assert_eq!(again.status(), StatusCode::NOT_FOUND, "the link is spent");
    assert!(again.text().await.unwrap().contains(r#"id="spent""#));
    assert_eq!(app.get(&link).await.status(), StatusCode::NOT_FOUND);
    // Not public until a moderator records it; it waits in their form.
    let public = app.page("/clean-river").await;
    assert!(
        !public.contains("طرح بازبینی می‌شود"),
        "not shown before review"
    );
    let queue = moderator.page(&app, "/moderation").await;
    let answers = queue.split(r#"<section id="answers">"#).nth(1).unwrap();
    let answers = answers.split("</section>").next().unwrap();
    assert!(answers.contains(&format!("{review}#response")), "{answers}");
    let waiting = moderator.page(&app, &review).await;
    assert!(waiting.contains(r#"id="submitted""#), "{waiting}");
    let summary = waiting
        .split(r#"name="summary""#)
        .nth(1)
        .unwrap_or_default();
    assert!(
        summary.contains("&#60;script&#62;x&#60;/script&#62; طرح بازبینی"),
        "{summary}"
    );
    assert!(waiting.contains(r#"value="https://city.example/answer""#));
    let recorded = moderator
        .post(&app, &format!("{review}/response"), &sent)
        .await;
    assert_eq!(recorded.status(), StatusCode::SEE_OTHER);
    assert!(
        app.page("/clean-river")
            .await
            .contains("طرح بازبینی می‌شود.")
    );
    assert!(
        !moderator
            .page(&app, &review)
            .await
            .contains(r#"id="submitted""#),
        "decided by the recording"
    );
    let queue = moderator.page(&app, "/moderation").await;
    assert!(queue.contains("پاسخی از مخاطبان در انتظار ثبت نیست."));
}
