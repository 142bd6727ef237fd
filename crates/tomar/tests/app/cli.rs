//! The `tomar` binary's failures: one clear line on stderr and a non-zero exit, never a
//! panic or a backtrace.

use std::process::Command;

fn tomar(args: &[&str]) -> (bool, String) {
    let dir = tempfile::tempdir().unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_tomar"))
        .args(args)
        .current_dir(dir.path())
        .env_remove("TOMAR_DATABASE_URL")
        .env_remove("TOMAR_ADDR")
        .env_remove("TOMAR_CONFIG")
        .env("TOMAR_LOG", "off")
        .output()
        .unwrap();
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

fn assert_one_clear_line(args: &[&str], expected: &str) {
    let (ok, stderr) = tomar(args);
    assert!(!ok, "{args:?} should fail");
    let lines: Vec<_> = stderr.lines().collect();
    assert_eq!(lines.len(), 1, "{args:?}: {stderr}");
    assert!(lines[0].starts_with("tomar: "), "{stderr}");
    assert!(lines[0].contains(expected), "{args:?}: {stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn a_wrong_database_url_is_one_line() {
    assert_one_clear_line(
        &["migrate", "--database-url", "mysql://localhost/x"],
        "use sqlite:PATH or postgres://",
    );
    assert_one_clear_line(&["serve", "--database-url", "sqlite:"], "needs a file path");
}

#[test]
fn an_unreachable_database_is_one_line() {
    assert_one_clear_line(
        &[
            "migrate",
            "--database-url",
            "postgres://postgres@127.0.0.1:1/nothing",
        ],
        "cannot open the database",
    );
    assert_one_clear_line(
        &[
            "migrate",
            "--database-url",
            "sqlite:/no/such/directory/tomar.db",
        ],
        "cannot open the database",
    );
}

#[test]
fn a_bad_address_or_config_file_is_one_line() {
    assert_one_clear_line(&["serve", "--addr", "here"], "invalid address \"here\"");
    assert_one_clear_line(
        &["--config", "/no/such/tomar.toml", "migrate"],
        "cannot read the configuration file",
    );
}

#[tokio::test]
async fn migrate_and_demo_work_on_a_fresh_sqlite_file() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite:{}", dir.path().join("t.db").display());
    let (ok, stderr) = tomar(&["migrate", "--database-url", &url]);
    assert!(ok, "{stderr}");
    let (ok, stderr) = tomar(&["demo", "--database-url", &url]);
    assert!(ok, "{stderr}");
    let store = tomar_store::Store::connect(&tomar_store::DatabaseUrl::parse(&url).unwrap())
        .await
        .unwrap();
    let campaigns = store.campaign_count().await.unwrap();
    assert_eq!(campaigns, 7);
    // A second run leaves the existing content alone.
    let (ok, stderr) = tomar(&["demo", "--database-url", &url]);
    assert!(ok, "{stderr}");
    assert_eq!(store.campaign_count().await.unwrap(), campaigns);
    let (ok, stderr) = tomar(&[
        "setting",
        "--database-url",
        &url,
        "switch.signing_stopped",
        "true",
    ]);
    assert!(ok, "{stderr}");
    let settings = store.settings().await.unwrap();
    assert_eq!(
        settings.get("switch.signing_stopped").map(String::as_str),
        Some("true")
    );
}

/// The demo campaign as it is now.
async fn demo_campaign(store: &tomar_store::Store) -> tomar_core::campaign::Campaign {
    let demo = tomar_core::names::CampaignRef::parse("demo").unwrap();
    store.campaign(&demo).await.unwrap().unwrap()
}

#[tokio::test]
async fn demo_adds_fictional_signatures_in_bulk_to_the_campaign_named() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite:{}", dir.path().join("t.db").display());
    let (ok, stderr) = tomar(&["demo", "--database-url", &url, "--signatures", "4500"]);
    assert!(ok, "{stderr}");
    let store = tomar_store::Store::connect(&tomar_store::DatabaseUrl::parse(&url).unwrap())
        .await
        .unwrap();
    let first = demo_campaign(&store).await.signature_count;
    assert!(first > 4500, "the demo's own and 4,500 more: {first}");
    let more = ["demo", "--database-url", &url, "--signatures", "2001"];
    let (ok, stderr) = tomar(&[&more[..], &["--campaign", "demo"]].concat());
    assert!(ok, "{stderr}");
    let demo = demo_campaign(&store).await;
    assert_eq!(demo.signature_count, first + 2001, "a new signer each");
    assert!(!store.recount_signatures(demo.id).await.unwrap().drifted());
    let mut pass = Some(tomar_store::ReconcilePass::everything());
    while let Some(step) = pass {
        let step = store.reconcile_step(&step, 10_000).await.unwrap();
        assert_eq!(step.drifted, [], "the counts by hour add up");
        pass = step.next;
    }

    assert_one_clear_line(
        &[&more[..], &["--campaign", "no such campaign!"]].concat(),
        "invalid campaign",
    );
    assert_one_clear_line(
        &[&more[..], &["--campaign", "no-such-campaign"]].concat(),
        "campaign",
    );
}

#[tokio::test]
async fn user_grant_makes_the_first_admin_and_refuses_bad_roles() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite:{}", dir.path().join("t.db").display());
    assert_one_clear_line(
        &[
            "user",
            "grant",
            "--database-url",
            &url,
            "09121234567",
            "root",
        ],
        "invalid role \"root\"",
    );
    assert_one_clear_line(
        &[
            "user",
            "grant",
            "--database-url",
            &url,
            "not a contact",
            "admin",
        ],
        "invalid contact",
    );
    let (ok, stderr) = tomar(&[
        "user",
        "grant",
        "--database-url",
        &url,
        "۰۹۱۲ ۱۲۳ ۴۵۶۷",
        "admin",
    ]);
    assert!(ok, "{stderr}");
    let store = tomar_store::Store::connect(&tomar_store::DatabaseUrl::parse(&url).unwrap())
        .await
        .unwrap();
    let staff = store.staff().await.unwrap();
    assert_eq!(staff.len(), 1);
    assert_eq!(staff[0].role, tomar_core::member::Role::Admin);
    // The same person, however typed, is promoted or demoted, never duplicated.
    let (ok, stderr) = tomar(&[
        "user",
        "grant",
        "--database-url",
        &url,
        "+989121234567",
        "moderator",
    ]);
    assert!(ok, "{stderr}");
    let staff = store.staff().await.unwrap();
    assert_eq!(staff.len(), 1);
    assert_eq!(staff[0].role, tomar_core::member::Role::Moderator);
}
