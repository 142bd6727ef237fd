//! What makes pages readable for everyone: one `<h1>` a page, text colours that pass WCAG
//! AA against what they stand on.

use tomar_core::member::Role;

use crate::support::TestApp;

#[tokio::test]
async fn every_main_page_has_exactly_one_top_heading() {
    let app = TestApp::demo().await;
    for path in [
        "/",
        "/campaigns",
        "/search",
        "/rules",
        "/clean-river",
        "/demo",
        "/demo/signatures",
        "/login",
    ] {
        let page = app.page(path).await;
        assert_eq!(page.matches("<h1").count(), 1, "{path}");
    }
    let moderator = app.log_in("09121110000", Role::Moderator).await;
    let id = app.campaign("clean-river").await.id;
    for path in [
        "/moderation".to_owned(),
        format!("/moderation/campaigns/{id}"),
    ] {
        let page = moderator.page(&app, &path).await;
        assert_eq!(page.matches("<h1").count(), 1, "{path}");
    }
}

/// WCAG's relative luminance of `#rrggbb`.
fn luminance(hex: &str) -> f64 {
    let channel = |at: usize| {
        let value = f64::from(u8::from_str_radix(&hex[at..at + 2], 16).unwrap()) / 255.0;
        if value <= 0.03928 {
            value / 12.92
        } else {
            ((value + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5)
}

fn contrast(a: &str, b: &str) -> f64 {
    let (a, b) = (luminance(a), luminance(b));
    (a.max(b) + 0.05) / (a.min(b) + 0.05)
}

#[tokio::test]
async fn text_colours_pass_wcag_aa_on_what_they_stand_on() {
    let app = TestApp::demo().await;
    let css = app.page("/static/tomar.css").await;
    let variable = |name: &str| {
        let at = css.find(&format!("--{name}: #")).unwrap() + name.len() + 4;
        css[at..at + 7].to_owned()
    };
    let (paper, accent, muted, brand) = (
        variable("paper"),
        variable("accent"),
        variable("muted"),
        variable("brand"),
    );
    // The urgent badge ("last day") and the days left are accent text; notes are muted.
    for (what, text, ground) in [
        ("days left on the paper", &accent, &paper),
        ("the last-day badge", &accent, &"#fde3dc".to_owned()),
        ("muted text on the paper", &muted, &paper),
        ("muted badge", &muted, &"#eee9df".to_owned()),
        ("links on the paper", &brand, &paper),
    ] {
        let ratio = contrast(text, ground);
        assert!(ratio >= 4.5, "{what}: {text} on {ground} is {ratio:.2}:1");
    }
    assert!(css.contains(".badge-urgent { background: #fde3dc; color: var(--accent); }"));
}

#[tokio::test]
async fn the_invocation_stands_above_the_addressees_as_on_a_formal_letter() {
    let app = TestApp::demo().await;
    let page = app.page("/demo").await;
    let invocation = page
        .find(r#"<p class="invocation" dir="auto">بسمه تعالی</p>"#)
        .expect("the invocation, set apart");
    let addressees = page.find(r#"<ul class="addressees""#).unwrap();
    assert!(invocation < addressees, "above the addressees");
    assert_eq!(
        page.matches("بسمه تعالی").count(),
        1,
        "once, not again in the body"
    );

    // The moderators' preview reads exactly as the page.
    let moderator = app.log_in("09121110000", Role::Moderator).await;
    let id = app.campaign("demo").await.id;
    let review = moderator
        .page(&app, &format!("/moderation/campaigns/{id}"))
        .await;
    assert_eq!(
        letter_of(&review),
        letter_of(&page),
        "the same letter, to the tag"
    );
    // So does the author's preview.
    let author = app.log_in("09122220099", Role::Member).await;
    let fields = crate::moderation::campaign_form(&[
        ("intent", "preview".into()),
        ("body", "بسمه تعالی\n\nبند یکم\n\n- خواستهٔ نخست".into()),
    ]);
    let preview = crate::moderation::post_form(&author, &app, "/new", &fields)
        .await
        .text()
        .await
        .unwrap();
    let letter = letter_of(&preview);
    assert!(
        letter.starts_with(r#"<p class="invocation" dir="auto">بسمه تعالی</p>"#),
        "{letter}"
    );
    assert!(letter.contains(r#"<li><strong dir="auto">شهردار منطقه ۶</strong><span dir="auto">شهرداری تهران</span></li>"#));
    assert!(
        !preview.contains("(December") && !preview.contains("(January"),
        "no English date on a Persian page"
    );
}

/// A page's letter: from the invocation (or the addressees) to the end of its body.
fn letter_of(page: &str) -> String {
    let start = page
        .find(r#"<p class="invocation""#)
        .or_else(|| page.find(r#"<ul class="addressees""#))
        .expect("a letter");
    let rest = &page[start..];
    let end = rest.find(r#"<div class="letter-body">"#).unwrap();
    let body_end = rest[end..].find("</div>").unwrap();
    rest[..end + body_end].to_owned()
}

#[tokio::test]
async fn the_category_shows_on_the_page_and_leads_to_its_campaigns() {
    let app = TestApp::demo().await;
    let campaign = app.campaign("clean-river").await;
    let category = campaign.category.expect("the demo campaign has a category");
    let page = app.page("/clean-river").await;
    let at = page
        .find(r#"<a href="/campaigns?category="#)
        .expect("a category link");
    let link = &page[at + 9..];
    let (href, rest) = link.split_once('"').unwrap();
    assert!(
        rest.starts_with(&format!(r#" rel="noopener">{category}</a>"#)),
        "{rest}"
    );
    let listed = app.page(href).await;
    assert!(
        listed.contains(campaign.text.title.as_ref()),
        "{href}: {listed}"
    );
}

#[tokio::test]
async fn cards_show_their_category_and_the_home_page_leads_into_each() {
    let app = TestApp::demo().await;
    let home = app.page("/").await;
    assert!(
        home.contains(r#"<span class="card-category" dir="auto">محیط زیست</span>"#),
        "cards name their category"
    );
    let categories = home
        .split(r#"<nav class="categories""#)
        .nth(1)
        .expect("the home page offers categories")
        .split("</nav>")
        .next()
        .unwrap();
    // One open demo campaign in each: equal counts go by name.
    assert_eq!(categories.matches("<li>").count(), 5, "{categories}");
    let first = categories.split("<li>").nth(1).unwrap();
    assert!(
        first.contains(r#"<bdi>آموزش</bdi> <span class="muted">(۱)</span>"#),
        "{first}"
    );
    let href = first
        .strip_prefix(r#"<a href=""#)
        .and_then(|rest| rest.split('"').next())
        .unwrap();
    assert!(href.starts_with("/campaigns?category="), "{href}");
    let listed = app.page(href).await;
    assert!(listed.contains("تمدید ساعت کار کتابخانه"), "{href}");
}

#[tokio::test]
async fn user_text_is_marked_with_the_language_it_is_written_in() {
    let app = TestApp::demo().await;
    // Persian content on an English page is read by a Persian voice, and the reverse.
    let english = app.page("/clean-river?lang=en").await;
    assert!(english.starts_with("<!DOCTYPE html>\n<html lang=\"en\" dir=\"ltr\">"));
    assert!(english.contains(r#"<h1 class="campaign-title" dir="auto" lang="fa">"#));
    assert!(english.contains(r#"<section class="letter panel" id="letter" lang="fa">"#));
    assert!(english.contains(r#"class="card-title" dir="auto" lang="fa">"#));
    let visitor = crate::support::Browser::open(&app, "/clean-river").await;
    let posted = visitor
        .post(
            &app,
            "/clean-river/comments",
            &[("name", "Sara"), ("body", "Written in English.")],
        )
        .await;
    assert_eq!(posted.status(), 303);
    let persian = app.page("/clean-river").await;
    assert!(
        persian.contains(r#"<p class="comment-body" dir="auto" lang="en">Written in English.</p>"#)
    );
    let demo = app.page("/demo?lang=en").await;
    assert!(demo.contains(r#"<p class="comment-body" dir="auto" lang="fa">"#));
}
