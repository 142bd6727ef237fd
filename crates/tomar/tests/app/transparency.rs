//! A campaign's public log over HTTP, read as a tlog-tiles client reads it: the signed
//! checkpoint, the tiles and entry bundles, and the texts the entries pin.

use reqwest::StatusCode;
use tomar_core::note::{Checkpoint, Verifier};
use tomar_core::signature_log::LogEntry;
use tomar_core::tlog::{self, TILE_WIDTH, Tile};

use crate::support::TestApp;

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
        let mut rest = bundle.as_slice();
        for hash in tile.chunks(32) {
            let length = usize::from(u16::from_be_bytes([rest[0], rest[1]]));
            let entry = rest[2..2 + length].to_vec();
            rest = &rest[2 + length..];
            assert_eq!(
                tlog::leaf_hash(&entry).as_slice(),
                hash,
                "the tile hashes its entries"
            );
            leaves.push(tlog::leaf_hash(&entry));
            entries.push(entry);
        }
        assert!(rest.is_empty());
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
    let draft = app.campaign("under-review").await.id;
    for missing in [
        format!("/log/{id}/tile/0/x000/000"),
        format!("/log/{id}/tile/0/{beyond}"),
        format!("/log/{id}/tile/0/000.p/1"),
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
