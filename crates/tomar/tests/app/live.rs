//! The live count: a campaign's event stream starts with its count and follows it, whether
//! the signature came through this process or another; the page shows the count under the
//! title, with the goal, and a same-origin script ticks it.

use std::time::Duration;

use reqwest::StatusCode;
use reqwest::header::{CACHE_CONTROL, CONTENT_TYPE};
use serde_json::Value;
use tokio::time::timeout;

use crate::signing::Signs;
use crate::support::{Browser, TestApp, live_script, on_both_backends, other_scripts};

/// Long enough for any machine; a test that waits this long has failed.
const PATIENCE: Duration = Duration::from_secs(15);

/// An open event stream, read event by event.
pub(crate) struct Events {
    response: reqwest::Response,
    unread: String,
}

impl Events {
    /// Opens the stream of `campaign` on the Tomar at `base`.
    pub(crate) async fn open(base: &str, campaign: &str) -> Events {
        let path = format!("{base}/api/v1/campaigns/{campaign}/events");
        let response = reqwest::get(&path).await.unwrap();
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        assert_eq!(response.headers()[CONTENT_TYPE], "text/event-stream");
        assert_eq!(response.headers()[CACHE_CONTROL], "no-cache");
        Events {
            response,
            unread: String::new(),
        }
    }

    /// The count the next `count` event carries (comments in between are skipped).
    pub(crate) async fn next_count(&mut self) -> u64 {
        let next = async {
            loop {
                if let Some(end) = self.unread.find("\n\n") {
                    let event: String = self.unread.drain(..end + 2).collect();
                    let mut lines = event.lines();
                    if lines.next() != Some("event: count") {
                        continue;
                    }
                    let data = lines.next().and_then(|l| l.strip_prefix("data: "));
                    let data: Value = serde_json::from_str(data.unwrap()).unwrap();
                    return data["count"].as_u64().unwrap();
                }
                let chunk = self.response.chunk().await.unwrap();
                let chunk = chunk.expect("the stream stays open");
                self.unread.push_str(std::str::from_utf8(&chunk).unwrap());
            }
        };
        timeout(PATIENCE, next).await.expect("an event in time")
    }

    /// Whether the stream ends (rather than sending more) within the patience.
    pub(crate) async fn ended(&mut self) -> bool {
        let rest = async { while let Ok(Some(_)) = self.response.chunk().await {} };
        timeout(PATIENCE, rest).await.is_ok()
    }

    /// Reads events until one carries `count`.
    pub(crate) async fn until(&mut self, count: u64) {
        loop {
            if self.next_count().await == count {
                return;
            }
        }
    }
}

async fn the_event_stream_follows_the_count_from_every_process(app: &TestApp) {
    let before = app.campaign("clean-river").await.signature_count;
    let mut here = Events::open(&app.base, "clean-river").await;
    assert_eq!(here.next_count().await, before, "the count at once");

    let signer = Browser::open(app, "/clean-river").await;
    signer
        .sign(app, "clean-river", "رضا نیک‌پی", "09127778899", true)
        .await;
    here.until(before + 1).await;

    // A second process, as a second `tomar serve` on the same database would be.
    let other = app.another_process().await;
    let mut there = Events::open(&other.base, "clean-river").await;
    assert_eq!(there.next_count().await, before + 1);
    let signer = Browser::open(app, "/clean-river").await;
    signer
        .sign(app, "clean-river", "مینا راد", "09127778800", false)
        .await;
    there.until(before + 2).await;
    here.until(before + 2).await;

    let id = app.campaign("clean-river").await.id;
    let mut by_number = Events::open(&other.base, &id.to_string()).await;
    assert_eq!(by_number.next_count().await, before + 2, "by number too");
}

on_both_backends!(the_event_stream_follows_the_count_from_every_process, demo: true);

#[tokio::test]
async fn the_event_stream_refuses_unknown_campaigns_and_other_methods() {
    let app = TestApp::demo().await;
    for path in [
        "/api/v1/campaigns/no-such-campaign/events",
        "/api/v1/campaigns/999999/events",
        "/api/v1/campaigns/%00/events",
    ] {
        let response = app.get(path).await;
        assert_eq!(response.status(), StatusCode::NOT_FOUND, "{path}");
        assert_eq!(response.headers()[CONTENT_TYPE], "application/problem+json");
    }
    let posted = app
        .visitor()
        .post(app.url("/api/v1/campaigns/demo/events"))
        .send()
        .await
        .unwrap();
    assert_eq!(posted.status(), StatusCode::METHOD_NOT_ALLOWED);
    app.finish().await;
}

#[tokio::test]
async fn the_page_shows_the_count_and_goal_under_the_title_for_its_script_to_tick() {
    let app = TestApp::demo().await;
    let campaign = app.campaign("clean-river").await;
    let page = app.page("/clean-river").await;
    let tally = format!(
        r#"<div class="tally" id="tally" data-events="/api/v1/campaigns/{}/events">"#,
        campaign.id
    );
    assert!(page.contains(&tally), "{page}");
    let count = tomar_core::language::Language::Fa.count(campaign.signature_count);
    assert!(
        page.contains(&format!(
            "<strong data-live-count>{count}</strong> امضا از هدف"
        )),
        "the count, then the goal, in Persian digits: {page}"
    );
    let goal = u64::from(
        campaign
            .signature_goal
            .expect("the demo campaign has a goal"),
    );
    assert!(page.contains(&format!(
        r#"<progress value="{}" max="{goal}""#,
        campaign.signature_count.min(goal)
    )));
    assert!(page.contains(r##"<a class="button tally-sign" href="#sign">"##));
    assert!(page.contains(&live_script()));
    assert_eq!(
        other_scripts(&page),
        0,
        "no inline script: the CSP stays as it is"
    );

    let english = app.page("/clean-river?lang=en").await;
    let count = tomar_core::language::Language::En.count(campaign.signature_count);
    let goal = tomar_core::language::Language::En.count(goal);
    assert!(
        english.contains(&format!(
            "<strong data-live-count>{count}</strong> of {goal} signatures"
        )),
        "{english}"
    );

    let script = app.get("/static/live.js").await;
    assert_eq!(script.status(), StatusCode::OK);
    assert_eq!(
        script.headers()[CONTENT_TYPE],
        "text/javascript; charset=utf-8"
    );
    assert!(script.text().await.unwrap().contains("EventSource"));

    assert!(
        page.contains(r#"href="sms:?body="#),
        "a plain SMS share, for when the internet is cut"
    );
    assert!(
        page.contains(r#"data-copy="share-url""#) && page.contains(r#"data-share="share-url""#)
    );
    assert!(
        page.contains("hidden>"),
        "the script's buttons wait for the script"
    );
    let share = app.get("/static/share.js").await;
    assert_eq!(share.status(), StatusCode::OK);
    assert!(share.text().await.unwrap().contains("navigator.share"));

    let ended = app.page("/demo").await;
    assert!(
        !ended.contains("tally-sign"),
        "no sign button where signing has ended"
    );
    app.finish().await;
}
