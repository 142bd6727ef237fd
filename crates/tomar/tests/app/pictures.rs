//! A campaign's picture, from the author's upload to the public page: drawn afresh by
//! Tomar, shown to the author and moderators before publication and to everyone after,
//! fixed once the campaign is in review.

use image::ImageEncoder;
use reqwest::StatusCode;
use reqwest::multipart::{Form, Part};
use tomar_core::lifecycle::Lifecycle;
use tomar_core::member::Role;

use crate::moderation::{campaign_form, post_form};
use crate::support::{Browser, TestApp, location};

/// A JPEG photo with an EXIF note after its start, as a phone's camera would write one.
fn photo(width: u32, height: u32) -> Vec<u8> {
    let pixels = image::RgbImage::from_pixel(width, height, image::Rgb([40, 120, 90]));
    let mut jpeg = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, 90)
        .write_image(&pixels, width, height, image::ExtendedColorType::Rgb8)
        .unwrap();
    let exif = b"Exif\0\0II*\0\x08\0\0\0\0\0GPS 35.7 51.4";
    let mut with_exif = jpeg[..2].to_vec();
    with_exif.extend_from_slice(&[0xFF, 0xE1]);
    with_exif.extend_from_slice(&u16::try_from(exif.len() + 2).unwrap().to_be_bytes());
    with_exif.extend_from_slice(exif);
    with_exif.extend_from_slice(&jpeg[2..]);
    with_exif
}

/// Sends `file` from the author's page, the token first as the page's form sends it.
async fn upload(
    app: &TestApp,
    author: &Browser,
    page: &str,
    csrf: &str,
    file: Vec<u8>,
) -> reqwest::Response {
    let form = Form::new().text("csrf", csrf.to_owned()).part(
        "file",
        Part::bytes(file)
            .file_name("photo.jpg")
            .mime_str("image/jpeg")
            .unwrap(),
    );
    author
        .client
        .post(app.url(&format!("{page}/image")))
        .multipart(form)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn an_authors_picture_is_drawn_afresh_reviewed_and_then_public() {
    let app = TestApp::demo().await;
    let author = app.log_in("09122220077", Role::Member).await;
    let saved = post_form(
        &author,
        &app,
        "/new",
        &campaign_form(&[("intent", "save".into())]),
    )
    .await;
    let page = location(&saved);
    let id: i64 = page.rsplit('/').next().unwrap().parse().unwrap();
    let draft = author.page(&app, &page).await;
    assert!(
        draft.contains(r#"enctype="multipart/form-data""#),
        "the upload form"
    );

    // Forged, tokenless or token-last uploads change nothing.
    let forged = upload(&app, &author, &page, &"0".repeat(32), photo(800, 600)).await;
    assert_eq!(forged.status(), StatusCode::FORBIDDEN);
    let token_last = Form::new()
        .part("file", Part::bytes(photo(800, 600)).file_name("a.jpg"))
        .text("csrf", author.csrf());
    let refused = author
        .client
        .post(app.url(&format!("{page}/image")))
        .multipart(token_last)
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    let wrong_method = author.get(&app, &format!("{page}/image")).await;
    assert_eq!(wrong_method.status(), StatusCode::METHOD_NOT_ALLOWED);

    // What is not a sensible picture comes back on the page, in the author's language.
    for (file, message) in [
        (
            b"<svg onload=alert(1)>".to_vec(),
            "این فایل تصویر JPEG، PNG یا WebP نیست",
        ),
        (photo(200, 100), "این تصویر خیلی کوچک است"),
        (vec![0xFF; 9 * 1024 * 1024], "این تصویر خیلی بزرگ است"),
        (Vec::new(), "فایلی برای بارگذاری انتخاب کنید."),
    ] {
        let response = upload(&app, &author, &page, &author.csrf(), file).await;
        assert_eq!(
            response.status(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "{message}"
        );
        let body = response.text().await.unwrap();
        assert!(
            body.contains(r#"<span class="field-error" id="picture-error">"#),
            "{message}"
        );
        assert!(body.contains(message), "{message}");
    }
    assert_eq!(app.campaign(id).await.image, None);

    // A photo is taken, drawn as a 1200 × 630 banner without its metadata.
    let sent = upload(&app, &author, &page, &author.csrf(), photo(1600, 1200)).await;
    assert_eq!(location(&sent), format!("{page}?done=image_saved#done"));
    let wide = format!("/images/{id}/1/wide.jpg");
    let draft = author.page(&app, &page).await;
    assert!(draft.contains(&format!(r#"<img class="campaign-image" src="{wide}""#)));
    let mine = author.get(&app, &wide).await;
    assert_eq!(mine.status(), StatusCode::OK);
    assert_eq!(mine.headers()["content-type"], "image/jpeg");
    assert_eq!(mine.headers()["cache-control"], "private, no-store");
    let bytes = mine.bytes().await.unwrap();
    assert!(!bytes.windows(4).any(|w| w == b"Exif"), "no metadata");
    let drawn = image::load_from_memory(&bytes).unwrap();
    assert_eq!((drawn.width(), drawn.height()), (1200, 630));
    assert_eq!(
        app.get(&wide).await.status(),
        StatusCode::NOT_FOUND,
        "nobody else sees a draft's picture"
    );
    for bad in [
        "/images/x/1/wide.jpg",
        "/images/1/1/other.jpg",
        &format!("/images/{id}/9/wide.jpg"),
    ] {
        assert_eq!(
            author.get(&app, bad).await.status(),
            StatusCode::NOT_FOUND,
            "{bad}"
        );
    }

    // Removed, then a new one: the old address shows nothing.
    let removed = author
        .post(&app, &format!("{page}/image/remove"), &[])
        .await;
    assert_eq!(
        location(&removed),
        format!("{page}?done=image_removed#done")
    );
    assert_eq!(
        author.get(&app, &wide).await.status(),
        StatusCode::NOT_FOUND
    );
    upload(&app, &author, &page, &author.csrf(), photo(1600, 1200)).await;

    // Sent for review: the moderator sees it; the author can no longer change it.
    let submitted = post_form(
        &author,
        &app,
        &page,
        &campaign_form(&[("intent", "submit".into())]),
    )
    .await;
    assert_eq!(location(&submitted), page);
    let late = upload(&app, &author, &page, &author.csrf(), photo(1600, 1200)).await;
    assert_eq!(late.status(), StatusCode::CONFLICT);
    let moderator = app.log_in("09129990077", Role::Moderator).await;
    let review = format!("/moderation/campaigns/{id}");
    assert!(
        moderator
            .page(&app, &review)
            .await
            .contains(&format!(r#"src="{wide}""#))
    );
    assert_eq!(moderator.get(&app, &wide).await.status(), StatusCode::OK);
    moderator
        .post(&app, &format!("{review}/approve"), &[])
        .await;
    assert_eq!(app.campaign(id).await.lifecycle, Lifecycle::Published);

    // Public: on the page, in link previews and on cards, cached for good by anyone.
    let public = app.page(&format!("/{id}")).await;
    assert!(public.contains(&format!(r#"<img class="campaign-image" src="{wide}""#)));
    assert!(public.contains(&format!(
        r#"<meta property="og:image" content="{}{wide}">"#,
        app.base
    )));
    assert!(public.contains(r#"<meta name="twitter:card" content="summary_large_image">"#));
    let anyone = app.get(&wide).await;
    assert_eq!(anyone.status(), StatusCode::OK);
    assert_eq!(
        anyone.headers()["cache-control"],
        "public, max-age=31536000, immutable"
    );
    assert!(
        anyone.headers().get("set-cookie").is_none(),
        "shared caches may keep it"
    );
    let listed = app.page("/campaigns").await;
    assert!(listed.contains(&format!(
        r#"<img class="card-image" src="/images/{id}/1/card.jpg""#
    )));
    let card = image::load_from_memory(
        &app.get(&format!("/images/{id}/1/card.jpg"))
            .await
            .bytes()
            .await
            .unwrap(),
    )
    .unwrap();
    assert_eq!((card.width(), card.height()), (480, 252));
}
