//! Fictional demo content (`demo/demo.toml`): one ended campaign shaped like the reference
//! page at `/demo`, several open ones, signers, discussion, news and an update. It is
//! written through the same store calls and lifecycle transitions real use goes through.

use jiff::{Timestamp, ToSpan};
use serde::Deserialize;
use tomar_core::body::LetterBody;
use tomar_core::calendar::{end_of_iran_day, iran_date};
use tomar_core::campaign::{Addressee, CampaignKind, CampaignText, NewCampaign};
use tomar_core::comment::NewComment;
use tomar_core::contact::Contact;
use tomar_core::ids::CampaignId;
use tomar_core::lifecycle::{Outcome, OutcomeKind, Transition};
use tomar_core::moderation::{Actor, ModerationAction, ModerationEvent, Target};
use tomar_core::names::{CampaignRef, Hashtag, InputError, Line, PersonName, Slug};
use tomar_core::news::{NewNewsLink, NewsStatus, NewsUrl};
use tomar_core::questions::{Asks, MAX_LABEL, Question, Questions, QuestionsError, Wording};
use tomar_core::response::{AddresseeResponse, ResponseSummary};
use tomar_core::secret::Secret;
use tomar_core::signature::{ConfirmedSignature, SignatureOrigin};
use tomar_core::update::{NewUpdate, UpdateAuthor};
use tomar_store::{Confirmation, Store, StoreError};

const DEMO_TOML: &str = include_str!("../demo/demo.toml");
/// Demo signers are fictional; their contact keys only need to be distinct and stable, so
/// they are made under a secret of their own, not the server's.
const DEMO_CONTACT_SECRET: &[u8] = b"tomar demo content: fictional signers";
/// Every seventh demo signer hides their name.
const HIDDEN_EVERY: usize = 7;

#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    #[error("demo/demo.toml is not valid: {0}")]
    File(#[from] toml::de::Error),
    #[error("demo content {what:?} is not valid: {error}")]
    Content { what: String, error: InputError },
    #[error("the demo questions of {title:?} are not valid: {error}")]
    Questions {
        title: String,
        error: QuestionsError,
    },
    #[error(transparent)]
    Store(#[from] StoreError),
}

#[derive(Deserialize)]
struct DemoFile {
    first_names: Vec<String>,
    last_names: Vec<String>,
    campaigns: Vec<DemoCampaign>,
}

#[derive(Deserialize)]
struct DemoCampaign {
    slug: Option<String>,
    kind: String,
    title: String,
    hashtag: String,
    category: Option<String>,
    on_behalf_of: String,
    author_name: String,
    start_in_days: i32,
    end_in_days: i32,
    signatures: usize,
    /// The signature goal, if the campaign sets one.
    goal: Option<u32>,
    #[serde(default)]
    in_review: bool,
    addressees: Vec<(String, String)>,
    body: String,
    #[serde(default)]
    comments: Vec<DemoComment>,
    #[serde(default)]
    news: Vec<DemoNews>,
    #[serde(default)]
    updates: Vec<DemoUpdate>,
    /// Days from the demo's day to when it was delivered to its addressees, if it was.
    delivered_in_days: Option<i32>,
    /// The addressee's answer, once delivered.
    response: Option<DemoResponse>,
    /// The sign form's extra questions, all optional.
    #[serde(default)]
    questions: Vec<DemoQuestion>,
}

#[derive(Deserialize)]
struct DemoQuestion {
    /// Persian, English.
    label: (String, String),
    /// `text`, `one` or `several`.
    asks: String,
    #[serde(default)]
    choices: Vec<(String, String)>,
    /// The campaign page shows the totals of its choices.
    #[serde(default)]
    totals: bool,
}

impl DemoQuestion {
    fn question(&self) -> Result<Question, DemoError> {
        let wording = |(fa, en): &(String, String)| -> Result<Wording, DemoError> {
            let label = |text: &str| parse(text, |t| Line::parse(t, MAX_LABEL));
            Ok(Wording {
                fa: label(fa)?,
                en: Some(label(en)?),
            })
        };
        let choices = || {
            self.choices
                .iter()
                .map(wording)
                .collect::<Result<Vec<_>, _>>()
        };
        let asks = match self.asks.as_str() {
            "text" => Asks::Text,
            "one" => Asks::OneOf(choices()?),
            _ => Asks::SeveralOf(choices()?),
        };
        Ok(Question {
            wording: wording(&self.label)?,
            asks,
            required: false,
            totals_public: self.totals,
        })
    }
}

#[derive(Deserialize)]
struct DemoResponse {
    /// Days from the demo's day to the answer.
    in_days: i32,
    summary: String,
    url: Option<String>,
}

#[derive(Deserialize)]
struct DemoComment {
    name: Option<String>,
    body: String,
    #[serde(default)]
    replies: Vec<DemoComment>,
}

#[derive(Deserialize)]
struct DemoNews {
    url: String,
    title: String,
    approved: bool,
}

#[derive(Deserialize)]
struct DemoUpdate {
    title: String,
    body: String,
}

/// Marks the campaign delivered `days` from now, with its addressee's answer if it has one.
async fn deliver(
    store: &Store,
    id: CampaignId,
    response: Option<&DemoResponse>,
    now: Timestamp,
    days: i32,
) -> Result<(), DemoError> {
    let event = |action, at| ModerationEvent {
        actor: Actor::Platform,
        action,
        target: Target::Campaign(id),
        note: None,
        at,
    };
    let delivered_at = now
        .checked_add(jiff::SignedDuration::from_hours(24 * i64::from(days)))
        .unwrap_or(now);
    let delivered = ModerationAction::SetOutcome(OutcomeKind::Delivered);
    store
        .set_outcome(
            id,
            &Outcome::Delivered,
            &event(delivered, delivered_at),
            &[],
        )
        .await?;
    let Some(response) = response else {
        return Ok(());
    };
    let today = iran_date(now);
    let answer = AddresseeResponse {
        answered_on: today.checked_add(response.in_days.days()).unwrap_or(today),
        summary: parse(&response.summary, ResponseSummary::parse)?,
        official_url: response
            .url
            .as_deref()
            .map(|url| parse(url, NewsUrl::parse))
            .transpose()?,
    };
    let recorded = event(ModerationAction::RecordResponse, now);
    Ok(store.record_response(id, &answer, &recorded).await?)
}

/// Parses demo text, naming the offending text on failure.
fn parse<T>(text: &str, parser: impl Fn(&str) -> Result<T, InputError>) -> Result<T, DemoError> {
    parser(text).map_err(|error| DemoError::Content {
        what: text.chars().take(40).collect(),
        error,
    })
}

fn line(text: &str) -> Result<Line, DemoError> {
    parse(text, |t| Line::parse(t, CampaignText::LINE_MAX))
}

/// Creates the demo content unless the database already has campaigns. Answers whether
/// it created anything.
pub async fn create_if_empty(store: &Store, now: Timestamp) -> Result<bool, DemoError> {
    if store.campaign_count().await? > 0 {
        return Ok(false);
    }
    let demo: DemoFile = toml::from_str(DEMO_TOML)?;
    let mut signer_number = 0;
    for campaign in &demo.campaigns {
        create_campaign(store, &demo, campaign, now, &mut signer_number).await?;
    }
    Ok(true)
}

async fn create_campaign(
    store: &Store,
    demo: &DemoFile,
    spec: &DemoCampaign,
    now: Timestamp,
    signer_number: &mut usize,
) -> Result<CampaignId, DemoError> {
    let today = iran_date(now);
    let start_date = today
        .checked_add(spec.start_in_days.days())
        .unwrap_or(today);
    let end_date = today.checked_add(spec.end_in_days.days()).unwrap_or(today);
    // Demo history happens at noon-ish of the start day, in the past.
    let started = end_of_iran_day(start_date)
        .checked_sub(12.hours())
        .unwrap_or(now)
        .min(now);
    let new = NewCampaign {
        slug: spec
            .slug
            .as_deref()
            .map(|s| parse(s, Slug::parse))
            .transpose()?,
        kind: CampaignKind::from_name(&spec.kind).ok_or_else(|| DemoError::Content {
            what: spec.kind.clone(),
            error: InputError::BadCharacters,
        })?,
        text: CampaignText {
            title: parse(&spec.title, |t| Line::parse(t, CampaignText::TITLE_MAX))?,
            addressees: spec
                .addressees
                .iter()
                .map(|(name, position)| {
                    Ok(Addressee {
                        name: line(name)?,
                        position: line(position)?,
                    })
                })
                .collect::<Result<_, DemoError>>()?,
            body: parse(&spec.body, LetterBody::parse)?,
            on_behalf_of: line(&spec.on_behalf_of)?,
            author_name: line(&spec.author_name)?,
            hashtag: parse(&spec.hashtag, Hashtag::parse)?,
        },
        category: spec.category.as_deref().map(line).transpose()?,
        author_id: None,
        start_date,
        end_date,
        signature_goal: spec.goal,
    };
    let id = store.create_campaign(&new, started).await?;
    let questions = spec.questions.iter().map(DemoQuestion::question);
    let questions = Questions::new(questions.collect::<Result<_, _>>()?).map_err(|error| {
        DemoError::Questions {
            title: spec.title.clone(),
            error,
        }
    })?;
    store.set_questions(id, &questions).await?;
    let steps: &[Transition] = if spec.in_review {
        &[Transition::Submit]
    } else {
        &[Transition::Submit, Transition::Approve]
    };
    for step in steps {
        let mut campaign = store
            .campaign(&CampaignRef::Id(id))
            .await?
            .ok_or(StoreError::NotFound("campaign"))?;
        let before = campaign.lifecycle.clone();
        let event = campaign
            .apply(step.clone(), Actor::Platform, None, started)
            .map_err(|_| StoreError::Conflict)?;
        store
            .save_transition(&campaign, &before, &event, &[])
            .await?;
    }

    let secret = Secret::new(DEMO_CONTACT_SECRET.to_vec()).expect("the demo secret is long enough");
    let signers: Vec<Confirmation> = (0..spec.signatures)
        .map(|_| {
            *signer_number += 1;
            demo_signer(demo, &secret, *signer_number, started).map(Confirmation::direct)
        })
        .collect::<Result<_, _>>()?;
    store.add_confirmations(id, 1, &signers, started).await?;

    for comment in &spec.comments {
        let parent = store
            .add_comment(&demo_comment(id, None, comment, started)?)
            .await?;
        for reply in &comment.replies {
            store
                .add_comment(&demo_comment(id, Some(parent), reply, started)?)
                .await?;
        }
    }
    for news in &spec.news {
        let host = news.url.split('/').nth(2).unwrap_or_default().to_owned();
        let link = store
            .add_news_link(&NewNewsLink {
                campaign_id: id,
                url: news.url.clone(),
                title: line(&news.title)?,
                source_host: host,
                submitter_name: None,
                client_key: None,
                at: started,
            })
            .await?;
        if news.approved {
            let event = ModerationEvent {
                actor: Actor::Platform,
                action: ModerationAction::Approve,
                target: Target::NewsLink(link),
                note: None,
                at: started,
            };
            store
                .review_news_link(link, NewsStatus::Approved, &event)
                .await?;
        }
    }
    if let Some(days) = spec.delivered_in_days {
        deliver(store, id, spec.response.as_ref(), now, days).await?;
    }
    for update in &spec.updates {
        store
            .add_update(
                &NewUpdate {
                    campaign_id: id,
                    author: UpdateAuthor::Platform,
                    title: line(&update.title)?,
                    body: parse(&update.body, LetterBody::parse)?,
                    at: started,
                },
                &[],
            )
            .await?;
    }
    Ok(id)
}

/// How many networks the demo's signers come from.
const DEMO_NETWORKS: usize = 40;

fn demo_signer(
    demo: &DemoFile,
    secret: &Secret,
    n: usize,
    at: Timestamp,
) -> Result<ConfirmedSignature, DemoError> {
    let first = &demo.first_names[n % demo.first_names.len()];
    let last = &demo.last_names[(n / demo.first_names.len() + n) % demo.last_names.len()];
    // Fictional numbers from 0990 000 0000 on, one per signer.
    let contact = parse(&format!("09{:09}", 900_000_000 + n), Contact::parse)?;
    Ok(ConfirmedSignature {
        sealed_answers: None,
        name: parse(&format!("{first} {last}"), PersonName::parse)?,
        public: !n.is_multiple_of(HIDDEN_EVERY),
        wants_updates: false,
        sealed_contact: None,
        contact_key: secret.contact_key(&contact),
        withdraw_key: None,
        created_at: at,
        confirmed_at: at,
        // Spread over a few dozen made-up carrier networks, so the fraud tools show a spread.
        origin: SignatureOrigin {
            network: Some(secret.client_key(&format!("10.{}.0.0/24", n % DEMO_NETWORKS))),
            email_domain: None,
            busy_network: false,
        },
    })
}

/// Signatures a bulk addition writes per batch: each is one transaction of a few
/// multi-row statements, within both backends' limits on bound values.
const BULK_BATCH: usize = 2000;
/// Bulk signers are numbered from here on (the demo content's own stay below it).
const BULK_FIRST_SIGNER: usize = 100_000;
/// Over how many days before now bulk signatures are spread.
const BULK_SPREAD_DAYS: i64 = 30;

/// Adds `count` fictional signatures to a campaign, spread over the last thirty days,
/// through the same group commit as real ones; `progress` hears how many went so far.
/// Answers how many were counted (a signer already there from an earlier run is not).
pub async fn add_signatures(
    store: &Store,
    campaign: &CampaignRef,
    count: u64,
    now: Timestamp,
    mut progress: impl FnMut(u64),
) -> Result<u64, DemoError> {
    let campaign = store
        .campaign(campaign)
        .await?
        .ok_or(StoreError::NotFound("campaign"))?;
    let demo: DemoFile = toml::from_str(DEMO_TOML)?;
    let secret = Secret::new(DEMO_CONTACT_SECRET.to_vec()).expect("the demo secret is long enough");
    let first = BULK_FIRST_SIGNER + campaign.signature_count as usize;
    let total = usize::try_from(count).unwrap_or(usize::MAX);
    let spread = jiff::SignedDuration::from_hours(BULK_SPREAD_DAYS * 24);
    let step = spread / i32::try_from(total.max(1)).unwrap_or(i32::MAX);
    let mut counted = 0;
    for batch_start in (0..total).step_by(BULK_BATCH) {
        let batch_end = (batch_start + BULK_BATCH).min(total);
        let signers: Vec<Confirmation> = (batch_start..batch_end)
            .map(|i| {
                let ago = step * i32::try_from(total - i).unwrap_or(i32::MAX);
                let at = now.checked_sub(ago).unwrap_or(now);
                demo_signer(&demo, &secret, first + i, at).map(Confirmation::direct)
            })
            .collect::<Result<_, _>>()?;
        let outcomes = store
            .add_confirmations(campaign.id, campaign.text_version, &signers, now)
            .await?;
        counted += outcomes
            .iter()
            .filter(|outcome| matches!(outcome, tomar_store::Confirmed::Signed(_)))
            .count() as u64;
        progress(batch_end as u64);
    }
    Ok(counted)
}

fn demo_comment(
    campaign: CampaignId,
    parent: Option<tomar_core::ids::CommentId>,
    comment: &DemoComment,
    at: Timestamp,
) -> Result<NewComment, DemoError> {
    Ok(NewComment {
        campaign_id: campaign,
        parent_id: parent,
        author_id: None,
        name: comment
            .name
            .as_deref()
            .map(|n| parse(n, PersonName::parse))
            .transpose()?,
        body: parse(&comment.body, LetterBody::parse)?,
        client_key: None,
        at,
    })
}
