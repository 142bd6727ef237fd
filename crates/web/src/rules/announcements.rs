//! The platform's posts to its public Telegram channel: when a campaign is approved,
//! delivered to its addressees, or succeeds. Each is queued in the outbox with the change
//! that caused it, in Persian like all the platform's news, and only once an admin has named
//! the channel (`channel.telegram_chat`); the bot that carries them is configured at start.

use tomar_core::campaign::Campaign;
use tomar_core::language::Language;
use tomar_core::lifecycle::Outcome;
use tomar_core::message::{OutboundMessage, Route};

use crate::error::WebError;
use crate::rules::platform::Platform;
use crate::state::AppState;
use crate::view::i18n::Tr;

/// What a post tells the channel.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Announcement<'a> {
    Approved,
    Delivered,
    Succeeded { news_url: &'a str },
}

impl<'a> Announcement<'a> {
    /// The news an outcome is, if it is any: a delivery or a success.
    pub fn of_outcome(outcome: &'a Outcome) -> Option<Announcement<'a>> {
        match outcome {
            Outcome::Delivered => Some(Announcement::Delivered),
            Outcome::Succeeded { news_url } => Some(Announcement::Succeeded { news_url }),
            Outcome::None | Outcome::SpecialFollowUp | Outcome::Failed => None,
        }
    }
}

/// The post announcing `what` of `campaign`, for the outbox; none while no channel is named.
pub async fn channel_post(
    state: &AppState,
    campaign: &Campaign,
    what: Announcement<'_>,
) -> Result<Vec<OutboundMessage>, WebError> {
    let Some(chat) = Platform::new(state.store.settings().await?).telegram_chat() else {
        return Ok(Vec::new());
    };
    let tr = Tr::new(Language::Fa);
    let link = format!("{}/{}", state.public_url, campaign.id);
    let addressees = campaign
        .text
        .addressee_lines()
        .iter()
        .map(|(name, position)| {
            tr.with(
                "channel_post.addressee",
                &[("name", name), ("position", position)],
            )
        })
        .collect::<Vec<_>>()
        .join(&tr.t("channel_post.addressee_separator"));
    let count = tr.number(campaign.signature_count);
    let mut values = vec![
        ("title", campaign.text.title.as_ref()),
        ("addressees", addressees.as_str()),
        ("hashtag", campaign.text.hashtag.as_ref()),
        ("link", link.as_str()),
        ("count", count.as_str()),
    ];
    let key = match what {
        Announcement::Approved => "channel_post.approved",
        Announcement::Delivered => "channel_post.delivered",
        Announcement::Succeeded { news_url } => {
            values.push(("news_url", news_url));
            "channel_post.succeeded"
        }
    };
    Ok(vec![OutboundMessage {
        route: Route::Telegram,
        recipient: chat.to_string(),
        subject: String::new(),
        body: tr.with(key, &values),
    }])
}
