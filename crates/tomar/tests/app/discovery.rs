//! How people find campaigns, over HTTP: the home page, listings with filters and orders,
//! Persian search, and the list API.

use crate::support::TestApp;
use reqwest::StatusCode;
use serde_json::Value;

/// The titles of the campaign cards on a page, in order.
fn card_titles(page: &str) -> Vec<String> {
    page.split("<strong class=\"card-title\"")
        .skip(1)
        .map(|rest| {
            rest.split_once('>')
                .unwrap()
                .1
                .split("</strong>")
                .next()
                .unwrap()
                .replace("<mark>", "")
                .replace("</mark>", "")
        })
        .collect()
}

fn has(titles: &[String], word: &str) -> bool {
    titles.iter().any(|t| t.contains(word))
}

#[tokio::test]
async fn listings_filter_and_sort() {
    let app = TestApp::demo().await;
    let all = card_titles(&app.page("/campaigns").await);
    assert_eq!(
        all.len(),
        6,
        "every public campaign, no draft or review: {all:?}"
    );
    assert!(
        all[0].contains("سپیدرود") && all[1].contains("اتوبوس"),
        "most-signed first"
    );

    let ended = card_titles(&app.page("/campaigns?status=ended").await);
    assert_eq!(ended.len(), 1);
    assert!(ended[0].contains("درختان"));

    let ending = card_titles(&app.page("/campaigns?status=open&sort=ending").await);
    assert!(
        ending[0].contains("آتش‌نشانان") && ending[4].contains("آب"),
        "{ending:?}"
    );

    let complaints = card_titles(&app.page("/campaigns?kind=complaint").await);
    assert_eq!(complaints.len(), 2);
    let tagged = card_titles(&app.page("/campaigns?hashtag=کتابخانه_باز").await);
    assert_eq!(tagged.len(), 1);
    assert!(tagged[0].contains("کتابخانه"));
    let category = card_titles(&app.page("/campaigns?category=محیط زیست&status=open").await);
    assert_eq!(category.len(), 1);

    for bad in [
        "sort=random",
        "status=secret",
        "kind=threat",
        "after=x",
        "hashtag=%20%23",
    ] {
        let response = app.get(&format!("/campaigns?{bad}")).await;
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{bad}");
    }
    assert_eq!(
        app.get("/campaigns?status=&sort=").await.status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn the_home_page_shows_totals_sections_search_and_a_way_to_start() {
    let app = TestApp::demo().await;
    let home = app.page("/").await;
    assert!(
        home.contains("۶ کارزار و ۴٬۰۹۰ امضا"),
        "totals in Persian digits"
    );
    assert!(home.contains("action=\"/search\""));
    assert!(home.contains("href=\"/new\""));
    assert!(
        home.contains("طومار چگونه کار می‌کند"),
        "how it works, in four steps"
    );
    assert_eq!(home.matches("<ol class=\"how-steps\">").count(), 1);
    // Every open campaign is in the first section it belongs to, and only there.
    let titles = card_titles(&home);
    let mut unique = titles.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(titles.len(), unique.len(), "no campaign twice: {titles:?}");
    assert_eq!(
        titles.len(),
        5,
        "four open campaigns and the succeeded one: {titles:?}"
    );
    assert!(home.contains("href=\"/campaigns?status=open&#38;sort=trending\""));
    let english = app.page("/?lang=en").await;
    assert!(english.contains("6 campaigns and 4,090 signatures"));
}

#[tokio::test]
async fn persian_search_folds_forms_and_marks_the_words_it_matched() {
    let app = TestApp::demo().await;
    let page = app.page("/search?q=كتابخانه").await;
    let titles = card_titles(&page);
    assert_eq!(titles.len(), 1, "Arabic kaf finds Persian kaf");
    assert!(page.contains("<mark>کتابخانه</mark>"));
    assert!(page.contains("۱ کارزار پیدا شد."));
    let river = card_titles(&app.page("/search?q=سپيدرود").await);
    assert!(has(&river, "سپیدرود"), "Arabic yeh finds Persian yeh");
    let seven = card_titles(&app.page("/search?q=7 آتش").await);
    assert!(has(&seven, "آتش‌نشانان"), "ASCII digits find Persian ones");
    let none = app.page("/search?q=واژه‌ای_که_نیست").await;
    assert!(none.contains("کارزاری با این واژه‌ها پیدا نشد."));
    assert!(hits(&none).is_empty());
    // A search that finds nothing still leads somewhere: open campaigns that match one of
    // its words, else the busiest open ones.
    let nonsense = app.page("/search?q=ززززز قققق").await;
    let offered = card_titles(
        nonsense
            .split("id=\"related\"")
            .nth(1)
            .expect("related campaigns"),
    );
    assert_eq!(offered.len(), 4, "the busiest open campaigns: {offered:?}");
    let near = app.page("/search?q=کتابخانه واژه‌ای_که_نیست").await;
    assert!(hits(&near).is_empty(), "every word must match");
    let offered = card_titles(near.split("id=\"related\"").nth(1).unwrap());
    assert_eq!(offered.len(), 1, "{offered:?}");
    assert!(
        has(&offered, "کتابخانه"),
        "the campaign that has one of the words"
    );
    for hostile in [
        "\"",
        "*",
        "' OR 1=1 --",
        "<script>",
        "%00",
        &"ب".repeat(5000),
    ] {
        let response = app.get(&format!("/search?q={hostile}")).await;
        assert_eq!(response.status(), StatusCode::OK, "{hostile}");
    }
    let review = app.page("/search?q=صف بررسی").await;
    assert!(
        hits(&review).is_empty(),
        "campaigns in review are not found"
    );
    let offered = card_titles(review.split("id=\"related\"").nth(1).unwrap());
    assert!(!has(&offered, "صف بررسی"), "nor offered: {offered:?}");
}

/// The results of a search page, without the campaigns it offers when there are none.
fn hits(page: &str) -> Vec<String> {
    card_titles(page.split("id=\"related\"").next().unwrap())
}

async fn api(app: &TestApp, path: &str) -> (StatusCode, Value) {
    let response = app.get(path).await;
    let status = response.status();
    (status, response.json().await.unwrap())
}

#[tokio::test]
async fn the_list_api_pages_by_key_and_searches() {
    let app = TestApp::demo().await;
    let (status, list) = api(&app, "/api/v1/campaigns?status=open&sort=ending").await;
    assert_eq!(status, StatusCode::OK);
    let items = list["items"].as_array().unwrap();
    assert_eq!(items.len(), 5);
    for field in [
        "id",
        "slug",
        "title",
        "status",
        "signature_count",
        "end_date",
    ] {
        assert!(items[0].get(field).is_some(), "{field}");
    }
    assert_eq!(items[0]["status"], "open");
    assert_eq!(list["next"], Value::Null);

    let (_, found) = api(&app, "/api/v1/campaigns?q=سپیدرود").await;
    assert_eq!(found["items"][0]["slug"], "clean-river");
    let (_, ended) = api(&app, "/api/v1/campaigns?q=درختان&status=open").await;
    assert!(
        ended["items"].as_array().unwrap().is_empty(),
        "filters apply to searches"
    );
    let (status, problem) = api(&app, "/api/v1/campaigns?sort=sideways").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(problem["detail"].is_string());
}

#[tokio::test]
async fn suggestions_put_related_open_campaigns_first_and_never_the_campaign_itself() {
    let app = TestApp::demo().await;
    let page = app.page("/demo").await;
    let banner = page
        .split("id=\"ended\"")
        .nth(1)
        .unwrap()
        .split("</section>")
        .next()
        .unwrap();
    let banner_titles: Vec<String> = banner
        .split("dir=\"auto\" lang=\"fa\">")
        .skip(1)
        .map(|rest| rest.split("</a>").next().unwrap().to_owned())
        .collect();
    assert_eq!(banner_titles.len(), 3);
    // The ended demo is about the environment; so is the river campaign.
    assert!(banner_titles[0].contains("سپیدرود"), "{banner_titles:?}");
    let rest = page.split("id=\"suggestions\"").nth(1).unwrap();
    let suggested = card_titles(rest);
    assert!(!has(&suggested, "درختان"), "never the campaign itself");
    assert!(!has(&suggested, "صف بررسی"), "never one that is not open");
    let river = app.page("/clean-river").await;
    let suggested = card_titles(river.split("id=\"suggestions\"").nth(1).unwrap());
    assert_eq!(suggested.len(), 4, "every other open campaign");
    assert!(!has(&suggested, "سپیدرود") && !has(&suggested, "درختان"));
}

const ATOM: &str = "http://www.w3.org/2005/Atom";

/// Parses an Atom feed and checks what RFC 4287 requires of it; answers its entries' titles.
fn atom_titles(xml: &str) -> Vec<String> {
    let document = roxmltree::Document::parse(xml).expect("well-formed XML");
    let feed = document.root_element();
    assert_eq!(feed.tag_name().namespace(), Some(ATOM));
    assert_eq!(feed.tag_name().name(), "feed");
    let child = |node: roxmltree::Node, name: &str| {
        node.children()
            .find(|n| n.tag_name().name() == name && n.tag_name().namespace() == Some(ATOM))
            .unwrap_or_else(|| panic!("<{name}> is required"))
            .text()
            .unwrap_or_default()
            .to_owned()
    };
    for required in ["id", "title", "updated"] {
        assert!(!child(feed, required).is_empty(), "feed {required}");
    }
    assert!(
        child(feed, "id").starts_with("http"),
        "ids are absolute addresses"
    );
    child(feed, "updated")
        .parse::<jiff::Timestamp>()
        .expect("RFC 3339");
    feed.children()
        .filter(|n| n.tag_name().name() == "entry")
        .map(|entry| {
            child(entry, "updated")
                .parse::<jiff::Timestamp>()
                .expect("RFC 3339");
            assert!(child(entry, "id").starts_with("http"));
            child(entry, "title")
        })
        .collect()
}

#[tokio::test]
async fn feeds_validate_as_atom() {
    let app = TestApp::demo().await;
    let response = app.get("/feed.atom").await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/atom+xml")
    );
    let titles = atom_titles(&response.text().await.unwrap());
    assert_eq!(titles.len(), 6, "every public campaign, newest first");
    assert!(!has(&titles, "صف بررسی"));

    let updates = atom_titles(&app.page("/demo/feed.atom").await);
    assert_eq!(updates.len(), 1);
    let none = atom_titles(&app.page("/clean-river/feed.atom").await);
    assert!(
        none.is_empty(),
        "a feed without entries is still a valid feed"
    );
    assert_eq!(
        app.get("/under-review/feed.atom").await.status(),
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn campaign_pages_carry_previews_one_canonical_link_and_share_links() {
    let app = TestApp::demo().await;
    let id = app.campaign("clean-river").await.id;
    for path in ["/clean-river".to_owned(), format!("/{id}")] {
        let page = app.page(&path).await;
        let canonical = format!("<link rel=\"canonical\" href=\"{}/{id}\">", app.base);
        assert_eq!(page.matches("rel=\"canonical\"").count(), 1);
        assert!(
            page.contains(&canonical),
            "{path}: the numeric address is canonical"
        );
        assert!(page.contains("property=\"og:title\" content=\"شکایت از رهاسازی پساب"));
        assert!(page.contains("property=\"og:description\" content=\"۱٬۸۴۳ امضا تا کنون."));
        assert!(page.contains("name=\"twitter:card\" content=\"summary\""));
        assert!(page.contains(&format!("href=\"/{id}/feed.atom\"")));
        let share = page.split("id=\"share\"").nth(1).unwrap();
        for host in [
            "https://t.me/share/url?",
            "https://wa.me/?",
            "https://x.com/intent/post?",
            "https://eitaa.com/share/url?",
            "https://ble.ir/share/url?",
        ] {
            assert!(share.contains(host), "{host}");
        }
        assert!(
            share.contains(&format!("value=\"{}/{id}\"", app.base)),
            "copy-link field"
        );
    }
}

#[tokio::test]
async fn delivered_and_special_follow_up_campaigns_say_so_and_have_public_lists() {
    use tomar_core::lifecycle::Outcome;
    use tomar_core::moderation::{Actor, ModerationAction, ModerationEvent, Target};

    let app = TestApp::demo().await;
    for (slug, outcome) in [
        ("library-hours", Outcome::SpecialFollowUp),
        ("clean-river", Outcome::Delivered),
    ] {
        let campaign = app.campaign(slug).await;
        let event = ModerationEvent {
            actor: Actor::Platform,
            action: ModerationAction::SetOutcome(outcome.kind()),
            target: Target::Campaign(campaign.id),
            note: None,
            at: jiff::Timestamp::now(),
        };
        app.store
            .set_outcome(campaign.id, &outcome, &event, &[])
            .await
            .unwrap();
    }
    let followed = app.campaign("library-hours").await.text.title.to_string();
    let delivered = app.campaign("clean-river").await.text.title.to_string();

    let page = app.page("/library-hours").await;
    assert!(
        page.contains("این کارزار در فهرست پیگیری ویژهٔ طومار است."),
        "{page}"
    );
    assert!(page.contains(r#"<a href="/campaigns?status=special_follow_up">"#));
    let page = app.page("/clean-river").await;
    assert!(page.contains("این کارزار به مخاطب تحویل داده شد."));

    let list = app.page("/campaigns?status=special_follow_up").await;
    assert_eq!(card_titles(&list), [followed], "{list}");
    assert!(list.contains(r#"<span class="badge badge-open">پیگیری ویژه</span>"#));
    // The demo's ended campaign was delivered, and its addressee answered.
    let answered = app.campaign("demo").await.text.title.to_string();
    let list = app.page("/campaigns?status=delivered").await;
    assert_eq!(card_titles(&list), [delivered, answered]);
    assert!(list.contains("به مخاطب تحویل شد</span>"));
    assert!(list.contains("مخاطب پاسخ داد</span>"));
    let all = app.page("/campaigns").await;
    assert!(all.contains("status=special_follow_up"), "a tab of its own");
    app.finish().await;
}
