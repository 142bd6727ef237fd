//! The pages over real HTTP, against Tomar started as `tomar serve` starts it.

use crate::support::{Backend, TestApp, on_both_backends, other_scripts};
use jiff::ToSpan;
use tomar_core::body::LetterBody;
use tomar_core::calendar::{format_instant, iran_date};
use tomar_core::campaign::{Addressee, CampaignKind, CampaignText, NewCampaign};
use tomar_core::comment::NewComment;
use tomar_core::ids::CampaignId;
use tomar_core::language::Language;
use tomar_core::lifecycle::Transition;
use tomar_core::moderation::{Actor, ModerationAction, ModerationEvent, Target};
use tomar_core::names::{CampaignRef, Hashtag, Line, PersonName};
use tomar_core::news::{NewNewsLink, NewsStatus};
use tomar_store::Store;

/// Asserts that `markers` occur in `page` in this order, each after the one before.
fn assert_in_order(page: &str, markers: &[&str]) {
    let mut from = 0;
    for marker in markers {
        match page[from..].find(marker) {
            Some(at) => from += at + marker.len(),
            None => panic!("{marker:?} is missing, or out of order after byte {from}"),
        }
    }
}

/// The part of `page` inside the element with this id.
fn section<'a>(page: &'a str, id: &str) -> &'a str {
    let start = page
        .find(&format!("id=\"{id}\""))
        .unwrap_or_else(|| panic!("no #{id}"));
    let rest = &page[start..];
    let end = rest.find("</section>").unwrap_or(rest.len());
    &rest[..end]
}

async fn every_section_of_the_reference_page(app: &TestApp) {
    let quiet = app.page("/demo").await;
    assert!(
        !quiet.contains(r#"id="channels""#),
        "no line about channels until an admin names one"
    );
    let channel = "https://t.me/tomar_example";
    app.store
        .set_setting("channel.telegram", channel)
        .await
        .unwrap();
    let page = app.page("/demo").await;
    assert!(page.contains(&format!(r#"<a href="{channel}""#)), "{page}");
    assert!(page.contains("<html lang=\"fa\" dir=\"rtl\">"));
    assert_in_order(
        &page,
        &[
            "⚠️ زمان این کارزار به پایان رسیده است. می‌توانید کارزارهای زیر را حمایت و امضا کنید:",
            "درخواست توقف قطع درختان کهن‌سال خیابان سروستان نیک‌آباد</h1>",
            "#درختان_سروستان_را_نبرید",
            // As in the reference: the invocation, then the addressee.
            "بسمه تعالی",
            "جناب آقای مهندس فریبرز دشت‌آرا",
            "شهردار محترم نیک‌آباد",
            "<ul class=\"bullets\"><li dir=\"auto\">طرح تعریض خیابان",
            "با سپاس و احترام",
            "شروع کارزار:",
            "پایان کارزار:",
            "از طرف:",
            "هشتگ رسمی:",
            "نویسنده:",
            "⚠️ در متن این نامه ادعاهایی مطرح شده",
            "زمان این کارزار به پایان رسیده است.",
            "کانال تلگرام",
            "امضاکنندگان: ۵۹۸ نفر",
            "بحث و گفتگو",
            "اخبار مرتبط با این کارزار",
            "سلب مسئولیت",
            "تأیید کارزار جهت انتشار",
            "این کارزار در چهارچوب قوانین",
            "این کارزارها را هم حمایت کنید:",
        ],
    );
    assert!(!page.contains('⟦'), "a translation is missing");

    let banner = section(&page, "ended");
    assert_eq!(
        banner.matches("<li>").count(),
        3,
        "three suggestions in the banner"
    );
    assert!(!banner.contains("href=\"/demo\""), "never itself");
    let suggestions = section(&page, "suggestions");
    assert!(
        suggestions.contains("href=\"/clean-river\""),
        "the most-signed open campaign"
    );
    assert!(!suggestions.contains("href=\"/demo\""));
    assert!(
        !suggestions.contains("under-review"),
        "never an unpublished campaign"
    );

    let signers = section(&page, "signers");
    assert_eq!(
        signers.matches("<li>").count(),
        30,
        "the first page of names"
    );
    assert!(signers.contains("(نام پنهان)"), "hidden names stay hidden");
    assert!(signers.contains("href=\"/demo/signatures\""));

    let discussion = section(&page, "discussion");
    assert!(discussion.contains("<bdi>سودابه رخشان</bdi> در پاسخ به <bdi>کامران پاک‌سیرت</bdi>"));
    assert!(discussion.contains("<bdi>کاربر ناشناس</bdi> در پاسخ به <bdi>کامران پاک‌سیرت</bdi>"));
    assert!(discussion.contains("<span class=\"comment-author\"><bdi>کاربر ناشناس</bdi></span>"));
    assert!(discussion.contains(
        "<a href=\"https://tomar.example/demo\" rel=\"nofollow ugc noopener\" dir=\"ltr\">"
    ));
    assert!(discussion.matches("class=\"comment").count() >= 8);

    let news = section(&page, "news");
    assert!(news.contains("شورای شهر نیک‌آباد بررسی طرح"));
    assert!(!news.contains("هنوز بررسی نشده"), "only approved links");

    let demo = app.campaign("demo").await;
    let approved = format_instant(demo.published_at.unwrap(), Language::Fa);
    assert!(
        section(&page, "approval").contains(&approved),
        "approval date {approved}"
    );
    let start = tomar_core::calendar::format_date(demo.start_date, Language::Fa);
    assert!(section(&page, "meta").contains(&start));
}

on_both_backends!(every_section_of_the_reference_page, demo: true);

#[tokio::test]
async fn the_number_and_the_slug_show_the_same_campaign() {
    let app = TestApp::demo().await;
    let demo = app.campaign("demo").await;
    let by_slug = app.page("/demo").await;
    let by_number = app.page(&format!("/{}", demo.id)).await;
    let persian_number = Language::Fa.number(demo.id);
    let encoded: String = persian_number
        .bytes()
        .map(|b| format!("%{b:02X}"))
        .collect();
    let by_persian_number = app.page(&format!("/{encoded}")).await;
    let title = "درخواست توقف قطع درختان کهن‌سال";
    for page in [&by_slug, &by_number, &by_persian_number] {
        assert!(page.contains(title));
    }
}

#[tokio::test]
async fn an_open_campaign_shows_days_left_and_no_ended_banner() {
    let app = TestApp::demo().await;
    let page = app.page("/library-hours").await;
    assert!(!page.contains("id=\"ended\""));
    assert!(page.contains("۱۱ روز تا پایان"));
    let last_day = app.page("/hashtag/سپاس_آتش_نشانان").await;
    assert!(last_day.contains("آخرین روز"));
}

#[tokio::test]
async fn unknown_and_unpublished_campaigns_are_a_persian_404() {
    let app = TestApp::demo().await;
    for path in [
        "/no-such-campaign",
        "/999999",
        "/under-review",
        "/%D9%86%D9%87",
        "/under-review/signatures",
        "/a/b/c",
    ] {
        let response = app.get(path).await;
        assert_eq!(response.status(), 404, "{path}");
        let page = response.text().await.unwrap();
        assert!(page.contains("<html lang=\"fa\" dir=\"rtl\">"), "{path}");
        assert!(page.contains("صفحه پیدا نشد"), "{path}");
    }
}

#[tokio::test]
async fn ugly_requests_get_clear_pages_never_a_500() {
    let app = TestApp::demo().await;
    let long = "x".repeat(5000);
    let ugly = [
        ("/%FF%FE", 0),
        ("/%00", 0),
        ("/demo%00", 0),
        ("/' OR 1=1 --", 0),
        ("/<script>", 0),
        (long.as_str(), 0),
        ("/demo/signatures?after=abc", 400),
        ("/demo/signatures?after=%FF", 400),
        ("/demo/signatures?after=99999999999999999999999", 400),
        ("/hashtag/%3Cscript%3E", 404),
    ];
    for (path, expected) in ugly {
        let path = if path.starts_with('/') {
            path.to_owned()
        } else {
            format!("/{path}")
        };
        let response = app.get(&path).await;
        let status = response.status().as_u16();
        assert!((400..500).contains(&status), "{path}: {status}");
        if expected != 0 {
            assert_eq!(status, expected, "{path}");
        }
        let page = response.text().await.unwrap();
        assert!(
            page.contains("<html lang=\"fa\""),
            "{path}: a page in the user's language"
        );
    }
    let post = app.visitor().post(app.url("/demo")).send().await.unwrap();
    assert_eq!(post.status(), 405);
    assert!(post.text().await.unwrap().contains("روش نامجاز"));
}

#[tokio::test]
async fn the_signature_list_pages_by_key_through_every_signer() {
    let app = TestApp::demo().await;
    let mut path = "/demo/signatures".to_owned();
    let mut numbers = Vec::new();
    let mut hidden = 0;
    loop {
        let page = app.page(&path).await;
        for item in page.split("<span class=\"signer-number\">").skip(1) {
            let number = item.split('<').next().unwrap();
            numbers.push(
                tomar_core::persian::ascii_digits(number)
                    .parse::<u64>()
                    .unwrap(),
            );
            hidden +=
                usize::from(item.starts_with(&format!("{number}</span><span class=\"muted\">")));
        }
        match page.split("href=\"/demo/signatures?after=").nth(1) {
            Some(rest) => {
                path = format!("/demo/signatures?after={}", rest.split('"').next().unwrap())
            }
            None => break,
        }
    }
    assert_eq!(
        numbers,
        (1..=598).rev().collect::<Vec<u64>>(),
        "newest first, no gaps, no repeats"
    );
    assert_eq!(hidden, 598 / 7);
    let persian = app.page("/demo/signatures?after=%DB%B1%DB%B0").await; // ۱۰
    assert_eq!(persian.matches("<span class=\"signer-number\">").count(), 9);
}

fn language_cookie(response: &reqwest::Response) -> Option<String> {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("lang="))
        .map(str::to_owned)
}

#[tokio::test]
async fn the_language_toggle_switches_to_english_and_is_remembered() {
    let app = TestApp::demo().await;
    let visitor = app.visitor();
    let english = visitor.get(app.url("/demo?lang=en")).send().await.unwrap();
    let cookie = language_cookie(&english).expect("the choice is remembered");
    assert!(cookie.starts_with("lang=en;"), "{cookie}");
    let page = english.text().await.unwrap();
    assert!(page.contains("<html lang=\"en\" dir=\"ltr\">"));
    assert!(page.contains("Signers: 598"));
    assert!(page.contains("This campaign has ended."));
    assert!(
        page.contains("href=\"/demo?lang=fa\""),
        "the toggle leads back"
    );
    let demo = app.campaign("demo").await;
    assert!(page.contains(&format_instant(demo.published_at.unwrap(), Language::En)));
    assert!(!page.contains('۵'), "ASCII digits in English");

    let remembered = app.page_for(&visitor, "/demo").await;
    assert!(remembered.contains("<html lang=\"en\" dir=\"ltr\">"));
    let back = app.page_for(&visitor, "/?lang=fa").await;
    assert!(back.contains("<html lang=\"fa\" dir=\"rtl\">"));

    let first_visit = app
        .visitor()
        .get(app.url("/"))
        .header("accept-language", "en-US,en;q=0.9")
        .send()
        .await
        .unwrap();
    assert!(
        language_cookie(&first_visit).is_none(),
        "a header is not a choice"
    );
    assert!(
        first_visit
            .text()
            .await
            .unwrap()
            .contains("<html lang=\"fa\" dir=\"rtl\">"),
        "an English-language phone still gets the Persian site until its owner chooses"
    );
}

#[tokio::test]
async fn the_home_page_lists_open_campaigns_with_their_counts() {
    let app = TestApp::demo().await;
    let page = app.page("/").await;
    for count in ["۱٬۸۴۳ امضا", "۱٬۲۰۷ امضا", "۳۵۶ امضا", "۷۴ امضا"]
    {
        assert_eq!(page.matches(count).count(), 1, "{count}, once");
    }
    assert!(
        !page.contains("href=\"/demo\""),
        "ended campaigns are not open"
    );
    assert!(!page.contains("under-review"));
    assert!(page.contains("href=\"/rules\""));
    assert!(app.page("/rules").await.contains("قوانین طومار"));
}

#[tokio::test]
async fn no_page_loads_anything_from_another_host() {
    let app = TestApp::demo().await;
    for path in [
        "/",
        "/demo",
        "/demo/signatures",
        "/rules",
        "/hashtag/کتابخانه_باز",
        "/nope",
    ] {
        let response = app.get(path).await;
        let csp = response
            .headers()
            .get("content-security-policy")
            .unwrap()
            .to_str()
            .unwrap()
            .to_owned();
        assert_eq!(csp, tomar_web::CONTENT_SECURITY_POLICY_VALUE);
        assert_eq!(
            response.headers().get("x-content-type-options").unwrap(),
            "nosniff"
        );
        let page = response.text().await.unwrap();
        for attribute in [
            "src=\"",
            "<link rel=\"stylesheet\" href=\"",
            "<link rel=\"preload\" href=\"",
            "<link rel=\"icon\" href=\"",
        ] {
            for rest in page.split(attribute).skip(1) {
                assert!(
                    rest.starts_with('/') && !rest.starts_with("//"),
                    "{path}: {attribute}{}",
                    &rest[..40.min(rest.len())]
                );
            }
        }
        assert_eq!(
            other_scripts(&page),
            0,
            "{path}: pages work without script, and carry none but the count's"
        );
    }
    let css = app.page("/static/tomar.css").await;
    assert!(
        !css.contains("http"),
        "the stylesheet loads nothing from elsewhere"
    );
    let font = app.get("/static/vazirmatn.woff2").await;
    assert_eq!(font.headers().get("content-type").unwrap(), "font/woff2");
    assert!(font.bytes().await.unwrap().starts_with(b"wOF2"));
    assert_eq!(app.get("/static/nothing.js").await.status(), 404);
    assert_eq!(app.page("/healthz").await, "ok");
}

#[tokio::test]
async fn static_files_are_linked_by_their_content_hash_and_kept_a_year() {
    use reqwest::header::{CACHE_CONTROL, LOCATION};
    let app = TestApp::demo().await;
    let page = app.page("/clean-river").await;
    let css = tomar_web::asset_href("tomar.css");
    assert!(css.starts_with("/static/tomar.") && css.len() == "/static/tomar.0123456789.css".len());
    assert!(
        page.contains(&format!(r#"<link rel="stylesheet" href="{css}">"#)),
        "{page}"
    );
    assert!(!page.contains(r#"href="/static/tomar.css""#));
    let hashed = app.get(&css).await;
    assert_eq!(
        hashed.headers()[CACHE_CONTROL],
        "public, max-age=31536000, immutable"
    );
    let text = hashed.text().await.unwrap();
    assert!(
        text.contains(&tomar_web::asset_href("vazirmatn.woff2")),
        "the font by its hash too"
    );
    let plain = app.get("/static/tomar.css").await;
    assert_eq!(plain.headers()[CACHE_CONTROL], "public, max-age=86400");
    assert_eq!(plain.text().await.unwrap(), text);
    // A page of an earlier release asks for its own stylesheet: it is sent on to this one.
    for (old, name) in [
        ("tomar.0000000000.css", "tomar.css"),
        ("live.0000000000.js", "live.js"),
    ] {
        let redirect = app.get(&format!("/static/{old}")).await;
        assert_eq!(redirect.status(), reqwest::StatusCode::TEMPORARY_REDIRECT);
        assert_eq!(
            redirect.headers()[LOCATION],
            tomar_web::asset_href(name).as_str()
        );
    }
    for missing in [
        "/static/tomar.000000000.css",
        "/static/nothing.0000000000.css",
    ] {
        assert_eq!(
            app.get(missing).await.status(),
            reqwest::StatusCode::NOT_FOUND,
            "{missing}"
        );
    }
}

const HOSTILE: &str = "<script>alert('x')</script> \"quoted\" \u{202E}evil";

async fn publish_hostile_campaign(store: &Store) -> CampaignId {
    let line = |s: &str| Line::parse(s, 500).unwrap();
    let today = iran_date(jiff::Timestamp::now());
    let new = NewCampaign {
        slug: None,
        kind: CampaignKind::Complaint,
        text: CampaignText {
            title: line(HOSTILE),
            addressees: vec![Addressee {
                name: line(HOSTILE),
                position: line(HOSTILE),
            }],
            body: LetterBody::parse(&format!("{HOSTILE}\n\n- {HOSTILE}")).unwrap(),
            on_behalf_of: line(HOSTILE),
            author_name: line(HOSTILE),
            hashtag: Hashtag::parse("ایمنی").unwrap(),
        },
        category: Some(line(HOSTILE)),
        author_id: None,
        start_date: today,
        end_date: today.checked_add(5.days()).unwrap(),
        signature_goal: None,
    };
    let now = jiff::Timestamp::now();
    let id = store.create_campaign(&new, now).await.unwrap();
    for step in [Transition::Submit, Transition::Approve] {
        let mut campaign = store.campaign(&CampaignRef::Id(id)).await.unwrap().unwrap();
        let before = campaign.lifecycle.clone();
        let event = campaign.apply(step, Actor::Platform, None, now).unwrap();
        store
            .save_transition(&campaign, &before, &event, &[])
            .await
            .unwrap();
    }
    let name = PersonName::parse("<b>\"نام\"</b>").unwrap();
    let comment = |parent, body: &str| NewComment {
        campaign_id: id,
        parent_id: parent,
        author_id: None,
        name: Some(name.clone()),
        body: LetterBody::parse(body).unwrap(),
        client_key: None,
        at: now,
    };
    let top = store.add_comment(&comment(None, HOSTILE)).await.unwrap();
    store
        .add_comment(&comment(
            Some(top),
            "javascript:alert(1) https://x.example/\"><script>",
        ))
        .await
        .unwrap();
    let link = store
        .add_news_link(&NewNewsLink {
            campaign_id: id,
            url: "https://news.example/\"><script>alert(1)</script>".into(),
            title: line(HOSTILE),
            source_host: "news.example".into(),
            submitter_name: None,
            client_key: None,
            at: now,
        })
        .await
        .unwrap();
    let event = ModerationEvent {
        actor: Actor::Platform,
        action: ModerationAction::Approve,
        target: Target::NewsLink(link),
        note: None,
        at: now,
    };
    store
        .review_news_link(link, NewsStatus::Approved, &event)
        .await
        .unwrap();
    id
}

#[tokio::test]
async fn hostile_text_is_escaped_in_every_user_field() {
    let app = TestApp::spawn(Backend::Sqlite, false).await.unwrap();
    let id = publish_hostile_campaign(&app.store).await;
    for path in [
        format!("/{id}"),
        "/".to_owned(),
        format!("/{id}/signatures"),
        "/hashtag/ایمنی".to_owned(),
    ] {
        let page = app.page(&path).await;
        assert_eq!(other_scripts(&page), 0, "{path}: a script tag got through");
        assert!(!page.contains("<b>"), "{path}");
        assert!(
            !page.contains('\u{202E}'),
            "{path}: a bidi override got through"
        );
        assert!(
            page.contains("&#60;script&#62;"),
            "{path}: the text is shown, escaped"
        );
    }
    let page = app.page(&format!("/{id}")).await;
    assert!(!page.contains("\"quoted\""), "quotes are escaped");
    assert!(
        !page.contains("href=\"javascript:"),
        "only http(s) becomes a link"
    );
    assert!(page.contains("rel=\"nofollow ugc noopener\""));
    assert!(page.contains("<bdi>&#60;b&#62;&#34;نام&#34;&#60;/b&#62;</bdi> در پاسخ به"));
}

#[tokio::test]
async fn pages_styles_and_json_are_gzipped_for_whoever_accepts_it_and_fonts_are_not() {
    use reqwest::header::{ACCEPT_ENCODING, CONTENT_ENCODING, VARY};
    let app = TestApp::demo().await;
    for path in [
        "/demo",
        "/static/tomar.css",
        "/api/v1/campaigns/demo/signatures",
    ] {
        let plain = app.get(path).await;
        assert!(plain.headers().get(CONTENT_ENCODING).is_none(), "{path}");
        let plain = plain.bytes().await.unwrap().len();
        let request = app
            .visitor()
            .get(app.url(path))
            .header(ACCEPT_ENCODING, "gzip");
        let gzipped = request.send().await.unwrap();
        assert_eq!(gzipped.headers()[CONTENT_ENCODING], "gzip", "{path}");
        let varies = gzipped.headers().get_all(VARY).iter();
        let varies: Vec<_> = varies.map(|v| v.to_str().unwrap().to_lowercase()).collect();
        assert!(varies.join(",").contains("accept-encoding"), "{path}");
        let gzipped = gzipped.bytes().await.unwrap().len();
        assert!(gzipped * 3 < plain, "{path}: {gzipped} of {plain} bytes");
    }
    let font = app.visitor().get(app.url("/static/vazirmatn.woff2"));
    let font = font.header(ACCEPT_ENCODING, "gzip").send().await.unwrap();
    assert_eq!(font.status(), reqwest::StatusCode::OK);
    assert!(
        font.headers().get(CONTENT_ENCODING).is_none(),
        "woff2 is compressed already"
    );
}

/// The surge issue's budget: a phone's first view of a campaign page, everything it loads
/// included, is at most 50 KB over the wire.
#[tokio::test]
async fn a_first_view_of_a_campaign_page_is_at_most_50_kb_over_the_wire() {
    use reqwest::header::ACCEPT_ENCODING;
    let app = TestApp::demo().await;
    let mut total = 0;
    let linked = [
        "tomar.css",
        "vazirmatn.woff2",
        "live.js",
        "share.js",
        "favicon.svg",
    ];
    let linked = linked.map(tomar_web::asset_href);
    for path in std::iter::once("/clean-river").chain(linked.iter().map(String::as_str)) {
        let request = app
            .visitor()
            .get(app.url(path))
            .header(ACCEPT_ENCODING, "gzip");
        let response = request.send().await.unwrap();
        assert_eq!(response.status(), reqwest::StatusCode::OK, "{path}");
        let bytes = response.bytes().await.unwrap().len();
        eprintln!("{path}: {bytes} bytes");
        total += bytes;
    }
    assert!(total <= 50 * 1024, "{total} bytes");
}
