//! Signing over HTTP, as a person does it in a browser without JavaScript: the form, the
//! code from the outbox, the thank-you page, withdrawal.

use crate::support::{Browser, TestApp, code_in, location, on_both_backends};
use reqwest::StatusCode;
use tomar_core::contact::Contact;
use tomar_core::member::Role;
use tomar_core::names::CampaignRef;

/// The signing steps of a browser on a campaign page.
pub(crate) trait Signs {
    /// Fills in the sign form; answers the response (a redirect to the code page on success).
    async fn request(
        &self,
        app: &TestApp,
        campaign: &str,
        name: &str,
        contact: &str,
        public: bool,
    ) -> reqwest::Response;

    async fn confirm(&self, app: &TestApp, code_page: &str, code: &str) -> reqwest::Response;

    /// Signs all the way: the form, the code from the message, the code page. Answers where
    /// the confirmed signature leads (the thank-you page).
    async fn sign(
        &self,
        app: &TestApp,
        campaign: &str,
        name: &str,
        contact: &str,
        public: bool,
    ) -> String {
        let code_page = location(&self.request(app, campaign, name, contact, public).await);
        let recipient = Contact::parse(contact).unwrap();
        let code = code_in(&app.message_to(recipient.as_ref()).await);
        location(&self.confirm(app, &code_page, &code).await)
    }
}

impl Signs for Browser {
    async fn request(
        &self,
        app: &TestApp,
        campaign: &str,
        name: &str,
        contact: &str,
        public: bool,
    ) -> reqwest::Response {
        let mut fields = vec![("name", name), ("contact", contact)];
        if public {
            fields.push(("public", "on"));
        }
        self.post(app, &format!("/{campaign}/sign"), &fields).await
    }

    async fn confirm(&self, app: &TestApp, code_page: &str, code: &str) -> reqwest::Response {
        self.post(app, code_page, &[("code", code)]).await
    }
}

fn withdraw_path_in(message: &str) -> String {
    let at = message.find("/withdraw/").expect("a withdrawal link");
    message[at..].split_whitespace().next().unwrap().to_owned()
}

async fn signs_with_a_code_and_is_counted(app: &TestApp) {
    let before = app.campaign("library-hours").await.signature_count;
    let signer = Browser::open(app, "/library-hours").await;
    // Showing one's name is chosen, never assumed, and the form says what it means.
    let form = signer.page(app, "/library-hours").await;
    let public = form.split("name=\"public\"").nth(1).unwrap();
    let public = &public[..public.find('>').unwrap()];
    assert!(!public.contains("checked"), "{public}");
    assert!(public.contains("aria-describedby=\"sign-public-hint\""));
    assert!(form.contains("نام شما برای همه در این صفحه دیده می‌شود"));
    let response = signer
        .request(
            app,
            "library-hours",
            "  آزاده   رهنما ",
            "۰۹۱۲ ۳۴۵ ۶۷۸۹",
            true,
        )
        .await;
    let code_page = location(&response);
    assert!(
        code_page.starts_with("/library-hours/verify/"),
        "{code_page}"
    );
    let page = signer.page(app, &code_page).await;
    assert!(page.contains("کد تأیید را وارد کنید"));
    assert!(page.contains("autocomplete=\"one-time-code\""));
    assert!(page.contains(" autofocus "), "the code box has the focus");
    assert!(
        page.contains(r#"به شماره <bdi dir="ltr" class="destination">۰۹۱۲***۶۷۸۹</bdi> پیامک شد"#),
        "where the code went, masked, in Persian digits: {page}"
    );
    assert!(
        page.contains(r#"<details class="resend">"#),
        "the resend box is folded away"
    );

    let message = app.message_to("+989123456789").await;
    assert!(message.contains("Channel: sms"));
    let code = code_in(&message);
    assert_eq!(code.len(), 6);
    assert_eq!(
        app.campaign("library-hours").await.signature_count,
        before,
        "nothing counted before the code"
    );

    // Typed in Persian digits, as people do.
    let persian_code = tomar_core::persian::persian_digits(&code);
    let thanks = location(&signer.confirm(app, &code_page, &persian_code).await);
    assert!(thanks.starts_with("/library-hours/signed/"), "{thanks}");
    let page = signer.page(app, &thanks).await;
    let number = tomar_core::language::Language::Fa.count(before + 1);
    assert!(
        page.contains(&format!("شما امضاکننده شماره {number} این کارزار هستید.")),
        "{page}"
    );
    assert!(page.contains("https://t.me/share/url?url="));
    assert_eq!(
        app.campaign("library-hours").await.signature_count,
        before + 1
    );

    let campaign = app.page("/library-hours").await;
    assert!(campaign.contains(&format!("امضاکنندگان: {number} نفر")));
    assert!(
        campaign.contains("<bdi>آزاده رهنما</bdi>"),
        "the newest signer leads the list"
    );
    // The code is single use.
    let again = signer.confirm(app, &code_page, &code).await;
    assert!(location(&again).starts_with("/library-hours/signed/"));
    assert_eq!(
        app.campaign("library-hours").await.signature_count,
        before + 1
    );
}

on_both_backends!(signs_with_a_code_and_is_counted, demo: true);

#[tokio::test]
async fn signing_again_answers_like_a_first_time_and_counts_nothing() {
    let app = TestApp::demo().await;
    let first = Browser::open(&app, "/clean-river").await;
    first
        .sign(
            &app,
            "clean-river",
            "بهار نوروزی",
            "bahar@Example.org",
            true,
        )
        .await;
    let after_first = app.campaign("clean-river").await.signature_count;

    let second = Browser::open(&app, "/clean-river").await;
    let response = second
        .request(
            &app,
            "clean-river",
            "بهار نوروزی",
            " BAHAR@example.org ",
            true,
        )
        .await;
    let second_page = location(&response);
    assert!(
        second_page.starts_with("/clean-river/verify/"),
        "the same answer as a first attempt"
    );
    let page = second.page(&app, &second_page).await;
    assert!(
        page.contains(r#"یک کد شش‌رقمی به <bdi dir="ltr" class="destination">b***@example.org</bdi> فرستاده شد"#),
        "{page}"
    );
    app.wait_for_messages(2).await;
    let message = app.message_to("bahar@example.org").await;
    assert!(
        message.contains("پیش‌تر کارزار"),
        "the message says they already signed: {message}"
    );
    assert_eq!(
        app.campaign("clean-river").await.signature_count,
        after_first
    );
}

#[tokio::test]
async fn wrong_codes_run_out() {
    let app = TestApp::demo().await;
    let before = app.campaign("library-hours").await.signature_count;
    let signer = Browser::open(&app, "/library-hours").await;
    let code_page = location(
        &signer
            .request(&app, "library-hours", "کامیار دلاور", "09351112233", true)
            .await,
    );
    let code = code_in(&app.message_to("+989351112233").await);
    let wrong = if code == "000000" { "111111" } else { "000000" };
    for left in (0..5).rev() {
        let response = signer.confirm(&app, &code_page, wrong).await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let page = response.text().await.unwrap();
        if left > 0 {
            let left = tomar_core::language::Language::Fa.number(left);
            assert!(page.contains(&format!("{left} بار دیگر")), "{page}");
        } else {
            assert!(page.contains("بیش از حد مجاز"));
            assert!(
                !page.contains("معتبر است") && !page.contains(r#"name="code""#),
                "no code box, and no word of a code still valid, once the tries are gone"
            );
        }
    }
    let too_late = signer.confirm(&app, &code_page, &code).await;
    assert_eq!(too_late.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(app.campaign("library-hours").await.signature_count, before);
    for ugly in ["", "12345", "<script>", "1234567", "\u{0}"] {
        let response = signer.confirm(&app, &code_page, ugly).await;
        assert!(response.status().is_client_error(), "{ugly:?}");
    }
}

#[tokio::test]
async fn a_hidden_name_is_counted_but_never_shown() {
    let app = TestApp::demo().await;
    let signer = Browser::open(&app, "/library-hours").await;
    signer
        .sign(
            &app,
            "library-hours",
            "نامی که پنهان است",
            "09120000001",
            false,
        )
        .await;
    for path in ["/library-hours", "/library-hours/signatures"] {
        let page = app.page(path).await;
        assert!(!page.contains("نامی که پنهان است"), "{path}");
    }
    let list = app.page("/library-hours/signatures").await;
    let newest = list.split("<span class=\"signer-number\">").nth(1).unwrap();
    assert!(newest.contains("(نام پنهان)"));
}

/// Settings, and campaigns as signing checks them, are cached per process for a moment;
/// another process's change must hold within that moment: the kill switch, and a campaign's
/// end.
#[tokio::test]
async fn changes_made_in_another_process_stop_signing_within_a_second() {
    let app = TestApp::demo().await;
    let other = app.another_process().await;
    let signer = Browser::open(&app, "/library-hours").await;
    let soon_after = tomar_store::CACHED_FOR + std::time::Duration::from_millis(100);

    // Asking for a code reads (and keeps) the campaign and the settings.
    let asked = signer
        .request(&app, "library-hours", "سیما آرام", "09121110000", true)
        .await;
    assert_eq!(asked.status(), StatusCode::SEE_OTHER);
    let id = campaign_id(&app, "library-hours").await;
    let today = tomar_core::calendar::iran_date(tomar_core::Timestamp::now());
    let yesterday = today.yesterday().unwrap();
    tomar_store::testing::run_campaign_on(&other.store, id, yesterday).await;
    tokio::time::sleep(soon_after).await;
    let ended = signer
        .request(&app, "library-hours", "سیما آرام", "09121110001", true)
        .await;
    assert_eq!(ended.status(), StatusCode::CONFLICT, "the campaign ended");

    assert!(app.page("/clean-river").await.contains("id=\"sign\""));
    other
        .store
        .set_setting("switch.signing_stopped", "true")
        .await
        .unwrap();
    tokio::time::sleep(soon_after).await;
    assert!(!app.page("/clean-river").await.contains("id=\"sign\""));
    let stopped = signer
        .request(&app, "clean-river", "سیما آرام", "09121110002", true)
        .await;
    assert_eq!(stopped.status(), StatusCode::CONFLICT, "signing stopped");
}

async fn campaign_id(app: &TestApp, slug: &str) -> tomar_core::ids::CampaignId {
    let by = CampaignRef::Slug(tomar_core::names::Slug::parse(slug).unwrap());
    app.store.campaign(&by).await.unwrap().unwrap().id
}

#[tokio::test]
async fn closed_campaigns_refuse_before_any_code_is_sent() {
    let app = TestApp::demo().await;
    let signer = Browser::open(&app, "/library-hours").await;
    for campaign in ["demo", "library-hours"] {
        if campaign == "library-hours" {
            app.store
                .set_setting("switch.signing_stopped", "true")
                .await
                .unwrap();
        }
        let response = signer
            .request(&app, campaign, "سیما آرام", "09121110000", true)
            .await;
        assert_eq!(response.status(), StatusCode::CONFLICT, "{campaign}");
        assert!(
            response
                .text()
                .await
                .unwrap()
                .contains("هیچ کدی فرستاده نشد")
        );
    }
    assert!(
        !app.page("/library-hours").await.contains("id=\"sign\""),
        "no form while stopped"
    );
    assert!(
        !app.page("/demo").await.contains("id=\"sign\""),
        "no form once ended"
    );
    let unpublished = signer
        .request(&app, "under-review", "سیما آرام", "09121110000", true)
        .await;
    assert_eq!(unpublished.status(), StatusCode::NOT_FOUND);
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert_eq!(app.message_count(), 0);
}

#[tokio::test]
async fn forms_without_their_csrf_token_are_refused() {
    let app = TestApp::demo().await;
    // A visitor not logged in needs no token on the campaign page's forms (see the tests
    // of public_pages); a member's session is what a forged form would borrow.
    let member = app.log_in("09121110061", Role::Member).await;
    let sent = app.message_count();
    let client = &member.client;
    let fields = [
        ("csrf", "0123456789abcdef0123456789abcdef"),
        ("name", "مهمان"),
        ("contact", "09121234567"),
    ];
    let forged = client
        .post(app.url("/library-hours/sign"))
        .form(&fields)
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), StatusCode::FORBIDDEN);
    assert!(forged.text().await.unwrap().contains("فرم منقضی شده است"));
    let missing = client
        .post(app.url("/library-hours/sign"))
        .form(&fields[1..])
        .send()
        .await
        .unwrap();
    assert!(missing.status().is_client_error());
    assert!(missing.text().await.unwrap().contains("<html lang=\"fa\""));
    let garbage = client
        .post(app.url("/library-hours/sign"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(vec![0xff, 0xfe, b'=', 0x00])
        .send()
        .await
        .unwrap();
    assert!(garbage.status().is_client_error());
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert_eq!(app.message_count(), sent);
}

#[tokio::test]
async fn ugly_inputs_get_a_message_beside_the_field_and_keep_what_was_typed() {
    let app = TestApp::demo().await;
    let signer = Browser::open(&app, "/library-hours").await;
    let huge = "۹".repeat(10_000);
    let cases: [(&str, &str, &str); 7] = [
        ("", "09121234567", "این بخش نباید خالی باشد."),
        (
            "<script>alert(1)</script>",
            "not a number",
            "نویسه‌های نامجاز",
        ),
        ("نام درست", "", "این بخش نباید خالی باشد."),
        ("نام درست", "0912", "شمارهٔ موبایل ۱۱ رقم است"),
        ("نام درست", "۰۲۱ ۱۲۳۴ ۵۶۷۸", "این شمارهٔ تلفن ثابت است"),
        ("نام درست", &huge, "شمارهٔ موبایل ۱۱ رقم است"),
        ("x\u{0}", "a@b", "نویسه‌های نامجاز"),
    ];
    for (name, contact, expected) in cases {
        let response = signer
            .request(&app, "library-hours", name, contact, true)
            .await;
        assert_eq!(
            response.status(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "{name:?} {contact:?}"
        );
        let page = response.text().await.unwrap();
        assert!(page.contains(expected), "{name:?} {contact:?}");
        assert!(page.contains("class=\"field-error\""));
        assert!(!page.contains("<script>alert"), "typed text is escaped");
    }
    let kept = signer
        .request(&app, "library-hours", "نام درست", "0912", true)
        .await
        .text()
        .await
        .unwrap();
    assert!(
        kept.contains("value=\"نام درست\""),
        "the form keeps what was typed"
    );
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert_eq!(app.message_count(), 0);
}

#[tokio::test]
async fn the_form_asks_for_a_mobile_first_and_takes_an_email_instead() {
    let app = TestApp::demo().await;
    let page = app.page("/library-hours").await;
    assert!(
        page.contains(r#"name="contact" type="tel" inputmode="tel" autocomplete="tel""#),
        "the phone keypad for the mobile: {page}"
    );
    assert!(page.contains(r#"<details class="email-instead">"#));
    assert!(page.contains(r#"name="email" type="email" inputmode="email""#));

    let signer = Browser::open(&app, "/library-hours").await;
    let fields = [
        ("name", "ایمیلی"),
        ("contact", ""),
        ("email", "emaili@example.org"),
    ];
    let code_page = location(&signer.post(&app, "/library-hours/sign", &fields).await);
    assert!(
        code_page.starts_with("/library-hours/verify/"),
        "{code_page}"
    );
    let message = app.message_to("emaili@example.org").await;
    assert!(message.contains("Channel: email"));

    let fields = [
        ("name", "ایمیلی"),
        ("contact", ""),
        ("email", "not-an-address"),
    ];
    let refused = signer.post(&app, "/library-hours/sign", &fields).await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = refused.text().await.unwrap();
    assert!(
        page.contains(r#"<details class="email-instead" open>"#),
        "the email field stays open with its error: {page}"
    );
    assert!(page.contains(
        r#"value="not-an-address" aria-invalid="true" aria-describedby="sign-email-error" autofocus"#
    ));
    let fields = [("name", "نام"), ("contact", "0912")];
    let page = signer.post(&app, "/library-hours/sign", &fields).await;
    let page = page.text().await.unwrap();
    assert!(
        page.contains(r#"value="0912" aria-invalid="true" autofocus"#),
        "the focus goes to the field in error: {page}"
    );
    assert!(page.contains(r#"aria-describedby="sign-contact-hint sign-contact-error""#));
    assert_eq!(
        page.matches(" autofocus").count(),
        1,
        "one field has the focus"
    );
}

#[tokio::test]
async fn codes_are_limited_per_contact_by_an_admin_setting() {
    let app = TestApp::demo_with(&[("limits.codes_per_contact_per_hour", "2")]).await;
    let signer = Browser::open(&app, "/library-hours").await;
    for _ in 0..2 {
        let response = signer
            .request(&app, "library-hours", "پرسش‌گر", "09127770000", true)
            .await;
        location(&response);
    }
    let third = signer
        .request(&app, "library-hours", "پرسش‌گر", "+98 912 777 0000", true)
        .await;
    assert_eq!(third.status(), StatusCode::TOO_MANY_REQUESTS);
    let other = signer
        .request(&app, "library-hours", "پرسش‌گر", "09127770001", true)
        .await;
    location(&other);
}

#[tokio::test]
async fn a_code_sms_is_one_segment_with_the_code_first_and_a_webotp_line() {
    let app = TestApp::demo().await;
    let signer = Browser::open(&app, "/library-hours").await;
    let code_page = location(
        &signer
            .request(&app, "library-hours", "پیامک کوتاه", "09125550011", false)
            .await,
    );
    let message = app.message_to("+989125550011").await;
    let body = message.split_once("\n\n").unwrap().1.trim_end();
    let code = code_in(&message);
    assert!(
        body.starts_with(&format!("{code} ")),
        "the code first: {body}"
    );
    let host = app
        .base
        .trim_start_matches("http://")
        .split(':')
        .next()
        .unwrap();
    assert!(
        body.ends_with(&format!("\n@{host} #{code}")),
        "WebOTP's line last: {body}"
    );
    // UCS-2: one segment holds 70 characters, none of them outside the BMP.
    assert!(
        body.chars().count() <= 70,
        "{} characters: {body}",
        body.chars().count()
    );
    assert!(body.chars().all(|c| (c as u32) < 0x10000));
    assert!(!body.contains("/withdraw/"), "no link in the SMS");

    // The way back is on the thank-you page instead.
    let thanks = location(&signer.confirm(&app, &code_page, &code).await);
    let page = signer.page(&app, &thanks).await;
    let withdraw = format!("{thanks}/withdraw");
    assert!(
        page.contains(&format!(r#"<a href="{withdraw}">"#)),
        "{page}"
    );
    let signed = app.campaign("library-hours").await.signature_count;
    let question = signer.page(&app, &withdraw).await;
    assert!(question.contains("آیا می‌خواهید امضای شماره"));
    assert_eq!(app.campaign("library-hours").await.signature_count, signed);
    let done = signer.post(&app, &withdraw, &[]).await;
    assert_eq!(done.status(), StatusCode::OK);
    assert_eq!(
        app.campaign("library-hours").await.signature_count,
        signed - 1
    );
    let again = signer.page(&app, &withdraw).await;
    assert!(again.contains("این امضا پیش‌تر پس گرفته شده است"), "{again}");
    let forged = signer
        .post(&app, "/library-hours/signed/nosuch/withdraw", &[])
        .await;
    assert_eq!(forged.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_signer_withdraws_with_the_link_from_their_message() {
    let app = TestApp::demo().await;
    let signer = Browser::open(&app, "/library-hours").await;
    // An email carries the withdrawal link.
    let code_page = location(
        &signer
            .request(
                &app,
                "library-hours",
                "رها پشیمان",
                "raha@example.org",
                true,
            )
            .await,
    );
    let message = app.message_to("raha@example.org").await;
    location(&signer.confirm(&app, &code_page, &code_in(&message)).await);
    let signed = app.campaign("library-hours").await.signature_count;

    let withdraw = withdraw_path_in(&message);
    let question = signer.page(&app, &withdraw).await;
    assert!(question.contains("آیا می‌خواهید امضای شماره"));
    assert_eq!(
        app.campaign("library-hours").await.signature_count,
        signed,
        "a GET changes nothing"
    );

    let done = signer.post(&app, &withdraw, &[]).await;
    assert_eq!(done.status(), StatusCode::OK);
    assert!(done.text().await.unwrap().contains("امضای شما پس گرفته شد"));
    assert_eq!(
        app.campaign("library-hours").await.signature_count,
        signed - 1
    );
    assert!(!app.page("/library-hours").await.contains("رها پشیمان"));
    let twice = signer.post(&app, &withdraw, &[]).await;
    assert_eq!(twice.status(), StatusCode::NOT_FOUND);
    assert_eq!(
        app.campaign("library-hours").await.signature_count,
        signed - 1
    );
    // Who withdrew may sign again, and hears the truth: a code, not "already signed".
    let before = app.message_count();
    let again = Browser::open(&app, "/library-hours").await;
    let request = again.request(&app, "library-hours", "رها دوباره", "09125550000", true);
    let code_page = location(&request.await);
    app.wait_for_messages(before + 1).await;
    let message = app.message_to("+989125550000").await;
    assert!(!message.contains("پیش‌تر"), "{message}");
    location(&again.confirm(&app, &code_page, &code_in(&message)).await);
    assert_eq!(app.campaign("library-hours").await.signature_count, signed);
    assert!(app.page("/library-hours").await.contains("رها دوباره"));

    let unknown = signer
        .client
        .get(app.url("/withdraw/00000000000000000000000000000000"))
        .send()
        .await
        .unwrap();
    assert_eq!(unknown.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn only_signers_who_ask_for_news_leave_their_contact_and_only_encrypted() {
    let app = TestApp::demo().await;
    for (contact, updates) in [("09124440001", true), ("09124440002", false)] {
        let signer = Browser::open(&app, "/library-hours").await;
        let mut fields = vec![
            ("name", "خواننده خبر"),
            ("contact", contact),
            ("public", "on"),
        ];
        if updates {
            fields.push(("updates", "on"));
        }
        let code_page = location(&signer.post(&app, "/library-hours/sign", &fields).await);
        let code = code_in(&app.message_to(&format!("+98{}", &contact[1..])).await);
        location(&signer.confirm(&app, &code_page, &code).await);
    }
    let campaign = app.campaign("library-hours").await;
    let sealed = app
        .store
        .sealed_contacts_for_updates(campaign.id)
        .await
        .unwrap();
    assert_eq!(sealed.len(), 1);
    assert!(!sealed[0].contains("4440001"), "stored encrypted");
    let secret = app.secret().await;
    assert_eq!(secret.open(&sealed[0]).as_deref(), Some("+989124440001"));
}

#[tokio::test]
async fn a_code_is_sent_again_to_the_contact_typed_again_after_a_minute() {
    let app = TestApp::demo().await;
    let signer = Browser::open(&app, "/library-hours").await;
    let response = signer
        .request(&app, "library-hours", "رها صالحی", "09127654321", true)
        .await;
    let code_page = location(&response);
    app.wait_for_messages(1).await;
    let first_code = code_in(&app.message_to("+989127654321").await);
    let page = signer.page(&app, &code_page).await;
    assert!(page.contains(&format!("action=\"{code_page}/resend\"")));

    let resend = format!("{code_page}/resend");
    let other = signer
        .post(&app, &resend, &[("contact", "09120000000")])
        .await;
    assert_eq!(other.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        other
            .text()
            .await
            .unwrap()
            .contains("این همان شماره یا ایمیلی نیست")
    );
    let soon = signer
        .post(&app, &resend, &[("contact", "۰۹۱۲ ۷۶۵ ۴۳۲۱")])
        .await;
    assert_eq!(soon.status(), StatusCode::TOO_MANY_REQUESTS);

    let verification = code_page.rsplit('/').next().unwrap();
    tomar_store::testing::age_verification(&app.store, verification, 61).await;
    let again = signer
        .post(&app, &resend, &[("contact", "+98 912 765 4321")])
        .await;
    assert_eq!(location(&again), format!("{code_page}?resent=1"));
    assert!(
        signer
            .page(&app, &location(&again))
            .await
            .contains("کد تازه‌ای فرستاده شد")
    );
    app.wait_for_messages(2).await;
    let second_code = code_in(&app.message_to("+989127654321").await);
    if first_code != second_code {
        let stale = signer.confirm(&app, &code_page, &first_code).await;
        assert_eq!(
            stale.status(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "the old code is void"
        );
    }
    let before = app.campaign("library-hours").await.signature_count;
    let done = signer.confirm(&app, &code_page, &second_code).await;
    assert_eq!(location(&done), code_page.replace("/verify/", "/signed/"));
    assert_eq!(
        app.campaign("library-hours").await.signature_count,
        before + 1
    );
}
