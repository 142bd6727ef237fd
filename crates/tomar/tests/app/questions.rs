//! A campaign's extra questions on its sign form, as the people who meet them see them.

use tomar_core::member::Role;
use tomar_core::names::Line;
use tomar_core::questions::{Asks, MAX_LABEL, Question, Questions, Wording};

use crate::support::TestApp;

fn wording(fa: &str, en: &str) -> Wording {
    Wording {
        fa: Line::parse(fa, MAX_LABEL).unwrap(),
        en: Some(Line::parse(en, MAX_LABEL).unwrap()),
    }
}

#[tokio::test]
async fn moderators_see_in_review_what_the_sign_form_asks() {
    let app = TestApp::demo().await;
    let campaign = app.campaign("clean-river").await;
    let questions = Questions::new(vec![
        Question {
            wording: wording("شهر", "City"),
            asks: Asks::OneOf(vec![wording("رشت", "Rasht"), wording("لاهیجان", "Lahijan")]),
            required: true,
        },
        Question {
            wording: wording("<b>پیشه</b>", "Work"),
            asks: Asks::Text,
            required: false,
        },
    ])
    .unwrap();
    app.store
        .set_questions(campaign.id, &questions)
        .await
        .unwrap();
    let moderator = app.log_in("09121110071", Role::Moderator).await;
    let review = format!("/moderation/campaigns/{}", campaign.id);
    let page = moderator.page(&app, &review).await;
    assert!(page.contains("پرسش‌های فرم امضا"), "{page}");
    assert!(page.contains("<strong dir=\"auto\">شهر</strong> <span class=\"muted\">(یکی از گزینه‌ها · پاسخ لازم است)</span>"));
    assert!(page.contains("<li dir=\"auto\">لاهیجان</li>"));
    assert!(page.contains("&#60;b&#62;پیشه&#60;/b&#62;"), "escaped");
    assert!(page.contains("(پاسخ کوتاه · پاسخ دلخواه است)"));
    let english = moderator.page(&app, &format!("{review}?lang=en")).await;
    assert!(english.contains("<li dir=\"auto\">Lahijan</li>"));

    let other = app.campaign("library-hours").await;
    let plain = moderator
        .page(&app, &format!("/moderation/campaigns/{}", other.id))
        .await;
    assert!(
        !plain.contains("id=\"questions\""),
        "no questions, no section"
    );
    app.finish().await;
}
