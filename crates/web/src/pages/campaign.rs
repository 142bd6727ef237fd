//! `/{id-or-slug}`: the campaign page, section by section in the order of the reference
//! page.

use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::response::Html;
use axum::routing::get;
use serde::Deserialize;
use tomar_core::Timestamp;
use tomar_core::body::Block;
use tomar_core::calendar::iran_date;
use tomar_core::campaign::Campaign;
use tomar_core::image::ImageSize;
use tomar_core::lifecycle::{Lifecycle, Outcome, Status};
use tomar_core::news::NewsStatus;
use tomar_core::signature::SignatureStatus;

use crate::error::WebError;
use crate::http::auth::Viewer;
use crate::http::csrf::CsrfToken;
use crate::http::extract::PublicCampaign;
use crate::rules::discussion::ensure_discussion_open;
use crate::rules::platform::Platform;
use crate::rules::signing::ensure_open;
use crate::rules::suggestions::suggestions_for;
use crate::state::AppState;
use crate::view::discussion::{Discussion, written_at};
use crate::view::growth::GrowthChart;
use crate::view::i18n::Tr;
use crate::view::questions::TotalsView;
use crate::view::render::render;
use crate::view::responses::delivery_line;
use crate::view::signing::{SignFormView, Signer};
use crate::view::tally::Tally;
use crate::view::text::{Segment, sentence};
use crate::view::url::{hashtag_path, percent_encode};
use crate::view::{Card, PageMeta, Share, Shell};

pub fn routes() -> Router<AppState> {
    Router::new().route("/{campaign}", get(campaign_page))
}

/// Names shown on the campaign page itself; the rest are on the signatures page.
const SIGNERS_ON_PAGE: u32 = 30;
const THREADS_ON_PAGE: u32 = 50;
/// Suggestions at the foot of the page; the ended banner shows the first three.
/// The public special follow-up list: a listing of its own.
const SPECIAL_FOLLOW_UP_LIST: &str = "/campaigns?status=special_follow_up";
const SUGGESTIONS: usize = 6;
const SUGGESTIONS_IN_BANNER: usize = 3;
/// The merged campaigns named on a campaign's page; more than a few is unheard of.
const JOINED_LISTED: u32 = 5;

/// A line of the meta list: `label: value`, the value possibly a link.
/// The addressee's answer, or the wait for it.
struct AnswerView {
    /// When it was delivered, and how long it waited or when it was answered.
    when: String,
    summary: Option<Vec<String>>,
    official_url: Option<String>,
}

impl AnswerView {
    fn of(campaign: &Campaign, now: Timestamp, tr: Tr) -> Option<AnswerView> {
        let delivered_at = campaign.delivered_at?;
        let response = campaign.response.as_ref();
        Some(AnswerView {
            when: delivery_line(
                delivered_at,
                response.map(|r| r.answered_on),
                iran_date(now),
                tr,
            ),
            summary: response.map(|r| {
                r.summary
                    .as_ref()
                    .split("\n\n")
                    .map(str::to_owned)
                    .collect()
            }),
            official_url: response
                .and_then(|r| r.official_url.as_ref())
                .map(|url| url.as_ref().to_owned()),
        })
    }
}

struct Meta {
    label: String,
    value: Vec<Segment>,
}

struct NewsView {
    title: String,
    url: String,
    host: String,
    date: String,
}

/// The sign form as the campaign page shows it, while signing is open.
struct SignBox {
    action: String,
    /// None for a visitor who is not logged in: the page is the same for all of them.
    csrf: Option<String>,
    form: SignFormView,
    /// For a logged-in member who already signed: the sentence with their number, shown
    /// instead of the form.
    signed: Option<String>,
}

struct UpdateView {
    title: String,
    date: String,
    blocks: Vec<Block>,
}

#[derive(Template)]
#[template(path = "campaign.html")]
struct CampaignTemplate {
    shell: Shell,
    href: String,
    title: String,
    kind: String,
    hashtag: String,
    hashtag_href: String,
    ended: bool,
    suspended_notice: Option<String>,
    succeeded_news: Option<String>,
    /// "Delivered to its addressee" or "on the special follow-up list", with where the
    /// list is.
    outcome_notice: Option<(String, Option<&'static str>)>,
    /// That its end date was moved later after a platform outage, and why.
    extension_notice: Option<String>,
    /// The campaigns merged into this one, each with how many of its signers came.
    joined: Vec<Vec<Segment>>,
    /// Once delivered: how long it has waited for its addressee, or their answer.
    answer: Option<AnswerView>,
    banner_suggestions: Vec<Card>,
    addressees: Vec<(String, String)>,
    /// «بسمه تعالی» and its kin, above the addressees as on paper.
    invocation: Option<String>,
    /// That a comment report arrived, after one.
    reported: Option<String>,
    blocks: Vec<Block>,
    meta: Vec<Meta>,
    days_left: Option<String>,
    tally: Tally,
    sign: Option<SignBox>,
    disclaimer: String,
    channels: Option<Vec<Segment>>,
    updates: Vec<UpdateView>,
    growth: Option<GrowthChart>,
    signers_heading: String,
    /// The public log that anyone can recount the signatures from.
    log: LogLine,
    versions: Vec<VersionLine>,
    /// What signers answered, where the author made the totals public.
    totals: Option<TotalsView>,
    signers: Vec<Signer>,
    more_signers: bool,
    discussion: Discussion,
    page_meta: PageMeta,
    /// The campaign's picture, wide, if it has one.
    image: Option<String>,
    share: Share,
    news: Vec<NewsView>,
    approval_date: Option<String>,
    suggestions: Vec<Card>,
}

/// One text version the campaign was signed under, once it has been revised: how many
/// signatures count for it, and its text as the log pins it.
struct VersionLine {
    label: String,
    href: String,
}

impl VersionLine {
    /// The lines of a campaign signed under more than one text; none otherwise.
    fn list(campaign: &Campaign, counts: &[(u32, u64)], tr: Tr) -> Vec<VersionLine> {
        if counts.len() < 2 {
            return Vec::new();
        }
        counts
            .iter()
            .map(|(version, count)| {
                let key = match *version == campaign.text_version {
                    true => "versions.live",
                    false => "versions.earlier",
                };
                let version_text = tr.count(u64::from(*version));
                VersionLine {
                    label: tr.with(
                        key,
                        &[("version", &version_text), ("count", &tr.count(*count))],
                    ),
                    href: format!("/log/{}/text/{version}.txt", campaign.id),
                }
            })
            .collect()
    }
}

/// What the page says of the campaign's public log.
struct LogLine {
    size: String,
    checkpoint: String,
    /// The first listing of shown names' openings, once the log has entries.
    names: Option<String>,
}

/// «… see our {telegram} or {instagram}», each a link when an admin has set its address.
/// "For news of this campaign, see our Telegram channel or Instagram page", once an admin
/// has set at least one of them: a line that points nowhere is left out.
fn channels(platform: &Platform, tr: Tr) -> Option<Vec<Segment>> {
    let link = |name: &str| {
        platform
            .get(&format!("channel.{name}"))
            .filter(|href| href.starts_with("https://"))
    };
    link("telegram").or_else(|| link("instagram"))?;
    let channel = |name: &str| {
        let text = tr.t(&format!("campaign.channels_{name}"));
        match link(name) {
            Some(href) => Segment::Link {
                href: href.to_owned(),
                text,
            },
            None => Segment::Text(text),
        }
    };
    Some(sentence(
        &tr.t("campaign.channels"),
        vec![
            ("telegram", channel("telegram")),
            ("instagram", channel("instagram")),
        ],
    ))
}

fn meta(campaign: &Campaign, tr: Tr) -> Vec<Meta> {
    let text = |key: &str, value: String| Meta {
        label: tr.t(key),
        value: vec![Segment::Text(value)],
    };
    let mut items = vec![
        text("campaign.start", tr.date(campaign.start_date)),
        text("campaign.end", tr.date(campaign.end_date)),
        text(
            "campaign.on_behalf_of",
            campaign.text.on_behalf_of.to_string(),
        ),
        Meta {
            label: tr.t("campaign.hashtag"),
            value: vec![Segment::Link {
                href: hashtag_path(&campaign.text.hashtag),
                text: format!("#{}", campaign.text.hashtag),
            }],
        },
        text("campaign.author", campaign.text.author_name.to_string()),
    ];
    // The category, when the author chose one, leads to its other campaigns.
    if let Some(category) = &campaign.category {
        items.push(Meta {
            label: tr.t("campaign.category"),
            value: vec![Segment::Link {
                href: format!("/campaigns?category={}", percent_encode(category.as_ref())),
                text: category.to_string(),
            }],
        });
    }
    items
}

/// What an action that returns to the campaign page may say it did.
#[derive(Deserialize)]
struct CampaignQuery {
    /// A comment was just reported from here.
    reported: Option<String>,
}

#[tracing::instrument(skip_all, fields(campaign = %campaign.id))]
async fn campaign_page(
    State(state): State<AppState>,
    tr: Tr,
    csrf: CsrfToken,
    viewer: Viewer,
    platform: Platform,
    PublicCampaign(campaign): PublicCampaign,
    Query(query): Query<CampaignQuery>,
) -> Result<Html<String>, WebError> {
    let now = Timestamp::now();
    let store = &state.store;
    let suggested = suggestions_for(&state, &campaign, SUGGESTIONS).await?;
    let (signatures, threads, news, updates, days, logged, versions, totals, joined) = tokio::try_join!(
        store.signatures_page(campaign.id, None, SIGNERS_ON_PAGE),
        store.comment_threads(campaign.id, None, THREADS_ON_PAGE),
        store.news_links(campaign.id, NewsStatus::Approved),
        store.updates(campaign.id),
        store.signatures_by_day(campaign.id),
        store.log_size(campaign.id),
        store.text_version_counts(campaign.id),
        store.public_answer_totals(&campaign),
        store.joined_campaigns(campaign.id, JOINED_LISTED),
    )?;

    let status = campaign.status(now);
    let path = campaign.path();
    let signed = match &viewer.member {
        Some(member) => state
            .store
            .signature_by_signer(campaign.id, &member.contact_key)
            .await?
            .filter(|s| s.status == SignatureStatus::Confirmed)
            .map(|s| tr.with("signed.number", &[("number", &tr.count(s.sequence))])),
        None => None,
    };
    let csrf = csrf.for_public_page(&viewer);
    let sign = ensure_open(&campaign, &platform, now)
        .is_ok()
        .then(|| SignBox {
            action: format!("{path}/sign"),
            csrf: csrf.clone(),
            form: SignFormView::fresh(viewer.member.as_ref(), &campaign.questions, tr),
            signed,
        });
    let suggestions = Card::list(&suggested, tr, now);
    let banner_suggestions = if status == Status::Ended {
        Card::list(
            &suggested[..suggested.len().min(SUGGESTIONS_IN_BANNER)],
            tr,
            now,
        )
    } else {
        Vec::new()
    };
    let days_left = campaign.days_left(now).map(|days| match days {
        0 => tr.t("campaign.last_day"),
        days => tr.with("campaign.days_left", &[("days", &tr.number(days))]),
    });
    let suspended_notice = match &campaign.lifecycle {
        Lifecycle::Suspended(order) => {
            Some(tr.with("campaign.suspended_banner", &[("order", &order.reference)]))
        }
        _ => None,
    };

    let (invocation, blocks) = campaign.text.body.opening();
    render(&CampaignTemplate {
        shell: Shell::new(tr, campaign.text.title.to_string(), &path),
        title: campaign.text.title.to_string(),
        kind: tr.t(&format!("kind.{}", campaign.kind.name())),
        hashtag: format!("#{}", campaign.text.hashtag),
        hashtag_href: hashtag_path(&campaign.text.hashtag),
        ended: status == Status::Ended,
        suspended_notice,
        succeeded_news: campaign.outcome.news_url().map(str::to_owned),
        outcome_notice: match campaign.outcome {
            Outcome::Delivered => Some((tr.t("campaign.delivered_banner"), None)),
            Outcome::SpecialFollowUp => Some((
                tr.t("campaign.special_follow_up_banner"),
                Some(SPECIAL_FOLLOW_UP_LIST),
            )),
            _ => None,
        },
        answer: AnswerView::of(&campaign, now, tr),
        joined: joined
            .iter()
            .map(|joined| {
                sentence(
                    &tr.t("merge.joined"),
                    vec![
                        ("title", Segment::Name(joined.title.to_string())),
                        ("date", Segment::Text(tr.instant(joined.merged_at))),
                        ("count", Segment::Text(tr.count(joined.carried))),
                    ],
                )
            })
            .collect(),
        extension_notice: campaign.extension.as_ref().map(|extension| {
            tr.with(
                "extension.notice",
                &[
                    ("days", &tr.count(u64::from(extension.days))),
                    ("day", &tr.date(extension.outage_on)),
                    ("reason", extension.reason.as_ref()),
                    ("end", &tr.date(campaign.end_date)),
                ],
            )
        }),
        banner_suggestions,
        addressees: campaign.text.addressee_lines(),
        invocation,
        blocks,
        reported: query
            .reported
            .is_some()
            .then(|| tr.t("discussion.reported")),
        meta: meta(&campaign, tr),
        days_left,
        tally: Tally::new(&campaign, tr),
        sign,
        disclaimer: platform.text("disclaimer", tr),
        channels: channels(&platform, tr),
        updates: updates
            .iter()
            .map(|u| UpdateView {
                title: u.title.to_string(),
                date: written_at(u.created_at, u.moved_from, tr),
                blocks: u.body.blocks(),
            })
            .collect(),
        growth: GrowthChart::of_days(&days, tr),
        signers_heading: tr.with(
            "campaign.signers",
            &[("count", &tr.count(campaign.signature_count))],
        ),
        more_signers: campaign.signature_count > u64::from(SIGNERS_ON_PAGE),
        log: LogLine {
            size: tr.with("log.size", &[("count", &tr.count(logged))]),
            checkpoint: format!("/log/{}/checkpoint", campaign.id),
            names: (logged > 0).then(|| format!("/log/{}/names/0", campaign.id)),
        },
        versions: VersionLine::list(&campaign, &versions, tr),
        totals: totals.and_then(|totals| TotalsView::of(&campaign.questions, &totals, tr)),
        signers: signatures.iter().map(|s| Signer::new(s, tr)).collect(),
        discussion: Discussion::new(
            &campaign,
            &threads,
            THREADS_ON_PAGE,
            ensure_discussion_open(&campaign, &platform, now).is_ok(),
            csrf,
            viewer.member.as_ref(),
            tr,
        ),
        news: news
            .iter()
            .map(|n| NewsView {
                title: n.title.to_string(),
                url: n.url.clone(),
                host: n.source_host.clone(),
                date: written_at(n.created_at, n.moved_from, tr),
            })
            .collect(),
        approval_date: campaign
            .published_at
            .map(|at| tr.with("campaign.approval_date", &[("date", &tr.instant(at))])),
        suggestions,
        page_meta: PageMeta {
            title: campaign.text.title.to_string(),
            description: description(&campaign, tr),
            canonical: format!("{}/{}", state.public_url, campaign.id),
            feed: Some(format!("/{}/feed.atom", campaign.id)),
            image: campaign
                .image_path(ImageSize::Wide)
                .map(|path| format!("{}{path}", state.public_url)),
        },
        image: campaign.image_path(ImageSize::Wide),
        share: Share::new(
            &state.public_url,
            campaign.id,
            campaign.text.title.as_ref(),
            tr,
        ),
        href: path,
    })
}

/// What a link preview says under the title: the count and the letter's opening.
fn description(campaign: &Campaign, tr: Tr) -> String {
    const EXCERPT: usize = 160;
    // What the letter says, not its invocation.
    let (_, blocks) = campaign.text.body.opening();
    let text: Vec<String> = blocks
        .into_iter()
        .map(|block| match block {
            Block::Paragraph(line) => line,
            Block::Bullets(items) => items.join(" "),
        })
        .collect();
    let opening: String = text.join(" ").chars().take(EXCERPT).collect();
    tr.with(
        "campaign.preview_description",
        &[
            ("count", &tr.count(campaign.signature_count)),
            ("opening", &opening),
        ],
    )
}
