//! Writing a campaign: the end date as Persians write it, with an example that is not in
//! the past, and no Gregorian picker beside it.

use jiff::ToSpan;
use tomar_core::calendar::{format_date, iran_date, solar_hijri_numeric};
use tomar_core::language::Language;
use tomar_core::member::Role;

use crate::moderation::{campaign_form, post_form};
use crate::support::{TestApp, location};

#[tokio::test]
async fn the_end_date_is_typed_as_written_with_a_future_example() {
    let app = TestApp::demo().await;
    let author = app.log_in("09122220011", Role::Member).await;
    let form = author.page(&app, "/new").await;
    assert!(!form.contains(r#"type="date""#), "no Gregorian picker");
    let example = iran_date(jiff::Timestamp::now())
        .checked_add(30.days())
        .unwrap();
    let numeric = Language::Fa.digits(&solar_hijri_numeric(example));
    assert!(
        form.contains(&numeric) && form.contains(&format_date(example, Language::Fa)),
        "the example is a month from today, both ways: {numeric}"
    );

    // «۲۰ بهمن ۱۴۰۵», the way Tomar itself writes dates, is taken.
    let end = iran_date(jiff::Timestamp::now())
        .checked_add(40.days())
        .unwrap();
    let written = format_date(end, Language::Fa);
    let fields = campaign_form(&[("intent", "submit".into()), ("end_date", written.clone())]);
    let sent = post_form(&author, &app, "/new", &fields).await;
    let own_page = location(&sent);
    assert!(
        own_page.starts_with("/me/campaigns/"),
        "{written}: {own_page}"
    );
    let id: i64 = own_page.rsplit('/').next().unwrap().parse().unwrap();
    assert_eq!(app.campaign(id).await.end_date, end, "{written}");
}
