//! A campaign's extra questions on its sign form, as the people who meet them see them: the
//! author writes them while the campaign is a draft, moderators read them in review,
//! signers answer them on the form and over the API, and the answers are kept sealed.

use reqwest::StatusCode;
use serde_json::json;
use tomar_core::ids::CampaignId;
use tomar_core::language::Language;
use tomar_core::member::Role;
use tomar_core::names::CampaignRef;
use tomar_core::questions::Answers;

use crate::delivery::pdf_text;
use crate::moderation::{campaign_form, post_form};
use crate::support::{Browser, TestApp, code_in, location, post_json};

/// City (one of three, required), work (several of three), street (a short text).
const QUESTIONS: &[(&str, &str)] = &[
    ("q1.label_fa", "شهر"),
    ("q1.label_en", "City"),
    ("q1.asks", "one"),
    ("q1.required", "on"),
    ("q1.totals", "on"),
    ("q1.choices_fa", "رشت\nلاهیجان\nانزلی"),
    ("q1.choices_en", "Rasht\nLahijan\nAnzali"),
    ("q2.label_fa", "پیشه"),
    ("q2.asks", "several"),
    ("q2.choices_fa", "آموزگار\nپرستار\nکشاورز"),
    ("q3.label_fa", "<b>محله</b>"),
    ("q3.asks", "text"),
];

/// A draft by `author`, saved through the campaign form; answers its number.
async fn draft(app: &TestApp, author: &Browser) -> CampaignId {
    let fields = campaign_form(&[("intent", "save".into())]);
    let saved = post_form(author, app, "/new", &fields).await;
    let id = location(&saved)
        .rsplit('/')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    CampaignId(id)
}

/// The sealed answers of the campaign's signatures, opened and shown as the package shows
/// them, by number.
async fn answers_kept(app: &TestApp, campaign: CampaignId) -> Vec<Vec<String>> {
    let questions = app.campaign(campaign).await.questions;
    let secret = app.secret().await;
    let sealed = app
        .store
        .sealed_answers_in_order(campaign, 0, 100)
        .await
        .unwrap();
    sealed
        .iter()
        .map(|(_, sealed)| {
            let opened = secret.open(sealed).expect("sealed with the platform's key");
            let answers = Answers::decode(&opened).expect("kept as encoded");
            answers.shown(&questions, Language::Fa, "، ")
        })
        .collect()
}

#[tokio::test]
async fn questions_are_written_in_the_draft_reviewed_answered_and_kept_sealed() {
    let app = TestApp::demo().await;
    let author = app.log_in("09122220031", Role::Member).await;
    let campaign = draft(&app, &author).await;
    let own = format!("/me/campaigns/{campaign}");
    let editor = format!("{own}/questions");
    let own_page = author.page(&app, &own).await;
    assert!(own_page.contains("فرم امضا جز نام و راه تماس چیزی نمی‌پرسد."));
    assert!(
        own_page.contains(&format!("href=\"{editor}\"")),
        "{own_page}"
    );

    // A refused slot comes back with its message, everything typed kept.
    let mut typed = QUESTIONS.to_vec();
    typed.retain(|(field, _)| *field != "q1.choices_fa");
    typed.push(("q1.choices_fa", "رشت"));
    let refused = author.post(&app, &editor, &typed).await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = refused.text().await.unwrap();
    assert!(page.contains("دو تا بیست گزینه"), "{page}");
    assert!(
        page.contains("value=\"&#60;b&#62;محله&#60;/b&#62;\""),
        "kept, escaped"
    );
    assert!(app.campaign(campaign).await.questions.is_empty());

    let saved = author.post(&app, &editor, QUESTIONS).await;
    let said = "پرسش‌ها ذخیره شد؛ امضاکنندگان پس از انتشار کارزار آن‌ها را در فرم امضا می‌بینند.";
    author.confirmed(&app, &saved, said).await;
    assert_eq!(app.campaign(campaign).await.questions.all().len(), 3);
    let form = author.page(&app, &editor).await;
    assert!(form.contains(">رشت\nلاهیجان\nانزلی</textarea>"), "{form}");

    let submit = campaign_form(&[("intent", "submit".into())]);
    let submitted = post_form(&author, &app, &own, &submit).await;
    assert_eq!(submitted.status(), StatusCode::SEE_OTHER);
    let late = author.post(&app, &editor, &[("q1.label_fa", "دیر")]).await;
    assert_eq!(
        late.status(),
        StatusCode::CONFLICT,
        "in review, the form is fixed"
    );
    let locked = author.page(&app, &editor).await;
    assert!(
        !locked.contains("<textarea"),
        "listed, not offered: {locked}"
    );
    assert!(locked.contains("<li dir=\"auto\">لاهیجان</li>"));

    let moderator = app.log_in("09121110071", Role::Moderator).await;
    let review = format!("/moderation/campaigns/{campaign}");
    let page = moderator.page(&app, &review).await;
    assert!(page.contains("پرسش‌های فرم امضا"), "{page}");
    assert!(page.contains("<strong dir=\"auto\">شهر</strong> <span class=\"muted\">(یکی از گزینه‌ها · پاسخ لازم است · شمار پاسخ‌هایش منتشر می‌شود)</span>"));
    assert!(page.contains("&#60;b&#62;محله&#60;/b&#62;"), "escaped");
    assert!(page.contains("(پاسخ کوتاه · پاسخ دلخواه است)"));
    let english = moderator.page(&app, &format!("{review}?lang=en")).await;
    assert!(english.contains("<li dir=\"auto\">Lahijan</li>"));
    let approved = moderator
        .post(&app, &format!("{review}/approve"), &[])
        .await;
    assert_eq!(approved.status(), StatusCode::SEE_OTHER);

    let other = app.campaign("library-hours").await;
    let plain = moderator
        .page(&app, &format!("/moderation/campaigns/{}", other.id))
        .await;
    assert!(
        !plain.contains("id=\"questions\""),
        "no questions, no section"
    );
    let plain_form = app.page(&format!("/{}", other.id)).await;
    assert!(!plain_form.contains("name=\"q1\""));

    signers_answer_on_the_form(&app, campaign).await;
    members_answer_too(&app, campaign).await;
    api_clients_read_the_questions_and_answer_them(&app, campaign).await;

    // The spreadsheet lists each signer's answers beside their number, a column each.
    let csv = author.page(&app, &format!("{own}/delivery.csv")).await;
    let lines: Vec<&str> = csv.lines().collect();
    assert!(
        lines[0].ends_with(r#""تاریخ (میلادی)","شهر","پیشه","<b>محله</b>""#),
        "{csv}"
    );
    assert!(lines[1].starts_with("\"1\",\"سپیده کیانی\""), "{csv}");
    assert!(
        lines[1].ends_with(r#""لاهیجان","آموزگار، کشاورز","<script>""#),
        "{csv}"
    );
    assert!(lines[2].ends_with(r#""انزلی","","""#), "{csv}");
    assert!(lines[3].ends_with(r#""رشت","پرستار","سبزه‌میدان""#), "{csv}");

    // The addressee's package counts each choice, names no one's.
    let pdf = pdf_text(&author, &app, &format!("{own}/delivery.pdf")).await;
    let (_, answered) = pdf
        .split_once("پاسخ امضاکنندگان")
        .expect("the answers' totals");
    // pdftotext sets the colon of a right-to-left line after its number.
    for line in [
        "شهر",
        "• رشت۱ :",
        "• انزلی۱ :",
        "پیشه",
        "• پرستار۱ :",
        "• کشاورز۱ :",
    ] {
        assert!(answered.contains(line), "{line}: {answered}");
    }
    assert!(
        !answered.contains("سبزه‌میدان"),
        "texts stay in the spreadsheet"
    );

    totals_are_counted_and_shown(&app, campaign).await;
    app.finish().await;
}

async fn signers_answer_on_the_form(app: &TestApp, campaign: CampaignId) {
    let path = format!("/{campaign}");
    let page = app.page(&path).await;
    assert!(page.contains("<legend>شهر <span"), "{page}");
    assert!(page.contains("type=\"radio\" name=\"q1\" value=\"1\""));
    assert!(page.contains("type=\"checkbox\" name=\"q2\" value=\"2\""));
    assert!(page.contains("<legend>پیشه <span class=\"muted\">(دلخواه)</span></legend>"));
    assert!(page.contains("name=\"q3\" type=\"text\""));
    assert!(
        page.contains("تنها در بستهٔ تحویل به گیرنده"),
        "the signer is told where answers go"
    );
    let english = app.page(&format!("{path}?lang=en")).await;
    assert!(
        english.contains("<span dir=\"auto\">Lahijan</span>"),
        "English where given"
    );
    assert!(
        english.contains("<span dir=\"auto\">آموزگار</span>"),
        "Persian where not"
    );

    let signer = Browser::open(app, &path).await;
    let sign = format!("{path}/sign");
    let base = [
        ("name", "سپیده کیانی"),
        ("contact", "09351234567"),
        ("public", "on"),
    ];
    let unanswered = [&base[..], &[("q2", "2"), ("q3", "بازار")]].concat();
    let messages = app.message_count();
    let refused = signer.post(app, &sign, &unanswered).await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = refused.text().await.unwrap();
    assert!(
        page.contains("id=\"sign-q1-error\">این پرسش پاسخ می‌خواهد"),
        "{page}"
    );
    assert!(page.contains("name=\"q2\" value=\"2\" checked"), "kept");
    assert!(page.contains("value=\"بازار\""), "kept");
    assert_eq!(app.message_count(), messages, "no code for a refused form");

    for (field, ugly) in [("q1", "7"), ("q1", "1 OR 1=1"), ("q2", "-1"), ("q2", "0,1")] {
        let mut fields = [&base[..], &[("q1", "0")]].concat();
        fields.retain(|(name, _)| *name != field);
        fields.push((field, ugly));
        let refused = signer.post(app, &sign, &fields).await;
        assert_eq!(
            refused.status(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "{ugly:?}"
        );
        let page = refused.text().await.unwrap();
        assert!(
            page.contains(&format!("id=\"sign-{field}-error\"")),
            "{ugly:?}: {page}"
        );
    }
    let long = "ب".repeat(121);
    let too_long = [&base[..], &[("q1", "0"), ("q3", long.as_str())]].concat();
    let refused = signer.post(app, &sign, &too_long).await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);

    // Persian digits choose as well as ASCII ones; control characters are dropped.
    let answered = [
        &base[..],
        &[("q1", "۱"), ("q2", "0"), ("q2", "2"), ("q3", "<script>\0")],
    ]
    .concat();
    let code_page = location(&signer.post(app, &sign, &answered).await);
    let code = code_in(&app.message_to("+989351234567").await);
    let signed = signer.post(app, &code_page, &[("code", &code)]).await;
    assert_eq!(signed.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        answers_kept(app, campaign).await,
        [["لاهیجان", "آموزگار، کشاورز", "<script>"]]
    );
    let public = app.page(&format!("{path}/signatures")).await;
    assert!(!public.contains("کشاورز"), "answers are never public");
}

async fn members_answer_too(app: &TestApp, campaign: CampaignId) {
    let member = app.log_in("09122220032", Role::Member).await;
    let sign = format!("/{campaign}/sign");
    let refused = member.post(app, &sign, &[("name", "رضا")]).await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let signed = member
        .post(app, &sign, &[("name", "رضا بهرامی"), ("q1", "2")])
        .await;
    assert_eq!(location(&signed), format!("/{campaign}/signed"));
    let kept = answers_kept(app, campaign).await;
    assert_eq!(kept[1], ["انزلی", "", ""]);
}

async fn api_clients_read_the_questions_and_answer_them(app: &TestApp, campaign: CampaignId) {
    let client = app.visitor();
    let url = app.url(&format!("/api/v1/campaigns/{campaign}"));
    let read: serde_json::Value = client.get(&url).send().await.unwrap().json().await.unwrap();
    assert_eq!(read["questions"][0]["field"], "q1");
    assert_eq!(read["questions"][0]["asks"], "one");
    assert_eq!(read["questions"][0]["choices"][1]["en"], "Lahijan");
    assert_eq!(read["questions"][1]["choices"][0]["en"], json!(null));
    assert_eq!(read["answer_totals"], json!(null), "not counted yet");

    let signatures = format!("{url}/signatures");
    let refused = post_json(
        &client,
        signatures.clone(),
        json!({"name": "نگار صدری", "contact": "negar@example.org", "answers": {"q2": ["0", "9"]}}),
    )
    .await;
    assert_eq!(refused["status"], 422, "{refused}");
    let errors = refused["errors"].as_object().unwrap();
    let fields: Vec<&str> = errors.keys().map(String::as_str).collect();
    assert_eq!(fields, ["q1", "q2"], "{refused}");

    let started = post_json(
        &client,
        signatures,
        json!({"name": "نگار صدری", "contact": "negar@example.org",
               "answers": {"q1": "0", "q2": ["1"], "q3": "سبزه‌میدان"}}),
    )
    .await;
    let verification = started["verification_id"].as_str().expect("{started}");
    let code = code_in(&app.message_to("negar@example.org").await);
    let confirm = app.url(&format!("/api/v1/verifications/{verification}"));
    let confirmed = post_json(&client, confirm, json!({ "code": code })).await;
    assert!(confirmed["number"].is_u64(), "{confirmed}");
    let kept = answers_kept(app, campaign).await;
    assert_eq!(kept[2], ["رشت", "پرستار", "سبزه‌میدان"]);
    let reference = CampaignRef::Id(campaign);
    let counted = app.store.campaign(&reference).await.unwrap().unwrap();
    assert_eq!(counted.signature_count, 3);
}

async fn totals_are_counted_and_shown(app: &TestApp, campaign: CampaignId) {
    let path = format!("/{campaign}");
    let before = app.page(&path).await;
    assert!(!before.contains("id=\"answers\""), "nothing counted yet");
    let secret = app.secret().await;
    tomar::upkeep::count_answer_totals(&app.store, &secret, jiff::Timestamp::now()).await;
    let totals = app.store.answer_totals(campaign).await.unwrap().unwrap();
    assert_eq!(
        totals.counts,
        [(0, 0, 1), (0, 1, 1), (0, 2, 1)],
        "one city each"
    );

    // The page from memory lives a second at most.
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    let page = app.page(&path).await;
    let section = page.split("id=\"answers\"").nth(1).expect("the totals");
    let section = section.split("</section>").next().unwrap();
    assert!(
        section.contains("<dt dir=\"auto\">لاهیجان</dt>"),
        "{section}"
    );
    assert!(section.contains(r#"<meter min="0" max="1" value="1" aria-hidden="true"></meter> ۱"#));
    assert!(!section.contains("آموزگار"), "only the totals made public");
    assert!(!section.contains("سپیده"), "never who answered");

    let url = app.url(&format!("/api/v1/campaigns/{campaign}"));
    let read: serde_json::Value = app
        .visitor()
        .get(&url)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        read["answer_totals"]["questions"],
        json!({"q1": [1, 1, 1]}),
        "{read}"
    );
}
