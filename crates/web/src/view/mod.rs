//! Shapes that templates render: domain values already translated, dated and counted for
//! one language, so templates only lay them out. What more than one page shows lives here
//! (the frame, cards, sharing, the discussion, the letter); what one page shows lives with
//! that page.

pub mod code_form;
pub mod contact_form;
pub mod csv;
pub mod delivery;
pub mod discussion;
pub mod done;
pub mod growth;
pub mod i18n;
pub mod letter;
pub mod moderation;
pub mod questions;
pub mod render;
pub mod responses;
pub mod sign_questions;
pub mod signing;
pub mod tally;
pub mod text;
pub mod url;

use tomar_core::Timestamp;
use tomar_core::campaign::{Campaign, CampaignSummary};
use tomar_core::ids::CampaignId;
use tomar_core::image::ImageSize;
use tomar_core::language::Language;
use tomar_core::lifecycle::{Outcome, Status};

use self::i18n::Tr;
use self::url::percent_encode;

/// What every page's frame needs: the translator, the page title, and where the language
/// toggle leads.
pub struct Shell {
    pub tr: Tr,
    pub title: String,
    pub toggle_href: String,
}

impl Shell {
    /// `path` is the current path; the toggle leads to it in the other language.
    pub fn new(tr: Tr, title: String, path: &str) -> Shell {
        let other = match tr.language {
            Language::Fa => "en",
            Language::En => "fa",
        };
        Shell {
            tr,
            title,
            toggle_href: format!("{path}?lang={other}"),
        }
    }
}

/// What a page about one campaign shows above its own content: the way back to the
/// campaign's page, and its title.
pub struct CampaignHead {
    pub href: String,
    pub title: String,
}

impl CampaignHead {
    pub fn of(campaign: &Campaign) -> CampaignHead {
        CampaignHead {
            href: campaign.path(),
            title: campaign.text.title.to_string(),
        }
    }

    /// The frame of the page at the campaign's address and then `sub`, titled `title`.
    pub fn shell(&self, tr: Tr, title: String, sub: &str) -> Shell {
        Shell::new(tr, title, &format!("{}{sub}", self.href))
    }
}

/// How a campaign is shared: its short address and links that open the share screens of
/// Telegram, WhatsApp and X with the title and the address filled in.
pub struct Share {
    pub url: String,
    pub links: Vec<(String, String)>,
}

impl Share {
    pub fn new(public_url: &str, id: CampaignId, title: &str, tr: Tr) -> Share {
        let url = format!("{public_url}/{id}");
        let text = percent_encode(title);
        let encoded = percent_encode(&url);
        let links = vec![
            (
                tr.t("signed.share_telegram"),
                format!("https://t.me/share/url?url={encoded}&text={text}"),
            ),
            (
                tr.t("signed.share_whatsapp"),
                format!("https://wa.me/?text={text}%20{encoded}"),
            ),
            // Iran's own messengers, which stay up when the international internet does not.
            (
                tr.t("signed.share_eitaa"),
                format!("https://eitaa.com/share/url?url={encoded}&text={text}"),
            ),
            (
                tr.t("signed.share_bale"),
                format!("https://ble.ir/share/url?url={encoded}&text={text}"),
            ),
            (
                tr.t("signed.share_x"),
                format!("https://x.com/intent/post?url={encoded}&text={text}"),
            ),
            // A plain SMS needs no internet at all: for when the international one is cut.
            (
                tr.t("signed.share_sms"),
                format!("sms:?body={text}%20{encoded}"),
            ),
        ];
        Share { url, links }
    }
}

/// What a page tells link previews and feed readers: Open Graph and Twitter card tags,
/// the one canonical address, and its Atom feed.
pub struct PageMeta {
    pub title: String,
    pub description: String,
    pub canonical: String,
    pub feed: Option<String>,
    /// The picture link previews show, as an absolute address.
    pub image: Option<String>,
}

/// A campaign in a listing.
pub struct Card {
    pub href: String,
    pub title: String,
    /// The title in runs, the words a search matched marked, for a search result.
    pub marked_title: Option<Vec<(String, bool)>>,
    pub kind: String,
    /// The author's category, if they chose one.
    pub category: Option<String>,
    /// The campaign's picture at card size, if it has one.
    pub image: Option<String>,
    /// The first addressee's name, shown after `to` ("To", «خطاب به»).
    pub addressee: Option<String>,
    pub to: String,
    pub count: String,
    /// Days left, ended, suspended or succeeded; `badge_class` styles it.
    pub badge: String,
    pub badge_class: &'static str,
}

impl Card {
    pub fn new(summary: &CampaignSummary, tr: Tr, now: Timestamp) -> Card {
        let (badge, badge_class) = match (&summary.outcome, summary.status(now)) {
            (Outcome::Succeeded { .. }, _) => (tr.t("card.succeeded"), "badge-success"),
            _ if summary.answered_on.is_some() => (tr.t("card.answered"), "badge-success"),
            (Outcome::SpecialFollowUp, _) => (tr.t("card.special_follow_up"), "badge-open"),
            (Outcome::Delivered, _) => (tr.t("card.delivered"), "badge-success"),
            (_, Status::Suspended) => (tr.t("card.suspended"), "badge-muted"),
            (_, Status::Draft) => (tr.t("card.draft"), "badge-muted"),
            (_, Status::InReview) => (tr.t("card.in_review"), "badge-open"),
            (_, Status::Rejected) => (tr.t("card.rejected"), "badge-urgent"),
            (_, Status::Open) => match summary.days_left(now) {
                Some(0) | None => (tr.t("card.last_day"), "badge-urgent"),
                Some(days) => (
                    tr.with("card.days_left", &[("days", &tr.number(days))]),
                    "badge-open",
                ),
            },
            _ => (tr.t("card.ended"), "badge-muted"),
        };
        Card {
            href: summary.path(),
            title: summary.title.to_string(),
            marked_title: None,
            kind: tr.t(&format!("kind.{}", summary.kind.name())),
            category: summary.category.as_ref().map(ToString::to_string),
            image: summary.image_path(ImageSize::Card),
            addressee: summary.first_addressee.as_ref().map(|a| a.name.to_string()),
            to: tr.t("card.to"),
            count: tr.with(
                "card.signatures",
                &[("count", &tr.count(summary.signature_count))],
            ),
            badge,
            badge_class,
        }
    }

    pub fn list(summaries: &[CampaignSummary], tr: Tr, now: Timestamp) -> Vec<Card> {
        summaries.iter().map(|s| Card::new(s, tr, now)).collect()
    }
}
