//! A campaign's public log over HTTP, read as a tlog-tiles client reads it: the signed
//! checkpoint, the tiles and entry bundles, and the texts the entries pin.

use reqwest::StatusCode;
use tomar_core::note::{Checkpoint, Verifier};
use tomar_core::signature_log::LogEntry;
use tomar_core::tlog::{self, TILE_WIDTH, Tile};

use crate::support::{TestApp, run_tomar};

async fn bytes(app: &TestApp, path: &str) -> Vec<u8> {
    let response = app.get(path).await;
    assert_eq!(response.status(), StatusCode::OK, "{path}");
    assert!(
        response.headers().get("set-cookie").is_none(),
        "{path}: cacheable"
    );
    response.bytes().await.unwrap().to_vec()
}

#[tokio::test]
async fn anyone_can_fetch_a_campaigns_log_check_its_signature_and_recount_it() {
    let app = TestApp::demo().await;
    let campaign = app.campaign("clean-river").await;
    let id = campaign.id;
    let key = String::from_utf8(bytes(&app, "/.well-known/tomar-log-key").await).unwrap();
    let verifier = Verifier::parse(&key).expect("a signed-note verifier key");

    let checkpoint_response = app.get(&format!("/log/{id}/checkpoint")).await;
    assert_eq!(
        checkpoint_response.headers()["cache-control"],
        "public, max-age=1"
    );
    let note = checkpoint_response.text().await.unwrap();
    let body = verifier.open(&note).expect("signed by the published key");
    let checkpoint = Checkpoint::parse(body).unwrap();
    let host = app.base.split_once("://").unwrap().1;
    assert_eq!(checkpoint.origin, format!("{host}/log/{id}"));
    assert!(
        checkpoint.size >= campaign.signature_count,
        "{}",
        checkpoint.size
    );

    // Every level-0 tile and entry bundle the size calls for, full and partial.
    let size = checkpoint.size;
    let mut leaves = Vec::new();
    let mut entries = Vec::new();
    for index in 0..size.div_ceil(TILE_WIDTH) {
        let width = (size - index * TILE_WIDTH).min(TILE_WIDTH);
        let tail = Tile {
            level: 0,
            index,
            width,
        }
        .path_tail();
        let tile = bytes(&app, &format!("/log/{id}/tile/0/{tail}")).await;
        assert_eq!(tile.len() as u64, width * 32);
        let bundle = bytes(&app, &format!("/log/{id}/tile/entries/{tail}")).await;
        let bundled = tlog::unbundle(&bundle).expect("a whole bundle");
        assert_eq!(bundled.len() as u64, width);
        for (hash, entry) in tile.chunks(32).zip(bundled) {
            assert_eq!(
                tlog::leaf_hash(entry).as_slice(),
                hash,
                "the tile hashes its entries"
            );
            leaves.push(tlog::leaf_hash(entry));
            entries.push(entry.to_vec());
        }
    }
    assert_eq!(
        tlog::root_of(&leaves),
        checkpoint.root,
        "the tiles make the signed root"
    );
    let full_tiles = size / TILE_WIDTH;
    if full_tiles > 0 {
        let tail = Tile {
            level: 1,
            index: 0,
            width: full_tiles,
        }
        .path_tail();
        let level_one = bytes(&app, &format!("/log/{id}/tile/1/{tail}")).await;
        for (i, hash) in level_one.chunks(32).enumerate() {
            let tile = &leaves[i * 256..(i + 1) * 256];
            assert_eq!(
                tlog::root_of(tile).as_slice(),
                hash,
                "level 1 holds full tiles' roots"
            );
        }
    }

    // The count, recounted from the log alone: signatures less what removed them.
    let mut signed = std::collections::HashSet::new();
    let mut text_hashes = std::collections::HashSet::new();
    for entry in &entries {
        match LogEntry::parse(entry).expect("a well-formed entry") {
            LogEntry::Signature {
                number,
                text_version,
                text_hash,
                ..
            } => {
                assert!(signed.insert(number), "{number} twice");
                text_hashes.insert((text_version, text_hash));
            }
            LogEntry::Withdrawal { of, .. } | LogEntry::Invalidation { of, .. } => {
                assert!(signed.remove(&of), "{of} removed but never signed");
            }
            other @ (LogEntry::Carried { .. } | LogEntry::MergedInto { .. }) => {
                panic!("this campaign was never merged: {other:?}")
            }
        }
    }
    assert_eq!(signed.len() as u64, campaign.signature_count);
    let text = String::from_utf8(bytes(&app, &format!("/log/{id}/text/1.txt")).await).unwrap();
    assert_eq!(text, campaign.text.canonical());
    assert_eq!(
        text_hashes.into_iter().collect::<Vec<_>>(),
        [(1, campaign.text.canonical_hash())]
    );

    let tile = app.get(&format!("/log/{id}/tile/0/000")).await;
    assert_eq!(
        tile.headers()["cache-control"],
        "public, max-age=31536000, immutable"
    );
    let beyond = Tile {
        level: 0,
        index: size / TILE_WIDTH + 1,
        width: 256,
    }
    .path_tail();
    // A partial tile wider than the tree has grown.
    let wider = Tile {
        level: 0,
        index: size / TILE_WIDTH,
        width: size % TILE_WIDTH + 1,
    }
    .path_tail();
    let draft = app.campaign("under-review").await.id;
    for missing in [
        format!("/log/{id}/tile/0/x000/000"),
        format!("/log/{id}/tile/0/{beyond}"),
        format!("/log/{id}/tile/0/{wider}"),
        format!("/log/{id}/tile/64/000"),
        format!("/log/{id}/tile/01/000"),
        format!("/log/{id}/tile/entries/000.p/0"),
        format!("/log/{id}/text/9.txt"),
        format!("/log/{id}/text/1"),
        "/log/abc/checkpoint".to_owned(),
        format!("/log/{draft}/checkpoint"),
        "/log/999999/checkpoint".to_owned(),
    ] {
        assert_eq!(
            app.get(&missing).await.status(),
            StatusCode::NOT_FOUND,
            "{missing}"
        );
    }
    let page = app.page("/clean-river").await;
    assert!(page.contains(&format!(r#"<a href="/log/{id}/checkpoint" dir="ltr">"#)));
}

#[tokio::test]
async fn tomar_log_key_prints_the_key_the_server_publishes() {
    let app = TestApp::demo().await;
    let served = String::from_utf8(bytes(&app, "/.well-known/tomar-log-key").await).unwrap();
    let file = app.sqlite_file().expect("the demo app runs on SQLite");
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_tomar"))
        .args(["log-key", "--public-url", &app.base])
        .arg("--database-url")
        .arg(format!("sqlite:{}", file.display()))
        .env("TOMAR_LOG", "off")
        .env_remove("TOMAR_SECRET")
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(String::from_utf8(output.stdout).unwrap(), served);
}

/// Runs `tomar verify count` on a campaign's log, with `extra` arguments: whether it
/// passed, and what it printed.
async fn verify(
    app: &TestApp,
    campaign: tomar_core::ids::CampaignId,
    state: &std::path::Path,
    extra: &[&str],
) -> (bool, String) {
    let log = format!("{}/log/{campaign}", app.base);
    let state = state.to_str().unwrap();
    let args = ["verify", "count", &log, "--state", state];
    run_tomar(args.iter().chain(extra)).await
}

#[tokio::test]
async fn tomar_verify_recounts_a_log_and_catches_every_kind_of_tampering() {
    let app = TestApp::demo().await;
    let campaign = app.campaign("clean-river").await;
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state");
    let (ok, printed) = verify(&app, campaign.id, &state, &[]).await;
    assert!(ok, "{printed}");
    let count = campaign.signature_count;
    assert!(
        printed.contains(&format!("live count {count} ")),
        "{printed}"
    );
    assert!(
        printed.contains(&format!("text version 1: {count}")),
        "{printed}"
    );
    assert!(printed.contains("first check"), "{printed}");

    // A signature later: the next check extends the remembered checkpoint.
    let signer = crate::support::Browser::open(&app, "/clean-river").await;
    crate::signing::Signs::sign(&signer, &app, "clean-river", "سارا", "09127770055", false).await;
    // The checkpoint read a moment ago is served for a second before the tree is signed anew.
    tokio::time::sleep(tomar_web::Checkpoints::SIGNED_EVERY).await;
    let (ok, printed) = verify(&app, campaign.id, &state, &[]).await;
    assert!(ok, "{printed}");
    assert!(
        printed.contains(&format!("live count {} ", count + 1)),
        "{printed}"
    );
    assert!(printed.contains("extends the checkpoint"), "{printed}");

    // A forked history: the remembered root is not the root of the log's start.
    let remembered = std::fs::read_to_string(&state).unwrap();
    let (head, root) = remembered.trim_end().rsplit_once(' ').unwrap();
    let forked = if root.starts_with('A') {
        root.replacen('A', "B", 1)
    } else {
        format!("A{}", &root[1..])
    };
    std::fs::write(&state, format!("{head} {forked}\n")).unwrap();
    let (ok, printed) = verify(&app, campaign.id, &state, &[]).await;
    assert!(!ok && printed.contains("forked"), "{printed}");
    std::fs::write(&state, remembered).unwrap();

    // One entry changed, then one dropped, behind the server's back.
    tomar_store::testing::tamper_log_entry(&app.store, campaign.id, 3).await;
    let (ok, printed) = verify(&app, campaign.id, &state, &[]).await;
    assert!(
        !ok && printed.contains("entry 3 does not match its tile"),
        "{printed}"
    );
    tomar_store::testing::drop_log_entry(&app.store, campaign.id, 3).await;
    let (ok, printed) = verify(&app, campaign.id, &state, &[]).await;
    assert!(
        !ok && printed.contains("does not match its tile"),
        "{printed}"
    );

    // A pinned key that is not the log's.
    let stranger = tomar_core::note::SigningKey::from_seed("elsewhere/log", &[3; 32]).unwrap();
    let pinned = ["--key", &stranger.verifier_key()];
    let (ok, printed) = verify(&app, campaign.id, &dir.path().join("other"), &pinned).await;
    assert!(
        !ok && printed.contains("not signed by the key"),
        "{printed}"
    );
}

#[tokio::test]
async fn a_revised_campaign_shows_how_many_signed_each_text_and_tells_its_subscribers() {
    let app = TestApp::demo().await;
    // A subscriber signs the first text.
    let subscriber = crate::support::Browser::open(&app, "/clean-river").await;
    let fields = [
        ("name", "پویا خبرخواه"),
        ("contact", "09127770402"),
        ("updates", "on"),
    ];
    let code_page =
        crate::support::location(&subscriber.post(&app, "/clean-river/sign", &fields).await);
    let code = crate::support::code_in(&app.message_saying("+989127770402", "کد امضای").await);
    subscriber.post(&app, &code_page, &[("code", &code)]).await;
    let campaign = app.campaign("clean-river").await;
    let page = app.page("/clean-river").await;
    assert!(!page.contains(r#"id="versions""#), "one text, no versions");
    let mut revised = campaign.text.clone();
    revised.title = tomar_core::names::Line::parse("شکایت بازنگری‌شده از پساب", 200).unwrap();
    app.store
        .propose_text(campaign.id, &revised, jiff::Timestamp::now())
        .await
        .unwrap();
    let moderator = app
        .log_in("09129990402", tomar_core::member::Role::Moderator)
        .await;
    let review = format!("/moderation/campaigns/{}", campaign.id);
    moderator
        .post(&app, &format!("{review}/approve_text"), &[])
        .await;
    let told = app.message_saying("+989127770402", "بازنگری").await;
    assert!(told.contains("نسخهٔ ۲"), "{told}");
    assert!(
        told.contains(&format!("{}/privacy/mine", app.base)),
        "where to withdraw: {told}"
    );
    tokio::time::sleep(tomar_store::CACHED_FOR).await;
    let signer = crate::support::Browser::open(&app, "/clean-river").await;
    crate::signing::Signs::sign(
        &signer,
        &app,
        "clean-river",
        "نسرین نو",
        "09127770401",
        true,
    )
    .await;

    let page = app.page("/clean-river?lang=en").await;
    let first = campaign.signature_count.to_string();
    let id = campaign.id;
    assert!(page.contains(r#"id="versions""#), "{page}");
    assert!(page.contains(&format!(
        r#"<a href="/log/{id}/text/1.txt">Version 1: {}"#,
        group(&first)
    )));
    assert!(page.contains(&format!(
        r#"<a href="/log/{id}/text/2.txt">Version 2, the text above: 1 signatures"#
    )));
    let text = app
        .get(&format!("/log/{id}/text/2.txt"))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        text.starts_with("title: شکایت بازنگری‌شده از پساب\n"),
        "{text}"
    );
}

/// A count as the English page writes it: thousands separated by commas.
fn group(digits: &str) -> String {
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// The size a signed checkpoint states.
fn checkpoint_size(note: &str) -> u64 {
    let body = &note[..=note.find("\n\n").expect("a signed note")];
    Checkpoint::parse(body).unwrap().size
}

/// Signature `n` of a crowd signing straight into the store, as the signing writer would.
pub(crate) fn crowd_signer(
    secret: &tomar_core::secret::Secret,
    n: u32,
) -> tomar_store::Confirmation {
    use tomar_core::contact::Contact;
    use tomar_core::names::PersonName;
    use tomar_core::signature::{ConfirmedSignature, SignatureOrigin};
    let contact = Contact::parse(&format!("0913{n:07}")).unwrap();
    let now = tomar_core::Timestamp::now();
    tomar_store::Confirmation::direct(ConfirmedSignature {
        sealed_answers: None,
        name: PersonName::parse(&format!("امضاکننده {n}")).unwrap(),
        public: true,
        wants_updates: false,
        sealed_contact: None,
        contact_key: secret.contact_key(&contact),
        withdraw_key: None,
        created_at: now,
        confirmed_at: now,
        origin: SignatureOrigin::default(),
    })
}

#[tokio::test]
async fn the_checkpoint_is_signed_at_most_once_a_second_however_many_read_it_while_it_grows() {
    let app = TestApp::demo().await;
    let campaign = app.campaign("clean-river").await;
    let secret = app.secret().await;
    let started = std::time::Instant::now();
    let signing = std::time::Duration::from_millis(2500);

    // Signatures one after another for two and a half seconds, while eight readers fetch the
    // checkpoint as fast as they can: without the limit each read would sign a new tree.
    let store = app.store.clone();
    let signers = tokio::spawn(async move {
        let mut n = 0;
        while started.elapsed() < signing {
            n += 1;
            let batch = [crowd_signer(&secret, n)];
            store
                .add_confirmations(campaign.id, 1, &batch, tomar_core::Timestamp::now())
                .await
                .unwrap();
        }
        n
    });
    let path = format!("/log/{}/checkpoint", campaign.id);
    let readers = (0..8).map(|_| {
        let (app, path) = (&app, &path);
        async move {
            let mut seen = Vec::new();
            while started.elapsed() < signing {
                seen.push(String::from_utf8(bytes(app, path).await).unwrap());
            }
            seen
        }
    });
    let seen: std::collections::BTreeSet<String> = futures_util::future::join_all(readers)
        .await
        .into_iter()
        .flatten()
        .collect();
    let signed = signers.await.unwrap();
    let elapsed = started.elapsed().as_secs();

    let sizes: std::collections::BTreeSet<u64> =
        seen.iter().map(|note| checkpoint_size(note)).collect();
    assert_eq!(sizes.len(), seen.len(), "one note per tree size");
    // The first read signs, then at most one a second (the last second begun included).
    assert!(
        sizes.len() as u64 <= elapsed + 2,
        "{} checkpoints in {elapsed} s",
        sizes.len()
    );
    assert!(
        // More trees than checkpoints allowed, so a checkpoint per read would show.
        u64::from(signed) > elapsed + 2 && sizes.len() >= 2,
        "the tree grew while it was read: {signed} signatures, {} checkpoints in {elapsed} s",
        sizes.len()
    );

    // A second later the checkpoint catches up with every signature.
    tokio::time::sleep(tomar_web::Checkpoints::SIGNED_EVERY).await;
    let note = String::from_utf8(bytes(&app, &path).await).unwrap();
    assert_eq!(
        checkpoint_size(&note),
        app.store.log_size(campaign.id).await.unwrap()
    );
}
