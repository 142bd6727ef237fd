//! How campaigns come to exist and stay within the rules, over HTTP: members write them,
//! moderators review them, admins run the platform. Every protected page is tried by every
//! role.

use crate::support::{Browser, TestApp, code_in, location, on_both_backends};
use jiff::ToSpan;
use reqwest::StatusCode;
use tomar_core::calendar::{iran_date, solar_hijri_numeric};
use tomar_core::ids::CampaignId;
use tomar_core::lifecycle::{Lifecycle, Status};
use tomar_core::member::Role;
use tomar_core::names::CampaignRef;
use tomar_core::{Date, Timestamp};

fn today() -> Date {
    iran_date(Timestamp::now())
}

/// The campaign form, filled in as an author would, with `changes` on top.
pub(crate) fn campaign_form(changes: &[(&'static str, String)]) -> Vec<(&'static str, String)> {
    let end = solar_hijri_numeric(today().checked_add(30.days()).unwrap());
    let mut form: Vec<(&'static str, String)> = vec![
        ("kind", "request".into()),
        ("title", "بازگشایی کتابخانهٔ محله در آخر هفته‌ها".into()),
        ("addressee_name", "شهردار منطقه ۶".into()),
        ("addressee_position", "شهرداری تهران".into()),
        (
            "body",
            "ما اهالی محله خواستاریم:\n\n- کتابخانه جمعه‌ها باز باشد".into(),
        ),
        ("on_behalf_of", "اهالی محلهٔ یوسف‌آباد".into()),
        ("author_name", "پریسا نیک‌بین".into()),
        ("hashtag", "کتابخانه_باز".into()),
        ("end_date", tomar_core::language::Language::Fa.digits(&end)),
        ("rules", "on".into()),
    ];
    for (key, value) in changes {
        form.retain(|(k, _)| k != key);
        form.push((key, value.clone()));
    }
    form
}

pub(crate) async fn post_form(
    browser: &Browser,
    app: &TestApp,
    path: &str,
    form: &[(&'static str, String)],
) -> reqwest::Response {
    let fields: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    browser.post(app, path, &fields).await
}

async fn lifecycle(app: &TestApp, id: CampaignId) -> Lifecycle {
    let campaign = app.store.campaign(&CampaignRef::Id(id)).await.unwrap();
    campaign.unwrap().lifecycle
}

/// Signs through the form and the code, asking for news of the campaign or not.
pub(crate) async fn sign(
    app: &TestApp,
    campaign: CampaignId,
    name: &str,
    email: &str,
    updates: bool,
) {
    let path = format!("/{campaign}");
    let signer = Browser::open(app, &path).await;
    let mut fields = vec![("name", name), ("contact", email), ("public", "on")];
    if updates {
        fields.push(("updates", "on"));
    }
    let sent = app.message_count();
    let code_page = location(&signer.post(app, &format!("{path}/sign"), &fields).await);
    app.wait_for_messages(sent + 1).await;
    let code = code_in(&app.message_to(email).await);
    let done = signer.post(app, &code_page, &[("code", &code)]).await;
    assert_eq!(done.status(), StatusCode::SEE_OTHER, "{name} signed");
}

async fn the_whole_story(app: &TestApp) {
    let admin = app.log_in("admin@tomar.example", Role::Admin).await;
    let moderator = app.log_in("09121110000", Role::Moderator).await;
    moderator
        .post(app, "/me/name", &[("name", "ناظر یکم")])
        .await;
    let response = admin
        .post(
            app,
            "/admin/reasons",
            &[
                ("label_fa", "بیش از یک خواسته"),
                ("label_en", "More than one demand"),
            ],
        )
        .await;
    assert_eq!(
        admin
            .confirmed(app, &response, "دلیل به فهرست افزوده شد.")
            .await,
        "/admin"
    );
    let reasons = app.store.rejection_reasons().await.unwrap();
    let reason = reasons
        .iter()
        .find(|r| r.label_fa.as_ref() == "بیش از یک خواسته")
        .expect("the reason the admin added")
        .id;

    // A member writes a campaign: refused fields come back with their messages, kept.
    let author = app.log_in("09122220000", Role::Member).await;
    assert!(author.page(app, "/new").await.contains("name=\"title\""));
    let bad = post_form(
        &author,
        app,
        "/new",
        &campaign_form(&[("intent", "save".into()), ("end_date", "1403/12/31".into())]),
    )
    .await;
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = bad.text().await.unwrap();
    assert!(page.contains("این تاریخ درست نیست"), "the date's message");
    assert!(
        page.contains("value=\"کتابخانه_باز\""),
        "what was typed is kept"
    );

    let preview = post_form(
        &author,
        app,
        "/new",
        &campaign_form(&[("intent", "preview".into())]),
    )
    .await;
    assert_eq!(preview.status(), StatusCode::OK);
    let page = preview.text().await.unwrap();
    assert!(
        page.contains("id=\"preview\"")
            && page.contains("<li dir=\"auto\">کتابخانه جمعه‌ها باز باشد</li>")
    );
    let end = today().checked_add(30.days()).unwrap();
    let written = |language| tomar_core::calendar::format_date(end, language);
    assert!(
        page.contains(&written(tomar_core::language::Language::Fa))
            && !page.contains(&written(tomar_core::language::Language::En)),
        "the end date as the published Persian page writes it, not in English"
    );

    let unaccepted = campaign_form(&[("intent", "submit".into()), ("rules", String::new())]);
    let unaccepted: Vec<_> = unaccepted
        .into_iter()
        .filter(|(k, _)| *k != "rules")
        .collect();
    let refused = post_form(&author, app, "/new", &unaccepted).await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);

    let saved = post_form(
        &author,
        app,
        "/new",
        &campaign_form(&[("intent", "save".into())]),
    )
    .await;
    let own_page = location(&saved);
    let id = CampaignId(own_page.rsplit('/').next().unwrap().parse().unwrap());
    assert_eq!(lifecycle(app, id).await, Lifecycle::Draft);
    assert_eq!(
        app.get(&format!("/{id}")).await.status(),
        StatusCode::NOT_FOUND
    );
    let stranger = app.log_in("09123330000", Role::Member).await;
    assert_eq!(
        stranger.get(app, &own_page).await.status(),
        StatusCode::NOT_FOUND
    );
    let meddling = post_form(
        &stranger,
        app,
        &own_page,
        &campaign_form(&[("intent", "save".into())]),
    )
    .await;
    assert_eq!(meddling.status(), StatusCode::NOT_FOUND);

    let submitted = post_form(
        &author,
        app,
        &own_page,
        &campaign_form(&[("intent", "submit".into())]),
    )
    .await;
    assert_eq!(location(&submitted), own_page);
    assert_eq!(lifecycle(app, id).await, Lifecycle::InReview);
    assert!(author.page(app, "/me").await.contains(&own_page));

    // The moderator rejects it with a reason and a note the author reads.
    let queue = moderator.page(app, "/moderation").await;
    let review = format!("/moderation/campaigns/{id}");
    assert!(queue.contains(&review) && queue.contains("در انتظار"));
    let rejected = moderator
        .post(
            app,
            &format!("{review}/reject"),
            &[
                ("reason", &reason.0.to_string()),
                ("note", "لطفاً فقط یک خواسته بنویسید."),
            ],
        )
        .await;
    let said = "رد شد: به نویسنده گفته شد چرا و کجا می‌تواند آن را اصلاح کند.";
    assert_eq!(moderator.confirmed(app, &rejected, said).await, review);
    assert_eq!(lifecycle(app, id).await, Lifecycle::Rejected(reason));
    let explained = author.page(app, &own_page).await;
    assert!(
        explained.contains("بیش از یک خواسته") && explained.contains("لطفاً فقط یک خواسته بنویسید.")
    );
    let told = app.message_saying("+989122220000", "منتشر نشد").await;
    assert!(
        told.contains("دلیل: بیش از یک خواسته") && told.contains(&format!("/me/campaigns/{id}")),
        "the author hears why, and where to mend it: {told}"
    );

    // The author fixes it and resubmits; the moderator approves.
    let fixed = campaign_form(&[
        ("intent", "submit".into()),
        ("title", "بازگشایی کتابخانهٔ محله در روزهای جمعه".into()),
    ]);
    location(&post_form(&author, app, &own_page, &fixed).await);
    assert_eq!(lifecycle(app, id).await, Lifecycle::InReview);
    let approved = moderator.post(app, &format!("{review}/approve"), &[]).await;
    let said = "تأیید شد: کارزار منتشر شد و به نویسنده‌اش خبر داده شد.";
    assert_eq!(moderator.confirmed(app, &approved, said).await, review);
    let told = app.message_saying("+989122220000", "منتشر شد").await;
    assert!(
        told.contains(&format!("/{id}")),
        "and hears of the approval: {told}"
    );
    let public = app.page(&format!("/{id}")).await;
    assert!(public.contains("بازگشایی کتابخانهٔ محله در روزهای جمعه"));
    assert!(
        public.contains("تأیید کارزار جهت انتشار"),
        "the approval line"
    );
    // A published campaign's text is revised through review; the approved text stays live.
    let revised = campaign_form(&[
        ("intent", "submit".into()),
        ("title", "بازگشایی کتابخانهٔ محله در جمعه‌ها و تعطیلات".into()),
    ]);
    assert_eq!(
        location(&post_form(&author, app, &own_page, &revised).await),
        own_page
    );
    assert!(
        author
            .page(app, &own_page)
            .await
            .contains("متن اصلاح‌شده‌ای در انتظار بررسی است.")
    );
    let public = app.page(&format!("/{id}")).await;
    assert!(public.contains("در روزهای جمعه") && !public.contains("تعطیلات"));
    assert!(
        moderator
            .page(app, "/moderation")
            .await
            .contains("متن‌های اصلاح‌شده")
    );
    let review_page = moderator.page(app, &review).await;
    assert!(review_page.contains("id=\"revision\"") && review_page.contains("تعطیلات"));
    let approved_text = moderator
        .post(app, &format!("{review}/approve_text"), &[])
        .await;
    let said = "متن بازبینی‌شده تأیید شد و اکنون در صفحهٔ کارزار است.";
    assert_eq!(moderator.confirmed(app, &approved_text, said).await, review);
    assert!(
        app.page(&format!("/{id}"))
            .await
            .contains("در جمعه‌ها و تعطیلات")
    );
    let campaign = app.campaign(id).await;
    assert_eq!(campaign.text_version, 2);

    // People sign; two of three ask for news.
    sign(app, id, "نرگس امینی", "narges@example.org", true).await;
    sign(app, id, "بابک نوری", "babak@example.org", false).await;
    sign(app, id, "لیلا کاظمی", "leila@example.org", true).await;

    // The campaign ends on its date; the moderator marks it succeeded and posts the news.
    tomar_store::testing::run_campaign_on(&app.store, id, today().yesterday().unwrap()).await;
    let campaign = app.campaign(id).await;
    assert_eq!(campaign.status(Timestamp::now()), Status::Ended);
    assert_eq!(
        app.get(&format!("/{id}/sign")).await.status(),
        StatusCode::CONFLICT
    );
    // A success without its news comes back with the choice kept and the error beside the
    // address, not on an error page.
    let incomplete = moderator
        .post(
            app,
            &format!("{review}/outcome"),
            &[("outcome", "succeeded"), ("news_url", "news.example")],
        )
        .await;
    assert_eq!(incomplete.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let again = incomplete.text().await.unwrap();
    assert!(
        again.contains(r#"value="succeeded" checked"#),
        "the choice is kept"
    );
    assert!(
        again.contains(
            r#"value="news.example" aria-invalid="true" aria-describedby="news_url-error""#
        )
    );
    assert!(again.contains(r#"<span class="field-error" id="news_url-error">"#));
    let outcome = moderator
        .post(
            app,
            &format!("{review}/outcome"),
            &[
                ("outcome", "succeeded"),
                ("news_url", "https://news.example/library"),
            ],
        )
        .await;
    let said = "نتیجه ثبت شد و در صفحهٔ کارزار دیده می‌شود.";
    assert_eq!(moderator.confirmed(app, &outcome, said).await, review);
    assert!(
        app.page(&format!("/{id}"))
            .await
            .contains("این کارزار موفق شد")
    );
    let sent = app.message_count();
    let update = moderator
        .post(
            app,
            &format!("{review}/update"),
            &[
                ("title", "کتابخانه جمعه‌ها باز شد"),
                ("body", "از این هفته درها باز است."),
            ],
        )
        .await;
    let said = "خبر منتشر شد و برای امضاکنندگانی که خبر خواسته بودند فرستاده می‌شود.";
    assert_eq!(moderator.confirmed(app, &update, said).await, review);
    app.wait_for_messages(sent + 2).await;
    for opted_in in ["narges@example.org", "leila@example.org"] {
        let news = app.message_to(opted_in).await;
        assert!(news.contains("کتابخانه جمعه‌ها باز شد"), "{news}");
    }
    assert!(!app.message_to("babak@example.org").await.contains("باز شد"));
    assert!(
        app.page(&format!("/{id}"))
            .await
            .contains("از این هفته درها باز است.")
    );

    let log = moderator.page(app, "/moderation/log").await;
    for action in ["رد", "تأیید و انتشار", "موفقیت", "ناظر یکم"] {
        assert!(log.contains(action), "{action} in the log");
    }
}

on_both_backends!(the_whole_story, demo: false);

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Persona {
    Anonymous,
    Member,
    Moderator,
    Admin,
}

/// Who may use a route: members, moderators (and admins), or admins only.
#[derive(Clone, Copy, Debug)]
enum Needs {
    Member,
    Moderator,
    Admin,
}

impl Needs {
    fn allows(self, persona: Persona) -> bool {
        match self {
            Needs::Member => persona != Persona::Anonymous,
            Needs::Moderator => matches!(persona, Persona::Moderator | Persona::Admin),
            Needs::Admin => persona == Persona::Admin,
        }
    }
}

#[tokio::test]
async fn every_role_against_every_protected_route() {
    let app = TestApp::demo().await;
    let in_review = app.campaign("under-review").await.id;
    let review = format!("/moderation/campaigns/{in_review}");
    let routes: Vec<(&str, String, Needs)> = vec![
        ("GET", "/me".into(), Needs::Member),
        ("GET", "/new".into(), Needs::Member),
        ("GET", "/moderation".into(), Needs::Moderator),
        ("GET", "/moderation/log".into(), Needs::Moderator),
        ("GET", review.clone(), Needs::Moderator),
        ("POST", format!("{review}/approve"), Needs::Moderator),
        ("POST", format!("{review}/reject"), Needs::Moderator),
        ("POST", format!("{review}/suspend"), Needs::Moderator),
        ("POST", format!("{review}/outcome"), Needs::Moderator),
        ("POST", format!("{review}/addressee_link"), Needs::Moderator),
        ("POST", format!("{review}/update"), Needs::Moderator),
        ("GET", format!("{review}/sources"), Needs::Moderator),
        ("POST", format!("{review}/invalidate"), Needs::Moderator),
        ("GET", format!("{review}/merge"), Needs::Moderator),
        ("POST", format!("{review}/merge"), Needs::Moderator),
        (
            "POST",
            "/moderation/merges/1/confirm".into(),
            Needs::Moderator,
        ),
        ("POST", "/moderation/merges/1/drop".into(), Needs::Moderator),
        (
            "POST",
            "/moderation/invalidations/1/cancel".into(),
            Needs::Moderator,
        ),
        ("GET", "/admin".into(), Needs::Admin),
        ("POST", "/admin/settings".into(), Needs::Admin),
        ("POST", "/admin/grant".into(), Needs::Admin),
        ("POST", "/admin/reasons".into(), Needs::Admin),
        ("POST", "/admin/reasons/1".into(), Needs::Admin),
        ("POST", "/admin/members/1/role".into(), Needs::Admin),
    ];
    let personas = [
        (Persona::Anonymous, Browser::open(&app, "/login").await),
        (
            Persona::Member,
            app.log_in("09124440000", Role::Member).await,
        ),
        (
            Persona::Moderator,
            app.log_in("09125550000", Role::Moderator).await,
        ),
        (Persona::Admin, app.log_in("09126660000", Role::Admin).await),
    ];
    let settings_before = app.store.settings().await.unwrap();
    for (method, path, needs) in &routes {
        for (persona, browser) in &personas {
            let allowed = needs.allows(*persona);
            // Allowed POSTs would change things; the story tests do those on purpose.
            if allowed && *method == "POST" {
                continue;
            }
            let response = match *method {
                "GET" => browser.get(&app, path).await,
                _ => {
                    let fields = [
                        ("role", "admin"),
                        ("contact", "09120000000"),
                        ("switch.signing_stopped", "true"),
                        ("label_fa", "x"),
                        ("label_en", "x"),
                        ("order", "x"),
                    ];
                    browser.post(&app, path, &fields).await
                }
            };
            let status = response.status();
            match (persona, allowed) {
                (_, true) => assert_eq!(status, StatusCode::OK, "{persona:?} {method} {path}"),
                (Persona::Anonymous, false) => {
                    assert!(location(&response).starts_with("/login?next="), "{path}")
                }
                (_, false) => {
                    assert_eq!(status, StatusCode::FORBIDDEN, "{persona:?} {method} {path}");
                    let page = response.text().await.unwrap();
                    assert!(page.contains("دسترسی ندارید"), "a 403 page in Persian");
                }
            }
        }
    }
    // Nothing changed: the campaign still waits, no setting moved, nobody was promoted.
    assert_eq!(lifecycle(&app, in_review).await, Lifecycle::InReview);
    assert_eq!(app.store.settings().await.unwrap(), settings_before);
    assert_eq!(app.store.staff().await.unwrap().len(), 2);
}

#[tokio::test]
async fn a_legal_order_suspends_signing_and_leaves_a_public_notice() {
    let app = TestApp::demo().await;
    let moderator = app.log_in("09129990000", Role::Moderator).await;
    let campaign = app.campaign("library-hours").await;
    let review = format!("/moderation/campaigns/{}", campaign.id);
    // Forms without their token change nothing, whoever sends them.
    let forged = moderator
        .client
        .post(app.url(&format!("{review}/suspend")))
        .form(&[("csrf", "0".repeat(32)), ("order", "x".into())])
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), StatusCode::FORBIDDEN);
    assert_eq!(lifecycle(&app, campaign.id).await, Lifecycle::Published);
    let empty = moderator
        .post(
            &app,
            &format!("{review}/suspend"),
            &[("order", " "), ("confirm", "on")],
        )
        .await;
    assert_eq!(empty.status(), StatusCode::UNPROCESSABLE_ENTITY);

    // Without the box ticked nothing happens; the page comes back with the order as typed.
    let order = "حکم شمارهٔ ۱۴۰۴/۱۲۳ دادگاه";
    let unconfirmed = moderator
        .post(&app, &format!("{review}/suspend"), &[("order", order)])
        .await;
    assert_eq!(unconfirmed.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let again = unconfirmed.text().await.unwrap();
    assert!(again.contains(&format!("value=\"{order}\"")), "refilled");
    assert!(
        again.contains("id=\"confirm-error\""),
        "the message beside the box"
    );
    assert_eq!(lifecycle(&app, campaign.id).await, Lifecycle::Published);

    let suspended = moderator
        .post(
            &app,
            &format!("{review}/suspend"),
            &[("order", order), ("confirm", "on")],
        )
        .await;
    let said = "توقیف شد: امضا متوقف شد و صفحه دستور را نشان می‌دهد.";
    assert_eq!(moderator.confirmed(&app, &suspended, said).await, review);
    let page = app.page("/library-hours").await;
    assert!(page.contains(order), "the notice names the order");
    assert!(page.contains("تمدید ساعت کار کتابخانه"), "the text stays");
    assert!(
        !page.contains("action=\"/library-hours/sign\""),
        "no sign form"
    );
    assert_eq!(
        app.get("/library-hours/sign").await.status(),
        StatusCode::CONFLICT
    );
    // A suspended campaign cannot be approved or suspended again.
    let again = moderator
        .post(
            &app,
            &format!("{review}/suspend"),
            &[("order", order), ("confirm", "on")],
        )
        .await;
    assert_eq!(again.status(), StatusCode::CONFLICT);
}

#[tokio::test]
async fn campaigns_past_the_admins_threshold_are_due_for_delivery() {
    let app = TestApp::demo().await;
    let moderator = app.log_in("09129990001", Role::Moderator).await;
    let queue = moderator.page(&app, "/moderation").await;
    assert!(
        queue.contains("کارزاری به آستانهٔ تحویل نرسیده است."),
        "2,000 by default"
    );
    app.store
        .set_setting("limits.delivery_threshold", "1000")
        .await
        .unwrap();
    let queue = moderator.page(&app, "/moderation").await;
    let due = queue.split("id=\"due\"").nth(1).unwrap();
    // The demo's 1,843-signature and 1,207-signature campaigns, not the 356 one.
    assert!(
        due.contains("۱٬۸۴۳") && due.contains("۱٬۲۰۷") && !due.contains("۳۵۶"),
        "{due}"
    );
    assert!(
        queue.contains("در انتظار"),
        "the demo campaign in review waits"
    );
}

#[tokio::test]
async fn campaigns_sent_for_review_are_limited_per_member_and_the_draft_is_kept() {
    let app = TestApp::demo_with(&[("limits.submissions_per_member_per_hour", "1")]).await;
    let author = app.log_in("09122220000", Role::Member).await;
    let submit = campaign_form(&[("intent", "submit".into())]);
    let first = location(&post_form(&author, &app, "/new", &submit).await);
    let first = CampaignId(first.rsplit('/').next().unwrap().parse().unwrap());
    assert_eq!(lifecycle(&app, first).await, Lifecycle::InReview);
    let second = post_form(&author, &app, "/new", &submit).await;
    assert_eq!(second.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(
        second
            .text()
            .await
            .unwrap()
            .contains("پیش‌نویس شما ماندگار است")
    );
    let title = "بازگشایی کتابخانهٔ محله در آخر هفته‌ها";
    let mine = author.page(&app, "/me").await;
    assert_eq!(
        mine.matches(title).count(),
        2,
        "the refused one kept as a draft"
    );
}

#[tokio::test]
async fn a_moderator_cannot_review_their_own_campaign() {
    let app = TestApp::demo().await;
    let moderator = app.log_in("09121110000", Role::Moderator).await;
    let submit = campaign_form(&[("intent", "submit".into())]);
    let own = location(&post_form(&moderator, &app, "/new", &submit).await);
    let id = CampaignId(own.rsplit('/').next().unwrap().parse().unwrap());
    let review = format!("/moderation/campaigns/{id}");
    let page = moderator.page(&app, &review).await;
    assert!(page.contains("id=\"own\"") && !page.contains(&format!("{review}/approve")));
    let approve = moderator
        .post(&app, &format!("{review}/approve"), &[])
        .await;
    assert_eq!(approve.status(), StatusCode::FORBIDDEN);
    assert!(approve.text().await.unwrap().contains("مدیر دیگری"));
    assert_eq!(lifecycle(&app, id).await, Lifecycle::InReview);
    let another = app.log_in("09121119999", Role::Moderator).await;
    let approved = another.post(&app, &format!("{review}/approve"), &[]).await;
    let said = "تأیید شد: کارزار منتشر شد و به نویسنده‌اش خبر داده شد.";
    assert_eq!(another.confirmed(&app, &approved, said).await, review);
    assert_eq!(lifecycle(&app, id).await, Lifecycle::Published);
}

on_both_backends!(a_flood_from_one_source_is_seen_and_invalidated_in_bulk, demo: true);

async fn a_flood_from_one_source_is_seen_and_invalidated_in_bulk(app: &TestApp) {
    let campaign = app.campaign("clean-river").await;
    for n in 0..3 {
        let email = format!("bot{n}@flood.example");
        sign(app, campaign.id, "ربات", &email, false).await;
    }
    sign(app, campaign.id, "شهروند", "real@mail.example", false).await;
    let before = app.campaign("clean-river").await.signature_count;
    let moderator = app.log_in("09121110000", Role::Moderator).await;
    let sources = format!("/moderation/campaigns/{}/sources", campaign.id);
    let page = moderator.page(app, &sources).await;
    assert!(
        page.contains("flood.example") && page.contains("mail.example"),
        "{page}"
    );
    let preview = moderator
        .page(app, &format!("{sources}?domain=flood.example"))
        .await;
    assert!(preview.contains("اکنون ۳ امضا"), "{preview}");
    // Every test client is one network: its link chooses all four signatures.
    let by_network = page
        .split("href=\"")
        .find_map(|rest| {
            rest.split('"')
                .next()
                .filter(|href| href.contains("?network="))
        })
        .expect("a link choosing a network")
        .replace("&amp;", "&");
    let preview = moderator.page(app, &by_network).await;
    assert!(preview.contains("اکنون ۴ امضا"), "{preview}");
    let empty = moderator
        .get(app, &format!("{sources}?from=yesterday"))
        .await;
    assert_eq!(empty.status(), StatusCode::UNPROCESSABLE_ENTITY);

    let started = moderator
        .post(
            app,
            &format!("/moderation/campaigns/{}/invalidate", campaign.id),
            &[("domain", "flood.example")],
        )
        .await;
    let run = location(&started);
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(20);
    while !moderator.page(app, &run).await.contains("انجام‌شده") {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the run never finished"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(moderator.page(app, &run).await.contains("۳ از ۳ باطل شد"));
    assert_eq!(
        app.campaign("clean-river").await.signature_count,
        before - 3
    );
    let signers = app.page("/clean-river/signatures").await;
    assert!(!signers.contains("ربات") && signers.contains("شهروند"));
    let log = moderator.page(app, "/moderation/log").await;
    assert!(log.contains("ابطال امضاها") && log.contains("دامنهٔ flood.example"));
    let too_late = moderator.post(app, &format!("{run}/cancel"), &[]).await;
    assert_eq!(too_late.status(), StatusCode::CONFLICT);
    let member = app.log_in("09121110009", Role::Member).await;
    assert_eq!(
        member.get(app, &sources).await.status(),
        StatusCode::FORBIDDEN
    );
}
