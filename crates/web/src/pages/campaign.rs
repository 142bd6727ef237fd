//! `/{id-or-slug}`: the campaign page, section by section in the order of the reference
//! page; and `/{id-or-slug}/signatures`, the full public list of signers.

use askama::Template;
use axum::Extension;
use axum::extract::{Path, Query, State};
use axum::response::Html;
use serde::Deserialize;
use tomar_core::Timestamp;
use tomar_core::body::Block;
use tomar_core::campaign::Campaign;
use tomar_core::comment::{Comment, CommentStatus, Thread};
use tomar_core::lifecycle::{Lifecycle, Status};
use tomar_core::member::Member;
use tomar_core::names::CampaignRef;
use tomar_core::news::NewsStatus;
use tomar_core::persian::ascii_digits;
use tomar_core::signature::{Signature, SignatureStatus};

use crate::AppState;
use crate::auth::Viewer;
use crate::csrf::CsrfToken;
use crate::discussion;
use crate::error::WebError;
use crate::i18n::Tr;
use crate::pages::discussion::CommentFormView;
use crate::pages::hashtag::hashtag_path;
use crate::pages::render;
use crate::pages::signing::SignFormView;
use crate::platform::Platform;
use crate::suggestions::suggestions_for;
use crate::view::{Card, PageMeta, Segment, Share, Shell, linkify, sentence};

/// Names shown on the campaign page itself; the rest are on the signatures page.
const SIGNERS_ON_PAGE: u32 = 30;
const SIGNERS_PER_PAGE: u32 = 100;
const THREADS_ON_PAGE: u32 = 50;
/// Suggestions at the foot of the page; the ended banner shows the first three.
const SUGGESTIONS: usize = 6;
const SUGGESTIONS_IN_BANNER: usize = 3;

/// Loads a campaign the public may see, or answers 404.
pub async fn public_campaign(state: &AppState, segment: &str) -> Result<Campaign, WebError> {
    let by = CampaignRef::parse(segment).ok_or(WebError::NotFound)?;
    public(state.store.campaign(&by).await?)
}

/// A campaign the public may see, for the signing checks: at most a second old (see
/// `Store::cached_campaign`), so a surge of signers does not read it again per request.
/// Pages that show it, and its count, use [`public_campaign`].
pub async fn campaign_to_sign(state: &AppState, segment: &str) -> Result<Campaign, WebError> {
    let by = CampaignRef::parse(segment).ok_or(WebError::NotFound)?;
    public(state.store.cached_campaign(&by).await?)
}

fn public(found: Option<Campaign>) -> Result<Campaign, WebError> {
    match found {
        Some(campaign) if campaign.lifecycle.is_public() => Ok(campaign),
        _ => Err(WebError::NotFound),
    }
}

/// A line of the meta list: `label: value`, the value possibly a link.
pub struct Meta {
    pub label: String,
    pub value: Vec<Segment>,
}

pub struct Signer {
    pub number: String,
    /// `None` for a signer who hid their name.
    pub name: Option<String>,
}

impl Signer {
    fn new(signature: &Signature, tr: Tr) -> Signer {
        Signer {
            number: tr.number(signature.sequence),
            name: signature.public_name().map(ToString::to_string),
        }
    }
}

pub struct CommentView {
    pub id: i64,
    pub is_reply: bool,
    /// `X` for a comment, `X در پاسخ به Y` for a reply.
    pub heading: String,
    pub lines: Vec<Vec<Segment>>,
    pub date: String,
}

pub struct ThreadView {
    /// `None` when the comment itself was hidden but its replies stand.
    pub comment: Option<CommentView>,
    pub replies: Vec<CommentView>,
}

fn author(comment: &Comment, tr: Tr) -> String {
    comment
        .name
        .as_ref()
        .map_or_else(|| tr.t("campaign.anonymous"), ToString::to_string)
}

fn comment_view(comment: &Comment, heading: String, tr: Tr) -> CommentView {
    CommentView {
        id: comment.id.0,
        is_reply: comment.parent_id.is_some(),
        heading,
        lines: comment.body.as_ref().lines().map(linkify).collect(),
        date: tr.instant(comment.created_at),
    }
}

/// A thread as readers see it: hidden replies vanish; a hidden comment with visible replies
/// leaves a placeholder so the replies still read; otherwise it vanishes too.
pub fn thread_view(thread: &Thread, tr: Tr) -> Option<ThreadView> {
    let parent_name = author(&thread.comment, tr);
    let replies: Vec<CommentView> = thread
        .replies
        .iter()
        .filter(|reply| reply.status == CommentStatus::Visible)
        .map(|reply| {
            let heading = tr.with(
                "campaign.in_reply_to",
                &[("name", &author(reply, tr)), ("parent", &parent_name)],
            );
            comment_view(reply, heading, tr)
        })
        .collect();
    let comment = (thread.comment.status == CommentStatus::Visible)
        .then(|| comment_view(&thread.comment, parent_name.clone(), tr));
    (comment.is_some() || !replies.is_empty()).then_some(ThreadView { comment, replies })
}

/// The discussion section: its threads, the form while the campaign takes comments, and
/// the way to older threads.
pub struct Discussion {
    pub href: String,
    pub threads: Vec<ThreadView>,
    pub csrf: String,
    pub form: Option<CommentFormView>,
    pub older: Option<String>,
}

impl Discussion {
    pub fn new(
        campaign: &Campaign,
        threads: &[Thread],
        page_size: u32,
        platform: &Platform,
        csrf: CsrfToken,
        member: Option<&Member>,
        tr: Tr,
    ) -> Discussion {
        let href = format!("/{}", campaign.path_segment());
        let open = discussion::ensure_discussion_open(campaign, platform, Timestamp::now()).is_ok();
        let older = (threads.len() == page_size as usize)
            .then(|| threads.last())
            .flatten()
            .map(|last| format!("{href}/comments?before={}", last.comment.id));
        Discussion {
            threads: threads.iter().filter_map(|t| thread_view(t, tr)).collect(),
            csrf: csrf.0,
            form: open.then(|| CommentFormView::fresh(member)),
            older,
            href,
        }
    }
}

pub struct NewsView {
    pub title: String,
    pub url: String,
    pub host: String,
    pub date: String,
}

/// The sign form as the campaign page shows it, while signing is open.
pub struct SignBox {
    pub action: String,
    pub csrf: String,
    pub form: SignFormView,
    /// For a logged-in member who already signed: the sentence with their number, shown
    /// instead of the form.
    pub signed: Option<String>,
}

pub struct UpdateView {
    pub title: String,
    pub date: String,
    pub blocks: Vec<Block>,
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
    banner_suggestions: Vec<Card>,
    addressees: Vec<(String, String)>,
    blocks: Vec<Block>,
    meta: Vec<Meta>,
    days_left: Option<String>,
    goal: Option<(u64, u64, String)>,
    sign: Option<SignBox>,
    disclaimer: String,
    channels: Vec<Segment>,
    updates: Vec<UpdateView>,
    signers_heading: String,
    signers: Vec<Signer>,
    more_signers: bool,
    discussion: Discussion,
    page_meta: PageMeta,
    share: Share,
    news: Vec<NewsView>,
    approval_date: Option<String>,
    suggestions: Vec<Card>,
}

/// A platform text an admin may have set for this language, else the translation.
fn platform_text(platform: &Platform, key: &str, tr: Tr) -> String {
    platform
        .text(key, tr.code())
        .map_or_else(|| tr.t(&format!("campaign.{key}")), str::to_owned)
}

/// «… see our {telegram} or {instagram}», each a link when an admin has set its address.
fn channels(platform: &Platform, tr: Tr) -> Vec<Segment> {
    let channel = |name: &str| {
        let text = tr.t(&format!("campaign.channels_{name}"));
        match platform.get(&format!("channel.{name}")) {
            Some(href) if href.starts_with("https://") => Segment::Link {
                href: href.to_owned(),
                text,
            },
            _ => Segment::Text(text),
        }
    };
    sentence(
        &tr.t("campaign.channels"),
        vec![
            ("telegram", channel("telegram")),
            ("instagram", channel("instagram")),
        ],
    )
}

fn meta(campaign: &Campaign, tr: Tr) -> Vec<Meta> {
    let text = |key: &str, value: String| Meta {
        label: tr.t(key),
        value: vec![Segment::Text(value)],
    };
    vec![
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
    ]
}

#[tracing::instrument(skip(state, tr, csrf, viewer))]
pub async fn campaign_page(
    State(state): State<AppState>,
    Extension(tr): Extension<Tr>,
    Extension(csrf): Extension<CsrfToken>,
    Extension(viewer): Extension<Viewer>,
    Path(segment): Path<String>,
) -> Result<Html<String>, WebError> {
    let campaign = public_campaign(&state, &segment).await?;
    let now = Timestamp::now();
    let store = &state.store;
    let suggested = suggestions_for(&state, &campaign, SUGGESTIONS).await?;
    let (signatures, threads, news, updates, settings) = tokio::try_join!(
        store.signatures_page(campaign.id, None, SIGNERS_ON_PAGE),
        store.comment_threads(campaign.id, None, THREADS_ON_PAGE),
        store.news_links(campaign.id, NewsStatus::Approved),
        store.updates(campaign.id),
        store.settings(),
    )?;

    let platform = Platform::new(settings);
    let status = campaign.status(now);
    let path = format!("/{}", campaign.path_segment());
    let signed = match &viewer.member {
        Some(member) => state
            .store
            .signature_by_signer(campaign.id, &member.contact_key)
            .await?
            .filter(|s| s.status == SignatureStatus::Confirmed)
            .map(|s| tr.with("signed.number", &[("number", &tr.count(s.sequence))])),
        None => None,
    };
    let sign = (status == Status::Open && !platform.signing_stopped()).then(|| SignBox {
        action: format!("{path}/sign"),
        csrf: csrf.0.clone(),
        form: SignFormView::fresh(viewer.member.as_ref()),
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
    let goal = campaign.signature_goal.map(|goal| {
        let goal = u64::from(goal);
        let label = tr.with("campaign.goal", &[("goal", &tr.count(goal))]);
        (campaign.signature_count.min(goal), goal, label)
    });

    render(&CampaignTemplate {
        shell: Shell::new(tr, campaign.text.title.to_string(), &path),
        title: campaign.text.title.to_string(),
        kind: tr.t(&format!("kind.{}", campaign.kind.name())),
        hashtag: format!("#{}", campaign.text.hashtag),
        hashtag_href: hashtag_path(&campaign.text.hashtag),
        ended: status == Status::Ended,
        suspended_notice,
        succeeded_news: campaign.outcome.news_url().map(str::to_owned),
        banner_suggestions,
        addressees: campaign
            .text
            .addressees
            .iter()
            .map(|a| (a.name.to_string(), a.position.to_string()))
            .collect(),
        blocks: campaign.text.body.blocks(),
        meta: meta(&campaign, tr),
        days_left,
        goal,
        sign,
        disclaimer: platform_text(&platform, "disclaimer", tr),
        channels: channels(&platform, tr),
        updates: updates
            .iter()
            .map(|u| UpdateView {
                title: u.title.to_string(),
                date: tr.instant(u.created_at),
                blocks: u.body.blocks(),
            })
            .collect(),
        signers_heading: tr.with(
            "campaign.signers",
            &[("count", &tr.count(campaign.signature_count))],
        ),
        more_signers: campaign.signature_count > u64::from(SIGNERS_ON_PAGE),
        signers: signatures.iter().map(|s| Signer::new(s, tr)).collect(),
        discussion: Discussion::new(
            &campaign,
            &threads,
            THREADS_ON_PAGE,
            &platform,
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
                date: tr.instant(n.created_at),
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
        },
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
    let opening: String = tomar_core::persian::single_line(campaign.text.body.as_ref())
        .chars()
        .take(EXCERPT)
        .collect();
    tr.with(
        "campaign.preview_description",
        &[
            ("count", &tr.count(campaign.signature_count)),
            ("opening", &opening),
        ],
    )
}

/// One page of a campaign's confirmed signers, newest first, after the cursor `after` (a
/// signature number, typed in any digits), and the cursor of the next page if there is one.
pub async fn signers_page(
    state: &AppState,
    campaign: &Campaign,
    after: Option<&str>,
) -> Result<(Vec<Signature>, Option<u64>), WebError> {
    let after = match after.map(|a| ascii_digits(a.trim())) {
        None => None,
        Some(digits) if digits.is_empty() => None,
        Some(digits) => Some(digits.parse::<u64>().map_err(|_| WebError::BadRequest)?),
    };
    let page = state
        .store
        .signatures_page(campaign.id, after, SIGNERS_PER_PAGE)
        .await?;
    let next = match page.last() {
        Some(last) if page.len() == SIGNERS_PER_PAGE as usize && last.sequence > 1 => {
            Some(last.sequence)
        }
        _ => None,
    };
    Ok((page, next))
}

#[derive(Deserialize)]
pub struct SignaturesQuery {
    after: Option<String>,
}

#[derive(Template)]
#[template(path = "signatures.html")]
struct SignaturesTemplate {
    shell: Shell,
    href: String,
    title: String,
    count: String,
    signers: Vec<Signer>,
    next_href: Option<String>,
}

#[tracing::instrument(skip(state, tr, query))]
pub async fn signatures_page(
    State(state): State<AppState>,
    Extension(tr): Extension<Tr>,
    Path(segment): Path<String>,
    Query(query): Query<SignaturesQuery>,
) -> Result<Html<String>, WebError> {
    let campaign = public_campaign(&state, &segment).await?;
    let (page, next) = signers_page(&state, &campaign, query.after.as_deref()).await?;
    let href = format!("/{}", campaign.path_segment());
    let next_href = next.map(|after| format!("{href}/signatures?after={after}"));
    let title = tr.with(
        "signatures.title",
        &[("title", campaign.text.title.as_ref())],
    );
    render(&SignaturesTemplate {
        shell: Shell::new(tr, title.clone(), &format!("{href}/signatures")),
        title,
        count: tr.with(
            "signatures.count",
            &[("count", &tr.count(campaign.signature_count))],
        ),
        signers: page.iter().map(|s| Signer::new(s, tr)).collect(),
        next_href,
        href,
    })
}
