//! The delivery package as its author and the moderators download it, as a PDF and as a
//! spreadsheet: every counted signature in order, hidden names counted and never named,
//! cells a spreadsheet would run as formulas neutralised, and nobody else let in.

use reqwest::StatusCode;
use tomar_core::member::Role;

use crate::moderation::{campaign_form, post_form};
use crate::signing::Signs;
use crate::support::{Browser, TestApp, location, run_tomar};
use crate::transparency::crowd_signer;

/// A download of a campaign's author (`mine`, linked from their `page` of it) and its
/// moderators' copy.
struct Downloads<'a> {
    page: &'a str,
    mine: &'a str,
    moderators: &'a str,
}

impl Downloads<'_> {
    /// Linked from both pages, and refused to anyone else: the login page for a visitor, a
    /// campaign that does not exist for another member (`other`), and a refusal of a POST.
    async fn only_for(&self, app: &TestApp, author: &Browser, moderator: &Browser, other: &str) {
        let anonymous = app.visitor();
        let response = anonymous.get(app.url(self.mine)).send().await.unwrap();
        assert!(response.status().is_redirection(), "{}", response.status());
        let other = app.log_in(other, Role::Member).await;
        assert_eq!(
            other.get(app, self.mine).await.status(),
            StatusCode::NOT_FOUND
        );
        let refused = other.get(app, self.moderators).await.status();
        assert!(
            refused == StatusCode::FORBIDDEN || refused == StatusCode::NOT_FOUND,
            "{refused}"
        );
        let posted = author.post(app, self.mine, &[]).await;
        assert_eq!(posted.status(), StatusCode::METHOD_NOT_ALLOWED);
        let linked = format!(r#"href="{}""#, self.mine);
        assert!(author.page(app, self.page).await.contains(&linked));
        let id = self.page.rsplit('/').next().unwrap();
        let review = moderator
            .page(app, &format!("/moderation/campaigns/{id}"))
            .await;
        assert!(review.contains(&format!(r#"href="{}""#, self.moderators)));
    }
}

/// The body of a CSV download, after checking its headers.
async fn csv(browser: &Browser, app: &TestApp, path: &str) -> String {
    let response = browser.get(app, path).await;
    assert_eq!(response.status(), StatusCode::OK, "{path}");
    assert_eq!(
        response.headers()["content-type"],
        "text/csv; charset=utf-8"
    );
    assert_eq!(response.headers()["cache-control"], "no-store");
    assert!(
        response.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("attachment; filename=\"campaign-")
    );
    response.text().await.unwrap()
}

/// pdftotext writes the letters a single glyph stands for (the lam-alef ligature, a heh
/// with its hamza) backwards in right-to-left text, so the words it is asked to read back
/// in order have none.
const TITLE: &str = "بازگشایی کتابخانه در روزهای جمعه";

/// A public campaign of `author` with signers: a shown Persian name, a hidden one, a Latin
/// one, and one who withdrew. Its id and the author's page of it.
async fn signed_campaign(app: &TestApp, author: &Browser, moderator: &Browser) -> (i64, String) {
    let saved = post_form(
        author,
        app,
        "/new",
        &campaign_form(&[("intent", "submit".into()), ("title", TITLE.into())]),
    )
    .await;
    let page = location(&saved);
    let id: i64 = page.rsplit('/').next().unwrap().parse().unwrap();
    moderator
        .post(app, &format!("/moderation/campaigns/{id}/approve"), &[])
        .await;
    let slug = id.to_string();
    for (n, (name, public)) in [
        ("سارا نخستین", true),
        ("پنهان‌نام", false),
        ("Negar Amini", true),
    ]
    .into_iter()
    .enumerate()
    {
        let signer = Browser::open(app, &format!("/{id}")).await;
        signer
            .sign(app, &slug, name, &format!("0912777030{n}"), public)
            .await;
    }
    let withdrawn = Browser::open(app, &format!("/{id}")).await;
    let thanks = withdrawn
        .sign(app, &slug, "پشیمان", "09127770309", true)
        .await;
    withdrawn
        .post(app, &format!("{thanks}/withdraw"), &[])
        .await;
    (id, page)
}

/// The text of a PDF download as `pdftotext` (Debian's poppler-utils) reads it back.
pub(crate) async fn pdf_text(browser: &Browser, app: &TestApp, path: &str) -> String {
    let response = browser.get(app, path).await;
    assert_eq!(response.status(), StatusCode::OK, "{path}");
    assert_eq!(response.headers()["content-type"], "application/pdf");
    assert_eq!(response.headers()["cache-control"], "no-store");
    let pdf = response.bytes().await.unwrap();
    let file = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(file.path(), &pdf).unwrap();
    text_of(file.path())
}

/// The text of the PDF at `path`, as `pdftotext` reads it.
fn text_of(path: &std::path::Path) -> String {
    let pdf = std::fs::read(path).unwrap();
    assert!(pdf.starts_with(b"%PDF-"), "a PDF");
    let read = std::process::Command::new("pdftotext")
        .arg(path)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) is installed");
    assert!(read.status.success(), "{read:?}");
    // pdftotext marks right-to-left runs with bidi embedding controls; the words stay.
    String::from_utf8(read.stdout)
        .unwrap()
        .chars()
        .filter(|c| !matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'))
        .collect()
}

#[tokio::test]
async fn the_package_reads_as_the_letter_then_the_signers_in_order_in_persian() {
    let app = TestApp::demo().await;
    let author = app.log_in("09122220098", Role::Member).await;
    let moderator = app.log_in("09129990098", Role::Moderator).await;
    let (id, page) = signed_campaign(&app, &author, &moderator).await;
    let mine = format!("{page}/delivery.pdf");
    let moderators = format!("/moderation/campaigns/{id}/delivery.pdf");

    let text = pdf_text(&author, &app, &mine).await;
    for (what, expected) in [
        ("the title", TITLE),
        ("the addressee", "شهردار منطقه ۶"),
        ("the body", "ما اهالی محله خواستاریم:"),
        ("a bullet", "• کتابخانه جمعه‌ها باز باشد"),
        (
            "the statement",
            "ناظران طومار این کارزار را پیش از انتشار بررسی کردند",
        ),
        ("the log's origin", &format!("/log/{id}")),
        ("the verify command", "tomar verify count http"),
        ("a shown name", "سارا نخستین"),
        ("a Latin name", "Negar Amini"),
        ("a hidden one, counted", "(نام پنهان)"),
        ("the list's end", "پایان فهرست"),
    ] {
        assert!(text.contains(expected), "{what}: {expected} in\n{text}");
    }
    assert!(!text.contains("پنهان‌نام"), "a hidden name is never named");
    assert!(
        !text.contains("پشیمان"),
        "a withdrawn signature is not listed"
    );
    let first = text.find("سارا نخستین").unwrap();
    assert!(first < text.find("Negar Amini").unwrap(), "in number order");
    assert!(text.find("(نام پنهان)").unwrap() > first);

    let reviewed = pdf_text(&moderator, &app, &moderators).await;
    assert!(reviewed.contains("سارا نخستین") && reviewed.contains("(نام پنهان)"));
    let english = pdf_text(&author, &app, &format!("{mine}?lang=en")).await;
    assert!(english.contains("About this package"), "{english}");
    assert!(english.contains("(name hidden)"), "{english}");
    assert!(
        english.contains("End of the list: 3 signatures, 1 of them with names hidden."),
        "the list's own count: {english}"
    );

    let downloads = Downloads {
        page: &page,
        mine: &mine,
        moderators: &moderators,
    };
    downloads
        .only_for(&app, &author, &moderator, "09122220099")
        .await;
}

#[tokio::test]
async fn the_author_and_moderators_download_every_counted_signature_and_nobody_else() {
    let app = TestApp::demo().await;
    let author = app.log_in("09122220088", Role::Member).await;
    let saved = post_form(
        &author,
        &app,
        "/new",
        &campaign_form(&[("intent", "submit".into())]),
    )
    .await;
    let page = location(&saved);
    let id: i64 = page.rsplit('/').next().unwrap().parse().unwrap();
    let mine = format!("{page}/delivery.csv");
    let moderators = format!("/moderation/campaigns/{id}/delivery.csv");
    assert_eq!(
        author.get(&app, &mine).await.status(),
        StatusCode::NOT_FOUND,
        "not before it is public"
    );
    let moderator = app.log_in("09129990088", Role::Moderator).await;
    moderator
        .post(&app, &format!("/moderation/campaigns/{id}/approve"), &[])
        .await;

    let slug = id.to_string();
    for (n, (name, public)) in [
        ("سارا نخستین", true),
        ("پنهان‌نام", false),
        ("=HYPERLINK(\"http://evil.example\", \"بزن\")", true),
        ("@SUM سمیرا", true),
    ]
    .into_iter()
    .enumerate()
    {
        let signer = Browser::open(&app, &format!("/{id}")).await;
        signer
            .sign(&app, &slug, name, &format!("0912777020{n}"), public)
            .await;
    }
    let withdrawn = Browser::open(&app, &format!("/{id}")).await;
    let thanks = withdrawn
        .sign(&app, &slug, "پشیمان", "09127770209", true)
        .await;
    withdrawn
        .post(&app, &format!("{thanks}/withdraw"), &[])
        .await;

    let file = csv(&author, &app, &mine).await;
    assert_eq!(
        file,
        csv(&moderator, &app, &moderators).await,
        "one list for both"
    );
    assert!(
        file.starts_with('\u{feff}'),
        "a BOM, for spreadsheets to read Persian"
    );
    let lines: Vec<&str> = file.trim_start_matches('\u{feff}').split("\r\n").collect();
    assert_eq!(
        lines[0],
        "\"شماره\",\"نام\",\"تاریخ (خورشیدی)\",\"تاریخ (میلادی)\""
    );
    assert_eq!(
        lines.len(),
        1 + 4 + 1,
        "a header, the four counted, the end"
    );
    assert!(
        lines[1].starts_with("\"1\",\"سارا نخستین\",\"14"),
        "{}",
        lines[1]
    );
    assert!(
        lines[2].starts_with("\"2\",\"(نام پنهان)\""),
        "{}",
        lines[2]
    );
    assert!(
        !file.contains("پنهان‌نام"),
        "a hidden name is counted, not named"
    );
    assert!(
        lines[3].starts_with("\"3\",\"'=HYPERLINK(\"\"http://evil.example\"\""),
        "{}",
        lines[3]
    );
    assert!(lines[4].starts_with("\"4\",\"'@SUM"), "{}", lines[4]);
    assert!(
        !file.contains("پشیمان"),
        "a withdrawn signature is not counted"
    );
    let english = csv(&author, &app, &format!("{mine}?lang=en")).await;
    assert!(english.contains("\"Number\",\"Name\""), "{english}");

    let downloads = Downloads {
        page: &page,
        mine: &mine,
        moderators: &moderators,
    };
    downloads
        .only_for(&app, &author, &moderator, "09122220089")
        .await;
}

/// Runs `tomar export delivery` on the app's database, writing to `out`.
async fn export_delivery(
    app: &TestApp,
    campaign: &str,
    language: &str,
    out: &std::path::Path,
) -> (bool, String) {
    let database = format!("sqlite:{}", app.sqlite_file().unwrap().display());
    let arguments = [
        "export",
        "delivery",
        campaign,
        "--language",
        language,
        "--database-url",
        &database,
        "--public-url",
        &app.base,
        "--out",
        out.to_str().unwrap(),
    ]
    .map(str::to_owned);
    run_tomar(arguments).await
}

#[tokio::test]
async fn tomar_export_delivery_writes_the_package_signed_with_the_servers_key() {
    let app = TestApp::demo().await;
    let served = app.page("/.well-known/tomar-log-key").await;
    let folder = tempfile::tempdir().unwrap();
    let out = folder.path().join("package.pdf");
    let export = |campaign: &'static str, language: &'static str| {
        export_delivery(&app, campaign, language, &out)
    };

    let (written, printed) = export("library-hours", "fa").await;
    assert!(written, "{printed}");
    let text = text_of(&out);
    assert!(
        text.contains("درخواست تمدید ساعت کار کتابخانه مرکزی در ایام امتحانات"),
        "{text}"
    );
    assert!(text.contains(served.trim()), "the server's key: {text}");
    let (written, printed) = export("library-hours", "en").await;
    assert!(written, "{printed}");
    assert!(text_of(&out).contains("How to check this count"));

    for (campaign, language, refusal) in [
        ("no-such-campaign", "fa", "campaign"),
        ("library-hours", "de", "invalid language \"de\""),
        ("<script>", "fa", "invalid campaign"),
    ] {
        let (written, printed) = export(campaign, language).await;
        assert!(!written, "{campaign} {language}");
        assert!(printed.contains(refusal), "{printed}");
        assert_eq!(printed.trim().lines().count(), 1, "{printed}");
    }
}

#[tokio::test]
async fn a_big_package_comes_in_volumes_each_listing_its_own_numbers() {
    let app = TestApp::demo_with(&[("limits.delivery_names_per_volume", "1000")]).await;
    let author = app.log_in("09122220096", Role::Member).await;
    let moderator = app.log_in("09129990096", Role::Moderator).await;
    // Numbers 1 to 3 (a shown name, a hidden one, Negar Amini), 4 (withdrawn), then a
    // thousand more straight into the store: 1,004 numbers, two volumes of a thousand.
    let (id, page) = signed_campaign(&app, &author, &moderator).await;
    let secret = app.secret().await;
    let crowd: Vec<_> = (1..=1000).map(|n| crowd_signer(&secret, n)).collect();
    let campaign = tomar_core::ids::CampaignId(id);
    let now = tomar_core::Timestamp::now();
    app.store
        .add_confirmations(campaign, 1, &crowd, now)
        .await
        .unwrap();
    let review = moderator
        .page(&app, &format!("/moderation/campaigns/{id}"))
        .await;
    let authors = author.page(&app, &page).await;
    for volume in [1, 2] {
        let moderators = format!("/moderation/campaigns/{id}/delivery.pdf?volume={volume}");
        assert!(review.contains(&moderators), "{review}");
        assert!(authors.contains(&format!("{page}/delivery.pdf?volume={volume}")));
    }
    assert!(!review.contains("delivery.pdf?volume=3"));
    // In English, as pdftotext reorders the digits of a right-to-left line.
    let first = format!("{page}/delivery.pdf?volume=1&lang=en");
    let first = pdf_text(&author, &app, &first).await;
    assert!(
        first.contains("Volume 1 of 2: the signatures numbered 1 to 1,000"),
        "{first}"
    );
    assert!(first.contains("سارا نخستین") && first.contains("Negar Amini"));
    assert!(first.contains("End of the list: 999 signatures, 1 of them with names hidden."));
    let second = format!("/moderation/campaigns/{id}/delivery.pdf?volume=2");
    let response = moderator.get(&app, &second).await;
    assert_eq!(
        response.headers()["content-disposition"],
        format!("attachment; filename=\"campaign-{id}-package-2.pdf\"").as_str()
    );
    let second_en = pdf_text(&moderator, &app, &format!("{second}&lang=en")).await;
    assert!(
        second_en.contains("End of the list: 4 signatures, 0 of them with names hidden."),
        "numbers 1,001 to 1,004: {second_en}"
    );
    // Back in Persian: the English one was remembered for this browser.
    let second = pdf_text(&moderator, &app, &format!("{second}&lang=fa")).await;
    assert!(
        second.contains("جلد") && second.contains("امضاکننده"),
        "{second}"
    );
    assert!(
        !second.contains("سارا نخستین") && !second.contains("Negar Amini"),
        "{second}"
    );
    assert!(
        second.contains(TITLE),
        "each volume stands on its own: {second}"
    );
    for (volume, status) in [
        ("3", StatusCode::NOT_FOUND),
        ("0", StatusCode::NOT_FOUND),
        ("-1", StatusCode::BAD_REQUEST),
        ("۲x", StatusCode::BAD_REQUEST),
    ] {
        let path = format!("{page}/delivery.pdf?volume={volume}");
        assert_eq!(author.get(&app, &path).await.status(), status, "{volume}");
    }

    let folder = tempfile::tempdir().unwrap();
    let out = folder.path().join("package.pdf");
    let (written, printed) = export_delivery(&app, &id.to_string(), "fa", &out).await;
    assert!(written, "{printed}");
    assert!(
        !out.exists(),
        "a package in volumes is written as its volumes"
    );
    let second = text_of(&folder.path().join("package-2.pdf"));
    assert!(second.contains("امضاکننده") && !second.contains("Negar Amini"));
    assert!(text_of(&folder.path().join("package-1.pdf")).contains("سارا نخستین"));
}
